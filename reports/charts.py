"""Bar charts drawn on the server as inline SVG: no script, no CDN, nothing a strict Content
Security Policy would refuse. Colours and sizes are SVG presentation attributes (``fill``,
``width``, ``font-size``), which are attributes, not CSS, so no ``style`` is needed.

Each chart is an image with a ``<title>`` and a ``<desc>`` that name it for screen readers;
every bar segment carries its own ``<title>`` (a tooltip with the exact figure), and the page
always shows the data table beside the chart, which is the accessible form of the same figures.

The SVG has a natural size and scales down (``img-fluid``) on narrow screens, never up, so its
text stays the size of the page's small print.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Event
from institutions.models import Country
from programmes.models import Programme
from reports.selectors import (
    AgreementsByCountry,
    AttendanceByCountry,
    Balance,
    EventsByKind,
    FundingByCountry,
    ProgrammesByStatus,
    share,
)

FONT = "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, Arial, sans-serif"
INK = "#1c2733"
MUTED = "#5b6776"
GRID = "#e2e7ee"
AXIS = "#9aa5b1"

# The house colours of the two founding countries (static/css/dostlik.css); any other
# country takes the next colour of the palette, so adding a country needs no code.
COUNTRY_COLOURS = {"UZ": "#0f6e6e", "KZ": "#05628f"}
PALETTE = (
    "#c08a00",
    "#a12a2a",
    "#6f42c1",
    "#2e7d4f",
    "#b5520b",
    "#d63384",
    "#14406e",
    "#5b6776",
    "#7a4d00",
    "#2bb3a3",
    "#4c8fd6",
)
STATUS_COLOURS = {
    Programme.Status.DRAFT: "#aab3bf",
    Programme.Status.SUBMITTED: "#6ea8dc",
    Programme.Status.APPROVED: "#2e9e6a",
    Programme.Status.ACTIVE: "#0b5c9e",
    Programme.Status.COMPLETED: "#38424f",
    Programme.Status.REJECTED: "#c0392b",
    Programme.Status.CANCELLED: "#e08e45",
}
YOUTH = "#0f6e6e"
OVER_30 = "#6ea8dc"
AGE_UNKNOWN = "#c9d0d9"
IN_FORCE = "#2e9e6a"
EXPIRING = "#c08a00"

BAR_HEIGHT = 20
BAR_GAP = 12
TOP = 8
AXIS_HEIGHT = 24
FONT_SIZE = 12
TICK_FONT_SIZE = 11
# The room kept clear between a label and the edge of the image or a bar.
PADDING = 6
# Widths of characters in ems, on the generous side of the fonts of ``FONT`` (and of DejaVu
# Sans, which a Linux browser falls back to), so that a label measured with them is never
# wider in the browser and is never cut at the edge of the image: Cyrillic and Latin capitals
# are wider than their small letters, and some letters wider still.
NARROW = frozenset(" .,:;'!|()[]ʻʼ‘’iljtfrIі")  # noqa: RUF001 (quotes, Cyrillic letters)
WIDE = frozenset("MWmwШЩЖМЮЫФшщжмюыф%@—")  # noqa: RUF001 (Cyrillic letters)
EM_NARROW = 0.36
EM_DIGIT = 0.66
EM_WIDE = 1.0
EM_CAPITAL = 0.8
EM_OTHER = 0.68
BOLD = 1.1


def text_width(text: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    """How wide ``text`` may be drawn at ``size`` pixels, at most (see the widths above)."""
    ems = 0.0
    for character in text:
        if character in NARROW:
            ems += EM_NARROW
        elif character in WIDE:
            ems += EM_WIDE
        elif character.isdigit():
            ems += EM_DIGIT
        elif character.isupper():
            ems += EM_CAPITAL
        else:
            ems += EM_OTHER
    return ems * size * (BOLD if bold else 1)


@dataclass(frozen=True)
class Series:
    label: str
    colour: str


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int | Decimal, ...]
    caption: str = ""
    # For a chart of one series: this bar's own colour (a country's, say).
    colour: str = ""

    @property
    def total(self) -> int | Decimal:
        return sum(self.values, 0)


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    svg: SafeString
    legend: list[Series]
    is_empty: bool


def number(value: int | Decimal, decimals: int = 0) -> str:
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return _("%(share)s %%") % {"share": number(value, 1)}


def country_colours(countries: list[Country]) -> dict[int, str]:
    others = iter(PALETTE)
    return {
        country.pk: COUNTRY_COLOURS.get(country.code) or next(others, AXIS) for country in countries
    }


def _ticks(maximum: float) -> list[float]:
    """Round steps from 0 past ``maximum``: 1, 2, 2.5 or 5 times a power of ten, at most five
    intervals, whole numbers only for counts under ten."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)
    if maximum < 10:
        step = max(1, round(step))
    count = math.ceil(maximum / step)
    return [step * index for index in range(count + 1)]


