from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.caching import content_changed
from events.tallies import retally_all


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # Translated when the parser is built: argparse cannot format lazy strings.
        return _(
            "Make every page, report and calendar feed current after records were written "
            "outside the app (a restore, SQL typed by hand): rebuilds the event tallies the "
            "reports read and makes everything cached stale, as every migrate does. Safe to "
            "run at any time."
        )

    def handle(self, *args, **options):
        rows = retally_all()
        content_changed()
        self.stdout.write(
            ngettext("Wrote %(count)d event tally row.", "Wrote %(count)d event tally rows.", rows)
            % {"count": rows}
            + " "
            + _("Every cached page and calendar is made again from the records.")
        )
