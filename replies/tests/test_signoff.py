import datetime as dt
import hashlib
import threading
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from proposals.models import Membership
from proposals.tests.factories import MembershipFactory, UnitFactory, UserFactory
from replies import services
from replies.models import DocumentCounter, Reply, ReplyParagraph
from replies.services import DraftingCheckError, TransitionError

from .ooxml_validate import assert_valid_docx
from .reply_fixtures import SIGN_DATE, make_case, ready_reply, second_proposal_case

pytestmark = pytest.mark.django_db


def _sign(case, reply, on=SIGN_DATE):
    return services.reply_sign_off(reply=reply, actor=case.signer, signed_on=on)


def test_it_numbers_signs_and_freezes_the_letter():
    case = make_case()
    reply = _sign(case, ready_reply(case))
    reply.refresh_from_db()
    assert reply.state == Reply.State.SIGNED
    assert (reply.doc_year, reply.doc_seq) == (2025, 1)
    assert reply.doc_number == "连市监办复〔2025〕1号"
    assert reply.signer == case.signer and reply.signer_name == "马盈"
    assert reply.signed_on == SIGN_DATE
    with reply.signed_file.open("rb") as fh:
        data = fh.read()
    assert hashlib.sha256(data).hexdigest() == reply.sha256
    assert reply.signed_file.name.startswith("replies/2025/")
    assert data[:2] == b"PK"
    assert_valid_docx(data)
    assert reply.signed_spec["doc_number"] == {"year": 2025, "seq": 1}
    assert DocumentCounter.objects.get(unit=case.unit, year=2025).last_seq == 1


def test_it_numbers_consecutively_per_unit_and_year():
    case = make_case()
    numbers = []
    for n in range(3):
        other = second_proposal_case(case, 50000 + n)
        numbers.append(_sign(other, ready_reply(other)).doc_seq)
    assert numbers == [1, 2, 3]
    # Another unit starts at 1; so does the same unit in the next year.
    case_b = make_case(unit=UnitFactory(committee=case.proposal.session.committee))
    assert _sign(case_b, ready_reply(case_b)).doc_seq == 1
    next_year = second_proposal_case(case, 60000)
    assert _sign(next_year, ready_reply(next_year), on=dt.date(2026, 1, 5)).doc_seq == 1
    again = second_proposal_case(case, 60001)
    assert _sign(again, ready_reply(again)).doc_seq == 4


def test_it_gives_the_number_back_when_rendering_fails():
    case = make_case()
    reply = ready_reply(case)
    with mock.patch(
        "replies.letter.render_letter", side_effect=RuntimeError("boom")
    ), pytest.raises(RuntimeError):
        _sign(case, reply)
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW
    assert reply.doc_seq is None and reply.sha256 == "" and not reply.signed_file
    counter = DocumentCounter.objects.filter(unit=case.unit, year=2025).first()
    assert counter is None or counter.last_seq == 0
    # The next sign-off gets number 1: nothing consumed, no gap.
    assert _sign(case, reply).doc_seq == 1


