"""The demo data holds one invitation waiting for its answer, loaded once however often the
demo is loaded."""

import pytest
from django.core.management import call_command

from invitations.models import Invitation, State

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_waiting_invitation(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    invitation = Invitation.objects.select_related("institution", "invited_by").get()
    assert (
        invitation.email,
        invitation.state,
        invitation.institution.name,
        invitation.invited_by.username,
    ) == (
        "malika.karimova@example.org",
        State.WAITING,
        "Uzbekistan State Conservatory",
        "uz.national",
    )
