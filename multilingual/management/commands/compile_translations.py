"""``manage.py compile_translations``: what ``make install`` runs (see multilingual.catalogs)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from multilingual.catalogs import catalog_paths, compile_catalog


class Command(BaseCommand):
    help = (
        "Compile the translations (.po) under LOCALE_PATHS to the .mo files Django reads, "
        "without GNU gettext. Fails on a translation whose placeholders or plural forms do not "
        "fit its original."
    )

    def handle(self, *args, **options):
        problems = []
        for po_path in catalog_paths(settings.LOCALE_PATHS):
            found = compile_catalog(po_path)
            problems.extend(found)
            if not found and options["verbosity"] > 1:
                self.stdout.write(f"compiled {po_path.with_suffix('.mo')}")
        if problems:
            raise CommandError(
                "These translations cannot be used as written:\n"
                + "\n".join(str(problem) for problem in problems)
            )
