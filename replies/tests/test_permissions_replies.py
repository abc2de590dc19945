"""The permission matrix of the reply pages: every URL × role × method, expected status.

Read a row as: "this URL, requested with this method, answers each role with ...".
  302  anonymous: sent to the login page; allowed roles: the change was made (redirect)
  200  allowed (a page; for the proposer link, a new link shown once)
  403  may see the reply, may not do this (a handler signing, a clerk opening a draft)
  404  may not know it exists (another unit's or committee's reply, files, previews)
  405  GET on a POST-only action

Roles, as in proposals/tests/test_permissions.py: anonymous; clerk of this committee; clerk
of another committee; handler of the lead unit; handler of a co unit; handler of a unit of
the same committee with nothing to do with the proposal; signer of the lead unit.
"""

import datetime as dt
from dataclasses import dataclass
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.urls import get_resolver, reverse

from jobs.models import Job
from proposals.models import Assignment, Proposal, Section, Session, Unit
from proposals.tests.factories import AssignmentFactory, ProposalFactory, SectionFactory
from proposals.tests.scenario import build_scenario
from replies import services
from replies.letter.preview import PreviewUnavailable
from replies.models import (
    Countersign,
    DocumentCounter,
    Feedback,
    FeedbackLink,
    Publication,
    Reply,
    ReplyParagraph,
)

# The scenario is built once for the module (module_db): its ids and tokens repeat in every
# test, so each test gets an empty cache of its own (a feedback link's rate limit counts).
pytestmark = [pytest.mark.django_db,
              pytest.mark.usefixtures("locmem_cache", "requests_as_app_role")]

ROLES = ("anon", "clerk", "other_clerk", "lead", "co", "stranger", "signer")
CONTACT = {"contact_name": "朱昌伟", "contact_phone": "18905131999", "category": "A"}


@dataclass
class R:
    s: object
    draft: Reply  # the lead unit's draft, passing the checks
    review: Reply  # in review
    signed: Reply
    fresh: Assignment  # a lead assignment without a reply yet
    other_draft: Reply  # another committee's
    token: str
    countersign: Countersign  # the co unit's open 会签 of a reply in review
    publication: Publication  # 待发布: a sent reply marked 此件公开发布
    published: Publication  # 已发布


def _answering(s, number):
    proposal = ProposalFactory(
        session=s.session, number=number, title=f"关于第{number}号事项的提案",
        lead_proposer=s.proposer, status=Proposal.Status.IN_PROGRESS,
    )
    lead = AssignmentFactory(proposal=proposal, unit=s.lead_unit, role=Assignment.Role.LEAD,
                             state=Assignment.State.IN_PROGRESS)
    SectionFactory(assignment=lead, heading="办理情况", paragraphs=["已按建议办理。"])
    return lead


def _ready(assignment, actor):
    reply = services.reply_create_draft(assignment=assignment, actor=actor)
    return services.reply_update(reply=reply, expected_version=reply.version, actor=actor,
                                 **CONTACT)


def _countersigned(s, actor):
    """A reply in review that uses the co unit's accepted section: the co unit holds a 会签."""
    lead = _answering(s, 44504)
    co = AssignmentFactory(proposal=lead.proposal, unit=s.co_unit, role=Assignment.Role.CO,
                           state=Assignment.State.IN_PROGRESS)
    SectionFactory(assignment=co, heading="科技局意见", paragraphs=["科技局的做法。"],
                   state=Section.State.ACCEPTED)
    reply = services.reply_submit_for_review(reply=_ready(lead, actor), actor=actor)
    return reply.countersigns.get()


