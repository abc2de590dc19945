"""The lead unit handler's compose page: start, save, conflicts, findings, preview, submit."""

import datetime as dt
import shutil
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from proposals.models import Assignment, Proposal, Section
from proposals.tests.factories import (
    AssignmentFactory,
    ProposalFactory,
    SectionFactory,
    SessionFactory,
    UnitFactory,
)
from proposals.tests.html_refs import dangling_references
from replies import services
from replies.letter.preview import PreviewUnavailable
from replies.models import Reply, ReplyParagraph
from replies.views._places import item_places, place_findings

from .ooxml_validate import assert_valid_docx
from .reply_fixtures import CONTACT, make_case, ready_reply

pytestmark = pytest.mark.django_db


def _draft(case):
    return services.reply_create_draft(assignment=case.lead, actor=case.handler)


def _post_data(reply, **header):
    """The compose form as the browser would send it for the reply as stored."""
    data = {
        "title": reply.title,
        "addressee": reply.addressee,
        "category": reply.category,
        "disclosure": reply.disclosure,
        "contact_name": reply.contact_name,
        "contact_phone": reply.contact_phone,
        "cc": "、".join(reply.cc),
        "version": reply.version,
        "action": "save",
    }
    rows = list(reply.paragraphs.order_by("order"))
    data.update({
        "items-TOTAL_FORMS": len(rows), "items-INITIAL_FORMS": len(rows),
        "items-MIN_NUM_FORMS": 0, "items-MAX_NUM_FORMS": 1000,
    })
    for i, p in enumerate(rows):
        kind = {"intro": "intro", "closing": "closing"}.get(p.part) or (
            f"h{p.level}" if p.kind == "heading" else "p")
        data[f"items-{i}-kind"] = kind
        data[f"items-{i}-text"] = p.text
        data[f"items-{i}-source_unit"] = p.source_unit_id
        data[f"items-{i}-source_section"] = p.source_section_id or ""
    data.update(header)
    return data


def _url(reply, name="compose"):
    return reverse(f"replies:{name}", args=[reply.pk])


def test_it_creates_the_draft_from_the_accepted_sections_with_one_click(client):
    case = make_case()
    client.force_login(case.handler)
    response = client.post(reverse("replies:start", args=[case.lead.pk]))
    reply = Reply.objects.get(assignment=case.lead)
    assert response.status_code == 302 and response["Location"] == _url(reply)
    units = set(reply.paragraphs.values_list("source_unit_id", flat=True))
    assert units == {case.lead.unit_id, case.co.unit_id}
    # A second click goes to the same draft instead of failing or making another.
    again = client.post(reverse("replies:start", args=[case.lead.pk]))
    assert again["Location"] == _url(reply)
    assert Reply.objects.filter(assignment=case.lead).count() == 1


