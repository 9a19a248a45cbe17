"""Who may do what, role by role, over a draft and a submitted programme of Uzbek and Kazakh
partners. The tables are written out by hand: a changed rule must change a line here.

The scoped list (``programmes.selectors.programme_list``) and the predicate
(``can_view_programme``) are two writings of one rule; the last test holds them together.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from events.models import Event
from events.permissions import can_change_event, can_view_event
from institutions.models import Institution
from institutions.permissions import can_manage_coordinators
from programmes.models import Partnership, Programme
from programmes.permissions import (
    can_cancel_programme,
    can_change_programme,
    can_decide_programme,
    can_submit_programme,
    can_view_programme,
)
from programmes.selectors import programme_list
from programmes.services import (
    PartnerRow,
    programme_activate,
    programme_cancel,
    programme_create,
    programme_decide,
    programme_submit,
)
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    ViewerFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "viewer",
    "lead coordinator",
    "partner coordinator",
    "other UZ coordinator",
    "KZ coordinator, not partner",
    "UZ national",
    "UZ national, lead coordinator",
    "KZ national",
    "KG national",
    "superuser",
    "inactive superuser",
]

Y, N = True, False
# The predicates of the columns below, in their order: on the programme, then on its event.
PROGRAMME_RULES = {
    "can_view_programme": can_view_programme,
    "can_change_programme": can_change_programme,
    "can_submit_programme": can_submit_programme,
    "can_decide_programme": can_decide_programme,
    "can_cancel_programme": can_cancel_programme,
}
EVENT_RULES = {"can_view_event": can_view_event, "can_change_event": can_change_event}

# Columns: view, change, submit, decide, cancel the programme; view, change its event (hosted
# by the Kazakh partner).
# fmt: off
ON_THE_DRAFT = {
    "anonymous":                   (N, N, N, N, N, N, N),
    "viewer":                      (N, N, N, N, N, N, N),
    "lead coordinator":            (Y, Y, Y, N, N, Y, Y),
    "partner coordinator":         (Y, Y, Y, N, N, Y, Y),
    "other UZ coordinator":        (N, N, N, N, N, N, N),
    "KZ coordinator, not partner": (N, N, N, N, N, N, N),
    "UZ national":                 (Y, N, N, N, N, Y, N),
    "UZ national, lead coordinator": (Y, Y, Y, N, N, Y, Y),
    "KZ national":                 (Y, N, N, N, N, Y, N),
    "KG national":                 (N, N, N, N, N, N, N),
    "superuser":                   (Y, Y, Y, N, N, Y, Y),
    "inactive superuser":          (N, N, N, N, N, N, N),
}
ON_THE_SUBMITTED = {
    "anonymous":                   (N, N, N, N, N, N, N),
    "viewer":                      (Y, N, N, N, N, Y, N),
    "lead coordinator":            (Y, Y, N, N, Y, Y, Y),
    "partner coordinator":         (Y, Y, N, N, N, Y, Y),
    "other UZ coordinator":        (Y, N, N, N, N, Y, N),
    "KZ coordinator, not partner": (Y, N, N, N, N, Y, N),
    "UZ national":                 (Y, N, N, Y, N, Y, N),
    # Coordinating a partner, they do not decide on it: another national coordinator does.
    "UZ national, lead coordinator": (Y, Y, N, N, Y, Y, Y),
    "KZ national":                 (Y, N, N, Y, N, Y, N),
    "KG national":                 (Y, N, N, N, N, Y, N),
    "superuser":                   (Y, Y, N, N, Y, Y, Y),
    "inactive superuser":          (N, N, N, N, N, N, N),
}
# Columns: manage the coordinators of the Uzbek lead, of the Kazakh partner.
MANAGE_COORDINATORS = {
    "anonymous":                   (N, N),
    "viewer":                      (N, N),
    "lead coordinator":            (N, N),
    "partner coordinator":         (N, N),
    "other UZ coordinator":        (N, N),
    "KZ coordinator, not partner": (N, N),
    "UZ national":                 (Y, N),
    "UZ national, lead coordinator": (Y, N),
    "KZ national":                 (N, Y),
    "KG national":                 (N, N),
    "superuser":                   (Y, Y),
    "inactive superuser":          (N, N),
}
# fmt: on


@dataclass(frozen=True)
class World:
    users: dict[str, User | AnonymousUser]
    lead: Institution
    partner: Institution
    programmes: dict[str, Programme]
    events: dict[str, Event]


def joint_draft(*, title: str, lead: Institution, partner: Institution) -> Programme:
    return programme_create(
        actor=None,
        title=title,
        kind=Programme.Kind.EXHIBITION,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 12, 19),
        partners=[
            PartnerRow(institution=lead, role=Partnership.Role.LEAD),
            PartnerRow(institution=partner),
        ],
    )


@pytest.fixture
def world() -> World:
    uzbekistan, kazakhstan, kyrgyzstan = (CountryFactory(code=code) for code in ("UZ", "KZ", "KG"))
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uzbekistan)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kazakhstan)
    gallery = InstitutionFactory(name="Fine Arts Gallery of Uzbekistan", country=uzbekistan)
    theatre = InstitutionFactory(name="Kazakh Music and Drama Theatre", country=kazakhstan)
    bishkek = InstitutionFactory(name="Kyrgyz National University", country=kyrgyzstan)

    def coordinator(institution: Institution) -> User:
        return MembershipFactory(institution=institution).user

    def national(country) -> User:
        return NationalCoordinatorFactory(country=country).user

    users = {
        "anonymous": AnonymousUser(),
        "viewer": ViewerFactory(country=uzbekistan).user,
        "lead coordinator": coordinator(uwed),
        "partner coordinator": coordinator(kaznu),
        "other UZ coordinator": coordinator(gallery),
        "KZ coordinator, not partner": coordinator(theatre),
        "UZ national": national(uzbekistan),
        "UZ national, lead coordinator": MembershipFactory(
            user=national(uzbekistan), institution=uwed
        ).user,
        "KZ national": national(kazakhstan),
        "KG national": national(kyrgyzstan),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "inactive superuser": UserFactory(is_superuser=True, is_staff=True, is_active=False),
    }
    assert list(users) == ROLES

    draft = joint_draft(title="Abay. Heritage of Fraternal Peoples", lead=uwed, partner=kaznu)
    submitted = joint_draft(title="Kazakhstan Education Days", lead=uwed, partner=kaznu)
    programme_submit(programme=submitted, actor=users["lead coordinator"])

    # More programmes, for the list: every status, and drafts of other institutions.
    approved = joint_draft(
        title="Almaty through the eyes of an Uzbek artist", lead=uwed, partner=kaznu
    )
    active = joint_draft(title="Gala concert of Uzbek creative groups", lead=uwed, partner=kaznu)
    for programme in (approved, active):
        programme_submit(programme=programme, actor=users["lead coordinator"])
        for country, role in ((uzbekistan, "UZ national"), (kazakhstan, "KZ national")):
            programme_decide(
                programme=programme,
                country=country,
                decision="approved",
                actor=users[role],
                version=programme.current_version.number,
            )
    programme_activate(programme=active, actor=users["lead coordinator"])
    rejected = joint_draft(title="The short film Tea", lead=uwed, partner=kaznu)
    programme_submit(programme=rejected, actor=users["lead coordinator"])
    programme_decide(
        programme=rejected,
        country=kazakhstan,
        decision="rejected",
        actor=users["KZ national"],
        version=rejected.current_version.number,
        comment="Shown already.",
    )
    cancelled = joint_draft(title="Joint research in the humanities", lead=uwed, partner=kaznu)
    programme_submit(programme=cancelled, actor=users["lead coordinator"])
    programme_cancel(programme=cancelled, actor=None, comment="No funding.")

    return World(
        users=users,
        lead=uwed,
        partner=kaznu,
        programmes={
            "draft": draft,
            "submitted": submitted,
            "approved": approved,
            "active": active,
            "rejected": rejected,
            "cancelled": cancelled,
            "draft of other institutions": joint_draft(
                title="Museum night", lead=gallery, partner=theatre
            ),
            "draft with Kyrgyzstan": joint_draft(
                title="Heritage of the Silk Road", lead=bishkek, partner=gallery
            ),
        },
        events={
            name: EventFactory(programme=programme, host_institution=kaznu)
            for name, programme in (("draft", draft), ("submitted", submitted))
        },
    )


def test_every_role_has_a_row_in_every_table():
    assert list(ON_THE_DRAFT) == list(ON_THE_SUBMITTED) == list(MANAGE_COORDINATORS) == ROLES


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("programme", "table"), [("draft", ON_THE_DRAFT), ("submitted", ON_THE_SUBMITTED)]
)
def test_programme_and_event_rules(world, programme, table, role):
    user = world.users[role]

    allowed = {
        name: rule.test(user, world.programmes[programme]) for name, rule in PROGRAMME_RULES.items()
    } | {name: rule.test(user, world.events[programme]) for name, rule in EVENT_RULES.items()}

    assert allowed == dict(zip([*PROGRAMME_RULES, *EVENT_RULES], table[role], strict=True))


@pytest.mark.parametrize("role", ROLES)
def test_managing_coordinators(world, role):
    user = world.users[role]

    assert (
        can_manage_coordinators.test(user, world.lead),
        can_manage_coordinators.test(user, world.partner),
    ) == MANAGE_COORDINATORS[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_programme_list_shows_what_the_rule_lets_one_view(world, role):
    user = world.users[role]
    viewable = {
        name
        for name, programme in world.programmes.items()
        if can_view_programme.test(user, programme)
    }
    listed = {
        name
        for name, programme in world.programmes.items()
        if programme.pk in set(programme_list(user=user).values_list("pk", flat=True))
    }

    assert listed == viewable
    # Nothing the world did not make, and each programme once.
    assert sorted(programme_list(user=user).values_list("pk", flat=True)) == sorted(
        world.programmes[name].pk for name in listed
    )
