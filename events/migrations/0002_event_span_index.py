"""A GiST index of each event's span on PostgreSQL, for the calendars' overlap queries
(``events.spans``). It also holds the columns a month grid places events by, so that it is
read without the table. Not declared on the model: it is PostgreSQL's own, and other
databases go without it."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS event_span_gist"
            " ON events_event USING GIST (TSTZRANGE(starts_at, ends_at))"
            " INCLUDE (id, programme_id, country_id, starts_at, ends_at, all_day, time_zone)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS event_span_gist")


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
