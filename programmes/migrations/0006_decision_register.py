"""The decision register: every decision a row that stays, taken on a numbered version of the
programme's approved content. Approvals become decisions (the table is renamed, its rows kept),
each tied to a first version made here from the programme as it stands."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from programmes.versions import approved_content, fingerprint


def first_versions(apps, schema_editor):
    """A version 1 for every programme that was ever put before the national coordinators, with
    its decisions on it. Made with the live content reader, so its fingerprint is the one the
    app computes."""
    Programme = apps.get_model("programmes", "Programme")
    ProgrammeVersion = apps.get_model("programmes", "ProgrammeVersion")
    Decision = apps.get_model("programmes", "Decision")
    database = schema_editor.connection.alias
    for programme in Programme.objects.using(database).exclude(status="draft").iterator():
        content = approved_content(programme)
        version = ProgrammeVersion.objects.using(database).create(
            programme=programme,
            number=1,
            made="submitted",
            fingerprint=fingerprint(content),
            content=content,
            reason="",
            adopted_at=django.utils.timezone.now(),
        )
        Programme.objects.using(database).filter(pk=programme.pk).update(current_version=version)
        Decision.objects.using(database).filter(programme=programme).update(version=version)
    # A draft keeps no decisions: a withdrawal or a reopening used to delete them.
    Decision.objects.using(database).filter(version__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0005_translations_help_text"),
        ("institutions", "0002_translations_help_text"),
        ("programmes", "0005_translations_help_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProgrammeVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(verbose_name="version")),
                ("made", models.CharField(choices=[("submitted", "Submitted"), ("changed", "Changed after submission"), ("resubmitted", "Resubmitted"), ("proposed", "Proposed as an amendment")], max_length=20, verbose_name="made")),
                ("fingerprint", models.CharField(max_length=64, verbose_name="fingerprint")),
                ("content", models.JSONField(verbose_name="approved content")),
                ("reason", models.TextField(blank=True, help_text="What was changed, or the resubmission's note.", verbose_name="note")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="at")),
                ("adopted_at", models.DateTimeField(blank=True, null=True, verbose_name="in force from")),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="by")),
                ("programme", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="versions", to="programmes.programme", verbose_name="programme")),
            ],
            options={
                "verbose_name": "programme version",
                "verbose_name_plural": "programme versions",
                "ordering": ["programme", "number"],
                "constraints": [models.UniqueConstraint(fields=("programme", "number"), name="programme_version_unique_number")],
            },
        ),
        migrations.AddField(
            model_name="programme",
            name="current_version",
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="programmes.programmeversion", verbose_name="current version"),
        ),
        migrations.AddField(
            model_name="historicalprogramme",
            name="current_version",
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="programmes.programmeversion", verbose_name="current version"),
        ),
        migrations.RemoveConstraint(model_name="approval", name="approval_one_per_country"),
        migrations.RenameModel(old_name="Approval", new_name="Decision"),
        migrations.AlterModelOptions(
            name="decision",
            options={"ordering": ["decided_at", "pk"], "verbose_name": "decision", "verbose_name_plural": "decisions"},
        ),
        migrations.AlterField(
            model_name="decision",
            name="programme",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="decisions", to="programmes.programme", verbose_name="programme"),
        ),
        migrations.AddField(
            model_name="decision",
            name="version",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="decisions", to="programmes.programmeversion", verbose_name="version decided on"),
        ),
        migrations.AddField(
            model_name="decision",
            name="superseded_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="superseded_decisions", to="programmes.programmeversion", verbose_name="superseded by"),
        ),
        migrations.AddField(
            model_name="decision",
            name="on_paper",
            field=models.BooleanField(default=False, verbose_name="taken on paper"),
        ),
        migrations.AddField(
            model_name="decision",
            name="registry_number",
            field=models.CharField(blank=True, max_length=100, verbose_name="registry number"),
        ),
        migrations.AddField(
            model_name="decision",
            name="letter_date",
            field=models.DateField(blank=True, null=True, verbose_name="letter date"),
        ),
        migrations.AddField(
            model_name="decision",
            name="letter",
            field=models.FileField(blank=True, max_length=200, upload_to="", verbose_name="scanned letter"),
        ),
        migrations.AddField(
            model_name="decision",
            name="recorded_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="recorded by"),
        ),
        migrations.RunPython(first_versions, migrations.RunPython.noop),
    ]
