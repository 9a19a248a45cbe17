"""Shared pieces of the demo programmes: the usual workflow paths and date helpers."""

import datetime

from demo.specs import DecisionSpec, Transition
from events.models import Event
from programmes.models import Decision, Programme

Status = Programme.Status
Kind = Programme.Kind
EventKind = Event.Kind
HELD = Event.Status.HELD
PUBLIC = Event.Visibility.PUBLIC
APPROVED = Decision.Kind.APPROVED


def local_time(hour: int, minute: int = 0) -> datetime.time:
    return datetime.time(hour, minute)


def approved_by_both(
    submitter: str, uz_decider: str = "uz.national"
) -> tuple[Transition | DecisionSpec, ...]:
    """Submission and both national decisions: the path every approved programme takes."""
    return (
        Transition(Status.SUBMITTED, submitter, "Submitted for the decision of both countries."),
        DecisionSpec("UZ", APPROVED, uz_decider),
        DecisionSpec("KZ", APPROVED, "kz.national"),
        Transition(Status.APPROVED, "kz.national", "Approved by Uzbekistan and Kazakhstan."),
    )


def running(
    submitter: str, starter: str, uz_decider: str = "uz.national"
) -> tuple[Transition | DecisionSpec, ...]:
    return (
        *approved_by_both(submitter, uz_decider),
        Transition(Status.ACTIVE, starter, "The programme has started."),
    )


def finished(submitter: str, starter: str) -> tuple[Transition | DecisionSpec, ...]:
    return (
        *running(submitter, starter),
        Transition(Status.COMPLETED, starter, "All events held; the programme is closed."),
    )


def days_from(today: datetime.date):
    def later(days: int) -> datetime.date:
        return today + datetime.timedelta(days=days)

    return later
