"""Staff who are not superusers see and change in the admin what the site lets them see and
change: their roles are Membership and NationalCoordinator rows, not admin groups."""

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from events.models import Event
from institutions.models import Country, Institution, Membership
from programmes.models import Agreement, Programme
from programmes.selectors import programme_list
from tests.admin import ALMATY, TASHKENT, admin_url, column, form_data, hosted_event, post_change
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    PartnershipFactory,
    ProgrammeFactory,
    UserFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

SAVE_BUTTON = re.compile(r'<input[^>]*name="_save"')


@pytest.fixture
def uwed(uzbekistan):
    return InstitutionFactory(name="University of World Economy and Diplomacy", country=uzbekistan)


@pytest.fixture
def uz_coordinator(uwed):
    """A staff member with no admin group and no model permission: only a membership."""
    user = UserFactory(username="uz.coordinator", is_staff=True)
    MembershipFactory(user=user, institution=uwed)
    return user


@pytest.fixture
def coordinator_client(uz_coordinator):
    client = Client()
    client.force_login(uz_coordinator)
    return client


@pytest.fixture
def own_draft(uwed, theatre):
    return joint_programme(
        uz=uwed,
        kz=theatre,
        title="Joint master's in international relations",
        starts_on=datetime.date(2026, 9, 1),
    )


@pytest.fixture
def others_submitted(gallery, theatre):
    return joint_programme(
        uz=gallery,
        kz=theatre,
        title="Film programme Tea",
        status=Programme.Status.SUBMITTED,
        starts_on=datetime.date(2026, 5, 1),
    )


@pytest.fixture
def kazakh_draft(theatre, kyrgyzstan):
    """A draft of another country's institutions, none of them the coordinator's."""
    philharmonic = InstitutionFactory(name="Kyrgyz National Philharmonic", country=kyrgyzstan)
    programme = ProgrammeFactory(title="Steppe music tour", starts_on=datetime.date(2026, 7, 1))
    PartnershipFactory(programme=programme, institution=theatre, role="lead")
    PartnershipFactory(programme=programme, institution=philharmonic)
    return programme


@pytest.fixture
def programmes(own_draft, others_submitted, kazakh_draft, abay_programme):
    return [own_draft, others_submitted, kazakh_draft, abay_programme]


# --- Programmes ---------------------------------------------------------------------------


def test_coordinator_changelist_lists_exactly_what_the_site_shows(
    coordinator_client, uz_coordinator, programmes
):
    response = coordinator_client.get(admin_url(Programme, "changelist"))

    assert column(response, "title") == [
        "Joint master's in international relations",
        "Film programme Tea",
    ]
    assert set(response.context["cl"].result_list) == set(programme_list(user=uz_coordinator))


def test_superuser_changelist_lists_every_programme(admin_client, programmes):
    response = admin_client.get(admin_url(Programme, "changelist"))

    assert set(response.context["cl"].result_list) == set(programmes)


def test_another_countrys_draft_is_not_found(coordinator_client, kazakh_draft):
    pages = ["change", "history", "delete"]

    answers = [
        coordinator_client.get(admin_url(Programme, page, kazakh_draft.pk)).status_code
        for page in pages
    ]

    assert answers == [404, 404, 404]


def test_a_missing_programme_is_not_found_either(coordinator_client):
    response = coordinator_client.get(admin_url(Programme, "change", 999_999))

    assert response.status_code == 404


def test_a_submitted_programme_of_others_is_shown_read_only(coordinator_client, others_submitted):
    response = coordinator_client.get(admin_url(Programme, "change", others_submitted.pk))

    assert (response.context["title"], response.context["has_change_permission"]) == (
        "View programme",
        False,
    )
    assert SAVE_BUTTON.search(response.content.decode()) is None


def test_a_submitted_programme_of_others_cannot_be_saved(
    coordinator_client, admin_client, others_submitted
):
    url = admin_url(Programme, "change", others_submitted.pk)
    data = form_data(admin_client.get(url), Programme)
    data["title"] = ["Film programme Tea, extended"]

    response = coordinator_client.post(url, data)

    assert response.status_code == 403
    others_submitted.refresh_from_db()
    assert (others_submitted.title, others_submitted.version) == ("Film programme Tea", 1)


def test_coordinator_edits_their_own_draft_through_the_service(
    coordinator_client, uz_coordinator, own_draft
):
    response = post_change(coordinator_client, own_draft, title="Joint master's in diplomacy")

    assert response["Location"] == admin_url(Programme, "changelist")
    own_draft.refresh_from_db()
    assert (own_draft.title, own_draft.version) == ("Joint master's in diplomacy", 2)
    assert own_draft.history.first().history_user == uz_coordinator


