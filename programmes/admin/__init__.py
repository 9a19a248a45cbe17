"""The admin of agreements and programmes; importing the modules registers their admins."""

from programmes.admin import agreements, programmes

__all__ = ["agreements", "programmes"]
