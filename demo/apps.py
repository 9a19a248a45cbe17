from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: the institutions and events of the seed paper, demo accounts, volume data."""

    name = "demo"
