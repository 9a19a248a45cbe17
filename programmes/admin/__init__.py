"""The admin of agreements and programmes; importing the modules registers their admins."""

from programmes.admin import agreements, programmes, reminders

__all__ = ["agreements", "programmes", "reminders"]
