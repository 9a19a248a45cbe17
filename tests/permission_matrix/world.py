"""The sample rows whose keys fill the matrix's URLs, and one person per role.

Uzbekistan (UZ) and Kazakhstan (KZ). ``own`` is a UZ institution, lead of every sample
programme but one; ``kz_partner`` is the KZ partner of all of them. ``other_draft`` is a draft
of another UZ institution (``other_uz_lead``) with ``kz_partner``: the own institution has no
part in it. The coordinators of ``foreign_uz`` and ``foreign_kz`` partner in nothing; nobody in
the matrix coordinates ``kz_partner`` or ``other_uz_lead``. ``feed`` is a subscription feed of
the own coordinator; its token, handed out once when it is made, is kept as ``feed_token``.
``invitation`` is a waiting invitation of someone without an account to coordinate ``own``,
sent by the UZ national coordinator; its link's token is kept as ``invitation_token``.
``approved`` is published: of its two events, the public portal shows ``approved_public_event``
and not ``approved_internal_event``; nor ``submitted_event``, marked public but of a programme
not yet published.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from amendments.models import Amendment
from amendments.services import amendment_propose, programme_changes
from calendars.models import CalendarFeed
from calendars.services import feed_create
from events.models import Event, Venue, WarningAcknowledgement
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from invitations.models import Invitation
from invitations.services import invitation_create
from programmes.models import (
    Agreement,
    AgreementDocument,
    Decision,
    Partnership,
    Programme,
    ProgrammeTransition,
)
from programmes.services import (
    PartnerRow,
    agreement_document_add,
    programme_decide,
    programme_submit,
)
from reminders.models import Reminder
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    CountryFactory,
    DecisionFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    VenueFactory,
    ViewerFactory,
    failed_mail_task,
    joint_programme,
)

Status = Programme.Status

# The matrix's columns, in the order the table writes them: anonymous; a viewer (read-only, tied
# to no country); the coordinator of the own UZ institution, partner of the sample programmes;
# coordinators of another UZ and of a KZ institution, partners of none; the national
# coordinators of Uzbekistan and of Kazakhstan; an administrator (superuser, staff).
ROLES = ("anon", "viewer", "own", "uz", "kz", "nc_uz", "nc_kz", "admin")


@dataclass
class World:
    users: dict[str, User | None]  # role → the person who plays it; None: anonymous
    uz: Country
    kz: Country
    own: Institution
    kz_partner: Institution
    other_uz_lead: Institution
    foreign_uz: Institution
    foreign_kz: Institution
    agreement: Agreement
    document: AgreementDocument  # a PDF of ``agreement``, whose parties are ``own``, ``kz_partner``
    draft: Programme
    submitted: Programme
    changes_requested: Programme  # submitted; Kazakhstan asked for changes, not yet answered
    other_draft: Programme
    approved: Programme
    active: Programme
    rejected: Programme
    cancelled: Programme
    draft_event: Event  # hosted by ``own``
    submitted_event: Event  # hosted by ``kz_partner``: ``own`` changes it as the lead; public
    other_draft_event: Event
    approved_public_event: Event  # on the public portal: public, of a published programme
    approved_internal_event: Event  # of the same programme, but for the desk only
    draft_lead: Partnership  # the own institution's partnership in ``draft``
    colleague: Membership  # another coordinator of ``own``: the one a remove URL removes
    kz_colleague: Membership  # a coordinator of ``kz_partner``
    venue: Venue
    approval: Decision
    transition: ProgrammeTransition
    group: Group
    national_coordinator: NationalCoordinator
    viewer_role: Viewer
    feed: CalendarFeed  # the own coordinator's
    feed_token: str  # the secret part of ``feed``'s address
    reminder: Reminder  # a reminder the own coordinator was sent about the submitted event
    amendment: Amendment  # of ``approved``, proposed by the own coordinator, waiting
    failed_task: DBTaskResult  # a message of the mail queue that the server refused
    acknowledgement: WarningAcknowledgement  # of a warning about the submitted event
    invitation: Invitation  # waiting: someone without an account, to coordinate ``own``
    invitation_token: str  # the secret part of ``invitation``'s link

    def admin_object(self, model_key: str) -> Model:
        """The sample row of the admin pages of ``<app_label>.<model_name>``."""
        return {
            "auth.group": self.group,
            "accounts.user": self.colleague.user,
            "institutions.country": self.uz,
            "institutions.institution": self.own,
            "institutions.membership": self.colleague,
            "institutions.nationalcoordinator": self.national_coordinator,
            "institutions.viewer": self.viewer_role,
            "programmes.agreement": self.agreement,
            "programmes.programme": self.draft,
            "programmes.partnership": self.draft_lead,
            "programmes.decision": self.approval,
            "programmes.programmeversion": self.approval.version,
            "programmes.programmetransition": self.transition,
            "events.venue": self.venue,
            "events.event": self.draft_event,
            "calendars.calendarfeed": self.feed,
            "reminders.reminder": self.reminder,
            "amendments.amendment": self.amendment,
            "django_tasks_database.dbtaskresult": self.failed_task,
            "events.warningacknowledgement": self.acknowledgement,
            "invitations.invitation": self.invitation,
        }[model_key]


def coordinator_of(institution: Institution) -> User:
    return MembershipFactory(institution=institution).user


def build_world() -> World:
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    own = InstitutionFactory(country=uz, name="University of World Economy and Diplomacy")
    kz_partner = InstitutionFactory(country=kz, name="Al-Farabi Kazakh National University")
    other_uz_lead = InstitutionFactory(country=uz, name="State Museum of Arts of Uzbekistan")
    foreign_uz = InstitutionFactory(country=uz, name="Tashkent State Conservatory")
    foreign_kz = InstitutionFactory(country=kz, name="Kasteyev State Museum of Arts")
    own_user = coordinator_of(own)
    national_coordinator = NationalCoordinatorFactory(country=uz)
    viewer_role = ViewerFactory()
    users = {
        "anon": None,
        "viewer": viewer_role.user,
        "own": own_user,
        "uz": coordinator_of(foreign_uz),
        "kz": coordinator_of(foreign_kz),
        "nc_uz": national_coordinator.user,
        "nc_kz": NationalCoordinatorFactory(country=kz).user,
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }
    agreement = AgreementFactory(signed_on=datetime.date(2022, 12, 22))
    AgreementPartyFactory(agreement=agreement, institution=own)
    AgreementPartyFactory(agreement=agreement, institution=kz_partner)

    def programme(status: str, *, uz_lead: Institution = own) -> Programme:
        return joint_programme(uz=uz_lead, kz=kz_partner, status=status, agreement=agreement)

    draft = programme(Status.DRAFT)
    submitted = programme(Status.DRAFT)
    transition = programme_submit(programme=submitted, actor=own_user)
    other_draft = programme(Status.DRAFT, uz_lead=other_uz_lead)
    new_feed = feed_create(owner=own_user, name="Our joint programmes", filters={})
    # Marked public, yet its programme is not published: the public portal must not show it.
    submitted_event = EventFactory(
        programme=submitted, host_institution=kz_partner, visibility=Event.Visibility.PUBLIC
    )
    approved = programme(Status.APPROVED)
    changes_requested = programme(Status.SUBMITTED)
    programme_decide(
        programme=changes_requested,
        country=kz,
        decision=Decision.Kind.CHANGES_REQUESTED,
        actor=users["nc_kz"],
        version=changes_requested.current_version.number,
        comment="Add the dates of the fair.",
    )
    amendment = amendment_propose(
        programme=approved,
        actor=own_user,
        note="The fair moves to the autumn.",
        subject=Amendment.Subject.PROGRAMME,
        changes=programme_changes(
            programme=approved,
            fields={"ends_on": approved.ends_on + datetime.timedelta(days=90)},
            partners=[
                PartnerRow(
                    institution=p.institution,
                    role=p.role,
                    contribution=p.contribution,
                    funding_amount=p.funding_amount,
                    funding_currency=p.funding_currency,
                )
                for p in approved.partnerships.all()
            ],
        ),
    )
    sent = invitation_create(
        actor=users["nc_uz"],
        email="newcomer@uwed.uz",
        role=Invitation.Role.COORDINATOR,
        institution=own,
    )
    return World(
        invitation=sent.invitation,
        invitation_token=sent.token,
        amendment=amendment,
        failed_task=failed_mail_task(),
        users=users,
        uz=uz,
        kz=kz,
        own=own,
        kz_partner=kz_partner,
        other_uz_lead=other_uz_lead,
        foreign_uz=foreign_uz,
        foreign_kz=foreign_kz,
        agreement=agreement,
        document=agreement_document_add(
            actor=own_user,
            agreement=agreement,
            upload=SimpleUploadedFile("treaty.pdf", b"%PDF-1.7\n%%EOF\n"),
        ),
        draft=draft,
        submitted=submitted,
        changes_requested=changes_requested,
        other_draft=other_draft,
        approved=approved,
        active=programme(Status.ACTIVE),
        rejected=programme(Status.REJECTED),
        cancelled=programme(Status.CANCELLED),
        draft_event=EventFactory(programme=draft, host_institution=own),
        submitted_event=submitted_event,
        other_draft_event=EventFactory(programme=other_draft, host_institution=other_uz_lead),
        approved_public_event=EventFactory(
            programme=approved, host_institution=own, visibility=Event.Visibility.PUBLIC
        ),
        approved_internal_event=EventFactory(
            programme=approved, host_institution=kz_partner, visibility=Event.Visibility.INTERNAL
        ),
        draft_lead=draft.partnerships.get(institution=own),
        colleague=MembershipFactory(institution=own),
        kz_colleague=MembershipFactory(institution=kz_partner),
        venue=VenueFactory(country=uz),
        approval=DecisionFactory(
            programme=submitted, country=uz, decided_by=national_coordinator.user
        ),
        transition=transition,
        group=Group.objects.create(name="Record keepers"),
        national_coordinator=national_coordinator,
        viewer_role=viewer_role,
        feed=new_feed.feed,
        feed_token=new_feed.token,
        reminder=Reminder.objects.create(
            kind=Reminder.Kind.EVENT_COMING_WEEK,
            recipient=users["own"],
            event=submitted_event,
            starts_at=submitted_event.starts_at,
        ),
        acknowledgement=WarningAcknowledgement.objects.create(
            event=submitted_event,
            kind=WarningAcknowledgement.Kind.HOLIDAY,
            key=f"{submitted_event.starts_at:%Y-%m-%d} UZ",
            message="A public holiday in Uzbekistan.",
            acknowledged_by=users["own"],
        ),
    )
