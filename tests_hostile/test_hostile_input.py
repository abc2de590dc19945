"""Hostile-input corpus (issue 8): every form, the import and render_reply get control
characters, a 10 MB text, HTML/script and SQL injection strings, emoji and rare CJK
(extension B), impossible and far-future dates, and files of the wrong type.

Each case: no server error (status < 500); a rejection says why in Chinese and leaves every
table as it was (row counts of every model, history included); an acceptance of harmless
text (emoji, markup, SQL) stores exactly what was typed and shows it escaped.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from proposals.models import (
    Assignment,
    CommitteeRole,
    ContactRecord,
    ExtensionRequest,
    Proposal,
    ReassignmentRequest,
    Section,
)
from proposals.tests.factories import (
    CommitteeRoleFactory,
    ProposerFactory,
    UnitFactory,
    UserFactory,
)
from replies import services
from replies.models import Feedback, Reply
from replies.tests.reply_fixtures import SIGN_DATE, make_case, ready_reply

# The world is shared by the module (module_db): its ids and the feedback token repeat in
# every test, so each test gets an empty cache of its own (the link's rate limit counts).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem_cache")]

CJK = re.compile(r"[\u4e00-\u9fff]")
TEN_MB = "长" * (10 * 1024 * 1024 // 3 + 1)  # 10 MB in UTF-8
LONG = "长文" * 15_000  # 30,000 characters: under the upload limit, over the text limit

# Rejected: never stored.
BAD_TEXT = {
    "nul": "正文\x00内容",
    "backspace": "退格\x08字符",
    "escape": "转义\x1b[31m红字",
    "10MB": TEN_MB,
    "30k chars": LONG,
}
# Harmless though hostile-looking: stored as typed, shown escaped.
ODD_TEXT = {
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "sql": "'; DROP TABLE proposals_proposal; -- 1' OR '1'='1",
    "emoji+ext-B": "满意😀👍🏻 罕见字𠀀𪚥𫝀",
}
BAD_DATES = {
    "far future": "9999-12-31",
    "no such day": "2025-02-30",
    "zero": "0000-00-00",
    "year 1": "0001-01-01",
    "garbage": "明天",
}

SKIP_MODELS = {"sessions.session", "axes.accessattempt", "axes.accesslog",
               "axes.accessfailurelog", "admin.logentry", "contenttypes.contenttype",
               "auth.permission"}


def snapshot() -> dict[str, int]:
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label_lower not in SKIP_MODELS and m._meta.managed
    }


def chinese_errors(response) -> str:
    """The error texts a page shows: form error lists, messages and the 400 page."""
    html = response.content.decode(errors="replace")
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    found += re.findall(r'class="[^"]*\b(?:error|messages?)\b[^"]*"[^>]*>(.*?)<', html, re.S)
    if response.status_code == 400 and "<form" not in html:
        found.append(html)
    return " ".join(found)


@dataclass
class World:
    case: Any
    clerk: Any
    proposer: Any
    sent_reply: Reply
    token: str
    draft: Reply


@pytest.fixture(scope="module")
def world(module_db, tmp_path_factory):
    """Built once for the module's some 150 posts (module_db: what each test stores is
    rolled back after it), its files in a folder of its own."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("hostile-media"))):
        yield _build_world()


def _build_world() -> World:
    case = make_case()
    committee = case.proposal.session.committee
    clerk = UserFactory(username="clerk")
    CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)
    proposer = ProposerFactory(committee=committee)
    UnitFactory(committee=committee, name="连云港市财政局")
    # A second answering case in the same committee for the feedback link.
    other = make_case(unit=UnitFactory(committee=committee, name="连云港市教育局"))
    sent = services.reply_sign_off(reply=ready_reply(other), actor=other.signer,
                                   signed_on=SIGN_DATE)
    sent = services.reply_mark_sent(reply=sent)
    _link, token = services.feedback_link_create(reply=sent)
    draft = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    return World(case, clerk, proposer, sent, token, draft)


# --- one POST per form -----------------------------------------------------------------


