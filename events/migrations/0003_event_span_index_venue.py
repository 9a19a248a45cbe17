"""The span index (``events.0002``) also holds each event's venue and status: the clashes a
calendar marks are then found in the index alone (``calendars.warnings``)."""

from django.db import migrations

COLUMNS = "id, programme_id, country_id, starts_at, ends_at, all_day, time_zone"


def index_with(columns: str):
    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("DROP INDEX IF EXISTS event_span_gist")
            schema_editor.execute(
                "CREATE INDEX event_span_gist ON events_event"
                f" USING GIST (TSTZRANGE(starts_at, ends_at)) INCLUDE ({columns})"
            )

    return create


class Migration(migrations.Migration):
    dependencies = [("events", "0002_event_span_index")]

    operations = [
        migrations.RunPython(
            index_with(f"{COLUMNS}, venue_id, status"), index_with(COLUMNS), elidable=False
        )
    ]
