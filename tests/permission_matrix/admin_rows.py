"""The admin's rows: its site-wide pages and, for every registered model, its changelist, add,
change, history and delete pages and the bare ``<object_id>/`` that redirects to the change page,
on a sample row of ``world``; the version pages of the models with history; every CSV export.

Nobody in the matrix but the administrator is staff, so every other signed-in role is sent to
the admin's sign-in page (``ADMIN_LOGIN``). An anonymous visitor is sent to a sign-in page with
``next`` set — which one is Django's choice: the admin's site-wide pages name the admin's own to
``LoginRequiredMiddleware``, its model pages do not, so those go to the site's (``LOGIN``).

Only the exports are POSTed (the CSV action on one selected row): every other admin POST is a
write, which the admin's own tests (``tests/admin``) make with valid data, role by role; an empty
POST here would test Django's form handling, not who gets in. The export rows are also the check
that a changelist's action answers an anonymous POST with the sign-in page.
"""

from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.permission_matrix.expectations import (
    ADMIN_LOGIN,
    CSV,
    FORBID,
    LOGIN,
    NA,
    NF,
    OK,
    REDIRECT,
    Expect,
    Row,
    roles,
)
from tests.permission_matrix.world import World


def staff_page(*, anon: Expect, admin: Expect) -> dict[str, Expect]:
    """An admin page: what anonymous visitors and the administrator get; every other role,
    signed in but not staff, is sent to the admin's sign-in page."""
    return roles(
        anon=anon,
        viewer=ADMIN_LOGIN,
        own=ADMIN_LOGIN,
        uz=ADMIN_LOGIN,
        kz=ADMIN_LOGIN,
        nc_uz=ADMIN_LOGIN,
        nc_kz=ADMIN_LOGIN,
        admin=admin,
    )


class ModelPages(NamedTuple):
    """What the administrator gets on a model's pages."""

    changelist: Expect
    add: Expect
    change: Expect
    history: Expect
    delete: Expect


EVERY_PAGE = ModelPages(changelist=OK, add=OK, change=OK, history=OK, delete=OK)
# Rows a service writes (partners, decisions, workflow steps, subscription feeds) are read here,
# never written.
READ_ONLY = ModelPages(changelist=OK, add=FORBID, change=OK, history=OK, delete=FORBID)

ADMIN_MODELS: dict[str, ModelPages] = {
    "auth.group": EVERY_PAGE,
    "accounts.user": EVERY_PAGE,
    "institutions.country": EVERY_PAGE,
    "institutions.institution": EVERY_PAGE,
    "institutions.membership": EVERY_PAGE,
    "institutions.nationalcoordinator": EVERY_PAGE,
    "institutions.viewer": EVERY_PAGE,
    "programmes.agreement": EVERY_PAGE,
    "programmes.programme": EVERY_PAGE,
    "programmes.partnership": READ_ONLY,
    "programmes.decision": READ_ONLY,
    "programmes.programmeversion": READ_ONLY,
    "programmes.programmetransition": READ_ONLY,
    "events.venue": EVERY_PAGE,
    "events.event": EVERY_PAGE,
    # Written by the event services when a warning is acknowledged; read here.
    "events.warningacknowledgement": READ_ONLY,
    # A feed belongs to its owner, the only one who ever sees its token; superusers read it.
    "calendars.calendarfeed": READ_ONLY,
    "reminders.reminder": READ_ONLY,
    "amendments.amendment": READ_ONLY,
    # Written by the invitation services on the site; read here, by superusers only.
    "invitations.invitation": READ_ONLY,
    # The mail queue's tasks: read, and failed ones queued again by an action.
    "django_tasks_database.dbtaskresult": READ_ONLY,
}
# The models whose changelist offers "Export selected rows as CSV" (Django's groups do not).
EXPORTS = [
    model
    for model in ADMIN_MODELS
    if model not in ("auth.group", "django_tasks_database.dbtaskresult")
]
# The models with django-simple-history's page of one past version.
VERSIONED = [
    "programmes.agreement",
    "programmes.programme",
    "events.event",
    "invitations.invitation",
]


def url_name(model: str, page: str) -> str:
    return f"admin:{model.replace('.', '_')}_{page}"


def object_url(model: str, page: str):
    return lambda world: reverse(url_name(model, page), args=[world.admin_object(model).pk])


