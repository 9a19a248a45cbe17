"""The Django admin as the record keepers use it: every list and form, search, filters, the CSV
export, and writes that go through the services."""

import csv
import datetime
import io
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from events.models import Event, Venue
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from programmes.models import (
    Agreement,
    AgreementParty,
    Approval,
    Partnership,
    Programme,
    ProgrammeTransition,
)
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ApprovalFactory,
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    PartnershipFactory,
    ProgrammeFactory,
    UserFactory,
    VenueFactory,
    ViewerFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
OUR_APPS = {"accounts", "institutions", "programmes", "events"}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class FormFields(HTMLParser):
    """What a browser would submit from one form of a page: the named inputs, checked boxes,
    selected options and textareas inside it."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.pairs: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._options: list[str] = []
        self._selected: list[str] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_form = attributes.get("id") == self.form_id
        if not self._in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self.pairs.append(
                (name, attributes.get("value") or ("on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self._select, self._options, self._selected = name, [], []
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            self._options.append(value)
            if "selected" in attributes:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            chosen = self._selected or self._options[:1]
            self.pairs.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.pairs.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None


def form_data(response, model) -> dict[str, list[str]]:
    """The change or add form of ``response`` as a browser would post it back unchanged."""
    parser = FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data


def post_change(client, obj, **changes) -> object:
    """Open ``obj``'s admin change page, change some fields and save, like a person would."""
    url = admin_url(type(obj), "change", obj.pk)
    data = form_data(client.get(url), type(obj))
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


def hosted_event(*, programme, host, title, starts_at, **kwargs) -> Event:
    return EventFactory(
        programme=programme,
        host_institution=host,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        **kwargs,
    )


@pytest.fixture
def uzbekistan():
    return CountryFactory(code="UZ")


@pytest.fixture
def kazakhstan():
    return CountryFactory(code="KZ")


@pytest.fixture
def gallery(uzbekistan):
    return InstitutionFactory(
        name="Fine Arts Gallery of Uzbekistan", kind=Institution.Kind.GALLERY, country=uzbekistan
    )


@pytest.fixture
def theatre(kazakhstan):
    return InstitutionFactory(
        name="Kalibek Kuanyshbayev Kazakh Music and Drama Theatre",
        kind=Institution.Kind.THEATRE,
        country=kazakhstan,
    )


@pytest.fixture
def abay_programme(gallery, theatre):
    return joint_programme(uz=gallery, kz=theatre, title="Days of culture, 2022")


@pytest.fixture
def abay_exhibition(abay_programme, gallery):
    return hosted_event(
        programme=abay_programme,
        host=gallery,
        title="Abay. Heritage of Fraternal Peoples",
        starts_at=datetime.datetime(2022, 12, 19, 10, 0, tzinfo=TASHKENT),
        status=Event.Status.CONFIRMED,
        visibility=Event.Visibility.PUBLIC,
        expected_attendance=300,
    )


# --- Every model has a working admin ----------------------------------------------------------

# Each entry makes one row and returns text its changelist row shows.
ROWS = {
    User: lambda: UserFactory(username="gulnara.karimova").username,
    Group: lambda: Group.objects.create(name="Record keepers").name,
    Country: lambda: CountryFactory(code="KG").name,
    Institution: lambda: InstitutionFactory(name="University of World Economy and Diplomacy").name,
    Membership: lambda: (
        MembershipFactory(institution__name="Al-Farabi Kazakh University").institution.name
    ),
    NationalCoordinator: lambda: str(
        NationalCoordinatorFactory(user__first_name="Aigerim", user__last_name="Nurlanova").user
    ),
    Viewer: lambda: str(ViewerFactory(user__first_name="Dilshod", user__last_name="Tursunov").user),
    Agreement: lambda: AgreementFactory(title="Treaty on Eternal Friendship").title,
    Programme: lambda: ProgrammeFactory(title="Kazakhstan Education Days").title,
    Partnership: lambda: (
        PartnershipFactory(programme__title="Joint research in humanities").programme.title
    ),
    Approval: lambda: ApprovalFactory(programme__title="Film programme Tea").programme.title,
    ProgrammeTransition: lambda: (
        ProgrammeTransition.objects.create(
            programme=ProgrammeFactory(title="Academic mobility 2026"),
            from_status="",
            to_status=Programme.Status.DRAFT,
        ).programme.title
    ),
    Venue: lambda: VenueFactory(name="Palace of Friendship of Peoples").name,
    Event: lambda: EventFactory(title="Gala concert of Uzbek creative groups").title,
}