def build() -> R:
    s = build_scenario()
    Session.objects.filter(pk=s.session.pk).update(countersign_required=True)
    s.session.refresh_from_db()
    Unit.objects.filter(pk=s.lead_unit.pk).update(doc_prefix="连市监办复")
    lead, signer = s.users["lead"], s.users["signer"]
    draft = _ready(s.lead, lead)
    review = services.reply_submit_for_review(reply=_ready(_answering(s, 44501), lead),
                                              actor=lead)
    signed = services.reply_submit_for_review(reply=_ready(_answering(s, 44502), lead),
                                              actor=lead)
    signed = services.reply_sign_off(reply=signed, actor=signer)
    # The co unit that handled the proposal is on the letter's 抄送: it reads the signed
    # reply (never a draft: the lead's draft on s.proposal stays 404 to it).
    AssignmentFactory(proposal=signed.proposal, unit=s.co_unit, role=Assignment.Role.CO)
    _link, token = services.feedback_link_create(reply=signed)
    _ready_record_copy(signed)
    other = s.other_assignment
    Assignment.objects.filter(pk=other.pk).update(role=Assignment.Role.LEAD)
    other.refresh_from_db()
    other_draft = services.reply_create_draft(assignment=other, actor=s.users["other_handler"])
    return R(s, draft, review, signed, _answering(s, 44503), other_draft, token,
             _countersigned(s, lead), _sent_public(s, 44505),
             services.publication.publication_publish(
                 publication=_sent_public(s, 44506), actor=s.users["clerk"], mode="full"))


def _sent_public(s, number) -> Publication:
    lead, signer = s.users["lead"], s.users["signer"]
    reply = services.reply_submit_for_review(reply=_ready(_answering(s, number), lead),
                                             actor=lead)
    reply = services.reply_sign_off(reply=reply, actor=signer)
    reply = services.reply_mark_sent(reply=reply, actor=lead)
    return Publication.objects.get(reply=reply)


_KEY = []


def _ready_record_copy(reply):
    """A ready record copy without LibreOffice: the permission checks do not read it."""
    import hashlib

    from django.core.files.base import ContentFile

    from replies import pades
    from replies.models import RecordCopy
    from replies.services import certificates

    if not _KEY:
        _KEY.append(pades.new_key())
    with mock.patch("replies.pades.new_key", return_value=_KEY[0]):
        cert = certificates.certificate_for(reply.unit)
    data = b"%PDF-1.7\n%%EOF\n"
    copy = RecordCopy.objects.get(reply=reply)
    copy.file.save("matrix.pdf", ContentFile(data), save=False)
    copy.state, copy.sha256, copy.certificate = "ready", hashlib.sha256(data).hexdigest(), cert
    copy.save()


def u(name, *args):
    return reverse(f"replies:{name}", args=args)


def compose_data(r):
    reply = r.draft
    rows = list(reply.paragraphs.order_by("order"))
    data = {
        "title": reply.title, "addressee": reply.addressee, "category": "B",
        "disclosure": reply.disclosure, "contact_name": reply.contact_name,
        "contact_phone": reply.contact_phone, "cc": "、".join(reply.cc),
        "version": reply.version, "action": "save",
        "items-TOTAL_FORMS": len(rows), "items-INITIAL_FORMS": len(rows),
    }
    for i, p in enumerate(rows):
        data[f"items-{i}-kind"] = {"intro": "intro", "closing": "closing"}.get(p.part) or (
            f"h{p.level}" if p.kind == "heading" else "p")
        data[f"items-{i}-text"] = p.text
        data[f"items-{i}-source_unit"] = p.source_unit_id
        data[f"items-{i}-source_section"] = p.source_section_id or ""
    return data


NONE = lambda r: {}  # noqa: E731

