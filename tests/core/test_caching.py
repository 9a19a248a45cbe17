"""Caching (core/caching.py): a cached value is computed once while nothing changes, and again
after ``content_changed`` — which every service marked ``@changes_content`` and every admin
write calls; inside a transaction nothing is cached; with no cache, nothing is. Which writes
make which pages stale is tests/test_write_paths.py."""

import importlib
import inspect
import pkgutil

import pytest
from django.apps import apps
from django.db import transaction

from core.caching import cached, content_changed, content_version

pytestmark = pytest.mark.django_db


class Counted:
    """A computation that counts how often it ran."""

    def __init__(self):
        self.runs = 0

    def __call__(self) -> int:
        self.runs += 1
        return self.runs


def test_a_value_is_computed_once_while_nothing_changes():
    computation = Counted()

    values = [cached("figure", computation) for _ in range(3)]

    assert (values, computation.runs) == ([1, 1, 1], 1)


def test_values_of_other_names_are_kept_apart():
    assert (cached("one", lambda: "a"), cached("two", lambda: "b")) == ("a", "b")


def test_none_is_cached_like_any_value():
    computation = Counted()

    def nothing() -> None:
        computation()

    values = [cached("nothing", nothing) for _ in range(2)]

    assert (values, computation.runs) == ([None, None], 1)


def test_a_change_of_content_makes_it_computed_again():
    computation = Counted()
    cached("figure", computation)

    content_changed()

    assert (cached("figure", computation), computation.runs) == (2, 2)


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_again_when_the_transaction_commits():
    """A request that read the old rows between the change and the commit cached its value
    under the version the change made: the commit moves it again."""
    with transaction.atomic():
        content_changed()
        during = content_version()

    assert content_version() not in (during, None)


def test_without_a_cache_nothing_is_cached(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    computation = Counted()

    values = [cached("figure", computation) for _ in range(2)]

    assert (values, content_version()) == ([1, 2], None)


@pytest.mark.django_db(transaction=True)
def test_a_value_computed_inside_a_transaction_is_not_cached():
    """It may hold rows the transaction has not committed, or that it will roll back."""
    computation = Counted()
    with transaction.atomic():
        values = [cached("figure", computation) for _ in range(2)]

    assert (values, computation.runs) == ([1, 2], 2)
    assert cached("figure", computation) == 3
    assert cached("figure", computation) == 3


# ---------- every service says whether it changes what pages show ----------

# Services that write nothing a page of the desk shows, and why. Any other service must be
# marked ``@changes_content`` (docs/architecture.md, "Caching").
WRITE_NOTHING_SHOWN = {
    "accounts.services.user_language_set": "a person's own interface language",
    "accounts.services.user_sessions_end": "ends a person's sessions; no page shows them",
    "calendars.services.feed_create": "a person's own feed; feeds are looked up on every fetch",
    "calendars.services.feed_revoke": "forgets the cached feed it revokes, and nothing else",
    "calendars.services.feed_touch": "when a feed was last fetched, shown to its owner only",
    "reminders.services.reminder_send": "records that a mail was sent; no page shows it",
    "reminders.services.reminders_send": "the same, for every reminder due",
    "reminders.services.reminders_due": "reads what is due; it writes nothing",
    "amendments.services.programme_changes": "works out an amendment's changes; writes nothing",
    "amendments.services.event_changes": "the same, for an event",
    "programmes.services.proposals.require_content_open": "refuses a change; writes nothing",
    "programmes.services.proposals.applying_an_amendment": "lets the services it wraps write",
}


def services_modules():
    """Every ``services`` module of the project's apps, packages included."""
    for config in apps.get_app_configs():
        if "site-packages" in config.path:  # Django's apps and other libraries
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        yield module
        if hasattr(module, "__path__"):
            for info in pkgutil.iter_modules(module.__path__):
                yield importlib.import_module(f"{module.__name__}.{info.name}")


def service_functions():
    for module in services_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                yield f"{module.__name__}.{name}", function


def test_every_service_changes_content_or_says_why_not():
    unmarked = {
        name
        for name, function in service_functions()
        if not getattr(function, "changes_content", False)
    }

    assert unmarked == set(WRITE_NOTHING_SHOWN)
