import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from proposals import services
from proposals.models import (
    Assignment,
    ContactRecord,
    ExtensionRequest,
    ReassignmentRequest,
    Section,
)
from proposals.services import section_return

from .scenario import build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build_scenario()


def login(client, s, role):
    client.force_login(s.users[role])
    return client


def field_block(html: str, field_id: str) -> str:
    match = re.search(rf'<div class="field[^"]*">\s*<label for="{field_id}".*?</div>', html, re.S)
    assert match, f"{field_id} not rendered"
    return match.group(0)


def token_of(html: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]+)"', html).group(1)


# --- the lead unit's page --------------------------------------------------------------


def test_it_shows_the_lead_submitted_co_sections_but_no_drafts(client, s):
    html = login(client, s, "lead").get(
        reverse("proposals:assignment_detail", args=[s.lead.pk])
    ).content.decode()
    assert "科技局意见" in html  # submitted by the co unit
    assert "财政局草稿" not in html  # another co unit's draft
    assert "本单位材料" in html  # the lead's own draft
    assert reverse("proposals:section_accept", args=[s.lead.pk, s.co_section.pk]) in html


def test_it_names_each_navigation_landmark_apart(client, s):
    html = login(client, s, "lead").get(
        reverse("proposals:assignment_detail", args=[s.lead.pk])
    ).content.decode()
    navs = re.findall(r"<nav\b[^>]*>", html)
    labels = [re.search(r'aria-label="([^"]+)"', nav) for nav in navs]
    assert len(navs) == 2 and all(labels), navs
    assert len({label.group(1) for label in labels}) == len(navs)


def test_it_shows_a_signer_the_page_without_actions(client, s):
    html = login(client, s, "signer").get(
        reverse("proposals:assignment_detail", args=[s.lead.pk])
    ).content.decode()
    assert "科技局意见" in html
    assert reverse("proposals:contact_create", args=[s.lead.pk]) not in html
    assert reverse("proposals:section_accept", args=[s.lead.pk, s.co_section.pk]) not in html


def test_it_shows_a_co_unit_only_its_own_section(client, s):
    html = login(client, s, "co").get(
        reverse("proposals:assignment_detail", args=[s.co.pk])
    ).content.decode()
    assert "科技局意见" in html
    assert "本单位材料" not in html
    assert "财政局草稿" not in html
    assert reverse("proposals:contact_create", args=[s.co.pk]) not in html


# --- contact records -------------------------------------------------------------------


def contact(token="", **extra):
    data = {
        "contacted_on": "2025-03-31",
        "method": "visit",
        "participants": "王波委员、张科长",
        "summary": "上门走访，听取意见。",
        "form_token": token,
    }
    data.update(extra)
    return data


def test_it_records_a_contact_and_starts_the_assignment(client, s):
    s.lead.state = Assignment.State.ASSIGNED
    s.lead.save()
    response = login(client, s, "lead").post(
        reverse("proposals:contact_create", args=[s.lead.pk]), contact()
    )
    assert response.status_code == 302
    record = ContactRecord.objects.get()
    assert (record.method, record.recorded_by) == ("visit", s.users["lead"])
    s.lead.refresh_from_db()
    assert s.lead.state == Assignment.State.IN_PROGRESS


