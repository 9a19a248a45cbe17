"""Two countries approve a joint programme, each at its own desk, in a real browser."""

import io

import pytest
from django.core.management import call_command

from programmes.models import Programme

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "dostlik-demo"
TITLE = "Youth theatre exchange of Tashkent and Almaty"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses to run in production
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False


def status_of(title: str) -> str:
    return Programme.objects.get(title=title).status


def decide(page, programme: Programme, decision_label: str) -> None:
    page.goto(f"/programmes/{programme.pk}/")
    page.get_by_label(decision_label, exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()


def test_a_joint_programme_is_approved_only_when_both_countries_approved(demo, signed_in):
    coordinator = signed_in("uz.coordinator", DEMO_PASSWORD)
    coordinator.goto("/programmes/new/")
    coordinator.fill("input[name=title]", TITLE)
    coordinator.select_option("select[name=kind]", label="Festival")
    coordinator.fill("input[name=starts_on]", "2027-04-01")
    coordinator.fill("input[name=ends_on]", "2027-06-30")
    coordinator.select_option(
        "select[name=partners-0-institution]", label="University of World Economy and Diplomacy"
    )
    coordinator.select_option("select[name=partners-0-role]", value="lead")
    coordinator.select_option(
        "select[name=partners-1-institution]", label="Al-Farabi Kazakh National University"
    )
    coordinator.select_option("select[name=partners-1-role]", value="partner")
    coordinator.get_by_role("button", name="Create the draft").click()
    coordinator.get_by_role("button", name="Submit for approval").click()
    coordinator.wait_for_load_state()

    programme = Programme.objects.get(title=TITLE)
    assert programme.status == Programme.Status.SUBMITTED
    assert coordinator.get_by_role("alert").first.inner_text().strip().startswith("Submitted")

    uz_national = signed_in("uz.national", DEMO_PASSWORD)
    decide(uz_national, programme, "Approved")
    assert status_of(TITLE) == Programme.Status.SUBMITTED

    kz_national = signed_in("kz.national", DEMO_PASSWORD)
    decide(kz_national, programme, "Approved")
    assert status_of(TITLE) == Programme.Status.APPROVED
    approving = Programme.objects.get(title=TITLE).transitions.get(to_status="approved")
    assert approving.comment == (
        "Version 1 approved by every participating country: Kazakhstan, Uzbekistan."
    )
    kz_national.reload()
    assert approving.comment in kz_national.content()

    uzbek_draft = Programme.objects.get(title="Digital archive of shared Uzbek-Kazakh heritage")
    assert uzbek_draft.status == Programme.Status.DRAFT
    kz_coordinator = signed_in("kz.coordinator", DEMO_PASSWORD)
    response = kz_coordinator.goto(f"/programmes/{uzbek_draft.pk}/")
    assert response.status == 404
    assert "not found" in kz_coordinator.content().lower()
    assert uzbek_draft.title not in kz_coordinator.content()
