from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(sender, using, verbosity=1, **kwargs) -> None:
    """Without REDIS_URL the cache lives in a database table (config/settings.py): made, if
    missing, by every migrate, so no deploy step can forget it. A no-op for other caches."""
    call_command("createcachetable", database=using, verbosity=verbosity)


class CoreConfig(AppConfig):
    """What every app may use and that knows no app: admin helpers, input checks, rate limits,
    the request log, the outage page, caching, the health check."""

    name = "core"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="core_cache_table")
