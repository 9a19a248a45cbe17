import pytest

from programmes.history import change_history
from programmes.models import Programme
from programmes.services import programme_submit, programme_update
from tests.factories import CountryFactory, InstitutionFactory, UserFactory, joint_programme

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

    entries = change_history(Programme.objects.get(pk=programme.pk))

    assert [
        (entry.action, str(entry.user), [(c.label, c.old, c.new) for c in entry.changes])
        for entry in entries
    ] == [
        ("changed", "Malika Usmonova", [("Status", "Draft", "Submitted")]),
        ("changed", "Malika Usmonova", [("Title", "Education Days", "Education Days 2027")]),
        ("created", "None", []),
    ]