def test_it_refuses_a_future_contact_date_next_to_the_field(client, s):
    url = reverse("proposals:contact_create", args=[s.lead.pk])
    response = login(client, s, "lead").post(
        url, contact(contacted_on="2025-04-02", summary="我写的沟通情况")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "沟通日期不能晚于今天。" in field_block(html, "id_contacted_on")
    assert "我写的沟通情况" in html
    assert ContactRecord.objects.count() == 0


def test_it_requires_a_summary(client, s):
    url = reverse("proposals:contact_create", args=[s.lead.pk])
    response = login(client, s, "lead").post(url, contact(summary="   "))
    assert "请填写沟通情况。" in field_block(response.content.decode(), "id_summary")
    assert ContactRecord.objects.count() == 0


def test_it_creates_one_contact_on_a_double_click(client, s):
    url = reverse("proposals:contact_create", args=[s.lead.pk])
    login(client, s, "lead")
    token = token_of(client.get(url).content.decode())
    first = client.post(url, contact(token))
    second = client.post(url, contact(token), follow=True)
    assert first.status_code == 302
    assert "这份表单已经提交过，没有重复保存。" in second.content.decode()
    assert ContactRecord.objects.count() == 1


def test_it_lets_a_corrected_form_through_after_a_refusal(client, s):
    url = reverse("proposals:contact_create", args=[s.lead.pk])
    login(client, s, "lead")
    token = token_of(client.get(url).content.decode())
    client.post(url, contact(token, contacted_on="2025-04-09"))
    assert client.post(url, contact(token)).status_code == 302
    assert ContactRecord.objects.count() == 1


# --- sections --------------------------------------------------------------------------


def section(token="", action="save", **extra):
    data = {
        "heading": "市科技局协办意见",
        "body": "一是加强协同。\r\n\r\n二是完善机制。\r\n",
        "action": action,
        "form_token": token,
    }
    data.update(extra)
    return data


def test_it_does_not_count_submitting_the_saved_text_as_a_version(client, s):
    login(client, s, "co2")
    url = reverse("proposals:section_edit", args=[s.co2.pk, s.co2_draft.pk])
    client.post(url, section(version=s.co2_draft.version))
    s.co2_draft.refresh_from_db()
    loaded = s.co2_draft.version
    client.post(url, section(action="submit", version=loaded))
    html = client.get(reverse("proposals:assignment_detail", args=[s.co2.pk])).content
    assert f"第{loaded}版" in html.decode()
    assert f"第{loaded}版" in client.get(url).content.decode()


def test_it_words_the_lead_units_own_material_for_the_lead(client, s):
    """The lead unit is the 主办单位: its own material is not 'submitted to' anyone."""
    login(client, s, "lead")
    for url in (reverse("proposals:section_create", args=[s.lead.pk]),
                reverse("proposals:section_edit", args=[s.lead.pk, s.lead_draft.pk])):
        html = client.get(url).content.decode()
        assert "提交给主办单位" not in html, url
        assert "保存本单位材料" in html and "用于起草答复函" in html, url
    response = client.post(
        reverse("proposals:section_edit", args=[s.lead.pk, s.lead_draft.pk]),
        section(version=s.lead_draft.version), follow=True,
    )
    assert "已保存本单位材料" in response.content.decode()
    # The co unit still submits its opinion to the lead unit.
    html = login(client, s, "co2").get(
        reverse("proposals:section_edit", args=[s.co2.pk, s.co2_draft.pk])
    ).content.decode()
    assert "提交给主办单位" in html and "保存本单位材料" not in html


def test_it_writes_and_submits_a_section(client, s):
    s.co_section.delete()
    response = login(client, s, "co").post(
        reverse("proposals:section_create", args=[s.co.pk]), section(action="submit")
    )
    assert response["Location"] == reverse("proposals:assignment_detail", args=[s.co.pk])
    created = Section.objects.get(assignment=s.co)
    assert created.paragraphs == ["一是加强协同。", "二是完善机制。"]
    assert created.state == Section.State.SUBMITTED


def test_it_takes_every_line_as_a_paragraph(client, s):
    s.co_section.delete()
    login(client, s, "co").post(
        reverse("proposals:section_create", args=[s.co.pk]),
        section(body="第一段。\n第二段。\r\n\r\n  第三段。  \n"),
    )
    assert Section.objects.get(assignment=s.co).paragraphs == ["第一段。", "第二段。", "第三段。"]


def test_it_saves_a_draft_and_goes_on_editing(client, s):
    response = login(client, s, "lead").post(
        reverse("proposals:section_create", args=[s.lead.pk]), section()
    )
    created = Section.objects.filter(assignment=s.lead).latest("pk")
    assert response["Location"] == reverse(
        "proposals:section_edit", args=[s.lead.pk, created.pk]
    )
    assert created.state == Section.State.DRAFT


def test_it_refuses_an_empty_section_and_saves_nothing(client, s):
    before = Section.objects.count()
    response = login(client, s, "co").post(
        reverse("proposals:section_create", args=[s.co.pk]), section(body=" \r\n ")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写正文。" in field_block(html, "id_body")
    assert 'value="市科技局协办意见"' in html
    assert Section.objects.count() == before


def test_it_keeps_nothing_when_submitting_fails(client, s, monkeypatch):
    # Save and submit go together: a refused submit rolls the save back too.
    def refuse(**kwargs):
        raise ValidationError("提交失败。")

    monkeypatch.setattr(services, "section_submit", refuse)
    before = Section.objects.count()
    response = login(client, s, "lead").post(
        reverse("proposals:section_create", args=[s.lead.pk]), section(action="submit")
    )
    assert response.status_code == 400
    assert "提交失败。" in response.content.decode()
    assert Section.objects.count() == before


def test_it_reports_a_conflict_and_keeps_what_was_typed(client, s):
    url = reverse("proposals:section_edit", args=[s.lead.pk, s.lead_draft.pk])
    login(client, s, "lead")
    loaded = s.lead_draft.version
    # Someone else saves first.
    client.post(url, section(heading="同事的版本", version=loaded))
    response = client.post(url, section(heading="我的版本", body="我刚写的段落", version=loaded))
    assert response.status_code == 409
    html = response.content.decode()
    assert "这份意见已被他人修改" in html
    assert 'value="我的版本"' in html
    assert "我刚写的段落" in html
    s.lead_draft.refresh_from_db()
    assert s.lead_draft.heading == "同事的版本"
    assert s.lead_draft.version == loaded + 1


def test_it_shows_why_a_section_was_returned_and_lets_it_be_resubmitted(client, s):
    section_return(section=s.co_section, reason="请补充2024年的数据。", actor=s.users["lead"])
    s.co_section.refresh_from_db()
    url = reverse("proposals:section_edit", args=[s.co.pk, s.co_section.pk])
    login(client, s, "co")
    html = client.get(url).content.decode()
    assert "请补充2024年的数据。" in html
    response = client.post(url, section(action="submit", version=s.co_section.version))
    assert response.status_code == 302
    s.co_section.refresh_from_db()
    assert s.co_section.state == Section.State.SUBMITTED


def test_it_shows_a_submitted_section_read_only(client, s):
    html = login(client, s, "co").get(
        reverse("proposals:section_edit", args=[s.co.pk, s.co_section.pk])
    ).content.decode()
    assert "<textarea" not in html
    assert "一是加强协同。二是完善机制。" in html


def test_it_lets_the_lead_accept_a_submitted_section(client, s):
    login(client, s, "lead").post(
        reverse("proposals:section_accept", args=[s.lead.pk, s.co_section.pk])
    )
    s.co_section.refresh_from_db()
    assert (s.co_section.state, s.co_section.decided_by) == ("accepted", s.users["lead"])


def test_it_requires_a_reason_to_return_a_section(client, s):
    response = login(client, s, "lead").post(
        reverse("proposals:section_return", args=[s.lead.pk, s.co_section.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "退回时必须说明理由。" in field_block(html, f"id_return_{s.co_section.pk}_reason")
    s.co_section.refresh_from_db()
    assert s.co_section.state == Section.State.SUBMITTED


def test_it_returns_a_section_with_the_reason(client, s):
    login(client, s, "lead").post(
        reverse("proposals:section_return", args=[s.lead.pk, s.co_section.pk]),
        {"reason": "数据口径不一致。"},
    )
    s.co_section.refresh_from_db()
    assert (s.co_section.state, s.co_section.return_reason) == ("returned", "数据口径不一致。")


# --- requests --------------------------------------------------------------------------


def test_it_refuses_an_extension_beyond_the_cap(client, s):
    url = reverse("proposals:extension_request", args=[s.lead.pk])
    response = login(client, s, "lead").post(
        url, {"requested_due_on": "2025-12-31", "reason": "我的理由"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "延期最迟不能超过交办之日起6个月" in field_block(html, "id_requested_due_on")
    assert "我的理由" in html
    assert ExtensionRequest.objects.filter(assignment=s.lead).count() == 0


def test_it_files_an_extension_request(client, s):
    url = reverse("proposals:extension_request", args=[s.lead.pk])
    response = login(client, s, "lead").post(
        url, {"requested_due_on": "2025-08-29", "reason": "需征求多部门意见。"}
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(assignment=s.lead)
    assert (request.requested_due_on, request.state) == (dt.date(2025, 8, 29), "pending")


def test_it_files_a_reassignment_request_and_refuses_a_second(client, s):
    url = reverse("proposals:reassignment_request", args=[s.lead.pk])
    login(client, s, "lead")
    data = {"reason": "主要职能在教育局。", "suggested_unit": s.idle_unit.pk}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400
    assert "已有一条待审批的调整申请" in again.content.decode()
    assert ReassignmentRequest.objects.filter(assignment=s.lead).count() == 1


def test_it_refuses_a_late_reassignment_request(client, s):
    url = reverse("proposals:reassignment_request", args=[s.lead.pk])
    login(client, s, "lead")
    with time_machine.travel(dt.datetime(2025, 4, 10, 2, tzinfo=dt.UTC), tick=False):
        response = client.post(url, {"reason": "不属于本单位。"})
    assert response.status_code == 400
    assert "申请调整须在交办后5个工作日内" in response.content.decode()
    assert not ReassignmentRequest.objects.filter(assignment=s.lead).exists()
