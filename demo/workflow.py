"""Generic programmes, dated from ``today``, for the workflow states the paper's programmes do
not show: a draft of each country, a submission, an approval, a rejection, a cancellation. Being
relative, they keep the calendar's "upcoming" list filled whenever the demo is loaded.
"""

import datetime
from decimal import Decimal

from demo.content import CONSERVATORIES_MEMORANDUM, HIGHER_EDUCATION_AGREEMENT
from demo.specs import DecisionSpec, EventSpec, PartnerSpec, ProgrammeSpec, Transition
from demo.stories import (
    APPROVED,
    PUBLIC,
    EventKind,
    Kind,
    Status,
    approved_by_both,
    days_from,
    local_time,
)
from events.models import Event
from programmes.models import Decision


def workflow_programmes(today: datetime.date) -> tuple[ProgrammeSpec, ...]:
    later = days_from(today)
    return (
        ProgrammeSpec(
            "Digital archive of shared Uzbek-Kazakh heritage",
            Kind.HERITAGE,
            lead="uwed",
            actor="uz.coordinator",
            starts_on=later(60),
            ends_on=later(425),
            summary=(
                "Draft of the Uzbek partners, who look for Kazakh partners before submitting. "
                "Answers the paper's call for digital platforms that popularise shared heritage."
            ),
            partners=(
                PartnerSpec("nuu", "Historians and archivists", Decimal("60000000.00"), "UZS"),
                PartnerSpec("tsuos", "Manuscript collection", Decimal("30000000.00"), "UZS"),
            ),
            events=(
                EventSpec(
                    "heritage-archive-kickoff@demo.dostlik",
                    "Kick-off workshop of the digital heritage archive",
                    EventKind.WORKSHOP,
                    host="uwed",
                    day=later(100),
                    starts=local_time(10),
                    ends=local_time(13),
                    venue="uwed",
                    expected_attendance=25,
                ),
            ),
        ),
        ProgrammeSpec(
            "Youth ambassadors of cultural diplomacy",
            Kind.MOBILITY,
            lead="kaznu",
            actor="kz.coordinator",
            starts_on=later(90),
            ends_on=later(365),
            summary=(
                "Draft of the Kazakh partners, who look for Uzbek partners before submitting. "
                "Answers the paper's finding that too few young people take part."
            ),
            partners=(PartnerSpec("kaznpu", "Student volunteers", Decimal("2500000.00"), "KZT"),),
            events=(
                EventSpec(
                    "youth-ambassadors-info-day@demo.dostlik",
                    "Information day for student ambassadors",
                    EventKind.LECTURE,
                    host="kaznu",
                    day=later(120),
                    starts=local_time(15),
                    ends=local_time(17),
                    venue="kaznu",
                    expected_attendance=120,
                ),
            ),
        ),
        ProgrammeSpec(
            "Navoi and Abai: joint research in the humanities",
            Kind.RESEARCH,
            lead="uwed",
            actor="uz.coordinator",
            starts_on=later(30),
            ends_on=later(400),
            summary=(
                "Joint research on the literary heritage shared by both peoples, as the paper "
                "recommends. Waiting for Kazakhstan's decision."
            ),
            budget_amount=Decimal("40000.00"),
            budget_currency="USD",
            partners=(
                PartnerSpec("kaznu", "Research team in Almaty", Decimal("10000.00"), "USD"),
                PartnerSpec("enu", "Research team in Astana", Decimal("5000000.00"), "KZT"),
            ),
            story=(
                Transition(Status.SUBMITTED, "uz.coordinator", "Ready for decision."),
                Transition(
                    Status.DRAFT, "uz.coordinator", "Withdrawn to add the ENU funding line."
                ),
                Transition(Status.SUBMITTED, "uz.coordinator", "Resubmitted with ENU funding."),
                DecisionSpec("UZ", APPROVED, "uz.national"),
            ),
            events=(
                EventSpec(
                    "navoi-abai-conference@demo.dostlik",
                    "Navoi and Abai: a shared literary heritage",
                    EventKind.CONFERENCE,
                    host="uwed",
                    day=later(150),
                    starts=local_time(10),
                    ends=local_time(18),
                    venue="uwed",
                    expected_attendance=120,
                ),
            ),
        ),
        ProgrammeSpec(
            "Silk Road heritage school in Samarkand",
            Kind.HERITAGE,
            lead="samsu",
            actor="uz.national",
            starts_on=later(45),
            ends_on=later(240),
            agreement=HIGHER_EDUCATION_AGREEMENT,
            summary="Students of both countries study the monuments of Samarkand together.",
            budget_amount=Decimal("30000.00"),
            budget_currency="EUR",
            partners=(
                PartnerSpec("enu", "Lecturers and students", Decimal("8000.00"), "EUR"),
                PartnerSpec("uwed", "Lectures on cultural diplomacy", Decimal("3000.00"), "EUR"),
            ),
            story=approved_by_both("uz.national"),
            events=(
                EventSpec(
                    "silk-road-school-opening@demo.dostlik",
                    "Silk Road heritage school: opening lecture",
                    EventKind.LECTURE,
                    host="samsu",
                    day=later(60),
                    starts=local_time(11),
                    ends=local_time(13),
                    venue="samsu",
                    status=Event.Status.CONFIRMED,
                    visibility=PUBLIC,
                    expected_attendance=200,
                ),
                EventSpec(
                    "silk-road-school-manuscripts@demo.dostlik",
                    "Workshop on digitising manuscripts",
                    EventKind.WORKSHOP,
                    host="enu",
                    day=later(62),
                    starts=local_time(10),
                    ends=local_time(16),
                    venue="samsu",
                    expected_attendance=40,
                ),
            ),
        ),
        ProgrammeSpec(
            "Central Asian student theatre festival",
            Kind.FESTIVAL,
            lead="kz-theatre",
            actor="kz.national",
            starts_on=later(150),
            ends_on=later(160),
            summary="Student theatres of both countries on one stage in Astana.",
            budget_amount=Decimal("30000000.00"),
            budget_currency="KZT",
            partners=(PartnerSpec("uz-conservatory", "Student ensembles"),),
            story=(
                Transition(Status.SUBMITTED, "kz.national", "Submitted for decision."),
                DecisionSpec("UZ", APPROVED, "uz.national"),
                DecisionSpec(
                    "KZ",
                    Decision.Kind.REJECTED,
                    "kz.national",
                    "Not this season: the co-funding is not confirmed and the dates clash "
                    "with the theatre's season plan. Please resubmit with a funding plan.",
                ),
                Transition(Status.REJECTED, "kz.national", "Rejected by Kazakhstan."),
            ),
        ),
        ProgrammeSpec(
            "Joint concert tour of the conservatories",
            Kind.CONCERT_TOUR,
            lead="kurmangazy",
            actor="kz.national",
            starts_on=later(40),
            ends_on=later(55),
            agreement=CONSERVATORIES_MEMORANDUM,
            budget_amount=Decimal("20000.00"),
            budget_currency="USD",
            summary="Concerts of both conservatories in Almaty and Tashkent.",
            partners=(PartnerSpec("uz-conservatory", "Orchestra", Decimal("90000000.00"), "UZS"),),
            story=(
                *approved_by_both("kz.national"),
                Transition(
                    Status.CANCELLED,
                    "kz.national",
                    "Cancelled by the partners: the halls are not available this season, and "
                    "the memorandum behind the tour has expired.",
                ),
            ),
            events=(
                EventSpec(
                    "conservatories-tour-almaty@demo.dostlik",
                    "Joint concert of the conservatories",
                    EventKind.CONCERT,
                    host="kurmangazy",
                    day=later(40),
                    starts=local_time(19),
                    ends=local_time(21),
                    venue="kurmangazy",
                    status=Event.Status.CANCELLED,
                    visibility=PUBLIC,
                    expected_attendance=350,
                ),
            ),
        ),
    )
