"""The signer's queue and reply page: return, sign off, signed file, 已发送, proposer link."""

import hashlib

import pytest
from django.urls import reverse

from proposals.models import Proposal
from proposals.tests.factories import MembershipFactory, UnitFactory, UserFactory
from replies import services
from replies.models import DocumentCounter, FeedbackLink, Reply, ReplyDownload, ReplyParagraph

from .reply_fixtures import make_case, ready_reply

pytestmark = pytest.mark.django_db


def _url(reply, name):
    return reverse(f"replies:{name}", args=[reply.pk])


def test_it_lists_the_replies_waiting_for_the_signer(client):
    case = make_case()
    reply = ready_reply(case)
    client.force_login(case.signer)
    html = client.get(reverse("replies:review_queue")).content.decode()
    assert reply.title in html and _url(reply, "detail") in html
    assert "<th></th>" not in html  # every column has a name a screen reader can say
    client.force_login(case.handler)
    assert client.get(reverse("replies:review_queue")).status_code == 403


def test_it_shows_the_outline_with_the_unit_of_every_paragraph(client):
    case = make_case()
    reply = ready_reply(case)
    client.force_login(case.signer)
    html = client.get(_url(reply, "detail")).content.decode()
    assert case.co_section.heading in html
    co_name = case.co.unit.short_name or case.co.unit.name
    assert f'unit-co">{co_name}</span>' in html  # the co unit's tag on its paragraphs
    assert 'action="%s"' % _url(reply, "sign") in html


def test_it_shows_the_leads_edit_of_a_co_units_words_with_the_original(client):
    case = make_case()
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    rows = [
        {"text": p.text, "part": p.part, "kind": p.kind, "level": p.level,
         "source_unit_id": p.source_unit_id, "source_section_id": p.source_section_id}
        for p in reply.paragraphs.order_by("order")
    ]
    edited = next(r for r in rows if r["source_section_id"] == case.co_section.pk
                  and r["kind"] == "paragraph")
    edited["text"] = "一是培育科技型中小企业三百家。"
    services.reply_update(reply=reply, expected_version=reply.version, paragraphs=rows,
                          actor=case.handler)
    client.force_login(case.signer)
    html = client.get(_url(reply, "detail")).content.decode()
    co_name = case.co.unit.short_name or case.co.unit.name
    assert f"{co_name} · 经主办单位修改" in html
    assert "一是培育科技型中小企业。二是推动专利转化。" in html  # the co unit's own words


def test_it_returns_with_a_comment_and_requires_one(client):
    case = make_case()
    reply = ready_reply(case)
    client.force_login(case.signer)
    response = client.post(_url(reply, "return"), {"comment": " "})
    assert response.status_code == 400
    assert "退回时必须填写审核意见。" in response.content.decode()
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW
    client.post(_url(reply, "return"), {"comment": "请核实数据。"})
    reply.refresh_from_db()
    assert reply.state == Reply.State.DRAFT and reply.review_comment == "请核实数据。"


def test_it_signs_off_numbering_the_letter_and_storing_the_file(client):
    case = make_case()
    reply = ready_reply(case)
    client.force_login(case.signer)
    response = client.post(_url(reply, "sign"))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.state == Reply.State.SIGNED
    assert reply.doc_number.endswith("〔%d〕1号" % reply.doc_year)
    with reply.signed_file.open("rb") as fh:
        data = fh.read()
    assert hashlib.sha256(data).hexdigest() == reply.sha256
    # The letter's QR code got a live link; the signer sees it once on the reply page.
    link = FeedbackLink.objects.get(reply=reply)
    page = client.get(_url(reply, "detail")).content.decode()
    token = page.split("/f/")[1].split("/")[0]
    assert hashlib.sha256(token.encode()).hexdigest() == link.token_hash
    assert "/f/" not in client.get(_url(reply, "detail")).content.decode()


def test_it_does_not_number_twice_on_a_double_click(client):
    case = make_case()
    reply = ready_reply(case)
    client.force_login(case.signer)
    client.post(_url(reply, "sign"))
    response = client.post(_url(reply, "sign"), follow=True)
    assert "没有重复签发" in response.content.decode()
    assert DocumentCounter.objects.get(unit=case.unit).last_seq == 1


def test_it_blocks_sign_off_while_checks_report_errors(client):
    case = make_case()
    reply = ready_reply(case)
    Reply.objects.filter(pk=reply.pk).update(contact_phone="")  # broken after review
    client.force_login(case.signer)
    response = client.post(_url(reply, "sign"))
    assert response.status_code == 400
    assert "缺少联系电话" in response.content.decode()
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW and not reply.signed_file
    assert not DocumentCounter.objects.filter(unit=case.unit, last_seq__gt=0).exists()


def _put_in_second_section(reply, text):
    """Change the first paragraph under the second 一、 heading (after review)."""
    rows = list(reply.paragraphs.filter(part="body").order_by("order"))
    second = [i for i, r in enumerate(rows) if r.kind == "heading"][1]
    ReplyParagraph.objects.filter(pk=rows[second + 1].pk).update(text=text)


