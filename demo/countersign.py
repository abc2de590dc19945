"""会签 in the demo: co-handling units confirm the final text of the replies that use their
sections (the signed replies of the story were confirmed the day before signing), and three
replies show each state — 第44139号 confirmed by 市住建局 (so 市市场监管局's signer can sign
it), 第44012号 held by 市财政局 (市教育局's signer is told so), 第44063号 returned by
市交通运输局 to 市文广旅局 with its reason.

Everything goes through the services on the day it happened (the product's clock set as
in load_demo); a story already told is left alone, so a second run changes nothing.
"""

from __future__ import annotations

from proposals.models import Assignment, Proposal
from replies import services
from replies.models import Countersign, Reply

RETURN_REASON = (
    "第二部分中“开通云台山景区旅游专线”的表述请改为“研究开通”，专线开通时间尚待市公交集团论证，"
    "请勿写明具体日期。"
)

# number, lead unit, co unit, the working days ago it was submitted (None: the story of
# fixtures/demo.json submitted it) and answered (None: still open), the answer.
STORIES = [
    (44139, "scjg", "zj", None, 1, "confirm"),
    (44012, "jy", "cz", 1, None, None),
    (44063, "wl", "jt", 2, 1, "return"),
]


def _key(command, unit_id: int) -> str:
    return next(k for k, unit in command.units.items() if unit.pk == unit_id)


def confirm_before_sign(command, reply: Reply) -> None:
    """The co units asked confirm before the signer signs (the story's signed replies)."""
    for countersign in Countersign.objects.pending().filter(reply=reply):
        services.countersign_confirm(
            countersign=countersign, actor=command._member(_key(command, countersign.unit_id))
        )


def load_countersign_demo(command) -> None:
    from .management.commands.load_demo import product_clock

    for number, lead_key, co_key, submitted_ago, answered_ago, answer in STORIES:
        proposal = Proposal.objects.get(session=command.session, number=number)
        lead = proposal.assignments.get(unit=command.units[lead_key],
                                        role=Assignment.Role.LEAD)
        if submitted_ago is not None:
            if Reply.objects.filter(assignment=lead).exists():
                continue
            _submit(command, lead, lead_key, command.days.ago(submitted_ago), product_clock)
        reply = Reply.objects.get(assignment=lead, supersedes__isnull=True)
        countersign = reply.countersigns.filter(unit=command.units[co_key]).first()
        if answer is None or countersign is None or not countersign.is_pending:
            continue
        co_person = command._member(co_key)
        with product_clock(command._at(command.days.ago(answered_ago), 11)):
            if answer == "confirm":
                services.countersign_confirm(countersign=countersign, actor=co_person)
            else:
                services.countersign_return(
                    countersign=countersign, reason=RETURN_REASON, actor=co_person
                )


def _submit(command, lead: Assignment, lead_key: str, day, product_clock) -> None:
    handler = command._member(lead_key)
    with product_clock(command._at(day, 10)):
        reply = services.reply_create_draft(assignment=lead, actor=handler)
        reply = services.reply_update(
            reply=reply, expected_version=reply.version, actor=handler, category="A",
            contact_name=handler.get_full_name() or handler.username,
            contact_phone="0518-85800000",
        )
    with product_clock(command._at(day, 15)):
        services.reply_submit_for_review(reply=reply, actor=handler)


__all__ = ["confirm_before_sign", "load_countersign_demo"]