# name, label, url, method, data,
#        anon clerk other_clerk lead  co  stranger signer
MATRIX = [
    ("review_queue", "queue", lambda r: u("review_queue"), "GET", NONE,
        (302, 403, 403, 403, 403, 403, 200)),
    ("start", "lead assignment without reply", lambda r: u("start", r.fresh.pk), "POST", NONE,
        (302, 403, 404, 302, 404, 404, 403)),
    ("start", "co assignment: co units write sections",
        lambda r: u("start", r.s.co.pk), "POST", NONE, (302, 403, 404, 404, 403, 404, 404)),
    ("start", "GET", lambda r: u("start", r.fresh.pk), "GET", NONE,
        (302, 405, 405, 405, 405, 405, 405)),
    ("detail", "draft", lambda r: u("detail", r.draft.pk), "GET", NONE,
        (302, 403, 404, 200, 404, 404, 200)),
    ("detail", "signed", lambda r: u("detail", r.signed.pk), "GET", NONE,
        (302, 200, 404, 200, 200, 404, 200)),
    ("detail", "guess: other committee's draft", lambda r: u("detail", r.other_draft.pk),
        "GET", NONE, (302, 404, 403, 404, 404, 404, 404)),
    ("compose", "draft", lambda r: u("compose", r.draft.pk), "GET", NONE,
        (302, 403, 404, 200, 404, 404, 403)),
    ("compose", "save", lambda r: u("compose", r.draft.pk), "POST", compose_data,
        (302, 403, 404, 302, 404, 404, 403)),
    ("compose", "guess: other committee's draft", lambda r: u("compose", r.other_draft.pk),
        "GET", NONE, (302, 404, 403, 404, 404, 404, 404)),
    ("preview", "draft", lambda r: u("preview", r.draft.pk), "GET", NONE,
        (302, 403, 404, 200, 404, 404, 200)),
    ("preview", "signed", lambda r: u("preview", r.signed.pk), "GET", NONE,
        (302, 200, 404, 200, 200, 404, 200)),
    ("draft_docx", "draft", lambda r: u("draft_docx", r.draft.pk), "GET", NONE,
        (302, 403, 404, 200, 404, 404, 200)),
    ("draft_docx", "guess: other committee's", lambda r: u("draft_docx", r.other_draft.pk),
        "GET", NONE, (302, 404, 403, 404, 404, 404, 404)),
    ("submit", "draft", lambda r: u("submit", r.draft.pk), "POST", NONE,
        (302, 403, 404, 302, 404, 404, 403)),
    ("correct", "signed", lambda r: u("correct", r.signed.pk), "POST", NONE,
        (302, 403, 404, 302, 403, 404, 403)),
    ("return", "in review", lambda r: u("return", r.review.pk), "POST",
        lambda r: {"comment": "请补充数据。"}, (302, 403, 404, 403, 404, 404, 302)),
    ("sign", "in review", lambda r: u("sign", r.review.pk), "POST", NONE,
        (302, 403, 404, 403, 404, 404, 302)),
    ("sign", "GET", lambda r: u("sign", r.review.pk), "GET", NONE,
        (302, 405, 405, 405, 405, 405, 405)),
    ("signed_docx", "signed", lambda r: u("signed_docx", r.signed.pk), "GET", NONE,
        (302, 200, 404, 200, 200, 404, 200)),
    ("signed_docx", "draft has no file", lambda r: u("signed_docx", r.draft.pk), "GET", NONE,
        (302, 403, 404, 404, 404, 404, 404)),
    # The record copy is the signed letter: readable by whoever may read the signed reply,
    # the co-handling units included.
    ("record_pdf", "signed", lambda r: u("record_pdf", r.signed.pk), "GET", NONE,
        (302, 200, 404, 200, 200, 404, 200)),
    ("record_pdf", "draft has none", lambda r: u("record_pdf", r.draft.pk), "GET", NONE,
        (302, 403, 404, 404, 404, 404, 404)),
    # The case dossier is for the committee's clerks.
    ("dossier_zip", "signed", lambda r: u("dossier_zip", r.signed.pk), "GET", NONE,
        (302, 200, 404, 403, 403, 404, 403)),
    ("dossier_zip", "draft", lambda r: u("dossier_zip", r.draft.pk), "GET", NONE,
        (302, 403, 404, 403, 404, 404, 403)),
    ("mark_sent", "signed", lambda r: u("mark_sent", r.signed.pk), "POST", NONE,
        (302, 403, 404, 302, 403, 404, 302)),
    ("feedback_link", "signed", lambda r: u("feedback_link", r.signed.pk), "POST", NONE,
        (302, 403, 404, 200, 403, 404, 200)),
    # 届次汇编: another committee's clerk is not told that the session exists; the
    # committee's units see it but do not compile it.
    ("session_compilation", "start", lambda r: u("session_compilation", r.s.session.pk),
        "POST", NONE, (302, 302, 404, 403, 403, 403, 403)),
    ("session_compilation", "GET", lambda r: u("session_compilation", r.s.session.pk),
        "GET", NONE, (302, 405, 405, 405, 405, 405, 405)),
    # 会签: only the asked co unit's people open and answer their request; nobody else is
    # told it exists. Every unit member has a 会签 list (empty when nothing is asked).
    ("countersign_list", "list", lambda r: u("countersign_list"), "GET", NONE,
        (302, 403, 403, 200, 200, 200, 200)),
    ("countersign_list", "POST", lambda r: u("countersign_list"), "POST", NONE,
        (302, 405, 405, 405, 405, 405, 405)),
    ("countersign", "pending", lambda r: u("countersign", r.countersign.pk), "GET", NONE,
        (302, 404, 404, 404, 200, 404, 404)),
    ("countersign", "POST", lambda r: u("countersign", r.countersign.pk), "POST", NONE,
        (302, 405, 405, 405, 405, 405, 405)),
    ("countersign_confirm", "pending", lambda r: u("countersign_confirm", r.countersign.pk),
        "POST", NONE, (302, 404, 404, 404, 302, 404, 404)),
    ("countersign_confirm", "GET", lambda r: u("countersign_confirm", r.countersign.pk),
        "GET", NONE, (302, 405, 405, 405, 405, 405, 405)),
    ("countersign_return", "pending", lambda r: u("countersign_return", r.countersign.pk),
        "POST", lambda r: {"reason": "第二段的数据请与我局核对。"},
        (302, 404, 404, 404, 302, 404, 404)),
    ("countersign_return", "GET", lambda r: u("countersign_return", r.countersign.pk),
        "GET", NONE, (302, 405, 405, 405, 405, 405, 405)),
    # 公开答复: the committee's clerks publish and withdraw; nobody else learns of them here.
    ("publication_list", "list", lambda r: u("publication_list"), "GET", NONE,
        (302, 200, 200, 403, 403, 403, 403)),
    ("publication_list", "POST", lambda r: u("publication_list"), "POST", NONE,
        (302, 405, 405, 405, 405, 405, 405)),
    ("publication", "pending", lambda r: u("publication", r.publication.pk), "GET", NONE,
        (302, 200, 404, 404, 404, 404, 404)),
    ("publication", "published", lambda r: u("publication", r.published.pk), "GET", NONE,
        (302, 200, 404, 404, 404, 404, 404)),
    ("publication", "publish", lambda r: u("publication", r.publication.pk), "POST",
        lambda r: {"mode": "full", "action": "publish", "marks": "已按建议办理"},
        (302, 302, 404, 404, 404, 404, 404)),
    ("publication_withdraw", "published", lambda r: u("publication_withdraw", r.published.pk),
        "POST", lambda r: {"reason": "含有未删除的个人信息。"},
        (302, 302, 404, 404, 404, 404, 404)),
    ("publication_withdraw", "GET", lambda r: u("publication_withdraw", r.published.pk),
        "GET", NONE, (302, 405, 405, 405, 405, 405, 405)),
    # The proposer's pages need no account: the token is the key.
    ("feedback", "page", lambda r: reverse("feedback", args=[r.token]), "GET", NONE,
        (200, 200, 200, 200, 200, 200, 200)),
    ("feedback", "answer", lambda r: reverse("feedback", args=[r.token]), "POST",
        lambda r: {"process_satisfaction": "satisfied", "result_satisfaction": "satisfied"},
        (302, 302, 302, 302, 302, 302, 302)),
    ("feedback", "guessed token", lambda r: reverse("feedback", args=["guess" * 8]), "GET",
        NONE, (404, 404, 404, 404, 404, 404, 404)),
    ("feedback_letter", "letter", lambda r: reverse("feedback_letter", args=[r.token]), "GET",
        NONE, (200, 200, 200, 200, 200, 200, 200)),
]

