"""Agreement pages and their documents.

Every signed-in user reads an agreement. Its documents are listed and handed out only to those
``programmes.permissions`` lets read them; for anyone else a document's address is a 404, as if
it did not exist. A document is always sent as an attachment under the name and type the server
recognised, never shown in the browser, so an uploaded file cannot act as a page of the site.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.once import AlreadySent, already_sent, created_once
from core.uploads import body_limit
from programmes import documents, selectors, services
from programmes.filters import AgreementFilter
from programmes.forms import AgreementDocumentForm
from programmes.models import Agreement, AgreementDocument
from programmes.permissions import can_manage_agreement_documents, can_read_agreement_documents


@require_safe
def agreement_list(request):
    filterset = AgreementFilter(
        request.GET, queryset=selectors.agreement_list(user=request.user), request=request
    )
    agreements = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(agreements, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "programmes/agreement_list.html", {"filter": filterset, "page_obj": page_obj}
    )


def _agreement(request, pk: int) -> Agreement:
    try:
        return selectors.agreement_get(user=request.user, pk=pk)
    except Agreement.DoesNotExist as exc:
        raise Http404 from exc


def _render_agreement(request, agreement: Agreement, *, document_form=None, status=200):
    user = request.user
    may_read = can_read_agreement_documents.test(user, agreement)
    may_manage = can_manage_agreement_documents.test(user, agreement)
    if may_manage and document_form is None:
        document_form = AgreementDocumentForm()
    return render(
        request,
        "programmes/agreement_detail.html",
        {
            "agreement": agreement,
            "programmes": selectors.programme_list_for_agreement(user=user, agreement=agreement),
            "documents": selectors.agreement_documents(agreement=agreement) if may_read else None,
            "may_manage_documents": may_manage,
            "document_form": document_form,
            "document_limit": settings.AGREEMENT_DOCUMENT_MAX_BYTES,
            "document_kinds": documents.accepted_labels(),
        },
        status=status,
    )


@require_safe
def agreement_detail(request, pk: int):
    return _render_agreement(request, _agreement(request, pk))


@body_limit(settings.AGREEMENT_DOCUMENT_MAX_BYTES)
@require_POST
def agreement_document_upload(request, pk: int):
    """A form with errors is the agreement page again, status 200, and nothing is stored."""
    agreement = _agreement(request, pk)
    if not can_manage_agreement_documents.test(request.user, agreement):
        raise PermissionDenied
    form = AgreementDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with created_once(request) as created:
                document = services.agreement_document_add(
                    actor=request.user,
                    agreement=agreement,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
                created(reverse("programmes:agreement_detail", args=[agreement.pk]))
        except AlreadySent as sent:
            return already_sent(request, sent)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(title)s” was added.") % {"title": document.title})
            return redirect("programmes:agreement_detail", pk=agreement.pk)
    return _render_agreement(request, agreement, document_form=form)


def _document(request, pk: int, document_pk: int) -> tuple[Agreement, AgreementDocument]:
    """The agreement and its document, for someone who may read its documents; else 404."""
    agreement = _agreement(request, pk)
    if not can_read_agreement_documents.test(request.user, agreement):
        raise Http404
    try:
        document = selectors.agreement_documents(agreement=agreement).get(pk=document_pk)
    except AgreementDocument.DoesNotExist as exc:
        raise Http404 from exc
    return agreement, document


@require_safe
def agreement_document_download(request, pk: int, document_pk: int):
    _, document = _document(request, pk, document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def agreement_document_delete(request, pk: int, document_pk: int):
    agreement, document = _document(request, pk, document_pk)
    if not can_manage_agreement_documents.test(request.user, agreement):
        raise PermissionDenied
    services.agreement_document_delete(actor=request.user, document=document)
    messages.success(request, _("“%(title)s” was removed.") % {"title": document.title})
    return redirect("programmes:agreement_detail", pk=agreement.pk)
