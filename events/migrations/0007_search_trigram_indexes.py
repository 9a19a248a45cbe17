"""Trigram indexes for the public portal's search on PostgreSQL (``core.search_indexes``)."""

from django.db import migrations

from core.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("events", "0006_single_line_texts")]

    operations = [
        trigram_indexes(
            {
                "event_title_trgm": ("events_event", "title"),
                "event_description_trgm": ("events_event", "description"),
                "event_city_trgm": ("events_event", "city"),
                "venue_name_trgm": ("events_venue", "name"),
            }
        )
    ]
