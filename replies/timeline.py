"""Replies and feedback on the proposal's timeline (proposals.timeline.SOURCES), in words a
clerk reads: 已签发 with its 文号, 签发人 and 成文日期; not the fields a signature is made of."""

from django.db.models import Q

from proposals import access as proposal_access
from proposals import timeline
from proposals.timeline import previous_record

from . import selectors
from .models import Countersign, Feedback, Reply

# What a signature is made of, and the bookkeeping around it: the entry says 已签发.
_HIDDEN_FIELDS = {
    "sha256", "signature", "signature_payload", "signed_spec", "signing_key", "signed_file",
    "doc_year", "doc_seq", "signed_at", "sent_at", "signer", "signer_name", "signed_on",
    "created_at", "received_at", "link", "supersedes",
    "requested_on", "decided_on", "round",  # 会签: the entry's own date and who say it
}
_VALUE_FIELDS = {"review_comment", "category", "disclosure", "reason"}


def _visible(proposal, user):
    return selectors.replies_of_proposal(proposal=proposal, user=user)


def _returned_for_revision(record) -> bool:
    prev = previous_record(record)
    return prev is not None and prev.state == Reply.State.IN_REVIEW


def reply_rows(proposal, user):
    # A draft's edits are the unit's own business: the timeline shows 待审核, 已签发, 已发送,
    # and a reply sent back from review (退回修改, with the reviewer's comment).
    rows = Reply.history.filter(id__in=_visible(proposal, user).values("pk"))
    returned = [
        r for r in rows.filter(state=Reply.State.DRAFT).exclude(review_comment="")
        if _returned_for_revision(r)
    ]
    return [*rows.exclude(state=Reply.State.DRAFT), *returned]


def feedback_rows(proposal, user):
    return Feedback.history.filter(reply_id__in=_visible(proposal, user).values("pk"))


def countersign_rows(proposal, user):
    """会签: what the lead unit sees of its reply's requests, and a co unit of its own."""
    visible = Q(reply_id__in=_visible(proposal, user).values("pk"))
    if user.is_authenticated:
        visible |= Q(unit_id__in=proposal_access.unit_ids_of(user))
    return Countersign.history.filter(visible, reply__proposal=proposal)


def _countersign_asked(countersign: Countersign) -> str:
    due = f"，期限 {countersign.due_on:%Y-%m-%d}" if countersign.due_on else ""
    return f"第{countersign.round}次送审{due}"


def _signed(reply: Reply) -> list[str]:
    parts = [f"文号：{reply.doc_number}"]
    if reply.signer_name:
        parts.append(f"签发人：{reply.signer_name}")
    if reply.signed_on:
        parts.append(f"成文日期：{reply.signed_on:%Y-%m-%d}")
    if reply.supersedes_id:
        parts.append(f"更正{reply.supersedes.doc_number}")
    return parts


def _feedback(feedback: Feedback) -> str:
    detail = f"满意度：{feedback.parts_display}"
    if feedback.is_final:
        detail += "（重新办理后的最终评价）"
    if feedback.comment:
        detail += f"；意见：{feedback.comment[:60]}"
    return detail


def register() -> None:
    for source in (reply_rows, feedback_rows, countersign_rows):
        if source not in timeline.SOURCES:
            timeline.SOURCES.append(source)
    timeline.HIDDEN_FIELDS.update(_HIDDEN_FIELDS)
    timeline.VALUE_FIELDS.update(_VALUE_FIELDS)
    timeline.STATE_DETAILS[(Reply, Reply.State.SIGNED)] = _signed
    timeline.STATE_NAMES[(Reply, Reply.State.DRAFT)] = "退回修改"
    timeline.CREATED_VERBS[Feedback] = "提案人反馈"
    timeline.CREATED_DETAILS[Feedback] = _feedback
    timeline.CREATED_VERBS[Countersign] = "送会签"
    timeline.CREATED_DETAILS[Countersign] = _countersign_asked
