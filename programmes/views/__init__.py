"""Agreement and programme pages, and the coordinators' workspace for programmes.

Reading: a programme the user may not see is a 404, so a hidden draft looks like a missing one.
Writing: who may create, change, move along the workflow or decide is for
``programmes.permissions``; a page or step a user may see but not use answers 403, on GET and
POST alike. Every write goes through ``programmes.services``. A form with errors is shown again
with status 200; an edit refused because someone else saved the programme meanwhile, with
status 409 (Conflict), the person's input kept. Workflow steps are POST-only: each says what it
did, or why it could not, in a message on the programme page it redirects to.
"""

from programmes.views.agreements import (
    agreement_detail,
    agreement_document_delete,
    agreement_document_download,
    agreement_document_upload,
    agreement_list,
)
from programmes.views.programmes import (
    programme_create,
    programme_detail,
    programme_edit,
    programme_list,
)
from programmes.views.workflow import (
    decision_queue,
    programme_activate,
    programme_cancel,
    programme_complete,
    programme_decide,
    programme_reopen,
    programme_resubmit,
    programme_submit,
    programme_withdraw,
)

__all__ = [
    "agreement_detail",
    "agreement_document_delete",
    "agreement_document_download",
    "agreement_document_upload",
    "agreement_list",
    "decision_queue",
    "programme_activate",
    "programme_cancel",
    "programme_complete",
    "programme_create",
    "programme_decide",
    "programme_detail",
    "programme_edit",
    "programme_list",
    "programme_reopen",
    "programme_resubmit",
    "programme_submit",
    "programme_withdraw",
]
