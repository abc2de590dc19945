"""Similar proposals and reuse of earlier replies, on a small labelled set."""

import datetime as dt

import pytest
from django.template import Context, Template

from proposals.models import Assignment
from proposals.similarity import similar_proposals, similar_to_text
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeFactory,
    ProposalFactory,
    SessionFactory,
    UnitFactory,
)
from replies.models import Reply
from replies.reuse import earlier_reply_paragraphs

from .helpers import signed_reply

pytestmark = pytest.mark.django_db

# Three topics, each written three times by different proposers in different words; then
# proposals on unrelated subjects. Labels: the topic key (None = unrelated to all).
LABELLED = [
    ("elevator", "关于加快老旧小区加装电梯的建议",
     "我市老旧小区多为六层以下无电梯住宅，老年人上下楼困难。建议简化加装电梯审批流程，"
     "加大财政补贴力度，协调低层住户利益。"),
    ("elevator", "关于推进既有住宅增设电梯工作的提案",
     "既有多层住宅没有电梯，高龄居民出行不便。建议出台增设电梯补贴办法，优化审批，"
     "建立业主协商机制，推动老旧小区电梯加装。"),
    ("elevator", "关于破解老旧小区电梯加装难题的建议",
     "加装电梯涉及规划审批、资金筹措和邻里协商，推进缓慢。建议政府给予补贴，"
     "简化审批环节，发挥社区作用化解低层住户顾虑。"),
    ("parking", "关于缓解医院周边停车难的建议",
     "市第一人民医院周边停车位严重不足，就医车辆排队占道。建议新建立体停车库，"
     "推行错时共享停车，完善医院停车预约。"),
    ("parking", "关于解决医院停车难问题的提案",
     "各大医院门口停车难、道路拥堵。建议挖潜增加停车泊位，鼓励周边单位错时开放停车场，"
     "推广智慧停车和预约就医停车。"),
    ("parking", "关于改善医院周边交通和停车秩序的建议",
     "医院周边车辆乱停、停车位紧张。建议规划建设停车设施，实行共享停车，"
     "加强交通疏导，缓解就医停车难。"),
    ("water", "关于加强农村生活污水治理的建议",
     "部分农村生活污水直排河道，污染水环境。建议加大污水管网建设投入，"
     "建立农村污水处理设施长效运维机制。"),
    ("water", "关于推进农村污水处理设施建设和运维的提案",
     "农村污水处理设施建而不用、运维缺位。建议明确运维责任主体，保障运维资金，"
     "完善农村生活污水收集管网。"),
    ("water", "关于提升农村生活污水治理水平的建议",
     "农村污水治理覆盖率不高，设施运行不稳定。建议统筹规划污水管网，"
     "引入第三方专业运维，加强水质监测。"),
    (None, "关于加强中小学生近视防控的建议",
     "中小学生近视率居高不下。建议保障户外活动时间，控制电子产品使用，定期开展视力筛查。"),
    (None, "关于发展海洋经济的建议",
     "我市海洋资源丰富。建议培育海洋新兴产业，建设现代渔港，发展海洋旅游。"),
    (None, "关于加强非物质文化遗产保护传承的提案",
     "部分非遗项目后继乏人。建议加大传承人扶持，推动非遗进校园，建设非遗展示馆。"),
    (None, "关于促进民营企业融资的建议",
     "民营中小企业融资难、融资贵。建议完善政府性融资担保体系，推广信用贷款。"),
]


@pytest.fixture
def labelled(db):
    session = SessionFactory()
    proposals = [
        (label, ProposalFactory(session=session, number=i, title=title, content=content))
        for i, (label, title, content) in enumerate(LABELLED, 1)
    ]
    return session, proposals


def test_it_finds_the_reworded_near_duplicates_with_precision_at_5(labelled):
    _session, proposals = labelled
    label_of = {p.pk: label for label, p in proposals}
    precisions, partners_first = [], []
    for label, proposal in proposals:
        if label is None:
            continue
        found = similar_proposals(proposal, limit=5)
        relevant = [s for s in found if label_of[s.proposal.pk] == label]
        precisions.append(len(relevant) / len(found) if found else 0.0)
        partners_first.append({s.proposal.pk for s in found[:2]} == {
            p.pk for lab, p in proposals if lab == label and p.pk != proposal.pk
        })
    assert sum(precisions) / len(precisions) >= 0.8, precisions
    assert all(partners_first), partners_first


def test_it_scores_duplicates_higher_than_anything_unrelated(labelled):
    _session, proposals = labelled
    for label, proposal in proposals:
        if label is None:
            continue
        found = similar_proposals(proposal, limit=12)
        for item in found:
            partner = any(item.proposal.pk == p.pk for lab, p in proposals if lab == label)
            if not partner:
                assert item.score < min(
                    s.score for s in found if any(s.proposal.pk == p.pk for lab, p in proposals
                                                  if lab == label)
                )


