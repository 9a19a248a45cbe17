from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The pages that put several apps together: the home page and an institution's page."""

    name = "desk"
