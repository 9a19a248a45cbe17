"""The calendar's pages and files, one module per part; their routes are in ``calendars.urls``."""
