"""One link used twice at the same instant, on PostgreSQL with real transactions in threads:
one account is made and given the role, the other attempt is refused."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from institutions.models import Membership
from invitations import services
from invitations.models import Invitation, State
from tests.factories import CountryFactory, InstitutionFactory, NationalCoordinatorFactory
from tests.postgresql import ran_on_postgresql_elsewhere

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def _at_once(*steps) -> list[str]:
    barrier = threading.Barrier(len(steps))
    outcomes = [None] * len(steps)

    def run(index, step):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = step()
        except ValidationError as refusal:
            outcomes[index] = refusal.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_a_link_used_twice_at_once_makes_one_account(request):
    if ran_on_postgresql_elsewhere(request):
        return
    uz = CountryFactory(code="UZ")
    institution = InstitutionFactory(country=uz)
    national = NationalCoordinatorFactory(country=uz).user
    for number in range(ROUNDS):
        email = f"person{number}@example.org"
        sent = services.invitation_create(
            actor=national,
            email=email,
            role=Invitation.Role.COORDINATOR,
            institution=institution,
        )

        def accept(last_name, token=sent.token):
            def step():
                services.invitation_accept(
                    token=token,
                    first_name="Malika",
                    last_name=last_name,
                    password="a long passphrase",
                )
                return "accepted"

            return step

        outcomes = _at_once(accept("First"), accept("Second"))
        assert sorted(outcomes) == ["accepted", "closed"]
        assert User.objects.filter(email=email).count() == 1
        assert Membership.objects.filter(user__email=email).count() == 1
        assert Invitation.objects.get(pk=sent.invitation.pk).state == State.ACCEPTED