def _register(w: World) -> tuple[Any, str, dict]:
    return w.clerk, reverse("proposals:proposal_register"), {
        "session": w.case.proposal.session_id, "number": "9001", "title": "关于测试的提案",
        "lead_proposer": w.proposer.pk, "content": "内容", "reasons": "理由",
        "suggestions": "建议", "suggested_units": "财政局",
    }


def _contact(w: World):
    return w.case.handler, reverse("proposals:contact_create", args=[w.case.lead.pk]), {
        "contacted_on": timezone.localdate().isoformat(), "method": "phone",
        "participants": "王波", "summary": "电话沟通", "form_token": "",
    }


def _section(w: World):
    return w.case.handler, reverse("proposals:section_create", args=[w.case.lead.pk]), {
        "heading": "办理情况", "body": "第一段。", "form_token": "",
    }


def _extension(w: World):
    due = w.case.lead.due_on + dt.timedelta(days=20)
    return w.case.handler, reverse("proposals:extension_request", args=[w.case.lead.pk]), {
        "requested_due_on": due.isoformat(), "reason": "需要调研", "form_token": "",
    }


def _reassignment(w: World):
    return w.case.handler, reverse("proposals:reassignment_request", args=[w.case.lead.pk]), {
        "reason": "职责不符", "suggested_unit": "", "form_token": "",
    }


def _compose(w: World):
    data = {
        "title": w.draft.title, "addressee": w.draft.addressee, "category": "A",
        "disclosure": "public", "contact_name": "朱昌伟", "contact_phone": "18905131999",
        "cc": "市政协提案委员会", "version": str(w.draft.version), "action": "save",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1", "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "500", "items-0-kind": "body:paragraph",
        "items-0-text": "正文段落。", "items-0-source_unit": str(w.case.unit.pk),
        "items-0-source_section": "",
    }
    return w.case.handler, reverse("replies:compose", args=[w.draft.pk]), data


def _feedback(w: World):
    return None, reverse("feedback", args=[w.token]), {
        "process_satisfaction": "satisfied", "result_satisfaction": "satisfied",
        "comment": "很好",
    }


def _login(w: World):
    return None, reverse("login"), {"username": "clerk", "password": "pass-12345"}


def _assign(w: World):
    proposal = w.case.proposal
    Proposal.objects.filter(pk=proposal.pk)  # already assigned: use a fresh accepted one
    from proposals.tests.factories import ProposalFactory

    fresh = ProposalFactory(session=proposal.session, lead_proposer=proposal.lead_proposer,
                            number=9100, status=Proposal.Status.ACCEPTED)
    return w.clerk, reverse("proposals:proposal_assign", args=[fresh.pk]), {
        "assigned_on": timezone.localdate().isoformat(),
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000", "form-0-unit": str(w.case.unit.pk),
        "form-0-role": "lead", "form-0-due_on": "",
    }


TEXT_FORMS = {
    "register.title": (_register, "title"),
    "register.content": (_register, "content"),
    "register.suggested_units": (_register, "suggested_units"),
    "contact.summary": (_contact, "summary"),
    "contact.participants": (_contact, "participants"),
    "section.heading": (_section, "heading"),
    "section.body": (_section, "body"),
    "extension.reason": (_extension, "reason"),
    "reassignment.reason": (_reassignment, "reason"),
    "compose.title": (_compose, "title"),
    "compose.contact_name": (_compose, "contact_name"),
    "compose.cc": (_compose, "cc"),
    "compose.item": (_compose, "items-0-text"),
    "feedback.comment": (_feedback, "comment"),
    "login.username": (_login, "username"),
}
DATE_FORMS = {
    "contact.contacted_on": (_contact, "contacted_on"),
    "extension.requested_due_on": (_extension, "requested_due_on"),
    "assign.assigned_on": (_assign, "assigned_on"),
    "assign.due_on": (_assign, "form-0-due_on"),
}


def _post(client, w, builder, field, value):
    user, url, data = builder(w)
    if user is not None:
        client.force_login(user)
    data[field] = value
    before = snapshot()
    response = client.post(url, data)
    return response, before


