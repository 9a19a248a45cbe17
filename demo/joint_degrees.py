"""The four joint degree programmes, which share the 188 students the paper counts."""

import datetime
from decimal import Decimal

from demo.content import (
    HIGHER_EDUCATION_AGREEMENT,
    SAMSU_KAZNPU_MEMORANDUM,
    UWED_KAZNU_MEMORANDUM,
)
from demo.specs import EventSpec, PartnerSpec, ProgrammeSpec
from demo.stories import HELD, PUBLIC, EventKind, Kind, days_from, local_time, running
from events.models import Event

JOINT_DEGREE_STUDENTS = 188


def joint_degree_programmes(today: datetime.date) -> tuple[ProgrammeSpec, ...]:
    """The paper counts four joint programmes with 188 students; it does not name them, so
    titles, partners and the split of students are illustrative."""
    later = days_from(today)
    note = (
        " One of the four joint educational programmes between universities of the two "
        "countries (188 students in all); title, partners and enrolment illustrative."
    )
    return (
        ProgrammeSpec(
            "Joint master's programme in international relations and cultural diplomacy",
            Kind.JOINT_DEGREE,
            lead="uwed",
            actor="uz.coordinator",
            starts_on=datetime.date(2023, 9, 1),
            ends_on=datetime.date(2027, 6, 30),
            agreement=UWED_KAZNU_MEMORANDUM,
            summary="Two years, one in Tashkent and one in Almaty." + note,
            budget_amount=Decimal("120000.00"),
            budget_currency="USD",
            enrolled_students=52,
            partners=(PartnerSpec("kaznu", "Second-year teaching", Decimal("24000000.00"), "KZT"),),
            story=running("uz.coordinator", "uz.coordinator"),
            events=(
                EventSpec(
                    "joint-ir-intake-2025@demo.dostlik",
                    "Opening of the academic year for the joint master's students",
                    EventKind.CEREMONY,
                    host="uwed",
                    day=datetime.date(2025, 9, 2),
                    starts=local_time(10),
                    ends=local_time(12),
                    venue="uwed",
                    status=HELD,
                    expected_attendance=60,
                    actual_attendance=58,
                    youth_attendance=52,
                ),
                EventSpec(
                    "joint-ir-winter-school-next@demo.dostlik",
                    "Intensive school in cultural diplomacy",
                    EventKind.WORKSHOP,
                    host="kaznu",
                    day=later(20),
                    starts=local_time(10),
                    ends=local_time(17),
                    venue="kaznu",
                    status=Event.Status.CONFIRMED,
                    expected_attendance=60,
                ),
            ),
        ),
        ProgrammeSpec(
            "Joint bachelor's programme in Oriental and Turkic studies",
            Kind.JOINT_DEGREE,
            lead="tsuos",
            actor="uz.national",
            starts_on=datetime.date(2023, 9, 1),
            ends_on=datetime.date(2027, 6, 30),
            agreement=HIGHER_EDUCATION_AGREEMENT,
            summary="Turkic languages, manuscripts and history." + note,
            budget_amount=Decimal("60000.00"),
            budget_currency="EUR",
            enrolled_students=47,
            partners=(PartnerSpec("enu", "Summer semester in Astana", Decimal("20000.00"), "EUR"),),
            story=running("uz.national", "uz.national"),
            events=(
                EventSpec(
                    "joint-turkic-lectures-2026@demo.dostlik",
                    "Guest lectures on Turkic manuscripts",
                    EventKind.LECTURE,
                    host="enu",
                    day=datetime.date(2026, 4, 14),
                    starts=local_time(14),
                    ends=local_time(16),
                    venue="enu",
                    status=HELD,
                    expected_attendance=80,
                    actual_attendance=74,
                    youth_attendance=66,
                ),
            ),
        ),
        ProgrammeSpec(
            "Joint master's programme in music performance",
            Kind.JOINT_DEGREE,
            lead="uz-conservatory",
            actor="uz.national",
            starts_on=datetime.date(2023, 9, 1),
            ends_on=datetime.date(2027, 6, 30),
            agreement=HIGHER_EDUCATION_AGREEMENT,
            summary="Performance and traditional music of both countries." + note,
            budget_amount=Decimal("400000000.00"),
            budget_currency="UZS",
            enrolled_students=31,
            partners=(PartnerSpec("kurmangazy", "Master classes", Decimal("9000000.00"), "KZT"),),
            story=running("uz.national", "uz.national"),
            events=(
                EventSpec(
                    "joint-music-concert-2025@demo.dostlik",
                    "Concert of the joint master's students",
                    EventKind.CONCERT,
                    host="kurmangazy",
                    day=datetime.date(2025, 11, 20),
                    starts=local_time(19),
                    ends=local_time(21),
                    venue="kurmangazy",
                    status=HELD,
                    visibility=PUBLIC,
                    expected_attendance=400,
                    actual_attendance=380,
                    youth_attendance=300,
                ),
            ),
        ),
        ProgrammeSpec(
            "Joint master's programme in pedagogy and education management",
            Kind.JOINT_DEGREE,
            lead="samsu",
            actor="uz.national",
            starts_on=datetime.date(2023, 9, 1),
            ends_on=datetime.date(2027, 6, 30),
            agreement=SAMSU_KAZNPU_MEMORANDUM,
            summary="Teacher education for schools of both countries." + note,
            budget_amount=Decimal("45000.00"),
            budget_currency="USD",
            enrolled_students=JOINT_DEGREE_STUDENTS - 52 - 47 - 31,
            partners=(
                PartnerSpec("kaznpu", "Teaching practice in Almaty", Decimal("15000.00"), "USD"),
            ),
            story=running("uz.national", "kz.national"),
            events=(
                EventSpec(
                    "joint-pedagogy-seminar-next@demo.dostlik",
                    "Methods seminar for future teachers",
                    EventKind.WORKSHOP,
                    host="samsu",
                    day=later(35),
                    starts=local_time(9, 30),
                    ends=local_time(13),
                    venue="samsu",
                    expected_attendance=70,
                ),
            ),
        ),
    )