def test_it_leaves_no_file_behind_when_signing_fails(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = make_case()
    reply = ready_reply(case)
    with mock.patch(
        "replies.services.signoff.DocumentCounter.save", side_effect=RuntimeError("db down")
    ), pytest.raises(RuntimeError):
        _sign(case, reply)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    reply.refresh_from_db()
    assert reply.doc_seq is None


def test_it_blocks_sign_off_on_drafting_errors():
    case = make_case()
    reply = ready_reply(case)
    # The phone is checked again at sign-off: an invalid one is an error.
    Reply.objects.filter(pk=reply.pk).update(contact_phone="12345")
    with pytest.raises(DraftingCheckError) as exc:
        _sign(case, reply)
    assert any(f.rule_id == "contact-phone-invalid" for f in exc.value.findings)
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW and reply.doc_seq is None
    assert not DocumentCounter.objects.filter(unit=case.unit, last_seq__gt=0).exists()


def test_it_refuses_to_sign_a_letter_holding_an_emoji():
    # In a trial an emoji reached a signed letter; it prints as a box, or not at all.
    case = make_case()
    reply = ready_reply(case)
    row = reply.paragraphs.filter(part="body", kind="paragraph").order_by("order").first()
    ReplyParagraph.objects.filter(pk=row.pk).update(text="指标快速增长👍。")
    with pytest.raises(DraftingCheckError) as exc:
        _sign(case, reply)
    (finding,) = [f for f in exc.value.findings if f.rule_id == "char.unprintable"]
    assert finding.severity == "error" and "“👍”（U+1F44D" in finding.message
    assert "第一部分第1段：" in " ".join(exc.value.messages)  # the place in words
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW and reply.doc_seq is None
    assert not DocumentCounter.objects.filter(unit=case.unit, last_seq__gt=0).exists()


def test_it_blocks_sign_off_on_a_repeated_sentence():
    case = make_case()
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    sentence = "我局将继续推进知识产权强市试点城市建设工作。"
    reply = services.reply_update(
        reply=reply, expected_version=reply.version, category="B",
        contact_name="朱昌伟", contact_phone="18905131999",
        paragraphs=[
            {"text": "您的提案收悉，现答复如下：", "part": "intro"},
            {"text": "工作情况", "kind": "heading", "level": 1},
            {"text": sentence + sentence},
        ],
    )
    with pytest.raises(DraftingCheckError) as exc:
        services.reply_submit_for_review(reply=reply)
    assert any(f.rule_id == "repeated-sentence" for f in exc.value.findings)
    reply.refresh_from_db()
    assert reply.state == Reply.State.DRAFT


def test_it_signs_only_replies_in_review():
    case = make_case()
    draft = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    with pytest.raises(TransitionError):
        _sign(case, draft)
    assert not DocumentCounter.objects.exists()


def test_it_lets_only_the_units_signer_sign():
    case = make_case()
    reply = ready_reply(case)
    with pytest.raises(PermissionDenied):
        services.reply_sign_off(reply=reply, actor=case.handler, signed_on=SIGN_DATE)
    outsider = UserFactory()
    MembershipFactory(
        user=outsider, unit=UnitFactory(committee=case.unit.committee),
        role=Membership.Role.SIGNER,
    )
    with pytest.raises(PermissionDenied):
        services.reply_sign_off(reply=reply, actor=outsider, signed_on=SIGN_DATE)
    reply.refresh_from_db()
    assert reply.doc_seq is None


def test_it_does_not_sign_a_reply_twice():
    case = make_case()
    reply = _sign(case, ready_reply(case))
    with pytest.raises(TransitionError):
        _sign(case, reply)
    assert DocumentCounter.objects.get(unit=case.unit).last_seq == 1


def test_it_marks_sent_and_answers_the_proposal():
    case = make_case()
    reply = _sign(case, ready_reply(case))
    reply = services.reply_mark_sent(reply=reply, actor=case.handler)
    reply.refresh_from_db()
    case.lead.refresh_from_db()
    case.proposal.refresh_from_db()
    assert reply.state == Reply.State.SENT and reply.sent_at is not None
    assert case.lead.state == case.lead.State.COMPLETED
    assert case.proposal.status == case.proposal.Status.ANSWERED


# --- PostgreSQL: concurrent sign-offs -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("record_copies_left_pending")
def test_it_numbers_concurrent_sign_offs_without_gaps_or_duplicates(require_postgres):
    threads_n = 24
    case = make_case()
    replies = [ready_reply(case)]
    for n in range(threads_n - 1):
        other = second_proposal_case(case, 70000 + n)
        replies.append(ready_reply(other))
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(reply):
        try:
            barrier.wait(timeout=30)
            services.reply_sign_off(reply=reply, actor=case.signer, signed_on=SIGN_DATE)
        except BaseException as exc:  # collected and reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(r,)) for r in replies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    seqs = sorted(
        Reply.objects.filter(unit=case.unit, doc_year=2025).values_list("doc_seq", flat=True)
    )
    assert seqs == list(range(1, threads_n + 1))
    assert DocumentCounter.objects.get(unit=case.unit, year=2025).last_seq == threads_n
    assert Reply.objects.filter(state=Reply.State.SIGNED).count() == threads_n
    assert connection.vendor == "postgresql"


def test_it_can_put_a_feedback_link_on_the_letter():
    import io
    import zipfile

    from replies.models import FeedbackLink
    from replies.services import feedback_link_get

    case = make_case()
    tokens = []

    def url_for(token):
        tokens.append(token)
        return f"https://tian.example.org/feedback/{token}"

    reply = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE, feedback_url_for=url_for
    )
    assert len(tokens) == 1
    link = FeedbackLink.objects.get(reply=reply)
    assert feedback_link_get(token=tokens[0]) == link
    assert "feedback_url" not in reply.signed_spec
    assert tokens[0] not in reply.signature_payload
    with reply.signed_file.open("rb") as fh:
        data = fh.read()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())  # the QR code
    assert_valid_docx(data)


def test_it_signs_a_sealed_letter_with_a_qr_code_that_word_reads_without_repair(settings,
                                                                                 tmp_path):
    import io
    import zipfile

    from django.core.files.base import ContentFile

    from replies.models import UnitLetterSettings

    from .letter_samples import tiny_png

    settings.MEDIA_ROOT = str(tmp_path)
    case = make_case()
    letter_settings = UnitLetterSettings(unit=case.unit)
    letter_settings.seal.save("seal.png", ContentFile(tiny_png(60, 60)), save=True)
    reply = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE,
        feedback_url_for=lambda token: f"https://tian.example.org/feedback/{token}",
    )
    with reply.signed_file.open("rb") as fh:
        data = fh.read()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 2  # the seal and the QR code
    report = assert_valid_docx(data)
    assert ("word/document.xml", "Word 2007") in report.checked
