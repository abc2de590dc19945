"""Replies and feedback on the clerk's timeline: 已签发 with its 文号, 签发人 and 成文日期,
退回修改 with the reviewer's comment, the proposer's answer; never the fields a signature is
made of."""

import pytest

from proposals.models import CommitteeRole
from proposals.tests.factories import CommitteeRoleFactory, UserFactory
from proposals.timeline import proposal_timeline
from replies import services

from .reply_fixtures import SIGN_DATE, make_case, ready_reply

pytestmark = pytest.mark.django_db

TECHNICAL = (
    "SHA-256", "签名", "签发时的公文数据", "签发文件", "发文序号", "发文年度", "签发时间",
    "发送时间", "收到时间", "创建时间", "更新时间", "版本", "链接", "更正的答复", "起草人",
    "签发人姓名",
)


def _lines(case) -> list[str]:
    clerk = UserFactory()
    CommitteeRoleFactory(user=clerk, committee=case.proposal.session.committee,
                         role=CommitteeRole.Role.CLERK)
    entries = proposal_timeline(case.proposal, clerk)
    return [f"{e.what}｜{e.subject}｜{e.detail}" for e in entries]


def test_it_tells_a_replys_way_from_review_to_the_proposers_answer():
    case = make_case()
    reply = ready_reply(case)
    reply = services.reply_return(reply=reply, comment="请补充联系人电话。", actor=case.signer)
    reply = services.reply_submit_for_review(reply=reply, actor=case.handler)
    reply = services.reply_sign_off(reply=reply, actor=case.signer, signed_on=SIGN_DATE)
    reply = services.reply_mark_sent(reply=reply, actor=case.handler)
    _link, token = services.feedback_link_create(reply=reply)
    services.feedback_submit(token=token, satisfaction="satisfied", comment="答复具体。")

    lines = _lines(case)
    for line in lines:
        detail = line.split("｜", 2)[2]
        for name in TECHNICAL:
            assert name not in detail, (name, line)
    unit = case.unit.name
    assert (
        f"答复函：已签发｜{unit}｜状态：待审核 → 已签发；文号：{reply.doc_number}；"
        f"签发人：{reply.signer_name}；成文日期：2025-06-20"
    ) in lines
    assert f"答复函：已发送｜{unit}｜状态：已签发 → 已发送" in lines
    assert (
        f"答复函：退回修改｜{unit}｜状态：待审核 → 草稿；审核意见：请补充联系人电话。"
    ) in lines
    assert sum(line.startswith("答复函：待审核") for line in lines) == 2
    assert f"提案人反馈｜{unit}｜满意度：满意；意见：答复具体。" in lines


def test_it_says_which_letter_a_correction_corrects():
    case = make_case()
    first = services.reply_sign_off(reply=ready_reply(case), actor=case.signer,
                                    signed_on=SIGN_DATE)
    correction = services.reply_correct(reply=first, actor=case.handler)
    correction = services.reply_update(
        reply=correction, expected_version=correction.version, actor=case.handler,
        category="A", contact_name="朱昌伟", contact_phone="18905131999",
    )
    correction = services.reply_submit_for_review(reply=correction, actor=case.handler)
    correction = services.reply_sign_off(reply=correction, actor=case.signer,
                                         signed_on=SIGN_DATE)
    signed = [line for line in _lines(case) if line.startswith("答复函：已签发")]
    assert signed[0].endswith(f"更正{first.doc_number}")
    assert not signed[1].endswith(f"更正{first.doc_number}")