def _c(coordinate: float) -> str:
    """A coordinate to a tenth of a pixel: enough for a crisp edge, short in the page."""
    return f"{coordinate:.1f}"


def _fit(label: str, room: float) -> str:
    """``label``, cut short with an ellipsis where it would be wider than ``room``."""
    if text_width(label) <= room:
        return label
    while len(label) > 1 and text_width(label + "…") > room:
        label = label[:-1]
    return label.rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    series: list[Series],
    stacked_to_100: bool = False,
    width: int = 1080,
) -> Chart:
    """Horizontal bars, one per ``bars`` item, each split into ``series`` (stacked). With
    ``stacked_to_100`` each bar spans the full width and its parts are shares of it."""
    # Labels end PADDING short of the plot and start at least PADDING from the left edge.
    label_room = min(
        max((text_width(bar.label) for bar in bars), default=0) + 2 * PADDING, width * 0.3
    )
    label_room = max(label_room, 70)
    if stacked_to_100:
        ticks = [0, 25, 50, 75, 100]
        scale_max = 100.0
    else:
        ticks = _ticks(float(max((bar.total for bar in bars), default=0)))
        scale_max = float(ticks[-1])
    tick_labels = [
        percent(Decimal(tick)) if stacked_to_100 else number(Decimal(str(tick)), 0)
        for tick in ticks
    ]
    # On the right: the captions after the longest bars, and half of the last tick's figure,
    # which is centred on the end of the plot.
    right_room = max(
        max((text_width(bar.caption, bold=True) for bar in bars if bar.caption), default=0)
        + 2 * PADDING,
        text_width(tick_labels[-1], TICK_FONT_SIZE) / 2 + PADDING,
        24,
    )
    plot_x = label_room
    plot_width = width - label_room - right_room
    height = TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + 8 + AXIS_HEIGHT
    plot_bottom = height - AXIS_HEIGHT

    if stacked_to_100:
        ticks = [0, 25, 50, 75, 100]
        scale_max = 100.0
    else:
        ticks = _ticks(float(max((bar.total for bar in bars), default=0)))
        scale_max = float(ticks[-1])

    parts: list[str] = []
    for tick, tick_label in zip(ticks, tick_labels, strict=True):
        x = plot_x + plot_width * tick / scale_max
        parts.append(
            format_html(
                '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}"/>'
                '<text x="{0}" y="{4}" text-anchor="middle" fill="{5}" font-size="{6}">'
                "{7}</text>",
                _c(x),
                TOP - 4,
                plot_bottom,
                GRID,
                plot_bottom + 16,
                MUTED,
                TICK_FONT_SIZE,
                tick_label,
            )
        )
    for index, bar in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + BAR_GAP)
        middle = y + BAR_HEIGHT / 2
        parts.append(
            format_html(
                '<text x="{0}" y="{1}" dy="0.35em" text-anchor="end" fill="{2}">'
                "<title>{3}</title>{4}</text>",
                _c(plot_x - PADDING),
                _c(middle),
                INK,
                bar.label,
                _fit(bar.label, label_room - 2 * PADDING),
            )
        )
        total = float(bar.total)
        x = plot_x
        for value, part in zip(bar.values, series, strict=True):
            if not value:
                continue
            fraction = float(value) / total if stacked_to_100 else float(value) / scale_max
            segment = plot_width * fraction
            shown = percent(share(value, bar.total))
            tooltip = (
                f"{bar.label} · {part.label}: {number(value)} ({shown})"
                if stacked_to_100 or len(series) > 1
                else f"{bar.label}: {number(value)}"
            )
            parts.append(
                format_html(
                    '<rect x="{0}" y="{1}" width="{2}" height="{3}" fill="{4}" '
                    'stroke="#ffffff" stroke-width="1"><title>{5}</title></rect>',
                    _c(x),
                    y,
                    _c(segment),
                    BAR_HEIGHT,
                    bar.colour if bar.colour and len(series) == 1 else part.colour,
                    tooltip,
                )
            )
            x += segment
        if bar.caption:
            parts.append(
                format_html(
                    '<text x="{0}" y="{1}" dy="0.35em" fill="{2}" font-weight="600">{3}</text>',
                    _c(x + PADDING),
                    _c(middle),
                    INK,
                    bar.caption,
                )
            )
    parts.append(
        format_html(
            '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}"/>',
            _c(plot_x),
            TOP - 4,
            plot_bottom,
            AXIS,
        )
    )
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="img-fluid" width="{0}" height="{1}" '
        'viewBox="0 0 {0} {1}" role="img" aria-labelledby="{2}-title {2}-desc" '
        'font-family="{3}" font-size="{7}">'
        '<title id="{2}-title">{4}</title><desc id="{2}-desc">{5}</desc>{6}</svg>',
        width,
        height,
        chart_id,
        FONT,
        title,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
        FONT_SIZE,
    )
    used = [part for index, part in enumerate(series) if any(bar.values[index] for bar in bars)]
    return Chart(
        chart_id=chart_id,
        title=title,
        svg=svg,
        legend=used if len(series) > 1 else [],
        is_empty=not any(bar.total for bar in bars),
    )


