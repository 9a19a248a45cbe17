"""The whole bilateral record in a real browser: a change requested and made, the programme
resubmitted and approved by both countries, an amendment approved, and the register read."""

import io
import re
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from programmes.models import Decision, Programme

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "dostlik-demo"
TITLE = "Steppe and oasis: a joint photo exhibition"
EVENT = "Opening of the photo exhibition"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses to run in production
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False


def programme() -> Programme:
    return Programme.objects.select_related("current_version").get(title=TITLE)


def decide(page, path: str, decision: str, comment: str = "") -> None:
    page.goto(path)
    page.get_by_label(decision, exact=True).check()
    if comment:
        page.locator("textarea[name=comment]").fill(comment)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()


def test_changes_a_resubmission_an_amendment_and_the_register(demo, signed_in):
    coordinator = signed_in("uz.coordinator", DEMO_PASSWORD)
    coordinator.goto("/programmes/new/")
    coordinator.fill("input[name=title]", TITLE)
    coordinator.select_option("select[name=kind]", value="exhibition")
    coordinator.fill("input[name=starts_on]", "2027-04-01")
    coordinator.fill("input[name=ends_on]", "2027-06-30")
    coordinator.fill("input[name=budget_amount]", "1000")
    coordinator.select_option("select[name=budget_currency]", value="USD")
    coordinator.select_option(
        "select[name=partners-0-institution]", label="University of World Economy and Diplomacy"
    )
    coordinator.select_option("select[name=partners-0-role]", value="lead")
    coordinator.select_option(
        "select[name=partners-1-institution]", label="Al-Farabi Kazakh National University"
    )
    coordinator.select_option("select[name=partners-1-role]", value="partner")
    coordinator.get_by_role("button", name="Create the draft").click()
    coordinator.wait_for_load_state()
    pk = programme().pk
    coordinator.goto(f"/events/new/?programme={pk}")
    coordinator.fill("input[name=title]", EVENT)
    coordinator.select_option("select[name=kind]", value="exhibition")
    coordinator.fill("input[name=start_date]", "2027-04-10")
    coordinator.fill("input[name=start_time]", "18:00")
    coordinator.fill("input[name=end_date]", "2027-04-10")
    coordinator.fill("input[name=end_time]", "21:00")
    coordinator.get_by_role("button", name="Add the event").click()
    coordinator.wait_for_load_state()
    event = programme().events.get()
    coordinator.goto(f"/programmes/{pk}/")
    coordinator.get_by_role("button", name="Submit for approval").click()
    coordinator.wait_for_load_state()
    assert (programme().status, programme().current_version.number) == ("submitted", 1)

    # Uzbekistan asks for a later opening; Kazakhstan approves as it stands.
    uz_national = signed_in("uz.national", DEMO_PASSWORD)
    decide(uz_national, f"/programmes/{pk}/", "Changes requested", "Open a week later.")
    kz_national = signed_in("kz.national", DEMO_PASSWORD)
    decide(kz_national, f"/programmes/{pk}/", "Approved")
    assert programme().status == "submitted"

    # The coordinator moves the event as asked and resubmits with a note.
    coordinator.goto(f"/events/{event.pk}/edit/")
    coordinator.fill("input[name=start_date]", "2027-04-17")
    coordinator.fill("input[name=end_date]", "2027-04-17")
    coordinator.get_by_role("button", name="Save changes").click()
    coordinator.wait_for_load_state()
    coordinator.goto(f"/programmes/{pk}/")
    coordinator.locator("form[action$='/resubmit/'] textarea[name=comment]").fill(
        "The opening moved to 17 April."
    )
    coordinator.get_by_role("button", name="Resubmit").click()
    coordinator.wait_for_load_state()
    assert programme().current_version.number == 3

    decide(uz_national, f"/programmes/{pk}/", "Approved")
    decide(kz_national, f"/programmes/{pk}/", "Approved")
    assert programme().status == "approved"

    # An amendment: a larger budget, held apart while the countries decide.
    coordinator.goto(f"/programmes/{pk}/edit/")
    coordinator.fill("input[name=budget_amount]", "1500")
    coordinator.locator("textarea[name=note]").fill("A second venue in Almaty.")
    coordinator.get_by_role("button", name="Save changes").click()
    coordinator.wait_for_load_state()
    amendment_path = urlparse(coordinator.url).path
    assert amendment_path.startswith("/amendments/")
    assert (programme().status, str(programme().budget_amount)) == ("approved", "1000.00")

    decide(uz_national, amendment_path, "Approve the amendment")
    decide(kz_national, amendment_path, "Approve the amendment")
    assert (programme().status, str(programme().budget_amount)) == ("approved", "1500.00")
    assert programme().current_version.number == 4

    # The register keeps every decision, superseded ones too, newest first.
    uz_national.goto("/reports/decisions/")
    rows = uz_national.locator("#table-decisions tbody tr").filter(has_text=TITLE)
    texts = [" ".join(text.split()) for text in rows.all_inner_texts()]
    assert [
        (re.search(r"Version (\d+)", text)[1], "Changes requested" in text, "superseded" in text)
        for text in texts
    ] == [("4", False, False), ("3", False, True), ("1", True, True)]
    assert "superseded by version 2" in texts[2]
    assert Decision.objects.filter(programme__title=TITLE).count() == 6
