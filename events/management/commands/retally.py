from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.tallies import retally_all


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # Translated when the parser is built: argparse cannot format lazy strings.
        return _(
            "Rebuild the event tallies the reports read from the events themselves, as every "
            "migrate does: after events were written outside the app (a restore, SQL typed by "
            "hand). Safe to run at any time."
        )

    def handle(self, *args, **options):
        rows = retally_all()
        self.stdout.write(
            ngettext("Wrote %(count)d event tally row.", "Wrote %(count)d event tally rows.", rows)
            % {"count": rows}
        )
