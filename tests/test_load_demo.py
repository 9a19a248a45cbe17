import datetime
import io
import zoneinfo

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from events.models import Event
from institutions.demo.content import UWED_KAZNU_MEMORANDUM
from programmes.models import Agreement, Approval, Programme

DOSTLIK_APPS = ("accounts", "institutions", "programmes", "events")
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")

pytestmark = pytest.mark.django_db


def load_demo(**options) -> str:
    stdout = io.StringIO()
    call_command("load_demo", stdout=stdout, **options)
    return stdout.getvalue()


def row_counts() -> dict[str, int]:
    """Rows in every table of our apps, history and many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for label in DOSTLIK_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


@pytest.fixture
def demo():
    load_demo()


def test_loading_twice_changes_no_table():
    load_demo()
    first = row_counts()

    second_output = load_demo()

    assert row_counts() == first
    assert "(0 new records, 0 generated events)" in second_output


def test_first_load_writes_history_for_agreements_programmes_and_events():
    load_demo()

    counts = row_counts()

    assert counts["programmes.HistoricalAgreement"] == counts["programmes.Agreement"]
    assert counts["events.HistoricalEvent"] == counts["events.Event"]
    # One history row for the creation and one for each status change after it.
    assert counts["programmes.HistoricalProgramme"] == counts["programmes.ProgrammeTransition"]


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
    assert (event.local_starts_at.date(), event.local_ends_at.date()) == (
        datetime.date(2022, 12, 21),
        datetime.date(2022, 12, 23),
    )
    assert event.programme.agreement.kind == Agreement.Kind.TREATY
    assert event.programme.agreement.signed_on == datetime.date(1998, 10, 31)


def test_every_programme_status_is_present(demo):
    statuses = set(Programme.objects.values_list("status", flat=True))

    assert statuses == set(Programme.Status.values)


def test_each_programme_reached_its_status_through_recorded_transitions(demo):
    for programme in Programme.objects.prefetch_related("transitions"):
        transitions = list(programme.transitions.all())
        steps = [(t.from_status, t.to_status) for t in transitions]
        expected_from = ["", *(to_status for _from, to_status in steps[:-1])]

        assert [from_status for from_status, _to in steps] == expected_from, programme.title
        assert steps[-1][1] == programme.status, programme.title


def test_approvals_match_the_states_that_imply_them(demo):
    decisions = {
        programme.status: {
            approval.country.code: approval.decision for approval in programme.approvals.all()
        }
        for programme in Programme.objects.filter(
            status__in=[Programme.Status.APPROVED, Programme.Status.REJECTED]
        )
    }
    rejection = Approval.objects.get(decision=Approval.Decision.REJECTED)

    assert decisions == {
        "approved": {"UZ": "approved", "KZ": "approved"},
        "rejected": {"UZ": "approved", "KZ": "rejected"},
    }
    assert rejection.comment != ""


def test_drafts_of_one_country_each_include_the_demo_coordinators_institution(demo):
    drafts = {
        frozenset(p.institutions.values_list("country__code", flat=True)): set(
            p.institutions.values_list("name", flat=True)
        )
        for p in Programme.objects.filter(status=Programme.Status.DRAFT)
    }

    assert set(drafts) == {frozenset({"UZ"}), frozenset({"KZ"})}
    assert "University of World Economy and Diplomacy" in drafts[frozenset({"UZ"})]
    assert "Al-Farabi Kazakh National University" in drafts[frozenset({"KZ"})]


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
        "uz.national": (False, ["UZ"], [], False),
        "kz.national": (False, ["KZ"], [], False),
        "uz.coordinator": (False, [], ["University of World Economy and Diplomacy"], False),
        "kz.coordinator": (False, [], ["Al-Farabi Kazakh National University"], False),
        "viewer": (False, [], [], True),
    }
    assert all(user.check_password("dostlik-demo") for user in users.values())
    assert users["admin"].is_staff is True


def test_joint_degree_programmes_have_188_students(demo):
    joint = Programme.objects.filter(kind=Programme.Kind.JOINT_DEGREE)

    assert joint.count() == 4
    assert joint.aggregate(students=Sum("enrolled_students"))["students"] == 188


def test_one_university_memorandum_is_expiring(demo):
    expiring = Agreement.objects.with_status(Agreement.Status.EXPIRING)

    assert list(expiring.values_list("title", flat=True)) == [UWED_KAZNU_MEMORANDUM]


def test_public_events_of_approved_programmes_are_coming_up(demo):
    upcoming = Event.objects.filter(
        starts_at__gt=timezone.now(),
        visibility=Event.Visibility.PUBLIC,
        programme__status__in=[Programme.Status.APPROVED, Programme.Status.ACTIVE],
    )

    assert upcoming.count() >= 3


def test_generated_events_are_added_once_and_spread_over_two_years(demo):
    before = set(Event.objects.values_list("uid", flat=True))

    output = load_demo(events=50)
    generated = Event.objects.exclude(uid__in=before).select_related("programme")
    again = load_demo(events=50)

    assert generated.count() == 50
    assert len({event.uid for event in generated}) == 50
    assert len({event.starts_at.year for event in generated}) >= 2
    assert "50 generated events" in output
    assert "0 generated events" in again
    for event in generated:
        assert timezone.is_aware(event.starts_at)
        assert event.ends_at > event.starts_at
        if event.youth_attendance is not None:
            assert event.youth_attendance <= event.actual_attendance
        assert event.programme.partnerships.filter(institution=event.host_institution).exists()


def test_negative_event_count_is_refused(demo):
    with pytest.raises(CommandError, match="--events"):
        load_demo(events=-1)
