"""Registering and deciding on proposals (立案 / 不予立案 / 并案)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Proposal, Proposer, Session
from ..transitions import move
from ._common import save_as

Status = Proposal.Status


def _check_same_committee(session: Session, proposers: Iterable[Proposer]) -> None:
    for proposer in proposers:
        if proposer.committee_id != session.committee_id:
            raise ValidationError(
                _("提案人「%(name)s」不属于%(committee)s。")
                % {"name": proposer.name, "committee": session.committee},
                code="other_committee",
            )


@transaction.atomic
def proposal_register(
    *,
    session: Session,
    number: int,
    title: str,
    lead_proposer: Proposer,
    content: str = "",
    reasons: str = "",
    suggestions: str = "",
    co_signers: Iterable[Proposer] = (),
    is_collective: bool = False,
    suggested_units: str = "",
    actor=None,
) -> Proposal:
    co_signers = [p for p in co_signers if p.pk != lead_proposer.pk]
    _check_same_committee(session, [lead_proposer, *co_signers])
    proposal = Proposal(
        session=session,
        number=number,
        title=title.strip(),
        content=content,
        reasons=reasons,
        suggestions=suggestions,
        lead_proposer=lead_proposer,
        is_collective=is_collective,
        suggested_units=suggested_units,
        created_by=actor,
    )
    save_as(proposal, actor)
    if co_signers:
        proposal.co_signers.set(co_signers)
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor=None, note: str = "") -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    move(proposal, Status.ACCEPTED)
    proposal.accepted_at = timezone.now()
    proposal.decision_note = note
    save_as(proposal, actor)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, reason: str, actor=None) -> Proposal:
    if not reason.strip():
        raise ValidationError({"decision_note": _("不予立案须说明理由。")}, code="required")
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    move(proposal, Status.REJECTED)
    proposal.decision_note = reason.strip()
    save_as(proposal, actor)
    return proposal


@transaction.atomic
def proposal_merge(*, proposal: Proposal, into: Proposal, actor=None, note: str = "") -> Proposal:
    """并案: this proposal is handled together with (and answered through) `into`."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    into = Proposal.objects.select_for_update().get(pk=into.pk)
    if into.pk == proposal.pk:
        raise ValidationError(_("提案不能并入自身。"), code="merge_self")
    if into.session_id != proposal.session_id:
        raise ValidationError(_("只能并入同一届次的提案。"), code="merge_session")
    if into.status in (Status.MERGED, Status.REJECTED, Status.CLOSED):
        raise ValidationError(
            _("不能并入状态为「%(status)s」的提案。") % {"status": into.get_status_display()},
            code="merge_target_state",
        )
    move(proposal, Status.MERGED)
    proposal.merged_into = into
    proposal.decision_note = note
    save_as(proposal, actor)
    return proposal


@transaction.atomic
def proposal_set_status(*, proposal: Proposal, status: str, actor=None) -> Proposal:
    """Move along the lifecycle (办理中, 已答复, 已反馈, 办结, 重新办理) with its timestamps."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    move(proposal, status)
    now = timezone.now()
    if status == Status.ANSWERED:
        proposal.answered_at = now
    elif status == Status.CLOSED:
        proposal.closed_at = now
    elif status == Status.IN_PROGRESS:
        proposal.closed_at = None
    save_as(proposal, actor)
    return proposal