# Rows written only by the workflow: the admin shows them and adds none.
READ_ONLY = {ProgrammeTransition}


def test_every_model_of_ours_has_an_admin_and_a_row_in_this_table():
    ours = {
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model.__name__.startswith("Historical")
    }
    # Parties of an agreement are edited on the agreement's page only.
    assert {model for model in admin.site._registry if model in ours} == ours - {AgreementParty}
    assert set(ROWS) == set(admin.site._registry)


def admins_with_inlines():
    for model, model_admin in admin.site._registry.items():
        yield model_admin
        for inline_class in model_admin.inlines:
            yield inline_class(model, admin.site)


def shown_on_form(model_admin, name: str) -> bool:
    if model_admin.fieldsets:
        return name in flatten_fieldsets(model_admin.fieldsets)
    return model_admin.fields is None or name in model_admin.fields


def test_every_editable_choice_of_a_record_is_an_autocomplete():
    """A select of thousands of institutions or users would be unusable and slow."""
    searched = {Institution, Country, Programme, Venue, User, Agreement}
    plain_selects = [
        f"{type(model_admin).__name__}.{field.name}"
        for model_admin in admins_with_inlines()
        for field in model_admin.model._meta.get_fields()
        if shown_on_form(model_admin, field.name)
        and field.concrete
        and field.is_relation
        and field.related_model in searched
        and field.editable
        and field.related_model is not getattr(model_admin, "parent_model", None)
        and field.name not in model_admin.readonly_fields
        and field.name not in model_admin.autocomplete_fields
    ]

    assert plain_selects == []


@pytest.mark.parametrize("model", ROWS, ids=lambda model: model.__name__)
def test_changelist_shows_a_row_and_add_page_answers(admin_client, model):
    text = ROWS[model]()

    changelist = admin_client.get(admin_url(model, "changelist"))
    add_page = admin_client.get(admin_url(model, "add"))

    assert changelist.status_code == 200
    assert text in changelist.content.decode()
    assert add_page.status_code == (403 if model in READ_ONLY else 200)


@pytest.mark.parametrize("model", ROWS, ids=lambda model: model.__name__)
def test_change_page_answers(admin_client, model):
    ROWS[model]()
    row = model.objects.order_by("-pk").first()

    response = admin_client.get(admin_url(model, "change", row.pk))

    assert response.status_code == 200
    assert response.context["original"] == row


def test_lead_institution_of_a_new_programme_is_found_by_autocomplete(
    admin_client, gallery, theatre
):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "programmes",
            "model_name": "partnership",
            "field_name": "institution",
            "term": "gallery",
        },
    )

    assert [result["text"] for result in response.json()["results"]] == [gallery.name]


def test_a_new_user_gets_a_time_zone_and_roles_on_the_next_page(admin_client, gallery):
    add_data = form_data(admin_client.get(admin_url(User, "add")), User)
    add_data.update(username=["uz.coordinator"], usable_password=["false"])

    added = admin_client.post(admin_url(User, "add"), add_data)
    user = User.objects.get(username="uz.coordinator")
    changed = post_change(
        admin_client,
        user,
        time_zone="Asia/Tashkent",
        **{"memberships-TOTAL_FORMS": "1", "memberships-0-institution": str(gallery.pk)},
    )

    assert (added["Location"], changed.status_code) == (admin_url(User, "change", user.pk), 302)
    user.refresh_from_db()
    assert (user.time_zone, [m.institution for m in user.memberships.all()]) == (
        "Asia/Tashkent",
        [gallery],
    )


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
    expired = AgreementFactory(
        title="Old memorandum",
        signed_on=datetime.date(2015, 1, 1),
        valid_until=datetime.date(2020, 1, 1),
    )
    AgreementFactory(title="Treaty on Eternal Friendship", signed_on=datetime.date(1998, 10, 31))

    response = admin_client.get(admin_url(Agreement, "changelist"), {"status": "expired"})

    assert list(response.context["cl"].result_list) == [expired]
    assert "Expired" in response.content.decode()