def test_coordinator_starts_programmes_their_institution_leads_only(
    coordinator_client, uwed, gallery
):
    add_url = admin_url(Programme, "add")
    data = form_data(coordinator_client.get(add_url), Programme)
    data.update(
        title=["Kazakhstan Education Days"],
        kind=[Programme.Kind.EDUCATION_FAIR],
        starts_on=["2026-04-01"],
        ends_on=["2026-04-30"],
    )

    refused = coordinator_client.post(add_url, {**data, "lead": [str(gallery.pk)]})
    added = coordinator_client.post(add_url, {**data, "lead": [str(uwed.pk)]})

    assert refused.context["adminform"].form.errors == {
        "lead": ["Select a valid choice. That choice is not one of the available choices."]
    }
    programme = Programme.objects.get(title="Kazakhstan Education Days")
    assert added["Location"] == admin_url(Programme, "change", programme.pk)
    assert [p.institution for p in programme.partnerships.all()] == [uwed]


def test_staff_reach_the_admin_by_their_roles_not_by_groups(coordinator_client, uz_coordinator):
    assert uz_coordinator.groups.exists() is False
    assert uz_coordinator.user_permissions.exists() is False

    response = coordinator_client.get(reverse("admin:index"))

    assert {
        app["app_label"]: [model["object_name"] for model in app["models"]]
        for app in response.context["app_list"]
    } == {
        "amendments": ["Amendment"],
        "events": ["Event", "Venue"],
        "institutions": ["Country", "Institution"],
        "programmes": [
            "Agreement",
            "Decision",
            "Partnership",
            # By their names: "programme versions" before "programmes".
            "ProgrammeVersion",
            "Programme",
            "ProgrammeTransition",
        ],
    }


def test_history_of_a_hidden_draft_is_not_found_and_no_history_is_replayed(
    coordinator_client, admin_client, kazakh_draft, own_draft
):
    post_change(admin_client, own_draft, title="Joint master's in diplomacy")
    older = own_draft.history.earliest("history_date")
    revert_url = reverse(
        "admin:programmes_programme_simple_history", args=[own_draft.pk, older.history_id]
    )

    hidden = coordinator_client.get(admin_url(Programme, "history", kazakh_draft.pk))
    revert = admin_client.post(revert_url, form_data(admin_client.get(revert_url), Programme))

    assert (hidden.status_code, revert.status_code) == (404, 403)
    own_draft.refresh_from_db()
    assert own_draft.title == "Joint master's in diplomacy"


# --- Events ---------------------------------------------------------------------------------


@pytest.fixture
def events(own_draft, others_submitted, kazakh_draft, uwed, gallery, theatre):
    return {
        "own": hosted_event(
            programme=own_draft,
            host=uwed,
            title="Lecture on Central Asian diplomacy",
            starts_at=datetime.datetime(2026, 9, 10, 10, 0, tzinfo=TASHKENT),
        ),
        "others": hosted_event(
            programme=others_submitted,
            host=gallery,
            title="Screening of the short film Tea",
            starts_at=datetime.datetime(2026, 5, 10, 18, 0, tzinfo=TASHKENT),
        ),
        "hidden": hosted_event(
            programme=kazakh_draft,
            host=theatre,
            title="Steppe music gala",
            starts_at=datetime.datetime(2026, 7, 10, 19, 0, tzinfo=ALMATY),
        ),
    }


def test_event_changelist_is_scoped_like_the_site(coordinator_client, events):
    response = coordinator_client.get(admin_url(Event, "changelist"))

    assert column(response, "title") == [
        "Screening of the short film Tea",
        "Lecture on Central Asian diplomacy",
    ]


def test_event_pages_follow_the_event_predicates(coordinator_client, events):
    own = coordinator_client.get(admin_url(Event, "change", events["own"].pk))
    others = coordinator_client.get(admin_url(Event, "change", events["others"].pk))
    hidden = coordinator_client.get(admin_url(Event, "change", events["hidden"].pk))

    assert (
        own.context["has_change_permission"],
        others.context["has_change_permission"],
        hidden.status_code,
    ) == (True, False, 404)


def test_coordinator_edits_their_event_with_its_version(coordinator_client, events):
    event = events["own"]

    response = post_change(coordinator_client, event, title="Lecture on Uzbek diplomacy")

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.version) == ("Lecture on Uzbek diplomacy", 2)


