"""The site's rows: every page outside the admin, on the samples of ``world``.

Columns (``world.ROLES``): anon · viewer · own (coordinator of the lead, UZ) · uz, kz
(coordinators of institutions of that country partnering in nothing) · nc_uz, nc_kz (national
coordinators) · admin (superuser). POSTs carry an empty body: a form the person may use answers
``INVALID``, a step they may take redirects to the page it changed.

Who sees what: a draft, with its events, is seen by the coordinators of its partners,
the national coordinators of their countries and administrators, and is a 404 for everyone else;
a submitted programme is seen by every signed-in user. Changing is for the partners' coordinators
(and administrators) while the programme is open; deciding, for the national coordinators of the
countries taking part — an administrator records a decision taken on paper in the admin, so the
site's decision answers them 403. Within the programme form, who takes part and who leads is for
the lead's coordinators and administrators; a partner's coordinator changes only its own
institution's contribution and funding (``tests/programmes/test_workspace.py``). An approved or
active programme changes what the countries approved only by an amendment (``amendments:*``).

The reports count only what each reader may see, so every signed-in person opens them and
downloads their tables; the register of decisions is for national coordinators, viewers and
administrators. The public portal is for anyone, signed in or not, and the same for all:
it shows published programmes (approved, active or completed) and their public events; any other
programme or event is a 404 there, for administrators too — they see it on the desk.
"""

from collections.abc import Callable

from django.urls import reverse

from tests.permission_matrix.expectations import (
    BAD,
    CSV_FILE,
    FORBID,
    ICS,
    INVALID,
    LOGIN,
    MOVED,
    NA,
    NF,
    OK,
    PDF,
    REDIRECT,
    XLSX,
    Expect,
    Row,
    roles,
)
from tests.permission_matrix.world import World


def url_of(name: str, *samples: str) -> Callable[[World], str]:
    """The URL ``name`` with the keys of the world's ``samples`` as its arguments."""
    return lambda world: reverse(name, args=[getattr(world, sample).pk for sample in samples])


def page(name: str, *samples: str, get, post, label: str = "") -> Row:
    return Row(name, label or " ".join(samples), url_of(name, *samples), get=get, post=post)


def event_create(sample: str | None, *, get, post) -> Row:
    """``/events/new/?programme=<pk>``: the programme comes in the query string."""

    def url(world: World) -> str:
        query = f"?programme={getattr(world, sample).pk}" if sample else ""
        return reverse("events:create") + query

    return Row("events:create", sample or "no programme", url, get=get, post=post)


def amendment_event_proposal(sample: str, *, post) -> Row:
    """``/amendments/event/new/?programme=<pk>``: a new event proposed for a programme."""

    def url(world: World) -> str:
        return reverse("amendments:new_event") + f"?programme={getattr(world, sample).pk}"

    return Row("amendments:new_event", sample, url, get=NOT_THIS_METHOD, post=post)


def to(name: str, *samples: str) -> Expect:
    """A redirect to ``name`` of ``samples``: where a POST that did its work leads."""
    return REDIRECT(url_of(name, *samples), f"REDIRECT({name} {' '.join(samples)})")


