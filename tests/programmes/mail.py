"""What a test of notifications reads of the work queued for after a commit."""

from collections.abc import Callable


def mail_callbacks(callbacks: list[Callable]) -> list[Callable]:
    """The callbacks queued for after the commit, but the new content version every write asks
    for (core/caching.py): what is left sends mail."""
    return [callback for callback in callbacks if callback.__module__ != "core.caching"]
