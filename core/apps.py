from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app may use and that knows no app: admin helpers, input checks, rate limits,
    the request log, the outage page, caching, the health check."""

    name = "core"
