"""Every write to agreements and programmes. Views, the admin and commands call these."""

from programmes.services.agreements import agreement_create
from programmes.services.documents import agreement_document_add, agreement_document_delete
from programmes.services.programmes import (
    PartnerRow,
    ProgrammeSaved,
    partnership_add,
    programme_create,
    programme_update,
)
from programmes.services.proposals import (
    ContentClosed,
    applying_an_amendment,
    require_content_open,
    version_adopt,
    version_decide,
    version_propose,
)
from programmes.services.workflow import (
    PaperLetter,
    StaleDecision,
    programme_activate,
    programme_cancel,
    programme_complete,
    programme_content_changed,
    programme_decide,
    programme_reopen,
    programme_resubmit,
    programme_submit,
    programme_transition,
    programme_withdraw,
)

__all__ = [
    "ContentClosed",
    "PaperLetter",
    "PartnerRow",
    "ProgrammeSaved",
    "StaleDecision",
    "agreement_create",
    "agreement_document_add",
    "agreement_document_delete",
    "applying_an_amendment",
    "partnership_add",
    "programme_activate",
    "programme_cancel",
    "programme_complete",
    "programme_content_changed",
    "programme_create",
    "programme_decide",
    "programme_reopen",
    "programme_resubmit",
    "programme_submit",
    "programme_transition",
    "programme_update",
    "programme_withdraw",
    "require_content_open",
    "version_adopt",
    "version_decide",
    "version_propose",
]
