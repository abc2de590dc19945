"""重点提案 and 督办: marking and unmarking (services, forms, the clerk's page), 督办 records
(the clerk writes, the proposal's units read), the key-proposal list, and key proposals
first in every work list."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from proposals import selectors, services
from proposals.forms import KeyMarkForm, KeyUnmarkForm, SupervisionRecordForm
from proposals.models import Assignment, Proposal, Section, SupervisionRecord
from proposals.timeline import proposal_timeline

from .factories import AssignmentFactory, ProposalFactory, SectionFactory
from .scenario import build_scenario
from .test_clerk_views import field_errors

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 4, 1)


@pytest.fixture
def s():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build_scenario()


def _mark(s, proposal=None, **extra):
    data = {"leader": "王建华", "leader_title": "市政协副主席",
            "supervising_unit": "市政协提案委员会"} | extra
    return services.proposal_mark_key(
        proposal=proposal or s.proposal,
        leader=data["leader"],
        leader_title=data["leader_title"],
        supervising_unit=data["supervising_unit"],
        actor=s.users["clerk"],
    )


def _record(s, kind=SupervisionRecord.Kind.VISIT, held_on=dt.date(2025, 3, 31), **extra):
    data = {"participants": "王建华副主席、提案委", "text": "走访市场监管局。"} | extra
    return services.supervision_record_create(
        proposal=s.proposal, kind=kind, held_on=held_on, actor=s.users["clerk"], **data
    )


# --- services ----------------------------------------------------------------------------


def test_it_marks_a_proposal_as_key_with_its_leader_and_unit_and_records_who(s):
    proposal = _mark(s, leader="  王建华 ")
    proposal.refresh_from_db()
    assert proposal.is_key
    assert (proposal.supervising_leader, proposal.supervising_leader_title,
            proposal.supervising_unit) == ("王建华", "市政协副主席", "市政协提案委员会")
    latest = proposal.history.latest()
    assert latest.is_key and latest.history_user == s.users["clerk"]


def test_it_changes_the_leader_of_a_key_proposal(s):
    _mark(s)
    proposal = _mark(s, leader="李晓梅", leader_title="副市长")
    assert proposal.supervising_leader == "李晓梅" and proposal.is_key
    assert proposal.history.filter(is_key=True).count() == 2


@pytest.mark.parametrize(
    ("field", "values", "message"),
    [
        ("supervising_leader", {"leader": " "}, "请填写领衔督办领导。"),
        ("supervising_unit", {"supervising_unit": ""}, "请填写督办单位。"),
    ],
)
def test_it_refuses_a_key_proposal_without_leader_or_unit(s, field, values, message):
    with pytest.raises(ValidationError) as caught:
        _mark(s, **values)
    assert caught.value.message_dict == {field: [message]}
    s.proposal.refresh_from_db()
    assert not s.proposal.is_key


@pytest.mark.parametrize("status", ["registered", "rejected", "closed"])
def test_it_refuses_to_mark_a_proposal_not_in_handling(s, status):
    Proposal.objects.filter(pk=s.registered.pk).update(status=status)
    with pytest.raises(ValidationError) as caught:
        _mark(s, proposal=s.registered)
    assert "不能列为重点提案" in caught.value.messages[0]
    assert not Proposal.objects.get(pk=s.registered.pk).is_key


def test_the_database_refuses_a_key_proposal_without_a_leader(s):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=s.proposal.pk).update(is_key=True)


def test_it_unmarks_with_a_reason_and_keeps_the_records(s):
    _mark(s)
    record = _record(s)
    proposal = services.proposal_unmark_key(
        proposal=s.proposal, reason=" 已列入市政府重点工作 ", actor=s.users["clerk"]
    )
    assert not proposal.is_key and proposal.key_unmark_reason == "已列入市政府重点工作"
    assert SupervisionRecord.objects.filter(pk=record.pk).exists()
    latest = proposal.history.latest()
    assert not latest.is_key and latest.history_user == s.users["clerk"]
    # Marked again: the old reason goes.
    assert _mark(s).key_unmark_reason == ""


def test_it_refuses_to_unmark_without_a_reason_or_when_not_key(s):
    _mark(s)
    with pytest.raises(ValidationError) as caught:
        services.proposal_unmark_key(proposal=s.proposal, reason="  ", actor=s.users["clerk"])
    assert caught.value.message_dict == {"key_unmark_reason": ["取消重点提案须说明理由。"]}
    assert Proposal.objects.get(pk=s.proposal.pk).is_key
    with pytest.raises(ValidationError, match="不是重点提案"):
        services.proposal_unmark_key(proposal=s.accepted, reason="x", actor=s.users["clerk"])


def test_it_records_supervision_on_a_key_proposal_with_history(s):
    _mark(s)
    record = _record(s, kind=SupervisionRecord.Kind.LEADER_NOTE, text=" 请抓紧办理。 ")
    assert (record.kind, record.text, record.recorded_by) == (
        "leader_note", "请抓紧办理。", s.users["clerk"]
    )
    assert record.history.get().history_user == s.users["clerk"]
    entries = proposal_timeline(s.proposal, s.users["clerk"])
    assert any(e.what == "记录督办" and "领导批示" in e.detail for e in entries)
    assert any("领衔督办领导：王建华" in e.detail for e in entries)


def test_it_refuses_supervision_on_a_proposal_that_is_not_key(s):
    with pytest.raises(ValidationError, match="不是重点提案，不能记录督办情况"):
        _record(s)
    assert not SupervisionRecord.objects.exists()


def test_it_refuses_a_supervision_date_in_the_future(s):
    _mark(s)
    with pytest.raises(ValidationError) as caught:
        _record(s, held_on=TODAY + dt.timedelta(days=1))
    assert caught.value.message_dict == {"held_on": ["督办日期不能晚于今天。"]}


# --- forms -------------------------------------------------------------------------------


def test_the_mark_form_says_what_is_missing_in_chinese(s):
    form = KeyMarkForm({"leader": "", "leader_title": "", "supervising_unit": ""},
                       proposal=s.proposal)
    assert not form.is_valid()
    assert form.errors == {
        "leader": ["请填写领衔督办领导的姓名。"],
        "supervising_unit": ["请填写督办单位。"],
    }
    assert "连云港市科学技术局" in form.unit_names  # offered in the list
    assert "徐州市市场监督管理局" not in form.unit_names  # never another committee's


def test_the_mark_form_refuses_control_characters(s):
    form = KeyMarkForm({"leader": "王\x1b建华", "supervising_unit": "提案委"},
                       proposal=s.proposal)
    assert not form.is_valid()
    assert "控制字符" in form.errors["leader"][0]


def test_the_unmark_form_needs_a_reason():
    form = KeyUnmarkForm({"reason": "   "})
    assert not form.is_valid()
    assert form.errors["reason"] == ["取消重点提案须说明理由。"]


def test_the_supervision_form_says_what_is_wrong_in_chinese(s):
    form = SupervisionRecordForm({"held_on": "2025-02-30", "kind": "call", "text": " "})
    assert not form.is_valid()
    assert form.errors == {
        "held_on": ["请填写有效日期，例如 2025-05-10。"],
        "kind": ["请选择走访、座谈会、领导批示或督办意见。"],
        "participants": ["请填写参加人员。"],
        "text": ["请填写督办情况。"],
    }
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        form = SupervisionRecordForm(
            {"held_on": "2025-04-02", "kind": "visit", "participants": "提案委", "text": "走访"}
        )
        assert not form.is_valid()
    assert form.errors == {"held_on": ["督办日期不能晚于今天。"]}


# --- views -------------------------------------------------------------------------------


@pytest.fixture
def clerk(client, s):
    client.force_login(s.users["clerk"])
    return client


def test_the_clerk_marks_and_unmarks_from_the_proposal_page(clerk, s):
    url = reverse("proposals:proposal_detail", args=[s.proposal.pk])
    html = clerk.get(url).content.decode()
    assert 'action="%s"' % reverse("proposals:key_mark", args=[s.proposal.pk]) in html
    assert "列为重点提案" in html
    response = clerk.post(
        reverse("proposals:key_mark", args=[s.proposal.pk]),
        {"leader": "王建华", "leader_title": "市政协副主席",
         "supervising_unit": "市政协提案委员会"},
    )
    assert response.status_code == 302
    html = clerk.get(url).content.decode()
    assert '<span class="pill key"' in html and "取消重点提案" in html
    assert "王建华（市政协副主席）" in html
    response = clerk.post(
        reverse("proposals:key_unmark", args=[s.proposal.pk]), {"reason": "并入市重点工作"}
    )
    assert response.status_code == 302
    html = clerk.get(url).content.decode()
    assert "已取消重点：并入市重点工作" in html


def test_a_refused_mark_comes_back_with_the_error_next_to_the_field(clerk, s):
    response = clerk.post(
        reverse("proposals:key_mark", args=[s.proposal.pk]),
        {"leader": "王建华", "supervising_unit": " "},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写督办单位。" in field_errors(html, "supervising_unit")
    assert not Proposal.objects.get(pk=s.proposal.pk).is_key


def test_a_refused_unmark_says_a_reason_is_needed(clerk, s):
    _mark(s)
    response = clerk.post(reverse("proposals:key_unmark", args=[s.proposal.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "取消重点提案须说明理由。" in field_errors(response.content.decode(), "reason")


def test_the_clerk_records_supervision_and_a_double_click_saves_one(clerk, s):
    _mark(s)
    url = reverse("proposals:supervision_create", args=[s.proposal.pk])
    token = clerk.get(url).context["form"].initial["form_token"]
    data = {"held_on": "2025-03-31", "kind": "meeting", "participants": "提案委、市市场监管局",
            "text": "召开督办座谈会。", "form_token": token}
    assert clerk.post(url, data).status_code == 302
    assert clerk.post(url, data).status_code == 302
    assert SupervisionRecord.objects.count() == 1
    html = clerk.get(reverse("proposals:proposal_detail", args=[s.proposal.pk])).content.decode()
    assert "2025-03-31 座谈会" in html and "召开督办座谈会。" in html


def test_a_supervision_on_a_proposal_that_is_not_key_is_refused_on_the_form(clerk, s):
    url = reverse("proposals:supervision_create", args=[s.proposal.pk])
    response = clerk.post(url, {"held_on": "2025-03-31", "kind": "visit",
                                "participants": "提案委", "text": "走访。"})
    assert response.status_code == 400
    assert "不是重点提案，不能记录督办情况" in response.content.decode()


def test_the_proposals_units_read_the_records_on_their_assignment_page(client, s):
    _mark(s)
    _record(s, text="走访市场监管局，了解进展。")
    for role, assignment in (("lead", s.lead), ("co", s.co)):
        client.force_login(s.users[role])
        html = client.get(reverse("proposals:assignment_detail", args=[assignment.pk])
                          ).content.decode()
        assert "督办记录" in html and "走访市场监管局，了解进展。" in html
        assert "领衔督办：王建华（市政协副主席）" in html
        # Read only: no way to add one.
        assert reverse("proposals:supervision_create", args=[s.proposal.pk]) not in html


def test_only_the_proposals_people_read_its_records(s):
    from proposals import access

    _mark(s)
    record = _record(s)
    readers = {name for name, user in s.users.items()
               if access.supervision_records_visible_to(user).filter(pk=record.pk).exists()}
    assert readers == {"clerk", "lead", "lead_admin", "co", "co2", "signer"}


def test_the_key_list_shows_each_ones_progress(clerk, s):
    _mark(s)
    SectionFactory(assignment=s.co2, state=Section.State.ACCEPTED, heading="财政局意见")
    other = ProposalFactory(session=s.session, number=44400, lead_proposer=s.proposer,
                            status=Proposal.Status.ASSIGNED)
    AssignmentFactory(proposal=other, unit=s.idle_unit, role=Assignment.Role.LEAD)
    html = clerk.get(reverse("proposals:key_proposal_list")).content.decode()
    assert "共 1 件" in html
    assert reverse("proposals:proposal_detail", args=[s.proposal.pk]) in html
    assert "王建华" in html and "市政协提案委员会" in html
    assert "市市场监管局·主办" in html and "市科技局·协办" in html
    # 科技局 submitted, 财政局 has an accepted one (its draft does not count): 2 of 2 in.
    assert "已交 2/2" in html and "已采纳 1" in html
    assert "未起草" in html and "未签发" in html  # the replies' columns
    assert reverse("proposals:proposal_detail", args=[other.pk]) not in html


def test_the_key_list_is_for_clerks_and_their_own_committee(client, s):
    _mark(s)
    client.force_login(s.users["other_clerk"])
    html = client.get(reverse("proposals:key_proposal_list")).content.decode()
    assert "共 0 件" in html and s.proposal.title not in html


# --- key first ---------------------------------------------------------------------------


def test_the_clerks_list_shows_key_proposals_first(clerk, s):
    _mark(s, proposal=s.accepted)  # 第44300号, after 44100 and 44200 by number
    page = clerk.get(reverse("proposals:proposal_list")).context["page"]
    numbers = [p.number for p in page]
    assert numbers == [44300, 44100, 44200]
    html = clerk.get(reverse("proposals:proposal_list")).content.decode()
    assert html.count('<span class="pill key"') == 1
    # Also over all sessions.
    page = clerk.get(reverse("proposals:proposal_list"), {"session": ""}).context["page"]
    assert [p.number for p in page][0] == 44300


def test_the_units_work_list_shows_key_proposals_first(client, s):
    later = ProposalFactory(session=s.session, number=44500, lead_proposer=s.proposer,
                            status=Proposal.Status.ASSIGNED)
    late_due = AssignmentFactory(proposal=later, unit=s.lead_unit, role=Assignment.Role.LEAD,
                                 assigned_on=dt.date(2025, 3, 28), due_on=dt.date(2025, 7, 30))
    user = s.users["lead"]
    assert list(selectors.open_assignments_of(user)) == [s.lead, late_due]  # by due date
    _mark(s, proposal=later)
    assert list(selectors.open_assignments_of(user)) == [late_due, s.lead]
    client.force_login(user)
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        html = client.get(reverse("home")).content.decode()
    first = html.index(reverse("proposals:assignment_detail", args=[late_due.pk]))
    assert first < html.index(reverse("proposals:assignment_detail", args=[s.lead.pk]))
    assert html.count('<span class="pill key"') == 1
