"""The coordinators' workspace: creating and editing a programme with its partners, and the
workflow steps taken from its page — what each saves, what it says, and whom it refuses."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from institutions.models import Country, Institution
from programmes.models import Decision, Partnership, Programme, ProgrammeTransition
from programmes.services import PartnerRow, programme_decide, programme_update
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    PartnershipFactory,
    ProgrammeFactory,
    UserFactory,
    ViewerFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

Status = Programme.Status
Role = Partnership.Role
STALE_MESSAGE = (
    "Someone else changed this record while you were editing it. Your changes were not saved: "
    "reload the page to see the current version, then make them again."
)


@dataclass
class World:
    uz: Country
    kz: Country
    uwed: Institution
    kaznu: Institution
    gallery: Institution
    uz_coordinator: User
    kz_coordinator: User
    uz_national: User
    viewer: User
    outsider: User


@pytest.fixture
def world() -> World:
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    gallery = InstitutionFactory(name="Fine Arts Gallery of Uzbekistan", country=uz)
    kyrgyz = InstitutionFactory(
        name="Kyrgyz National University", country=CountryFactory(code="KG")
    )
    return World(
        uz=uz,
        kz=kz,
        uwed=uwed,
        kaznu=kaznu,
        gallery=gallery,
        uz_coordinator=MembershipFactory(institution=uwed).user,
        kz_coordinator=MembershipFactory(institution=kaznu).user,
        uz_national=NationalCoordinatorFactory(country=uz).user,
        viewer=ViewerFactory().user,
        outsider=MembershipFactory(institution=kyrgyz).user,
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def detail_url(programme: Programme) -> str:
    return reverse("programmes:detail", args=[programme.pk])


def programme_data(**overrides) -> dict:
    data = {
        "title": "Kazakhstan Education Days in Tashkent",
        "kind": Programme.Kind.EDUCATION_FAIR,
        "summary": "Kazakh universities present their programmes to Uzbek students.",
        "agreement": "",
        "starts_on": "2026-04-01",
        "ends_on": "2026-04-30",
        "budget_amount": "25000.00",
        "budget_currency": "USD",
        "enrolled_students": "",
    }
    return data | overrides


def partners_data(rows: list[dict], *, initial: int = 0, blank_rows: int = 0) -> dict:
    """The partners formset as the browser sends it: ``rows``, then ``blank_rows`` untouched."""
    blank = {"institution": "", "role": Role.PARTNER, "contribution": ""}
    all_rows = [*rows, *[blank] * blank_rows]
    data = {
        "partners-TOTAL_FORMS": str(len(all_rows)),
        "partners-INITIAL_FORMS": str(initial),
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(all_rows):
        defaults = {"funding_amount": "", "funding_currency": "", "contribution": ""}
        for name, value in (defaults | row).items():
            data[f"partners-{index}-{name}"] = "" if value is None else str(value)
    return data


def partner(institution: Institution, role: str = Role.PARTNER, **extra) -> dict:
    return {"institution": institution.pk, "role": role, **extra}


def edit_data(programme: Programme, *, partners: list[dict] | None = None, **overrides) -> dict:
    """The edit form as loaded for ``programme``, with ``overrides`` typed in."""
    programme.refresh_from_db()
    fields = {
        "title": programme.title,
        "kind": programme.kind,
        "summary": programme.summary,
        "agreement": programme.agreement_id or "",
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat(),
        "budget_amount": programme.budget_amount or "",
        "budget_currency": programme.budget_currency,
        "enrolled_students": programme.enrolled_students or "",
        "version": programme.version,
    }
    existing = programme.partnerships.order_by("role", "pk")
    rows = partners
    if rows is None:
        rows = [
            partner(
                p.institution,
                p.role,
                contribution=p.contribution,
                funding_amount=p.funding_amount,
                funding_currency=p.funding_currency,
            )
            for p in existing
        ]
    return fields | overrides | partners_data(rows, initial=existing.count())


def partner_rows(programme: Programme) -> set[tuple]:
    return set(
        programme.partnerships.values_list(
            "institution__name", "role", "contribution", "funding_amount", "funding_currency"
        )
    )


# ---------- creating ----------


def test_a_coordinator_creates_a_draft_with_its_partners(client, world):
    data = programme_data() | partners_data(
        [
            partner(world.uwed, Role.LEAD, contribution="Venue and student volunteers"),
            partner(
                world.kaznu,
                contribution="Forty universities' stands",
                funding_amount="12000.00",
                funding_currency="KZT",
            ),
        ],
        initial=1,
        blank_rows=3,
    )

    response = signed_in(client, world.uz_coordinator).post(reverse("programmes:create"), data)

    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(programme)
    assert messages_of(response) == [
        "The programme “Kazakhstan Education Days in Tashkent” was created as a draft. Submit it "
        "for approval once its partners from both countries are in."
    ]
    assert (
        programme.title,
        programme.status,
        programme.starts_on,
        programme.budget_amount,
        programme.budget_currency,
        programme.created_by,
    ) == (
        "Kazakhstan Education Days in Tashkent",
        Status.DRAFT,
        datetime.date(2026, 4, 1),
        Decimal("25000.00"),
        "USD",
        world.uz_coordinator,
    )
    assert partner_rows(programme) == {
        (world.uwed.name, Role.LEAD, "Venue and student volunteers", None, ""),
        (world.kaznu.name, Role.PARTNER, "Forty universities' stands", Decimal("12000.00"), "KZT"),
    }
    assert list(programme.transitions.values_list("from_status", "to_status", "actor")) == [
        ("", Status.DRAFT, world.uz_coordinator.pk)
    ]


def test_a_programme_form_sent_twice_creates_one_programme(client, world):
    page = signed_in(client, world.uz_coordinator).get(reverse("programmes:create"))
    token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
    data = (
        programme_data(title="Not twice")
        | partners_data([partner(world.uwed, Role.LEAD), partner(world.kaznu)])
        | {"form_token": token}
    )
    client.post(reverse("programmes:create"), data)

    again = client.post(reverse("programmes:create"), data)

    programme = Programme.objects.get()
    assert (programme.title, again["Location"]) == ("Not twice", detail_url(programme))


def test_the_new_programme_page_offers_the_coordinators_institution_as_lead(client, world):
    response = signed_in(client, world.uz_coordinator).get(reverse("programmes:create"))

    formset = response.context["formset"]
    assert response.status_code == 200
    assert len(formset.forms) == 4
    assert formset.forms[0].initial == {"role": Role.LEAD, "institution": world.uwed.pk}
    assert 'name="partners-0-institution"' in response.content.decode()


def test_a_lead_the_coordinator_does_not_coordinate_is_refused_on_the_form(client, world):
    data = programme_data(title="Not ours to lead") | partners_data(
        [partner(world.kaznu, Role.LEAD), partner(world.uwed)], initial=1
    )

    response = signed_in(client, world.uz_coordinator).post(reverse("programmes:create"), data)

    lead_form = response.context["formset"].forms[0]
    assert response.status_code == 200
    assert lead_form.errors == {
        "institution": [
            "The lead must be an institution you coordinate: "
            "University of World Economy and Diplomacy."
        ]
    }
    assert "The lead must be an institution you coordinate" in response.content.decode()
    assert Programme.objects.count() == 0


def test_a_lead_not_theirs_is_said_even_while_another_row_needs_fixing(client, world):
    data = programme_data() | partners_data(
        [partner(world.kaznu, Role.LEAD), partner(world.uwed, funding_amount="100")], initial=1
    )

    response = signed_in(client, world.uz_coordinator).post(reverse("programmes:create"), data)

    assert [row.errors for row in response.context["formset"].forms] == [
        {
            "institution": [
                "The lead must be an institution you coordinate: "
                "University of World Economy and Diplomacy."
            ]
        },
        {"funding_currency": ["Choose the currency of the funding."]},
    ]
    assert Programme.objects.count() == 0


def test_an_administrator_may_name_any_lead(client, world):
    data = programme_data() | partners_data([partner(world.kaznu, Role.LEAD)], initial=1)

    response = signed_in(client, UserFactory(is_superuser=True)).post(
        reverse("programmes:create"), data
    )

    programme = Programme.objects.get()
    assert response["Location"] == detail_url(programme)
    assert partner_rows(programme) == {(world.kaznu.name, Role.LEAD, "", None, "")}


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ("two leads", "Name exactly one lead institution."),
        ("no lead", "Name exactly one lead institution."),
        (
            "twice",
            "University of World Economy and Diplomacy is listed twice: each institution "
            "takes part once.",
        ),
    ],
)
def test_the_partners_need_one_lead_and_each_institution_once(client, world, rows, error):
    chosen = {
        "two leads": [partner(world.uwed, Role.LEAD), partner(world.kaznu, Role.LEAD)],
        "no lead": [partner(world.uwed), partner(world.kaznu)],
        "twice": [partner(world.uwed, Role.LEAD), partner(world.uwed)],
    }[rows]
    data = programme_data() | partners_data(chosen, initial=1)

    response = signed_in(client, world.uz_coordinator).post(reverse("programmes:create"), data)

    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [error]
    assert Programme.objects.count() == 0


def test_funding_needs_its_currency_and_the_dates_their_order(client, world):
    data = programme_data(starts_on="2026-05-01", ends_on="2026-04-01") | partners_data(
        [partner(world.uwed, Role.LEAD, funding_amount="500")], initial=1
    )

    response = signed_in(client, world.uz_coordinator).post(reverse("programmes:create"), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "A programme cannot end before it starts."
    ]
    assert response.context["formset"].forms[0].errors == {
        "funding_currency": ["Choose the currency of the funding."]
    }
    assert Programme.objects.count() == 0


@pytest.mark.parametrize("role", ["viewer", "uz_national"])
def test_only_coordinators_may_open_the_new_programme_page(client, world, role):
    signed_in(client, getattr(world, role))
    data = programme_data() | partners_data([partner(world.uwed, Role.LEAD)], initial=1)

    answers = [
        client.get(reverse("programmes:create")).status_code,
        client.post(reverse("programmes:create"), data).status_code,
    ]

    assert answers == [403, 403]
    assert Programme.objects.count() == 0


def test_the_programme_list_offers_new_programme_to_coordinators_only(client, world):
    url = reverse("programmes:list")
    create_url = reverse("programmes:create")

    as_coordinator = signed_in(client, world.uz_coordinator).get(url).content.decode()
    as_viewer = signed_in(client, world.viewer).get(url).content.decode()

    assert (create_url in as_coordinator, create_url in as_viewer) == (True, False)


# ---------- editing ----------


@pytest.fixture
def draft(world) -> Programme:
    return joint_programme(
        uz=world.uwed, kz=world.kaznu, title="Abay. Heritage of Fraternal Peoples"
    )


def test_the_edit_page_is_filled_in_with_the_programme_and_its_partners(client, world, draft):
    response = signed_in(client, world.uz_coordinator).get(
        reverse("programmes:edit", args=[draft.pk])
    )

    form, formset = response.context["form"], response.context["formset"]
    assert response.status_code == 200
    assert (form["title"].value(), form["version"].value()) == (draft.title, draft.version)
    assert [row.initial for row in formset.forms[:2]] == [
        {
            "institution": world.uwed.pk,
            "role": Role.LEAD,
            "contribution": "",
            "funding_amount": None,
            "funding_currency": "",
        },
        {
            "institution": world.kaznu.pk,
            "role": Role.PARTNER,
            "contribution": "",
            "funding_amount": Decimal("1000.00"),
            "funding_currency": "USD",
        },
    ]
    assert len(formset.forms) == 5
    assert f'name="version" value="{draft.version}"' in response.content.decode()


def test_editing_saves_the_fields_and_the_partners(client, world, draft):
    data = edit_data(
        draft,
        title="Abay: heritage of two peoples",
        partners=[partner(world.uwed, Role.LEAD), partner(world.gallery, contribution="Halls")],
    )

    response = signed_in(client, world.uz_coordinator).post(
        reverse("programmes:edit", args=[draft.pk]), data
    )

    draft.refresh_from_db()
    assert response["Location"] == detail_url(draft)
    assert messages_of(response) == ["The programme “Abay: heritage of two peoples” was saved."]
    assert (draft.title, draft.version) == ("Abay: heritage of two peoples", 2)
    assert partner_rows(draft) == {
        (world.uwed.name, Role.LEAD, "", None, ""),
        (world.gallery.name, Role.PARTNER, "Halls", None, ""),
    }


def test_a_partner_row_is_removed_by_ticking_it(client, world, draft):
    data = edit_data(draft)
    data["partners-1-DELETE"] = "on"

    signed_in(client, world.uz_coordinator).post(reverse("programmes:edit", args=[draft.pk]), data)

    assert partner_rows(draft) == {(world.uwed.name, Role.LEAD, "", None, "")}


def test_saving_unchanged_says_nothing_changed(client, world, draft):
    response = signed_in(client, world.uz_coordinator).post(
        reverse("programmes:edit", args=[draft.pk]), edit_data(draft)
    )

    draft.refresh_from_db()
    assert messages_of(response) == ["Nothing was changed."]
    assert draft.version == 1


def test_a_partners_coordinator_edits_a_programme_another_institution_leads(client, world, draft):
    data = edit_data(draft, summary="Loans from the Almaty collections.")

    response = signed_in(client, world.kz_coordinator).post(
        reverse("programmes:edit", args=[draft.pk]), data
    )

    draft.refresh_from_db()
    assert response["Location"] == detail_url(draft)
    assert draft.summary == "Loans from the Almaty collections."


def test_a_partners_coordinator_cannot_hand_the_lead_to_an_institution_not_theirs(
    client, world, draft
):
    data = edit_data(
        draft,
        partners=[
            partner(world.gallery, Role.LEAD),
            partner(world.kaznu),
            partner(world.uwed),
        ],
    )

    response = signed_in(client, world.kz_coordinator).post(
        reverse("programmes:edit", args=[draft.pk]), data
    )

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {
        "institution": [
            "The lead must be an institution you coordinate: Al-Farabi Kazakh National University."
        ]
    }
    assert partner_rows(draft) == {
        (world.uwed.name, Role.LEAD, "", None, ""),
        (world.kaznu.name, Role.PARTNER, "", Decimal("1000.00"), "USD"),
    }


def test_an_edit_from_a_stale_version_keeps_the_input_and_saves_nothing(client, world, draft):
    signed_in(client, world.uz_coordinator)
    loaded = edit_data(draft)
    # Meanwhile the Kazakh partner changes the summary.
    programme_update(
        programme=draft, actor=world.kz_coordinator, version=1, summary="Changed in Almaty."
    )
    typed = loaded | {"title": "Abay: my new title", "partners-1-contribution": "Loans"}

    response = client.post(reverse("programmes:edit", args=[draft.pk]), typed)

    draft.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 409
    assert [
        (d.label, d.opened, d.yours, d.saved) for d in response.context["conflict"].differences
    ] == [
        (
            "Title",
            "Abay. Heritage of Fraternal Peoples",
            "Abay: my new title",
            "Abay. Heritage of Fraternal Peoples",
        ),
        ("Summary", "—", "—", "Changed in Almaty."),
    ]
    assert "Someone else saved this meanwhile" in page
    assert 'value="Abay: my new title"' in page
    assert 'value="Loans"' in page
    assert (draft.title, draft.summary, draft.version) == (
        "Abay. Heritage of Fraternal Peoples",
        "Changed in Almaty.",
        2,
    )
    assert partner_rows(draft) == {
        (world.uwed.name, Role.LEAD, "", None, ""),
        (world.kaznu.name, Role.PARTNER, "", Decimal("1000.00"), "USD"),
    }


def test_a_refusal_of_the_service_is_shown_on_the_form(client, world):
    active = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.ACTIVE)

    response = signed_in(client, world.uz_coordinator).post(
        reverse("programmes:edit", args=[active.pk]), edit_data(active, ends_on="2027-06-30")
    )

    active.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This programme is active: what the countries approved — its partners, dates and "
        "budget, its events' dates, places, hosts and whether they go ahead — changes only "
        "through an amendment that every participating country approves."
    ]
    assert (active.ends_on, active.version) == (datetime.date(2026, 12, 31), 1)


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_edit_page_hides_a_draft_and_refuses_those_who_may_only_look(
    client, world, draft, method
):
    submitted = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.SUBMITTED)
    cancelled = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.CANCELLED)

    def answer(user, programme):
        client.force_login(user)
        url = reverse("programmes:edit", args=[programme.pk])
        request = getattr(client, method)
        return request(url, edit_data(programme, title="Taken over")).status_code

    answers = {
        "outsider, draft": answer(world.outsider, draft),
        "national coordinator, draft": answer(world.uz_national, draft),
        "viewer, submitted": answer(world.viewer, submitted),
        "own coordinator, cancelled": answer(world.uz_coordinator, cancelled),
    }

    assert answers == {
        "outsider, draft": 404,
        "national coordinator, draft": 403,
        "viewer, submitted": 403,
        "own coordinator, cancelled": 403,
    }
    assert Programme.objects.filter(title="Taken over").count() == 0


# ---------- workflow steps ----------

# Each step: the status it starts from, the status it leads to, and what it says.
STEPS = {
    "submit": (
        Status.DRAFT,
        Status.SUBMITTED,
        "Submitted: the national coordinators of the participating countries were asked to decide.",
    ),
    "withdraw": (
        Status.SUBMITTED,
        Status.DRAFT,
        "Withdrawn: the programme is a draft again. Submitted again, it is a new version for "
        "the countries to decide on.",
    ),
    "reopen": (
        Status.REJECTED,
        Status.DRAFT,
        "Reopened: rework the programme and submit it again.",
    ),
    "activate": (Status.APPROVED, Status.ACTIVE, "The programme is active."),
    "complete": (Status.ACTIVE, Status.COMPLETED, "The programme is completed."),
    "cancel": (Status.APPROVED, Status.CANCELLED, "The programme is cancelled."),
}


def step_url(step: str, programme: Programme) -> str:
    return reverse(f"programmes:{step}", args=[programme.pk])


@pytest.mark.parametrize("step", STEPS)
def test_each_step_moves_the_programme_records_why_and_says_so(client, world, step):
    from_status, to_status, message = STEPS[step]
    programme = joint_programme(uz=world.uwed, kz=world.kaznu, status=from_status)

    response = signed_in(client, world.uz_coordinator).post(
        step_url(step, programme), {"comment": "Agreed at the partners' meeting."}
    )

    programme.refresh_from_db()
    assert response["Location"] == detail_url(programme)
    assert messages_of(response) == [message]
    assert programme.status == to_status
    assert list(
        programme.transitions.values_list("from_status", "to_status", "actor", "comment")
    ) == [(from_status, to_status, world.uz_coordinator.pk, "Agreed at the partners' meeting.")]


def changes_requested_by_kazakhstan(world) -> Programme:
    """A submitted programme on which Kazakhstan asked for changes."""
    programme = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.SUBMITTED)
    programme_decide(
        programme=programme,
        country=world.kz,
        decision=Decision.Kind.CHANGES_REQUESTED,
        actor=NationalCoordinatorFactory(country=world.kz).user,
        version=programme.current_version.number,
        comment="Add the dates of the fair.",
    )
    return programme


def test_resubmitting_answers_a_request_for_changes_with_a_new_version(client, world):
    programme = changes_requested_by_kazakhstan(world)
    signed_in(client, world.uz_coordinator)

    def offered() -> tuple[list[str], list[str]]:
        context = client.get(detail_url(programme)).context
        return (
            [step.name for step in context["steps"]],
            [step.name for step, _form in context["form_steps"]],
        )

    before = offered()

    response = client.post(
        step_url("resubmit", programme), {"comment": "The fair is on 12–14 May."}
    )

    programme.refresh_from_db()
    # Resubmitting asks what was changed, in a form of its own.
    assert before == (["withdraw"], ["resubmit", "cancel"])
    assert response["Location"] == detail_url(programme)
    assert messages_of(response) == [
        "Resubmitted: the national coordinators decide on the new version, and were told."
    ]
    assert (programme.status, programme.current_version.number) == (Status.SUBMITTED, 2)
    assert list(
        programme.transitions.values_list("from_status", "to_status", "actor", "comment")
    ) == [
        (
            Status.SUBMITTED,
            Status.SUBMITTED,
            world.uz_coordinator.pk,
            "Resubmitted: The fair is on 12–14 May.",
        )
    ]
    # Answered: the step is no longer offered.
    assert offered() == (["withdraw"], ["cancel"])


def test_resubmitting_without_saying_what_changed_is_refused_with_the_reason(client, world):
    programme = changes_requested_by_kazakhstan(world)

    response = signed_in(client, world.uz_coordinator).post(
        step_url("resubmit", programme), {"comment": "   "}
    )

    programme.refresh_from_db()
    assert messages_of(response) == ["Say what was changed, for the national coordinators."]
    assert (programme.current_version.number, programme.transitions.count()) == (1, 0)


@pytest.mark.parametrize("who", ["uz_national", "viewer"])
def test_resubmitting_is_for_the_programmes_coordinators(client, world, who):
    programme = changes_requested_by_kazakhstan(world)

    response = signed_in(client, getattr(world, who)).post(
        step_url("resubmit", programme), {"comment": "Dates added."}
    )

    programme.refresh_from_db()
    assert response.status_code == 403
    assert (programme.current_version.number, programme.transitions.count()) == (1, 0)


def test_resubmitting_without_a_request_for_changes_does_nothing_and_says_so(client, world):
    programme = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.SUBMITTED)

    response = signed_in(client, world.uz_coordinator).post(
        step_url("resubmit", programme), {"comment": "Dates added."}
    )

    programme.refresh_from_db()
    assert (response["Location"], messages_of(response)) == (
        detail_url(programme),
        ["Nothing was done: the programme is “Submitted” now."],
    )
    assert (programme.current_version.number, programme.transitions.count()) == (1, 0)


@pytest.mark.parametrize("step", STEPS)
def test_each_step_answers_get_with_405(client, world, step):
    programme = joint_programme(uz=world.uwed, kz=world.kaznu, status=STEPS[step][0])

    response = signed_in(client, world.uz_coordinator).get(step_url(step, programme))

    programme.refresh_from_db()
    assert response.status_code == 405
    assert (programme.status, programme.transitions.count()) == (STEPS[step][0], 0)


@pytest.mark.parametrize("step", STEPS)
def test_each_step_refuses_a_national_coordinator_with_403(client, world, step):
    programme = joint_programme(uz=world.uwed, kz=world.kaznu, status=STEPS[step][0])

    response = signed_in(client, world.uz_national).post(
        step_url(step, programme), {"comment": "On behalf of the ministry."}
    )

    programme.refresh_from_db()
    assert response.status_code == 403
    assert (programme.status, programme.transitions.count()) == (STEPS[step][0], 0)


@pytest.mark.parametrize("step", ["submit", "cancel"])
def test_a_step_on_a_draft_an_outsider_may_not_see_is_404(client, world, draft, step):
    response = signed_in(client, world.outsider).post(step_url(step, draft), {"comment": "x"})

    draft.refresh_from_db()
    assert response.status_code == 404
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize("step", ["activate", "complete", "cancel"])
def test_only_the_leads_coordinator_starts_completes_or_cancels(client, world, step):
    programme = joint_programme(uz=world.uwed, kz=world.kaznu, status=STEPS[step][0])

    response = signed_in(client, world.kz_coordinator).post(
        step_url(step, programme), {"comment": "We would rather."}
    )

    programme.refresh_from_db()
    assert response.status_code == 403
    assert programme.status == STEPS[step][0]


def test_a_step_from_the_wrong_status_does_nothing_and_says_where_it_stands(client, world, draft):
    response = signed_in(client, world.uz_coordinator).post(step_url("activate", draft))

    draft.refresh_from_db()
    assert (response["Location"], messages_of(response)) == (
        detail_url(draft),
        ["Nothing was done: the programme is “Draft” now."],
    )
    assert (draft.status, draft.transitions.count()) == (Status.DRAFT, 0)


def test_submitting_with_partners_of_one_country_is_refused_with_the_reason(client, world):
    programme = ProgrammeFactory(title="Tashkent only")
    PartnershipFactory(programme=programme, institution=world.uwed, role=Role.LEAD)
    PartnershipFactory(programme=programme, institution=world.gallery)

    response = signed_in(client, world.uz_coordinator).post(step_url("submit", programme))

    programme.refresh_from_db()
    assert response["Location"] == detail_url(programme)
    assert messages_of(response) == [
        "A joint programme needs partners from at least two countries before it is submitted."
    ]
    assert (programme.status, programme.version, programme.transitions.count()) == (
        Status.DRAFT,
        1,
        0,
    )


def test_cancelling_without_a_reason_is_refused_with_the_reason(client, world):
    programme = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.APPROVED)

    response = signed_in(client, world.uz_coordinator).post(
        step_url("cancel", programme), {"comment": "   "}
    )

    programme.refresh_from_db()
    assert messages_of(response) == ["Say why the programme is cancelled."]
    assert programme.status == Status.APPROVED
    assert not ProgrammeTransition.objects.filter(programme=programme).exists()


def test_the_programme_page_offers_the_steps_the_reader_may_take(client, world, draft):
    approved = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.APPROVED)

    def offered(user, programme):
        response = signed_in(client, user).get(detail_url(programme))
        return (
            [step.name for step in response.context["steps"]],
            [step.name for step, _form in response.context["form_steps"]],
            response.context["can_edit"],
        )

    assert {
        "lead, draft": offered(world.uz_coordinator, draft),
        "partner, draft": offered(world.kz_coordinator, draft),
        "national, draft": offered(world.uz_national, draft),
        "lead, approved": offered(world.uz_coordinator, approved),
        "partner, approved": offered(world.kz_coordinator, approved),
        "viewer, approved": offered(world.viewer, approved),
    } == {
        "lead, draft": (["submit"], [], True),
        "partner, draft": (["submit"], [], True),
        "national, draft": ([], [], False),
        "lead, approved": (["activate"], ["cancel"], True),
        "partner, approved": ([], [], True),
        "viewer, approved": ([], [], False),
    }


def test_the_programme_page_draws_each_step_as_a_post_to_its_own_url(client, world):
    approved = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.APPROVED)

    as_lead = signed_in(client, world.uz_coordinator).get(detail_url(approved)).content.decode()
    as_viewer = signed_in(client, world.viewer).get(detail_url(approved)).content.decode()

    assert f'formaction="{step_url("activate", approved)}"' in as_lead
    assert f'<form method="post" action="{step_url("cancel", approved)}"' in as_lead
    assert reverse("programmes:edit", args=[approved.pk]) in as_lead
    assert [
        url in as_viewer
        for url in (
            step_url("activate", approved),
            step_url("cancel", approved),
            reverse("programmes:edit", args=[approved.pk]),
        )
    ] == [False, False, False]


def test_the_step_forms_on_the_page_carry_their_csrf_token(world, draft):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.uz_coordinator)
    page = browser.get(detail_url(draft)).content.decode()
    submit_form = page[page.index(f'action="{step_url("submit", draft)}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', submit_form)[1]

    response = browser.post(step_url("submit", draft), {"csrfmiddlewaretoken": token})

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == Status.SUBMITTED


def test_the_programme_page_shows_who_changed_what(client, world, draft):
    programme_update(
        programme=draft,
        actor=world.uz_coordinator,
        version=1,
        partners=[
            PartnerRow(institution=world.uwed, role=Role.LEAD),
            PartnerRow(institution=world.kaznu),
        ],
        title="Abay: heritage of two peoples",
    )

    response = signed_in(client, world.uz_coordinator).get(detail_url(draft))

    latest = response.context["history"][0]
    assert [(change.label, change.old, change.new) for change in latest.changes] == [
        ("Title", "Abay. Heritage of Fraternal Peoples", "Abay: heritage of two peoples")
    ]
    assert latest.user == world.uz_coordinator
    assert "Abay: heritage of two peoples" in response.content.decode()


# ---------- who changes the partners ----------


def test_a_partner_cannot_take_the_lead(client, world, draft):
    """KazNU is only a partner: its coordinator posts the edit form with KazNU as lead and the
    lead removed. Nothing changes, and the lead's coordinator still has their draft."""
    before = partner_rows(draft)
    data = edit_data(draft, partners=[partner(world.kaznu, Role.LEAD)])

    response = signed_in(client, world.kz_coordinator).post(
        reverse("programmes:edit", args=[draft.pk]), data
    )

    assert response.status_code == 200
    assert partner_rows(draft) == before
    assert signed_in(client, world.uz_coordinator).get(detail_url(draft)).status_code == 200