def test_agreement_list_shows_parties_count_and_status(admin_client, gallery, theatre):
    treaty = AgreementFactory(
        title="Treaty on Eternal Friendship", signed_on=datetime.date(1998, 10, 31)
    )
    AgreementPartyFactory(agreement=treaty, institution=gallery)
    AgreementPartyFactory(agreement=treaty, institution=theatre)

    response = admin_client.get(admin_url(Agreement, "changelist"))
    content = response.content.decode()

    assert '<td class="field-party_count">2</td>' in content
    assert '<td class="field-status_label">In force</td>' in content


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

    assert rows[1][0] == f"'{formula}"


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


# --- Events are written through the services --------------------------------------------------


def test_editing_an_event_title_raises_sequence_and_keeps_uid(
    admin_client, admin_user, abay_exhibition
):
    uid, sequence = abay_exhibition.uid, abay_exhibition.sequence

    response = post_change(admin_client, abay_exhibition, title="Abay: Heritage of Two Peoples")

    assert response.status_code == 302
    abay_exhibition.refresh_from_db()
    assert (abay_exhibition.title, abay_exhibition.uid, abay_exhibition.sequence) == (
        "Abay: Heritage of Two Peoples",
        uid,
        sequence + 1,
    )
    assert abay_exhibition.history.first().history_user == admin_user


def test_editing_only_attendance_keeps_sequence(admin_client, abay_exhibition):
    sequence = abay_exhibition.sequence

    response = post_change(
        admin_client, abay_exhibition, actual_attendance="412", youth_attendance="250"
    )

    assert response.status_code == 302
    abay_exhibition.refresh_from_db()
    assert (
        abay_exhibition.actual_attendance,
        abay_exhibition.youth_attendance,
        abay_exhibition.sequence,
    ) == (412, 250, sequence)


def test_event_with_more_youth_than_attendance_is_refused(admin_client, abay_exhibition):
    response = post_change(
        admin_client, abay_exhibition, actual_attendance="100", youth_attendance="250"
    )

    assert response.status_code == 200
    abay_exhibition.refresh_from_db()
    assert abay_exhibition.actual_attendance is None
    assert response.context["adminform"].form.errors != {}


def new_event_data(client, **values) -> dict[str, list[str]]:
    data = form_data(client.get(admin_url(Event, "add")), Event)
    data.update({name: [value] for name, value in values.items()})
    return data


def test_adding_an_event_hosted_by_a_partner_takes_place_from_the_host(
    admin_client, admin_user, abay_programme, theatre
):
    data = new_event_data(
        admin_client,
        programme=str(abay_programme.pk),
        title="Gala concert",
        kind=Event.Kind.CONCERT,
        host_institution=str(theatre.pk),
        starts_at_0="2022-12-21",
        starts_at_1="14:00:00",
        ends_at_0="2022-12-21",
        ends_at_1="16:00:00",
    )

    response = admin_client.post(admin_url(Event, "add"), data)

    assert response.status_code == 302
    event = Event.objects.get(title="Gala concert")
    assert (event.city, event.country, event.time_zone, event.sequence) == (
        "Almaty",
        theatre.country,
        "Asia/Almaty",
        0,
    )
    assert event.history.get().history_user == admin_user


