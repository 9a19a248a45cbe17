"""Programmes named in the 2025 paper "Cultural Diplomacy and Regional Integration" (Khamdamov
and Alieva, University of World Economy and Diplomacy), with the dates it gives.

The Abay exhibition (19 December 2022) and the four state visits keep the paper's dates; where the
paper names a programme without dates, partners or figures, its text says those are illustrative.
"""

import datetime
from decimal import Decimal

from demo.content import HIGHER_EDUCATION_AGREEMENT, TREATY
from demo.specs import EventSpec, PartnerSpec, ProgrammeSpec
from demo.stories import (
    HELD,
    PUBLIC,
    EventKind,
    Kind,
    finished,
    local_time,
    running,
)
from events.models import Event


def paper_programmes(today: datetime.date) -> tuple[ProgrammeSpec, ...]:
    """Programmes the paper names; the paper's dates are kept, the rest is marked illustrative."""
    return (
        ProgrammeSpec(
            "Abay. Heritage of Fraternal Peoples",
            Kind.EXHIBITION,
            lead="gallery",
            actor="uz.national",
            starts_on=datetime.date(2022, 12, 19),
            ends_on=datetime.date(2022, 12, 31),
            agreement=TREATY,
            summary=(
                "Exhibition on the life and work of the Kazakh poet and thinker Abay "
                "Kunanbayev at the Fine Arts Gallery of Uzbekistan, Tashkent, opened on "
                "19 December 2022. The Kazakh partner, budget, closing date and attendance "
                "are illustrative."
            ),
            budget_amount=Decimal("180000000.00"),
            budget_currency="UZS",
            partners=(
                PartnerSpec(
                    "kasteyev",
                    "Works and curatorial advice (illustrative)",
                    Decimal("4500000.00"),
                    "KZT",
                ),
                PartnerSpec("uwed", "Lectures for students at the exhibition (illustrative)"),
            ),
            story=finished("uz.national", "uz.national"),
            events=(
                EventSpec(
                    "abay-heritage-2022@demo.dostlik",
                    "Abay. Heritage of Fraternal Peoples",
                    EventKind.EXHIBITION,
                    host="gallery",
                    day=datetime.date(2022, 12, 19),
                    starts=local_time(11),
                    ends=local_time(18),
                    venue="gallery",
                    status=HELD,
                    visibility=PUBLIC,
                    description=(
                        "Exhibition dedicated to Abay Kunanbayev, the Kazakh poet and thinker. "
                        "Opening hours and attendance figures illustrative."
                    ),
                    expected_attendance=600,
                    actual_attendance=740,
                    youth_attendance=310,
                ),
            ),
        ),
        ProgrammeSpec(
            "Kazakhstan Education Days in Uzbekistan",
            Kind.EDUCATION_FAIR,
            lead="kz-ministry",
            actor="kz.national",
            starts_on=datetime.date(2023, 1, 1),
            ends_on=datetime.date(today.year + 1, 12, 31),
            agreement=HIGHER_EDUCATION_AGREEMENT,
            summary=(
                "Yearly exhibitions and fairs of Kazakh universities in cities of Uzbekistan; "
                "about 40 Kazakh universities take part, with the support of local consulting "
                "companies. Cities, dates and figures of the events are illustrative."
            ),
            budget_amount=Decimal("95000.00"),
            budget_currency="USD",
            partners=(
                PartnerSpec("kaznu", "Stand and admissions team", Decimal("6000000.00"), "KZT"),
                PartnerSpec("enu", "Stand and admissions team", Decimal("4500000.00"), "KZT"),
                PartnerSpec("kaznpu", "Stand and admissions team", Decimal("3000000.00"), "KZT"),
                PartnerSpec(
                    "uwed", "Hall and logistics in Tashkent", Decimal("85000000.00"), "UZS"
                ),
                PartnerSpec(
                    "samsu", "Hall and logistics in Samarkand", Decimal("40000000.00"), "UZS"
                ),
                PartnerSpec("uz-ministry", "Invitations to schools and universities"),
            ),
            # uz.national coordinates the ministry, a partner: Uzbekistan's deputy decided.
            story=running("kz.national", "kz.national", uz_decider="uz.deputy"),
            events=(
                EventSpec(
                    "education-days-tashkent-2025@demo.dostlik",
                    "Kazakhstan Education Days 2025 — Tashkent",
                    EventKind.FAIR,
                    host="uwed",
                    day=datetime.date(2025, 4, 12),
                    starts=local_time(10),
                    ends=local_time(17),
                    venue="uwed",
                    status=HELD,
                    visibility=PUBLIC,
                    description="Fair of about 40 Kazakh universities. Date illustrative.",
                    expected_attendance=3000,
                    actual_attendance=3400,
                    youth_attendance=2900,
                ),
                EventSpec(
                    "education-days-samarkand-2025@demo.dostlik",
                    "Kazakhstan Education Days 2025 — Samarkand",
                    EventKind.FAIR,
                    host="samsu",
                    day=datetime.date(2025, 4, 15),
                    starts=local_time(10),
                    ends=local_time(16),
                    venue="samsu",
                    status=HELD,
                    visibility=PUBLIC,
                    description="Date illustrative.",
                    expected_attendance=1500,
                    actual_attendance=1350,
                    youth_attendance=1200,
                ),
                EventSpec(
                    "education-days-tashkent-next@demo.dostlik",
                    "Kazakhstan Education Days — Tashkent",
                    EventKind.FAIR,
                    host="uwed",
                    day=today + datetime.timedelta(days=75),
                    starts=local_time(10),
                    ends=local_time(17),
                    venue="uwed",
                    status=Event.Status.CONFIRMED,
                    visibility=PUBLIC,
                    description="The next fair in Tashkent. Date illustrative.",
                    expected_attendance=3500,
                ),
                EventSpec(
                    "education-days-samarkand-next@demo.dostlik",
                    "Kazakhstan Education Days — Samarkand",
                    EventKind.FAIR,
                    host="samsu",
                    day=today + datetime.timedelta(days=78),
                    starts=local_time(10),
                    ends=local_time(16),
                    venue="samsu",
                    visibility=PUBLIC,
                    description="The next fair in Samarkand. Date illustrative.",
                    expected_attendance=1600,
                ),
            ),
        ),
        ProgrammeSpec(
            "Almaty — through the eyes of an Uzbek artist",
            Kind.EXHIBITION,
            lead="kasteyev",
            actor="kz.national",
            starts_on=datetime.date(2023, 5, 16),
            ends_on=datetime.date(2023, 6, 30),
            agreement=TREATY,
            summary=(
                "Exhibition of the Uzbek artist Dilorom Mamedova in Kazakhstan. The museum, "
                "dates, budget and figures are illustrative."
            ),
            budget_amount=Decimal("12000.00"),
            budget_currency="EUR",
            partners=(
                PartnerSpec(
                    "gallery", "Transport and insurance of the works", Decimal("5000.00"), "EUR"
                ),
            ),
            story=finished("kz.national", "kz.national"),
            events=(
                EventSpec(
                    "mamedova-almaty-2023@demo.dostlik",
                    "Dilorom Mamedova: Almaty — through the eyes of an Uzbek artist",
                    EventKind.EXHIBITION,
                    host="kasteyev",
                    day=datetime.date(2023, 5, 16),
                    starts=local_time(12),
                    ends=local_time(19),
                    venue="kasteyev",
                    status=HELD,
                    visibility=PUBLIC,
                    description="Opening of the exhibition. Date and figures illustrative.",
                    expected_attendance=400,
                    actual_attendance=520,
                    youth_attendance=180,
                ),
            ),
        ),
        ProgrammeSpec(
            "The short film “Tea” for Kazakh audiences",
            Kind.FILM,
            lead="kaznu",
            actor="kz.coordinator",
            starts_on=datetime.date(2023, 3, 1),
            ends_on=datetime.date(today.year + 1, 6, 30),
            agreement=TREATY,
            summary=(
                "The Uzbek short film “Tea” presented to Kazakh audiences, followed by "
                "screenings and discussions for students. Venues and dates illustrative."
            ),
            budget_amount=Decimal("3500000.00"),
            budget_currency="KZT",
            partners=(
                PartnerSpec(
                    "uwed", "Discussion with the film's audience", Decimal("1500.00"), "USD"
                ),
                PartnerSpec("enu", "Screening in Astana", Decimal("800000.00"), "KZT"),
            ),
            story=running("kz.coordinator", "kz.coordinator"),
            events=(
                EventSpec(
                    "tea-screening-almaty-2023@demo.dostlik",
                    "Screening of the short film “Tea”",
                    EventKind.FILM_SCREENING,
                    host="kaznu",
                    day=datetime.date(2023, 3, 10),
                    starts=local_time(18, 30),
                    ends=local_time(20, 30),
                    venue="kaznu",
                    status=HELD,
                    visibility=PUBLIC,
                    description="Date and figures illustrative.",
                    expected_attendance=300,
                    actual_attendance=280,
                    youth_attendance=240,
                ),
                EventSpec(
                    "tea-screening-astana-next@demo.dostlik",
                    "“Tea”: screening and discussion with students",
                    EventKind.FILM_SCREENING,
                    host="enu",
                    day=today + datetime.timedelta(days=30),
                    starts=local_time(18),
                    ends=local_time(20),
                    venue="enu",
                    visibility=PUBLIC,
                    description="Date illustrative.",
                    expected_attendance=250,
                ),
            ),
        ),
        ProgrammeSpec(
            "Gala concert of Uzbek creative groups",
            Kind.CONCERT_TOUR,
            lead="uz-conservatory",
            actor="uz.national",
            starts_on=datetime.date(2023, 10, 1),
            ends_on=datetime.date(2023, 10, 31),
            agreement=TREATY,
            summary=(
                "Gala concert with Uzbek creative groups at the Kalibek Kuanyshbayev Kazakh "
                "Music and Drama Theatre. Performers, date and figures illustrative."
            ),
            budget_amount=Decimal("250000000.00"),
            budget_currency="UZS",
            partners=(
                PartnerSpec(
                    "kz-theatre", "Stage, crew and promotion", Decimal("7000000.00"), "KZT"
                ),
            ),
            story=finished("uz.national", "uz.national"),
            events=(
                EventSpec(
                    "gala-concert-astana-2023@demo.dostlik",
                    "Gala concert of Uzbek creative groups",
                    EventKind.CONCERT,
                    host="kz-theatre",
                    day=datetime.date(2023, 10, 5),
                    starts=local_time(19),
                    ends=local_time(22),
                    venue="kz-theatre",
                    status=HELD,
                    visibility=PUBLIC,
                    description="Date and figures illustrative.",
                    expected_attendance=700,
                    actual_attendance=760,
                    youth_attendance=250,
                ),
            ),
        ),
        ProgrammeSpec(
            "State visits of the Presidents of Uzbekistan and Kazakhstan",
            Kind.OTHER,
            lead="uz-government",
            actor="uz.national",
            starts_on=datetime.date(2017, 3, 22),
            ends_on=datetime.date(2022, 12, 22),
            agreement=TREATY,
            summary=(
                "The state visits of President Shavkat Mirziyoyev to Kazakhstan (2017, 2021) "
                "and of President Kassym-Jomart Tokayev to Uzbekistan (2019, 2022). Each produced "
                "intergovernmental and interdepartmental documents, among them documents on "
                "cultural exchange. The dates are the paper's; the places are the capitals."
            ),
            partners=(PartnerSpec("kz-government", "Host of the visits to Kazakhstan"),),
            story=finished("uz.national", "uz.national"),
            events=(
                _state_visit(
                    "state-visit-mirziyoyev-2017@demo.dostlik",
                    "State visit of President Shavkat Mirziyoyev to Kazakhstan",
                    "kz-government",
                    datetime.date(2017, 3, 22),
                ),
                _state_visit(
                    "state-visit-tokayev-2019@demo.dostlik",
                    "State visit of President Kassym-Jomart Tokayev to Uzbekistan",
                    "uz-government",
                    datetime.date(2019, 4, 14),
                ),
                _state_visit(
                    "state-visit-mirziyoyev-2021@demo.dostlik",
                    "State visit of President Shavkat Mirziyoyev to Kazakhstan",
                    "kz-government",
                    datetime.date(2021, 12, 5),
                ),
                _state_visit(
                    "state-visit-tokayev-2022@demo.dostlik",
                    "State visit of President Kassym-Jomart Tokayev to Uzbekistan",
                    "uz-government",
                    datetime.date(2022, 12, 21),
                ),
            ),
        ),
    )


def _state_visit(uid: str, title: str, host: str, first_day: datetime.date) -> EventSpec:
    """A two-day visit; the intergovernmental documents were signed on these days."""
    return EventSpec(
        uid,
        title,
        EventKind.VISIT,
        host=host,
        day=first_day,
        last_day=first_day + datetime.timedelta(days=1),
        status=HELD,
        visibility=PUBLIC,
        description=(
            "Dates from the 2025 paper “Cultural Diplomacy and Regional Integration” "
            "(Khamdamov and Alieva, UWED)."
        ),
    )
