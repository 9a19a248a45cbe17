"""What an import refuses: a whole file (``ImportRejected``), or one of its events (``Skip``)."""

from django.core.exceptions import ValidationError


class ImportRejected(ValidationError):
    """The file as a whole cannot be imported; nothing of it is."""


class Skip(Exception):
    """One VEVENT is left out of the plan, for ``reason``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def rejected(message: str, code: str, **params) -> ImportRejected:
    return ImportRejected(message, code=code, params=params or None)