def test_it_stays_within_the_session_and_leaves_out_the_proposal_itself(labelled):
    session, proposals = labelled
    twin = ProposalFactory(
        session=SessionFactory(committee=session.committee, term=14, sitting=5, name="五次"),
        number=1, title=proposals[0][1].title, content=proposals[0][1].content,
    )
    found = similar_proposals(proposals[0][1])
    assert proposals[0][1].pk not in [s.proposal.pk for s in found]
    assert twin.pk not in [s.proposal.pk for s in found]


def test_it_scores_an_unsaved_proposal_and_notices_new_ones(labelled):
    session, _proposals = labelled
    found = similar_to_text(session=session, title="关于学生近视防控工作的建议",
                            content="保障学生户外活动，开展视力筛查。")
    assert found[0].proposal.title == "关于加强中小学生近视防控的建议"
    new = ProposalFactory(session=session, number=99, title="关于学生近视防控工作的提案",
                          content="保障学生户外活动，开展视力筛查，控制电子产品。")
    found = similar_to_text(session=session, title="关于学生近视防控工作的建议",
                            content="保障学生户外活动，开展视力筛查。")
    assert found[0].proposal.pk == new.pk  # the cached index was rebuilt


def test_it_renders_the_similar_box(labelled):
    _session, proposals = labelled
    html = Template("{% load insights_tags %}{% similar_proposals_box p %}").render(
        Context({"p": proposals[0][1]})
    )
    assert "相似提案" in html
    assert proposals[1][1].title in html
    assert "%" in html


@pytest.fixture
def earlier(db):
    committee = CommitteeFactory()
    old = SessionFactory(committee=committee, name="十四届三次会议", term=14, sitting=3,
                         year=2024)
    current = SessionFactory(committee=committee, name="十四届四次会议", term=14, sitting=4,
                             year=2025)
    housing = UnitFactory(committee=committee, name="市住建局")
    other_unit = UnitFactory(committee=committee, name="市财政局")

    def old_reply(title, content, unit, paragraphs, **kwargs):
        proposal = ProposalFactory(session=old, title=title, content=content)
        assignment = AssignmentFactory(proposal=proposal, unit=unit, role=Assignment.Role.LEAD)
        return signed_reply(assignment, signed_on=dt.date(2024, 6, 1), paragraphs=paragraphs,
                            **kwargs)

    elevator = old_reply(
        LABELLED[0][1], LABELLED[0][2], housing,
        ["您提出的关于老旧小区加装电梯的提案收悉。", "2023年全市完成加装电梯120台。",
         "下一步将简化审批流程。"],
    )
    hidden = old_reply(
        LABELLED[1][1], LABELLED[1][2], other_unit, ["财政补贴资金已安排。"],
        disclosure=Reply.Disclosure.NOT_PUBLIC,
    )
    unrelated = old_reply(LABELLED[10][1], LABELLED[10][2], other_unit, ["海洋经济段落。"])
    now = ProposalFactory(session=current, title=LABELLED[2][1], content=LABELLED[2][2])
    # A reply of the current session is not "earlier".
    same_session = ProposalFactory(session=current, title=LABELLED[1][1],
                                   content=LABELLED[1][2])
    signed_reply(AssignmentFactory(proposal=same_session, unit=housing),
                 signed_on=dt.date(2025, 6, 1), paragraphs=["本届答复。"])
    return locals()


def test_it_offers_signed_replies_to_similar_earlier_proposals(earlier):
    found = earlier_reply_paragraphs(earlier["now"])
    assert [e.reply.pk for e in found] == [earlier["elevator"].pk]
    paragraphs = found[0].paragraphs
    assert [p.text for p in paragraphs][1] == "2023年全市完成加装电梯120台。"
    assert {p.source_unit_name for p in paragraphs} == {"市住建局"}
    assert all(p.id for p in paragraphs)
    assert earlier["unrelated"].pk not in [e.reply.pk for e in found]


def test_it_offers_a_units_own_unpublished_replies_only_to_that_unit(earlier):
    public_only = [e.reply.pk for e in earlier_reply_paragraphs(earlier["now"])]
    assert earlier["hidden"].pk not in public_only
    own = earlier_reply_paragraphs(earlier["now"], unit=earlier["other_unit"])
    assert earlier["hidden"].pk in [e.reply.pk for e in own]


def test_it_leaves_out_corrected_replies(earlier):
    elevator = earlier["elevator"]
    correction = signed_reply(
        elevator.assignment, signed_on=dt.date(2024, 7, 1), paragraphs=["更正后的答复。"]
    )
    Reply.objects.filter(pk=correction.pk).update(supersedes=elevator)
    found = [e.reply.pk for e in earlier_reply_paragraphs(earlier["now"])]
    assert elevator.pk not in found
    assert correction.pk in found


