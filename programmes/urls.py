from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    # An agreement's documents: added and removed by POST, downloaded as attachments.
    path(
        "agreements/<int:pk>/documents/",
        views.agreement_document_upload,
        name="agreement_document_upload",
    ),
    path(
        "agreements/<int:pk>/documents/<int:document_pk>/",
        views.agreement_document_download,
        name="agreement_document",
    ),
    path(
        "agreements/<int:pk>/documents/<int:document_pk>/delete/",
        views.agreement_document_delete,
        name="agreement_document_delete",
    ),
    path("programmes/", views.programme_list, name="list"),
    path("programmes/new/", views.programme_create, name="create"),
    path("programmes/decisions/", views.decision_queue, name="decisions"),
    path("programmes/<int:pk>/", views.programme_detail, name="detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="edit"),
    # Workflow steps and decisions: POST only, each answering with a redirect to the programme.
    path("programmes/<int:pk>/submit/", views.programme_submit, name="submit"),
    path("programmes/<int:pk>/withdraw/", views.programme_withdraw, name="withdraw"),
    path("programmes/<int:pk>/reopen/", views.programme_reopen, name="reopen"),
    path("programmes/<int:pk>/resubmit/", views.programme_resubmit, name="resubmit"),
    path("programmes/<int:pk>/activate/", views.programme_activate, name="activate"),
    path("programmes/<int:pk>/complete/", views.programme_complete, name="complete"),
    path("programmes/<int:pk>/cancel/", views.programme_cancel, name="cancel"),
    path("programmes/<int:pk>/decide/", views.programme_decide, name="decide"),
]
