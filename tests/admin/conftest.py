import datetime

import pytest

from events.models import Event
from institutions.models import Institution
from tests.admin import TASHKENT, hosted_event
from tests.factories import CountryFactory, InstitutionFactory, joint_programme


@pytest.fixture
def uzbekistan():
    return CountryFactory(code="UZ")


@pytest.fixture
def kazakhstan():
    return CountryFactory(code="KZ")


@pytest.fixture
def kyrgyzstan():
    return CountryFactory(code="KG")


@pytest.fixture
def gallery(uzbekistan):
    return InstitutionFactory(
        name="Fine Arts Gallery of Uzbekistan", kind=Institution.Kind.GALLERY, country=uzbekistan
    )


@pytest.fixture
def theatre(kazakhstan):
    return InstitutionFactory(
        name="Kalibek Kuanyshbayev Kazakh Music and Drama Theatre",
        kind=Institution.Kind.THEATRE,
        country=kazakhstan,
    )


@pytest.fixture
def abay_programme(gallery, theatre):
    return joint_programme(uz=gallery, kz=theatre, title="Days of culture, 2022")


@pytest.fixture
def abay_exhibition(abay_programme, gallery):
    return hosted_event(
        programme=abay_programme,
        host=gallery,
        title="Abay. Heritage of Fraternal Peoples",
        starts_at=datetime.datetime(2022, 12, 19, 10, 0, tzinfo=TASHKENT),
        status=Event.Status.CONFIRMED,
        visibility=Event.Visibility.PUBLIC,
        expected_attendance=300,
    )
