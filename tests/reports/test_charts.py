"""The SVG bar charts: bars in proportion, shares filling the width, text escaped, and an
accessible name and description on every chart."""

import re
from decimal import Decimal

from reports.charts import Bar, Series, _ticks, bar_chart

SERIES = [Series("Under 30", "#0f6e6e"), Series("30 and over", "#6ea8dc")]


def rect_widths(svg: str) -> list[float]:
    return [float(width) for width in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)"', svg)]


def test_bars_are_in_proportion_to_their_values():
    chart = bar_chart(
        chart_id="chart-test",
        title="Audience",
        description="One bar a country.",
        series=[SERIES[0]],
        bars=[Bar("Uzbekistan", (300,), caption="300"), Bar("Kazakhstan", (150,), caption="150")],
    )

    uz, kz = rect_widths(chart.svg)
    assert round(uz / kz, 2) == 2.0
    assert chart.legend == []  # one series needs no legend
    assert chart.is_empty is False


def test_shares_fill_the_whole_width_and_only_used_series_reach_the_legend():
    chart = bar_chart(
        chart_id="chart-test",
        title="Shares",
        description="One bar a year.",
        series=[*SERIES, Series("Age not counted", "#c9d0d9")],
        bars=[Bar("2024", (1, 3, 0)), Bar("2025", (Decimal("2.5"), Decimal("7.5"), 0))],
        stacked_to_100=True,
    )

    first_year, second_year = rect_widths(chart.svg)[:2], rect_widths(chart.svg)[2:]
    assert round(sum(first_year), 0) == round(sum(second_year), 0)
    assert round(first_year[1] / first_year[0], 1) == 3.0
    assert [series.label for series in chart.legend] == ["Under 30", "30 and over"]


def test_text_is_escaped_and_the_chart_is_named_for_screen_readers():
    chart = bar_chart(
        chart_id="chart-test",
        title="Events <b>held</b>",
        description="A & B",
        series=[SERIES[0]],
        bars=[Bar('<script>alert("x")</script>', (1,), caption="1")],
    )

    svg = str(chart.svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert '<title id="chart-test-title">Events &lt;b&gt;held&lt;/b&gt;</title>' in svg
    assert '<desc id="chart-test-desc">A &amp; B</desc>' in svg
    assert 'role="img" aria-labelledby="chart-test-title chart-test-desc"' in svg
    assert " style=" not in svg


def test_an_all_zero_chart_is_empty():
    chart = bar_chart(
        chart_id="chart-test",
        title="Nothing",
        description="Nothing yet.",
        series=[SERIES[0]],
        bars=[Bar("Kyrgyzstan", (0,), caption="0")],
    )

    assert chart.is_empty is True
    assert rect_widths(chart.svg) == []


def test_axis_ticks_are_round_numbers_past_the_largest_value():
    assert _ticks(6) == [0, 2, 4, 6]
    assert _ticks(7) == [0, 2, 4, 6, 8]
    assert _ticks(3) == [0, 1, 2, 3]
    assert _ticks(125_000_000) == [0, 50_000_000, 100_000_000, 150_000_000]
    assert _ticks(0) == [0, 1]
