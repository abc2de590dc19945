"""重点提案 and 督办: the clerk marks a proposal as key (with its 领衔督办 leader and 督办单位),
unmarks it with a reason, and records what the supervision did (走访, 座谈会, 批示)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Proposal, SupervisionRecord
from ._common import save_as

Status = Proposal.Status
# A key proposal is one the committee has accepted and not yet closed: 已登记 is still
# under review, 不予立案 and 已并案 are not handled on their own, 办结 is over.
KEY_STATUSES = (
    Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ANSWERED, Status.FEEDBACK,
)


def _required(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


@transaction.atomic
def proposal_mark_key(
    *,
    proposal: Proposal,
    leader: str,
    leader_title: str = "",
    supervising_unit: str,
    actor=None,
) -> Proposal:
    """Mark the proposal as key (重点提案), or change the leader or unit of one that is."""
    leader = _required(leader, "supervising_leader", _("请填写领衔督办领导。"))
    supervising_unit = _required(supervising_unit, "supervising_unit", _("请填写督办单位。"))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in KEY_STATUSES:
        raise ValidationError(
            _("状态为「%(status)s」的提案不能列为重点提案（须已立案且未办结）。")
            % {"status": proposal.get_status_display()},
            code="key_status",
        )
    proposal.is_key = True
    proposal.supervising_leader = leader
    proposal.supervising_leader_title = leader_title.strip()
    proposal.supervising_unit = supervising_unit
    proposal.key_unmark_reason = ""
    save_as(proposal, actor)
    return proposal


@transaction.atomic
def proposal_unmark_key(*, proposal: Proposal, reason: str, actor=None) -> Proposal:
    """No longer a key proposal, with the reason. Its 督办 records stay on it."""
    reason = _required(reason, "key_unmark_reason", _("取消重点提案须说明理由。"))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_key:
        raise ValidationError(
            _("%(p)s不是重点提案。") % {"p": proposal.display_number}, code="not_key"
        )
    proposal.is_key = False
    proposal.key_unmark_reason = reason
    save_as(proposal, actor)
    return proposal


@transaction.atomic
def supervision_record_create(
    *,
    proposal: Proposal,
    kind: str,
    held_on: dt.date,
    participants: str,
    text: str,
    actor=None,
) -> SupervisionRecord:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_key:
        raise ValidationError(
            _("%(p)s不是重点提案，不能记录督办情况。") % {"p": proposal.display_number},
            code="not_key",
        )
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("督办日期不能晚于今天。")}, code="future")
    if proposal.accepted_at and held_on < timezone.localdate(proposal.accepted_at):
        raise ValidationError(
            {
                "held_on": _("督办日期不能早于立案日期（%(d)s）。")
                % {"d": timezone.localdate(proposal.accepted_at)}
            },
            code="before_accepted",
        )
    record = SupervisionRecord(
        proposal=proposal,
        kind=kind,
        held_on=held_on,
        participants=_required(participants, "participants", _("请填写参加人员。")),
        text=_required(text, "text", _("请填写督办情况。")),
        recorded_by=actor,
    )
    save_as(record, actor)
    return record
