"""What an agreement document may be, told from its bytes, and where it is stored.

A document is recognised by its content, never by the name or the content type the browser sent:
a PDF begins with ``%PDF-``, PNG and JPEG images with their signatures, and a Word (DOCX) or
OpenDocument (ODT) text is a ZIP archive holding the parts that make it one. Anything else is
refused, as is a file above ``settings.AGREEMENT_DOCUMENT_MAX_BYTES``.

The stored name is chosen here — ``agreements/<agreement id>/<random hex>.<extension of the
recognised type>`` — so nothing the uploader wrote reaches the file system; the name they gave is
kept in the database only, for the download's ``Content-Disposition``.
"""

import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# How many bytes of the file the signatures need.
HEAD_BYTES = 8
# What a DOCX or ODT holds at most: a few dozen parts, and a few times its own size unpacked
# (text compresses, images do not). An archive that says it holds more is not a document.
ZIP_MAX_MEMBERS = 2_000
ZIP_MAX_UNPACKED_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class DocumentType:
    extension: str
    content_type: str
    label: str


PDF = DocumentType("pdf", "application/pdf", "PDF")
PNG = DocumentType("png", "image/png", "PNG")
JPEG = DocumentType("jpg", "image/jpeg", "JPEG")
DOCX = DocumentType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word (DOCX)",
)
ODT = DocumentType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument (ODT)")

ACCEPTED = (PDF, DOCX, ODT, PNG, JPEG)
# What the browser's file picker offers; the content decides what is accepted.
ACCEPTED_EXTENSIONS = (".pdf", ".docx", ".odt", ".png", ".jpg", ".jpeg")


def accepted_labels() -> str:
    return ", ".join(kind.label for kind in ACCEPTED)


def _zip_kind(upload: UploadedFile) -> DocumentType | None:
    """DOCX or ODT, from the parts of the archive; None for any other or a broken archive.

    Nothing is unpacked but the first bytes of an ODT's ``mimetype``, so an archive that would
    inflate to gigabytes (a "zip bomb") costs no more than its own size; one that says it holds
    more parts or more bytes than a document does is refused unread."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS or (
                sum(member.file_size for member in members) > ZIP_MAX_UNPACKED_BYTES
            ):
                return None
            names = {member.filename for member in members}
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "mimetype" in names and "content.xml" in names:
                with archive.open("mimetype") as part:
                    mimetype = part.read(len(ODT.content_type) + 2).strip()
                if mimetype == ODT.content_type.encode():
                    return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError):
        return None
    return None


def sniff(upload: UploadedFile) -> DocumentType | None:
    """The accepted type the file's content shows, or None."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    return None


def check_upload(upload: UploadedFile) -> DocumentType:
    """The file's type, or a ValidationError saying why it is refused: too large, empty, or not
    one of the accepted types."""
    limit = settings.AGREEMENT_DOCUMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s."),
            params={"limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("This kind of file is not accepted. Upload one of: %(kinds)s."),
            params={"kinds": accepted_labels()},
            code="type",
        )
    return kind


def storage_name(agreement_id: int, kind: DocumentType) -> str:
    """A name no one can guess or steer: the agreement's folder and a random one."""
    return f"agreements/{agreement_id}/{uuid.uuid4().hex}.{kind.extension}"


def decision_storage_name(programme_id: int, kind: DocumentType) -> str:
    """The same for the scanned letter of a decision taken on paper."""
    return f"decisions/{programme_id}/{uuid.uuid4().hex}.{kind.extension}"


def download_name(original_name: str, kind: DocumentType) -> str:
    """The name the file is offered under: the uploader's name without its folders, ending in
    the extension of the type it really is."""
    base = original_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '"<>:|?*').strip(". ")
    return f"{stem[:150] or 'document'}.{kind.extension}"
