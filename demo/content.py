"""Who takes part in the demo: countries, institutions, venues, accounts and agreements.

Facts come from the 2025 paper "Cultural Diplomacy and Regional Integration: Building
International Solidarity in Central Asia — Uzbekistan-Kazakhstan Cooperation" (Khamdamov and
Alieva, University of World Economy and Diplomacy), called "the paper" below. Websites are given
only where they are certain; everything the paper does not document says so in its own text
("illustrative") rather than pretending to be a record.
"""

import datetime

from demo.specs import (
    AgreementSpec,
    CountrySpec,
    InstitutionSpec,
    UserSpec,
    VenueSpec,
)
from institutions.models import Institution
from programmes.models import Agreement

# Every demo account signs in with this password; development only.
DEMO_PASSWORD = "dostlik-demo"
# The address of the demo invitation that waits for its answer (demo.loading).
DEMO_INVITATION_EMAIL = "malika.karimova@example.org"

TREATY = (
    "Treaty on Eternal Friendship between the Republic of Uzbekistan and the Republic of Kazakhstan"
)
HIGHER_EDUCATION_AGREEMENT = (
    "Agreement between the Government of the Republic of Uzbekistan and the Government of the "
    "Republic of Kazakhstan on cooperation in higher and postgraduate education"
)
UWED_KAZNU_MEMORANDUM = (
    "Memorandum of cooperation between the University of World Economy and Diplomacy and "
    "Al-Farabi Kazakh National University"
)
SAMSU_KAZNPU_MEMORANDUM = (
    "Memorandum of cooperation between Samarkand State University and Abai Kazakh National "
    "Pedagogical University"
)
CONSERVATORIES_MEMORANDUM = (
    "Memorandum of cooperation between the Uzbekistan State Conservatory and Kurmangazy Kazakh "
    "National Conservatory"
)

COUNTRIES = (
    CountrySpec("UZ", "Uzbekistan", "Asia/Tashkent"),
    CountrySpec("KZ", "Kazakhstan", "Asia/Almaty"),
    CountrySpec("KG", "Kyrgyzstan", "Asia/Bishkek"),
    CountrySpec("TJ", "Tajikistan", "Asia/Dushanbe"),
    CountrySpec("TM", "Turkmenistan", "Asia/Ashgabat"),
)

Kind = Institution.Kind

INSTITUTIONS = (
    InstitutionSpec(
        "uwed",
        "UZ",
        "University of World Economy and Diplomacy",
        Kind.UNIVERSITY,
        "Tashkent",
        short_name="UWED",
        website="https://uwed.uz",
        description=(
            "Home of Mirzoumid Khamdamov and Perizat Alieva, authors of the 2025 paper "
            "“Cultural Diplomacy and Regional Integration” on Uzbek-Kazakh cooperation."
        ),
    ),
    InstitutionSpec(
        "gallery",
        "UZ",
        "Fine Arts Gallery of Uzbekistan",
        Kind.GALLERY,
        "Tashkent",
        description="Hosted the exhibition “Abay. Heritage of Fraternal Peoples” in December 2022.",
    ),
    InstitutionSpec(
        "nuu",
        "UZ",
        "National University of Uzbekistan named after Mirzo Ulugbek",
        Kind.UNIVERSITY,
        "Tashkent",
        short_name="NUUz",
        website="https://nuu.uz",
    ),
    InstitutionSpec(
        "samsu",
        "UZ",
        "Samarkand State University",
        Kind.UNIVERSITY,
        "Samarkand",
        short_name="SamSU",
        website="https://samdu.uz",
    ),
    InstitutionSpec(
        "tsuos",
        "UZ",
        "Tashkent State University of Oriental Studies",
        Kind.UNIVERSITY,
        "Tashkent",
        short_name="TSUOS",
        website="https://tsuos.uz",
    ),
    InstitutionSpec(
        "uz-conservatory", "UZ", "Uzbekistan State Conservatory", Kind.UNIVERSITY, "Tashkent"
    ),
    InstitutionSpec(
        "uz-ministry",
        "UZ",
        "Ministry of Higher Education, Science and Innovation of the Republic of Uzbekistan",
        Kind.MINISTRY,
        "Tashkent",
    ),
    InstitutionSpec(
        "uz-government",
        "UZ",
        "Government of the Republic of Uzbekistan",
        Kind.GOVERNMENT,
        "Tashkent",
        website="https://gov.uz",
    ),
    InstitutionSpec(
        "kaznu",
        "KZ",
        "Al-Farabi Kazakh National University",
        Kind.UNIVERSITY,
        "Almaty",
        short_name="KazNU",
        website="https://www.kaznu.kz",
    ),
    InstitutionSpec(
        "enu",
        "KZ",
        "L. N. Gumilyov Eurasian National University",
        Kind.UNIVERSITY,
        "Astana",
        short_name="ENU",
        website="https://enu.kz",
    ),
    InstitutionSpec(
        "kz-theatre",
        "KZ",
        "Kalibek Kuanyshbayev Kazakh Music and Drama Theatre",
        Kind.THEATRE,
        "Astana",
        description="Staged a gala concert of Uzbek creative groups.",
    ),
    InstitutionSpec("kasteyev", "KZ", "A. Kasteyev State Museum of Arts", Kind.MUSEUM, "Almaty"),
    InstitutionSpec(
        "kurmangazy",
        "KZ",
        "Kurmangazy Kazakh National Conservatory",
        Kind.UNIVERSITY,
        "Almaty",
    ),
    InstitutionSpec(
        "kaznpu",
        "KZ",
        "Abai Kazakh National Pedagogical University",
        Kind.UNIVERSITY,
        "Almaty",
        short_name="KazNPU",
        website="https://kaznpu.kz",
    ),
    InstitutionSpec(
        "kz-ministry",
        "KZ",
        "Ministry of Science and Higher Education of the Republic of Kazakhstan",
        Kind.MINISTRY,
        "Astana",
    ),
    InstitutionSpec(
        "kz-government",
        "KZ",
        "Government of the Republic of Kazakhstan",
        Kind.GOVERNMENT,
        "Astana",
    ),
)

