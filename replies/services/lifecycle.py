"""What a reply's delivery and the proposer's answer do to the assignment and the proposal.

The moves themselves are the table ``proposals.transitions.ON_REPLY_EVENT``; this module
finds out which events happened. Sending and the proposer's answer may come in either
order (the feedback link is on the signed letter): whichever comes first delivers the
reply, and the other changes nothing more, so every order ends in the same state.
"""

from __future__ import annotations

from django.db.models import Q

from proposals.models import Assignment, Proposal
from proposals.services import assignment_complete, proposal_set_status
from proposals.transitions import REPLIED, after_reply_event

from ..models import Feedback, Reply


def answered_replies(proposal_id: int):
    """Replies that answer their assignment: signed, not replaced by a signed correction,
    delivered (sent, or answered by the proposer), and not rated 不满意."""
    return (
        Reply.objects.in_force()
        .filter(proposal_id=proposal_id)
        .filter(Q(state=Reply.State.SENT) | Q(feedback__isnull=False))
        .exclude(feedback__satisfaction=Feedback.Satisfaction.UNSATISFIED)
    )


def every_answering_unit_answered(proposal_id: int, *, delivering: Reply) -> bool:
    """Whether each answering unit (主办/分办) has answered, counting the reply being
    delivered now as its unit's answer whatever the proposer thinks of it: 不满意 comes
    after, as its own event, in whichever order the two arrived."""
    answering = Assignment.objects.filter(
        proposal_id=proposal_id, role__in=Assignment.ANSWERING_ROLES
    ).exclude(state=Assignment.State.WITHDRAWN)
    return not (
        answering.exclude(pk=delivering.assignment_id)
        .exclude(pk__in=answered_replies(proposal_id).values("assignment_id"))
        .exists()
    )


def proposal_event(*, proposal_id: int, event: str, actor=None) -> Proposal:
    """Apply one event of the table to the proposal (nothing when its status is not
    listed for the event)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    target = after_reply_event(proposal, event)
    if target is not None:
        proposal = proposal_set_status(proposal=proposal, status=target, actor=actor)
    return proposal


def reply_delivered(*, reply: Reply, actor=None) -> None:
    """The reply has reached the proposer (the first of: marked sent, answered through the
    link): the unit's assignment is done, and when every answering unit has answered, the
    proposal is 已答复."""
    assignment = Assignment.objects.get(pk=reply.assignment_id)
    if assignment.is_open:
        assignment_complete(assignment=assignment, actor=actor)
    if every_answering_unit_answered(reply.proposal_id, delivering=reply):
        proposal_event(proposal_id=reply.proposal_id, event=REPLIED, actor=actor)