def test_it_renders_a_copy_button_for_each_body_paragraph(earlier):
    html = Template("{% load insights_tags %}{% earlier_replies_box p %}").render(
        Context({"p": earlier["now"]})
    )
    assert "复制到草稿" in html
    assert earlier["elevator"].doc_number in html
    ids = {p.text: p.pk for p in earlier["elevator"].paragraphs.all()}
    # The compose view copies the paragraph named by the button (if it offered it).
    assert f'name="op" value="reuse-{ids["2023年全市完成加装电梯120台。"]}"' in html


@pytest.mark.parametrize("posting_cap", [None, 120])
def test_the_two_step_query_ranks_like_scoring_every_document(posting_cap, monkeypatch):
    """Index.query nominates candidates by its heaviest bigrams only (and, with a cap, only
    by those in few documents); on a corpus of many overlapping documents it must still
    return what scoring every document returns."""
    import random

    import proposals.similarity as module

    if posting_cap is not None:
        monkeypatch.setattr(module, "MIN_POSTING_CAP", posting_cap)
        monkeypatch.setattr(module, "LONG_POSTING_SHARE", 0.0)

    from proposals.similarity import Index

    rng = random.Random(7)
    phrases = [text for _label, title, content in LABELLED for text in (title, content)]
    docs = {
        i: "，".join(rng.sample(phrases, 3)) + rng.choice(["停车", "电梯", "污水", "近视"])
        for i in range(1, 601)
    }
    index = Index(docs)
    if posting_cap is not None:  # the cap leaves out some bigrams of every query
        assert sum(len(keys) > posting_cap for keys, _w in index.postings.values()) > 10
    for key in rng.sample(sorted(docs), 40):
        query = index.query_vector(docs[key])
        every = sorted(
            ((k, index.score(query, k)) for k in docs if k != key),
            key=lambda item: (-item[1], item[0]),
        )[:5]
        found = index.query(docs[key], limit=5, exclude=[key])
        assert [k for k, _ in found] == [k for k, _ in every]
        assert [round(s, 9) for _, s in found] == [round(s, 9) for _, s in every]


# --- keeping a session's index current ----------------------------------------------------


def _many(session, n: int, start: int = 100):
    return [
        ProposalFactory(session=session, number=start + i, title=f"关于第{i}项其他工作的建议",
                        content="做好相关工作。")
        for i in range(n)
    ]


def test_an_edited_proposal_is_reweighted_in_the_same_index(labelled):
    from proposals.similarity import session_index

    session, proposals = labelled
    _many(session, 10)
    index = session_index(session)
    ocean = next(p for label, p in proposals if p.title == "关于发展海洋经济的建议")
    elevator = proposals[0][1]
    assert ocean.pk not in [s.proposal.pk for s in similar_proposals(elevator)]

    ocean.title = "关于老旧小区加装电梯补贴的建议"
    ocean.content = "老旧小区加装电梯需要财政补贴，简化审批。"
    ocean.save()  # a history row

    assert session_index(session) is index  # updated, not rebuilt
    assert ocean.pk in [s.proposal.pk for s in similar_proposals(elevator)][:3]


def test_new_deleted_and_bulk_inserted_proposals_are_seen(labelled):
    from proposals.models import Proposal
    from proposals.similarity import session_index

    session, proposals = labelled
    _many(session, 10)
    index = session_index(session)
    elevator = proposals[0][1]
    added = ProposalFactory(session=session, number=90, title=elevator.title,
                            content=elevator.content)
    assert similar_proposals(elevator)[0].proposal.pk == added.pk
    added.delete()
    assert added.pk not in [s.proposal.pk for s in similar_proposals(elevator)]
    bulk = Proposal.objects.bulk_create([Proposal(
        session=session, number=91, title=elevator.title, content=elevator.content,
        lead_proposer=elevator.lead_proposer,
    )])[0]  # no history row
    assert similar_proposals(elevator)[0].proposal.pk == bulk.pk
    assert session_index(session) is index


def test_a_large_change_rebuilds_the_index(labelled):
    from proposals.similarity import session_index

    session, _proposals = labelled
    index = session_index(session)
    _many(session, 10)  # 10 new against 13: beyond REBUILD_SHARE
    rebuilt = session_index(session)
    assert rebuilt is not index
    assert len(rebuilt) == 23


def test_an_unchanged_session_costs_two_queries(labelled):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from proposals.similarity import session_index

    session, _proposals = labelled
    session_index(session)
    with CaptureQueriesContext(connection) as ctx:
        session_index(session)
    assert len(ctx.captured_queries) == 2


def test_it_keeps_offering_a_reply_whose_correction_is_still_a_draft(earlier):
    elevator = earlier["elevator"]
    correction = signed_reply(
        elevator.assignment, signed_on=dt.date(2024, 7, 1), paragraphs=["更正后的答复。"]
    )
    Reply.objects.filter(pk=correction.pk).update(supersedes=elevator, state=Reply.State.DRAFT)
    found = [e.reply.pk for e in earlier_reply_paragraphs(earlier["now"])]
    assert elevator.pk in found
    assert correction.pk not in found
