"""Trigram indexes for the public portal's search on PostgreSQL (``core.search_indexes``)."""

from django.db import migrations

from core.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("programmes", "0008_single_line_texts")]

    operations = [
        trigram_indexes(
            {
                "programme_title_trgm": ("programmes_programme", "title"),
                "programme_summary_trgm": ("programmes_programme", "summary"),
            }
        )
    ]
