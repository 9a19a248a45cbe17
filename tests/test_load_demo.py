import datetime
import io
import zoneinfo

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User
from demo.content import UWED_KAZNU_MEMORANDUM
from demo.generated import generated_event_uid
from events.models import Event
from events.selectors import event_local_days
from programmes.models import Agreement, Decision, Programme, ProgrammeTransition

DOSTLIK_APPS = ("accounts", "institutions", "programmes", "events")
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
DEMO_EVENTS = 24

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def development(settings):
    """The demo is for development: with DEBUG off the command refuses to run (tested below)."""
    settings.DEBUG = True


def load_demo(**options) -> str:
    stdout = io.StringIO()
    call_command("load_demo", stdout=stdout, **options)
    return stdout.getvalue()


def summary(*, events: int, created: int, generated: int) -> str:
    return (
        "Loaded demo data: 5 countries, 16 institutions, 7 users, 5 agreements, 16 programmes, "
        f"{events} events ({created} new records, {generated} generated events). "
        "Password of the demo accounts: dostlik-demo\n"
    )


def row_counts() -> dict[str, int]:
    """Rows in every table of our apps, history and many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for label in DOSTLIK_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def generated_events(count: int):
    return Event.objects.filter(
        uid__in=[generated_event_uid(count, index) for index in range(count)]
    ).select_related("programme")


def expected_days(
    programme: Programme, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """Where a generated event of ``programme`` may fall: its dates within last year and this
    year, or its own dates when it lies wholly outside those two years."""
    first = max(programme.starts_on, datetime.date(today.year - 1, 1, 1))
    last = min(programme.ends_on, datetime.date(today.year, 12, 31))
    return (first, last) if first <= last else (programme.starts_on, programme.ends_on)


@pytest.fixture
def demo():
    load_demo()


def test_loading_twice_changes_no_table():
    load_demo()
    first = row_counts()

    second_output = load_demo()

    assert row_counts() == first
    assert second_output == summary(events=DEMO_EVENTS, created=0, generated=0)


def test_refuses_to_load_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as refusal:
        load_demo()

    assert str(refusal.value) == (
        "DEBUG is off, so this looks like a production database. The demo data includes the "
        "superuser admin with the public password dostlik-demo. Run it with DEBUG=1 for "
        "development, or pass --allow-production if you really mean to load it here."
    )
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_loads_with_debug_off_when_production_is_allowed(settings):
    settings.DEBUG = False

    load_demo(allow_production=True)

    assert set(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == {
        "admin"
    }
    assert Programme.objects.count() == 16


def test_first_load_writes_history_for_agreements_programmes_and_events():
    load_demo()

    counts = row_counts()

    assert counts["programmes.HistoricalAgreement"] == counts["programmes.Agreement"]
    assert counts["events.HistoricalEvent"] == counts["events.Event"]
    # One history row for each write of a programme: its creation and each status change after
    # it (each a transition), each version put before the national coordinators, and each
    # decision — one that approves or rejects the programme writes it as its transition.
    decided = ProgrammeTransition.objects.filter(
        to_status__in=[Programme.Status.APPROVED, Programme.Status.REJECTED]
    ).count()
    assert counts["programmes.HistoricalProgramme"] == (
        counts["programmes.ProgrammeTransition"]
        - decided
        + counts["programmes.ProgrammeVersion"]
        + counts["programmes.Decision"]
    )


def test_abay_exhibition_is_on_its_real_date_at_the_fine_arts_gallery(demo):
    event = Event.objects.select_related("venue", "host_institution", "programme").get(
        uid="abay-heritage-2022@demo.dostlik"
    )

    assert event.title == "Abay. Heritage of Fraternal Peoples"
    assert event.starts_at.astimezone(TASHKENT).date() == datetime.date(2022, 12, 19)
    assert (event.venue.name, event.venue.city) == ("Fine Arts Gallery of Uzbekistan", "Tashkent")
    assert event.host_institution.name == "Fine Arts Gallery of Uzbekistan"
    assert (event.kind, event.visibility, event.status) == ("exhibition", "public", "held")
    assert event.programme.status == Programme.Status.COMPLETED


def test_tokayev_state_visit_of_2022_is_an_all_day_visit_under_the_treaty(demo):
    event = Event.objects.select_related("programme__agreement").get(
        uid="state-visit-tokayev-2022@demo.dostlik"
    )

    assert event.kind == Event.Kind.VISIT
    assert event.all_day is True
    assert event.programme.agreement.kind == Agreement.Kind.TREATY
    assert event.programme.agreement.signed_on == datetime.date(1998, 10, 31)


def test_all_day_demo_events_run_from_local_midnight_to_the_midnight_after_their_last_day(demo):
    all_day = {
        event.uid: (
            event.time_zone,
            event.local_starts_at.replace(tzinfo=None),
            event.local_ends_at.replace(tzinfo=None),
        )
        for event in Event.objects.filter(all_day=True)
    }

    assert all_day == {
        "state-visit-mirziyoyev-2017@demo.dostlik": (
            "Asia/Almaty",
            datetime.datetime(2017, 3, 22),
            datetime.datetime(2017, 3, 24),
        ),
        "state-visit-tokayev-2019@demo.dostlik": (
            "Asia/Tashkent",
            datetime.datetime(2019, 4, 14),
            datetime.datetime(2019, 4, 16),
        ),
        "state-visit-mirziyoyev-2021@demo.dostlik": (
            "Asia/Almaty",
            datetime.datetime(2021, 12, 5),
            datetime.datetime(2021, 12, 7),
        ),
        "state-visit-tokayev-2022@demo.dostlik": (
            "Asia/Tashkent",
            datetime.datetime(2022, 12, 21),
            datetime.datetime(2022, 12, 23),
        ),
    }


def test_every_programme_status_is_present(demo):
    statuses = set(Programme.objects.values_list("status", flat=True))

    assert statuses == set(Programme.Status.values)


def test_each_programme_has_its_workflow_status_and_national_decisions(demo):
    """Each programme's status, the version before the national coordinators, and its register:
    (country, decision, version decided on, version that superseded it)."""
    programmes = {
        programme.title: (
            programme.status,
            programme.current_version.number if programme.current_version else None,
            [
                (
                    decision.country.code,
                    decision.decision,
                    decision.version.number,
                    decision.superseded_by.number if decision.superseded_by else None,
                )
                for decision in programme.decisions.all()
            ],
        )
        for programme in Programme.objects.select_related("current_version").prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related(
                    "country", "version", "superseded_by"
                ).order_by("decided_at", "pk"),
            )
        )
    }
    both = [("UZ", "approved", 1, None), ("KZ", "approved", 1, None)]

    assert programmes == {
        "Abay. Heritage of Fraternal Peoples": ("completed", 1, both),
        "Kazakhstan Education Days in Uzbekistan": ("active", 1, both),
        "Almaty — through the eyes of an Uzbek artist": ("completed", 1, both),
        "The short film “Tea” for Kazakh audiences": ("active", 1, both),
        "Gala concert of Uzbek creative groups": ("completed", 1, both),
        "State visits of the Presidents of Uzbekistan and Kazakhstan": ("completed", 1, both),
        "Joint master's programme in international relations and cultural diplomacy": (
            "active",
            1,
            both,
        ),
        "Joint bachelor's programme in Oriental and Turkic studies": ("active", 1, both),
        "Joint master's programme in music performance": ("active", 1, both),
        "Joint master's programme in pedagogy and education management": ("active", 1, both),
        "Digital archive of shared Uzbek-Kazakh heritage": ("draft", None, []),
        "Youth ambassadors of cultural diplomacy": ("draft", None, []),
        # Submitted, withdrawn and submitted again: Uzbekistan approved the second version.
        "Navoi and Abai: joint research in the humanities": (
            "submitted",
            2,
            [("UZ", "approved", 2, None)],
        ),
        "Silk Road heritage school in Samarkand": ("approved", 1, both),
        "Central Asian student theatre festival": (
            "rejected",
            1,
            [("UZ", "approved", 1, None), ("KZ", "rejected", 1, None)],
        ),
        "Joint concert tour of the conservatories": ("cancelled", 1, both),
    }


def test_a_national_coordinator_of_a_partner_left_the_decision_to_another(demo):
    """uz.national coordinates the ministry, a partner of the Education Days: Uzbekistan's
    decision on that programme is uz.deputy's."""
    deciders = {
        (decision.programme.title, decision.country.code): decision.decided_by.username
        for decision in Decision.objects.select_related("programme", "country", "decided_by")
        if decision.country.code == "UZ"
    }
    ministry_programmes = set(
        Programme.objects.filter(
            partnerships__institution__memberships__user__username="uz.national"
        ).values_list("title", flat=True)
    )

    assert ministry_programmes == {"Kazakhstan Education Days in Uzbekistan"}
    assert {key: who for key, who in deciders.items() if who != "uz.national"} == {
        ("Kazakhstan Education Days in Uzbekistan", "UZ"): "uz.deputy"
    }


