"""Exports read back with openpyxl hold what the database holds, scoped to the reader."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Assignment, Proposal
from proposals.tests.factories import ProposerFactory
from replies.models import Reply

from .helpers import read_xlsx

pytestmark = pytest.mark.django_db


def _get(client, user, name, world):
    client.force_login(user)
    response = client.get(reverse(f"insights:{name}", args=[world["session"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    return read_xlsx(response.content)


def test_it_exports_the_proposal_list_in_the_import_layout(client, world):
    p1 = world["proposals"][0]
    p1.co_signers.set([ProposerFactory(committee=world["committee"], name="李明")])
    sheet = _get(client, world["clerk"], "export_proposals", world)["提案"]
    header, rows = sheet[0], sheet[1:]
    assert header[:8] == ("提案号", "案由", "领衔人", "附议人", "界别", "党派", "提案内容",
                          "建议承办单位")
    expected = [
        (p.number, p.title, p.lead_proposer.name, p.get_status_display())
        for p in Proposal.objects.filter(session=world["session"]).order_by("number")
    ]
    assert [(r[0], r[1], r[2], r[10]) for r in rows] == expected
    assert rows[0][3] == "李明"


def test_it_reimports_an_exported_list_without_problems(client, world):
    from insights.importing import import_check
    from proposals.tests.factories import SessionFactory

    client.force_login(world["clerk"])
    response = client.get(reverse("insights:export_proposals", args=[world["session"].pk]))
    fresh = SessionFactory(committee=world["committee"], name="新会议", term=15, sitting=1)
    check = import_check(session=fresh, data=response.content)
    assert check.ok, check.problems
    assert [r.number for r in check.rows] == list(range(1, 8))


@time_machine.travel("2025-07-01 10:00 +0800", tick=False)
def test_it_exports_assignments_with_due_dates_and_states(client, world):
    sheet = _get(client, world["clerk"], "export_assignments", world)["交办"]
    rows = sheet[1:]
    expected = Assignment.objects.filter(proposal__session=world["session"])
    assert len(rows) == expected.count() == 9
    by_key = {(r[0], r[2], r[3]): r for r in rows}
    p4 = by_key[(4, "市市场监督管理局", "主办")]
    assert p4[5] == dt.datetime(2025, 6, 20)  # openpyxl reads dates back as datetimes
    assert p4[6] == "办理中" and p4[8] == "是"
    assert by_key[(6, "市交通运输局", "主办")][6] == "已撤回"


def test_it_exports_the_register_of_signed_replies_with_feedback(client, world):
    sheet = _get(client, world["clerk"], "export_replies", world)["答复登记"]
    rows = sheet[1:]
    signed = Reply.objects.filter(
        proposal__session=world["session"], state__in=["signed", "sent"]
    ).select_related("unit")
    assert sorted(r[3] for r in rows) == sorted(r.doc_number for r in signed)
    by_number = {r[0]: r for r in rows}
    assert by_number[1][4] == dt.datetime(2025, 6, 10)
    assert (by_number[1][5], by_number[1][10]) == ("A", "满意")
    assert (by_number[2][5], by_number[2][10]) == ("B", "不满意")
    assert by_number[5][10] in (None, "")  # signed, no feedback yet
    assert 4 not in by_number  # a draft is not in the register


def test_it_exports_only_what_a_unit_person_may_see(client, world):
    u3 = world["units"][2]
    proposals = _get(client, world["u3_handler"], "export_proposals", world)["提案"][1:]
    assert sorted(r[0] for r in proposals) == [5]  # P6's assignment to U3 was withdrawn
    assignments = _get(client, world["u3_handler"], "export_assignments", world)["交办"][1:]
    assert {r[2] for r in assignments} == {u3.name}
    replies = _get(client, world["u3_handler"], "export_replies", world)["答复登记"][1:]
    assert [r[0] for r in replies] == [5]  # the other split unit's signed reply to P5
