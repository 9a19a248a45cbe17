import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from events.models import Event
from institutions.demo import demo_events_generate, demo_load
from institutions.demo.content import DEMO_PASSWORD
from institutions.models import Country, Institution
from programmes.models import Agreement, Programme


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # Translated when the parser is built: argparse cannot format lazy strings.
        return _(
            "Load the demo data: the real institutions, agreements, programmes and events of "
            "Uzbek-Kazakh cultural cooperation, and the demo accounts admin, uz.national, "
            "kz.national, uz.coordinator, kz.coordinator and viewer (password: dostlik-demo; "
            "development only). Records already there are skipped, so running it again "
            "changes nothing."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--events",
            type=int,
            default=0,
            metavar="N",
            help=_(
                "Also add N generated events over the existing programmes, dated last year "
                "and this year, for volume testing. The same N yields the same events, so "
                "repeating it adds nothing."
            ),
        )

    def handle(self, *args, events: int, **options):
        if events < 0:
            raise CommandError(_("--events must be zero or more."))
        # One transaction: an interrupted load leaves nothing half-made behind.
        with transaction.atomic():
            report = demo_load()
            generated = demo_events_generate(count=events, progress_file=sys.stderr)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Loaded demo data: %(countries)d countries, %(institutions)d institutions, "
                    "%(users)d users, %(agreements)d agreements, %(programmes)d programmes, "
                    "%(events)d events (%(created)d new records, %(generated)d generated "
                    "events). Password of the demo accounts: %(password)s"
                )
                % {
                    "countries": Country.objects.count(),
                    "institutions": Institution.objects.count(),
                    "users": User.objects.count(),
                    "agreements": Agreement.objects.count(),
                    "programmes": Programme.objects.count(),
                    "events": Event.objects.count(),
                    "created": report.total_created,
                    "generated": generated,
                    "password": DEMO_PASSWORD,
                }
            )
        )