CASES = [
    pytest.param(url, method, data, role, expected[i], id=f"{name}[{label}]-{method}-{role}")
    for name, label, url, method, data, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.fixture(scope="module")
def r(module_db):
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False), \
            mock.patch("replies.views._render.docx_to_pdf",
                       side_effect=PreviewUnavailable("测试中不转换")):
        yield build()


def _state() -> tuple:
    return (
        list(Reply.objects.order_by("pk").values_list("state", "version")),
        ReplyParagraph.objects.count(),
        Feedback.objects.count(),
        FeedbackLink.objects.count(),
        list(DocumentCounter.objects.values_list("last_seq", flat=True)),
        Job.objects.count(),  # 届次汇编
        list(Countersign.objects.order_by("pk").values_list("state", "reason")),
        list(Publication.objects.order_by("pk").values_list("state", "withdraw_reason",
                                                            "marks")),
    )


@pytest.mark.parametrize(("url", "method", "data", "role", "expected"), CASES)
def test_it_answers_each_role_as_the_matrix_says(client, r, url, method, data, role, expected):
    if role != "anon":
        client.force_login(r.s.users[role])
    before = _state()
    path = url(r)
    response = client.get(path) if method == "GET" else client.post(path, data(r))
    assert response.status_code == expected, response.content.decode()[:1500]
    if role == "anon" and expected == 302 and not path.startswith("/f/"):
        assert response["Location"].startswith(reverse("login"))
    if method == "POST" and expected >= 400:
        assert _state() == before  # a refused request changes nothing
    if method == "POST" and expected in (200, 302) and (role != "anon" or path.startswith("/f/")):
        assert _state() != before


