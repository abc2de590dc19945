import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Assignment, ExtensionRequest, Proposal, ReassignmentRequest
from proposals.services import assignment_default_due_on

from .factories import AssignmentFactory, ProposalFactory, ProposerFactory
from .scenario import build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build_scenario()


@pytest.fixture
def clerk(client, s):
    client.force_login(s.users["clerk"])
    return client


def field_errors(html: str, field: str) -> str:
    """The text of the field's block (label, widget, errors) in _field.html."""
    match = re.search(
        rf'<div class="field[^"]*">\s*<label for="id_{field}".*?</div>', html, re.S
    )
    assert match, f"field {field} not rendered"
    return match.group(0)


# --- register --------------------------------------------------------------------------


def register_data(s, **extra):
    data = {
        "session": s.session.pk,
        "number": 44137,
        "title": "关于加快知识产权强市建设的提案",
        "lead_proposer": s.proposer.pk,
        "co_signers": [ProposerFactory(committee=s.committee, name="李明").pk],
        "content": "知识产权是……",
        "reasons": "理由",
        "suggestions": "建议",
    }
    data.update(extra)
    return data


def test_it_registers_a_proposal_and_records_who(clerk, s):
    response = clerk.post(reverse("proposals:proposal_register"), register_data(s))
    proposal = Proposal.objects.get(session=s.session, number=44137)
    assert response["Location"] == reverse("proposals:proposal_detail", args=[proposal.pk])
    assert proposal.status == Proposal.Status.REGISTERED
    assert [p.name for p in proposal.co_signers.all()] == ["李明"]
    assert proposal.history.first().history_user == s.users["clerk"]


