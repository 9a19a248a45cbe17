"""What a person sees of the navigation at laptop widths: every link labelled, on one line, and
the decisions waiting for them counted; the menu marks the section a page belongs to."""

import pytest

from programmes.models import Programme
from tests.factories import (
    PASSWORD,
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    NationalCoordinatorFactory,
    UserFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db(transaction=True)

# The text of each link a sighted reader sees: what is displayed, but what is only read aloud.
SHOWN_LABELS = """links => links.map(link => {
    const shown = node => {
        if (node.nodeType === Node.TEXT_NODE) return node.textContent.trim();
        if (node.nodeType !== Node.ELEMENT_NODE) return "";
        if (getComputedStyle(node).display === "none") return "";
        if (node.classList.contains("visually-hidden")) return "";
        return Array.from(node.childNodes).map(shown).join("");
    };
    return shown(link);
})"""


@pytest.fixture
def national_coordinator():
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    programme = joint_programme(
        uz=InstitutionFactory(country=uz),
        kz=InstitutionFactory(country=kz),
        status=Programme.Status.SUBMITTED,
    )
    user = NationalCoordinatorFactory(
        country=uz, user__first_name="Dilnoza", user__last_name="Karimova"
    ).user
    return user, programme


@pytest.mark.parametrize("width", [1366, 1280])
def test_every_link_is_labelled_on_one_line(signed_in, national_coordinator, width):
    user, _programme = national_coordinator
    page = signed_in(user.username, PASSWORD)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/programmes/")

    assert page.locator("#main-nav .nav-link:visible").evaluate_all(SHOWN_LABELS) == [
        "Programmes",
        "Decisions1",
        "1",
        "Events",
        "Calendar",
        "Agreements",
        "Institutions",
        "Reports",
        "DK",
    ]
    boxes = [link.bounding_box() for link in page.locator("#main-nav .nav-link:visible").all()]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    # One row: every link is centred on the same line, give or take a few pixels.
    assert max(middles) - min(middles) < 6, f"the navigation wraps at {width} px: {middles}"
    container = page.locator("nav.dl-navbar > .container-xl").bounding_box()
    rightmost = max(box["x"] + box["width"] for box in boxes)
    assert rightmost <= container["x"] + container["width"], "the navigation overflows"
    brand = page.locator(".navbar-brand").bounding_box()
    assert page.locator("nav.dl-navbar").bounding_box()["height"] < brand["height"] + 40


def test_the_decisions_badge_counts_the_programmes_waiting(signed_in, national_coordinator):
    user, _programme = national_coordinator
    page = signed_in(user.username, PASSWORD)

    decisions = page.get_by_role("link", name="Decisions 1 waiting for your decision")
    assert decisions.get_attribute("href") == "/programmes/decisions/"
    assert page.locator("[data-decisions-waiting]").text_content() == "1 waiting for your decision"


def test_importing_a_calendar_is_marked_as_a_programme_s_page(signed_in, national_coordinator):
    _user, programme = national_coordinator
    administrator = UserFactory(is_superuser=True, is_staff=True)
    page = signed_in(administrator.username, PASSWORD)
    page.goto(f"/calendar/programmes/{programme.pk}/import/")

    assert page.locator("#main-nav .nav-link.active").all_inner_texts() == ["Programmes"]
    crumbs = page.locator(".breadcrumb-item").all_inner_texts()
    assert crumbs == ["Home", "Programmes", programme.title, "Import a calendar"]


def test_the_event_form_and_the_event_page_share_their_breadcrumbs(signed_in):
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    host = InstitutionFactory(country=uz)
    draft = joint_programme(uz=host, kz=InstitutionFactory(country=kz))
    event = EventFactory(
        programme=draft,
        host_institution=host,
        title="Dombra evening",
        translations={"ru": {"title": "Вечер домбры"}},
    )
    administrator = UserFactory(is_superuser=True, is_staff=True, language="ru")
    page = signed_in(administrator.username, PASSWORD)

    page.goto(f"/events/{event.pk}/")
    on_the_page = page.locator(".breadcrumb-item").all_inner_texts()
    page.goto(f"/events/{event.pk}/edit/")
    on_the_form = page.locator(".breadcrumb-item").all_inner_texts()

    assert on_the_page[-1] == "Вечер домбры"
    assert on_the_form[:-1] == on_the_page


def test_the_programme_form_and_the_programme_page_share_their_breadcrumbs(signed_in):
    draft = joint_programme(
        uz=InstitutionFactory(country=CountryFactory(code="UZ")),
        kz=InstitutionFactory(country=CountryFactory(code="KZ")),
        title="Dombra evenings",
        translations={"ru": {"title": "Вечера домбры"}},
    )
    administrator = UserFactory(is_superuser=True, is_staff=True, language="ru")
    page = signed_in(administrator.username, PASSWORD)

    page.goto(f"/programmes/{draft.pk}/")
    on_the_page = page.locator(".breadcrumb-item").all_inner_texts()
    page.goto(f"/programmes/{draft.pk}/edit/")
    on_the_form = page.locator(".breadcrumb-item").all_inner_texts()

    assert on_the_page[-1] == "Вечера домбры"
    assert on_the_form[:-1] == on_the_page


def test_the_subscriptions_page_sits_under_the_calendar(signed_in, national_coordinator):
    user, _programme = national_coordinator
    page = signed_in(user.username, PASSWORD)
    page.goto("/calendar/feeds/")

    assert page.locator(".breadcrumb-item").all_inner_texts() == [
        "Home",
        "Calendar",
        "Calendar subscriptions",
    ]
    assert page.locator("#main-nav .nav-link.active").evaluate_all(SHOWN_LABELS) == ["Calendar"]


@pytest.mark.parametrize("language", ["ru", "uz", "kk"])
def test_the_longer_words_of_other_languages_stay_on_one_line(
    signed_in, national_coordinator, language
):
    user, _programme = national_coordinator
    user.language = language
    user.save(update_fields=["language"])
    page = signed_in(user.username, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/programmes/")

    boxes = [link.bounding_box() for link in page.locator("#main-nav .nav-link:visible").all()]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    container = page.locator("nav.dl-navbar > .container-xl").bounding_box()
    assert max(middles) - min(middles) < 6
    assert max(box["x"] + box["width"] for box in boxes) <= container["x"] + container["width"]
    labels = page.locator("#main-nav .nav-link:visible").evaluate_all(SHOWN_LABELS)
    assert (len(labels), all(labels)) == (9, True)
