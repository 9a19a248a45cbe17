"""The report pages over HTTP: who may open them, their filters, what they show, how many
queries they cost, and that they need neither a script nor inline styles."""

import datetime
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from programmes.models import Partnership, Programme
from reports.charts import text_width
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    PartnershipFactory,
    ProgrammeFactory,
    ViewerFactory,
)
from tests.reports.conftest import programme

pytestmark = pytest.mark.django_db

REPORT = reverse("reports:index")
BALANCE = reverse("reports:balance")


def export_url(table: str, extension: str) -> str:
    return reverse("reports:export", kwargs={"table": table, "extension": extension})


@pytest.mark.parametrize(
    "url", [REPORT, BALANCE, export_url("programmes", "csv"), export_url("balance", "xlsx")]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('accounts:login')}?next={url}",
    )


@pytest.mark.parametrize("url", [REPORT, BALANCE, export_url("funding", "csv")])
def test_reports_are_read_only(client, world, url):
    client.force_login(world.outsider)

    assert client.post(url).status_code == 405


def test_the_year_report_shows_the_readers_figures(client, world):
    client.force_login(world.outsider)

    response = client.get(REPORT, {"year": "2025"})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.filters.year == 2025
    assert report.programmes.overall.total == 4
    assert [section.table.name for section in response.context["sections"]] == [
        "programmes",
        "events",
        "attendance",
        "agreements",
        "funding",
    ]
    html = response.content.decode()
    assert "<h1>Cooperation in 2025</h1>" in html
    assert table_cells(html, "programmes")[-1] == [
        "All countries, each programme once",
        "",
        "0",
        "1",
        "0",
        "1",
        "1",
        "1",
        "0",
        "4",
    ]


def test_the_partner_sees_the_draft_counted(client, world):
    client.force_login(world.partner)

    response = client.get(REPORT, {"year": "2025"})

    assert response.context["report"].programmes.overall.counts["draft"] == 1


def test_the_year_defaults_to_the_current_one(client, world):
    client.force_login(world.outsider)

    response = client.get(REPORT)

    this_year = timezone.localdate().year
    assert response.context["filters"].year == this_year
    # The picker shows that year, not the first one it offers.
    assert response.context["form"]["year"].value() == str(this_year)


def test_the_country_filter_takes_an_iso_code_in_either_case(client, world):
    client.force_login(world.outsider)

    response = client.get(REPORT, {"year": "2025", "country": "kz"})

    rows = table_cells(response.content.decode(), "attendance")
    assert rows == [["Kazakhstan", "KZ", "1", "300", "0", "0", "0", "—"]]


def test_rows_with_nothing_to_show_are_left_out_and_named_once_below(client, world):
    client.force_login(world.outsider)

    response = client.get(REPORT, {"year": "2025"})

    html = response.content.decode()
    left_out = "Countries with nothing to show, left out: Kyrgyzstan."
    for section in response.context["sections"]:
        name = section.table.name
        assert [row[1] for row in table_cells(html, name)] == ["KZ", "UZ", ""]
        assert section.table.notes[-1] == left_out
        for chart in section.charts:
            assert "Kyrgyzstan" not in chart.svg
    # Once for each of the five tables, in the notes below it.
    assert html.count(left_out) == 5


def test_a_country_with_nothing_leaves_an_empty_table_that_says_why(client, world):
    client.force_login(world.outsider)

    response = client.get(REPORT, {"year": "2025", "country": "KG"})

    html = response.content.decode()
    assert table_cells(html, "attendance") == []
    sections = response.context["sections"]
    assert [section.table.notes[-1] for section in sections] == [
        "Countries with nothing to show, left out: Kyrgyzstan."
    ] * 5
    assert [section.charts[0].is_empty for section in sections if section.charts] == [True] * 4


@pytest.mark.parametrize(
    ("query", "lines"),
    [
        ({"year": "soon"}, ["Year: Enter a whole number."]),
        ({"year": "1066"}, ["Year: Ensure this value is greater than or equal to 1991."]),
        (
            {"country": "XX"},
            ["Country: Select a valid choice. That choice is not one of the available choices."],
        ),
        (
            {"kind": "opera"},
            ["Programme kind: Select a valid choice. opera is not one of the available choices."],
        ),
    ],
)
def test_filters_that_cannot_be_understood_are_named_and_nothing_is_shown(
    client, world, query, lines
):
    client.force_login(world.outsider)

    response = client.get(REPORT, query)

    assert response.status_code == 200
    assert "report" not in response.context
    assert response.context["form"].error_lines() == lines
    assert lines[0] in response.content.decode().replace("&#x27;", "'")


def test_a_draft_the_reader_may_not_see_is_not_a_programme_to_filter_by(client, world):
    draft = world.programmes["P4"]
    client.force_login(world.outsider)
    outsider = client.get(REPORT, {"year": "2025", "programme": draft.pk})
    client.force_login(world.partner)
    partner = client.get(REPORT, {"year": "2025", "programme": draft.pk})

    assert "report" not in outsider.context
    assert draft.title not in outsider.content.decode()
    assert partner.context["report"].programmes.overall.counts == {"draft": 1}