def test_adding_an_event_hosted_by_a_stranger_is_refused_with_a_reason(
    admin_client, abay_programme
):
    stranger = InstitutionFactory(name="Central Asian Film Archive")
    data = new_event_data(
        admin_client,
        programme=str(abay_programme.pk),
        title="Short film Tea",
        kind=Event.Kind.FILM_SCREENING,
        host_institution=str(stranger.pk),
        starts_at_0="2023-05-01",
        starts_at_1="18:00:00",
        ends_at_0="2023-05-01",
        ends_at_1="19:00:00",
    )

    response = admin_client.post(admin_url(Event, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["host_institution"] == [
        "Central Asian Film Archive is not a partner of the programme “Days of culture, 2022”. "
        "Choose one of its partners as host, or add Central Asian Film Archive to the programme "
        "first."
    ]
    assert Event.objects.filter(title="Short film Tea").exists() is False


def test_event_uid_and_sequence_are_not_editable(admin_client, abay_exhibition):
    data = form_data(admin_client.get(admin_url(Event, "change", abay_exhibition.pk)), Event)

    assert {"uid", "sequence"} & data.keys() == set()


# --- Programmes -------------------------------------------------------------------------------


def test_programme_change_form_shows_status_but_cannot_change_it(admin_client, abay_programme):
    url = admin_url(Programme, "change", abay_programme.pk)
    response = admin_client.get(url)
    data = form_data(response, Programme)

    assert "status" not in data
    assert '<div class="readonly">Draft</div>' in response.content.decode()

    data["status"] = [Programme.Status.APPROVED]
    data["title"] = ["Days of culture, 2022 and 2023"]
    admin_client.post(url, data)
    abay_programme.refresh_from_db()
    assert (abay_programme.title, abay_programme.status) == (
        "Days of culture, 2022 and 2023",
        Programme.Status.DRAFT,
    )


def test_adding_a_programme_makes_the_lead_and_records_the_draft(admin_client, admin_user, gallery):
    data = form_data(admin_client.get(admin_url(Programme, "add")), Programme)
    data.update(
        title=["Kazakhstan Education Days"],
        kind=[Programme.Kind.EDUCATION_FAIR],
        lead=[str(gallery.pk)],
        starts_on=["2026-04-01"],
        ends_on=["2026-04-30"],
    )

    response = admin_client.post(admin_url(Programme, "add"), data)

    programme = Programme.objects.get(title="Kazakhstan Education Days")
    assert response["Location"] == admin_url(Programme, "change", programme.pk)
    assert [(p.institution, p.role) for p in programme.partnerships.all()] == [
        (gallery, Partnership.Role.LEAD)
    ]
    assert [(t.from_status, t.to_status, t.actor) for t in programme.transitions.all()] == [
        ("", Programme.Status.DRAFT, admin_user)
    ]
    assert programme.created_by == admin_user


def test_programme_partners_keep_exactly_one_lead(admin_client, abay_programme, theatre):
    url = admin_url(Programme, "change", abay_programme.pk)
    data = form_data(admin_client.get(url), Programme)
    kazakh_row = next(
        name.removesuffix("-institution")
        for name, values in data.items()
        if name.endswith("-institution") and values == [str(theatre.pk)]
    )
    data[f"{kazakh_row}-role"] = [Partnership.Role.LEAD]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert theatre.partnerships.get().role == Partnership.Role.PARTNER


def test_programme_list_shows_lead_and_countries(admin_client, abay_programme):
    response = admin_client.get(admin_url(Programme, "changelist"))
    content = response.content.decode()

    assert '<td class="field-lead_institution">Fine Arts Gallery of Uzbekistan</td>' in content
    assert '<td class="field-countries">Kazakhstan, Uzbekistan</td>' in content


def test_approval_added_in_the_admin_is_stamped_with_who_decided(
    admin_client, admin_user, abay_programme, kazakhstan
):
    data = form_data(admin_client.get(admin_url(Approval, "add")), Approval)
    data.update(
        programme=[str(abay_programme.pk)],
        country=[str(kazakhstan.pk)],
        decision=[Approval.Decision.APPROVED],
        comment=["Agreed by the Ministry of Culture"],
    )

    response = admin_client.post(admin_url(Approval, "add"), data)

    assert response.status_code == 302
    approval = abay_programme.approvals.get()
    assert (approval.country, approval.decision, approval.decided_by) == (
        kazakhstan,
        Approval.Decision.APPROVED,
        admin_user,
    )


# --- Agreements -------------------------------------------------------------------------------


def new_agreement_data(client, parties: list[Institution]) -> dict[str, list[str]]:
    data = form_data(client.get(admin_url(Agreement, "add")), Agreement)
    data.update(
        title=["Memorandum between the gallery and the theatre"],
        kind=[Agreement.Kind.MEMORANDUM],
        signed_on=["2022-12-22"],
        valid_from=[""],
    )
    for index, institution in enumerate(parties):
        data[f"party_rows-{index}-institution"] = [str(institution.pk)]
    return data


def test_adding_an_agreement_with_two_parties(admin_client, gallery, theatre):
    response = admin_client.post(
        admin_url(Agreement, "add"), new_agreement_data(admin_client, [gallery, theatre])
    )

    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert (agreement.valid_from, set(agreement.parties.all())) == (
        datetime.date(2022, 12, 22),
        {gallery, theatre},
    )


def test_an_agreement_needs_two_different_parties(admin_client, gallery):
    response = admin_client.post(
        admin_url(Agreement, "add"), new_agreement_data(admin_client, [gallery, gallery])
    )

    assert response.status_code == 200
    assert Agreement.objects.count() == 0


def test_an_agreement_keeps_two_parties_when_one_is_deleted(admin_client, gallery, theatre):
    treaty = AgreementFactory(title="Treaty on Eternal Friendship")
    AgreementPartyFactory(agreement=treaty, institution=gallery)
    AgreementPartyFactory(agreement=treaty, institution=theatre)

    response = post_change(admin_client, treaty, **{"party_rows-1-DELETE": "on"})

    assert response.status_code == 200
    assert set(treaty.parties.all()) == {gallery, theatre}


# --- History ----------------------------------------------------------------------------------


def history_of(client, obj) -> str:
    """The history page of ``obj`` with its whitespace collapsed, as a reader sees it."""
    return " ".join(client.get(admin_url(type(obj), "history", obj.pk)).content.decode().split())


def change_line(field: str, old: str, new: str) -> str:
    return f"<strong>{field}:</strong> {old} &nbsp;&rarr;&nbsp;&nbsp;{new}"


def changed_by_link(user) -> str:
    return f'<a href="{admin_url(User, "change", user.pk)}">{user}</a>'


def test_event_history_shows_the_change_and_who_made_it(admin_client, admin_user, abay_exhibition):
    post_change(admin_client, abay_exhibition, title="Abay: Heritage of Two Peoples")

    page = history_of(admin_client, abay_exhibition)

    assert changed_by_link(admin_user) in page
    assert (
        change_line("Title", "Abay. Heritage of Fraternal Peoples", "Abay: Heritage of Two Peoples")
        in page
    )


def test_programme_history_shows_the_change_and_who_made_it(
    admin_client, admin_user, abay_programme
):
    post_change(admin_client, abay_programme, ends_on="2026-06-30")

    page = history_of(admin_client, abay_programme)

    assert changed_by_link(admin_user) in page
    assert change_line("Ends on", "2026-12-31", "2026-06-30") in page


def test_agreement_history_shows_the_change_and_who_made_it(
    admin_client, admin_user, gallery, theatre
):
    treaty = AgreementFactory(
        title="Treaty on Eternal Friendship", signed_on=datetime.date(1998, 10, 31)
    )
    AgreementPartyFactory(agreement=treaty, institution=gallery)
    AgreementPartyFactory(agreement=treaty, institution=theatre)

    post_change(admin_client, treaty, valid_until="2028-10-31")

    page = history_of(admin_client, treaty)
    assert changed_by_link(admin_user) in page
    assert change_line("Valid until", "None", "2028-10-31") in page
    assert treaty.history.first().history_user == admin_user


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