def test_a_partner_changes_its_own_contribution_and_funding_only(client, world, draft):
    rows = [
        partner(world.uwed, Role.LEAD),
        partner(
            world.kaznu,
            contribution="Poets of the steppe",
            funding_amount="2500.00",
            funding_currency="USD",
        ),
    ]
    own = signed_in(client, world.kz_coordinator).post(
        reverse("programmes:edit", args=[draft.pk]), edit_data(draft, partners=rows)
    )
    theirs = client.post(
        reverse("programmes:edit", args=[draft.pk]),
        edit_data(draft, partners=[partner(world.uwed, Role.LEAD, contribution="Halls"), rows[1]]),
    )

    assert (own.status_code, theirs.status_code) == (302, 200)
    assert theirs.context["form"].non_field_errors() == [
        "Only the lead institution's coordinators change who takes part and who leads; you may "
        "change your own institution's contribution and funding."
    ]
    assert partner_rows(draft) == {
        ("University of World Economy and Diplomacy", Role.LEAD, "", None, ""),
        (
            "Al-Farabi Kazakh National University",
            Role.PARTNER,
            "Poets of the steppe",
            Decimal("2500.00"),
            "USD",
        ),
    }


def test_the_leads_coordinator_hands_the_lead_over(client, world, draft):
    data = edit_data(draft, partners=[partner(world.uwed), partner(world.kaznu, Role.LEAD)])

    response = signed_in(client, world.uz_coordinator).post(
        reverse("programmes:edit", args=[draft.pk]), data
    )

    assert response.status_code == 302
    assert {(name, role) for name, role, *_rest in partner_rows(draft)} == {
        ("University of World Economy and Diplomacy", Role.PARTNER),
        ("Al-Farabi Kazakh National University", Role.LEAD),
    }
