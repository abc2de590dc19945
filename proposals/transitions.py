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
