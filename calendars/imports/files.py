"""The uploaded file, unpacked: the calendar text of a plain file, of a gzip, or of each calendar
file of a zip archive.

What the upload is comes from its first bytes, never from its name: a gzip stream (``1f 8b``), a
zip archive (``PK``), else text. Unpacking is bounded whatever the archive claims: members are
read as streams, each only as far as what is left of ``MAX_UNPACKED_BYTES``, so a small archive
that would unpack to gigabytes (a zip bomb) is refused once the limit is passed, never read to
its end. Of a zip, only the files named as calendars (``CALENDAR_NAME_ENDINGS``) are read, at
most ``MAX_FILES``; folders, other files and the ``__MACOSX`` copies macOS adds are left out.
Members compressed other than by deflate, as zip programs do, or encrypted, are refused: a
stream decompressor of another kind may expand one read without bound.
"""

import dataclasses
import gzip
import io
import zipfile

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from calendars.imports.errors import ImportRejected, rejected

MAX_BYTES = 1024 * 1024
# The calendar text an upload may unpack to, all its files together; a plain file is its own
# size.
MAX_UNPACKED_BYTES = 4 * 1024 * 1024
MAX_FILES = 20
# Entries of any kind a zip archive may list (folders, other files): its directory is read
# whole before any member.
MAX_ARCHIVE_ENTRIES = 200
CALENDAR_NAME_ENDINGS = (".ics", ".ical", ".icalendar", ".ifb", ".vcs")
_READABLE_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


@dataclasses.dataclass(frozen=True)
class CalendarText:
    """One calendar file of the upload: its name in an archive ("" for the upload itself)."""

    name: str
    text: str


def read_upload(upload: UploadedFile) -> bytes:
    """The uploaded file's bytes, refused unread when it says it is too large, and never read
    beyond the limit whatever it says."""
    too_large = rejected(
        _("The file is larger than %(limit)s; split it into smaller calendars."),
        "too_large",
        limit=filesizeformat(MAX_BYTES),
    )
    if upload.size is not None and upload.size > MAX_BYTES:
        raise too_large
    upload.seek(0)
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise too_large
    return content


def calendar_texts(content: bytes) -> list[CalendarText]:
    """The calendar text of each file the upload holds; ``ImportRejected`` when it cannot be
    unpacked within the limits or a file is not UTF-8."""
    if content.startswith(b"\x1f\x8b"):
        return [CalendarText("", _text(_gunzipped(content)))]
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_members(content)
    if len(content) > MAX_UNPACKED_BYTES:  # only when MAX_BYTES is raised above it
        raise _too_large_unpacked()
    return [CalendarText("", _text(content))]


def _too_large_unpacked() -> ImportRejected:
    return rejected(
        _("Unpacked, the file holds more than %(limit)s; split it into smaller calendars."),
        "unpacked_too_large",
        limit=filesizeformat(MAX_UNPACKED_BYTES),
    )


def _unreadable_archive() -> ImportRejected:
    return rejected(
        _("The compressed file could not be unpacked; is it complete?"), "unreadable_archive"
    )


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise rejected(
            _("The file is not UTF-8 text, as iCalendar files are. Save it as UTF-8 and retry."),
            "encoding",
        ) from exc


def _gunzipped(content: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            # The reader decompresses no more than it is asked for.
            data = stream.read(MAX_UNPACKED_BYTES + 1)
    except Exception as exc:  # a decompressor fed hostile bytes: any failure refuses it
        raise _unreadable_archive() from exc
    if len(data) > MAX_UNPACKED_BYTES:
        raise _too_large_unpacked()
    return data


def _is_calendar_name(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return (
        not name.startswith("__MACOSX/")
        and not base.startswith(".")
        and base.lower().endswith(CALENDAR_NAME_ENDINGS)
    )


def _zip_members(content: bytes) -> list[CalendarText]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except Exception as exc:  # a hostile directory: any failure refuses it
        raise _unreadable_archive() from exc
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise rejected(
            _("The archive lists more than %(limit)s entries."),
            "archive_entries",
            limit=MAX_ARCHIVE_ENTRIES,
        )
    members = [entry for entry in entries if not entry.is_dir()]
    members = [entry for entry in members if _is_calendar_name(entry.filename)]
    if not members:
        raise rejected(_("The archive holds no calendar file (.ics)."), "archive_without_calendars")
    if len(members) > MAX_FILES:
        raise rejected(
            _("The archive holds more than %(limit)s calendar files; split it."),
            "archive_files",
            limit=MAX_FILES,
        )
    texts = []
    left = MAX_UNPACKED_BYTES
    for member in members:
        name = member.filename[-120:]
        if member.flag_bits & 0x1 or member.compress_type not in _READABLE_COMPRESSION:
            raise rejected(
                _("“%(name)s” in the archive is encrypted or compressed in a way not read here."),
                "archive_method",
                name=name,
            )
        try:
            with archive.open(member) as stream:
                data = stream.read(left + 1)
        except Exception as exc:  # a hostile member: any failure refuses it
            raise _unreadable_archive() from exc
        if len(data) > left:
            raise _too_large_unpacked()
        left -= len(data)
        try:
            texts.append(CalendarText(name, _text(data)))
        except ImportRejected as exc:
            raise in_member(exc, name) from exc
    return texts


def in_member(exc: ImportRejected, name: str) -> ImportRejected:
    """``exc`` said of the archive's file ``name``; unchanged for the upload itself."""
    if not name:
        return exc
    return rejected(
        _("In “%(name)s”: %(error)s"), exc.code or "member", name=name, error=" ".join(exc.messages)
    )
