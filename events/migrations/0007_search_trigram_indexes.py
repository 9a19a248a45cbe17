"""Trigram indexes for the public portal's search on PostgreSQL (pg_trgm): each word is looked
for with ``icontains``, which PostgreSQL runs as ``UPPER(column::text) LIKE '%WORD%'``, and these
indexes answer exactly that expression, so a search reads the index instead of every row.
PostgreSQL's own; other databases go without them."""

from django.db import migrations

INDEXES = {
    "event_title_trgm": ("events_event", "title"),
    "event_description_trgm": ("events_event", "description"),
    "event_city_trgm": ("events_event", "city"),
    "venue_name_trgm": ("events_venue", "name"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, (table, column) in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table}"
                f" USING GIN ((UPPER({column}::text)) gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("events", "0006_single_line_texts")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
