"""One link used twice at the same instant, on PostgreSQL with real transactions in threads:
one account is made and given the role, the other attempt is refused."""

import os
import secrets
import subprocess
import sys
import threading

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from institutions.models import Membership
from invitations import services
from invitations.models import Invitation, State
from tests.factories import CountryFactory, InstitutionFactory, NationalCoordinatorFactory
from tests.production.servers import postgres_url

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def _ran_on_postgresql_elsewhere(request) -> bool:
    """Row locks are PostgreSQL's: elsewhere, run this very test in a pytest of its own against
    PostgreSQL and report its outcome; skip, saying why, when PostgreSQL cannot be reached."""
    if connection.vendor == "postgresql":
        return False
    try:
        psycopg.connect(postgres_url("postgres"), connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"row locks are tested on PostgreSQL, not reachable here: {exc}")
    name = f"dostlik_invitations_{os.getpid()}_{secrets.token_hex(4)}"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
         f"{__file__}::{request.node.name}"],
        env={**os.environ, "DATABASE_URL": postgres_url(name)},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    summary = (result.stdout.strip().splitlines() or [""])[-1].split(" in ")[0]
    assert (result.returncode, summary) == (0, "1 passed"), result.stdout[-5000:]
    return True


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
    if _ran_on_postgresql_elsewhere(request):
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
