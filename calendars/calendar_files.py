"""Whole calendar files kept on this server's disk, so an unchanged calendar fetched in full is
sent as a file (``FileResponse``: gunicorn hands it to the kernel with ``sendfile``) instead of
being read from Redis and unpacked on every fetch.

One file per calendar and reader (the salt of ``calendars.ical.feed_validators``), named after
its ETag: a calendar that changes replaces its file, so the folder holds at most one file per
feed, reader and language. The files are a cache of what Redis keeps and what the database
makes: each server has its own folder (``CALENDAR_FILES_DIR``), which may be emptied at any
time; a folder that cannot be written only means calendars are sent from memory.
"""

import hashlib
import logging
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.http import FileResponse, HttpResponse

logger = logging.getLogger(__name__)


def _names(*, salt: str, etag: str) -> tuple[str, str]:
    """The file's name: what the calendar is (the salt), then which version (the ETag)."""
    calendar = hashlib.sha256(salt.encode()).hexdigest()[:32]
    version = hashlib.sha256(etag.encode()).hexdigest()[:16]
    return calendar, f"{calendar}-{version}.ics"


def _folder(*, quiet: bool = False) -> Path | None:
    """The folder, made if need be; None unless it is a folder of this process's own user (in
    a shared /tmp, another user could have made it to plant files). Said in the log when a
    calendar could not be kept (``quiet`` when only looking for one)."""
    folder = Path(settings.CALENDAR_FILES_DIR)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.lstat()
    except OSError as error:
        if not quiet:
            logger.warning("Calendar files cannot be kept in %s: %s", folder, error)
        return None
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
        if not quiet:
            logger.warning("Calendar files are not kept in %s: not a folder of this user", folder)
        return None
    return folder


def kept_file(*, salt: str, etag: str) -> BinaryIO | None:
    """The kept file of this version of the calendar, open for reading (the response closes
    it); None if it is not kept."""
    folder = _folder(quiet=True)
    if folder is None:
        return None
    _calendar, name = _names(salt=salt, etag=etag)
    try:
        return open(folder / name, "rb")
    except OSError:
        return None


def keep_file(*, salt: str, etag: str, content: bytes) -> None:
    """Keep ``content`` as this version of the calendar, in place of any older version.
    Written whole under a temporary name first, so no fetch ever sends half a file."""
    folder = _folder()
    if folder is None:
        return
    calendar, name = _names(salt=salt, etag=etag)
    temporary = None
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(temporary, folder / name)
        for older in folder.glob(f"{calendar}-*.ics"):
            if older.name != name:
                older.unlink(missing_ok=True)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        logger.warning("Calendar file not kept in %s: %s", folder, error)


def calendar_response(
    *, salt: str, etag: str, make: Callable[[], bytes], content_type: str
) -> HttpResponse:
    """The calendar's body: the kept file of this version if there is one, else ``make()``,
    which is then kept. The caller adds its own headers (validators, Content-Disposition)."""
    kept = kept_file(salt=salt, etag=etag)
    if kept is not None:
        response = FileResponse(kept, content_type=content_type)
        # FileResponse would name the download after the kept file.
        del response["Content-Disposition"]
        return response
    content = make()
    keep_file(salt=salt, etag=etag, content=content)
    return HttpResponse(content, content_type=content_type)
