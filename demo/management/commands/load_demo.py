import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from demo.content import DEMO_PASSWORD
from demo.generated import demo_events_generate
from demo.loading import demo_load
from events.models import Event
from institutions.models import Country, Institution
from programmes.models import Agreement, Programme


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # Translated when the parser is built: argparse cannot format lazy strings.
        return _(
            "Load the demo data: the real institutions, agreements, programmes and events of "
            "Uzbek-Kazakh cultural cooperation, and the demo accounts admin, uz.national, "
            "uz.deputy, kz.national, uz.coordinator, kz.coordinator and viewer (password: "
            "dostlik-demo; "
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
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=_(
                "Load even though DEBUG is off. The demo creates the superuser admin with a "
                "published password, so never use this on a database that serves real users."
            ),
        )

    def handle(self, *args, events: int, allow_production: bool, **options):
        # DEBUG off means a real deployment: a superuser whose password is in the README would
        # be an open door, so it takes an explicit flag.
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                _(
                    "DEBUG is off, so this looks like a production database. The demo data "
                    "includes the superuser admin with the public password %(password)s. "
                    "Run it with DEBUG=1 for development, or pass --allow-production if you "
                    "really mean to load it here."
                )
                % {"password": DEMO_PASSWORD}
            )
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
