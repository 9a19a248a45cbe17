"""What every row of one preview shares, read once whatever the number of rows: the programme
and its lead's clock, the hosts the importer may name, the countries, cities and venues the
file's places may name, and the events its UIDs name."""

import dataclasses
import uuid

import icalendar
from django.db.models import Prefetch, prefetch_related_objects

from accounts.models import User
from calendars.imports.fields import Clocks, text_of
from calendars.imports.zones import country_zones
from events.forms import host_choices
from events.models import Event, Venue
from institutions.models import Country, Institution
from programmes.models import Partnership, Programme


@dataclasses.dataclass(frozen=True)
class Place:
    """Where the file places an event: LOCATION as written, and what Dostlik knows of it (the
    country and venue when it names one Dostlik has, the city as written or guessed).
    ``venue_said`` when the file says which venue, if any, that Dostlik has (Dostlik's own
    file says ``X-DOSTLIK-VENUE`` of an event with a venue, and only then)."""

    location: str
    country: Country | None
    city: str
    venue: Venue | None
    venue_said: bool


# Of a LOCATION, the venue's name may be any of its first parts ("Abay Opera House, Great
# Hall, Almaty, Kazakhstan"): at most this many are tried.
VENUE_PARTS = 4


def _venue_candidates(location: str) -> list[str]:
    parts = [part.strip() for part in location.split(",")]
    return [", ".join(parts[:count])[:255] for count in range(1, min(len(parts), VENUE_PARTS) + 1)]


def _is_place_name(part: str) -> bool:
    return any(character.isalpha() for character in part)


@dataclasses.dataclass
class Setting:
    programme: Programme
    user: User
    host: Institution
    kind: str
    visibility: str
    lead_zone: str
    preferred_zones: tuple[str, ...]
    hosts: dict[str, Institution]  # casefolded name → a host the importer may name
    countries: dict[str, Country]  # casefolded name and code → country
    # casefolded → as written, and its country when every place Dostlik knows there has one
    cities: dict[str, tuple[str, Country | None]]
    venues: dict[tuple[str, str], Venue]  # casefolded name and city → venue
    events: dict[str, Event]  # the events of any programme with a UID of the file
    clocks: Clocks
    kinds: dict[str, str]

    def _city(self, parts: list[str], rest: list[str], said_country: bool) -> str:
        """Best effort: the part of LOCATION that is a city Dostlik knows, else the part
        before the country it names, else the last part of an address that is not a country
        or a number, else nothing."""
        for part in reversed(parts):
            if part.casefold() in self.cities:
                return self.cities[part.casefold()][0]
        if rest and (said_country or len(rest) > 1):
            return rest[-1][:100]
        return ""

    def place(self, component: icalendar.Event, *, country: Country | None) -> Place:
        """Where the file places ``component``; a venue found must be in the country the file
        names, else in ``country`` (the event's, for an update), else gives the country."""
        location = text_of(component, "LOCATION", one_line=True) or ""
        parts = [part.strip() for part in location.split(",") if part.strip()]
        rest = list(parts)
        named = None
        while rest and (rest[-1].casefold() in self.countries or not _is_place_name(rest[-1])):
            part = rest.pop()
            named = named or self.countries.get(part.casefold())
        code = text_of(component, "X-DOSTLIK-COUNTRY", one_line=True) or ""
        said = self.countries.get(code.casefold()) if len(code) == 2 else None
        said = said or named
        city = (text_of(component, "X-DOSTLIK-CITY", one_line=True) or "")[:100]
        city = city or self._city(parts, rest, named is not None)
        if said is None and country is None:  # a city Dostlik knows in one country
            said = self.cities.get(city.casefold(), ("", None))[1]
        said_venue = text_of(component, "X-DOSTLIK-VENUE", one_line=True)
        names = [said_venue] if said_venue else _venue_candidates(location)
        expected = said or country
        venue = next(
            (
                found
                for name in names
                if (found := self.venues.get((name.casefold(), city.casefold())))
                and (expected is None or found.country_id == expected.pk)
            ),
            None,
        )
        if venue is not None and said is None and country is None:
            said = venue.country
        # A venue named but not found here says nothing Dostlik can keep.
        venue_said = venue is not None or (not said_venue and "X-DOSTLIK-CITY" in component)
        return Place(location, said, city, venue, venue_said)


def _venue_names(components: list[icalendar.Event]) -> set[str]:
    names = set()
    for component in components:
        said = text_of(component, "X-DOSTLIK-VENUE", one_line=True)
        names.update([said[:255]] if said else [])
        names.update(_venue_candidates(text_of(component, "LOCATION", one_line=True) or ""))
    return names - {""}


def copy_uid(programme, uid: str) -> str:
    """The UID of the copy in ``programme`` of the event ``uid`` of another programme: the
    same on every import of the file, so a second import updates the copy the first made."""
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, f'dostlik:{programme.pk}:{uid}')}@dostlik"


def import_setting(
    *,
    programme: Programme,
    user: User,
    host: Institution,
    kind: str,
    visibility: str,
    components: list[icalendar.Event],
    clocks: Clocks,
    kinds: dict[str, str],
) -> Setting:
    # Loaded on the programme, where every row's permission check asks for them.
    prefetch_related_objects(
        [programme],
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.select_related("institution__country"),
        ),
    )
    partners = sorted(
        programme.partnerships.all(),
        key=lambda partnership: (partnership.role != Partnership.Role.LEAD, partnership.pk),
    )
    countries_taking_part = list(dict.fromkeys(p.institution.country for p in partners))
    lead_country = countries_taking_part[0] if countries_taking_part else host.country
    preferred = [country.time_zone for country in countries_taking_part]
    preferred += country_zones(country.code for country in countries_taking_part)
    uids = {c["UID"].strip() for c in components if isinstance(c.get("UID"), str)}
    countries, by_pk = {}, {}
    for country in Country.objects.all():
        countries[country.name.casefold()] = countries[country.code.casefold()] = country
        by_pk[country.pk] = country
    cities = {}
    for model in (Institution, Venue):
        for city, country_pk in model.objects.values_list("city", "country").distinct():
            if city:
                known = cities.get(city.casefold())
                same = known is None or known[1] is by_pk.get(country_pk)
                cities[city.casefold()] = (city, by_pk.get(country_pk) if same else None)
    venues = {
        (venue.name.casefold(), venue.city.casefold()): venue
        for venue in Venue.objects.filter(name__in=_venue_names(components)).select_related(
            "country"
        )
    }
    hosts = {
        institution.name.casefold(): institution
        for institution in host_choices(user=user, programme=programme).select_related("country")
    }
    loaded = Event.objects.select_related("host_institution", "country", "venue")
    events = {event.uid: event for event in loaded.filter(uid__in=uids)}
    # The copies in this programme of events of other programmes, made by an earlier import
    # of the same file: read only when the file holds such events.
    elsewhere = [uid for uid, event in events.items() if event.programme_id != programme.pk]
    if elsewhere:
        copies = [copy_uid(programme, uid) for uid in elsewhere]
        events.update({event.uid: event for event in loaded.filter(uid__in=copies)})
    return Setting(
        programme=programme,
        user=user,
        host=host,
        kind=kind,
        visibility=visibility,
        lead_zone=lead_country.time_zone,
        preferred_zones=tuple(dict.fromkeys(preferred)),
        hosts=hosts,
        countries=countries,
        cities=cities,
        venues=venues,
        events=events,
        clocks=clocks,
        kinds=kinds,
    )
