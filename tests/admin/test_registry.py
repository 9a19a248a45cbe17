"""Every model has a working admin; choices of records are searched, not scrolled; people and
countries are written as their services write them."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import Group
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.models import FormSubmission, Notice, User
from amendments.models import Amendment
from calendars.models import CalendarFeed, VeventBlock
from calendars.services import feed_create
from events.models import Event, EventTally, Venue, WarningAcknowledgement
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from invitations.models import Invitation
from invitations.services import invitation_create
from programmes.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Decision,
    Partnership,
    Programme,
    ProgrammeTransition,
    ProgrammeVersion,
)
from reminders.models import Reminder
from tests.admin import admin_url, column, form_data, post_change
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    DecisionFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    PartnershipFactory,
    ProgrammeFactory,
    UserFactory,
    VenueFactory,
    ViewerFactory,
    failed_mail_task,
    version_of,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "accounts",
    "institutions",
    "programmes",
    "events",
    "calendars",
    "reminders",
    "amendments",
    "invitations",
}


def proposed_amendment(title: str) -> Amendment:
    programme = ProgrammeFactory(title=title)
    base = version_of(programme)
    return Amendment.objects.create(
        programme=programme,
        base_version=base,
        version=ProgrammeVersion.objects.create(
            programme=programme,
            number=base.number + 1,
            made=ProgrammeVersion.Reason.PROPOSED,
            fingerprint=base.fingerprint,
            content=base.content,
        ),
        subject=Amendment.Subject.PROGRAMME,
        changes={"fields": {}},
        note="A second venue in Almaty.",
    )


# Each entry makes one row and returns the first column of the changelist as it should read.
ROWS = {
    # The signed-in administrator is a user too.
    User: lambda: ["admin", UserFactory(username="gulnara.karimova").username],
    Group: lambda: [Group.objects.create(name="Record keepers").name],
    Country: lambda: [CountryFactory(code="KG").name],
    Institution: lambda: [
        InstitutionFactory(name="University of World Economy and Diplomacy").name
    ],
    Membership: lambda: [
        str(MembershipFactory(user__first_name="Aigerim", user__last_name="Nurlanova").user)
    ],
    NationalCoordinator: lambda: [
        str(
            NationalCoordinatorFactory(user__first_name="Aigerim", user__last_name="Nurlanova").user
        )
    ],
    Viewer: lambda: [
        str(ViewerFactory(user__first_name="Dilshod", user__last_name="Tursunov").user)
    ],
    Agreement: lambda: [AgreementFactory(title="Treaty on Eternal Friendship").title],
    Programme: lambda: [ProgrammeFactory(title="Kazakhstan Education Days").title],
    Partnership: lambda: [
        PartnershipFactory(programme__title="Joint research in humanities").programme.title
    ],
    Decision: lambda: [DecisionFactory(programme__title="Film programme Tea").programme.title],
    ProgrammeVersion: lambda: [
        DecisionFactory(programme__title="Abay Days").version.programme.title
    ],
    ProgrammeTransition: lambda: [
        ProgrammeTransition.objects.create(
            programme=ProgrammeFactory(title="Academic mobility 2026"),
            from_status="",
            to_status=Programme.Status.DRAFT,
        ).programme.title
    ],
    Amendment: lambda: [proposed_amendment("Navoi and Abai: joint research").programme.title],
    Venue: lambda: [VenueFactory(name="Palace of Friendship of Peoples").name],
    Event: lambda: [EventFactory(title="Gala concert of Uzbek creative groups").title],
    WarningAcknowledgement: lambda: [
        WarningAcknowledgement.objects.create(
            event=EventFactory(title="Navruz concert"),
            kind=WarningAcknowledgement.Kind.HOLIDAY,
            key="2027-03-21 UZ",
            message="21 March 2027 is a public holiday in Uzbekistan: Nowruz.",
        ).event.title
    ],
    CalendarFeed: lambda: [
        feed_create(owner=UserFactory(), name="Kazakhstan Education Days").feed.name
    ],
    # The mail queue's tasks, listed by their ids (django-tasks-db's own list).
    DBTaskResult: lambda: [str(failed_mail_task().pk)],
    Invitation: lambda: [
        invitation_create(
            actor=UserFactory(is_staff=True, is_superuser=True),
            email="malika@uwed.uz",
            role=Invitation.Role.VIEWER,
        ).invitation.email
    ],
    Reminder: lambda: [
        Reminder.objects.create(
            kind=Reminder.Kind.EVENT_COMING_WEEK,
            recipient=UserFactory(username="kz.coordinator"),
            event=(event := EventFactory(title="Kazakhstan Education Days — Tashkent")),
            starts_at=event.starts_at,
        ).get_kind_display()
    ],
}

# Rows written only by the workflow or on their programme's page, feeds, made by their owners
# alone, and the mail queue's tasks: the admin lists them and adds none on their own pages.
READ_ONLY = {
    Amendment,
    ProgrammeTransition,
    ProgrammeVersion,
    Decision,
    Partnership,
    CalendarFeed,
    Reminder,
    DBTaskResult,
    WarningAcknowledgement,
    Invitation,
}


def test_every_model_of_ours_has_an_admin_and_a_row_in_this_table():
    ours = {
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model.__name__.startswith("Historical")
    }
    # Parties of an agreement are edited on the agreement's page only; its documents are listed
    # there and added on the site, where each file is checked. Event tallies are counted from
    # the events, and stored VEVENTs serialised from them, never written by hand; the tokens of
    # forms already sent are kept a day for the forms' own views, and no one reads them; the
    # messages kept for a person's daily summary are theirs, and leave with it.
    assert {model for model in admin.site._registry if model in ours} == ours - {
        AgreementParty,
        AgreementDocument,
        EventTally,
        FormSubmission,
        Notice,
        VeventBlock,
    }
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
def test_changelist_shows_the_row_and_add_page_answers(admin_client, model):
    expected = ROWS[model]()
    first_column = admin.site._registry[model].list_display[0]

    changelist = admin_client.get(admin_url(model, "changelist"))
    add_page = admin_client.get(admin_url(model, "add"))

    assert column(changelist, first_column) == expected
    assert add_page.status_code == (403 if model in READ_ONLY else 200)


@pytest.mark.parametrize("model", ROWS, ids=lambda model: model.__name__)
def test_change_page_answers(admin_client, model):
    ROWS[model]()
    row = model.objects.order_by("-pk").first()

    response = admin_client.get(admin_url(model, "change", row.pk))

    assert response.status_code == 200
    assert response.context["original"] == row


def test_a_status_change_cannot_be_written_in_the_admin(admin_client):
    transition = ProgrammeTransition.objects.create(
        programme=ProgrammeFactory(title="Academic mobility 2026"),
        from_status="",
        to_status=Programme.Status.DRAFT,
    )

    response = admin_client.post(
        admin_url(ProgrammeTransition, "change", transition.pk), {"comment": "Backdated"}
    )

    assert response.status_code == 403
    transition.refresh_from_db()
    assert transition.comment == ""


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


# --- People and their roles -------------------------------------------------------------------


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


def test_an_institution_gets_a_coordinator_on_its_own_page(admin_client, theatre):
    coordinator = UserFactory(username="kz.coordinator")

    response = post_change(
        admin_client,
        theatre,
        **{"memberships-TOTAL_FORMS": "1", "memberships-0-user": str(coordinator.pk)},
    )

    assert response.status_code == 302
    assert [m.user for m in theatre.memberships.all()] == [coordinator]


def test_a_coordinator_named_or_removed_on_a_page_is_logged_with_who_did_it(
    admin_client, caplog, theatre
):
    coordinator = UserFactory(username="kz.coordinator")
    caplog.set_level("INFO", logger="dostlik.audit")

    post_change(
        admin_client,
        theatre,
        **{"memberships-TOTAL_FORMS": "1", "memberships-0-user": str(coordinator.pk)},
    )
    post_change(admin_client, theatre, **{"memberships-0-DELETE": "on"})

    assert [
        record.getMessage().split(" of ")[0]
        for record in caplog.records
        if record.name == "dostlik.audit"
    ] == [
        "admin made kz.coordinator a coordinator",
        "admin removed kz.coordinator as coordinator",
    ]
    assert theatre.memberships.exists() is False


def test_role_rows_are_found_by_the_person(admin_client, gallery, kazakhstan):
    aigerim = UserFactory(username="kz.national", first_name="Aigerim", last_name="Nurlanova")
    NationalCoordinatorFactory(user=aigerim, country=kazakhstan)
    NationalCoordinatorFactory(user__first_name="Dilshod", user__last_name="Tursunov")
    MembershipFactory(user=aigerim, institution=gallery)
    MembershipFactory(user__first_name="Dilshod", user__last_name="Tursunov")

    national = admin_client.get(admin_url(NationalCoordinator, "changelist"), {"q": "nurlanova"})
    coordinators = admin_client.get(admin_url(Membership, "changelist"), {"q": "kz.national"})

    assert (column(national, "user"), column(coordinators, "user")) == (
        ["Aigerim Nurlanova"],
        ["Aigerim Nurlanova"],
    )


# --- Countries --------------------------------------------------------------------------------


def test_a_country_added_with_a_lower_case_code_is_stored_upper_case(admin_client):
    data = form_data(admin_client.get(admin_url(Country, "add")), Country)
    data.update(code=["tj"], name=["Tajikistan"], time_zone=["Asia/Dushanbe"])

    response = admin_client.post(admin_url(Country, "add"), data)

    country = Country.objects.get(name="Tajikistan")
    assert response["Location"] == admin_url(Country, "changelist")
    assert (country.code, country.time_zone) == ("TJ", "Asia/Dushanbe")


def test_a_country_code_changed_to_lower_case_is_stored_upper_case(admin_client):
    country = CountryFactory(code="TM", name="Turkmenistan", time_zone="Asia/Ashgabat")

    response = post_change(admin_client, country, code="tm", name="Türkmenistan")

    assert response.status_code == 302
    country.refresh_from_db()
    assert (country.code, country.name) == ("TM", "Türkmenistan")


def test_a_country_code_that_is_not_two_letters_is_refused(admin_client):
    data = form_data(admin_client.get(admin_url(Country, "add")), Country)
    data.update(code=["k1"], name=["Nowhere"], time_zone=["Asia/Bishkek"])

    response = admin_client.post(admin_url(Country, "add"), data)

    assert response.context["adminform"].form.errors == {
        "__all__": ["The ISO code is two capital letters, e.g. UZ."]
    }
    assert Country.objects.filter(name="Nowhere").exists() is False


def test_a_failed_message_is_queued_again_from_the_list_of_tasks(admin_client, mailoutbox):
    """The queue here runs tasks at once (config/test_settings.py): queued again, it is sent."""
    failed = failed_mail_task(subject="Dostlik: “Abay Days” waits for your decision")

    response = admin_client.post(
        admin_url(DBTaskResult, "changelist"),
        {"action": "queue_again", "_selected_action": [failed.pk]},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "1 failed task was queued again."
    ]
    assert [(mail.subject, mail.to) for mail in mailoutbox] == [
        ("Dostlik: “Abay Days” waits for your decision", ["uz@example.org"])
    ]
