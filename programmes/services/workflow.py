"""The bilateral workflow: draft → submitted → approved → active → completed, plus rejected and
cancelled. Every step is recorded: who, when, from, to and why.

A submitted programme's approved content (``programmes.versions``) is put before the national
coordinators as a numbered version. Each country decides once on a version, and each decision
stays in the register (``Decision``). A programme is approved when every participating country
approved its current version; a rejection rejects it; a request for changes keeps it submitted
until its coordinators resubmit it. A new version — a change to the approved content of a
submitted programme, a resubmission — supersedes the decisions on the older ones and puts the
programme back before the countries.

Every step that reads the programme's state and writes from it locks the programme's row first,
so a decision and a change of content, or two decisions, never interleave.

Whether a person may take a step is for the permission predicates; these services keep the
programme on the workflow's edges and enforce what must hold whoever acts.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.caching import changes_content
from core.exceptions import StaleVersion
from institutions.models import Country
from programmes import documents, notifications
from programmes.models import (
    Decision,
    Programme,
    ProgrammeTransition,
    ProgrammeVersion,
    open_change_requests,
)
from programmes.selectors import (
    coordinates_a_partner_of,
    participating_countries,
)
from programmes.versions import Difference, approved_content, differences, fingerprint

Status = Programme.Status
Kind = Decision.Kind


class StaleDecision(StaleVersion):
    """A decision sent from a page showing a version that is no longer the current one: what
    the country would decide on is not what it saw. ``differences`` says what changed."""

    def __init__(self, differences: list[Difference]):
        super().__init__()
        self.differences = differences


@dataclass(frozen=True)
class PaperLetter:
    """A decision taken on paper: the ministry's letter, its registry number and date, and its
    scan (optional)."""

    registry_number: str
    letter_date: datetime.date
    scan: UploadedFile | None = None


def _locked(programme: Programme) -> Programme:
    """The programme's row as stored, locked until the transaction ends."""
    return (
        Programme.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=programme.pk)
    )


