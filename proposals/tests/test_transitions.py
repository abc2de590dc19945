"""Every allowed and every forbidden move of the transition table, through `move`."""

import itertools

import pytest

from proposals.models import (
    Assignment,
    ExtensionRequest,
    Proposal,
    ReassignmentRequest,
    Section,
    Task,
)
from proposals.transitions import ALLOWED, TransitionError, can_move, move

MODELS = [Proposal, Assignment, Section, Task, ExtensionRequest, ReassignmentRequest]


def _field(model):
    return "status" if model is Proposal else "state"


def _all_pairs(model):
    values = [v for v, _label in model._meta.get_field(_field(model)).choices]
    return list(itertools.product(values, values))


def test_it_covers_every_state_of_every_model():
    for model in MODELS:
        values = {v for v, _ in model._meta.get_field(_field(model)).choices}
        assert set(ALLOWED[model]) == values, model


@pytest.mark.parametrize(
    ("model", "current", "target"),
    [(m, c, t) for m in MODELS for c, t in _all_pairs(m)],
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_it_moves_exactly_when_it_says_it_may(model, current, target):
    """move() and can_move() agree, and a refused move leaves the state as it was."""
    obj = model(**{_field(model): current})
    if can_move(obj, target):
        move(obj, target)
        assert getattr(obj, _field(model)) == target
    else:
        with pytest.raises(TransitionError) as excinfo:
            move(obj, target)
        assert getattr(obj, _field(model)) == current
        assert "不能从" in excinfo.value.messages[0]


FINAL = [
    (Proposal, Proposal.Status.REJECTED), (Proposal, Proposal.Status.MERGED),
    (Proposal, Proposal.Status.CLOSED), (Assignment, Assignment.State.WITHDRAWN),
    (ExtensionRequest, ExtensionRequest.State.APPROVED),
    (ExtensionRequest, ExtensionRequest.State.REJECTED),
    (ReassignmentRequest, ReassignmentRequest.State.APPROVED),
]


@pytest.mark.parametrize(("model", "state"), FINAL, ids=lambda v: str(v))
def test_it_lets_nothing_leave_a_final_state(model, state):
    obj = model(**{_field(model): state})
    values = [v for v, _label in model._meta.get_field(_field(model)).choices]
    assert not [v for v in values if can_move(obj, v)]


def test_it_skips_no_step_of_handling():
    P, S = Proposal.Status, Section.State
    assert not can_move(Proposal(status=P.REGISTERED), P.ASSIGNED)  # 立案 first
    assert not can_move(Proposal(status=P.ASSIGNED), P.ANSWERED)  # 办理 first
    assert not can_move(Section(state=S.DRAFT), S.ACCEPTED)  # submitted first


def test_it_names_both_states_in_chinese():
    proposal = Proposal(status=Proposal.Status.REGISTERED)
    with pytest.raises(TransitionError) as excinfo:
        move(proposal, Proposal.Status.ANSWERED)
    assert excinfo.value.messages == ["提案的状态不能从「已登记」变为「已答复」。"]


def test_it_follows_the_lifecycle_of_design_md():
    chain = [
        Proposal.Status.REGISTERED,
        Proposal.Status.ACCEPTED,
        Proposal.Status.ASSIGNED,
        Proposal.Status.IN_PROGRESS,
        Proposal.Status.ANSWERED,
        Proposal.Status.FEEDBACK,
        Proposal.Status.CLOSED,
    ]
    proposal = Proposal(status=chain[0])
    for status in chain[1:]:
        move(proposal, status)
    assert proposal.status == Proposal.Status.CLOSED
    # 不满意 sends an answered proposal back to handling.
    assert can_move(Proposal(status=Proposal.Status.ANSWERED), Proposal.Status.IN_PROGRESS)
