import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction

from core.caching import cached
from core.db_router import ReplicaRouter
from events.models import Event

router = ReplicaRouter()

# The router reads the configured databases when it routes; no connection is opened here.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning")


def test_without_a_replica_the_router_leaves_every_read_to_the_default(settings):
    settings.DATABASES = {"default": settings.DATABASES["default"]}

    assert router.db_for_read(Event) is None
    assert router.db_for_write(Event) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_outside_transactions_go_to_the_replica_and_the_rest_to_the_primary(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}

    outside = router.db_for_read(Event)
    with transaction.atomic():
        inside = router.db_for_read(Event)

    assert (outside, inside, router.db_for_write(Event)) == ("replica", "default", "default")
    assert (
        router.allow_migrate("default", "events"),
        router.allow_migrate("replica", "events"),
    ) == (
        True,
        False,
    )


@pytest.mark.django_db(transaction=True)
def test_what_is_cached_is_read_from_the_primary(settings):
    """A replica a moment behind would give the rows from before the change that moved the
    content version, and they would be cached under the new one."""
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}

    routed = cached("where", lambda: router.db_for_read(Event))

    assert (routed, router.db_for_read(Event)) == ("default", "replica")


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_is_read_from_the_primary(settings):
    """Without Redis the content version lives in the database cache: read from a replica a
    moment behind, it would be the version from before the latest change."""
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    database_cache = DatabaseCache("dostlik_cache", {})

    assert (router.db_for_read(database_cache.cache_model_class), router.db_for_read(Event)) == (
        "default",
        "replica",
    )