def test_it_covers_every_url_of_the_app():
    resolver = get_resolver()
    included = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "replies"]
    names = {pattern.name for inc in included for pattern in inc.url_patterns}
    names |= {"feedback", "feedback_letter"}
    assert names == {row[0] for row in MATRIX}


POST_ROWS = [
    pytest.param(url, data, role, id=f"{name}[{label}]-{role}")
    for name, label, url, method, data, expected in MATRIX
    for role, code in zip(ROLES, expected, strict=True)
    if method == "POST" and code in (200, 302) and role in ("lead", "signer", "anon")
    and (role != "anon" or name == "feedback")
]


@pytest.mark.parametrize(("url", "data", "role"), POST_ROWS)
def test_it_refuses_a_post_without_csrf_token(r, url, data, role):
    client = Client(enforce_csrf_checks=True)
    if role != "anon":
        client.force_login(r.s.users[role])
    before = _state()
    response = client.post(url(r), data(r))
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize(("role", "url"), [
    ("lead", lambda r: u("compose", r.draft.pk)),
    ("lead", lambda r: u("detail", r.signed.pk)),
    ("signer", lambda r: u("detail", r.review.pk)),
    ("co", lambda r: u("countersign", r.countersign.pk)),
    ("lead", lambda r: reverse("proposals:assignment_detail", args=[r.fresh.pk])),
    ("anon", lambda r: reverse("feedback", args=[r.token])),
])
def test_it_puts_a_csrf_token_in_every_post_form(client, r, role, url):
    if role != "anon":
        client.force_login(r.s.users[role])
    html = client.get(url(r)).content.decode()
    post_forms = html.count('method="post"')
    assert post_forms >= 1
    assert html.count('name="csrfmiddlewaretoken"') == post_forms
