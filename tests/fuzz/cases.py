"""Which URL the fuzz tests request as whom: read from the permission matrix's rows, so a URL
pattern added to the site (which cannot ship without its row) is fuzzed with no change here.

For each row, the people who get somewhere: the first signed-in role of ``SIGNED_IN`` the row
lets in, the administrator, and the anonymous visitor where the row lets them in too. A GET is
fuzzed where the row answers the role 200; a POST where the row says the role's POST does its
work or answers a form's errors — or, on the admin's pages (whose POSTs the matrix does not
request), wherever the role opens the page or is told that it takes only POSTs.

Not fuzzed, as nobody gets a page there: the admin's add and delete pages of the rows only
services write, its bare object URLs (a redirect to the change page), its catch-all and "view on
site" (404), and the addresses that moved (a permanent redirect, whatever is sent, to the new
address, which is fuzzed). The admin's autocomplete has a test of its own (``test_filters``).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.permission_matrix import admin_rows, site_rows
from tests.permission_matrix.expectations import ADMIN_LOGIN, LOGIN, Expect, Row
from tests.permission_matrix.world import World

ROWS: list[Row] = site_rows.ROWS + admin_rows.ROWS
SIGNED_IN = ("own", "nc_uz", "nc_kz", "viewer", "uz", "kz")


@dataclass(frozen=True)
class Case:
    row: Row
    role: str
    # The first role of the row's URL: the one sent the fixed examples (``EVERY_NAME_GETS``),
    # which do not depend on who sends them.
    first: bool = True

    def url(self, world: World) -> str:
        return self.row.url(world)

    def path(self, world: World) -> str:
        return urlsplit(self.url(world)).path

    def client(self, world: World) -> Client:
        """A client of its own, signed in as the role: an example that signs out or switches
        the language leaves the next one alone."""
        client = Client()
        user = world.users[self.role]
        if user is not None:
            client.force_login(user)
        return client


def opens(expect: Expect | None) -> bool:
    return expect is not None and expect.status == 200


def gets_somewhere(expect: Expect | None) -> bool:
    if expect is None or expect.status == 301:  # a moved address: its new one is the case
        return False
    return expect.status < 400 and expect not in (LOGIN, ADMIN_LOGIN)


def opens_or_takes_posts(expect: Expect | None) -> bool:
    """A page the role opens, or a URL that answers their GET "method not allowed": one that
    takes only POSTs (the admin's signing out)."""
    return opens(expect) or (expect is not None and expect.status == 405)


def roles(line: dict[str, Expect] | None, allowed) -> list[str]:
    if line is None:
        return []
    signed_in = [role for role in SIGNED_IN if allowed(line[role])][:1]
    return signed_in + [role for role in ("admin", "anon") if allowed(line[role])]


def get_cases() -> list[Case]:
    """One case per URL pattern and role: the query string is read by the view, whatever the
    sample in the path."""
    seen, cases = set(), []
    for row in ROWS:
        for role in roles(row.get, opens):
            if (row.key, role) not in seen:
                first = not any(key == row.key for key, _ in seen)
                seen.add((row.key, role))
                cases.append(Case(row, role, first))
    return cases


def post_cases() -> list[Case]:
    """One case per row and role: a form behaves differently on each sample (a draft, a
    submitted programme)."""
    cases = []
    for row in ROWS:
        if row.post is not None:
            allowed = roles(row.post, gets_somewhere)
        else:
            allowed = roles(row.get, opens_or_takes_posts)
        cases += [Case(row, role, first=index == 0) for index, role in enumerate(allowed)]
    return cases


def params(cases: list[Case]) -> list:
    return [pytest.param(case, id=f"{case.row.id}-{case.role}") for case in cases]
