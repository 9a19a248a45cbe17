"""Every URL of the site, requested by every role, answers as this table says.

The URLconf is walked (includes and the admin too); a URL pattern without a row here fails the
suite, so a new page cannot ship without someone deciding who may open it. Rows are data: to add
a role, add a column to ``ROLES`` and an expectation to each row.
"""

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse

from programmes.models import Programme
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

# ---------- the URLconf, walked ----------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its namespaced name (None when unnamed), its full pattern as Django's
    resolver reports it, and the arguments it takes."""

    name: str | None
    pattern: str
    namespace: str = ""
    kwargs: tuple[str, ...] = ()
    positional: int = 0


def join(prefix: str, pattern: str) -> str:
    """Join patterns the way ``ResolverMatch.route`` does: an inner regex loses its ``^``."""
    return prefix + (pattern[1:] if prefix and pattern.startswith("^") else pattern)


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry.url_patterns, join(prefix, str(entry.pattern)), inner)
        elif isinstance(entry, URLPattern):
            regex = entry.pattern.regex
            yield Route(
                name=f"{namespace}:{entry.name}" if namespace and entry.name else entry.name,
                pattern=join(prefix, str(entry.pattern)),
                namespace=namespace,
                kwargs=tuple(regex.groupindex),
                positional=regex.groups - len(regex.groupindex),
            )
        else:  # pragma: no cover - Django has only these two kinds
            raise TypeError(f"unknown URL entry {entry!r}")


ROUTES = list(walk(get_resolver().url_patterns))

# ---------- expectations ----------


@dataclass(frozen=True)
class Expect:
    """What a request should answer: a status and, for a redirect, where to."""

    status: int
    redirect_to: str | tuple[str, ...] | None = None  # a path, or paths any of which will do
    next_param: bool = False  # the redirect carries ``?next=`` the requested URL

    def check(self, response, url: str) -> None:
        assert response.status_code == self.status, (url, response.status_code)
        if self.redirect_to is None:
            return
        location = urlsplit(response["Location"])
        allowed = (self.redirect_to,) if isinstance(self.redirect_to, str) else self.redirect_to
        assert location.path in allowed, (url, response["Location"])
        if self.next_param:
            assert parse_qs(location.query) == {"next": [url]}, (url, response["Location"])


OK = Expect(200)
NOT_FOUND = Expect(404)
METHOD_NOT_ALLOWED = Expect(405)
LOGIN = Expect(302, "/accounts/login/", next_param=True)
ADMIN_LOGIN = Expect(302, "/admin/login/", next_param=True)
ADMIN_INDEX = Expect(302, "/admin/")
HOME = Expect(302, "/")


@dataclass
class World:
    """Sample rows whose primary keys fill the URLs."""

    institution_pk: int
    agreement_pk: int
    programme_pk: int
    event_pk: int
    draft_pk: int
    draft_event_pk: int


@pytest.fixture
def world() -> World:
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(country=uz)
    kaznu = InstitutionFactory(country=kz)
    agreement = AgreementFactory(signed_on=datetime.date(2022, 12, 22))
    AgreementPartyFactory(agreement=agreement, institution=uwed)
    AgreementPartyFactory(agreement=agreement, institution=kaznu)
    programme = joint_programme(uz=uwed, kz=kaznu, status=Programme.Status.ACTIVE)
    draft = joint_programme(uz=uwed, kz=kaznu)
    return World(
        institution_pk=uwed.pk,
        agreement_pk=agreement.pk,
        programme_pk=programme.pk,
        event_pk=EventFactory(programme=programme, host_institution=uwed).pk,
        draft_pk=draft.pk,
        draft_event_pk=EventFactory(programme=draft, host_institution=kaznu).pk,
    )


def outsider(world: World):
    """A signed-in, non-staff coordinator of an institution that partners in nothing."""
    return MembershipFactory(institution=InstitutionFactory(country=CountryFactory(code="KG"))).user


ROLES: dict[str, Callable | None] = {"anonymous": None, "outsider": outsider}


@dataclass(frozen=True)
class Row:
    """One URL with its sample arguments, and what each role gets there."""

    name: str
    url: Callable[[World], str]
    expect: dict[str, Expect] = field(default_factory=dict)
    label: str = ""


ROWS = [
    Row("home", lambda w: reverse("home"), {"anonymous": LOGIN, "outsider": OK}),
    Row("healthz", lambda w: reverse("healthz"), {"anonymous": OK, "outsider": OK}),
    Row("accounts:login", lambda w: reverse("accounts:login"), {"anonymous": OK, "outsider": HOME}),
    Row(
        "accounts:logout",
        lambda w: reverse("accounts:logout"),
        {"anonymous": LOGIN, "outsider": METHOD_NOT_ALLOWED},
    ),
    Row(
        "institutions:list",
        lambda w: reverse("institutions:list"),
        {"anonymous": LOGIN, "outsider": OK},
    ),
    Row(
        "institutions:detail",
        lambda w: reverse("institutions:detail", args=[w.institution_pk]),
        {"anonymous": LOGIN, "outsider": OK},
    ),
    Row(
        "programmes:agreement_list",
        lambda w: reverse("programmes:agreement_list"),
        {"anonymous": LOGIN, "outsider": OK},
    ),
    Row(
        "programmes:agreement_detail",
        lambda w: reverse("programmes:agreement_detail", args=[w.agreement_pk]),
        {"anonymous": LOGIN, "outsider": OK},
    ),
    Row(
        "programmes:list",
        lambda w: reverse("programmes:list"),
        {"anonymous": LOGIN, "outsider": OK},
    ),
    Row(
        "programmes:detail",
        lambda w: reverse("programmes:detail", args=[w.programme_pk]),
        {"anonymous": LOGIN, "outsider": OK},
    ),
    Row(
        "programmes:detail",
        lambda w: reverse("programmes:detail", args=[w.draft_pk]),
        {"anonymous": LOGIN, "outsider": NOT_FOUND},
        label="another's draft",
    ),
    Row("events:list", lambda w: reverse("events:list"), {"anonymous": LOGIN, "outsider": OK}),
    Row(
        "events:detail",
        lambda w: reverse("events:detail", args=[w.event_pk]),
        {"anonymous": LOGIN, "outsider": OK},
    ),
    Row(
        "events:detail",
        lambda w: reverse("events:detail", args=[w.draft_event_pk]),
        {"anonymous": LOGIN, "outsider": NOT_FOUND},
        label="event of another's draft",
    ),
]

# ---------- the admin: one rule for all its URLs, and its two exceptions ----------

# Sample values for the admin's URL arguments; the object need not exist, as nobody here
# gets past the admin's own permission check.
ADMIN_SAMPLE_KWARGS = {"object_id": "1", "id": "1", "content_type_id": "1", "url": "no-such-page/"}
# An anonymous visitor is sent to a sign-in page with ``next`` set, never shown the page. Which
# one is Django's choice: the admin's site-wide views name the admin's sign-in page to
# LoginRequiredMiddleware, its model pages do not, so those go to the site's (LOGIN_URL). Both
# lead back to the page after signing in.
SIGN_IN = Expect(302, ("/accounts/login/", "/admin/login/"), next_param=True)
ADMIN_RULE = {"anonymous": SIGN_IN, "outsider": ADMIN_LOGIN}
ADMIN_EXCEPTIONS = {
    "admin:login": {"anonymous": OK, "outsider": OK},
    # The admin sends a signed-in non-staff user from its logout to its index.
    "admin:logout": {"anonymous": ADMIN_LOGIN, "outsider": ADMIN_INDEX},
}


def admin_url(route: Route) -> str:
    """A concrete URL for an admin route, by reversing it with sample arguments or, for an
    unnamed route, by filling its pattern in."""
    if route.name is None:
        if route.kwargs == ("url",):  # the admin's catch-all, ``(?P<url>.*)$``
            return reverse("admin:index") + ADMIN_SAMPLE_KWARGS["url"]
        return "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda arg: ADMIN_SAMPLE_KWARGS[arg[1]], route.pattern
        )
    if "app_label" in route.kwargs:
        for app_config in apps.get_app_configs():
            try:
                return reverse(route.name, kwargs={"app_label": app_config.label})
            except NoReverseMatch:
                continue
        raise AssertionError(f"no app label reverses {route.name}")
    if route.positional:
        return reverse(route.name, args=["1"] * route.positional)
    return reverse(route.name, kwargs={key: ADMIN_SAMPLE_KWARGS[key] for key in route.kwargs})


def admin_rows() -> list[Row]:
    return [
        Row(
            route.name or "admin:",
            lambda w, route=route: admin_url(route),
            ADMIN_EXCEPTIONS.get(route.name, ADMIN_RULE),
            label=route.pattern,
        )
        for route in ROUTES
        if route.namespace.split(":")[0] == "admin"
    ]


ALL_ROWS = ROWS + admin_rows()


def test_every_url_pattern_has_a_row():
    named = {row.name for row in ROWS}
    missing = [
        route.pattern
        for route in ROUTES
        if route.namespace.split(":")[0] != "admin" and route.name not in named
    ]
    assert missing == []
    assert {row.name for row in ROWS} <= {route.name for route in ROUTES}


def test_every_row_says_what_every_role_gets():
    assert [row.label or row.name for row in ALL_ROWS if row.expect.keys() != ROLES.keys()] == []


def test_the_admin_is_walked():
    admin_names = {route.name for route in ROUTES if route.namespace == "admin"}

    assert {"admin:index", "admin:login", "admin:logout", "admin:password_change"} <= admin_names


@pytest.mark.parametrize("row", ALL_ROWS, ids=lambda row: f"{row.name} {row.label}".strip())
def test_each_rows_url_reaches_its_own_pattern(world, row):
    """A sample URL that fell through to another pattern (the admin's catch-all, say) would
    test the wrong view."""
    match = resolve(row.url(world))

    assert (match.view_name if row.name != "admin:" else "admin:") == row.name
    if row.name.startswith("admin"):
        assert match.route == row.label


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ALL_ROWS, ids=lambda row: f"{row.name} {row.label}".strip())
def test_url_answers_each_role_as_the_table_says(client, world, row, role):
    make_user = ROLES[role]
    if make_user is not None:
        client.force_login(make_user(world))
    url = row.url(world)

    response = client.get(url)

    row.expect[role].check(response, url)