def test_each_programme_reached_its_status_through_recorded_transitions(demo):
    for programme in Programme.objects.prefetch_related("transitions"):
        transitions = list(programme.transitions.all())
        steps = [(t.from_status, t.to_status) for t in transitions]
        expected_from = ["", *(to_status for _from, to_status in steps[:-1])]

        assert [from_status for from_status, _to in steps] == expected_from, programme.title
        assert steps[-1][1] == programme.status, programme.title


def test_the_rejection_gives_its_reasons(demo):
    programme = Programme.objects.get(title="Central Asian student theatre festival")

    assert programme.decisions.get(country__code="KZ").comment == (
        "Not this season: the co-funding is not confirmed and the dates clash with the "
        "theatre's season plan. Please resubmit with a funding plan."
    )


def test_drafts_of_one_country_each_include_the_demo_coordinators_institution(demo):
    drafts = {
        frozenset(p.institutions.values_list("country__code", flat=True)): set(
            p.institutions.values_list("name", flat=True)
        )
        for p in Programme.objects.filter(status=Programme.Status.DRAFT)
    }

    assert drafts == {
        frozenset({"UZ"}): {
            "University of World Economy and Diplomacy",
            "National University of Uzbekistan named after Mirzo Ulugbek",
            "Tashkent State University of Oriental Studies",
        },
        frozenset({"KZ"}): {
            "Al-Farabi Kazakh National University",
            "Abai Kazakh National Pedagogical University",
        },
    }


