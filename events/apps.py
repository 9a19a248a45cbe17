from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        # Django's documented place for this import: the module reads models, which are loaded
        # only once the apps are ready.
        from events.tallies import rebuild_after_migrate

        post_migrate.connect(rebuild_after_migrate, sender=self, dispatch_uid="event_tallies")
