"""Every decision now names its version: the column is required, and a country decides once on
a version. Apart from 0006, whose rows PostgreSQL must have written before the table changes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0006_decision_register"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="decided_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="decided by"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="version",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="decisions", to="programmes.programmeversion", verbose_name="version decided on"),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(fields=("version", "country"), name="decision_once_per_country_and_version", violation_error_message="This country has already decided on this version."),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("letter_date__isnull", True), ("on_paper", False), ("registry_number", "")), models.Q(("letter_date__isnull", False), ("on_paper", True), models.Q(("registry_number", ""), _negated=True)), _connector="OR"), name="decision_paper_has_its_letter", violation_error_message="A decision taken on paper names its letter's registry number and date."),
        ),
    ]
