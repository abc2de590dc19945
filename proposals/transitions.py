"""The one table of allowed state changes. Services call `move`; nothing else sets a state."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .models import (
    Assignment,
    ExtensionRequest,
    Proposal,
    ReassignmentRequest,
    Section,
    Task,
)

P, A, S, T = Proposal.Status, Assignment.State, Section.State, Task.State
R = ExtensionRequest.State

ALLOWED: dict[type[models.Model], dict[str, frozenset[str]]] = {
    Proposal: {
        P.REGISTERED: frozenset({P.ACCEPTED, P.REJECTED, P.MERGED}),
        P.ACCEPTED: frozenset({P.ASSIGNED, P.MERGED}),
        P.ASSIGNED: frozenset({P.IN_PROGRESS}),
        P.IN_PROGRESS: frozenset({P.ANSWERED}),
        # 不满意 sends an answered proposal back to handling (重新办理).
        P.ANSWERED: frozenset({P.FEEDBACK, P.IN_PROGRESS}),
        P.FEEDBACK: frozenset({P.CLOSED, P.IN_PROGRESS}),
        P.REJECTED: frozenset(),
        P.MERGED: frozenset(),
        P.CLOSED: frozenset(),
    },
    Assignment: {
        A.ASSIGNED: frozenset({A.IN_PROGRESS, A.WITHDRAWN}),
        A.IN_PROGRESS: frozenset({A.COMPLETED, A.WITHDRAWN}),
        A.COMPLETED: frozenset({A.IN_PROGRESS}),
        A.WITHDRAWN: frozenset(),
    },
    Section: {
        S.DRAFT: frozenset({S.SUBMITTED}),
        S.SUBMITTED: frozenset({S.ACCEPTED, S.RETURNED}),
        S.RETURNED: frozenset({S.SUBMITTED}),
        # An accepted section may be reopened by the lead unit (e.g. after 不满意).
        S.ACCEPTED: frozenset({S.RETURNED}),
    },
    Task: {
        T.OPEN: frozenset({T.DONE, T.CANCELLED}),
        T.DONE: frozenset({T.OPEN}),
        T.CANCELLED: frozenset({T.OPEN}),
    },
    ExtensionRequest: {
        R.PENDING: frozenset({R.APPROVED, R.REJECTED}),
        R.APPROVED: frozenset(),
        R.REJECTED: frozenset(),
    },
    ReassignmentRequest: {
        R.PENDING: frozenset({R.APPROVED, R.REJECTED}),
        R.APPROVED: frozenset(),
        R.REJECTED: frozenset(),
    },
}


# What a reply does to its proposal (the proposal's side of the reply lifecycle): event →
# {current status: new status}; a status not listed stays as it is. The events, each once
# per reply:
# - REPLIED: every answering unit's reply in force has reached the proposer. A reply reaches
#   the proposer when it is marked sent or when the proposer answers through the link on
#   the signed letter, whichever comes first: the feedback link exists from sign-off, and
#   an answer proves the letter arrived. Marking sent after the answer records the date
#   and changes nothing else (a rated proposal stays 已反馈; a 不满意 one stays 办理中).
# - SATISFIED: 满意 or 基本满意.
# - UNSATISFIED: 不满意 sends the proposal back to handling (重新办理), however it was
#   answered; the reply's unit handles it again and answers with a correction.
REPLIED, SATISFIED, UNSATISFIED = "replied", "satisfied", "unsatisfied"
ON_REPLY_EVENT: dict[str, dict[str, str]] = {
    REPLIED: {P.IN_PROGRESS: P.ANSWERED},
    SATISFIED: {P.ANSWERED: P.FEEDBACK},
    UNSATISFIED: {P.ANSWERED: P.IN_PROGRESS, P.FEEDBACK: P.IN_PROGRESS},
}


def after_reply_event(proposal: Proposal, event: str) -> str | None:
    """The status `event` moves the proposal to, or None when it stays as it is."""
    return ON_REPLY_EVENT[event].get(proposal.status)


class TransitionError(ValidationError):
    """An illegal state change, with a message a clerk can read."""


def _field(model: type[models.Model]) -> str:
    return "status" if model is Proposal else "state"


def _label(model: type[models.Model], value: str) -> str:
    field = model._meta.get_field(_field(model))
    return str(dict(field.choices).get(value, value))


def can_move(obj: models.Model, target: str) -> bool:
    current = getattr(obj, _field(type(obj)))
    return target in ALLOWED[type(obj)].get(current, frozenset())


def move(obj: models.Model, target: str) -> None:
    """Set the new state on `obj` (not saved) or raise TransitionError."""
    model = type(obj)
    current = getattr(obj, _field(model))
    if not can_move(obj, target):
        raise TransitionError(
            _("%(what)s的状态不能从「%(current)s」变为「%(target)s」。")
            % {
                "what": model._meta.verbose_name,
                "current": _label(model, current),
                "target": _label(model, target),
            },
            code="invalid_transition",
        )
    setattr(obj, _field(model), target)
