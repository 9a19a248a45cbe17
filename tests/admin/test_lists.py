"""Changelists as the record keepers read them: search, filters, derived columns, the CSV
export, and a number of queries that does not grow with the rows."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from programmes.models import Agreement, Partnership, Programme
from tests.admin import ALMATY, TASHKENT, admin_url, column, hosted_event
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    PartnershipFactory,
    ProgrammeFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db


# --- Search and filters -----------------------------------------------------------------------


def test_event_search_finds_the_matching_event_only(admin_client, abay_exhibition, theatre):
    hosted_event(
        programme=abay_exhibition.programme,
        host=theatre,
        title="Gala concert",
        starts_at=datetime.datetime(2022, 12, 21, 19, 0, tzinfo=ALMATY),
    )

    response = admin_client.get(admin_url(Event, "changelist"), {"q": "heritage"})

    assert list(response.context["cl"].result_list) == [abay_exhibition]


def test_agreement_search_finds_by_party_name(admin_client, gallery, theatre):
    treaty = AgreementFactory(title="Treaty on Eternal Friendship")
    AgreementPartyFactory(agreement=treaty, institution=gallery)
    AgreementPartyFactory(agreement=treaty, institution=theatre)
    AgreementFactory(title="Memorandum on academic mobility")

    response = admin_client.get(admin_url(Agreement, "changelist"), {"q": "Kuanyshbayev"})

    assert list(response.context["cl"].result_list) == [treaty]


def test_event_filter_by_country(admin_client, abay_exhibition, theatre, kazakhstan):
    concert = hosted_event(
        programme=abay_exhibition.programme,
        host=theatre,
        title="Gala concert",
        starts_at=datetime.datetime(2022, 12, 21, 19, 0, tzinfo=ALMATY),
    )

    response = admin_client.get(
        admin_url(Event, "changelist"), {"country__id__exact": kazakhstan.pk}
    )

    assert list(response.context["cl"].result_list) == [concert]


def test_event_filter_by_programme_status(admin_client, abay_exhibition, gallery):
    approved = ProgrammeFactory(title="Approved programme", status=Programme.Status.APPROVED)
    approved_event = hosted_event(
        programme=approved,
        host=gallery,
        title="Approved opening",
        starts_at=datetime.datetime(2023, 3, 21, 10, 0, tzinfo=TASHKENT),
    )

    response = admin_client.get(admin_url(Event, "changelist"), {"programme_status": "approved"})

    assert list(response.context["cl"].result_list) == [approved_event]


def test_programme_filter_by_partner_country(admin_client, abay_programme, gallery, kazakhstan):
    uzbek_only = ProgrammeFactory(title="Uzbek-only draft")
    PartnershipFactory(programme=uzbek_only, institution=gallery, role=Partnership.Role.LEAD)

    response = admin_client.get(
        admin_url(Programme, "changelist"), {"institutions__country__id__exact": kazakhstan.pk}
    )

    assert list(response.context["cl"].result_list) == [abay_programme]


def test_agreement_filter_by_derived_status(admin_client):
    AgreementFactory(
        title="Old memorandum",
        signed_on=datetime.date(2015, 1, 1),
        valid_until=datetime.date(2020, 1, 1),
    )
    AgreementFactory(title="Treaty on Eternal Friendship", signed_on=datetime.date(1998, 10, 31))

    response = admin_client.get(admin_url(Agreement, "changelist"), {"status": "expired"})

    assert (column(response, "title"), column(response, "status_label")) == (
        ["Old memorandum"],
        ["Expired"],
    )


# --- Derived columns --------------------------------------------------------------------------


def test_agreement_list_shows_parties_count_and_status(admin_client, gallery, theatre):
    treaty = AgreementFactory(
        title="Treaty on Eternal Friendship", signed_on=datetime.date(1998, 10, 31)
    )
    AgreementPartyFactory(agreement=treaty, institution=gallery)
    AgreementPartyFactory(agreement=treaty, institution=theatre)

    response = admin_client.get(admin_url(Agreement, "changelist"))

    assert (column(response, "party_count"), column(response, "status_label")) == (
        ["2"],
        ["In force"],
    )


def test_programme_list_shows_lead_and_countries(admin_client, abay_programme):
    response = admin_client.get(admin_url(Programme, "changelist"))

    assert (column(response, "lead_institution"), column(response, "countries")) == (
        ["Fine Arts Gallery of Uzbekistan"],
        ["Kazakhstan, Uzbekistan"],
    )


def test_event_list_shows_the_start_on_the_clock_of_its_place(
    admin_client, abay_exhibition, theatre
):
    hosted_event(
        programme=abay_exhibition.programme,
        host=theatre,
        title="Gala concert",
        starts_at=datetime.datetime(2026, 5, 14, 19, 0, tzinfo=ALMATY),
    )

    response = admin_client.get(admin_url(Event, "changelist"))

    assert column(response, "local_start") == [
        "2022-12-19 10:00 Asia/Tashkent",
        "2026-05-14 19:00 Asia/Almaty",
    ]


# --- CSV export -------------------------------------------------------------------------------


def export_csv(client, model, rows):
    return client.post(
        admin_url(model, "changelist"),
        {"action": "export_as_csv", "_selected_action": [row.pk for row in rows]},
    )


def test_csv_export_of_two_events(admin_client, abay_exhibition, theatre):
    concert = hosted_event(
        programme=abay_exhibition.programme,
        host=theatre,
        title="Gala concert",
        kind=Event.Kind.CONCERT,
        starts_at=datetime.datetime(2022, 12, 21, 19, 0, tzinfo=ALMATY),
    )

    response = export_csv(admin_client, Event, [concert, abay_exhibition])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="events.csv"'
    assert response.content.decode() == (
        "\ufeffTitle,Programme,Kind,Starts (local time),Host institution,Country,Status,"
        "Visibility\r\n"
        'Abay. Heritage of Fraternal Peoples,"Days of culture, 2022",Exhibition,'
        "2022-12-19 10:00 Asia/Tashkent,Fine Arts Gallery of Uzbekistan,Uzbekistan,Confirmed,"
        "Public\r\n"
        'Gala concert,"Days of culture, 2022",Concert,2022-12-21 19:00 Asia/Almaty,'
        "Kalibek Kuanyshbayev Kazakh Music and Drama Theatre,Kazakhstan,Planned,Internal\r\n"
    )


def test_csv_export_neutralises_formula_like_cells(admin_client, abay_programme, gallery):
    formula = '=HYPERLINK("http://example.org","open")'
    event = hosted_event(
        programme=abay_programme,
        host=gallery,
        title=formula,
        starts_at=datetime.datetime(2023, 3, 21, 10, 0, tzinfo=TASHKENT),
    )

    response = export_csv(admin_client, Event, [event])
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert [row[0] for row in rows] == ["\ufeffTitle", f"'{formula}"]


def test_csv_export_writes_numbers_and_dates_plainly(admin_client, gallery, theatre):
    treaty = AgreementFactory(
        title="+ Treaty on Eternal Friendship", signed_on=datetime.date(1998, 10, 31)
    )
    AgreementPartyFactory(agreement=treaty, institution=gallery)
    AgreementPartyFactory(agreement=treaty, institution=theatre)

    response = export_csv(admin_client, Agreement, [treaty])

    assert response["Content-Disposition"] == 'attachment; filename="agreements.csv"'
    assert response.content.decode().split("\r\n") == [
        "\ufeffTitle,Kind,Signed on,Valid from,Valid until,Parties,Status",
        "'+ Treaty on Eternal Friendship,Memorandum of understanding,1998-10-31,1998-10-31,,2,"
        "In force",
        "",
    ]


# --- Query counts -----------------------------------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_event_list_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, abay_exhibition, theatre
):
    url = admin_url(Event, "changelist")
    with_one = queries_for(admin_client, url)
    for day in range(29):
        hosted_event(
            programme=abay_exhibition.programme,
            host=theatre,
            title=f"Concert {day}",
            starts_at=datetime.datetime(2023, 1, 1, 19, 0, tzinfo=ALMATY)
            + datetime.timedelta(days=day),
        )

    with django_assert_max_num_queries(with_one):
        response = admin_client.get(url)

    assert len(response.context["cl"].result_list) == 30


def test_programme_list_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, abay_programme, gallery, theatre
):
    url = admin_url(Programme, "changelist")
    with_one = queries_for(admin_client, url)
    for number in range(29):
        joint_programme(uz=gallery, kz=theatre, title=f"Exchange {number}")

    with django_assert_max_num_queries(with_one):
        response = admin_client.get(url)

    assert len(response.context["cl"].result_list) == 30


@pytest.mark.parametrize("year", ["9999", "0", "-2147483649"])
def test_a_year_outside_the_calendar_is_refused_as_an_invalid_filter(admin_client, year):
    """Typed into the address of a list with a date hierarchy: the admin's own notice, never a
    server error."""
    response = admin_client.get(
        f"{reverse('admin:calendars_calendarfeed_changelist')}?created_at__year={year}"
    )

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('admin:calendars_calendarfeed_changelist')}?e=1",
    )