def _assert_rejected(response, before, label):
    assert response.status_code < 500, label
    assert response.status_code not in (301, 302), f"{label}: accepted"
    text = chinese_errors(response)
    assert CJK.search(text), f"{label}: no Chinese message ({response.status_code})"
    after = snapshot()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed, f"{label}: rows changed {changed}"


@pytest.mark.parametrize("value_name", list(BAD_TEXT))
@pytest.mark.parametrize("form_name", list(TEXT_FORMS))
def test_it_rejects_bad_text_with_a_message_and_saves_nothing(client, world, form_name,
                                                              value_name):
    builder, field = TEXT_FORMS[form_name]
    response, before = _post(client, world, builder, field, BAD_TEXT[value_name])
    _assert_rejected(response, before, f"{form_name} <- {value_name}")


@pytest.mark.parametrize("value_name", list(BAD_DATES))
@pytest.mark.parametrize("form_name", list(DATE_FORMS))
def test_it_rejects_impossible_and_far_dates(client, world, form_name, value_name):
    builder, field = DATE_FORMS[form_name]
    response, before = _post(client, world, builder, field, BAD_DATES[value_name])
    _assert_rejected(response, before, f"{form_name} <- {value_name}")


# Where the accepted value is stored, and a page that shows it.
def _stored(w: World, form_name: str):
    if form_name.startswith("register."):
        p = Proposal.objects.get(number=9001)
        return getattr(p, form_name.split(".")[1]), reverse(
            "proposals:proposal_detail", args=[p.pk]), w.clerk
    if form_name.startswith("contact."):
        c = ContactRecord.objects.latest("pk")
        return getattr(c, form_name.split(".")[1]), reverse(
            "proposals:assignment_detail", args=[w.case.lead.pk]), w.case.handler
    if form_name.startswith("section."):
        s = Section.objects.latest("pk")
        value = s.heading if form_name == "section.heading" else "\n".join(s.paragraphs)
        return value, reverse("proposals:assignment_detail", args=[w.case.lead.pk]), \
            w.case.handler
    if form_name == "extension.reason":
        return ExtensionRequest.objects.latest("pk").reason, reverse(
            "proposals:proposal_detail", args=[w.case.proposal.pk]), w.clerk
    if form_name == "reassignment.reason":
        return ReassignmentRequest.objects.latest("pk").reason, reverse(
            "proposals:proposal_detail", args=[w.case.proposal.pk]), w.clerk
    if form_name.startswith("compose."):
        r = Reply.objects.get(pk=w.draft.pk)
        value = {
            "compose.title": r.title,
            "compose.contact_name": r.contact_name,
            "compose.cc": "、".join(r.cc),
            "compose.item": r.paragraphs.filter(part="body").first().text,
        }[form_name]
        return value, reverse("replies:compose", args=[r.pk]), w.case.handler
    if form_name == "feedback.comment":
        return Feedback.objects.get(reply=w.sent_reply).comment, reverse(
            "feedback", args=[w.token]), None
    return None, None, None


# Stored but not shown on the page checked (建议承办单位 is for the clerk's assign form).
NOT_SHOWN = {"register.suggested_units"}


@pytest.mark.parametrize("value_name", list(ODD_TEXT))
@pytest.mark.parametrize("form_name", [f for f in TEXT_FORMS if f != "login.username"])
def test_it_stores_odd_but_harmless_text_as_typed_and_shows_it_escaped(
    client, world, form_name, value_name
):
    builder, field = TEXT_FORMS[form_name]
    value = ODD_TEXT[value_name]
    response, before = _post(client, world, builder, field, value)
    label = f"{form_name} <- {value_name}"
    assert response.status_code < 500, label
    if response.status_code not in (301, 302):
        # A refusal is allowed (e.g. a length limit), with a Chinese message and no rows.
        _assert_rejected(response, before, label)
        return
    stored, page_url, viewer = _stored(world, form_name)
    assert stored == value, label
    if viewer is not None:
        client.force_login(viewer)
    page = client.get(page_url).content.decode()
    assert "<script>alert" not in page, label
    if form_name in NOT_SHOWN:
        return
    if value_name == "html":
        assert "&lt;script&gt;alert" in page, label
    if value_name == "emoji+ext-B":
        assert "𠀀𪚥" in page, label


