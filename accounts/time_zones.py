"""The time zones people choose from, and the one a person reads times in.

Only real places are offered: the zones of the tz database's ``zone.tab``, which names every
country's zones, each one a place ("Asia/Tashkent"), with the country it lies in. Links kept
for old software (``W-SU``, ``Asia/Calcutta``), zones named after rules rather than places
(``CST6CDT``, ``UTC``, ``Etc/GMT+5``) and names that mean "this computer's clock" (``localtime``,
``Factory``) are left out: an event entered with them would be read on another clock than its
place's. The tables come from the ``tzdata`` package, so the list is the same on every server
whatever zone files its system holds.

A person reads times in the zone they chose (``User.time_zone``), else the one their browser
reports (``static/js/time-zone.js`` keeps it in the ``BROWSER_ZONE_COOKIE`` cookie), else the
zone of the country of an institution they coordinate or of a country they coordinate
nationally, else the site's (``TIME_ZONE``). ``accounts.middleware.ReaderTimeZoneMiddleware``
activates it for each request. The role rows are read through the relations the
``institutions`` app declares on the user (``memberships``, ``national_roles``), as a lower app
reads what a higher one adds to its models.
"""

import datetime
import functools
import zoneinfo
from importlib import resources

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The cookie the browser's script writes its time zone into (static/js/time-zone.js).
BROWSER_ZONE_COOKIE = "dostlik_time_zone"

# Offered first, in their own group: the countries the desk serves, capitals first.
CENTRAL_ASIAN_ZONES = (
    "Asia/Tashkent",
    "Asia/Samarkand",
    "Asia/Almaty",
    "Asia/Qostanay",
    "Asia/Aqtobe",
    "Asia/Aqtau",
    "Asia/Atyrau",
    "Asia/Oral",
    "Asia/Qyzylorda",
    "Asia/Bishkek",
    "Asia/Dushanbe",
    "Asia/Ashgabat",
)

# The first part of a zone's name, as its group in the list.
AREAS = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}

# The session's note of the zone of the reader's institution's country ("" for none).
INSTITUTION_ZONE_KEY = "dostlik_institution_zone"

# Where a reader's zone came from (``zone_decision``).
OWN, BROWSER, INSTITUTION, SITE = "own", "browser", "institution", "site"