# The lines the table repeats.
SIGNED_IN = roles(anon=LOGIN, viewer=OK, own=OK, uz=OK, kz=OK, nc_uz=OK, nc_kz=OK, admin=OK)
NOT_THIS_METHOD = roles(anon=LOGIN, viewer=NA, own=NA, uz=NA, kz=NA, nc_uz=NA, nc_kz=NA, admin=NA)
CLOSED = roles(
    anon=LOGIN,
    viewer=FORBID,
    own=FORBID,
    uz=FORBID,
    kz=FORBID,
    nc_uz=FORBID,
    nc_kz=FORBID,
    admin=FORBID,
)
# Reading a draft of the own institution, and of another UZ institution.
SEES_DRAFT = roles(anon=LOGIN, viewer=NF, own=OK, uz=NF, kz=NF, nc_uz=OK, nc_kz=OK, admin=OK)
SEES_OTHER_DRAFT = roles(anon=LOGIN, viewer=NF, own=NF, uz=NF, kz=NF, nc_uz=OK, nc_kz=OK, admin=OK)
# The national coordinators see a draft of their country's institutions but do not change it.
CHANGE_DRAFT_GET = roles(
    anon=LOGIN, viewer=NF, own=OK, uz=NF, kz=NF, nc_uz=FORBID, nc_kz=FORBID, admin=OK
)
CHANGE_DRAFT_POST = roles(
    anon=LOGIN, viewer=NF, own=INVALID, uz=NF, kz=NF, nc_uz=FORBID, nc_kz=FORBID, admin=INVALID
)
CHANGE_SUBMITTED_GET = roles(
    anon=LOGIN, viewer=FORBID, own=OK, uz=FORBID, kz=FORBID, nc_uz=FORBID, nc_kz=FORBID, admin=OK
)
CHANGE_SUBMITTED_POST = roles(
    anon=LOGIN,
    viewer=FORBID,
    own=INVALID,
    uz=FORBID,
    kz=FORBID,
    nc_uz=FORBID,
    nc_kz=FORBID,
    admin=INVALID,
)
CHANGE_OTHER_DRAFT_GET = roles(
    anon=LOGIN, viewer=NF, own=NF, uz=NF, kz=NF, nc_uz=FORBID, nc_kz=FORBID, admin=OK
)
CHANGE_OTHER_DRAFT_POST = roles(
    anon=LOGIN, viewer=NF, own=NF, uz=NF, kz=NF, nc_uz=FORBID, nc_kz=FORBID, admin=INVALID
)
# A step nobody may take on a visible programme, and on the own institution's draft.
NO_STEP_VISIBLE = CLOSED
NO_STEP_DRAFT = roles(
    anon=LOGIN, viewer=NF, own=FORBID, uz=NF, kz=NF, nc_uz=FORBID, nc_kz=FORBID, admin=FORBID
)
NO_STEP_OTHER_DRAFT = roles(
    anon=LOGIN, viewer=NF, own=NF, uz=NF, kz=NF, nc_uz=FORBID, nc_kz=FORBID, admin=FORBID
)


def calendar_file(line: dict[str, Expect]) -> dict[str, Expect]:
    """``line`` for the calendar file of a page: where the page opens, its file downloads."""
    return {role: ICS if expect is OK else expect for role, expect in line.items()}


# Files and feeds for everyone, anonymous too, and only to reads.
PUBLIC_FILE = roles(anon=ICS, viewer=ICS, own=ICS, uz=ICS, kz=ICS, nc_uz=ICS, nc_kz=ICS, admin=ICS)
NO_METHOD_FOR_ANYONE = roles(anon=NA, viewer=NA, own=NA, uz=NA, kz=NA, nc_uz=NA, nc_kz=NA, admin=NA)
# The public portal's pages: open to anyone; a record it does not publish is not there.
PUBLIC_PAGE = roles(anon=OK, viewer=OK, own=OK, uz=OK, kz=OK, nc_uz=OK, nc_kz=OK, admin=OK)
NOT_PUBLISHED = roles(anon=NF, viewer=NF, own=NF, uz=NF, kz=NF, nc_uz=NF, nc_kz=NF, admin=NF)


def feed_file(world: World) -> str:
    """The address of the own coordinator's feed: its token is its key."""
    return reverse("calendars:feed", args=[world.feed_token])


def moved(pattern: str, sample: str, name: str) -> Row:
    """An address that moved to ``name``, kept for the links and bookmarks made before: behind
    sign-in like any page, then a permanent redirect for every role and method, whatever the
    sample. The new address decides who may open what, so the old one says nothing of it."""

    def url(world: World) -> str:
        return "/" + pattern.replace("<int:pk>", str(getattr(world, sample).pk))

    new = MOVED(url_of(name, sample), f"MOVED({name} {sample})")
    line = roles(anon=LOGIN, viewer=new, own=new, uz=new, kz=new, nc_uz=new, nc_kz=new, admin=new)
    return Row(pattern, sample, url, get=line, post=line)


def report_export(table: str, extension: str, *, get, post) -> Row:
    """``/reports/export/<table>.<extension>``: a report's table as a file."""

    def url(world: World) -> str:
        return reverse("reports:export", args=[table, extension])

    return Row("reports:export", f"{table}.{extension}", url, get=get, post=post)


def the_same_for_everyone(expect: Expect) -> dict[str, Expect]:
    """A line where every role, anonymous too, gets ``expect``."""
    return roles(
        anon=expect,
        viewer=expect,
        own=expect,
        uz=expect,
        kz=expect,
        nc_uz=expect,
        nc_kz=expect,
        admin=expect,
    )


def register_export(extension: str, *, get) -> Row:
    """``/reports/decisions.<extension>``: the decision register as a file."""

    def url(world: World) -> str:
        return reverse("reports:decisions_export", args=[extension])

    return Row("reports:decisions_export", extension, url, get=get, post=NOT_THIS_METHOD)


