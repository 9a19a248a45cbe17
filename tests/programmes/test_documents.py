"""Agreement documents: what is accepted, under which name it is stored, and who gets it back.

Files are recognised by their bytes; the name and content type the browser sends count for
nothing. A refused file stores nothing. A stored file is handed out only as an attachment, only
to the parties' coordinators, the national coordinators of their countries, viewers and
administrators; anyone else gets a 404 for its address.
"""

import io
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from programmes.models import Agreement, AgreementDocument
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    ViewerFactory,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX_BYTES = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT_BYTES = zipped(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}
)


@pytest.fixture(autouse=True)
def empty_storage(settings):
    """A new in-memory storage for each test, so what one test stored another does not see."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@dataclass
class World:
    agreement: Agreement
    party_coordinator: User
    other_coordinator: User
    uz_national: User
    kg_national: User
    viewer: User
    admin: User


@pytest.fixture
def world() -> World:
    uz, kz, kg = CountryFactory(code="UZ"), CountryFactory(code="KZ"), CountryFactory(code="KG")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    gallery = InstitutionFactory(name="Fine Arts Gallery of Uzbekistan", country=uz)
    agreement = AgreementFactory(title="Agreement on cooperation in higher education")
    AgreementPartyFactory(agreement=agreement, institution=uwed)
    AgreementPartyFactory(agreement=agreement, institution=kaznu)
    return World(
        agreement=agreement,
        party_coordinator=MembershipFactory(institution=uwed).user,
        other_coordinator=MembershipFactory(institution=gallery).user,
        uz_national=NationalCoordinatorFactory(country=uz).user,
        kg_national=NationalCoordinatorFactory(country=kg).user,
        viewer=ViewerFactory().user,
        admin=UserFactory(is_superuser=True, is_staff=True),
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def upload(client: Client, agreement: Agreement, name: str, content: bytes, **data):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(
        reverse("programmes:agreement_document_upload", args=[agreement.pk]),
        {"file": file, **data},
    )


def form_errors(response) -> list[str]:
    form = response.context["document_form"]
    return [message for messages in form.errors.values() for message in messages]


@pytest.mark.parametrize(
    ("name", "content", "stored_extension", "content_type", "offered_as"),
    [
        ("treaty.pdf", PDF_BYTES, "pdf", "application/pdf", "treaty.pdf"),
        ("scan.png", PNG_BYTES, "png", "image/png", "scan.png"),
        ("photo.jpeg", JPEG_BYTES, "jpg", "image/jpeg", "photo.jpg"),
        (
            "annex.docx",
            DOCX_BYTES,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "annex.docx",
        ),
        ("annex.odt", ODT_BYTES, "odt", "application/vnd.oasis.opendocument.text", "annex.odt"),
        # The content decides: a PDF sent as "picture.png" is kept and offered as a PDF.
        ("picture.png", PDF_BYTES, "pdf", "application/pdf", "picture.pdf"),
    ],
)
def test_an_accepted_file_is_stored_under_a_name_the_server_chose(
    world, name, content, stored_extension, content_type, offered_as
):
    client = client_for(world.party_coordinator)
    response = upload(client, world.agreement, name, content, title="Signed text")

    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:agreement_detail", args=[world.agreement.pk])
    document = AgreementDocument.objects.get()
    assert (document.title, document.original_name, document.content_type, document.size) == (
        "Signed text",
        offered_as,
        content_type,
        len(content),
    )
    assert document.uploaded_by == world.party_coordinator
    assert re.fullmatch(
        rf"agreements/{world.agreement.pk}/[0-9a-f]{{32}}\.{stored_extension}", document.file.name
    )
    with default_storage.open(document.file.name) as stored:
        assert stored.read() == content
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["“Signed text” was added."]


def test_without_a_title_the_file_name_is_the_title(world):
    upload(client_for(world.party_coordinator), world.agreement, "Memorandum 2022.pdf", PDF_BYTES)

    assert AgreementDocument.objects.get().title == "Memorandum 2022"


def test_the_uploaders_folders_and_odd_characters_never_reach_the_names(world):
    upload(
        client_for(world.party_coordinator),
        world.agreement,
        '../../etc/"passwd<1>".pdf',
        PDF_BYTES,
    )

    document = AgreementDocument.objects.get()
    assert document.original_name == "passwd1.pdf"
    assert document.file.name.startswith(f"agreements/{world.agreement.pk}/")
    assert ".." not in document.file.name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "script.pdf",
            b"<script>alert(1)</script>",
            "This kind of file is not accepted. Upload one of: PDF, Word (DOCX), "
            "OpenDocument (ODT), PNG, JPEG.",
        ),
        (
            "book.xlsx",
            zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
            "This kind of file is not accepted. Upload one of: PDF, Word (DOCX), "
            "OpenDocument (ODT), PNG, JPEG.",
        ),
        (
            "broken.docx",
            b"PK\x03\x04 not really an archive",
            "This kind of file is not accepted. Upload one of: PDF, Word (DOCX), "
            "OpenDocument (ODT), PNG, JPEG.",
        ),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_refused_file_stores_nothing_and_says_why(world, name, content, message):
    response = upload(client_for(world.party_coordinator), world.agreement, name, content)

    assert response.status_code == 200
    assert form_errors(response) == [message]
    assert AgreementDocument.objects.count() == 0
    assert not default_storage.exists("agreements")


def test_a_file_above_the_limit_is_refused(world, settings):
    settings.AGREEMENT_DOCUMENT_MAX_BYTES = 1024
    content = PDF_BYTES + b"0" * 1024

    response = upload(client_for(world.party_coordinator), world.agreement, "big.pdf", content)

    assert response.status_code == 200
    assert form_errors(response) == ["The file is larger than 1.0\xa0KB."]
    assert AgreementDocument.objects.count() == 0


def test_a_document_sent_twice_is_stored_once(world):
    client = client_for(world.party_coordinator)
    token = "0f9a3b52-7c1e-4f6d-9a28-3d5b6e7f8a90"

    answers = [
        upload(client, world.agreement, "treaty.pdf", PDF_BYTES, form_token=token)["Location"]
        for _ in range(2)
    ]

    assert (answers, AgreementDocument.objects.count()) == (
        [reverse("programmes:agreement_detail", args=[world.agreement.pk])] * 2,
        1,
    )


def test_a_post_without_a_file_asks_for_one(world):
    response = client_for(world.party_coordinator).post(
        reverse("programmes:agreement_document_upload", args=[world.agreement.pk]),
        {"title": "Nothing attached"},
    )

    assert response.status_code == 200
    assert form_errors(response) == ["This field is required."]
    assert AgreementDocument.objects.count() == 0


def test_a_document_is_sent_as_an_attachment_with_its_recognised_type(world):
    upload(client_for(world.party_coordinator), world.agreement, "picture.png", PDF_BYTES)
    document = AgreementDocument.objects.get()

    response = client_for(world.viewer).get(
        reverse("programmes:agreement_document", args=[world.agreement.pk, document.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="picture.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF_BYTES


def readers_and_managers(world: World) -> dict[str, tuple[User | None, bool, bool]]:
    """Each person: may they read the documents, may they add and remove them."""
    return {
        "anonymous": (None, False, False),
        "party coordinator": (world.party_coordinator, True, True),
        "coordinator of a non-party": (world.other_coordinator, False, False),
        "national coordinator of a party's country": (world.uz_national, True, True),
        "national coordinator of another country": (world.kg_national, False, False),
        "viewer": (world.viewer, True, False),
        "administrator": (world.admin, True, True),
    }


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "party coordinator",
        "coordinator of a non-party",
        "national coordinator of a party's country",
        "national coordinator of another country",
        "viewer",
        "administrator",
    ],
)
def test_who_reads_adds_and_removes_documents(world, who):
    upload(client_for(world.party_coordinator), world.agreement, "treaty.pdf", PDF_BYTES)
    document = AgreementDocument.objects.get()
    user, may_read, may_manage = readers_and_managers(world)[who]
    client = client_for(user)
    download = reverse("programmes:agreement_document", args=[world.agreement.pk, document.pk])
    delete = reverse("programmes:agreement_document_delete", args=[world.agreement.pk, document.pk])

    page = client.get(reverse("programmes:agreement_detail", args=[world.agreement.pk]))
    fetched = client.get(download)
    added = upload(client, world.agreement, "annex.pdf", PDF_BYTES)
    removed = client.post(delete)

    if user is None:
        login = reverse("accounts:login")
        assert [page.status_code, fetched.status_code, added.status_code] == [302, 302, 302]
        assert fetched["Location"] == f"{login}?next={download}"
        assert AgreementDocument.objects.count() == 1
        return
    listed = download.encode() in page.content
    assert (page.status_code, listed) == (200, may_read)
    assert fetched.status_code == (200 if may_read else 404)
    if may_manage:
        assert (added.status_code, removed.status_code) == (302, 302)
        assert sorted(AgreementDocument.objects.values_list("original_name", flat=True)) == [
            "annex.pdf"
        ]
    else:
        assert (added.status_code, removed.status_code) == (403, 403 if may_read else 404)
        assert list(AgreementDocument.objects.values_list("original_name", flat=True)) == [
            "treaty.pdf"
        ]


def test_removing_a_document_removes_its_file(world, django_capture_on_commit_callbacks):
    client = client_for(world.party_coordinator)
    upload(client, world.agreement, "treaty.pdf", PDF_BYTES)
    document = AgreementDocument.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programmes:agreement_document_delete", args=[world.agreement.pk, document.pk])
        )

    assert response.status_code == 302
    assert AgreementDocument.objects.count() == 0
    assert not default_storage.exists(document.file.name)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“treaty” was added.",
        "“treaty” was removed.",
    ]


def test_a_document_of_another_agreement_is_not_found_under_this_one(world):
    upload(client_for(world.party_coordinator), world.agreement, "treaty.pdf", PDF_BYTES)
    document = AgreementDocument.objects.get()
    other = AgreementFactory()

    response = client_for(world.admin).get(
        reverse("programmes:agreement_document", args=[other.pk, document.pk])
    )

    assert response.status_code == 404


def test_the_agreement_page_runs_the_same_queries_for_one_and_many_documents(world):
    client = client_for(world.party_coordinator)
    url = reverse("programmes:agreement_detail", args=[world.agreement.pk])
    # Each measured right after an upload, so both read what a change leaves to read again.
    upload(client, world.agreement, "one.pdf", PDF_BYTES)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(5):
        upload(client, world.agreement, f"more-{number}.pdf", PDF_BYTES)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.context["documents"].count() == 6
    assert len(many) == len(one)


def test_the_admin_lists_an_agreements_documents_with_their_download_address(world):
    upload(client_for(world.party_coordinator), world.agreement, "treaty.pdf", PDF_BYTES)
    document = AgreementDocument.objects.get()

    response = client_for(world.admin).get(
        reverse("admin:programmes_agreement_change", args=[world.agreement.pk])
    )

    download = reverse("programmes:agreement_document", args=[world.agreement.pk, document.pk])
    assert response.status_code == 200
    assert response.content.count(f'<a href="{download}">treaty</a> (treaty.pdf)'.encode()) == 1


# A "zip bomb": an ODT whose ``mimetype`` part inflates to far more than the upload itself.
MEASURE_PEAK = """
import resource, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from programmes.documents import check_upload