def test_demo_accounts_have_their_roles_and_the_demo_password(demo):
    users = {user.username: user for user in User.objects.all()}
    roles = {
        username: (
            user.is_superuser,
            sorted(user.national_roles.values_list("country__code", flat=True)),
            sorted(user.memberships.values_list("institution__name", flat=True)),
            hasattr(user, "viewer_role"),
        )
        for username, user in users.items()
    }

    assert roles == {
        "admin": (True, [], [], False),
        # Also a coordinator of the ministry: on its programmes, the deputy decides.
        "uz.national": (
            False,
            ["UZ"],
            ["Ministry of Higher Education, Science and Innovation of the Republic of Uzbekistan"],
            False,
        ),
        "uz.deputy": (False, ["UZ"], [], False),
        "kz.national": (False, ["KZ"], [], False),
        "uz.coordinator": (False, [], ["University of World Economy and Diplomacy"], False),
        "kz.coordinator": (False, [], ["Al-Farabi Kazakh National University"], False),
        "viewer": (False, [], [], True),
    }
    assert {name: user.check_password("dostlik-demo") for name, user in users.items()} == (
        dict.fromkeys(users, True)
    )
    assert users["admin"].is_staff is True


def test_joint_degree_programmes_share_188_students(demo):
    enrolled = dict(
        Programme.objects.filter(kind=Programme.Kind.JOINT_DEGREE).values_list(
            "title", "enrolled_students"
        )
    )

    assert enrolled == {
        "Joint master's programme in international relations and cultural diplomacy": 52,
        "Joint bachelor's programme in Oriental and Turkic studies": 47,
        "Joint master's programme in music performance": 31,
        "Joint master's programme in pedagogy and education management": 58,
    }
    assert sum(enrolled.values()) == 188