@changes_content
@transaction.atomic
def programme_transition(
    *,
    programme: Programme,
    to_status: str,
    actor: User | None,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> ProgrammeTransition:
    """Move ``programme`` along one edge of the workflow and record who, when and why. ``at``
    records a step taken earlier (on paper, or before the programme was entered); default now.
    The programme's version rises, so an edit begun before the step is refused."""
    stored = _locked(programme)
    if to_status not in Status.values:
        raise ValidationError(_("%(status)s is not a programme status.") % {"status": to_status})
    if to_status not in Status.transitions[stored.status]:
        raise ValidationError(
            _("A programme cannot go from %(from)s to %(to)s.")
            % {"from": Status(stored.status).label, "to": Status(to_status).label}
        )
    from_status = stored.status
    programme.status = to_status
    programme.version = stored.version + 1
    programme._history_user = actor
    programme.save(update_fields=["status", "version", "updated_at"])
    if (from_status in Status.published_states) != (to_status in Status.published_states):
        # Its public events' calendar entries now link another page (``calendars.ical``).
        programme_events_shown_changed(programme=programme)
    return ProgrammeTransition.objects.create(
        programme=programme,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        comment=comment,
        at=at or timezone.now(),
    )


@changes_content
@transaction.atomic
def programme_events_shown_changed(*, programme: Programme) -> None:
    """The programme's title or published state, which its events' calendar entries show,
    changed: each entry becomes a new revision (SEQUENCE and LAST-MODIFIED rise), so calendar
    apps that keep an entry until its revision rises take the new text. The events' versions
    stay, so an edit begun before is not refused for it."""
    programme.events.update(sequence=F("sequence") + 1, updated_at=timezone.now())


def _put_before_the_countries(
    stored: Programme,
    *,
    made: str,
    actor: User | None,
    reason: str,
    at: datetime.datetime | None = None,
) -> ProgrammeVersion:
    """A new version of ``stored``'s approved content (its row locked by the caller); the
    decisions on older versions are superseded by it."""
    content = approved_content(stored)
    number = (stored.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ProgrammeVersion.objects.create(
        programme=stored,
        number=number,
        made=made,
        fingerprint=fingerprint(content),
        content=content,
        reason=reason,
        created_by=actor,
        created_at=at or timezone.now(),
        adopted_at=at or timezone.now(),
    )
    stored.decisions.filter(superseded_by__isnull=True).exclude(version=version).update(
        superseded_by=version
    )
    stored.current_version = version
    stored.version += 1
    stored._history_user = actor
    stored.save(update_fields=["current_version", "version", "updated_at"])
    return version


def _require_status(stored: Programme, status: str, message: str) -> None:
    """Refuse the step unless the programme stands at ``status``. Some steps share an edge of
    the workflow with another (withdrawing and reopening both lead to draft), so the edge alone
    would let one step be taken from the other's status."""
    if stored.status != status:
        raise ValidationError(message)


def _require_comment(comment: str, message: str) -> str:
    if not comment.strip():
        raise ValidationError({"comment": message})
    return comment.strip()


@changes_content
@transaction.atomic
def programme_submit(
    *, programme: Programme, actor: User | None, comment: str = "", at=None
) -> ProgrammeTransition:
    """Send a draft to the national coordinators of every participating country as a new
    version of its approved content; they are told by e-mail once the change is saved. A joint
    programme has partners of two countries."""
    stored = _locked(programme)
    _require_status(stored, Status.DRAFT, _("Only a draft can be submitted."))
    countries = participating_countries(stored)
    if len(countries) < 2:
        raise ValidationError(
            _(
                "A joint programme needs partners from at least two countries before it is "
                "submitted."
            )
        )
    transition = programme_transition(
        programme=stored, to_status=Status.SUBMITTED, actor=actor, comment=comment, at=at
    )
    _put_before_the_countries(
        stored, made=ProgrammeVersion.Reason.SUBMITTED, actor=actor, reason=comment, at=at
    )
    programme.refresh_from_db()
    notifications.programme_submitted(programme=programme, countries=countries)
    return transition


@changes_content
@transaction.atomic
def programme_withdraw(
    *, programme: Programme, actor: User | None, comment: str = ""
) -> ProgrammeTransition:
    """Take a submitted programme back into draft. Its decisions stay in the register; when it
    is submitted again, the new version supersedes them."""
    _require_status(
        _locked(programme), Status.SUBMITTED, _("Only a submitted programme can be withdrawn.")
    )
    return programme_transition(
        programme=programme, to_status=Status.DRAFT, actor=actor, comment=comment
    )


@changes_content
@transaction.atomic
def programme_reopen(
    *, programme: Programme, actor: User | None, comment: str = ""
) -> ProgrammeTransition:
    """Take a rejected programme back into draft, to rework and submit again."""
    _require_status(
        _locked(programme), Status.REJECTED, _("Only a rejected programme can be reopened.")
    )
    return programme_transition(
        programme=programme, to_status=Status.DRAFT, actor=actor, comment=comment
    )


@changes_content
@transaction.atomic
def programme_resubmit(
    *, programme: Programme, actor: User | None, comment: str
) -> ProgrammeTransition:
    """Answer the requests for changes: put the programme before the national coordinators again,
    as a new version, with a note of what was changed (in its approved content or elsewhere).
    The decisions on older versions are superseded, and the countries are told by e-mail."""
    stored = _locked(programme)
    _require_status(stored, Status.SUBMITTED, _("Only a submitted programme is resubmitted."))
    if not open_change_requests(stored):
        raise ValidationError(_("No request for changes waits for an answer."))
    comment = _require_comment(comment, _("Say what was changed, for the national coordinators."))
    _put_before_the_countries(
        stored, made=ProgrammeVersion.Reason.RESUBMITTED, actor=actor, reason=comment
    )
    transition = ProgrammeTransition.objects.create(
        programme=stored,
        from_status=Status.SUBMITTED,
        to_status=Status.SUBMITTED,
        actor=actor,
        comment=_("Resubmitted: %(note)s") % {"note": comment},
    )
    programme.refresh_from_db()
    notifications.programme_submitted(
        programme=programme, countries=participating_countries(programme), again=True
    )
    return transition


@changes_content
@transaction.atomic
def programme_content_changed(*, programme: Programme, actor: User | None) -> bool:
    """After a write that may have changed the approved content of ``programme`` (its dates,
    budget or partners, an event's dates, venue, host or status): if it did and the programme is
    submitted, put it before the national coordinators again as a new version — the decisions
    taken on the older one are superseded — and tell them. Returns whether it did; a change
    outside the approved content leaves the decisions standing."""
    stored = _locked(programme)
    if stored.status != Status.SUBMITTED or stored.current_version is None:
        return False
    before = stored.current_version.content
    after = approved_content(stored)
    if fingerprint(after) == stored.current_version.fingerprint:
        return False
    changed = sorted({f"{change.subject}: {change.field}" for change in differences(before, after)})
    _put_before_the_countries(
        stored,
        made=ProgrammeVersion.Reason.CHANGED,
        actor=actor,
        reason="; ".join(changed),
    )
    notifications.programme_submitted(
        programme=stored, countries=participating_countries(stored), again=True
    )
    return True


def _check_letter(letter: PaperLetter, version: ProgrammeVersion, country: Country) -> None:
    """A letter is dated between the day the version was put before the countries and today,
    on the clock of the country that wrote it."""
    today = timezone.localdate(timezone=_zone(country))
    submitted = timezone.localdate(version.created_at, timezone=_zone(country))
    if not submitted <= letter.letter_date <= today:
        raise ValidationError(
            {
                "letter_date": _(
                    "A decision on this version is dated from its submission (%(first)s) to "
                    "today (%(today)s)."
                )
                % {"first": submitted.isoformat(), "today": today.isoformat()}
            }
        )
    if not letter.registry_number.strip():
        raise ValidationError({"registry_number": _("Give the letter's registry number.")})


def _zone(country: Country) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(country.time_zone)


@changes_content
@transaction.atomic
def record_decision(
    *,
    stored: Programme,
    version: ProgrammeVersion,
    country: Country,
    decision: str,
    actor: User | None,
    comment: str = "",
    paper: PaperLetter | None = None,
    at: datetime.datetime | None = None,
) -> Decision:
    """Enter ``country``'s decision on ``version`` of ``stored`` (its row locked by the caller)
    in the register, with what holds for every decision, on a submission or an amendment:
    whoever coordinates a partner does not decide, anything but an approval says why, a country
    decides once on a version, a paper decision is dated by its letter and keeps its scan."""
    if actor is not None and not actor.is_superuser and coordinates_a_partner_of(actor, stored):
        raise ValidationError(
            _(
                "You coordinate an institution taking part in this programme: another "
                "national coordinator of your country decides on it."
            )
        )
    if decision != Kind.APPROVED:
        comment = _require_comment(
            comment, _("Say why, so that the coordinators know what to change.")
        )
    if stored.decisions.filter(version=version, country=country).exists():
        raise ValidationError(
            _("%(country)s has already decided on version %(number)s.")
            % {"country": country, "number": version.number}
        )
    record = Decision(
        programme=stored,
        version=version,
        country=country,
        decision=decision,
        comment=comment,
        decided_by=None if paper else actor,
        decided_at=at or timezone.now(),
    )
    if paper is not None:
        _check_letter(paper, version, country)
        record.on_paper = True
        record.registry_number = paper.registry_number.strip()
        record.letter_date = paper.letter_date
        record.recorded_by = actor
        record.decided_at = min(
            datetime.datetime.combine(paper.letter_date, datetime.time(12), tzinfo=_zone(country)),
            timezone.now(),
        )
    record.full_clean(exclude=["letter"])
    if paper is not None and paper.scan is not None:
        kind = documents.check_upload(paper.scan)
        paper.scan.seek(0)
        record.letter.save(documents.decision_storage_name(stored.pk, kind), paper.scan, save=False)
    try:
        with transaction.atomic():
            record.save()
    except Exception:
        if record.letter:
            record.letter.delete(save=False)
        raise
    return record


@changes_content
@transaction.atomic
def programme_decide(
    *,
    programme: Programme,
    country: Country,
    decision: str,
    actor: User | None,
    version: int,
    comment: str = "",
    paper: PaperLetter | None = None,
    at: datetime.datetime | None = None,
) -> Decision:
    """Record ``country``'s decision on ``version`` of a submitted programme — the version the
    decider was shown, which must still be the current one (``StaleDecision`` otherwise). A
    rejection rejects the programme; the approval of every participating country approves it;
    a request for changes keeps it submitted until its coordinators resubmit. Whoever
    coordinates one of the programme's partners does not decide on it: another national
    coordinator of the country does, or an administrator records the country's letter. The
    programme's coordinators are told by e-mail once the decision is saved. ``at`` (demo
    decisions) records a decision taken earlier; a paper decision is dated by its letter."""
    stored = _locked(programme)
    if stored.status != Status.SUBMITTED or stored.current_version is None:
        raise ValidationError(_("Only a submitted programme can be decided on."))
    current = stored.current_version
    if version != current.number:
        shown = stored.versions.filter(number=version).first()
        raise StaleDecision(differences(shown.content, current.content) if shown else [])
    if decision not in Kind.values:
        raise ValidationError({"decision": _("Choose approve, reject or request changes.")})
    countries = participating_countries(stored)
    if country.pk not in {c.pk for c in countries}:
        raise ValidationError(
            _("%(country)s is not a participant of this programme.") % {"country": country}
        )
    record = record_decision(
        stored=stored,
        version=current,
        country=country,
        decision=decision,
        actor=actor,
        comment=comment,
        paper=paper,
        at=at,
    )
    standing = {
        row.country_id: row.decision
        for row in stored.decisions.filter(version=current, superseded_by__isnull=True)
    }
    if decision == Kind.REJECTED:
        programme_transition(
            programme=stored,
            to_status=Status.REJECTED,
            actor=actor,
            comment=_("Rejected by %(country)s: %(comment)s")
            % {"country": str(country), "comment": record.comment},
            at=record.decided_at,
        )
    elif all(standing.get(c.pk) == Kind.APPROVED for c in countries):
        programme_transition(
            programme=stored,
            to_status=Status.APPROVED,
            actor=actor,
            comment=_("Version %(number)s approved by every participating country: %(countries)s.")
            % {"number": current.number, "countries": ", ".join(c.name for c in countries)},
            at=record.decided_at,
        )
    else:
        # The decision alone is a new version for anyone editing the programme; the row is
        # locked, so no other step's raise of it is lost.
        stored.version += 1
        stored.save(update_fields=["version", "updated_at"])
    programme.refresh_from_db()
    notifications.programme_decided(programme=programme, approval=record)
    return record


@changes_content
@transaction.atomic
def programme_activate(
    *, programme: Programme, actor: User | None, comment: str = "", at=None
) -> ProgrammeTransition:
    """An approved programme starts."""
    return programme_transition(
        programme=programme, to_status=Status.ACTIVE, actor=actor, comment=comment, at=at
    )


@changes_content
@transaction.atomic
def programme_complete(
    *, programme: Programme, actor: User | None, comment: str = "", at=None
) -> ProgrammeTransition:
    """An active programme has held its events and is closed."""
    return programme_transition(
        programme=programme, to_status=Status.COMPLETED, actor=actor, comment=comment, at=at
    )


@changes_content
@transaction.atomic
def programme_cancel(
    *, programme: Programme, actor: User | None, comment: str, at=None
) -> ProgrammeTransition:
    """Stop a programme for good; the reason is required and recorded."""
    comment = _require_comment(comment, _("Say why the programme is cancelled."))
    return programme_transition(
        programme=programme, to_status=Status.CANCELLED, actor=actor, comment=comment, at=at
    )
