from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event
from institutions.models import Country, Institution
from programmes.models import Programme


class EventTally(models.Model):
    """The events of one programme in one year with one status, kind, country and host, counted
    with their attendance: what the reports add up, so a report reads as many rows as there are
    such combinations, whatever the number of events. The year is that of the start in the
    site's time zone (``TIME_ZONE``).

    Kept by ``reports.tallies`` on every write of an event; never edited by hand (``manage.py
    retally`` rebuilds the table from the events)."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="event_tallies",
        verbose_name=_("programme"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Event.Status.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Event.Kind.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    host_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("host institution")
    )
    events = models.PositiveIntegerField(_("events"))
    audience = models.PositiveBigIntegerField(
        _("audience"), help_text=_("The actual attendance of the events that give it.")
    )
    with_both = models.PositiveIntegerField(
        _("events with both attendances"),
        help_text=_("Events that give both the actual and the youth attendance."),
    )
    audience_with_both = models.PositiveBigIntegerField(
        _("audience of the events with both attendances")
    )
    youth = models.PositiveBigIntegerField(
        _("youth audience"), help_text=_("Of the events that give both attendances, under 30.")
    )

    class Meta:
        verbose_name = _("event tally")
        verbose_name_plural = _("event tallies")
        indexes = [models.Index(fields=["year", "programme"], name="event_tally_year_programme")]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "status", "kind", "country", "host_institution"],
                name="event_tally_unique_combination",
            ),
        ]

    def __str__(self):
        return f"{self.programme_id} {self.year} {self.status} {self.kind}: {self.events}"
