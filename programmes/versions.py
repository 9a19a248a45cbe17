"""A programme's approved content: what the national coordinators decide on.

The approved content is the programme's dates and budget, its partners (each with its role,
contribution and funding) and its events' dates, venue, host and status — the status as far as
it says whether the event goes ahead: postponing or cancelling an event changes the content,
confirming it or marking it held does not. It is read from the
database into a canonical form — partners ordered by institution, events by their calendar UID,
moments in UTC, amounts as text — so that its fingerprint (SHA-256 of that form) changes with
the content and with nothing else: reordering partners, editing the title or the summary, an
event's title or its attendance leave it as it is.

A programme's events are read through the relation the events app declares (``programme.
events``): the content names their fields, and nothing of the events app is imported. Each
version keeps, beside the content, the names of the institutions, venues and events it refers
to, so that its differences with another version read in words even after a rename.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

# The fields of each part of the approved content, in the order differences are told.
PROGRAMME_FIELDS = ("starts_on", "ends_on", "budget_amount", "budget_currency")
PARTNER_FIELDS = ("role", "contribution", "funding_amount", "funding_currency")
EVENT_FIELDS = ("starts_at", "ends_at", "all_day", "venue", "host_institution", "status")
# The event statuses that say an event does not go ahead as planned; the others are one.
_GOES_AHEAD = "goes_ahead"
_NOT_AS_PLANNED = frozenset({"postponed", "cancelled"})


def _canonical(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def event_part(values) -> dict:
    """An event's part of the approved content, from its ``EVENT_FIELDS`` (a mapping of them,
    foreign keys as ids), canonical."""
    part = {name: _canonical(values[name]) for name in EVENT_FIELDS}
    if part["status"] not in _NOT_AS_PLANNED:
        part["status"] = _GOES_AHEAD
    return part


def approved_content(programme) -> dict:
    """The approved content of ``programme`` as stored now, with the names it refers to."""
    partners = sorted(
        programme.partnerships.values("institution", "institution__name", *PARTNER_FIELDS),
        key=lambda row: row["institution"],
    )
    events = sorted(
        programme.events.values(
            "uid", "title", "venue__name", "host_institution__name", *EVENT_FIELDS
        ),
        key=lambda row: row["uid"],
    )
    names = {
        "institutions": {str(row["institution"]): row["institution__name"] for row in partners}
        | {str(row["host_institution"]): row["host_institution__name"] for row in events},
        "venues": {str(row["venue"]): row["venue__name"] for row in events if row["venue"]},
        "events": {row["uid"]: row["title"] for row in events},
    }
    return {
        "programme": {name: _canonical(getattr(programme, name)) for name in PROGRAMME_FIELDS},
        "partners": [
            {"institution": row["institution"]}
            | {name: _canonical(row[name]) for name in PARTNER_FIELDS}
            for row in partners
        ],
        "events": [{"uid": row["uid"]} | event_part(row) for row in events],
        "names": names,
    }


def fingerprint(content: dict) -> str:
    """SHA-256 of the content in canonical JSON, the names it shows left out."""
    decided = {part: content[part] for part in ("programme", "partners", "events")}
    text = json.dumps(decided, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Difference:
    """One field that differs between two versions, in words."""

    subject: str
    field: str
    before: str
    after: str


def _labels() -> dict[str, str]:
    return {
        "starts_on": _("starts on"),
        "ends_on": _("ends on"),
        "budget_amount": _("budget"),
        "budget_currency": _("budget currency"),
        "role": _("role"),
        "contribution": _("contribution"),
        "funding_amount": _("funding"),
        "funding_currency": _("funding currency"),
        "starts_at": _("starts"),
        "ends_at": _("ends"),
        "all_day": _("all day"),
        "venue": _("venue"),
        "host_institution": _("host institution"),
        "status": _("status"),
    }


def _words(field: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field in ("host_institution", "institution"):
        return names["institutions"].get(str(value), str(value))
    if field == "venue":
        return names["venues"].get(str(value), str(value))
    if field == "all_day":
        return _("yes") if value else _("no")
    if field in ("starts_at", "ends_at"):
        moment = datetime.datetime.fromisoformat(value)
        return f"{formats.date_format(moment, 'DATETIME_FORMAT')} UTC"
    if field in ("starts_on", "ends_on"):
        return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    if field in ("budget_amount", "funding_amount"):
        return formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    if field == "status":
        return {
            _GOES_AHEAD: _("goes ahead"),
            "postponed": _("postponed"),
            "cancelled": _("cancelled"),
        }.get(value, value)
    return str(value)


def differences(before: dict, after: dict) -> list[Difference]:
    """What changed from ``before`` to ``after`` (two ``approved_content``), field by field: the
    programme's, then each partner's (added, removed, changed), then each event's."""
    labels = _labels()
    names = {
        kind: before["names"][kind] | after["names"][kind]
        for kind in ("institutions", "venues", "events")
    }
    found = []
    programme = _("Programme")
    for field in PROGRAMME_FIELDS:
        old, new = before["programme"][field], after["programme"][field]
        if old != new:
            found.append(
                Difference(
                    programme, labels[field], _words(field, old, names), _words(field, new, names)
                )
            )
    found += _rows(before["partners"], after["partners"], "institution", PARTNER_FIELDS, names)
    found += _rows(before["events"], after["events"], "uid", EVENT_FIELDS, names)
    return found


def _rows(before, after, key: str, fields, names) -> list[Difference]:
    labels = _labels()
    old = {row[key]: row for row in before}
    new = {row[key]: row for row in after}
    found = []
    for identity in sorted(old.keys() | new.keys(), key=str):
        if key == "uid":
            subject = _("Event “%(title)s”") % {"title": names["events"].get(identity, identity)}
        else:
            subject = _("Partner %(name)s") % {
                "name": names["institutions"].get(str(identity), str(identity))
            }
        if identity not in new:
            found.append(Difference(subject, _("removed"), "", ""))
        elif identity not in old:
            found.append(Difference(subject, _("added"), "", ""))
        else:
            for field in fields:
                if old[identity][field] != new[identity][field]:
                    found.append(
                        Difference(
                            subject,
                            labels[field],
                            _words(field, old[identity][field], names),
                            _words(field, new[identity][field], names),
                        )
                    )
    return found