def model_rows(model: str, pages: ModelPages) -> list[Row]:
    def row(page: str, url, admin: Expect, key: str | None = None) -> Row:
        return Row(
            key or url_name(model, page),
            model,
            url,
            get=staff_page(anon=LOGIN, admin=admin),
            post=None,
        )

    change = object_url(model, "change")
    app_label, model_name = model.split(".")
    return [
        row("changelist", lambda world: reverse(url_name(model, "changelist")), pages.changelist),
        row("add", lambda world: reverse(url_name(model, "add")), pages.add),
        row("change", change, pages.change),
        row("history", object_url(model, "history"), pages.history),
        row("delete", object_url(model, "delete"), pages.delete),
        # The bare object URL, Django's redirect to the change page.
        row(
            "redirect",
            lambda world: change(world).removesuffix("change/"),
            REDIRECT(change, "REDIRECT(change page)"),
            key=f"admin/{app_label}/{model_name}/<path:object_id>/",
        ),
    ]


def version_url(model: str):
    def url(world: World) -> str:
        record = world.admin_object(model)
        version = record.history.latest()
        return reverse(url_name(model, "simple_history"), args=[record.pk, version.history_id])

    return url


def export_row(model: str) -> Row:
    def selection(world: World) -> dict:
        return {
            "action": "export_as_csv",
            "_selected_action": [world.admin_object(model).pk],
            "index": 0,
        }

    return Row(
        url_name(model, "changelist"),
        f"{model}, CSV export",
        lambda world: reverse(url_name(model, "changelist")),
        get=None,  # the changelist's own row
        post=staff_page(anon=LOGIN, admin=CSV),
        post_data=selection,
    )


def site_row(name: str, *, get: dict[str, Expect], url=None, label: str = "") -> Row:
    return Row(name, label, url or (lambda world: reverse(name)), get=get, post=None)


SITE_WIDE = [
    site_row("admin:index", get=staff_page(anon=ADMIN_LOGIN, admin=OK)),
    # The sign-in page shows its form to anyone not yet let in (a signed-in person who is not
    # staff is told so there); the administrator is sent on to the index.
    site_row(
        "admin:login",
        get=roles(
            anon=OK,
            viewer=OK,
            own=OK,
            uz=OK,
            kz=OK,
            nc_uz=OK,
            nc_kz=OK,
            admin=REDIRECT("/admin/"),
        ),
    ),
    # Signing out is a POST; the admin sends a signed-in non-staff user to its index.
    site_row(
        "admin:logout",
        get=roles(
            anon=ADMIN_LOGIN,
            viewer=REDIRECT("/admin/"),
            own=REDIRECT("/admin/"),
            uz=REDIRECT("/admin/"),
            kz=REDIRECT("/admin/"),
            nc_uz=REDIRECT("/admin/"),
            nc_kz=REDIRECT("/admin/"),
            admin=NA,
        ),
    ),
    site_row("admin:password_change", get=staff_page(anon=ADMIN_LOGIN, admin=OK)),
    site_row("admin:password_change_done", get=staff_page(anon=ADMIN_LOGIN, admin=OK)),
    # Without the field it completes in the query, Django refuses the lookup.
    site_row("admin:autocomplete", get=staff_page(anon=ADMIN_LOGIN, admin=FORBID)),
    site_row("admin:jsi18n", get=staff_page(anon=ADMIN_LOGIN, admin=OK)),
    # No model here has a public page of its own (``get_absolute_url``): nothing to view.
    site_row(
        "admin:view_on_site",
        label="programme",
        get=staff_page(anon=ADMIN_LOGIN, admin=NF),
        url=lambda world: reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(world.draft).pk, world.draft.pk],
        ),
    ),
    site_row(
        "admin:app_list",
        label="programmes",
        get=staff_page(anon=ADMIN_LOGIN, admin=OK),
        url=lambda world: reverse("admin:app_list", kwargs={"app_label": "programmes"}),
    ),
    # The admin's catch-all: an unknown admin page is a 404, once signed in as staff.
    site_row(
        "admin/(?P<url>.*)$",
        label="no-such-page/",
        get=staff_page(anon=ADMIN_LOGIN, admin=NF),
        url=lambda world: reverse("admin:index") + "no-such-page/",
    ),
    site_row(
        "admin:auth_user_password_change",
        label="accounts.user",
        get=staff_page(anon=LOGIN, admin=OK),
        url=lambda world: reverse(
            "admin:auth_user_password_change", args=[world.admin_object("accounts.user").pk]
        ),
    ),
]

ROWS: list[Row] = [
    *SITE_WIDE,
    *(row for model, pages in ADMIN_MODELS.items() for row in model_rows(model, pages)),
    *(
        Row(
            url_name(model, "simple_history"),
            model,
            version_url(model),
            get=staff_page(anon=LOGIN, admin=OK),
            post=None,
        )
        for model in VERSIONED
    ),
    *(export_row(model) for model in EXPORTS),
]
