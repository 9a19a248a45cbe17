"""A request body above its URL's limit is refused before anything reads it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from calendars.imports import MAX_BYTES
from programmes.models import AgreementDocument
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_and_programme():
    gallery = InstitutionFactory(country=CountryFactory(code="UZ"))
    programme = joint_programme(
        uz=gallery, kz=InstitutionFactory(country=CountryFactory(code="KZ"))
    )
    return MembershipFactory(institution=gallery).user, programme


def test_a_calendar_file_above_the_limit_is_refused_before_the_csrf_check_reads_it(
    coordinator_and_programme,
):
    coordinator, programme = coordinator_and_programme
    # A client that checks CSRF: a request read to its end would be refused for want of a token.
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    url = reverse("calendars:import", args=[programme.pk])
    large = SimpleUploadedFile("big.ics", b"X" * (MAX_BYTES + 100_000), "text/calendar")
    small = SimpleUploadedFile("small.ics", b"BEGIN:VCALENDAR", "text/calendar")

    refused = client.post(url, {"calendar_file": large})
    read = client.post(url, {"calendar_file": small})

    assert (refused.status_code, read.status_code) == (413, 403)
    assert refused.text == "The request is larger than 1.0\xa0MB, so nothing was read or saved."


def test_a_document_above_the_limit_is_refused_and_nothing_is_stored(client, settings):
    party = InstitutionFactory(country=CountryFactory(code="UZ"))
    agreement = AgreementFactory()
    agreement.party_rows.create(institution=party)
    client.force_login(MembershipFactory(institution=party).user)
    too_large = b"%PDF-1.4\n" + b"0" * (settings.AGREEMENT_DOCUMENT_MAX_BYTES + 100_000)

    response = client.post(
        reverse("programmes:agreement_document_upload", args=[agreement.pk]),
        {"title": "Signed text", "file": SimpleUploadedFile("a.pdf", too_large, "application/pdf")},
    )

    assert response.status_code == 413
    assert AgreementDocument.objects.count() == 0
