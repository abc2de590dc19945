"""The demo's key proposals (重点提案): two proposals of the current session marked by the
提案委's clerk, each with its 领衔督办 leader, its 督办单位 and a few 督办 records, in
different states (第44137号 still being handled, 第44158号 answered and rated).

Called once from load_demo; what exists is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from proposals import services
from proposals.models import Proposal, Session

CLERK = "tiwei"
# number: (leader, title, 督办单位, [(working days after 交办, kind, who, text)])
KEY_PROPOSALS = {
    44137: (
        "王建华", "市政协副主席", "市政协提案委员会",
        [
            (2, "leader_note", "王建华副主席",
             "知识产权强市建设是今年市政协重点督办事项，请市市场监管局会同市科技局、市司法局"
             "认真研究，逐条答复委员建议，并于办理期限前报送办理情况。"),
            (4, "visit", "王建华副主席、提案委、市市场监管局",
             "赴市知识产权保护中心走访，听取快速维权和专利预审工作情况，要求加快建设"
             "国家级知识产权保护中心。"),
            (6, "meeting", "提案委、王波委员、市市场监管局、市科技局、市司法局",
             "召开督办座谈会，承办单位汇报办理进展，提案人对协办意见提出补充建议。"),
        ],
    ),
    44158: (
        "李晓梅", "副市长", "市政府督查室",
        [
            (2, "meeting", "李晓梅副市长、市市场监管局、市科技局",
             "召开质量强市建设督办座谈会，明确由市市场监管局牵头、市科技局配合办理。"),
            (3, "opinion", "市政府督查室",
             "请承办单位在答复中写明质量基础设施“一站式”服务平台的建设时间表。"),
        ],
    ),
}


def load_key_proposals(*, session: Session, days) -> None:
    """Mark the key proposals of the demo session, on working days after their 交办
    (`days`: load_demo's working-day calendar around today)."""
    from demo.management.commands.load_demo import product_clock

    clerk = get_user_model().objects.filter(username=CLERK).first()
    proposals = Proposal.objects.filter(
        session=session, number__in=KEY_PROPOSALS, is_key=False, assigned_on__isnull=False
    )
    for proposal in proposals:
        if proposal.supervising_leader:  # marked once before (and unmarked since)
            continue
        leader, title, unit, records = KEY_PROPOSALS[proposal.number]
        # Marked after the proposal's last recorded change: a history row dated before a
        # later one would make the timeline read the later state as a change back.
        last = proposal.history.order_by("-history_date").values_list(
            "history_date", flat=True
        ).first()
        marked_at = max(_at(days.after(proposal.assigned_on, 1), 9), last + dt.timedelta(minutes=5))
        with product_clock(marked_at):
            services.proposal_mark_key(
                proposal=proposal, leader=leader, leader_title=title,
                supervising_unit=unit, actor=clerk,
            )
        marked_on = timezone.localdate(marked_at)
        for after, kind, who, text in records:
            day = max(min(days.after(proposal.assigned_on, after), days.ago(1)), marked_on)
            with product_clock(max(_at(day, 16), marked_at + dt.timedelta(minutes=after))):
                services.supervision_record_create(
                    proposal=proposal, kind=kind, held_on=day, participants=who, text=text,
                    actor=clerk,
                )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