def test_an_event_goes_only_to_a_programme_its_author_may_change(
    coordinator_client, events, others_submitted, gallery
):
    add_url = admin_url(Event, "add")
    data = form_data(coordinator_client.get(add_url), Event)
    data.update(
        programme=[str(others_submitted.pk)],
        title=["Q&A with the director"],
        kind=[Event.Kind.LECTURE],
        host_institution=[str(gallery.pk)],
        starts_at_0=["2026-05-11"],
        starts_at_1=["18:00"],
        ends_at_0=["2026-05-11"],
        ends_at_1=["19:00"],
    )

    response = coordinator_client.post(add_url, data)

    assert response.context["adminform"].form.errors == {
        "programme": ["You cannot add events to the programme “Film programme Tea”."]
    }
    assert Event.objects.filter(title="Q&A with the director").exists() is False


def test_autocomplete_offers_only_programmes_the_user_may_see(coordinator_client, programmes):
    response = coordinator_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "event", "field_name": "programme", "term": ""},
    )

    assert sorted(result["text"] for result in response.json()["results"]) == [
        "Film programme Tea",
        "Joint master's in international relations",
    ]


# --- CSV export ----------------------------------------------------------------------------


def test_csv_export_holds_only_the_rows_the_user_may_see(coordinator_client, programmes):
    response = coordinator_client.post(
        admin_url(Programme, "changelist"),
        {
            "action": "export_as_csv",
            "index": "0",
            "_selected_action": [programme.pk for programme in programmes],
        },
    )

    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    assert [row[0] for row in rows] == [
        "Title",
        "Joint master's in international relations",
        "Film programme Tea",
    ]


# --- Reference data, coordinators and people --------------------------------------------------


@pytest.mark.parametrize("model", [Country, Institution, Agreement], ids=lambda m: m.__name__)
def test_reference_data_is_read_by_staff_and_written_by_superusers(
    coordinator_client, admin_client, gallery, model
):
    row = {Country: gallery.country, Institution: gallery, Agreement: AgreementFactory()}[model]
    url = admin_url(model, "change", row.pk)

    page = coordinator_client.get(url)
    post = coordinator_client.post(url, form_data(admin_client.get(url), model))
    add = coordinator_client.get(admin_url(model, "add"))

    assert (page.context["has_change_permission"], post.status_code, add.status_code) == (
        False,
        403,
        403,
    )


@pytest.fixture
def kz_national(kazakhstan):
    user = UserFactory(username="kz.national", is_staff=True)
    NationalCoordinatorFactory(user=user, country=kazakhstan)
    return user


@pytest.fixture
def national_client(kz_national):
    client = Client()
    client.force_login(kz_national)
    return client


def test_national_coordinator_manages_the_coordinators_of_their_country(
    national_client, kz_national, uz_coordinator, theatre
):
    kz_coordinator = UserFactory(username="kz.coordinator", first_name="Aigerim")
    MembershipFactory(user=kz_coordinator, institution=theatre)
    uz_membership = uz_coordinator.memberships.get()

    changelist = national_client.get(admin_url(Membership, "changelist"))
    uz_page = national_client.get(admin_url(Membership, "change", uz_membership.pk))

    assert list(changelist.context["cl"].result_list) == [kz_coordinator.memberships.get()]
    assert uz_page.status_code == 404


def test_national_coordinator_names_coordinators_in_their_country_only(
    national_client, theatre, uwed
):
    newcomer = UserFactory(username="dauren.abenov")
    add_url = admin_url(Membership, "add")
    data = form_data(national_client.get(add_url), Membership)
    data["user"] = [str(newcomer.pk)]

    refused = national_client.post(add_url, {**data, "institution": [str(uwed.pk)]})
    added = national_client.post(add_url, {**data, "institution": [str(theatre.pk)]})

    assert refused.context["adminform"].form.errors == {
        "institution": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert added["Location"] == admin_url(Membership, "changelist")
    assert [m.institution for m in newcomer.memberships.all()] == [theatre]


def test_people_are_read_by_national_coordinators_without_their_secrets(
    national_client, coordinator_client, uz_coordinator
):
    url = admin_url(User, "change", uz_coordinator.pk)

    national = national_client.get(url)
    coordinator = coordinator_client.get(url)

    shown = [
        field.field["name"]
        for fieldset in national.context["adminform"]
        for line in fieldset
        for field in line
    ]
    assert shown == ["username", "first_name", "last_name", "email", "time_zone", "language"]
    assert (national.context["has_change_permission"], coordinator.status_code) == (False, 403)
