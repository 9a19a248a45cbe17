"""Two changes to the span indexes of PostgreSQL (``events.0002``):

- ``event_span_gist`` also holds each event's venue and status, so that the clashes a calendar
  marks are found in the index alone (``events.warnings``);
- ``event_all_day_span_gist`` indexes the spans of all-day events only: a month grid asks the
  time zones of the all-day events of its weeks (``calendars.selectors.month_entries``), a few
  in a hundred of them."""

from django.db import migrations

COLUMNS = "id, programme_id, country_id, starts_at, ends_at, all_day, time_zone"


def span_index(columns: str):
    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("DROP INDEX IF EXISTS event_span_gist")
            schema_editor.execute(
                "CREATE INDEX event_span_gist ON events_event"
                f" USING GIST (TSTZRANGE(starts_at, ends_at)) INCLUDE ({columns})"
            )

    return create


def create_all_day_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS event_all_day_span_gist ON events_event"
            " USING GIST (TSTZRANGE(starts_at, ends_at)) INCLUDE (starts_at, ends_at, time_zone)"
            " WHERE all_day"
        )


def drop_all_day_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS event_all_day_span_gist")


class Migration(migrations.Migration):
    dependencies = [("events", "0002_event_span_index")]

    operations = [
        migrations.RunPython(
            span_index(f"{COLUMNS}, venue_id, status"), span_index(COLUMNS), elidable=False
        ),
        migrations.RunPython(create_all_day_index, drop_all_day_index, elidable=False),
    ]
