"""The calendar's pages and files, one module per part; ``calendars.urls`` joins their routes."""
