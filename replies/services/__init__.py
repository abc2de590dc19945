"""Every write to replies goes through these functions."""

from ._common import ALLOWED, ConflictError, DraftingCheckError, ReplyFinding, TransitionError
from .checks import reply_check
from .countersign import (
    countersign_check,
    countersign_confirm,
    countersign_return,
    countersigns_lapse_due,
    units_to_countersign,
)
from .drafts import (
    ParagraphInput,
    reply_correct,
    reply_create_draft,
    reply_return,
    reply_submit_for_review,
    reply_update,
)
from .feedback import feedback_link_create, feedback_link_get, feedback_submit
from .record_copy import record_copy_make, record_copy_retry, record_copy_schedule
from .signoff import leader_note_refusal, reply_mark_sent, reply_sign_off

__all__ = [
    "ALLOWED",
    "ConflictError",
    "DraftingCheckError",
    "ParagraphInput",
    "ReplyFinding",
    "TransitionError",
    "countersign_check",
    "countersign_confirm",
    "countersign_return",
    "countersigns_lapse_due",
    "feedback_link_create",
    "feedback_link_get",
    "feedback_submit",
    "leader_note_refusal",
    "record_copy_make",
    "record_copy_retry",
    "record_copy_schedule",
    "reply_check",
    "reply_correct",
    "reply_create_draft",
    "reply_mark_sent",
    "reply_return",
    "reply_sign_off",
    "reply_submit_for_review",
    "reply_update",
    "units_to_countersign",
]
