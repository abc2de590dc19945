"""What the reply services share: errors, the reply state table, drafting checks."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from proposals.services import ConflictError
from proposals.transitions import TransitionError

from ..models import Reply, ReplyState

S = ReplyState

# The one table of allowed moves of a reply.
ALLOWED: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.DRAFT, S.SIGNED}),
    S.SIGNED: frozenset({S.SENT}),
    S.SENT: frozenset(),
}


def move(reply: Reply, target: str) -> None:
    if target not in ALLOWED.get(reply.state, frozenset()):
        raise TransitionError(
            _("答复函的状态不能从「%(current)s」变为「%(target)s」。")
            % {"current": S(reply.state).label, "target": S(target).label},
            code="invalid_transition",
        )
    reply.state = target


@dataclass(frozen=True)
class ReplyFinding:
    """A problem found before rendering, shaped like replies.letter.Finding."""

    rule_id: str
    place: str
    message: str
    severity: str = "error"


class DraftingCheckError(ValidationError):
    """Drafting checks found errors; ``findings`` lists every finding (errors and warnings)."""

    def __init__(self, findings: list):
        from ..letter.places import place_in_words

        self.findings = list(findings)
        errors = [f for f in self.findings if f.severity == "error"]
        super().__init__(
            [
                _("%(place)s：%(message)s")
                % {"place": place_in_words(f.place), "message": f.message}
                for f in errors
            ],
            code="drafting_check",
        )


def save_as(obj, actor, **kwargs) -> None:
    obj.full_clean()
    obj._history_user = actor
    obj.save(**kwargs)


__all__ = [
    "ALLOWED",
    "ConflictError",
    "DraftingCheckError",
    "ReplyFinding",
    "TransitionError",
    "move",
    "save_as",
]
