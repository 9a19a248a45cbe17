import pytest

from tests.factories import EventFactory


@pytest.mark.django_db
def test_event_factory_builds_a_hosted_event():
    event = EventFactory()
    assert event.programme.partnerships.get().institution == event.host_institution
