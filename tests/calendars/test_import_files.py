"""What real calendar apps write is accepted: long logical lines, space after the calendar's
end, vCalendar 1.0's quoted-printable text, a gzip, a zip of calendars; an archive beyond the
limits is refused with a clear message, unpacked no further than the limit."""

import gzip
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.imports import (
    MAX_FILES,
    MAX_UNPACKED_BYTES,
    NEW,
    SKIP,
    ImportRejected,
    calendar_import_preview,
)
from events.models import Event
from tests.factories import CountryFactory, InstitutionFactory, MembershipFactory, joint_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    uwed = InstitutionFactory(name="UWED", country=CountryFactory(code="UZ"))
    kaznu = InstitutionFactory(name="KazNU", country=CountryFactory(code="KZ"))
    programme = joint_programme(uz=uwed, kz=kaznu)
    return programme, MembershipFactory(institution=uwed).user, uwed


def calendar(*events: str, version: str = "2.0") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{event}\r\nEND:VEVENT\r\n" for event in events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:{version}\r\nPRODID:-//Example//EN\r\n{body}END:VCALENDAR\r\n"
    ).encode()


def event(uid: str, *lines: str) -> str:
    return "\r\n".join([f"UID:{uid}", "DTSTART:20261005T140000", "DTEND:20261005T160000", *lines])


def preview(world, content: bytes):
    programme, user, host = world
    return calendar_import_preview(
        programme=programme, user=user, content=content, host_institution=host, kind="other"
    )


def refusal(world, content: bytes) -> list[str]:
    with pytest.raises(ImportRejected) as refused:
        preview(world, content)
    return refused.value.messages


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_long_logical_line_is_read_whole(world):
    # A Teams invitation's description: one logical line of 200,000 characters, unfolded.
    text = "Join the meeting: https://teams.example.org/l/meetup-join/" + "x" * 200_000
    plan = preview(world, calendar(event("teams", "SUMMARY:Board meeting", f"DESCRIPTION:{text}")))

    assert [(row.action, row.description) for row in plan.rows] == [(NEW, text)]


def test_blank_space_after_the_calendars_end_is_accepted(world):
    content = calendar(event("a", "SUMMARY:Opening")) + b"\r\n\r\n   \r\n\t\r\n\x1a"

    assert [(row.action, row.title) for row in preview(world, content).rows] == [(NEW, "Opening")]


def test_vcalendar_quoted_printable_text_is_decoded(world):
    content = calendar(
        event(
            "vcs",
            # UTF-8, broken over two lines with a soft line break.
            "SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=D0=A1=D0=B0=D0=BC=D0=B0=\r\n"
            "=D1=80=D0=BA=D0=B0=D0=BD=D0=B4",
            # Windows-1251, two lines.
            "DESCRIPTION;CHARSET=WINDOWS-1251;ENCODING=QUOTED-PRINTABLE:=C2=F5=EE=E4 =F1=E2=EE="
            "\r\n=E1=EE=E4=ED=FB=E9=0D=0A=C1=E8=EB=E5=F2=FB, =EF=EB=E0=ED",
        ),
        version="1.0",
    )

    assert [(row.title, row.description) for row in preview(world, content).rows] == [
        ("Самарканд", "Вход свободный\nБилеты, план")  # noqa: RUF001
    ]


def test_a_gzip_of_a_calendar_is_read(world):
    content = gzip.compress(calendar(event("a", "SUMMARY:Opening")))

    assert [(row.action, row.title) for row in preview(world, content).rows] == [(NEW, "Opening")]


def test_the_calendars_of_a_zip_are_read_together(world):
    content = zipped(
        {
            "Work_abc@group.calendar.google.com.ics": calendar(event("a", "SUMMARY:Opening")),
            "holidays/Family.ics": calendar(
                event("b", "SUMMARY:Closing"), event("a", "SUMMARY:Opening again")
            ),
            "README.txt": b"Exported calendars",
            "__MACOSX/._Family.ics": b"\x00\x05\x16\x07 resource fork",
        }
    )

    assert [(row.action, row.title, row.reason) for row in preview(world, content).rows] == [
        (NEW, "Opening", ""),
        (NEW, "Closing", ""),
        (SKIP, "Opening again", "Its UID appears earlier in this file."),
    ]


