"""Decisions and changes at the same instant, on PostgreSQL with real transactions in threads:
whatever the order they land in, the programme's status is what the decisions on its current
version imply, and no raise of its version is lost.

Both countries approving at once used to leave most programmes submitted with both approvals
recorded; a budget change racing Kazakhstan's approval left some approved with Kazakhstan's
approval alone. Each scenario runs enough rounds to have caught that (it failed in 8 of 10 and
9 of 12 rounds)."""

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from programmes.models import Decision, Partnership, Programme
from programmes.selectors import participating_countries
from programmes.services import (
    PartnerRow,
    programme_create,
    programme_decide,
    programme_submit,
    programme_update,
)
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
)
from tests.postgresql import ran_on_postgresql_elsewhere
from tests.programmes.test_workspace import partner, partners_data, programme_data

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 12
Kind = Decision.Kind
Role = Partnership.Role
Status = Programme.Status


def _submitted_programme(world) -> Programme:
    programme = programme_create(
        actor=world["coordinator"],
        title="Days of culture",
        kind=Programme.Kind.FESTIVAL,
        starts_on=datetime.date(2027, 5, 1),
        ends_on=datetime.date(2027, 5, 31),
        budget_amount=Decimal("1000.00"),
        budget_currency="USD",
        partners=[
            PartnerRow(institution=world["uwed"], role=Partnership.Role.LEAD),
            PartnerRow(institution=world["kaznu"]),
        ],
    )
    programme_submit(programme=programme, actor=world["coordinator"])
    return Programme.objects.get(pk=programme.pk)


@pytest.fixture
def world():
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(country=uz)
    return {
        "uz": uz,
        "kz": kz,
        "uwed": uwed,
        "kaznu": InstitutionFactory(country=kz),
        "coordinator": MembershipFactory(institution=uwed).user,
        "uz_national": NationalCoordinatorFactory(country=uz).user,
        "kz_national": NationalCoordinatorFactory(country=kz).user,
    }


def _at_once(*steps) -> list[str]:
    """Run ``steps`` in threads released together; what each did: its name or "refused"."""
    barrier = threading.Barrier(len(steps))
    outcomes = [None] * len(steps)

    def run(index, step):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = step()
        except ValidationError:
            outcomes[index] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _decision(programme, country, actor):
    def step():
        programme_decide(
            programme=Programme.objects.get(pk=programme.pk),
            country=country,
            decision=Kind.APPROVED,
            actor=actor,
            version=1,
        )
        return "approved"

    return step


def _budget_change(programme, actor):
    def step():
        own = Programme.objects.get(pk=programme.pk)
        programme_update(
            programme=own, actor=actor, version=own.version, budget_amount=Decimal("9999999.00")
        )
        return "changed"

    return step


def _implied_status(programme: Programme) -> str:
    """What the standing decisions on the current version say the status is."""
    standing = {
        decision.country_id: decision.decision
        for decision in programme.decisions.standing().filter(version=programme.current_version)
    }
    if Kind.REJECTED in standing.values():
        return Status.REJECTED
    countries = participating_countries(programme)
    if all(standing.get(country.pk) == Kind.APPROVED for country in countries):
        return Status.APPROVED
    return Status.SUBMITTED


# How much each step that landed raises the programme's version.
RAISES = {"approved": 1, "changed": 2, "refused": 0}


@pytest.mark.parametrize("with_a_budget_change", [False, True], ids=["decisions", "and an edit"])
def test_the_status_always_follows_the_decisions_on_the_current_version(
    request, world, with_a_budget_change
):
    if ran_on_postgresql_elsewhere(request):
        return
    for _round in range(ROUNDS):
        programme = _submitted_programme(world)
        steps = [
            _decision(programme, world["uz"], world["uz_national"]),
            _decision(programme, world["kz"], world["kz_national"]),
        ]
        if with_a_budget_change:
            steps.append(_budget_change(programme, world["coordinator"]))

        outcomes = _at_once(*steps)

        after = Programme.objects.select_related("current_version").get(pk=programme.pk)
        assert after.status == _implied_status(after), outcomes
        assert after.version == programme.version + sum(RAISES[o] for o in outcomes), outcomes
        if not with_a_budget_change:
            assert (outcomes, after.status) == (["approved", "approved"], Status.APPROVED)


def test_a_decision_sent_twice_at_once_is_recorded_once(request, world):
    """A double-click: the same decision arrives twice at the same instant. One is recorded, the
    other refused with the service's message; never a database error."""
    if ran_on_postgresql_elsewhere(request):
        return
    for _round in range(ROUNDS):
        programme = _submitted_programme(world)
        twice = _decision(programme, world["uz"], world["uz_national"])

        outcomes = _at_once(twice, twice)

        assert (sorted(outcomes), programme.decisions.count()) == (["approved", "refused"], 1)


def test_a_form_sent_twice_at_once_creates_once(request, world):
    """Two copies of one "new programme" form (its token the same) at the same instant: one
    programme, and both answers lead to it."""
    if ran_on_postgresql_elsewhere(request):
        return
    for round_ in range(ROUNDS):
        data = (
            programme_data(title=f"Round {round_}")
            | partners_data([partner(world["uwed"], Role.LEAD), partner(world["kaznu"])])
            | {"form_token": str(uuid.uuid4())}
        )

        def send(data=data):
            client = Client()
            client.force_login(world["coordinator"])
            return client.post(reverse("programmes:create"), data)["Location"]

        outcomes = _at_once(send, send)

        created = Programme.objects.get(title=f"Round {round_}")
        assert outcomes == [reverse("programmes:detail", args=[created.pk])] * 2