def test_it_refuses_sign_off_of_a_letter_holding_an_emoji(client):
    case = make_case()
    reply = ready_reply(case)
    _put_in_second_section(reply, "推动专利转化😀。")
    client.force_login(case.signer)
    page = client.get(_url(reply, "detail")).content.decode()
    assert "disabled" in page[page.index('action="%s"' % _url(reply, "sign")):]
    response = client.post(_url(reply, "sign"))  # the button is disabled; post anyway
    assert response.status_code == 400
    html = response.content.decode()
    assert "第二部分第1段：含有公文字库无法打印的字符：“😀”（U+1F600" in html
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW and not reply.signed_file
    assert not DocumentCounter.objects.filter(unit=case.unit, last_seq__gt=0).exists()


def test_it_shows_findings_with_the_place_in_words_not_the_field_path(client):
    case = make_case()
    reply = ready_reply(case)
    _put_in_second_section(reply, "这一段以逗号结尾，")
    client.force_login(case.signer)
    html = client.get(_url(reply, "detail")).content.decode()
    assert "第二部分第1段：段落以“，”结尾" in html
    assert "sections[" not in html and "paragraphs[" not in html


def test_it_refuses_sign_off_by_a_handler(client):
    case = make_case()
    reply = ready_reply(case)
    client.force_login(case.handler)
    assert client.post(_url(reply, "sign")).status_code == 403
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW


def test_it_logs_downloads_of_the_signed_file(client):
    case = make_case()
    reply = services.reply_sign_off(reply=ready_reply(case), actor=case.signer)
    client.force_login(case.handler)
    response = client.get(_url(reply, "signed_docx"))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == reply.sha256
    assert ReplyDownload.objects.get(reply=reply).user == case.handler


def test_it_hides_another_units_file(client):
    case = make_case()
    reply = services.reply_sign_off(reply=ready_reply(case), actor=case.signer)
    stranger = UserFactory()
    MembershipFactory(user=stranger, unit=UnitFactory(committee=case.proposal.session.committee))
    client.force_login(stranger)
    assert client.get(_url(reply, "signed_docx")).status_code == 404
    assert client.get(_url(reply, "preview")).status_code == 404
    assert not ReplyDownload.objects.exists()


def test_it_marks_sent_and_the_proposal_is_answered(client):
    case = make_case()
    reply = services.reply_sign_off(reply=ready_reply(case), actor=case.signer)
    client.force_login(case.handler)
    client.post(_url(reply, "mark_sent"))
    reply.refresh_from_db()
    case.proposal.refresh_from_db()
    assert reply.state == Reply.State.SENT
    assert case.proposal.status == Proposal.Status.ANSWERED
    again = client.post(_url(reply, "mark_sent"), follow=True)
    assert "已标记为已发送" in again.content.decode()


def test_it_makes_a_new_proposer_link_for_the_handler(client):
    case = make_case()
    reply = services.reply_sign_off(reply=ready_reply(case), actor=case.signer)
    client.force_login(case.handler)
    response = client.post(_url(reply, "feedback_link"))
    html = response.content.decode()
    token = html.split("/f/")[1].split("/")[0]
    assert FeedbackLink.objects.filter(
        reply=reply, token_hash=hashlib.sha256(token.encode()).hexdigest()
    ).exists()
    assert client.get(reverse("feedback", args=[token])).status_code == 200


def test_it_shows_the_reply_and_feedback_on_the_proposal_pages(client):
    case = make_case()
    reply = services.reply_sign_off(reply=ready_reply(case), actor=case.signer)
    client.force_login(case.handler)
    html = client.get(reverse("proposals:assignment_detail", args=[case.lead.pk])).content
    assert reply.doc_number in html.decode()


def test_it_shows_signers_how_many_replies_wait_for_them(client):
    case = make_case()
    client.force_login(case.signer)
    html = client.get(reverse("home")).content.decode()
    assert "待签发" in html and 'class="badge"' not in html.split("待签发")[1][:40]
    ready_reply(case)
    html = client.get(reverse("home")).content.decode()
    assert '待签发<span class="badge">1</span>' in html
    client.force_login(case.handler)
    assert "待签发" not in client.get(reverse("home")).content.decode()


def test_it_says_a_reply_is_replaced_only_once_its_correction_is_signed(client):
    case = make_case()
    signed = services.reply_sign_off(reply=ready_reply(case), actor=case.signer)
    correction = services.reply_correct(reply=signed, actor=case.handler)
    client.force_login(case.handler)
    html = client.get(_url(signed, "detail")).content.decode()
    assert "已由更正答复" not in html  # a draft replaces nothing (Reply.objects.in_force)
    assert "新建更正答复" not in html  # one correction at a time
    correction = services.reply_submit_for_review(reply=correction, actor=case.handler)
    correction = services.reply_sign_off(reply=correction, actor=case.signer)
    html = client.get(_url(signed, "detail")).content.decode()
    assert "已由更正答复" in html and correction.doc_number in html
