import pytest

from events.models import Event
from events.services import event_update
from programmes.history import change_history
from programmes.models import Programme
from programmes.services import programme_submit, programme_update
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
    ViewerFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db


def test_the_history_names_who_changed_which_field_from_what_to_what():
    coordinator = UserFactory(first_name="Malika", last_name="Usmonova")
    programme = joint_programme(
        uz=InstitutionFactory(country=CountryFactory(code="UZ")),
        kz=InstitutionFactory(country=CountryFactory(code="KZ")),
        title="Education Days",
    )
    programme_update(programme=programme, actor=coordinator, version=1, title="Education Days 2027")
    programme_submit(programme=programme, actor=coordinator)

    administrator = UserFactory(is_superuser=True)
    entries = change_history(Programme.objects.get(pk=programme.pk), reader=administrator)

    assert [
        (entry.action, str(entry.user), [(c.label, c.old, c.new) for c in entry.changes])
        for entry in entries
    ] == [
        ("changed", "Malika Usmonova", [("Status", "Draft", "Submitted")]),
        ("changed", "Malika Usmonova", [("Title", "Education Days", "Education Days 2027")]),
        ("created", "None", []),
    ]


def test_the_history_of_a_moved_event_names_no_programme_the_reader_may_not_see():
    """An event moved out of a draft only Uzbekistan works on, into a submitted programme that
    every signed-in user sees: its "Changes" card names the draft to those who may see it."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(country=uz)
    draft = joint_programme(
        uz=uwed, kz=InstitutionFactory(country=kz), title="Secret plans", status="draft"
    )
    submitted = joint_programme(
        uz=uwed, kz=InstitutionFactory(country=kz), title="Open days", status="submitted"
    )
    lead = MembershipFactory(institution=uwed).user
    event = EventFactory(programme=draft, host_institution=uwed)
    event_update(event=event, actor=lead, programme=submitted)

    def moves(reader) -> list[tuple[str, str, str]]:
        entries = change_history(Event.objects.get(pk=event.pk), reader=reader)
        return [(c.label, c.old, c.new) for entry in entries for c in entry.changes]

    assert moves(ViewerFactory().user) == [("Programme", "a programme you cannot see", "Open days")]
    assert moves(lead) == [("Programme", "Secret plans", "Open days")]
