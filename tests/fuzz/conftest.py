"""One sample world per test module (the permission matrix's), built once in a transaction
rolled back when the module ends; every example runs in a savepoint of its own."""

from collections.abc import Iterator

import pytest

from tests.fuzz.examples import rolled_back
from tests.fuzz.pages import Pages
from tests.permission_matrix.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock(), rolled_back():
        yield build_world()


@pytest.fixture(scope="module")
def pages(world) -> Pages:
    return Pages(world)