# ---------- The report's charts ----------


def _table_follows(what: str) -> str:
    return _("%(what)s The table beside the chart gives every figure.") % {"what": what}


def programmes_chart(figure: ProgrammesByStatus) -> Chart:
    statuses = list(Programme.Status)
    return bar_chart(
        chart_id="chart-programmes",
        title=_("Programmes by status and country"),
        description=_table_follows(
            _("One bar for each country, split by the status of its programmes.")
        ),
        series=[Series(status.label, STATUS_COLOURS[status]) for status in statuses],
        bars=[
            Bar(
                str(country),
                tuple(counts.of(status) for status in statuses),
                caption=number(counts.total),
            )
            for country, counts in figure.rows
        ],
    )


def events_chart(figure: EventsByKind) -> Chart:
    title = _("Events held by kind and country")
    if not figure.kinds:
        return Chart(
            chart_id="chart-events", title=title, svg=SafeString(""), legend=[], is_empty=True
        )
    return bar_chart(
        chart_id="chart-events",
        title=title,
        description=_table_follows(
            _("One bar for each country where events were held, split by their kind.")
        ),
        series=[
            Series(Event.Kind(kind).label, PALETTE[index % len(PALETTE)])
            for index, kind in enumerate(figure.kinds)
        ],
        bars=[
            Bar(
                str(country),
                tuple(counts.get(kind, 0) for kind in figure.kinds),
                caption=number(sum(counts.values())),
            )
            for country, counts in figure.rows
        ],
    )


def attendance_chart(figure: AttendanceByCountry) -> Chart:
    bars = []
    for country, attendance in figure.rows:
        caption = number(attendance.audience)
        if attendance.youth_share is not None:
            caption = _("%(audience)s · %(share)s under 30") % {
                "audience": caption,
                "share": percent(attendance.youth_share),
            }
        bars.append(
            Bar(
                str(country),
                (
                    attendance.youth,
                    attendance.audience_with_both - attendance.youth,
                    attendance.audience - attendance.audience_with_both,
                ),
                caption=caption,
            )
        )
    return bar_chart(
        chart_id="chart-attendance",
        title=_("Audience of held events by age and country"),
        description=_table_follows(
            _(
                "One bar for each country: its audience under 30, of 30 and over, and where "
                "no age count was given."
            )
        ),
        series=[
            Series(_("Under 30"), YOUTH),
            Series(_("30 and over"), OVER_30),
            Series(_("Age not counted"), AGE_UNKNOWN),
        ],
        bars=bars,
    )


