"""Every write to the proposal domain goes through these functions."""

from .assignments import (
    UnitChoice,
    assignment_add,
    assignment_complete,
    assignment_create,
    assignment_default_due_on,
    assignment_due_again,
    assignment_reopen,
    assignment_start,
    assignment_withdraw,
    proposal_assign,
)
from .calendar import (
    holidays_replace_year,
    holidays_seed_missing_years,
    package_days,
    package_years,
)
from .key_proposals import (
    KEY_STATUSES,
    proposal_mark_key,
    proposal_unmark_key,
    supervision_record_create,
)
from .proposals import (
    proposal_accept,
    proposal_merge,
    proposal_register,
    proposal_reject,
    proposal_set_status,
)
from .requests import (
    extension_cap,
    extension_request_create,
    extension_request_decide,
    reassignment_deadline,
    reassignment_request_create,
    reassignment_request_decide,
)
from .sections import (
    ConflictError,
    section_accept,
    section_return,
    section_save,
    section_submit,
)
from .tasks import (
    contact_record_create,
    task_cancel,
    task_create,
    task_finish,
    task_reassign,
    task_set_state,
)

__all__ = [
    "KEY_STATUSES",
    "ConflictError",
    "UnitChoice",
    "assignment_add",
    "assignment_create",
    "assignment_complete",
    "assignment_default_due_on",
    "assignment_due_again",
    "assignment_reopen",
    "assignment_start",
    "assignment_withdraw",
    "contact_record_create",
    "extension_cap",
    "extension_request_create",
    "extension_request_decide",
    "holidays_replace_year",
    "holidays_seed_missing_years",
    "package_days",
    "package_years",
    "proposal_accept",
    "proposal_assign",
    "proposal_mark_key",
    "proposal_merge",
    "proposal_register",
    "proposal_reject",
    "proposal_set_status",
    "proposal_unmark_key",
    "reassignment_deadline",
    "reassignment_request_create",
    "reassignment_request_decide",
    "section_accept",
    "section_return",
    "section_save",
    "section_submit",
    "task_cancel",
    "supervision_record_create",
    "task_create",
    "task_finish",
    "task_reassign",
    "task_set_state",
]