def test_it_explains_a_duplicate_number_next_to_the_field_and_keeps_the_input(clerk, s):
    before = Proposal.objects.count()
    data = register_data(s, number=s.proposal.number, title="我刚输入的案由")
    response = clerk.post(reverse("proposals:proposal_register"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "十四届四次会议已有第44100号提案" in field_errors(html, "number")
    assert 'value="我刚输入的案由"' in html
    assert Proposal.objects.count() == before


def test_it_shows_chinese_errors_for_missing_fields(clerk, s):
    response = clerk.post(
        reverse("proposals:proposal_register"), register_data(s, title="", number="abc")
    )
    html = response.content.decode()
    assert "请填写案由。" in field_errors(html, "title")
    assert "提案号须为正整数。" in field_errors(html, "number")


def test_it_refuses_a_proposer_of_another_committee(clerk, s):
    stranger = ProposerFactory(committee=s.other_session.committee)
    response = clerk.post(
        reverse("proposals:proposal_register"), register_data(s, lead_proposer=stranger.pk)
    )
    assert response.status_code == 400
    assert "errorlist" in field_errors(response.content.decode(), "lead_proposer")
    assert not Proposal.objects.filter(number=44137).exists()


def test_it_does_not_register_twice_on_a_double_click(clerk, s):
    url = reverse("proposals:proposal_register")
    clerk.post(url, register_data(s))
    second = clerk.post(url, register_data(s))
    assert second.status_code == 400
    assert Proposal.objects.filter(number=44137).count() == 1


# --- decide ----------------------------------------------------------------------------


def test_it_accepts_and_the_timeline_says_who(clerk, s):
    clerk.post(reverse("proposals:proposal_accept", args=[s.registered.pk]), {"note": "同意"})
    s.registered.refresh_from_db()
    assert s.registered.status == Proposal.Status.ACCEPTED
    html = clerk.get(reverse("proposals:proposal_detail", args=[s.registered.pk])).content
    html = html.decode()
    timeline = html.split('class="timeline"')[1]
    assert "提案：已立案" in timeline
    assert "已登记 → 已立案" in timeline
    assert "提案委交办员" in timeline


def test_it_requires_a_reason_to_reject(clerk, s):
    response = clerk.post(
        reverse("proposals:proposal_reject", args=[s.registered.pk]), {"reason": "  "}
    )
    assert response.status_code == 400
    assert "不予立案须说明理由。" in field_errors(response.content.decode(), "reason")
    s.registered.refresh_from_db()
    assert s.registered.status == Proposal.Status.REGISTERED


def test_it_merges_only_within_the_session(clerk, s):
    elsewhere = ProposalFactory(session=s.other_session)
    url = reverse("proposals:proposal_merge", args=[s.registered.pk])
    response = clerk.post(url, {"into": elsewhere.pk})
    assert response.status_code == 400
    assert "所选提案不存在或不在同一届次。" in response.content.decode()
    clerk.post(url, {"into": s.proposal.pk})
    s.registered.refresh_from_db()
    assert (s.registered.status, s.registered.merged_into) == ("merged", s.proposal)


# --- assign ----------------------------------------------------------------------------


def test_it_prefills_due_dates_from_the_session_terms(clerk, s):
    html = clerk.get(reverse("proposals:proposal_assign", args=[s.accepted.pk])).content
    html = html.decode()
    today = dt.date(2025, 4, 1)
    lead = assignment_default_due_on(session=s.session, role="lead", assigned_on=today)
    co = assignment_default_due_on(session=s.session, role="co", assigned_on=today)
    # One month after 4-1 is 5-1, a holiday: the term runs to the next working day.
    assert co == dt.date(2025, 5, 6)
    assert f'name="form-0-due_on" value="{lead:%Y-%m-%d}"' in html
    assert f'name="form-1-due_on" value="{co:%Y-%m-%d}"' in html


def assign_data(rows, assigned_on="2025-04-01"):
    data = {
        "assigned_on": assigned_on,
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
    }
    for i, (unit, role, due) in enumerate(rows):
        data.update({f"form-{i}-unit": unit, f"form-{i}-role": role, f"form-{i}-due_on": due})
    return data


def test_it_assigns_lead_and_co_units_with_edited_dates(clerk, s):
    rows = [
        (s.lead_unit.pk, "lead", "2025-06-30"),
        (s.co_unit.pk, "co", ""),
        ("", "co", "2025-05-06"),  # an unused row
    ]
    response = clerk.post(
        reverse("proposals:proposal_assign", args=[s.accepted.pk]), assign_data(rows)
    )
    assert response.status_code == 302
    got = {a.unit_id: (a.role, a.due_on) for a in s.accepted.assignments.all()}
    assert got == {
        s.lead_unit.pk: ("lead", dt.date(2025, 6, 30)),
        s.co_unit.pk: ("co", dt.date(2025, 5, 6)),
    }
    s.accepted.refresh_from_db()
    assert s.accepted.status == Proposal.Status.ASSIGNED


def test_it_refuses_two_leads_and_saves_nothing(clerk, s):
    rows = [(s.lead_unit.pk, "lead", "2025-06-30"), (s.co_unit.pk, "lead", "2025-06-20")]
    response = clerk.post(
        reverse("proposals:proposal_assign", args=[s.accepted.pk]), assign_data(rows)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "一件提案只能有一个主办单位" in html
    assert 'value="2025-06-20"' in html  # typed input kept
    assert not s.accepted.assignments.exists()
    s.accepted.refresh_from_db()
    assert s.accepted.status == Proposal.Status.ACCEPTED


def test_it_refuses_an_empty_assignment_and_a_bad_date(clerk, s):
    url = reverse("proposals:proposal_assign", args=[s.accepted.pk])
    response = clerk.post(url, assign_data([("", "lead", "")]))
    assert "请至少选择一个承办单位。" in response.content.decode()
    response = clerk.post(url, assign_data([(s.lead_unit.pk, "lead", "2025-02-30")]))
    assert "请填写有效日期" in response.content.decode()
    assert not Assignment.objects.filter(proposal=s.accepted).exists()


def test_it_does_not_offer_another_committees_units(clerk, s):
    other_unit = s.other_assignment.unit
    url = reverse("proposals:proposal_assign", args=[s.accepted.pk])
    assert other_unit.name not in clerk.get(url).content.decode()
    response = clerk.post(url, assign_data([(other_unit.pk, "lead", "")]))
    assert response.status_code == 400
    assert not Assignment.objects.filter(proposal=s.accepted).exists()


# --- list ------------------------------------------------------------------------------


def test_it_filters_searches_and_paginates(clerk, s):
    for n in range(25):
        ProposalFactory(session=s.session, number=50000 + n, lead_proposer=s.proposer)
    url = reverse("proposals:proposal_list")
    page1 = clerk.get(url).content.decode()
    assert "共 28 件" in page1
    assert "第 1/2 页" in page1
    assert s.other_proposal.title not in page1
    assert "第44100号" in clerk.get(url, {"q": "44100"}).content.decode()
    found = clerk.get(url, {"q": "知识产权"}).content.decode()
    assert "共 1 件" in found
    assert "共 1 件" in clerk.get(url, {"status": "accepted"}).content.decode()
    assert "共 1 件" in clerk.get(url, {"unit": s.co_unit.pk}).content.decode()
    assert "共 0 件" in clerk.get(url, {"overdue": "on"}).content.decode()
    s.co.due_on = dt.date(2025, 3, 31)
    s.co.save()
    assert "共 1 件" in clerk.get(url, {"overdue": "on"}).content.decode()


def test_it_flags_the_proposals_with_open_work_past_its_due_date(clerk, s):
    url = reverse("proposals:proposal_list")
    flag = '<span class="flag flag-bad">超期</span>'
    assert flag not in clerk.get(url).content.decode()
    s.co.due_on = dt.date(2025, 3, 31)
    s.co.save()
    page = clerk.get(url).content.decode()
    assert page.count(flag) == 1
    row = page[page.index(s.co.proposal.title):]
    assert row.index(flag) < row.index("</tr>")  # on that proposal's row
    s.co.state = Assignment.State.COMPLETED
    s.co.save()
    assert flag not in clerk.get(url).content.decode()  # completed: no longer open


def test_it_lists_the_lead_unit_before_the_co_units(clerk, s):
    """The co units are due sooner than the lead; the lead is still named first."""
    late_lead = ProposalFactory(session=s.session, number=50002, lead_proposer=s.proposer,
                                status=Proposal.Status.ASSIGNED)
    AssignmentFactory(proposal=late_lead, unit=s.co_unit, role=Assignment.Role.CO,
                      due_on=dt.date(2025, 4, 28))
    AssignmentFactory(proposal=late_lead, unit=s.lead_unit, role=Assignment.Role.LEAD,
                      due_on=dt.date(2025, 6, 30))
    page = clerk.get(reverse("proposals:proposal_list")).content.decode()
    for proposal in (s.proposal, late_lead):
        row = page[page.index(proposal.title):]
        row = row[:row.index("</tr>")]
        assert row.index("市市场监管局·主办") < row.index("市科技局·协办"), proposal


def test_its_title_search_ignores_case_of_latin_letters_only(clerk, s):
    """Chinese text is matched as it is (plain LIKE: fast, and well estimated); a word
    with Latin letters is matched whatever their case."""
    ProposalFactory(session=s.session, number=50001, lead_proposer=s.proposer,
                    title="关于推广“i深圳”APP政务服务的提案")
    url = reverse("proposals:proposal_list")
    for query in ("政务服务", "app", "App", "I深圳", "“i深圳”"):
        assert "共 1 件" in clerk.get(url, {"q": query}).content.decode(), query
    assert "共 0 件" in clerk.get(url, {"q": "政务 服务"}).content.decode()


# --- requests --------------------------------------------------------------------------


def test_it_approves_an_extension_and_moves_the_due_date(clerk, s):
    url = reverse("proposals:extension_decide", args=[s.proposal.pk, s.extension.pk])
    response = clerk.post(url, {"approve": "1", "note": "同意"})
    assert response.status_code == 302
    s.co.refresh_from_db()
    assert s.co.due_on == dt.date(2025, 5, 20)
    assert ExtensionRequest.objects.get().state == "approved"


def test_it_approves_a_reassignment_to_the_suggested_unit(clerk, s):
    url = reverse("proposals:reassignment_decide", args=[s.proposal.pk, s.reassignment.pk])
    clerk.post(url, {"approve": "1"})
    s.co2.refresh_from_db()
    assert s.co2.state == Assignment.State.WITHDRAWN
    request = ReassignmentRequest.objects.get()
    assert request.new_assignment.unit == s.idle_unit
    assert request.new_assignment.role == "co"


def test_it_still_offers_the_rows_when_the_terms_need_a_year_without_holidays(clerk, s):
    """On 2026-11-28 the three-month term ends in 2027, for which there is no holiday data
    yet: the clerk is told, gets the empty rows and can type the due dates in."""
    from proposals.views.clerk import ASSIGN_ROWS

    url = reverse("proposals:proposal_assign", args=[s.accepted.pk])
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC), tick=False):
        clerk.force_login(s.users["clerk"])  # the 2025 login has expired by then
        html = clerk.get(url).content.decode()
        assert "缺少2027年的节假日数据" in html and "手工填写各单位的办理期限" in html
        assert f'name="form-{ASSIGN_ROWS - 1}-unit"' in html
        assert 'name="form-0-due_on" value=' not in html  # no date was guessed

        response = clerk.post(url, assign_data([(s.lead_unit.pk, "lead", "")], "2026-11-28"))
        assert response.status_code == 400
        assert "缺少2027年的节假日数据" in response.content.decode()
        assert not s.accepted.assignments.exists()

        rows = [(s.lead_unit.pk, "lead", "2027-03-01")]
        response = clerk.post(url, assign_data(rows, "2026-11-28"))
    assert response.status_code == 302
    assert s.accepted.assignments.get().due_on == dt.date(2027, 3, 1)


def test_it_reads_full_width_digits_and_says_what_it_stored(clerk, s):
    """「４４１３７」 from a Chinese input method was stored as 44137 without a word."""
    response = clerk.post(
        reverse("proposals:proposal_register"), register_data(s, number="４４１３７"), follow=True
    )
    assert Proposal.objects.filter(session=s.session, number=44137).exists()
    shown = [str(m) for m in response.context["messages"]]
    assert any("「４４１３７」已按半角数字44137保存" in m for m in shown), shown


@pytest.mark.parametrize("typed", ["١٢٣", "12３a", "一二三"])
def test_it_refuses_digits_of_other_scripts_in_the_number(clerk, s, typed):
    response = clerk.post(
        reverse("proposals:proposal_register"), register_data(s, number=typed)
    )
    assert response.status_code == 400
    assert "提案号须为正整数。" in field_errors(response.content.decode(), "number")
    assert not Proposal.objects.filter(number=123).exists()


def test_it_says_the_missing_holidays_once_and_only_while_a_date_is_missing(clerk, s):
    url = reverse("proposals:proposal_assign", args=[s.accepted.pk])
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC), tick=False):
        clerk.force_login(s.users["clerk"])
        html = clerk.get(url).content.decode()
        assert html.count("缺少2027年的节假日数据") == 1
        # A unit without a date: the service cannot count it; the page says so once.
        html = clerk.post(
            url, assign_data([(s.lead_unit.pk, "lead", "")], "2026-11-28")
        ).content.decode()
        assert html.count("缺少2027年的节假日数据") == 1
        assert "手工填写" in html
        # The date of 交办 refused first: the unit's missing date is still pointed out.
        html = clerk.post(
            url, assign_data([(s.lead_unit.pk, "lead", "")], "2026-11-31")
        ).content.decode()
        assert "请填写有效日期" in html
        assert html.count("缺少2027年的节假日数据") == 1
        # Every date typed in, refused for another reason: nothing left to type by hand.
        rows = [(s.lead_unit.pk, "lead", "2027-03-01"), (s.co_unit.pk, "lead", "2027-03-01")]
        html = clerk.post(url, assign_data(rows, "2026-11-28")).content.decode()
        assert "一件提案只能有一个主办单位" in html
        assert "缺少2027年的节假日数据" not in html and "手工填写" not in html
        # Assigned: the proposal's page carries no leftover warning.
        response = clerk.post(
            url, assign_data([(s.lead_unit.pk, "lead", "2027-03-01")], "2026-11-28"),
            follow=True,
        )
    html = response.content.decode()
    assert "已交办给1个单位" in html
    assert "缺少2027年的节假日数据" not in html and "手工填写" not in html