def test_it_shows_each_item_with_the_unit_that_wrote_it(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    html = client.get(_url(reply)).content.decode()
    assert "来自协办意见" in html
    assert case.co_section.heading in html
    assert f'name="version" value="{reply.version}"' in html


def test_it_links_each_field_to_its_help_text_and_errors(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    html = client.get(_url(reply)).content.decode()
    assert 'aria-describedby="id_cc_helptext"' in html
    assert dangling_references(html) == []
    response = client.post(_url(reply), _post_data(reply, title="  "))
    assert dangling_references(response.content.decode()) == []


def test_it_saves_header_and_items(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    data = _post_data(reply, category="A", **CONTACT)
    data["items-1-text"] = "知识产权工作情况（修改）"
    response = client.post(_url(reply), data)
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.category == "A" and reply.contact_phone == CONTACT["contact_phone"]
    assert reply.paragraphs.get(order=2).text == "知识产权工作情况（修改）"
    assert reply.version == 2


def test_it_shows_field_errors_in_chinese_next_to_the_fields(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    data = _post_data(reply, title="  ", category="Z")
    data["items-2-text"] = "   "
    response = client.post(_url(reply), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写标题。" in html
    assert "办理类别只能是 A/B/C 之一。" in html
    assert "请填写内容，或删除这一项。" in html
    item = html[html.index('id="item-2"'):]
    assert item.index("请填写内容") < item.index('id="item-3"')
    reply.refresh_from_db()
    assert reply.version == 1


def test_it_puts_a_service_error_next_to_the_item_and_saves_nothing(client):
    case = make_case()
    reply = _draft(case)
    before = list(reply.paragraphs.values_list("text", flat=True))
    client.force_login(case.handler)
    data = _post_data(reply, contact_name="新联系人")
    data["items-1-kind"] = "h3"  # a level-3 heading right after the intro skips levels
    response = client.post(_url(reply), data)
    assert response.status_code == 400
    html = response.content.decode()
    item = html[html.index('id="item-1"'):html.index('id="item-2"')]
    assert "标题层级跳级" in item
    reply.refresh_from_db()
    assert reply.contact_name == "" and reply.version == 1
    assert list(reply.paragraphs.values_list("text", flat=True)) == before


def test_it_reports_a_conflict_and_keeps_what_was_typed(client):
    case = make_case()
    reply = _draft(case)
    stale = _post_data(reply, title="我写的新标题")
    stale["items-2-text"] = "我刚刚打的一段话。"
    # Someone else saves first.
    services.reply_update(reply=reply, expected_version=reply.version, actor=case.handler,
                          addressee="李静委员")
    client.force_login(case.handler)
    response = client.post(_url(reply), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "这份答复已被他人修改" in html
    assert 'value="我写的新标题"' in html
    assert "我刚刚打的一段话。" in html
    reply.refresh_from_db()
    assert reply.title != "我写的新标题" and reply.addressee == "李静委员"


def test_it_moves_adds_and_deletes_items_without_saving_until_asked(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    data = _post_data(reply, op="down-2")
    texts = [data[f"items-{i}-text"] for i in range(data["items-TOTAL_FORMS"])]
    response = client.post(_url(reply), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(texts[3]) < html.index(texts[2])
    assert "尚未保存" in html
    reply.refresh_from_db()
    assert reply.version == 1
    response = client.post(_url(reply), _post_data(reply, op="add-h1"))
    assert response.content.decode().count('class="item ') == data["items-TOTAL_FORMS"] + 1
    response = client.post(_url(reply), _post_data(reply, op="del-0"))
    assert response.content.decode().count('class="item ') == data["items-TOTAL_FORMS"] - 1


def test_it_inserts_an_accepted_section_keeping_its_source(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    response = client.post(_url(reply), _post_data(reply, op=f"insert-{case.co_section.pk}"))
    html = response.content.decode()
    assert html.count(case.co_section.heading) >= 2
    assert f'value="{case.co_section.pk}"' in html


def test_it_shows_findings_next_to_the_item_they_concern(client):
    case = make_case()
    reply = _draft(case)
    rows = list(reply.paragraphs.order_by("order"))
    last_body = max(i for i, r in enumerate(rows) if r.part == "body" and r.kind == "paragraph")
    paragraphs = [
        {"text": r.text, "part": r.part, "kind": r.kind, "level": r.level,
         "source_unit_id": r.source_unit_id, "source_section_id": r.source_section_id}
        for r in rows
    ]
    paragraphs[last_body]["text"] = "这一段以逗号结尾，"
    services.reply_update(reply=reply, expected_version=1, actor=case.handler,
                          paragraphs=paragraphs)
    client.force_login(case.handler)
    html = client.get(_url(reply)).content.decode()
    item = html[html.index(f'id="item-{last_body}"'):]
    assert "段落以“，”结尾" in item[:item.index("</li>")]
    assert "缺少联系电话" in html[html.index('name="contact_phone"'):html.index('name="cc"')]
    assert "处错误" in html


def test_it_says_places_in_words_on_the_compose_page(client):
    case = make_case()
    reply = _draft(case)
    rows = list(reply.paragraphs.order_by("order"))
    body = [i for i, r in enumerate(rows) if r.part == "body" and r.kind == "paragraph"]
    paragraphs = [{"text": r.text, "part": r.part, "kind": r.kind, "level": r.level,
                   "source_unit_id": r.source_unit_id, "source_section_id": r.source_section_id}
                  for r in rows]
    paragraphs[body[-1]]["text"] = paragraphs[body[0]]["text"]  # the same paragraph twice
    services.reply_update(reply=reply, expected_version=1, actor=case.handler,
                          paragraphs=paragraphs)
    client.force_login(case.handler)
    html = client.get(_url(reply)).content.decode()
    item = html[html.index(f'id="item-{body[-1]}"'):]
    item = item[:item.index("</li>")]
    assert "第二部分第1段" in item  # where the item sits
    assert "本段与第一部分第1段完全相同" in item  # where the other one sits
    assert "sections[" not in html and "paragraphs[" not in html


def test_it_maps_spec_places_to_items():
    Part, Kind = ReplyParagraph.Part, ReplyParagraph.Kind
    rows = [
        {"part": Part.INTRO, "kind": Kind.PARAGRAPH, "level": None},
        {"part": Part.BODY, "kind": Kind.HEADING, "level": 1},
        {"part": Part.BODY, "kind": Kind.PARAGRAPH, "level": None},
        {"part": Part.BODY, "kind": Kind.HEADING, "level": 2},
        {"part": Part.BODY, "kind": Kind.PARAGRAPH, "level": None},
        {"part": Part.BODY, "kind": Kind.HEADING, "level": 1},
        {"part": Part.CLOSING, "kind": Kind.PARAGRAPH, "level": None},
    ]
    places = item_places(rows)
    assert places[4] == ["sections[0].sections[0].paragraphs[0]"]
    assert places[5][0] == "sections[1].heading"
    finding = mock.Mock(place="sections[0].sections[0]", severity="error")
    placed = place_findings([finding], rows)
    assert placed.by_item == {3: [finding]}


def test_it_submits_and_blocks_while_checks_report_errors(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    response = client.post(_url(reply), _post_data(reply, action="submit"))
    reply.refresh_from_db()
    assert reply.state == Reply.State.DRAFT
    follow = client.get(response["Location"].split("#")[0]).content.decode()
    assert "未能送审" in follow and "缺少联系电话" in follow
    response = client.post(_url(reply), _post_data(reply, action="submit", category="A",
                                                   **CONTACT))
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW
    assert response["Location"] == _url(reply, "detail")
    # A returned reply shows the signer's comment on the compose page.
    services.reply_return(reply=reply, comment="请补充联系人职务。", actor=case.signer)
    assert "请补充联系人职务。" in client.get(_url(reply)).content.decode()


def test_it_downloads_the_draft_docx(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    response = client.get(_url(reply, "draft_docx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert_valid_docx(b"".join(response.streaming_content))


def test_it_explains_when_the_preview_is_unavailable(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    with mock.patch("replies.views._render.docx_to_pdf",
                    side_effect=PreviewUnavailable("找不到 LibreOffice")):
        response = client.get(_url(reply, "preview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "预览暂不可用" in html and "找不到 LibreOffice" in html
    assert reverse("replies:draft_docx", args=[reply.pk]) in html


def test_it_shows_preview_pages_as_images(client):
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    with mock.patch("replies.views._render.docx_to_pdf", return_value=b"%PDF"), \
            mock.patch("replies.views._render.pdf_to_pngs", return_value=[b"\x89PNG1", b"PNG2"]):
        html = client.get(_url(reply, "preview")).content.decode()
    assert html.count('<img src="data:image/png;base64,') == 2



def test_it_renders_the_preview_on_the_warm_libreoffice(client, warm_libreoffice, locmem_cache,
                                                        monkeypatch, tmp_path):
    # No LibreOffice on this host: the setting names a missing binary, PATH has only pdftoppm.
    monkeypatch.setenv("LIBREOFFICE_BINARY", str(tmp_path / "missing-soffice"))
    (tmp_path / "pdftoppm").symlink_to(shutil.which("pdftoppm"))
    monkeypatch.setenv("PATH", str(tmp_path))
    case = make_case()
    reply = _draft(case)
    client.force_login(case.handler)
    html = client.get(_url(reply, "preview")).content.decode()
    assert "预览暂不可用" not in html
    assert html.count('<img src="data:image/png;base64,') >= 1

# --- Reuse of earlier replies -----------------------------------------------------------

EARLIER_TEXT = "2024年全市新增发明专利授权三千件，知识产权质押融资突破十亿元。"


@pytest.fixture
def earlier(db):
    """A draft reply of this session, and the same unit's signed reply to a similar proposal
    of the committee's previous session; also another unit's draft there."""
    from proposals.similarity import cache

    cache.clear()
    case = make_case()
    old_session = SessionFactory(
        committee=case.proposal.session.committee, name="十四届三次会议", term=14, sitting=3,
        year=2024, is_current=False,
    )
    old_proposal = ProposalFactory(
        session=old_session, number=31, status=Proposal.Status.IN_PROGRESS,
        title="关于推进知识产权强市建设的建议", content=case.proposal.content,
    )
    old_lead = AssignmentFactory(
        proposal=old_proposal, unit=case.unit, role=Assignment.Role.LEAD,
        state=Assignment.State.IN_PROGRESS,
    )
    SectionFactory(
        assignment=old_lead, heading="知识产权工作情况", paragraphs=[EARLIER_TEXT], order=1,
        state=Section.State.DRAFT,
    )
    old_reply = services.reply_sign_off(
        reply=ready_reply(case, assignment=old_lead), actor=case.signer,
        signed_on=dt.date(2024, 6, 20),
    )
    source = old_reply.paragraphs.get(text=EARLIER_TEXT)
    # Another unit's unsigned draft to an equally similar earlier proposal: never offered.
    other_unit = UnitFactory(committee=case.proposal.session.committee)
    other_lead = AssignmentFactory(
        proposal=ProposalFactory(
            session=old_session, number=32, status=Proposal.Status.IN_PROGRESS,
            title="关于加快知识产权强市建设的建议", content=case.proposal.content,
        ),
        unit=other_unit, role=Assignment.Role.LEAD, state=Assignment.State.IN_PROGRESS,
    )
    SectionFactory(assignment=other_lead, heading="机密情况", paragraphs=["尚未签发的草稿内容。"],
                   order=1, state=Section.State.DRAFT)
    other_draft = services.reply_create_draft(assignment=other_lead)
    yield {
        "case": case, "reply": _draft(case), "old_reply": old_reply, "source": source,
        "draft_paragraph": other_draft.paragraphs.get(text="尚未签发的草稿内容。"),
    }
    cache.clear()


def _post_rows(reply, formset, **extra):
    """The compose form as re-rendered (rows from the formset), as the browser sends it."""
    data = _post_data(reply)
    rows = formset.initial
    data.update({"items-TOTAL_FORMS": len(rows), "items-INITIAL_FORMS": len(rows)})
    for i, row in enumerate(rows):
        for name in ("kind", "text", "source_unit", "source_section", "source_paragraph"):
            data[f"items-{i}-{name}"] = row.get(name) or ""
    data.update(extra)
    return data


def test_it_copies_a_paragraph_of_an_earlier_signed_reply_and_keeps_its_source(
    client, earlier
):
    reply, source, old_reply = earlier["reply"], earlier["source"], earlier["old_reply"]
    client.force_login(earlier["case"].handler)
    html = client.get(_url(reply)).content.decode()
    assert "往届类似提案的答复" in html and EARLIER_TEXT in html
    assert f'name="op" value="reuse-{source.pk}"' in html

    response = client.post(_url(reply), {**_post_data(reply), "op": f"reuse-{source.pk}"})
    assert response.status_code == 200
    assert "已调整，尚未保存" in response.content.decode()
    rows = response.context["formset"].initial
    copied = [r for r in rows if r.get("source_paragraph") == source.pk]
    assert len(copied) == 1 and copied[0]["text"] == EARLIER_TEXT
    assert rows.index(copied[0]) == len(rows) - 2  # a body paragraph before the closing
    assert f"引自 {old_reply.doc_number}" in response.content.decode()
    assert ReplyParagraph.objects.filter(reply=reply, source_paragraph=source).count() == 0

    saved = client.post(_url(reply), _post_rows(reply, response.context["formset"]))
    assert saved.status_code == 302
    row = ReplyParagraph.objects.get(reply=reply, source_paragraph=source)
    assert row.text == source.text == EARLIER_TEXT
    assert row.source_unit_id == reply.unit_id and row.part == "body"
    assert f"引自 {old_reply.doc_number}" in client.get(_url(reply)).content.decode()


def test_it_ignores_a_posted_paragraph_id_it_did_not_offer(client, earlier):
    reply, secret = earlier["reply"], earlier["draft_paragraph"]
    client.force_login(earlier["case"].handler)
    before = reply.paragraphs.count()
    response = client.post(_url(reply), {**_post_data(reply), "op": f"reuse-{secret.pk}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert secret.text not in html
    assert len(response.context["formset"].initial) == before
    assert not [r for r in response.context["formset"].initial if r.get("source_paragraph")]
    # Smuggled in as a row's hidden source: refused next to the item, nothing saved.
    data = _post_data(reply, **{"items-1-source_paragraph": secret.pk})
    refused = client.post(_url(reply), data)
    assert refused.status_code == 400
    assert "引用的段落无效" in refused.content.decode()
    assert secret.text not in refused.content.decode()
    assert not ReplyParagraph.objects.filter(reply=reply, source_paragraph__isnull=False)


def test_the_service_refuses_a_source_paragraph_of_a_draft_reply(earlier):
    reply, case = earlier["reply"], earlier["case"]
    rows = [
        {"text": p.text, "part": p.part, "kind": p.kind, "level": p.level,
         "source_unit_id": p.source_unit_id, "source_section_id": p.source_section_id}
        for p in reply.paragraphs.order_by("order")
    ]
    rows.insert(-1, {"text": "借用的段落。", "source_paragraph_id": earlier["draft_paragraph"].pk})
    with pytest.raises(ValidationError) as exc:
        services.reply_update(
            reply=reply, expected_version=reply.version, actor=case.handler, paragraphs=rows
        )
    assert f"第{len(rows) - 1}项：引用的段落无效。" in exc.value.message_dict["paragraphs"]
    assert not ReplyParagraph.objects.filter(reply=reply, source_paragraph__isnull=False)
    # The signed one is accepted, and a correction of the signed new reply keeps the source.
    rows[-2]["source_paragraph_id"] = earlier["source"].pk
    reply = services.reply_update(
        reply=reply, expected_version=reply.version, actor=case.handler, paragraphs=rows,
        category="A", **CONTACT,
    )
    assert reply.paragraphs.get(text="借用的段落。").source_paragraph == earlier["source"]
    reply = services.reply_submit_for_review(reply=reply, actor=case.handler)
    reply = services.reply_sign_off(reply=reply, actor=case.signer, signed_on=dt.date(2025, 7, 1))
    correction = services.reply_correct(reply=reply, actor=case.handler)
    assert correction.paragraphs.get(text="借用的段落。").source_paragraph == earlier["source"]
