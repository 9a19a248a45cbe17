"""Turn the demo content into rows, through the services, without duplicating anything.

Each record is looked up by its natural key first (country code, country and institution name,
username, agreement title, programme title, venue name and city, event UID) and skipped when it
is there, so loading twice leaves every table, history tables included, as it was. A programme
that exists is skipped whole: its partners, decisions and transitions were written with it.
"""

import datetime
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from demo import content
from demo.programmes import programmes as programme_specs
from demo.specs import DecisionSpec, EventSpec, ProgrammeSpec
from events.models import Event, Venue, all_day_bounds
from events.permissions import hostable_institution_ids
from events.services import event_create, venue_create
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from institutions.services import (
    country_create,
    institution_create,
    membership_add,
    national_coordinator_add,
    viewer_add,
)
from invitations.models import Invitation
from invitations.services import invitation_create
from programmes.models import Agreement, Programme
from programmes.services import (
    agreement_create,
    partnership_add,
    programme_create,
    programme_decide,
    programme_submit,
    programme_transition,
)


@dataclass
class DemoReport:
    """How many records of each kind this load created (zero everywhere on a second run)."""

    created: Counter = field(default_factory=Counter)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


class _DemoLoader:
    def __init__(self, today: datetime.date):
        self.today = today
        self.report = DemoReport()
        self.countries: dict[str, Country] = {}
        self.institutions: dict[str, Institution] = {}
        self.users: dict[str, User] = {}
        self.venues: dict[str, Venue] = {}
        self.agreements: dict[str, Agreement] = {}

    def load(self) -> DemoReport:
        for country_spec in content.COUNTRIES:
            self._country(country_spec)
        for institution_spec in content.INSTITUTIONS:
            self._institution(institution_spec)
        for user_spec in content.USERS:
            self._user(user_spec)
        self._invitation()
        for venue_spec in content.VENUES:
            self._venue(venue_spec)
        for agreement_spec in content.agreements(self.today):
            self._agreement(agreement_spec)
        for programme_spec in programme_specs(self.today):
            self._programme(programme_spec)
        return self.report

    def _country(self, spec) -> None:
        country = Country.objects.filter(code=spec.code).first()
        if country is None:
            country = country_create(code=spec.code, name=spec.name, time_zone=spec.time_zone)
            self.report.created["countries"] += 1
        self.countries[spec.code] = country

    def _institution(self, spec) -> None:
        country = self.countries[spec.country]
        institution = Institution.objects.filter(country=country, name=spec.name).first()
        if institution is None:
            institution = institution_create(
                name=spec.name,
                kind=spec.kind,
                country=country,
                city=spec.city,
                short_name=spec.short_name,
                website=spec.website,
                description=spec.description,
            )
            self.report.created["institutions"] += 1
        self.institutions[spec.key] = institution

    def _user(self, spec) -> None:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = user_create(
                username=spec.username,
                password=content.DEMO_PASSWORD,
                email=f"{spec.username}@example.org",
                first_name=spec.first_name,
                last_name=spec.last_name,
                is_superuser=spec.superuser,
            )
            self.report.created["users"] += 1
        self.users[spec.username] = user
        if spec.national_coordinator_of:
            country = self.countries[spec.national_coordinator_of]
            if not NationalCoordinator.objects.filter(user=user, country=country).exists():
                national_coordinator_add(user=user, country=country)
                self.report.created["roles"] += 1
        if spec.member_of:
            institution = self.institutions[spec.member_of]
            if not Membership.objects.filter(user=user, institution=institution).exists():
                membership_add(user=user, institution=institution)
                self.report.created["roles"] += 1
        if spec.viewer and not Viewer.objects.filter(user=user).exists():
            viewer_add(user=user)
            self.report.created["roles"] += 1

    def _invitation(self) -> None:
        """One invitation waiting for its answer: the national coordinator of Uzbekistan asks a
        new colleague to coordinate the conservatory's programmes. Its link went by mail (the
        token is kept nowhere); the coordinators page lists it, to send again or withdraw."""
        if Invitation.objects.filter(email__iexact=content.DEMO_INVITATION_EMAIL).exists():
            return
        invitation_create(
            actor=self.users["uz.national"],
            email=content.DEMO_INVITATION_EMAIL,
            role=Invitation.Role.COORDINATOR,
            institution=self.institutions["uz-conservatory"],
        )
        self.report.created["invitations"] += 1

    def _venue(self, spec) -> None:
        venue = Venue.objects.filter(name=spec.name, city=spec.city).first()
        if venue is None:
            venue = venue_create(
                name=spec.name,
                city=spec.city,
                country=self.countries[spec.country],
                institution=self.institutions.get(spec.institution),
                address=spec.address,
            )
            self.report.created["venues"] += 1
        self.venues[spec.key] = venue

    def _agreement(self, spec) -> None:
        agreement = Agreement.objects.filter(title=spec.title).first()
        if agreement is None:
            agreement = agreement_create(
                actor=self.users["admin"],
                title=spec.title,
                kind=spec.kind,
                signed_on=spec.signed_on,
                parties=[self.institutions[key] for key in spec.parties],
                valid_from=spec.valid_from,
                valid_until=spec.valid_until,
                reference=spec.reference,
                summary=spec.summary,
            )
            self.report.created["agreements"] += 1
        self.agreements[spec.title] = agreement

    def _programme(self, spec: ProgrammeSpec) -> None:
        if Programme.objects.filter(title=spec.title).exists():
            return
        self._programme_create(spec)
        self.report.created["programmes"] += 1

    def _programme_create(self, spec: ProgrammeSpec) -> Programme:
        actor = self.users[spec.actor]
        timeline = _story_timeline(spec, timezone.now())
        programme = programme_create(
            at=next(timeline),
            actor=actor,
            lead=self.institutions[spec.lead],
            title=spec.title,
            kind=spec.kind,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            summary=spec.summary,
            agreement=self.agreements[spec.agreement] if spec.agreement else None,
            budget_amount=spec.budget_amount,
            budget_currency=spec.budget_currency,
            enrolled_students=spec.enrolled_students,
        )
        for partner in spec.partners:
            partnership_add(
                actor=actor,
                programme=programme,
                institution=self.institutions[partner.institution],
                contribution=partner.contribution,
                funding_amount=partner.funding_amount,
                funding_currency=partner.funding_currency,
            )
        # The events first: they are part of what the countries decide on when it is submitted.
        for event_spec in spec.events:
            self._event_create(programme, spec.actor, event_spec)
            self.report.created["events"] += 1
        for step in spec.story:
            programme.refresh_from_db()
            if isinstance(step, DecisionSpec):
                programme_decide(
                    programme=programme,
                    country=self.countries[step.country],
                    decision=step.decision,
                    actor=self.users[step.actor],
                    version=programme.current_version.number,
                    comment=step.comment,
                    at=next(timeline),
                )
            elif step.to_status == Programme.Status.SUBMITTED:
                programme_submit(
                    programme=programme,
                    actor=self.users[step.actor],
                    comment=step.comment,
                    at=timeline.send(step.to_status),
                )
            elif programme.status != step.to_status:
                # An approval or rejection the decisions made already is not a step of its own.
                programme_transition(
                    programme=programme,
                    to_status=step.to_status,
                    actor=self.users[step.actor],
                    comment=step.comment,
                    at=timeline.send(step.to_status),
                )
        return programme

    def _event_create(self, programme: Programme, actor: str, spec: EventSpec) -> Event:
        host = self.institutions[spec.host]
        venue = self.venues[spec.venue] if spec.venue else None
        # The same rule event_create applies: the venue's country, else the host's.
        country = (venue or host).country
        zone = zoneinfo.ZoneInfo(country.time_zone)
        if spec.starts is None:
            starts_at, ends_at = all_day_bounds(
                spec.day, spec.last_day or spec.day, country.time_zone
            )
        else:
            starts_at = datetime.datetime.combine(spec.day, spec.starts, tzinfo=zone)
            ends_at = datetime.datetime.combine(spec.day, spec.ends, tzinfo=zone)
        # Entered by the programme's author where they may host it, else by the administrator.
        writer = self.users[actor]
        if host.pk not in hostable_institution_ids(writer, programme):
            writer = self.users["admin"]
        return event_create(
            actor=writer,
            programme=programme,
            title=spec.title,
            kind=spec.kind,
            host_institution=host,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            city=spec.city,
            country=country,
            time_zone=country.time_zone,
            all_day=spec.starts is None,
            status=spec.status,
            visibility=spec.visibility,
            description=spec.description,
            expected_attendance=spec.expected_attendance,
            actual_attendance=spec.actual_attendance,
            youth_attendance=spec.youth_attendance,
            uid=spec.uid,
        )


