from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.notices import summaries_send
from reminders.services import DueReminder, reminders_due, reminders_send


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # Translated when the parser is built: argparse cannot format lazy strings.
        return _(
            "Mail the reminders that are due: to national coordinators about agreements that "
            "expire within 90 and within 30 days, and to coordinators about the events their "
            "institution hosts in the coming week; and the daily summaries of those who read "
            "their mail once a day. Each reminder and summary is sent once, so it is safe to "
            "run every hour."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Print the reminders that are due without sending or recording them."),
        )

    def handle(self, *args, dry_run: bool, **options):
        now = timezone.now()
        if dry_run:
            due = reminders_due(now=now)
            if not due:
                self.stdout.write(_("Would send no reminders: none is due."))
                return
            self.stdout.write(
                ngettext(
                    "Would send %(count)d reminder:", "Would send %(count)d reminders:", len(due)
                )
                % {"count": len(due)}
            )
            self._list(self.stdout, due)
            return

        recorded = reminders_send(now=now)
        sent = [reminder for reminder in recorded if not reminder.failed]
        failed = [reminder for reminder in recorded if reminder.failed]
        if not recorded:
            self.stdout.write(_("Sent no reminders: none was due."))
        elif sent:
            self.stdout.write(
                ngettext("Sent %(count)d reminder:", "Sent %(count)d reminders:", len(sent))
                % {"count": len(sent)}
            )
            self._list(self.stdout, sent)
        if failed:
            self.stderr.write(
                ngettext(
                    "Could not send %(count)d reminder; the error is logged and it will not "
                    "be retried:",
                    "Could not send %(count)d reminders; the errors are logged and they will "
                    "not be retried:",
                    len(failed),
                )
                % {"count": len(failed)}
            )
            self._list(self.stderr, failed)
        summaries = summaries_send(now=now)
        if summaries:
            self.stdout.write(
                ngettext(
                    "Sent %(count)d daily summary:",
                    "Sent %(count)d daily summaries:",
                    len(summaries),
                )
                % {"count": len(summaries)}
            )
            for person in summaries:
                self.stdout.write(f"  {person.email}")

    @staticmethod
    def _list(stream, reminders: list[DueReminder]) -> None:
        for reminder in reminders:
            stream.write(f"  {reminder.recipient.email}: {reminder.subject}")