def _table_rows(name: str):
    """The rows of one of tzdata's tables, as lists of columns."""
    text = (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def _exists(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.cache
def _zone_countries() -> dict[str, frozenset[str]]:
    """Every offered zone, in ``zone.tab``'s order, with the ISO codes of the countries it
    serves: its own (``zone.tab``) and those that have kept its clock since 1970
    (``zone1970.tab``: Europe/Berlin for Norway too)."""
    codes: dict[str, set[str]] = {}
    for code, _coordinates, name, *_comment in _table_rows("zone.tab"):
        if _exists(name):
            codes.setdefault(name, set()).add(code)
    for country_codes, _coordinates, name, *_comment in _table_rows("zone1970.tab"):
        if name in codes:
            codes[name].update(country_codes.split(","))
    return {name: frozenset(found) for name, found in codes.items()}


@functools.cache
def _links() -> dict[str, str]:
    """Old names and the zone each stands for (``Asia/Calcutta`` → ``Asia/Kolkata``): some
    browsers still report the old ones."""
    text = (resources.files("tzdata") / "zoneinfo" / "tzdata.zi").read_text(encoding="utf-8")
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            _mark, target, link = line.split()
            links[link] = target
    return links


def offered_zones() -> list[str]:
    """The names people may choose, in the order the list shows them."""
    central = [name for name in CENTRAL_ASIAN_ZONES if name in _zone_countries()]
    rest = sorted(
        set(_zone_countries()) - set(central), key=lambda name: (name.split("/")[0], _place(name))
    )
    return central + rest


def is_offered(name: str) -> bool:
    return name in _zone_countries()


def offered_zone(name: str) -> str:
    """``name`` if it is offered, else the offered zone an old name stands for, else ""."""
    if is_offered(name):
        return name
    target = _links().get(name, "")
    return target if is_offered(target) else ""


def country_zones(code: str) -> list[str]:
    """The offered zones that keep the clock of the country ``code`` (ISO 3166), in
    ``zone.tab``'s order; none for a code the tables do not know."""
    return [name for name, codes in _zone_countries().items() if code.upper() in codes]


def _place(name: str) -> str:
    """The place a zone is named after, as people write it: "Argentina / Buenos Aires"."""
    return " / ".join(part.replace("_", " ") for part in name.split("/")[1:])


def _offset(name: str, moment: datetime.datetime) -> str:
    offset = moment.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or datetime.timedelta()
    sign = "-" if offset < datetime.timedelta() else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_label(name: str, moment: datetime.datetime | None = None) -> str:
    """ "Tashkent (UTC+05:00)": the place and its offset from UTC at ``moment`` (now)."""
    moment = moment or datetime.datetime.now(datetime.UTC)
    return f"{_place(name) or name} ({_offset(name, moment)})"


def zone_choices() -> list:
    """The offered zones as grouped choices: Central Asia first, then each area, labelled
    with today's offsets."""
    return _zone_choices(datetime.datetime.now(datetime.UTC).date())


@functools.lru_cache(maxsize=2)
def _zone_choices(day: datetime.date) -> list:
    # Offsets move with summer time: worked out once a day, at noon UTC.
    moment = datetime.datetime.combine(day, datetime.time(12), datetime.UTC)
    central = [name for name in CENTRAL_ASIAN_ZONES if is_offered(name)]
    groups = [(_("Central Asia"), [(name, zone_label(name, moment)) for name in central])]
    by_area: dict[str, list] = {}
    for name in offered_zones()[len(central) :]:
        by_area.setdefault(name.split("/")[0], []).append((name, zone_label(name, moment)))
    groups += [(AREAS.get(area, area), zones) for area, zones in by_area.items()]
    return groups


def institution_zone(user) -> str:
    """The zone of the country of an institution ``user`` coordinates, else of a country they
    coordinate nationally; "" for neither (a viewer, an administrator)."""
    for rows, column in (
        (getattr(user, "memberships", None), "institution__country__time_zone"),
        (getattr(user, "national_roles", None), "country__time_zone"),
    ):
        if rows is None:
            continue
        for name in rows.order_by("pk").values_list(column, flat=True)[:1]:
            return name
    return ""


def note_institution_zone(sender, request, user, **kwargs) -> None:
    """At sign-in, note the zone of the person's institution's country in their session
    (``INSTITUTION_ZONE_KEY``): the requests that follow read it from there. A role given or
    taken meanwhile counts from the next sign-in; until then the zone is only a default."""
    session = getattr(request, "session", None)
    if session is not None:
        session[INSTITUTION_ZONE_KEY] = institution_zone(user)


def zone_decision(user, browser_zone: str = "", session=None) -> tuple[str, str]:
    """The zone ``user`` reads times in and where it came from (``OWN``, ``BROWSER``,
    ``INSTITUTION``, ``SITE``); ``browser_zone`` is what their browser reported, checked
    against the offered zones (anything else is ignored). Given the request's ``session``,
    the institution's zone is read from it (``note_institution_zone``), else once and noted
    there, rather than on every request: a calendar answered from the cache costs three
    queries."""
    own = getattr(user, "time_zone", "")
    if own and _exists(own):
        return own, OWN
    browser = offered_zone(browser_zone[:64]) if browser_zone else ""
    if browser:
        return browser, BROWSER
    if getattr(user, "is_authenticated", False):
        if session is not None and INSTITUTION_ZONE_KEY in session:
            institution = session[INSTITUTION_ZONE_KEY]
        else:
            institution = institution_zone(user)
            if session is not None:
                session[INSTITUTION_ZONE_KEY] = institution
        if institution and _exists(institution):
            return institution, INSTITUTION
    return settings.TIME_ZONE, SITE


def reading_decision(user) -> tuple[str, str]:
    """The zone ``user`` reads times in and where it came from: as their request decided
    (``accounts.middleware.ReaderTimeZoneMiddleware``), else worked out without a browser."""
    decided = getattr(user, "_dostlik_reading_zone", None)
    return decided if decided is not None else zone_decision(user)


def reading_zone(user) -> zoneinfo.ZoneInfo:
    """The zone ``user`` reads times in (``reading_decision``)."""
    return zoneinfo.ZoneInfo(reading_decision(user)[0])


def keep_reading_zone(user, decision: tuple[str, str]) -> None:
    """Keep the zone decided for this request on the user, for ``reading_zone``."""
    user._dostlik_reading_zone = decision
