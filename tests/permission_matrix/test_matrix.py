"""Every URL of the site and the admin, requested by every role with GET and POST, answers as
the table (``site_rows``, ``admin_rows``) says; a URL pattern without a row fails the suite, so
a new page cannot ship without someone deciding who may open it.

Each case builds its own world and runs in its own transaction, so a POST that changes data
(a submitted draft, a removed coordinator) leaves the other cases alone. People are signed in
with ``force_login``: no password is hashed.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from institutions.models import Membership, NationalCoordinator, Viewer
from programmes.models import Partnership
from tests.permission_matrix import admin_rows, site_rows
from tests.permission_matrix.urlconf import routes
from tests.permission_matrix.world import ROLES, World, build_world

pytestmark = pytest.mark.django_db

ROWS = site_rows.ROWS + admin_rows.ROWS

CASES = [
    pytest.param(row, role, method, id=f"{row.id}-{role}-{method}")
    for row in ROWS
    for method, line in (("GET", row.get), ("POST", row.post))
    if line is not None
    for role in ROLES
]


@pytest.fixture
def world() -> World:
    return build_world()


def test_every_url_pattern_has_a_row():
    walked = {route.key for route in routes()}
    covered = {row.key for row in ROWS}

    assert sorted(walked - covered) == [], "URL patterns without a row"
    assert sorted(covered - walked) == [], "rows of URL patterns that are gone"


def test_every_row_says_what_every_role_gets():
    incomplete = [
        row.id
        for row in ROWS
        for line in (row.get, row.post)
        if line is not None and tuple(line) != ROLES
    ]
    assert incomplete == []
    assert [row.id for row in ROWS if row.get is None and row.post is None] == []


def test_the_admin_is_walked():
    admin_names = {route.key for route in routes() if route.pattern.startswith("admin/")}

    assert {
        "admin:index",
        "admin:login",
        "admin:programmes_programme_changelist",
        "admin/(?P<url>.*)$",
    } <= admin_names


def test_each_rows_url_reaches_its_own_pattern(world):
    """A sample URL that fell through to another pattern (the admin's catch-all, say) would
    test the wrong view."""
    patterns = {route.key: route.pattern for route in routes()}
    strays = []
    for row in ROWS:
        match = resolve(urlsplit(row.url(world)).path)
        named_as_expected = match.url_name is None or match.view_name == row.key
        if match.route != patterns[row.key] or not named_as_expected:
            strays.append((row.id, match.view_name, match.route))

    assert strays == []


def test_the_world_plays_the_roles_the_columns_name(world):
    """The table's expectations rest on who each person is; this pins it down."""
    partners = set(Partnership.objects.values_list("institution", flat=True))

    def summary(role: str) -> dict:
        user = world.users[role]
        memberships = Membership.objects.filter(user=user).select_related("institution__country")
        return {
            "coordinates": sorted(
                (m.institution.country.code, m.institution_id in partners) for m in memberships
            ),
            "national": sorted(
                NationalCoordinator.objects.filter(user=user).values_list(
                    "country__code", flat=True
                )
            ),
            "viewer": Viewer.objects.filter(user=user).exists(),
            "staff": (user.is_staff, user.is_superuser),
        }

    assert world.users["anon"] is None
    assert {role: summary(role) for role in ROLES if role != "anon"} == {
        "viewer": {"coordinates": [], "national": [], "viewer": True, "staff": (False, False)},
        "own": {
            "coordinates": [("UZ", True)],
            "national": [],
            "viewer": False,
            "staff": (False, False),
        },
        "uz": {
            "coordinates": [("UZ", False)],
            "national": [],
            "viewer": False,
            "staff": (False, False),
        },
        "kz": {
            "coordinates": [("KZ", False)],
            "national": [],
            "viewer": False,
            "staff": (False, False),
        },
        "nc_uz": {"coordinates": [], "national": ["UZ"], "viewer": False, "staff": (False, False)},
        "nc_kz": {"coordinates": [], "national": ["KZ"], "viewer": False, "staff": (False, False)},
        "admin": {"coordinates": [], "national": [], "viewer": False, "staff": (True, True)},
    }
    assert (world.feed.owner, world.feed.is_active) == (world.users["own"], True)
    assert {
        sample: sorted(
            (p.institution.country.code, p.institution_id == world.own.pk, p.role)
            for p in getattr(world, sample).partnerships.select_related("institution__country")
        )
        for sample in ("draft", "submitted", "other_draft")
    } == {
        "draft": [("KZ", False, "partner"), ("UZ", True, "lead")],
        "submitted": [("KZ", False, "partner"), ("UZ", True, "lead")],
        "other_draft": [("KZ", False, "partner"), ("UZ", False, "lead")],
    }
    assert [
        getattr(world, sample).status
        for sample in (
            "draft",
            "submitted",
            "other_draft",
            "approved",
            "active",
            "rejected",
            "cancelled",
        )
    ] == ["draft", "submitted", "draft", "approved", "active", "rejected", "cancelled"]
    # The public portal's samples: one published programme with a public and an internal event.
    assert sorted(
        (event.pk == world.approved_public_event.pk, event.visibility)
        for event in world.approved.events.all()
    ) == [(False, "internal"), (True, "public")]
    assert (world.submitted_event.visibility, world.submitted.status) == ("public", "submitted")


@pytest.mark.parametrize(("row", "role", "method"), CASES)
def test_url_answers_each_role_as_the_table_says(client, world, row, role, method):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = row.url(world)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, row.post_data(world) if row.post_data else {})

    expected = (row.get if method == "GET" else row.post)[role]
    assert expected.problems(response, url=url, world=world) == []