def test_the_balance_shows_five_years_and_takes_no_country(client, world):
    client.force_login(world.outsider)

    response = client.get(BALANCE, {"year": "2025", "country": "KZ"})

    balance = response.context["balance"]
    assert [year.year for year in balance.years] == [2021, 2022, 2023, 2024, 2025]
    assert [country.code for country in balance.countries] == ["KZ", "UZ"]
    assert list(response.context["form"].fields) == ["year", "programme", "kind", "status"]
    assert table_cells(response.content.decode(), "balance")[1] == [
        "2025",
        "Uzbekistan",
        "UZ",
        "3",
        "60.0",
        "100.0",
        "0.0",
        "29.4",
        "—",
    ]


def test_the_two_reports_link_to_each_other_with_the_filters_they_share(client, world):
    client.force_login(world.outsider)

    response = client.get(REPORT, {"year": "2024", "country": "KZ", "kind": "exhibition"})

    assert response.context["other_query"] == "year=2024&kind=exhibition"
    assert response.context["export_query"] == "year=2024&country=KZ&kind=exhibition"


def test_charts_are_inline_svg_images_without_scripts_or_styles(client, world):
    client.force_login(world.outsider)

    for url in (REPORT, BALANCE):
        html = client.get(url, {"year": "2025"}).content.decode()

        # The site's own scripts only, none of the charts'.
        assert re.findall(r"<script[^>]*>", html) == [
            '<script src="/static/vendor/bootstrap/js/bootstrap.bundle.min.js" defer>',
            '<script src="/static/js/time-zone.js" defer>',
        ]
        assert re.findall(r"\sstyle=", html) == []
        svgs = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*>', html)
        assert svgs
        for svg in svgs:
            chart = re.search(r'aria-labelledby="([\w-]+)-title \1-desc"', svg).group(1)
            assert 'role="img"' in svg
            assert f'<title id="{chart}-title">' in html
            assert f'<desc id="{chart}-desc">' in html


def test_the_page_costs_as_many_queries_for_thirty_programmes_as_for_one(client, db):
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    viewer = ViewerFactory().user
    client.force_login(viewer)

    def add_programmes(count: int):
        for number in range(count):
            programme = ProgrammeFactory(
                status=Programme.Status.ACTIVE,
                starts_on=datetime.date(2025, 1, 1),
                ends_on=datetime.date(2025, 12, 31),
            )
            lead = InstitutionFactory(country=uz)
            partner = InstitutionFactory(country=kz)
            PartnershipFactory(
                programme=programme,
                institution=lead,
                role=Partnership.Role.LEAD,
                funding_amount=number * 100,
                funding_currency="UZS",
            )
            PartnershipFactory(programme=programme, institution=partner)
            EventFactory(
                programme=programme,
                host_institution=partner,
                status=Event.Status.HELD,
                starts_at=datetime.datetime(2025, 6, 1, 10, tzinfo=datetime.UTC),
                ends_at=datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC),
                actual_attendance=50,
                youth_attendance=20,
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(REPORT, {"year": "2025"})
        assert response.status_code == 200
        return len(captured)

    add_programmes(1)
    with_one = queries()
    add_programmes(29)
    with_thirty = queries()

    assert with_thirty == with_one
    assert client.get(REPORT, {"year": "2025"}).context["report"].programmes.overall.total == 30


@pytest.mark.parametrize("url", [REPORT, BALANCE])
def test_a_report_costs_as_many_queries_for_thirty_events_as_for_one(client, db, url):
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    client.force_login(ViewerFactory().user)
    joint = ProgrammeFactory(
        status=Programme.Status.ACTIVE,
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    hosts = [InstitutionFactory(country=uz), InstitutionFactory(country=kz)]
    for host in hosts:
        PartnershipFactory(programme=joint, institution=host)
    kinds = list(Event.Kind.values)

    def add_events(numbers: range):
        # Spread over years, months, hosts, kinds and statuses: many tally rows, not one.
        for number in numbers:
            starts_at = datetime.datetime(
                2023 + number % 3, 1 + number % 12, 10, tzinfo=datetime.UTC
            )
            EventFactory(
                programme=joint,
                host_institution=hosts[number % 2],
                kind=kinds[number % len(kinds)],
                status=Event.Status.HELD if number % 4 else Event.Status.CONFIRMED,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                actual_attendance=10 + number,
                youth_attendance=number if number % 3 else None,
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"year": "2025"})
        assert response.status_code == 200
        return len(captured)

    add_events(range(1))
    with_one = queries()
    add_events(range(1, 30))
    with_thirty = queries()

    assert with_thirty == with_one


# ---------- Reading the page's tables ----------


