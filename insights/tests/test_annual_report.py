"""The draft 提案办理工作报告: the figures it prints are the dashboard's, the .docx is valid,
the same data gives the same bytes, and only the committee's clerks may download it.

The world (conftest.py) has 7 proposals; by hand: 6 accepted, 1 registered; 3 units; 5 lead,
2 split and 1 co assignment (one withdrawn, not counted); 7 to answer, 4 replied (办复率
57.1%), 3 on time (42.9%), 2 of 3 feedback satisfied (66.7%); classes A 2, B 1, C 1.
"""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from insights import annual_report, stats
from proposals.models import Proposal
from proposals.tests.factories import SessionFactory
from replies.tests.ooxml_validate import assert_valid_docx

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    """The document's text, paragraph by paragraph (table cells too), one per line."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    paragraphs = re.findall(r"<w:p>.*?</w:p>", xml)
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs)


def report(session):
    return annual_report.annual_report(session, today=TODAY)


def test_it_prints_the_dashboards_rates(world):
    session = world["session"]
    board = stats.dashboard(session=session, today=TODAY)
    figures = annual_report.gather(session, today=TODAY)
    assert [(label, r.percent) for label, r in figures.rates] == [
        ("办复率", board.reply_rate.percent),
        ("按期办复率", board.on_time_rate.percent),
        ("满意率", board.satisfaction_rate.percent),
        ("办理过程满意率", board.process_satisfaction_rate.percent),
        ("办理结果满意率", board.result_satisfaction_rate.percent),
    ] == [("办复率", "57.1%"), ("按期办复率", "42.9%"), ("满意率", "66.7%"),
          ("办理过程满意率", "66.7%"), ("办理结果满意率", "66.7%")]
    text = text_of(report(session)[2])
    assert ("办复率57.1%，按期办复率42.9%，满意率66.7%，办理过程满意率66.7%，"
            "办理结果满意率66.7%") in text
    assert "应办复7件（主办、分办），已办复4件，其中按期办复3件" in text
    assert "A类2件，占50.0%，B类1件，占25.0%，C类1件，占25.0%" in text


def test_it_counts_proposals_units_and_assignments(world):
    text = text_of(report(world["session"])[2])
    assert ("共收到提案7件。经审查，立案6件，不予立案0件，并案0件，尚待审查1件。"
            "立案提案交由3个承办单位办理，其中主办5件次、分办2件次、协办1件次。") in text


def test_it_lists_every_unit_of_the_ranking_in_its_order(world):
    session = world["session"]
    ranking = stats.unit_ranking(session=session, today=TODAY)
    text = text_of(report(session)[2])
    positions = [text.index(f"\n{row.unit_name}\n") for row in ranking]
    assert len(ranking) == 3 and positions == sorted(positions)


def test_it_lists_the_key_proposals(world):
    p4 = world["proposals"][3]
    Proposal.objects.filter(pk=p4.pk).update(
        is_key=True, supervising_leader="王建华", supervising_leader_title="市政协副主席",
        supervising_unit="市政协提案委员会")
    text = text_of(report(world["session"])[2])
    assert "本届次确定重点提案1件" in text
    assert f"\n{p4.number}\n{p4.title}\n市政协副主席王建华\n市市场监督管理局\n办理中\n0\n" in text


def test_it_is_the_same_bytes_twice_and_valid(world):
    name, mime, first = report(world["session"])
    assert first == report(world["session"])[2]
    assert name == f"{world['session'].name}提案办理工作报告（草稿）.docx"
    assert mime.endswith("wordprocessingml.document")
    assert_valid_docx(first)
    media = [n for n in zipfile.ZipFile(io.BytesIO(first)).namelist() if n.startswith("word/media")]
    assert len(media) == 1
    assert zipfile.ZipFile(io.BytesIO(first)).read(media[0]).startswith(b"\x89PNG")


def test_it_builds_for_a_session_without_proposals(world):
    empty = SessionFactory(committee=world["committee"], name="十五届一次会议", term=15, sitting=1,
                           is_current=False)
    data = report(empty)[2]
    assert_valid_docx(data)
    text = text_of(data)
    assert "共收到提案0件" in text
    assert "办复率—，按期办复率—，满意率—" in text
    assert "本届次未确定重点提案。" in text
    assert "考评结果尚未生成。" in text
    assert "【存在问题：请撰写】" in text
    assert "图1　各承办单位办复率" in text  # the chart, with no bar: 暂无数据
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_it_shows_the_best_and_worst_scored_units(world):
    from insights.assessment import session_scores

    figures = annual_report.gather(world["session"], today=TODAY)
    scores = session_scores(world["session"], TODAY)
    assert scores and figures.scored_units == [(s.unit_name, s.total) for s in scores]
    best = scores[0]
    text = text_of(annual_report.build_report(annual_report.report_spec(figures)))
    assert f"得分居前的是{best.unit_name}" in text and f"{float(best.total):.1f}" in text
    figures.scored_units = [(f"单位{i}", 100 - i) for i in range(1, 8)]  # 单位1 best
    text = text_of(annual_report.build_report(annual_report.report_spec(figures)))
    for name, rank in [("单位1", 1), ("单位2", 2), ("单位3", 3), ("单位5", 5), ("单位7", 7)]:
        assert f"\n{rank}\n{name}\n" in text
    assert "单位4" not in text
    assert "考评结果尚未生成" not in text


def test_the_clerk_downloads_it_from_the_dashboard(client, world):
    session = world["session"]
    url = reverse("insights:annual_report", args=[session.pk])
    client.force_login(world["clerk"])
    page = client.get(reverse("insights:dashboard_session", args=[session.pk])).content.decode()
    assert f'href="{url}"' in page and "生成年度办理工作报告" in page
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "办复率57.1%，按期办复率42.9%，满意率66.7%" in text_of(response.content)


def test_a_units_handler_sees_no_button_and_gets_404(client, world):
    session = world["session"]
    url = reverse("insights:annual_report", args=[session.pk])
    client.force_login(world["u1_handler"])
    page = client.get(reverse("insights:dashboard_session", args=[session.pk]))
    assert page.status_code == 200 and url not in page.content.decode()
    assert client.get(url).status_code == 404
