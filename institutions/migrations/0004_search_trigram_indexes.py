"""Trigram indexes for the public portal's search on PostgreSQL (``core.search_indexes``)."""

from django.db import migrations

from core.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("institutions", "0003_single_line_texts")]

    operations = [
        trigram_indexes(
            {
                "institution_name_trgm": ("institutions_institution", "name"),
            }
        )
    ]
