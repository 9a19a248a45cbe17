"""The English names the ``holidays`` package gives the holidays of the Central Asian
countries, marked for ``makemessages`` so that our catalogues translate them where the package
has no name in the reader's language (``events.holidays``). Each is followed by the countries
that keep it; "(observed)" and "(estimated)" are translated on their own, and a day off moved
from another day is named in ``events.holidays``.

A test (tests/events/test_holidays.py) fails when the package names a holiday of one of these
countries that is not listed here.
"""

from django.utils.translation import pgettext_lazy

HOLIDAY_NAMES = (
    pgettext_lazy("public holiday", "Additional day off by Presidential decree"),  # UZ
    pgettext_lazy("public holiday", "Additional public holiday"),  # KG
    pgettext_lazy("public holiday", "Capital Day"),  # KZ
    pgettext_lazy("public holiday", "Christmas Day"),  # KG
    pgettext_lazy("public holiday", "Constitution Day"),  # KG KZ TJ UZ
    pgettext_lazy("public holiday", "Constitution and State Flag Day"),  # TM
    pgettext_lazy("public holiday", "Day of Memory and Honor"),  # UZ
    pgettext_lazy("public holiday", "Day of Revival, Unity and Poetry of Magtymguly Pyragy"),  # TM
    pgettext_lazy(
        "public holiday", "Day of the Constitution of Turkmenistan and Poetry of Magtymguly Pyragy"
    ),  # TM
    pgettext_lazy("public holiday", "Day of the Great October Socialist Revolution"),  # KG
    pgettext_lazy("public holiday", "Day of the People's April Revolution"),  # KG
    pgettext_lazy("public holiday", "Day of the People's Revolution"),  # KG
    pgettext_lazy("public holiday", "Days of History and Commemoration of Ancestors"),  # KG
    pgettext_lazy("public holiday", "Defender of the Fatherland Day"),  # KZ
    pgettext_lazy("public holiday", "Eid al-Adha"),  # KG KZ TJ TM UZ
    pgettext_lazy("public holiday", "Eid al-Fitr"),  # KG TJ TM UZ
    pgettext_lazy("public holiday", "Fatherland Defender's Day"),  # KG
    pgettext_lazy("public holiday", "First President Day"),  # KZ
    pgettext_lazy("public holiday", "Independence Day"),  # KG KZ TJ TM UZ
    pgettext_lazy("public holiday", "International Neutrality Day"),  # TM
    pgettext_lazy("public holiday", "International Nowruz Day"),  # TJ
    pgettext_lazy("public holiday", "International Women's Day"),  # KG KZ TM
    pgettext_lazy("public holiday", "International Workers' Solidarity Day"),  # TJ
    pgettext_lazy("public holiday", "Kazakhstan's People Solidarity Holiday"),  # KZ
    pgettext_lazy("public holiday", "Labor Day"),  # KG
    pgettext_lazy("public holiday", "May Holidays"),  # KG
    pgettext_lazy("public holiday", "Memorial Day"),  # TM
    pgettext_lazy("public holiday", "Mother's Day"),  # TJ
    pgettext_lazy("public holiday", "National Memorial Day"),  # TM
    pgettext_lazy("public holiday", "National Unity Day"),  # TJ
    pgettext_lazy("public holiday", "New Year Holidays"),  # KG
    pgettext_lazy("public holiday", "New Year's Day"),  # KG KZ TJ TM UZ
    pgettext_lazy("public holiday", "Non-working day"),  # TM
    pgettext_lazy("public holiday", "Nooruz Holiday"),  # KG
    pgettext_lazy("public holiday", "Nowruz"),  # UZ
    pgettext_lazy("public holiday", "Nowruz Holiday"),  # KZ
    pgettext_lazy("public holiday", "Orthodox Christmas"),  # KZ
    pgettext_lazy("public holiday", "Republic Day"),  # KZ
    pgettext_lazy("public holiday", "Spring Festival"),  # TM
    pgettext_lazy("public holiday", "State Flag Day"),  # TM
    pgettext_lazy("public holiday", "Teachers and Instructors Day"),  # UZ
    pgettext_lazy("public holiday", "Victory Day"),  # KG KZ TJ TM
    pgettext_lazy("public holiday", "Women's Day"),  # KG UZ
)