def test_one_university_memorandum_is_expiring(demo):
    expiring = Agreement.objects.with_status(Agreement.Status.EXPIRING)

    assert list(expiring.values_list("title", flat=True)) == [UWED_KAZNU_MEMORANDUM]


def test_public_events_of_approved_programmes_are_coming_up(demo):
    upcoming = Event.objects.filter(
        starts_at__gt=timezone.now(),
        visibility=Event.Visibility.PUBLIC,
        programme__status__in=[Programme.Status.APPROVED, Programme.Status.ACTIVE],
    )

    assert set(upcoming.values_list("uid", flat=True)) == {
        "education-days-tashkent-next@demo.dostlik",
        "education-days-samarkand-next@demo.dostlik",
        "tea-screening-astana-next@demo.dostlik",
        "silk-road-school-opening@demo.dostlik",
    }


def test_generated_events_are_added_once(demo):
    output = load_demo(events=50)
    again = load_demo(events=50)

    assert set(generated_events(50).values_list("uid", flat=True)) == {
        f"generated-50-{index:06d}@demo.dostlik" for index in range(50)
    }
    assert output == summary(events=DEMO_EVENTS + 50, created=0, generated=50)
    assert again == summary(events=DEMO_EVENTS + 50, created=0, generated=0)


def test_generated_events_keep_to_their_programmes_dates_and_partners(demo):
    today = timezone.localdate()

    load_demo(events=800)

    programmes = {
        programme.pk: programme for programme in Programme.objects.prefetch_related("partnerships")
    }
    outside, foreign_hosts = [], []
    years: dict[str, set[int]] = {}
    for event in generated_events(800):
        programme = programmes[event.programme_id]
        first_day, last_day = event_local_days(event)
        allowed_first, allowed_last = expected_days(programme, today)
        if not allowed_first <= first_day <= last_day <= allowed_last:
            outside.append((event.uid, programme.title, first_day, last_day))
        partners = {partnership.institution_id for partnership in programme.partnerships.all()}
        if event.host_institution_id not in partners:
            foreign_hosts.append(event.uid)
        years.setdefault(programme.title, set()).add(first_day.year)
    spanning_both_years = {
        programme.title
        for programme in programmes.values()
        if programme.starts_on <= datetime.date(today.year - 1, 1, 1)
        and programme.ends_on >= datetime.date(today.year, 12, 31)
    }

    assert outside == []
    assert foreign_hosts == []
    # Every programme gets events, those lying outside the two years included.
    assert set(years) == {programme.title for programme in programmes.values()}
    assert {title: years[title] for title in spanning_both_years} == {
        title: {today.year - 1, today.year} for title in spanning_both_years
    }
    assert "Kazakhstan Education Days in Uzbekistan" in spanning_both_years


def test_generated_events_have_a_status_and_attendance_that_fit_their_date(demo):
    before = timezone.now()
    load_demo(events=800)
    after = timezone.now()

    events = list(generated_events(800))
    over = {
        (event.status, event.actual_attendance is not None, event.youth_attendance is not None)
        for event in events
        if event.ends_at <= before
    }
    ahead = {
        (event.status, event.actual_attendance is not None, event.youth_attendance is not None)
        for event in events
        if event.starts_at > after
    }

    assert over == {("held", True, True), ("cancelled", False, False)}
    assert ahead == {
        ("planned", False, False),
        ("confirmed", False, False),
        ("postponed", False, False),
    }


def test_generated_all_day_events_run_from_local_midnight_to_local_midnight(demo):
    load_demo(events=800)

    bounds = {
        (event.local_starts_at.time(), event.local_ends_at.time(), event.time_zone)
        for event in generated_events(800).filter(all_day=True)
    }

    midnight = datetime.time(0)
    assert bounds == {
        (midnight, midnight, "Asia/Tashkent"),
        (midnight, midnight, "Asia/Almaty"),
    }


def test_negative_event_count_is_refused(demo):
    with pytest.raises(CommandError) as refusal:
        load_demo(events=-1)

    assert str(refusal.value) == "--events must be zero or more."