def bomb(size: int) -> bytes:
    """A deflated member of ``size`` zero bytes: a few kilobytes per megabyte."""
    return zipped({"bomb.ics": b"\0" * size})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            bomb(64 * 1024 * 1024),
            "Unpacked, the file holds more than 4.0\xa0MB; split it into smaller calendars.",
            id="zip-bomb",
        ),
        pytest.param(
            gzip.compress(b"\0" * (MAX_UNPACKED_BYTES + 1)),
            "Unpacked, the file holds more than 4.0\xa0MB; split it into smaller calendars.",
            id="gzip-bomb",
        ),
        pytest.param(
            zipped(
                {f"{n}.ics": calendar(event(f"e{n}", "SUMMARY:x")) for n in range(MAX_FILES + 1)}
            ),
            "The archive holds more than 20 calendar files; split it.",
            id="too-many-files",
        ),
        pytest.param(
            zipped({f"{n}.txt": b"" for n in range(201)}),
            "The archive lists more than 200 entries.",
            id="too-many-entries",
        ),
        pytest.param(
            zipped({"notes.txt": b"hello"}),
            "The archive holds no calendar file (.ics).",
            id="no-calendar",
        ),
        pytest.param(
            zipped({"a.ics": calendar(event("a", "SUMMARY:x"))}, zipfile.ZIP_BZIP2),
            "“a.ics” in the archive is encrypted or compressed in a way not read here.",
            id="bzip2",
        ),
        pytest.param(
            gzip.compress(calendar(event("a", "SUMMARY:x")))[:-12],
            "The compressed file could not be unpacked; is it complete?",
            id="truncated-gzip",
        ),
        pytest.param(
            zipped({"a.ics": calendar(event("a", "SUMMARY:x")), "b.ics": "Абай".encode("cp1251")}),
            "In “b.ics”: The file is not UTF-8 text, as iCalendar files are. Save it as UTF-8 "
            "and retry.",
            id="member-not-utf-8",
        ),
        pytest.param(
            zipped({"a.ics": calendar(event("a", "SUMMARY:x")), "b.ics": b"Hello"}),
            "In “b.ics”: This is not an iCalendar file: it must begin with BEGIN:VCALENDAR.",
            id="member-not-a-calendar",
        ),
    ],
)
def test_an_archive_beyond_the_limits_is_refused_with_a_clear_message(world, content, message):
    assert refusal(world, content) == [message]
    assert Event.objects.count() == 0


def test_an_encrypted_member_is_refused(world):
    content = bytearray(zipped({"a.ics": calendar(event("a", "SUMMARY:x"))}))
    # Set the "encrypted" flag in the local header and in the directory entry.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = content.index(signature) + offset
        content[at] |= 0x1

    assert refusal(world, bytes(content)) == [
        "“a.ics” in the archive is encrypted or compressed in a way not read here."
    ]


@st.composite
def archives(draw) -> bytes:
    """A gzip or zip of the good calendar cut anywhere or of random bytes, itself cut or with
    random bytes after the archive's magic number."""
    inner = draw(
        st.sampled_from([calendar(event("a", "SUMMARY:Opening")), b""]) | st.binary(max_size=300)
    )
    inner = inner[: draw(st.integers(0, len(inner)))]
    kind = draw(st.sampled_from(["gzip", "zip", "magic"]))
    if kind == "gzip":
        packed = gzip.compress(inner)
    elif kind == "zip":
        packed = zipped({draw(st.sampled_from(["a.ics", "b.vcs", "c.txt"])): inner})
    else:
        packed = draw(st.sampled_from([b"\x1f\x8b", b"PK\x03\x04", b"PK\x05\x06"])) + inner
    return packed[: draw(st.integers(0, len(packed)))] if draw(st.booleans()) else packed


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=archives())
def test_a_broken_archive_is_refused_or_previewed_and_never_fails(world, content):
    try:
        plan = preview(world, content)
    except ImportRejected as exc:
        assert all(message.strip() for message in exc.messages)
    else:
        assert all((row.action == SKIP) == bool(row.reason) for row in plan.rows)
    assert Event.objects.count() == 0