answers = []
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for path in sys.argv[1:]:
    with open(path, "rb") as bomb:
        upload = SimpleUploadedFile("agreement.odt", bomb.read())
    try:
        check_upload(upload)
    except ValidationError as refused:
        answers.append(refused.code)
    else:
        answers.append("accepted")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(" ".join(answers), (after - before) // 1024)
"""


def bomb(path, unpacked_mib: int):
    """An ODT of a few hundred KiB whose ``mimetype`` unpacks to ``unpacked_mib`` MiB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w") as part:
            zeros = bytes(1024 * 1024)
            for _ in range(unpacked_mib):
                part.write(zeros)
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def test_a_zip_bomb_is_refused_without_unpacking_it(tmp_path):
    # One within the bound on the unpacked size, read no further than its first bytes, and one
    # that says it unpacks to more, refused unread.
    within = bomb(tmp_path / "within.odt", 150)
    beyond = bomb(tmp_path / "beyond.odt", 300)

    measured = subprocess.run(
        [sys.executable, "-c", MEASURE_PEAK, str(within), str(beyond)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    answers, peak_growth_mib = measured.stdout.split()[:2], int(measured.stdout.split()[2])

    assert (within.stat().st_size < 400_000, beyond.stat().st_size < 400_000) == (True, True)
    assert answers == ["type", "type"]
    # Unpacking either would take 150 or 300 MiB; reading the archives takes a few.
    assert peak_growth_mib < 20
