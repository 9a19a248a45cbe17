from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate

from core.caching import content_changed


def after_migrate(sender, using, verbosity=1, **kwargs) -> None:
    """Without REDIS_URL the cache lives in a database table (config/settings.py): made, if
    missing, by every migrate, so no deploy step can forget it (a no-op for other caches).
    ``migrate`` is also the step after a restore or a change made outside the app: what was
    cached from the old rows is stale."""
    call_command("createcachetable", database=using, verbosity=verbosity)
    content_changed()


class CoreConfig(AppConfig):
    """What every app may use and that knows no app: admin helpers, input checks, rate limits,
    the request log, the outage page, caching, the health check."""

    name = "core"

    def ready(self):
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="core_after_migrate")