class TableReader(HTMLParser):
    """The text of every cell of the table ``id``, row by row (header row excluded)."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id = table_id
        self.inside = False
        self.in_head = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "thead":
            self.in_head = True
        elif self.inside and not self.in_head and tag == "tr":
            self.rows.append([])
        elif self.inside and not self.in_head and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif tag == "thead":
            self.in_head = False
        elif self.cell is not None and tag in ("td", "th"):
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


class HeaderReader(TableReader):
    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "thead":
            self.in_head = True
            self.rows.append([])
        elif self.inside and self.in_head and tag == "th":
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_head = False
        elif self.cell is not None and tag == "th":
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None


def table_cells(html: str, name: str) -> list[list[str]]:
    reader = TableReader(f"table-{name}")
    reader.feed(html)
    return reader.rows


def table_header(html: str, name: str) -> list[str]:
    reader = HeaderReader(f"table-{name}")
    reader.feed(html)
    return reader.rows[0]


# ---------- Kept until the data changes ----------


def test_a_report_shows_a_new_programme_at_once_for_the_same_queries(client, world):
    client.force_login(world.outsider)

    def opened() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(REPORT, {"year": "2025"})
        return len(captured), response.context["report"].programmes.overall.total

    first_queries, first_total = opened()
    again_queries, again_total = opened()
    programme(
        Programme.Status.ACTIVE,
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
        (world.uz_uni, None, ""),
        (world.kz_uni, None, ""),
    )
    changed_queries, changed_total = opened()

    assert (first_total, again_total, changed_total) == (4, 4, 5)
    # Read afresh each time, from the tallies: a programme more costs no query more.
    assert (first_queries, again_queries, changed_queries) == (16, 16, 16)


def test_a_balance_reads_its_figures_in_a_fixed_number_of_queries(client, world):
    client.force_login(world.outsider)
    client.get(BALANCE, {"year": "2025"})

    with CaptureQueriesContext(connection) as captured:
        response = client.get(BALANCE, {"year": "2025"})

    assert [year.year for year in response.context["balance"].years] == [
        2021,
        2022,
        2023,
        2024,
        2025,
    ]
    # The session, the user, the reader's roles, the lists the filter form offers, and the
    # figures: the programmes, their tallies and funding, whatever their number.
    assert len(captured) == 9


# ---------- In the reader's language ----------


class ChartTexts(HTMLParser):
    """The ``<text>`` elements of the SVG charts of a page, each with its chart's width."""

    def __init__(self):
        super().__init__()
        self.texts: list[ChartText] = []
        self._width = 0.0
        self._open: ChartText | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "svg" and "viewbox" in attributes:
            self._width = float(attributes["viewbox"].split()[2])
        elif tag == "text":
            self._open = ChartText(
                chart_width=self._width,
                anchor=attributes.get("text-anchor", "start"),
                x=float(attributes["x"]),
                size=float(attributes.get("font-size", 12)),
                bold="font-weight" in attributes,
            )
        elif tag == "title" and self._open is not None:
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "text" and self._open is not None:
            self.texts.append(self._open)
            self._open = None

    def handle_data(self, data):
        if self._open is not None and not self._in_title:
            self._open.said += data


@dataclass
class ChartText:
    chart_width: float
    anchor: str
    x: float
    size: float
    bold: bool
    said: str = ""

    @property
    def left(self) -> float:
        width = text_width(self.said, self.size, bold=self.bold)
        return {"end": self.x - width, "middle": self.x - width / 2, "start": self.x}[self.anchor]

    @property
    def right(self) -> float:
        return self.left + text_width(self.said, self.size, bold=self.bold)


def test_a_russian_reader_reads_the_countries_in_russian_in_tables_charts_and_notes(client, world):
    world.outsider.language = "ru"
    world.outsider.save(update_fields=["language"])
    client.force_login(world.outsider)

    response = client.get(REPORT, {"year": "2025"}, HTTP_ACCEPT_LANGUAGE="ru")

    html = response.content.decode()
    for name in ("programmes", "events", "attendance", "agreements", "funding"):
        assert [row[0] for row in table_cells(html, name)[:-1]] == ["Казахстан", "Узбекистан"]
    labels = [text.said for text in chart_texts(html) if text.anchor == "end"]
    # Programmes, events, attendance, agreements; then funding in UZS, KZT and USD.
    by_currency = ["Узбекистан", "Казахстан", "Казахстан", "Узбекистан"]
    assert labels == ["Казахстан", "Узбекистан"] * 4 + by_currency
    assert html.count("Кыргызстан.") == 5
    assert "Kazakhstan" not in html


def chart_texts(html: str) -> list[ChartText]:
    reader = ChartTexts()
    reader.feed(html)
    return reader.texts


@pytest.mark.parametrize("language", ["en", "ru", "uz", "kk"])
def test_no_text_of_a_chart_reaches_past_its_edges(client, world, language):
    """By the widths the charts are laid out with (``reports.charts.text_width``), which the
    browser test checks against what chromium draws."""
    turkmenistan = CountryFactory(code="TM", name="Turkmenistan")
    programme(
        Programme.Status.ACTIVE,
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
        (InstitutionFactory(country=turkmenistan), "47300000.00", "UZS"),
        (world.uz_uni, None, ""),
    )
    world.outsider.language = language
    world.outsider.save(update_fields=["language"])
    client.force_login(world.outsider)

    html = client.get(REPORT, {"year": "2025"}).content.decode()

    texts = chart_texts(html)
    assert len(texts) > 30
    for text in texts:
        assert text.left >= 0 and text.right <= text.chart_width, text
