from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.services import event_series_extend


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # Translated when the parser is built: argparse cannot format lazy strings.
        return _(
            "Make the dates of every repeating event without end up to two years ahead. Run "
            "it daily (or hourly, with the reminders); safe to run at any time."
        )

    def handle(self, *args, **options):
        count = event_series_extend()
        self.stdout.write(
            ngettext(
                "Looked at %(count)d series without end.",
                "Looked at %(count)d series without end.",
                count,
            )
            % {"count": count}
        )