def test_login_with_hostile_password_is_a_chinese_refusal(client, world):
    for value in [*BAD_TEXT.values(), *ODD_TEXT.values()]:
        response = client.post(reverse("login"), {"username": "clerk", "password": value})
        assert response.status_code < 500
        assert "_auth_user_id" not in client.session
        assert CJK.search(chinese_errors(response))


# --- files ------------------------------------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe"
       b"\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _real_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["提案号", "案由"])
    wb.active.append([1, "关于<script>的提案\x1b"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BAD_FILES = {
    "png named xlsx": PNG,
    "truncated zip": _zip({"xl/workbook.xml": b"<workbook/>" * 200})[:300],
    "zip without workbook": _zip({"hello.txt": b"hi"}),
    "empty": b"",
    "text": "提案号,案由\n1,关于\x00的提案".encode(),
    "workbook.xml that is not xml": _zip({"xl/workbook.xml": b"\x00\xff garbage",
                                         "[Content_Types].xml": b"<x/>"}),
}


@pytest.mark.parametrize("file_name", list(BAD_FILES))
def test_it_refuses_wrong_and_corrupt_spreadsheets(client, world, file_name):
    """The upload is kept as a dry-run record (insights.ProposalImport) whose page lists
    the problem; nothing else is written and it cannot be confirmed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from insights.models import ProposalImport

    client.force_login(world.clerk)
    upload = SimpleUploadedFile("提案.xlsx", BAD_FILES[file_name],
                                content_type="application/vnd.ms-excel")
    before = snapshot()
    response = client.post(reverse("insights:import_upload"),
                           {"session": world.case.proposal.session_id, "file": upload})
    label = f"import <- {file_name}"
    assert response.status_code < 500, label
    if response.status_code not in (301, 302):
        _assert_rejected(response, before, label)
        return
    record = ProposalImport.objects.get()
    assert record.problems, label
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    first = record.problems[0]
    message = first.get("message", "") if isinstance(first, dict) else str(first)
    assert CJK.search(message), (label, record.problems)
    assert message.split("：")[0][:10] in html, label
    after = snapshot()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert changed == {"insights.proposalimport": (0, 1)}, (label, changed)
    confirm = client.post(reverse("insights:import_confirm", args=[record.pk]))
    assert confirm.status_code < 500, label
    assert Proposal.objects.count() == before["proposals.proposal"], label


# --- render_reply -----------------------------------------------------------------------


def _spec() -> dict:
    path = apps.get_app_config("replies").path
    import pathlib

    root = pathlib.Path(path).parent / "fixtures" / "reply-44137.json"
    return json.loads(root.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "value_name", ["nul", "backspace", "escape", "html", "sql", "emoji+ext-B", "30k chars"]
)
def test_render_reply_refuses_or_renders_hostile_text_without_crashing(tmp_path, value_name):
    value = {**BAD_TEXT, **ODD_TEXT}[value_name]
    spec = _spec()
    spec["title"] = "关于" + value[:100]
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.docx"
    err = io.StringIO()
    try:
        call_command("render_reply", "--spec", str(spec_path), "--out", str(out), stderr=err)
    except SystemExit as exc:  # exit 2: the spec is invalid, said on stderr
        assert exc.code == 2, (value_name, exc.code)
        assert CJK.search(err.getvalue()), value_name
        assert not out.exists()
        return
    assert value_name not in ("nul", "backspace", "escape"), "control characters rendered"
    data = out.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        document = z.read("word/document.xml").decode()
    if value_name == "html":
        assert "&lt;script&gt;" in document and "<script>" not in document
    if value_name == "emoji+ext-B":
        assert "𠀀𪚥" in document


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_621_440)
def test_a_10mb_post_gets_a_chinese_400_page(client, world):
    client.force_login(world.clerk)
    before = snapshot()
    response = client.post(reverse("proposals:proposal_register"), {"content": TEN_MB})
    assert response.status_code == 400
    assert "内容过大" in response.content.decode()
    assert snapshot() == before


def test_assignments_exist(world):  # the world is what the cases assume
    assert world.case.lead.state != Assignment.State.WITHDRAWN
