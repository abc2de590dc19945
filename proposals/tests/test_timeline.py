"""The clerk's timeline says what happened in words a clerk reads: states, dates, reasons,
units; never the bookkeeping fields behind them."""

import datetime as dt

import pytest
import time_machine

from proposals import services
from proposals.timeline import proposal_timeline

from .factories import ProposerFactory
from .scenario import build_scenario

pytestmark = pytest.mark.django_db

# Field names of the records behind the timeline that mean nothing to a clerk.
TECHNICAL = (
    "ID", "版本", "更新时间", "提交时间", "处理时间", "审批时间", "申请时间", "记录时间",
    "交办时间", "完成时间", "立案时间", "登记时间", "届次", "调整后的交办", "撰写人", "处理人",
    "审批人", "申请人", "记录人", "交办人", "登记人", "顺序",
)


@pytest.fixture
def s():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build_scenario()


def text_of(entries) -> list[str]:
    return [f"{e.what}｜{e.subject}｜{e.detail}" for e in entries]


def assert_readable(lines: list[str]) -> None:
    for line in lines:
        for name in TECHNICAL:
            assert name not in line.split("｜", 2)[2], (name, line)


def test_it_tells_every_step_of_handling_in_words(s):
    clerk, lead = s.users["clerk"], s.users["lead"]
    services.extension_request_decide(request=s.extension, approve=True, note="同意延期",
                                      actor=clerk)
    services.reassignment_request_decide(request=s.reassignment, approve=True,
                                         new_unit=s.idle_unit, actor=clerk)
    services.section_return(section=s.co_section, reason="请补充数据。", actor=lead)
    section = services.section_save(assignment=s.co, section=s.co_section, heading="科技局意见",
                                    paragraphs=["补充后的意见。"], actor=s.users["co"])
    services.section_submit(section=section, actor=s.users["co"])
    services.section_accept(section=section, actor=lead)
    services.contact_record_create(assignment=s.lead, contacted_on=dt.date(2025, 3, 31),
                                   method="phone", summary="电话沟通，委员同意。", actor=lead)

    lines = text_of(proposal_timeline(s.proposal, clerk))
    assert_readable(lines)
    joined = "\n".join(lines)
    assert ("延期申请：已同意｜连云港市科学技术局｜"
            "状态：待审批 → 已同意；审批意见：同意延期") in joined
    assert "办理期限：2025-04-28 → 2025-05-20" in joined
    assert ("调整申请：已同意｜连云港市财政局｜"
            "状态：待审批 → 已同意；改由连云港市教育局承办") in joined
    assert "交办：已撤回｜连云港市财政局（协办）" in joined
    assert "交办｜连云港市教育局（协办）｜办理期限：" in joined
    assert ("协办意见：退回｜连云港市科学技术局｜"
            "状态：已提交 → 退回；退回理由：请补充数据。") in joined
    assert "协办意见：已采纳｜连云港市科学技术局｜状态：已提交 → 已采纳" in joined
    assert "记录沟通协商｜连云港市市场监督管理局｜电话：电话沟通，委员同意。" in joined
    assert not any(line.endswith("退回理由：") for line in lines)  # cleared on accepting


def test_it_names_the_proposal_a_proposal_was_merged_into(s):
    clerk = s.users["clerk"]
    services.proposal_merge(proposal=s.registered, into=s.proposal, actor=clerk)
    lines = text_of(proposal_timeline(s.registered, clerk))
    assert_readable(lines)
    merged = f"状态：已登记 → 已并案；并入提案：{s.proposal.display_number}"
    assert f"提案：已并案｜第44200号｜{merged}" in lines
    assert lines[-1] == "登记提案｜第44200号｜"


def test_it_leaves_out_a_save_that_changed_only_bookkeeping(s):
    before = len(proposal_timeline(s.proposal, s.users["clerk"]))
    s.proposal.registered_at = s.proposal.registered_at + dt.timedelta(minutes=1)
    s.proposal.save()
    assert len(proposal_timeline(s.proposal, s.users["clerk"])) == before


def test_it_names_the_co_signers_when_they_are_set(s):
    clerk = s.users["clerk"]
    proposal = services.proposal_register(
        session=s.session, number=44500, title="关于加强知识产权保护的提案",
        lead_proposer=s.proposer, co_signers=[ProposerFactory(committee=s.committee)],
        actor=clerk,
    )
    proposal.title = "关于进一步加强知识产权保护的提案"
    proposal.save()
    lines = text_of(proposal_timeline(proposal, clerk))
    assert "修改提案｜第44500号｜附议人" in lines
    assert "修改提案｜第44500号｜案由" in lines