def agreements_chart(figure: AgreementsByCountry) -> Chart:
    return bar_chart(
        chart_id="chart-agreements",
        title=_("Agreements in force by country"),
        description=_table_follows(
            _("One bar for each country: agreements in force and those expiring within 90 days.")
        ),
        series=[Series(_("In force"), IN_FORCE), Series(_("Expiring within 90 days"), EXPIRING)],
        bars=[
            Bar(str(country), (counts.in_force, counts.expiring), caption=number(counts.total))
            for country, counts in figure.rows
        ],
    )


def funding_charts(figure: FundingByCountry) -> list[Chart]:
    """One chart per currency anyone committed: amounts in different currencies never share
    an axis."""
    colours = country_colours([country for country, _amounts in figure.rows])
    charts = []
    for currency in figure.currencies:
        if not any(amounts.get(currency) for _country, amounts in figure.rows):
            continue
        charts.append(
            bar_chart(
                chart_id=f"chart-funding-{currency.lower()}",
                title=_("Funding committed in %(currency)s") % {"currency": currency},
                description=_table_follows(
                    _(
                        "One bar for each country: the funding its partners committed in "
                        "%(currency)s."
                    )
                    % {"currency": currency}
                ),
                series=[Series(currency, PALETTE[6])],
                bars=[
                    Bar(
                        str(country),
                        (amounts.get(currency, Decimal(0)),),
                        caption=f"{number(amounts.get(currency, Decimal(0)))} {currency}",
                        colour=colours[country.pk],
                    )
                    for country, amounts in figure.rows
                    # A country that committed nothing in this currency has no bar here; the
                    # table gives its zero.
                    if amounts.get(currency)
                ],
                width=520,
            )
        )
    return charts


def balance_events_chart(figure: Balance) -> Chart:
    colours = country_colours(figure.countries)
    return bar_chart(
        chart_id="chart-balance-events",
        title=_("Share of the events hosted, year by year"),
        description=_table_follows(
            _("One bar for each year, split by the country whose institutions hosted the events.")
        ),
        series=[Series(str(country), colours[country.pk]) for country in figure.countries],
        bars=[
            Bar(
                str(year.year),
                tuple(year.hosted.get(country.pk, 0) for country in figure.countries),
                caption=_events_caption(year.events),
            )
            for year in figure.years
        ],
        stacked_to_100=True,
    )


def _events_caption(count: int) -> str:
    return ngettext("%(count)s event", "%(count)s events", count) % {"count": number(count)}


def balance_funding_charts(figure: Balance) -> list[Chart]:
    colours = country_colours(figure.countries)
    charts = []
    for currency in figure.currencies:
        if not any(year.funding(currency) for year in figure.years):
            continue
        charts.append(
            bar_chart(
                chart_id=f"chart-balance-{currency.lower()}",
                title=_("Share of the funding in %(currency)s, year by year")
                % {"currency": currency},
                description=_table_follows(
                    _(
                        "One bar for each year, split by the country whose partners committed "
                        "the funding in %(currency)s."
                    )
                    % {"currency": currency}
                ),
                series=[Series(str(country), colours[country.pk]) for country in figure.countries],
                bars=[
                    Bar(
                        str(year.year),
                        tuple(
                            year.committed.get(currency, {}).get(country.pk, Decimal(0))
                            for country in figure.countries
                        ),
                        caption=f"{number(year.funding(currency))} {currency}"
                        if year.funding(currency)
                        else "—",
                    )
                    for year in figure.years
                ],
                stacked_to_100=True,
                width=520,
            )
        )
    return charts