# The decision register: for those who read on a state's behalf.
READS_REGISTER = roles(
    anon=LOGIN, viewer=OK, own=FORBID, uz=FORBID, kz=FORBID, nc_uz=OK, nc_kz=OK, admin=OK
)


def switch_language(world: World) -> dict:
    return {"language": "ru", "next": "/"}


def back_to_import(sample: str, line: dict[str, Expect]) -> dict[str, Expect]:
    """``line`` for confirming an import: where the upload form answers an empty POST with its
    errors, an empty confirmation (no preview to confirm) sends back to the upload form."""
    back = to("calendars:import", sample)
    return {role: back if expect is INVALID else expect for role, expect in line.items()}


def step_by_partners(sample: str) -> dict[str, Expect]:
    """A workflow step the partners' coordinators and administrators take on a visible
    programme; the lead's coordinator here (``own``) is one of them."""
    done = to("programmes:detail", sample)
    return roles(
        anon=LOGIN,
        viewer=FORBID,
        own=done,
        uz=FORBID,
        kz=FORBID,
        nc_uz=FORBID,
        nc_kz=FORBID,
        admin=done,
    )


def workflow(
    step: str, *, allowed_on: str, allowed=None, refused: dict[str, tuple[str, dict]]
) -> list[Row]:
    """The rows of one POST-only workflow step: on the sample where it applies (``allowed``, by
    default ``step_by_partners``), and on the samples where it does not (``refused``: label →
    (sample, line))."""
    name = f"programmes:{step}"
    allowed = allowed or step_by_partners(allowed_on)
    rows = [page(name, allowed_on, get=NOT_THIS_METHOD, post=allowed)]
    rows += [
        page(name, sample, get=NOT_THIS_METHOD, post=told_why(sample, line), label=label)
        for label, (sample, line) in refused.items()
    ]
    return rows


def is_told_why(expect: Expect) -> bool:
    """Whether ``expect`` is a step refused for its status (``told_why``): no page offers it."""
    return expect.abbreviation.startswith("TOLD_WHY(")


def told_why(
    sample: str, line: dict[str, Expect], *, takers: tuple[str, ...] = ("own", "admin")
) -> dict[str, Expect]:
    """``line``, where those who take the step in another status (``takers``: for the workflow's
    steps the partners' coordinator and the administrator) are sent back to the programme, told
    where it stands, as is whoever clicks a moment after someone else took the step."""
    back = REDIRECT(url_of("programmes:detail", sample), f"TOLD_WHY(programmes:detail {sample})")
    return {
        role: back if role in takers and expect is FORBID else expect
        for role, expect in line.items()
    }


