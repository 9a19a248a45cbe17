"""How many examples each case draws, and the savepoint each runs in."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import caches
from django.db import transaction
from hypothesis import HealthCheck, settings

# A handful of drawn examples per URL and role (after the fixed ones) keeps the package within
# a few minutes; FUZZ_EXAMPLES searches further: ``FUZZ_EXAMPLES=200 pytest tests/fuzz``.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))

# Examples are requests through the whole stack: no deadline, and slow data is expected.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction (a savepoint inside the test's) rolled back however it ends, on an empty
    cache: every example starts from the same rows, whatever the one before wrote, and nothing
    it cached (a feed's events, a page's figures) outlives the rows it came from."""
    for cache in caches.all():
        cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
