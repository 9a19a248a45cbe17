"""Reminders move to their own app (``reminders.0001_initial``), which may know both agreements
and events. The table and its rows stay: it is renamed here, and only the models' state moves."""

from django.db import migrations


def content_type_to_reminders(apps, schema_editor):
    # Admin log entries and permissions follow the model to its new app.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="programmes", model="reminder"
    ).update(app_label="reminders")


def content_type_to_programmes(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="reminders", model="reminder"
    ).update(app_label="programmes")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("programmes", "0003_agreement_documents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="reminder", table="reminders_reminder"),
            ],
            state_operations=[
                migrations.DeleteModel(name="Reminder"),
            ],
        ),
        migrations.RunPython(content_type_to_reminders, content_type_to_programmes),
    ]
