"""Whole calendar files kept on this server's disk, so an unchanged calendar fetched in full is
sent as a file (``FileResponse``: gunicorn hands it to the kernel with ``sendfile``) instead of
being made again from its events on every fetch.

One file per calendar and reader (the cache_key of ``calendars.ical.feed_validators``), named
after its ETag, with a gzip copy for clients that accept it: a calendar that changes replaces
its files, so the folder holds at most two files per feed and language, and the public
calendar's; a file is sent for a day at most. The files are a cache of what the database makes:
each server has its own folder (``CALENDAR_FILES_DIR``), which may be emptied at any time; a
folder that cannot be used only means calendars are sent from memory.
"""

import gzip
import hashlib
import logging
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

# A kept file is sent for at most a day, then made again.
FILE_MAX_AGE_SECONDS = 24 * 60 * 60


def _names(*, cache_key: str, etag: str) -> tuple[str, str]:
    """The file's name: what the calendar is (the cache_key), then which version (the ETag)."""
    calendar = hashlib.sha256(cache_key.encode()).hexdigest()[:32]
    version = hashlib.sha256(etag.encode()).hexdigest()[:16]
    return calendar, f"{calendar}-{version}.ics"


def _folder(*, quiet: bool = False) -> Path | None:
    """The folder, made if need be; None unless it is a folder of this process's own user that
    no one else may write to (in a shared /tmp, another user could have made it to plant
    files). Said in the log when a calendar could not be kept (``quiet`` when only looking)."""
    folder = Path(settings.CALENDAR_FILES_DIR)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.lstat()
    except OSError as error:
        if not quiet:
            logger.warning("Calendar files cannot be kept in %s: %s", folder, error)
        return None
    private = status.st_uid == os.getuid() and not status.st_mode & 0o022
    if not stat.S_ISDIR(status.st_mode) or not private:
        if not quiet:
            logger.warning(
                "Calendar files are not kept in %s: not a folder of this user alone", folder
            )
        return None
    return folder


def cached_file(*, cache_key: str, etag: str, compressed: bool = False) -> BinaryIO | None:
    """The kept file of this version of the calendar, open for reading (the response closes
    it), or its gzip copy; None if it is not kept."""
    folder = _folder(quiet=True)
    if folder is None:
        return None
    _calendar, name = _names(cache_key=cache_key, etag=etag)
    if compressed:
        name += ".gz"
    try:
        file = open(folder / name, "rb")  # noqa: SIM115 - the response closes it
    except OSError:
        return None
    # Older than a day: made by code that may have written calendars differently since.
    if time.time() - os.fstat(file.fileno()).st_mtime > FILE_MAX_AGE_SECONDS:
        file.close()
        (folder / name).unlink(missing_ok=True)
        return None
    return file


def cache_file(*, cache_key: str, etag: str, content: bytes) -> None:
    """Keep ``content`` as this version of the calendar, in place of any older version.
    Written whole under a temporary name first, so no fetch ever sends half a file."""
    folder = _folder()
    if folder is None:
        return
    calendar, name = _names(cache_key=cache_key, etag=etag)
    temporary = None
    try:
        # The gzip copy first: a kept file is sent compressed only once both are there.
        for kept, body in ((f"{name}.gz", _compressed(content)), (name, content)):
            descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
            with os.fdopen(descriptor, "wb") as file:
                file.write(body)
            os.replace(temporary, folder / kept)
            temporary = None
        for older in folder.glob(f"{calendar}-*.ics*"):
            if older.name not in (name, f"{name}.gz"):
                older.unlink(missing_ok=True)
        # What a worker killed in the middle of writing left behind.
        for left in folder.glob(".writing-*"):
            if time.time() - left.stat().st_mtime > FILE_MAX_AGE_SECONDS:
                left.unlink(missing_ok=True)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        logger.warning("Calendar file not kept in %s: %s", folder, error)


def _compressed(content: bytes) -> bytes:
    # No file name or time in the header: the same calendar makes the same bytes.
    return gzip.compress(content, compresslevel=6, mtime=0)


_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def calendar_response(
    *,
    cache_key: str,
    etag: str,
    make: Callable[[], bytes],
    content_type: str,
    on_disk: bool = True,
    request=None,
) -> HttpResponse:
    """The calendar's body: the kept file of this version if there is one, else ``make()``,
    which is then kept. The caller adds its own headers (validators, Content-Disposition).
    Only calendars of a bounded number (feeds, the public calendar) are kept ``on_disk``: a calendar
    made for any query string would let anyone fill the disk. A client of ``request`` that
    accepts gzip is sent the kept gzip copy, as a static file is, rather than the kept file
    compressed again on every fetch (GZipMiddleware leaves an answer already encoded alone)."""
    if not on_disk:
        return HttpResponse(make(), content_type=content_type)
    accepts_gzip = request is not None and _ACCEPTS_GZIP.search(
        request.headers.get("Accept-Encoding", "")
    )
    kept = accepts_gzip and cached_file(cache_key=cache_key, etag=etag, compressed=True)
    if kept:
        response = FileResponse(kept, content_type=content_type)
        del response["Content-Disposition"]
        response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ("Accept-Encoding",))
        return response
    kept = cached_file(cache_key=cache_key, etag=etag)
    if kept is not None:
        response = FileResponse(kept, content_type=content_type)
        # FileResponse would name the download after the kept file.
        del response["Content-Disposition"]
        return response
    content = make()
    cache_file(cache_key=cache_key, etag=etag, content=content)
    return HttpResponse(content, content_type=content_type)
