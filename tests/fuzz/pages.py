"""The site's pages as a role sees them, read once per test module: the forms that post to a
URL (on its own page, on the page of the record it belongs to — a workflow step's form is on the
programme's page — or on any page: signing out, the language), and every query-string name the
site's pages send, with the values they offer."""

from django.test import Client

from tests.fuzz.cases import ROWS, Case, opens
from tests.fuzz.html import Form, Page, read_page
from tests.permission_matrix.world import World

# Names the site reads from every list's query string, and those Django's admin
# reads on its changelists and forms: offered on every page, whether it shows them or not.
CONTRACT = ("country", "institution", "programme", "kind", "status", "from", "to", "q", "page")
ADMIN_NAMES = ("q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters")


def fetch(client: Client, url: str) -> Page | None:
    """``url`` read as a page, or None where it answers with anything but HTML."""
    response = client.get(url)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    return read_page(url, response.content.decode())


def parent(path: str) -> str:
    """The page a URL belongs to: ``/programmes/5/`` for ``/programmes/5/reopen/``."""
    return path.rstrip("/").rpartition("/")[0] + "/"


def distinct(forms: list[Form]) -> list[Form]:
    """One form of each set of field names (the language switch is on every page)."""
    found: dict[tuple, Form] = {}
    for form in forms:
        found.setdefault(tuple(field.name for field in form.fields), form)
    return list(found.values())


class Pages:
    def __init__(self, world: World):
        self.world = world
        self._by_role: dict[str, list[Page]] = {}

    def of(self, role: str) -> list[Page]:
        """Every page outside the admin that ``role`` opens, and the admin's index if they are
        staff (its forms: signing out)."""
        if role not in self._by_role:
            client = Case(ROWS[0], role).client(self.world)
            urls = {
                row.url(self.world)
                for row in ROWS
                if row.get is not None
                and opens(row.get[role])
                and (not row.key.startswith("admin") or row.key == "admin:index")
            }
            pages = [fetch(client, url) for url in sorted(urls)]
            self._by_role[role] = [page for page in pages if page is not None]
        return self._by_role[role]

    def forms_for(self, case: Case) -> list[Form]:
        """The POST forms that send to the case's URL: on its own page if the role opens it,
        else on the page it belongs to, else on any page the role opens."""
        client = case.client(self.world)
        path = case.path(self.world)
        for url in (case.url(self.world), parent(path)):
            page = fetch(client, url)
            if page is not None and page.forms_to(path):
                return distinct(page.forms_to(path))
        return distinct([form for page in self.of(case.role) for form in page.forms_to(path)])

    def query_names(self, role: str) -> dict[str, list[str]]:
        """Every name the pages ``role`` opens send in a query string, with its values."""
        names: dict[str, set[str]] = {name: set() for name in (*CONTRACT, *ADMIN_NAMES)}
        for page in self.of(role):
            for name, values in page.query_values().items():
                names.setdefault(name, set()).update(values)
        return {name: sorted(values) for name, values in names.items()}

    def post_names(self, role: str) -> set[str]:
        """Every name the POST forms of the pages ``role`` opens send."""
        return {
            field.name
            for page in self.of(role)
            for form in page.forms
            if form.method == "post"
            for field in form.fields
        }
