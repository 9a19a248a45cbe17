import logging

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from core.caching import changes_content
from programmes import documents
from programmes.models import Agreement, AgreementDocument

logger = logging.getLogger(__name__)


@changes_content
@transaction.atomic
def agreement_document_add(
    *, actor: User | None, agreement: Agreement, upload: UploadedFile, title: str = ""
) -> AgreementDocument:
    """Keep ``upload`` as a document of ``agreement``, once ``programmes.documents`` has checked
    its size and type; stored under a name of the server's choosing. Raises ValidationError,
    storing nothing, for a file that is refused."""
    kind = documents.check_upload(upload)
    original_name = documents.download_name(upload.name or "", kind)
    document = AgreementDocument(
        agreement=agreement,
        title=title.strip() or original_name.rsplit(".", 1)[0],
        original_name=original_name,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])
    upload.seek(0)
    document.file.save(documents.storage_name(agreement.pk, kind), upload, save=False)
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    logger.info(
        "Document %s (%s, %d bytes) added to agreement %s by %s",
        document.pk,
        kind.label,
        document.size,
        agreement.pk,
        actor,
    )
    return document


@changes_content
@transaction.atomic
def agreement_document_delete(*, actor: User | None, document: AgreementDocument) -> None:
    """Remove the document's record, and its file once the removal is committed."""
    file = document.file
    with transaction.atomic():
        logger.info(
            "Document %s removed from agreement %s by %s", document.pk, document.agreement_id, actor
        )
        document.delete()
        transaction.on_commit(lambda: file.storage.delete(file.name))
