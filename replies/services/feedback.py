"""The proposer's feedback link and answer (满意 / 基本满意 / 不满意)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.models import Assignment, Notice, Proposal
from proposals.notices import notice_create
from proposals.services import assignment_reopen
from proposals.transitions import SATISFIED, UNSATISFIED

from ..models import FROZEN_STATES, Feedback, FeedbackLink, Reply
from ._common import save_as
from .lifecycle import proposal_event, reply_delivered

DEFAULT_LINK_DAYS = 180
MAX_COMMENT_CHARS = 5_000


# The proposer copies the link from the printed letter: no 0/O, 1/I/L, nor lower case to
# tell apart. 28 characters of 31 are 138 bits, shown in groups of four: K7QM-3XRT-…
TOKEN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_LENGTH = 28
TOKEN_GROUP = 4
# What people type between groups, or instead of a hyphen (a Chinese keyboard's －, ―, —).
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff0d]+")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> str:
    chars = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    return "-".join(chars[i:i + TOKEN_GROUP] for i in range(0, TOKEN_LENGTH, TOKEN_GROUP))


def token_canonical(token: str) -> str:
    """The token as it was issued, from what someone typed: any case, full-width letters,
    with spaces or hyphens anywhere or none."""
    chars = _SEPARATORS.sub("", unicodedata.normalize("NFKC", token)).upper()
    return "-".join(chars[i:i + TOKEN_GROUP] for i in range(0, len(chars), TOKEN_GROUP))


def token_hashes(token: str) -> list[str]:
    """The stored digests `token` may stand for: its canonical form's, and its own exact
    one, for links issued before (secrets.token_urlsafe, where case and - _ count)."""
    return list(dict.fromkeys([token_hash(token_canonical(token)), token_hash(token)]))


@transaction.atomic
def feedback_link_create(
    *, reply: Reply, valid_days: int = DEFAULT_LINK_DAYS, actor=None
) -> tuple[FeedbackLink, str]:
    """A new link for the proposer. The token is returned once and never stored."""
    if reply.state not in FROZEN_STATES and reply.state != Reply.State.IN_REVIEW:
        raise ValidationError(_("只有签发的答复才能征询意见。"), code="not_signed")
    token = token_new()
    link = FeedbackLink(
        reply=reply,
        token_hash=token_hash(token),
        expires_at=timezone.now() + dt.timedelta(days=valid_days),
    )
    save_as(link, actor)
    return link, token


def feedback_link_get(*, token: str) -> FeedbackLink | None:
    """The live link for a token, or None (unknown, revoked or expired)."""
    if not token or len(token) > 200:
        return None
    return (
        FeedbackLink.objects.select_related("reply")
        .filter(token_hash__in=token_hashes(token), revoked=False,
                expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def feedback_submit(*, token: str, satisfaction: str, comment: str = "") -> Feedback:
    """Record the proposer's answer, once per reply, on a signed letter whether or not it
    has been marked sent (the link is on the letter). The answer delivers a reply not yet
    marked sent (lifecycle.reply_delivered); then 满意/基本满意 move the proposal from
    已答复 to 已反馈 and 不满意 sends it back to 办理中 (重新办理), by the table
    proposals.transitions.ON_REPLY_EVENT."""
    link = feedback_link_get(token=token)
    if link is None:
        raise ValidationError(_("链接无效或已过期。"), code="invalid_link")
    if satisfaction not in Feedback.Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意、基本满意或不满意。")})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError({"comment": _("意见不能超过%(n)d字。") % {"n": MAX_COMMENT_CHARS}})
    link = FeedbackLink.objects.select_for_update().get(pk=link.pk)
    reply = Reply.objects.select_for_update().get(pk=link.reply_id)
    if reply.state not in FROZEN_STATES:
        raise ValidationError(_("链接无效或已过期。"), code="invalid_link")
    if Feedback.objects.filter(reply=reply).exists():
        raise ValidationError(_("已收到您对这份答复的意见，谢谢。"), code="duplicate")
    link.use_count += 1
    link.save(update_fields=["use_count"])
    feedback = Feedback(reply=reply, link=link, satisfaction=satisfaction, comment=comment)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:
        raise ValidationError(_("已收到您对这份答复的意见，谢谢。"), code="duplicate") from exc

    if reply.state != Reply.State.SENT:  # answered before it was marked sent: delivered now
        reply_delivered(reply=reply)
    unsatisfied = satisfaction == Feedback.Satisfaction.UNSATISFIED
    proposal = proposal_event(
        proposal_id=reply.proposal_id, event=UNSATISFIED if unsatisfied else SATISFIED
    )
    if unsatisfied:
        _reopen_for_unsatisfied(reply, proposal, feedback)
    return feedback


def _reopen_for_unsatisfied(reply: Reply, proposal: Proposal, feedback: Feedback) -> None:
    """不满意: the unit's assignment is open again (重新办理) and the unit is told."""
    assignment = Assignment.objects.get(pk=reply.assignment_id)
    if assignment.state == Assignment.State.COMPLETED:
        assignment_reopen(assignment=assignment, actor=None)
    text = _(
        "提案人对第%(number)s号提案《%(title)s》的答复（%(doc)s）表示不满意，提案已退回重新办理。"
    ) % {"number": proposal.number, "title": proposal.title, "doc": reply.doc_number}
    if feedback.comment:
        text += _("提案人意见：%(c)s") % {"c": feedback.comment[:300]}
    notice_create(
        unit=reply.unit, assignment=assignment, kind=Notice.Kind.FEEDBACK_UNSATISFIED,
        message=text,
    )
