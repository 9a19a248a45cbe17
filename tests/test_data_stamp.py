"""The data stamp (core/caching.py): what is kept under it is computed once while nothing
changes, and again after any write to a row the desk shows — saved, deleted, linked, inserted
in bulk — but not after writes that show nowhere; with no cache, nothing is kept."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from core.caching import data_stamp, kept
from events.models import Event
from events.services import event_bulk_create
from tests.factories import CountryFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db


class Counted:
    """A computation that counts how often it ran."""

    def __init__(self):
        self.runs = 0

    def __call__(self) -> int:
        self.runs += 1
        return self.runs


def runs_after(change) -> int:
    """How often a kept computation ran: once before ``change``, once after it."""
    computation = Counted()
    kept("figure", computation)
    change()
    kept("figure", computation)
    return computation.runs


def test_a_value_is_computed_once_while_nothing_changes():
    computation = Counted()

    values = [kept("figure", computation) for _ in range(3)]

    assert (values, computation.runs) == ([1, 1, 1], 1)


def test_values_of_other_names_are_kept_apart():
    assert (kept("one", lambda: "a"), kept("two", lambda: "b")) == ("a", "b")


def test_none_is_kept_like_any_value():
    computation = Counted()

    def nothing() -> None:
        computation()

    values = [kept("nothing", nothing) for _ in range(2)]

    assert (values, computation.runs) == ([None, None], 1)


def test_a_saved_row_makes_it_computed_again():
    country = CountryFactory(code="UZ", name="Uzbekistan")

    def rename():
        country.name = "Oʻzbekiston"
        country.save()

    assert runs_after(rename) == 2


def test_a_deleted_row_makes_it_computed_again():
    event = EventFactory()

    assert runs_after(event.delete) == 2


def test_a_changed_link_makes_it_computed_again():
    user, group = UserFactory(), Group.objects.create(name="Editors")

    assert runs_after(lambda: user.groups.add(group)) == 2


def test_events_inserted_in_bulk_make_it_computed_again():
    template = EventFactory()

    def insert():
        template.pk, template.uid = None, "bulk-1@dostlik.test"
        event_bulk_create(events=[template])

    assert runs_after(insert) == 2
    assert Event.objects.count() == 2


def test_a_sign_in_or_a_session_changes_nothing_shown():
    user = UserFactory()

    def sign_in_and_keep_a_session():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now())

    assert runs_after(sign_in_and_keep_a_session) == 1


@pytest.mark.django_db(transaction=True)
def test_the_stamp_changes_again_when_the_transaction_commits():
    country = CountryFactory(code="KZ", name="Kazakhstan")
    with transaction.atomic():
        country.name = "Qazaqstan"
        country.save()
        written = data_stamp()

    assert data_stamp() not in (written, None)


def test_without_a_cache_nothing_is_kept(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    computation = Counted()

    values = [kept("figure", computation) for _ in range(2)]

    assert (values, data_stamp()) == ([1, 2], None)


@pytest.mark.django_db(transaction=True)
def test_a_value_computed_inside_a_transaction_is_not_kept():
    """It may hold rows the transaction has not committed, or that it will roll back."""
    computation = Counted()
    with transaction.atomic():
        values = [kept("figure", computation) for _ in range(2)]

    assert (values, computation.runs) == ([1, 2], 2)
    assert kept("figure", computation) == 3
    assert kept("figure", computation) == 3
