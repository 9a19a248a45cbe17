"""Every service that changes content writes all its rows or none: it runs in one transaction,
so a failure between two of its writes (a killed worker, a database error) leaves nothing
half-written."""

import datetime
import inspect
import zoneinfo

import pytest
from django.db import DatabaseError, connection

from events.models import Event, EventTally
from events.services import event_create
from tests.core.test_caching import service_functions
from tests.factories import CountryFactory, InstitutionFactory, joint_programme

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


def test_every_service_that_changes_content_runs_in_one_transaction():
    # ``transaction.atomic`` leaves no mark on the function it wraps: the source says it.
    not_atomic = {
        name
        for name, function in service_functions()
        if getattr(function, "changes_content", False)
        and "@transaction.atomic" not in inspect_source(function)
    }

    assert not_atomic == set()


def inspect_source(function) -> str:
    return inspect.getsource(inspect.unwrap(function))


def failing_on(table: str):
    """A database that fails every statement touching ``table``, as a lost connection would."""

    def execute(run, sql, params, many, context):
        if table in sql:
            raise DatabaseError("the connection was lost")
        return run(sql, params, many, context)

    return connection.execute_wrapper(execute)


@pytest.mark.django_db(transaction=True)
def test_an_event_whose_tallies_cannot_be_written_is_not_written_either():
    gallery = InstitutionFactory(country=CountryFactory(code="UZ"))
    programme = joint_programme(
        uz=gallery, kz=InstitutionFactory(country=CountryFactory(code="KZ"))
    )
    starts_at = datetime.datetime(2027, 4, 10, 18, tzinfo=TASHKENT)

    # The event's row and its history are written; the report tallies, the next write, fail.
    with failing_on("eventtally"), pytest.raises(DatabaseError):
        event_create(
            actor=None,
            programme=programme,
            title="Abay. Heritage of Fraternal Peoples",
            kind=Event.Kind.EXHIBITION,
            host_institution=gallery,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3),
        )

    assert (Event.objects.count(), Event.history.count(), EventTally.objects.count()) == (0, 0, 0)