@transaction.atomic
def demo_load(*, today: datetime.date | None = None) -> DemoReport:
    """Load the demo data, skipping every record that is already there; all or nothing.
    Relative dates of the generic demo rows count from ``today`` (default: the local date)."""
    return _DemoLoader(today or timezone.localdate()).load()


# The story of a programme is dated around its own dates, not the day the demo is loaded: the
# draft opens four months before the start, each later step follows a week after the one before,
# and the programme becomes active on its first day and completed on its last. No step lies in
# the future or before the step it follows.
_DRAFT_LEAD_TIME = datetime.timedelta(days=120)
_STEP = datetime.timedelta(days=7)
_STORY_ZONE = zoneinfo.ZoneInfo("Asia/Tashkent")


def _story_timeline(spec: ProgrammeSpec, now: datetime.datetime):
    """Yield the time of each step; ``send`` a status to date a transition to it."""
    pinned = {
        Programme.Status.ACTIVE: datetime.datetime.combine(
            spec.starts_on, datetime.time(9), tzinfo=_STORY_ZONE
        ),
        Programme.Status.COMPLETED: datetime.datetime.combine(
            spec.ends_on, datetime.time(18), tzinfo=_STORY_ZONE
        ),
    }
    moment = datetime.datetime.combine(
        spec.starts_on - _DRAFT_LEAD_TIME, datetime.time(10), tzinfo=_STORY_ZONE
    )
    while True:
        moment = min(moment, now)
        status = yield moment
        moment = max(pinned.get(status, moment + _STEP), moment)
