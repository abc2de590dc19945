"""The proposer's feedback link and answer (满意 / 基本满意 / 不满意)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.dates import MissingHolidayData, add_working_days
from proposals.models import Assignment, Notice, Proposal
from proposals.notices import notice_create
from proposals.services import assignment_due_again, assignment_reopen
from proposals.transitions import SATISFIED, UNSATISFIED

from ..models import FROZEN_STATES, Feedback, FeedbackLink, Reply
from ._common import save_as
from .lifecycle import proposal_event, reply_delivered

logger = logging.getLogger(__name__)

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


def _level(value: str, field: str, label: str) -> str:
    if value not in Feedback.Satisfaction.values:
        message = _("请对%(what)s选择满意、基本满意或不满意。") % {"what": label}
        raise ValidationError({field: message})
    return value


@transaction.atomic
def feedback_submit(
    *, token: str, process: str = "", result: str = "", comment: str = "",
    satisfaction: str = "",
) -> Feedback:
    """Record the proposer's answer, once per reply, on a signed letter whether or not it
    has been marked sent (the link is on the letter): 办理过程 (`process`: contact,
    attitude) and 办理结果 (`result`), each 满意/基本满意/不满意 (`satisfaction` alone
    stands for both). The answer delivers a reply not yet marked sent
    (lifecycle.reply_delivered); then, by the table proposals.transitions.ON_REPLY_EVENT,
    满意/基本满意 on both parts move the proposal from 已答复 to 已反馈, and 不满意 on either
    sends it back to 办理中 (重新办理) with a new due date — once: the answer to the reply
    written after that (is_final) closes the round whatever it says, and the clerk is told."""
    link = feedback_link_get(token=token)
    if link is None:
        raise ValidationError(_("链接无效或已过期。"), code="invalid_link")
    if satisfaction and not (process or result):
        process = result = satisfaction
    process = _level(process, "process_satisfaction", _("办理过程"))
    result = _level(result, "result_satisfaction", _("办理结果"))
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
    final = answers_reopening(reply)
    feedback = Feedback(
        reply=reply, link=link, process_satisfaction=process, result_satisfaction=result,
        comment=comment, is_final=final,
    )
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:
        raise ValidationError(_("已收到您对这份答复的意见，谢谢。"), code="duplicate") from exc

    if reply.state != Reply.State.SENT:  # answered before it was marked sent: delivered now
        reply_delivered(reply=reply)
    reopen = feedback.satisfaction == Feedback.Satisfaction.UNSATISFIED and not final
    proposal = proposal_event(
        proposal_id=reply.proposal_id, event=UNSATISFIED if reopen else SATISFIED
    )
    if reopen:
        _reopen_for_unsatisfied(reply, proposal, feedback)
    elif final and feedback.satisfaction == Feedback.Satisfaction.UNSATISFIED:
        _tell_unit_not_reopened_again(reply, proposal, feedback)
    return feedback


def answers_reopening(reply: Reply) -> bool:
    """Whether this reply answers a reopening: an earlier reply of the same assignment
    had 不满意 feedback (which reopened it)."""
    return Feedback.objects.filter(
        reply__assignment_id=reply.assignment_id,
        satisfaction=Feedback.Satisfaction.UNSATISFIED,
    ).exclude(reply_id=reply.pk).exists()


def _reopen_for_unsatisfied(reply: Reply, proposal: Proposal, feedback: Feedback) -> None:
    """不满意: the unit's assignment is open again (重新办理), due the session's
    reopen_working_days after today, and the unit is told."""
    assignment = Assignment.objects.select_related("session").get(pk=reply.assignment_id)
    if assignment.state == Assignment.State.COMPLETED:
        assignment = assignment_reopen(assignment=assignment, actor=None)
    due = assignment_due_again(
        assignment=assignment,
        due_on=reopen_due_on(timezone.localdate(), assignment.session.reopen_working_days),
    )
    text = _(
        "提案人对第%(number)s号提案《%(title)s》的答复（%(doc)s）表示不满意（%(parts)s），"
        "提案已退回重新办理，请于%(due)s前再次答复。"
    ) % {"number": proposal.number, "title": proposal.title, "doc": reply.doc_number,
         "parts": feedback.parts_display, "due": f"{due:%Y年%-m月%-d日}"}
    if feedback.comment:
        text += _("提案人意见：%(c)s") % {"c": feedback.comment[:300]}
    notice_create(
        unit=reply.unit, assignment=assignment, kind=Notice.Kind.FEEDBACK_UNSATISFIED,
        message=text,
    )


# The longest run of days off a year's holiday calendar can add (国庆 and 春节: 8 days).
LONGEST_HOLIDAY_DAYS = 8


def reopen_due_on(today: dt.date, working_days: int) -> dt.date:
    """The due date of 重新办理: `working_days` working days after `today`. The proposer's
    answer must never fail for want of next year's holiday calendar, so without it the
    date counts weekdays only and adds the longest holiday: never earlier than the
    calendar would give (the unit may be told a few days too late, never too early)."""
    try:
        return add_working_days(today, working_days)
    except MissingHolidayData as exc:
        logger.warning("reopen due date without the holiday calendar: %s", exc)
    day, counted = today, 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        counted += day.weekday() < 5
    return day + dt.timedelta(days=LONGEST_HOLIDAY_DAYS)


def _tell_unit_not_reopened_again(reply: Reply, proposal: Proposal, feedback: Feedback) -> None:
    """The answer to the reply after 重新办理 is the last: still 不满意 closes the round
    (已反馈: the clerk sees it in the proposal's list and timeline, to follow up in
    person) and the unit is told that it is not reopened again."""
    text = _(
        "提案人对第%(number)s号提案《%(title)s》重新办理后的答复（%(doc)s）仍不满意（%(parts)s）。"
        "按规定不再退回重新办理，由提案委跟进。"
    ) % {"number": proposal.number, "title": proposal.title, "doc": reply.doc_number,
         "parts": feedback.parts_display}
    if feedback.comment:
        text += _("提案人意见：%(c)s") % {"c": feedback.comment[:300]}
    notice_create(
        unit=reply.unit, assignment=reply.assignment,
        kind=Notice.Kind.FEEDBACK_UNSATISFIED, message=text,
    )