USERS = (
    UserSpec("admin", "Nodira", "Karimova", superuser=True),
    # Also a coordinator of the ministry's own institution: on a programme it takes part in,
    # Uzbekistan's other national coordinator decides.
    UserSpec(
        "uz.national", "Sherzod", "Rakhimov", national_coordinator_of="UZ", member_of="uz-ministry"
    ),
    UserSpec("uz.deputy", "Dilshod", "Yusupov", national_coordinator_of="UZ"),
    UserSpec("kz.national", "Aigerim", "Bekova", national_coordinator_of="KZ"),
    UserSpec("uz.coordinator", "Malika", "Usmonova", member_of="uwed"),
    UserSpec("kz.coordinator", "Yerlan", "Zhaksybekov", member_of="kaznu"),
    UserSpec("viewer", "Timur", "Nazarov", viewer=True),
)

# Venues are named after the institution that runs them; addresses are left out rather
# than guessed.
VENUES = (
    VenueSpec("gallery", "Fine Arts Gallery of Uzbekistan", "Tashkent", "UZ", "gallery"),
    VenueSpec("uwed", "University of World Economy and Diplomacy", "Tashkent", "UZ", "uwed"),
    VenueSpec(
        "nuu",
        "National University of Uzbekistan named after Mirzo Ulugbek",
        "Tashkent",
        "UZ",
        "nuu",
    ),
    VenueSpec("samsu", "Samarkand State University", "Samarkand", "UZ", "samsu"),
    VenueSpec(
        "uz-conservatory", "Uzbekistan State Conservatory", "Tashkent", "UZ", "uz-conservatory"
    ),
    VenueSpec("kasteyev", "A. Kasteyev State Museum of Arts", "Almaty", "KZ", "kasteyev"),
    VenueSpec(
        "kz-theatre",
        "Kalibek Kuanyshbayev Kazakh Music and Drama Theatre",
        "Astana",
        "KZ",
        "kz-theatre",
    ),
    VenueSpec("kaznu", "Al-Farabi Kazakh National University", "Almaty", "KZ", "kaznu"),
    VenueSpec("enu", "L. N. Gumilyov Eurasian National University", "Astana", "KZ", "enu"),
    VenueSpec(
        "kurmangazy", "Kurmangazy Kazakh National Conservatory", "Almaty", "KZ", "kurmangazy"
    ),
)


def agreements(today: datetime.date) -> tuple[AgreementSpec, ...]:
    """The legal basis. The treaty and the 2022 agreement keep their real dates; the university
    memoranda stand for the 280+ the paper counts, so their dates follow ``today`` and show
    every derived status (expiring, in force, expired)."""
    return (
        AgreementSpec(
            TREATY,
            Agreement.Kind.TREATY,
            signed_on=datetime.date(1998, 10, 31),
            parties=("uz-government", "kz-government"),
            summary=(
                "Article 1: the High Contracting Parties, being brotherly and friendly states, "
                "build their relations on equality, solidarity, comprehensive cooperation and "
                "mutual trust. Article 8: they ensure the right of Uzbeks living in Kazakhstan "
                "and Kazakhs living in Uzbekistan to preserve their national culture and "
                "language, and develop cooperation in this area. Text: "
                "https://lex.uz/uz/docs/-2553833"
            ),
        ),
        AgreementSpec(
            HIGHER_EDUCATION_AGREEMENT,
            Agreement.Kind.INTERGOVERNMENTAL,
            signed_on=datetime.date(2022, 12, 22),
            parties=("uz-ministry", "kz-ministry"),
            summary=(
                "Signed on 22 December 2022, during the state visit of President Tokayev to "
                "Uzbekistan. Separately, universities of the two countries have concluded more "
                "than 280 cooperation agreements and memoranda in higher education."
            ),
        ),
        AgreementSpec(
            UWED_KAZNU_MEMORANDUM,
            Agreement.Kind.MEMORANDUM,
            signed_on=today - datetime.timedelta(days=3 * 365 - 45),
            valid_until=today + datetime.timedelta(days=45),
            parties=("uwed", "kaznu"),
            summary=(
                "Student and staff exchange, the joint master's programme and joint research. "
                "Dates illustrative: it runs out within 90 days, so its renewal is due."
            ),
        ),
        AgreementSpec(
            SAMSU_KAZNPU_MEMORANDUM,
            Agreement.Kind.MEMORANDUM,
            signed_on=today - datetime.timedelta(days=400),
            valid_until=today + datetime.timedelta(days=5 * 365 - 400),
            parties=("samsu", "kaznpu"),
            summary="Teacher education and academic mobility. Dates illustrative.",
        ),
        AgreementSpec(
            CONSERVATORIES_MEMORANDUM,
            Agreement.Kind.MEMORANDUM,
            signed_on=today - datetime.timedelta(days=6 * 365),
            valid_until=today - datetime.timedelta(days=200),
            parties=("uz-conservatory", "kurmangazy"),
            summary="Joint concerts and master classes. Dates illustrative; it has expired.",
        ),
    )