ROWS: list[Row] = [
    # ---- site-wide ----
    page("desk:home", get=SIGNED_IN, post=NOT_THIS_METHOD),
    # The health check answers everyone, anonymous too, and only to reads.
    page(
        "healthz",
        get=roles(anon=OK, viewer=OK, own=OK, uz=OK, kz=OK, nc_uz=OK, nc_kz=OK, admin=OK),
        post=roles(anon=NA, viewer=NA, own=NA, uz=NA, kz=NA, nc_uz=NA, nc_kz=NA, admin=NA),
    ),
    # Someone signed in is sent home from the sign-in page, whatever the method.
    page(
        "accounts:login",
        get=roles(
            anon=OK,
            viewer=to("desk:home"),
            own=to("desk:home"),
            uz=to("desk:home"),
            kz=to("desk:home"),
            nc_uz=to("desk:home"),
            nc_kz=to("desk:home"),
            admin=to("desk:home"),
        ),
        post=roles(
            anon=INVALID,
            viewer=to("desk:home"),
            own=to("desk:home"),
            uz=to("desk:home"),
            kz=to("desk:home"),
            nc_uz=to("desk:home"),
            nc_kz=to("desk:home"),
            admin=to("desk:home"),
        ),
    ),
    # Signing out is a POST (Django's rule), back to the sign-in page.
    page(
        "accounts:logout",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=to("accounts:login"),
            own=to("accounts:login"),
            uz=to("accounts:login"),
            kz=to("accounts:login"),
            nc_uz=to("accounts:login"),
            nc_kz=to("accounts:login"),
            admin=to("accounts:login"),
        ),
    ),
    # Anyone, signed in or not, switches the language by a POST and goes back to the page named.
    Row(
        "accounts:language",
        "",
        url_of("accounts:language"),
        get=NO_METHOD_FOR_ANYONE,
        post=the_same_for_everyone(to("desk:home")),
        post_data=switch_language,
    ),
    # No language named: nothing to switch to (GET: the row above).
    Row(
        "accounts:language",
        "no language",
        url_of("accounts:language"),
        get=None,
        post=the_same_for_everyone(BAD),
    ),
    # Everyone signed in sets their own name, time zone, language and mail; an empty form lacks
    # the name, which the page asks for.
    page(
        "accounts:settings",
        get=SIGNED_IN,
        post=roles(
            anon=LOGIN,
            viewer=INVALID,
            own=INVALID,
            uz=INVALID,
            kz=INVALID,
            nc_uz=INVALID,
            nc_kz=INVALID,
            admin=INVALID,
        ),
    ),
    # ---- institutions: reference data, read by everyone signed in ----
    page("institutions:list", get=SIGNED_IN, post=NOT_THIS_METHOD),
    page("desk:institution", "own", get=SIGNED_IN, post=NOT_THIS_METHOD),
    # Everyone signed in reads the coordinators; the national coordinators of the institution's
    # country and administrators name them (an empty POST: the form's errors).
    page(
        "institutions:coordinators",
        "own",
        get=SIGNED_IN,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=INVALID,
            nc_kz=FORBID,
            admin=INVALID,
        ),
    ),
    page(
        "institutions:coordinators",
        "kz_partner",
        get=SIGNED_IN,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=FORBID,
            nc_kz=INVALID,
            admin=INVALID,
        ),
    ),
    page(
        "institutions:coordinator_remove",
        "own",
        "colleague",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=to("institutions:coordinators", "own"),
            nc_kz=FORBID,
            admin=to("institutions:coordinators", "own"),
        ),
    ),
    page(
        "institutions:coordinator_remove",
        "kz_partner",
        "kz_colleague",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=FORBID,
            nc_kz=to("institutions:coordinators", "kz_partner"),
            admin=to("institutions:coordinators", "kz_partner"),
        ),
    ),
    # A membership of another institution, under the own institution's URL: not there.
    page(
        "institutions:coordinator_remove",
        "own",
        "kz_colleague",
        label="own, a KZ membership",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=NF,
            nc_kz=FORBID,
            admin=NF,
        ),
    ),
    # ---- agreements: every signed-in user reads them all ----
    page("programmes:agreement_list", get=SIGNED_IN, post=NOT_THIS_METHOD),
    page("programmes:agreement_detail", "agreement", get=SIGNED_IN, post=NOT_THIS_METHOD),
    # ---- an agreement's documents: for the parties' coordinators and national coordinators
    # (who add and remove them), viewers (who read them) and administrators; for others a
    # document's address does not exist ----
    page(
        "programmes:agreement_document_upload",
        "agreement",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=INVALID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=INVALID,
            nc_kz=INVALID,
            admin=INVALID,
        ),
    ),
    page(
        "programmes:agreement_document",
        "agreement",
        "document",
        get=roles(anon=LOGIN, viewer=PDF, own=PDF, uz=NF, kz=NF, nc_uz=PDF, nc_kz=PDF, admin=PDF),
        post=NOT_THIS_METHOD,
    ),
    page(
        "programmes:agreement_document_delete",
        "agreement",
        "document",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=to("programmes:agreement_detail", "agreement"),
            uz=NF,
            kz=NF,
            nc_uz=to("programmes:agreement_detail", "agreement"),
            nc_kz=to("programmes:agreement_detail", "agreement"),
            admin=to("programmes:agreement_detail", "agreement"),
        ),
    ),
    # ---- programmes ----
    page("programmes:list", get=SIGNED_IN, post=NOT_THIS_METHOD),
    # Any coordinator starts a programme their institution leads; the readers do not.
    page(
        "programmes:create",
        get=roles(
            anon=LOGIN, viewer=FORBID, own=OK, uz=OK, kz=OK, nc_uz=FORBID, nc_kz=FORBID, admin=OK
        ),
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=INVALID,
            uz=INVALID,
            kz=INVALID,
            nc_uz=FORBID,
            nc_kz=FORBID,
            admin=INVALID,
        ),
    ),
    page(
        "programmes:decisions",
        get=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=OK,
            nc_kz=OK,
            admin=OK,
        ),
        post=NOT_THIS_METHOD,
    ),
    page("programmes:detail", "draft", get=SEES_DRAFT, post=NOT_THIS_METHOD),
    page("programmes:detail", "submitted", get=SIGNED_IN, post=NOT_THIS_METHOD),
    page("programmes:detail", "other_draft", get=SEES_OTHER_DRAFT, post=NOT_THIS_METHOD),
    page("programmes:edit", "draft", get=CHANGE_DRAFT_GET, post=CHANGE_DRAFT_POST),
    page("programmes:edit", "submitted", get=CHANGE_SUBMITTED_GET, post=CHANGE_SUBMITTED_POST),
    page(
        "programmes:edit", "other_draft", get=CHANGE_OTHER_DRAFT_GET, post=CHANGE_OTHER_DRAFT_POST
    ),
    # A cancelled programme is closed, for administrators too.
    page("programmes:edit", "cancelled", get=CLOSED, post=CLOSED),
    # ---- the workflow: POST only ----
    *workflow(
        "submit",
        allowed_on="draft",
        # A draft: hidden from those who do not work on it.
        allowed=roles(
            anon=LOGIN,
            viewer=NF,
            own=to("programmes:detail", "draft"),
            uz=NF,
            kz=NF,
            nc_uz=FORBID,
            nc_kz=FORBID,
            admin=to("programmes:detail", "draft"),
        ),
        refused={
            "submitted: not a draft": ("submitted", NO_STEP_VISIBLE),
            "other_draft": (
                "other_draft",
                roles(
                    anon=LOGIN,
                    viewer=NF,
                    own=NF,
                    uz=NF,
                    kz=NF,
                    nc_uz=FORBID,
                    nc_kz=FORBID,
                    admin=to("programmes:detail", "other_draft"),
                ),
            ),
        },
    ),
    *workflow(
        "withdraw",
        allowed_on="submitted",
        refused={"draft: not submitted": ("draft", NO_STEP_DRAFT)},
    ),
    *workflow(
        "resubmit",
        allowed_on="changes_requested",
        refused={
            "submitted: no request for changes": ("submitted", NO_STEP_VISIBLE),
            "draft: not submitted": ("draft", NO_STEP_DRAFT),
        },
    ),
    *workflow(
        "reopen", allowed_on="rejected", refused={"draft: not rejected": ("draft", NO_STEP_DRAFT)}
    ),
    *workflow(
        "activate",
        allowed_on="approved",
        refused={"submitted: not approved": ("submitted", NO_STEP_VISIBLE)},
    ),
    *workflow(
        "complete",
        allowed_on="active",
        refused={"approved: not active": ("approved", NO_STEP_VISIBLE)},
    ),
    *workflow(
        "cancel",
        allowed_on="submitted",
        refused={
            "draft: a draft is withdrawn, not cancelled": ("draft", NO_STEP_DRAFT),
            "other_draft": ("other_draft", NO_STEP_OTHER_DRAFT),
            "cancelled: already closed": ("cancelled", NO_STEP_VISIBLE),
        },
    ),
    page(
        "programmes:decide",
        "submitted",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=INVALID,
            nc_kz=INVALID,
            admin=FORBID,
        ),
    ),
    # A decision on a programme withdrawn a moment before: its national coordinators are told.
    page(
        "programmes:decide",
        "draft",
        get=NOT_THIS_METHOD,
        post=told_why("draft", NO_STEP_DRAFT, takers=("nc_uz", "nc_kz")),
    ),
    page(
        "programmes:decide",
        "other_draft",
        get=NOT_THIS_METHOD,
        post=told_why("other_draft", NO_STEP_OTHER_DRAFT, takers=("nc_uz", "nc_kz")),
    ),
    # ---- events: seen with their programme, changed by its partners ----
    page("events:list", get=SIGNED_IN, post=NOT_THIS_METHOD),
    page("events:detail", "draft_event", get=SEES_DRAFT, post=NOT_THIS_METHOD),
    page("events:detail", "submitted_event", get=SIGNED_IN, post=NOT_THIS_METHOD),
    page("events:detail", "other_draft_event", get=SEES_OTHER_DRAFT, post=NOT_THIS_METHOD),
    page("events:edit", "draft_event", get=CHANGE_DRAFT_GET, post=CHANGE_DRAFT_POST),
    # Hosted by the KZ partner: ``own`` changes it as the coordinator of the programme's lead.
    page("events:edit", "submitted_event", get=CHANGE_SUBMITTED_GET, post=CHANGE_SUBMITTED_POST),
    page(
        "events:edit",
        "other_draft_event",
        get=CHANGE_OTHER_DRAFT_GET,
        post=CHANGE_OTHER_DRAFT_POST,
    ),
    event_create("draft", get=CHANGE_DRAFT_GET, post=CHANGE_DRAFT_POST),
    event_create("submitted", get=CHANGE_SUBMITTED_GET, post=CHANGE_SUBMITTED_POST),
    event_create("other_draft", get=CHANGE_OTHER_DRAFT_GET, post=CHANGE_OTHER_DRAFT_POST),
    # A cancelled programme takes no new events, from anyone.
    event_create("cancelled", get=CLOSED, post=CLOSED),
    # No programme named: nothing to add an event to.
    event_create(
        None,
        get=roles(anon=LOGIN, viewer=NF, own=NF, uz=NF, kz=NF, nc_uz=NF, nc_kz=NF, admin=NF),
        post=roles(anon=LOGIN, viewer=NF, own=NF, uz=NF, kz=NF, nc_uz=NF, nc_kz=NF, admin=NF),
    ),
    # ---- amendments of an approved or active programme: proposed by its partners through its
    # edit forms, decided by the national coordinators of the countries, read by whoever sees it
    page("programmes:edit", "approved", get=CHANGE_SUBMITTED_GET, post=CHANGE_SUBMITTED_POST),
    page(
        "events:edit", "approved_public_event", get=CHANGE_SUBMITTED_GET, post=CHANGE_SUBMITTED_POST
    ),
    event_create("approved", get=CHANGE_SUBMITTED_GET, post=CHANGE_SUBMITTED_POST),
    page("amendments:programme", "approved", get=NOT_THIS_METHOD, post=CHANGE_SUBMITTED_POST),
    page(
        "amendments:programme",
        "submitted",
        label="submitted: not approved",
        get=NOT_THIS_METHOD,
        post=NO_STEP_VISIBLE,
    ),
    page("amendments:programme", "draft", get=NOT_THIS_METHOD, post=NO_STEP_DRAFT),
    page(
        "amendments:event", "approved_public_event", get=NOT_THIS_METHOD, post=CHANGE_SUBMITTED_POST
    ),
    page(
        "amendments:event",
        "submitted_event",
        label="submitted_event: not approved",
        get=NOT_THIS_METHOD,
        post=NO_STEP_VISIBLE,
    ),
    amendment_event_proposal("approved", post=CHANGE_SUBMITTED_POST),
    amendment_event_proposal("submitted", post=NO_STEP_VISIBLE),
    amendment_event_proposal("draft", post=NO_STEP_DRAFT),
    page("amendments:detail", "amendment", get=SIGNED_IN, post=NOT_THIS_METHOD),
    page(
        "amendments:decide",
        "amendment",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=INVALID,
            nc_kz=INVALID,
            admin=FORBID,
        ),
    ),
    page(
        "amendments:withdraw",
        "amendment",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=to("amendments:detail", "amendment"),
            uz=FORBID,
            kz=FORBID,
            nc_uz=FORBID,
            nc_kz=FORBID,
            admin=to("amendments:detail", "amendment"),
        ),
    ),
    # ---- invitations: administrators invite into any role and list every invitation; the
    # national coordinators of an institution's country invite its coordinators, and resend or
    # withdraw those invitations (an empty POST to a form: its errors; to resend or withdraw:
    # done, back to where the invitation is listed). The link's page is the token's: open to
    # anyone; signed in as another account than the invited address, nothing is done (403). ----
    page(
        "invitations:list",
        get=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=FORBID,
            nc_kz=FORBID,
            admin=OK,
        ),
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=FORBID,
            nc_kz=FORBID,
            admin=INVALID,
        ),
    ),
    page(
        "invitations:invite",
        "own",
        get=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=OK,
            nc_kz=FORBID,
            admin=OK,
        ),
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=INVALID,
            nc_kz=FORBID,
            admin=INVALID,
        ),
    ),
    page(
        "invitations:invite",
        "kz_partner",
        get=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=FORBID,
            nc_kz=OK,
            admin=OK,
        ),
        post=roles(
            anon=LOGIN,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=FORBID,
            nc_kz=INVALID,
            admin=INVALID,
        ),
    ),
    *(
        page(
            name,
            "invitation",
            get=NOT_THIS_METHOD,
            post=roles(
                anon=LOGIN,
                viewer=FORBID,
                own=FORBID,
                uz=FORBID,
                kz=FORBID,
                nc_uz=to("institutions:coordinators", "own"),
                nc_kz=FORBID,
                admin=to("invitations:list"),
            ),
        )
        for name in ("invitations:resend", "invitations:withdraw")
    ),
    Row(
        "invitations:accept",
        "invitation_token",
        lambda world: reverse("invitations:accept", args=[world.invitation_token]),
        get=PUBLIC_PAGE,
        post=roles(
            anon=INVALID,
            viewer=FORBID,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=FORBID,
            nc_kz=FORBID,
            admin=FORBID,
        ),
    ),
    # A link no invitation has: not there, for anyone.
    Row(
        "invitations:accept",
        "forged",
        lambda world: reverse("invitations:accept", args=["forged-token"]),
        get=NOT_PUBLISHED,
        post=NOT_PUBLISHED,
    ),
    # ---- the shared calendar: what each reader may see ----
    page("calendars:calendar", get=SIGNED_IN, post=NOT_THIS_METHOD),
    page("calendars:export", get=calendar_file(SIGNED_IN), post=NOT_THIS_METHOD),
    # An event's or a programme's file: seen as its page is.
    page("calendars:event_ics", "draft_event", get=calendar_file(SEES_DRAFT), post=NOT_THIS_METHOD),
    page(
        "calendars:event_ics", "submitted_event", get=calendar_file(SIGNED_IN), post=NOT_THIS_METHOD
    ),
    page(
        "calendars:event_ics",
        "other_draft_event",
        get=calendar_file(SEES_OTHER_DRAFT),
        post=NOT_THIS_METHOD,
    ),
    page("calendars:programme_ics", "draft", get=calendar_file(SEES_DRAFT), post=NOT_THIS_METHOD),
    page(
        "calendars:programme_ics", "submitted", get=calendar_file(SIGNED_IN), post=NOT_THIS_METHOD
    ),
    page(
        "calendars:programme_ics",
        "other_draft",
        get=calendar_file(SEES_OTHER_DRAFT),
        post=NOT_THIS_METHOD,
    ),
    # ---- subscription feeds: everyone signed in makes their own ----
    page(
        "calendars:feeds",
        get=SIGNED_IN,
        post=roles(
            anon=LOGIN,
            viewer=INVALID,
            own=INVALID,
            uz=INVALID,
            kz=INVALID,
            nc_uz=INVALID,
            nc_kz=INVALID,
            admin=INVALID,
        ),
    ),
    # Someone else's feed is not there, for an administrator too: they revoke it in the admin.
    page(
        "calendars:feed_revoke",
        "feed",
        get=NOT_THIS_METHOD,
        post=roles(
            anon=LOGIN,
            viewer=NF,
            own=to("calendars:feeds"),
            uz=NF,
            kz=NF,
            nc_uz=NF,
            nc_kz=NF,
            admin=NF,
        ),
    ),
    # The token is the key: whoever holds it, signed in or not, gets the owner's events.
    Row("calendars:feed", "feed", feed_file, get=PUBLIC_FILE, post=NO_METHOD_FOR_ANYONE),
    # ---- importing a calendar file into a programme: as changing it ----
    page("calendars:import", "draft", get=CHANGE_DRAFT_GET, post=CHANGE_DRAFT_POST),
    page("calendars:import", "submitted", get=CHANGE_SUBMITTED_GET, post=CHANGE_SUBMITTED_POST),
    page("calendars:import", "approved", get=CHANGE_SUBMITTED_GET, post=CHANGE_SUBMITTED_POST),
    page("calendars:import", "active", get=CHANGE_SUBMITTED_GET, post=CHANGE_SUBMITTED_POST),
    page(
        "calendars:import",
        "other_draft",
        get=CHANGE_OTHER_DRAFT_GET,
        post=CHANGE_OTHER_DRAFT_POST,
    ),
    page("calendars:import", "rejected", get=CLOSED, post=CLOSED),
    page("calendars:import", "cancelled", get=CLOSED, post=CLOSED),
    page(
        "calendars:import_confirm",
        "draft",
        get=NOT_THIS_METHOD,
        post=back_to_import("draft", CHANGE_DRAFT_POST),
    ),
    page(
        "calendars:import_confirm",
        "submitted",
        get=NOT_THIS_METHOD,
        post=back_to_import("submitted", CHANGE_SUBMITTED_POST),
    ),
    page(
        "calendars:import_confirm",
        "other_draft",
        get=NOT_THIS_METHOD,
        post=back_to_import("other_draft", CHANGE_OTHER_DRAFT_POST),
    ),
    page("calendars:import_confirm", "cancelled", get=NOT_THIS_METHOD, post=CLOSED),
    # ---- the calendar's old addresses, from before it moved under /calendar/ ----
    moved("events/<int:pk>/calendar.ics", "draft_event", "calendars:event_ics"),
    moved("programmes/<int:pk>/calendar.ics", "draft", "calendars:programme_ics"),
    moved("programmes/<int:pk>/import/", "draft", "calendars:import"),
    # ---- reports: figures of what the reader may see, for everyone signed in; reads only ----
    page("reports:index", get=SIGNED_IN, post=NOT_THIS_METHOD),
    page("reports:balance", get=SIGNED_IN, post=NOT_THIS_METHOD),
    report_export(
        "programmes",
        "csv",
        get=roles(
            anon=LOGIN,
            viewer=CSV_FILE,
            own=CSV_FILE,
            uz=CSV_FILE,
            kz=CSV_FILE,
            nc_uz=CSV_FILE,
            nc_kz=CSV_FILE,
            admin=CSV_FILE,
        ),
        post=NOT_THIS_METHOD,
    ),
    report_export(
        "funding",
        "xlsx",
        get=roles(
            anon=LOGIN,
            viewer=XLSX,
            own=XLSX,
            uz=XLSX,
            kz=XLSX,
            nc_uz=XLSX,
            nc_kz=XLSX,
            admin=XLSX,
        ),
        post=NOT_THIS_METHOD,
    ),
    page("reports:decisions", get=READS_REGISTER, post=NOT_THIS_METHOD),
    register_export(
        "csv",
        get=roles(
            anon=LOGIN,
            viewer=CSV_FILE,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=CSV_FILE,
            nc_kz=CSV_FILE,
            admin=CSV_FILE,
        ),
    ),
    register_export(
        "xlsx",
        get=roles(
            anon=LOGIN,
            viewer=XLSX,
            own=FORBID,
            uz=FORBID,
            kz=FORBID,
            nc_uz=XLSX,
            nc_kz=XLSX,
            admin=XLSX,
        ),
    ),
    # A file format the register is not written in: refused before it is looked for.
    register_export(
        "pdf",
        get=roles(
            anon=LOGIN, viewer=NF, own=FORBID, uz=FORBID, kz=FORBID, nc_uz=NF, nc_kz=NF, admin=NF
        ),
    ),
    # A table the reports do not have.
    report_export(
        "drafts",
        "csv",
        get=roles(anon=LOGIN, viewer=NF, own=NF, uz=NF, kz=NF, nc_uz=NF, nc_kz=NF, admin=NF),
        post=NOT_THIS_METHOD,
    ),
    # ---- the public portal: the same for everyone, reads only ----
    page("public:home", get=PUBLIC_PAGE, post=NO_METHOD_FOR_ANYONE),
    page("public:programmes", get=PUBLIC_PAGE, post=NO_METHOD_FOR_ANYONE),
    page("public:events", get=PUBLIC_PAGE, post=NO_METHOD_FOR_ANYONE),
    page("public:calendar", get=PUBLIC_PAGE, post=NO_METHOD_FOR_ANYONE),
    page("public:calendar_ics", get=PUBLIC_FILE, post=NO_METHOD_FOR_ANYONE),
    *[
        page(name, sample, get=line, post=NO_METHOD_FOR_ANYONE)
        for name, line in (
            ("public:programme", PUBLIC_PAGE),
            ("public:programme_ics", PUBLIC_FILE),
        )
        for sample in ("approved", "active")
    ],
    *[
        page(name, sample, get=NOT_PUBLISHED, post=NO_METHOD_FOR_ANYONE)
        for name in ("public:programme", "public:programme_ics")
        for sample in ("draft", "submitted", "cancelled")
    ],
    page("public:event", "approved_public_event", get=PUBLIC_PAGE, post=NO_METHOD_FOR_ANYONE),
    page("public:event_ics", "approved_public_event", get=PUBLIC_FILE, post=NO_METHOD_FOR_ANYONE),
    *[
        page(name, sample, get=NOT_PUBLISHED, post=NO_METHOD_FOR_ANYONE)
        for name in ("public:event", "public:event_ics")
        # Internal, of a published programme; public, of a programme not published.
        for sample in ("approved_internal_event", "submitted_event")
    ],
]
