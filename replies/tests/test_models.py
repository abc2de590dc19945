import pytest
from django.db import IntegrityError, transaction

from proposals.tests.factories import UnitFactory
from replies import services
from replies.models import (
    Feedback,
    FrozenReplyError,
    Reply,
    ReplyParagraph,
    UnitSigningKey,
    format_doc_number,
)
from replies.signing import unit_signing_key_create

from .reply_fixtures import SIGN_DATE, make_case, ready_reply

pytestmark = pytest.mark.django_db


def _signed(case):
    return services.reply_sign_off(reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE)


def test_it_formats_the_document_number():
    assert format_doc_number("连市监办复", 2025, 86) == "连市监办复〔2025〕86号"
    assert format_doc_number("苏(政)复", 2025, 7) == "苏（政）复〔2025〕7号"


def test_it_refuses_to_change_a_signed_reply():
    reply = _signed(make_case())
    reply.title = "改过的标题"
    with pytest.raises(FrozenReplyError):
        reply.save()
    reply.refresh_from_db()
    assert reply.title != "改过的标题"


def test_it_refuses_to_change_the_number_or_file_of_a_signed_reply():
    reply = _signed(make_case())
    for field, value in [("doc_seq", 99), ("sha256", "0" * 64), ("signature", b"x" * 64)]:
        fresh = Reply.objects.get(pk=reply.pk)
        setattr(fresh, field, value)
        with pytest.raises(FrozenReplyError):
            fresh.save()


def test_it_refuses_to_move_a_signed_reply_back_to_draft():
    reply = _signed(make_case())
    reply.state = Reply.State.DRAFT
    with pytest.raises(FrozenReplyError):
        reply.save()


def test_it_allows_only_the_move_to_sent():
    reply = _signed(make_case())
    services.reply_mark_sent(reply=reply)
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.SENT


def test_it_refuses_to_change_or_delete_paragraphs_of_a_signed_reply():
    reply = _signed(make_case())
    paragraph = reply.paragraphs.first()
    paragraph.text = "偷偷改掉"
    with pytest.raises(FrozenReplyError):
        paragraph.save()
    with pytest.raises(FrozenReplyError):
        paragraph.delete()
    with pytest.raises(FrozenReplyError):
        ReplyParagraph(
            reply=reply, order=999, text="新增", source_unit=reply.unit
        ).save()
    with pytest.raises(FrozenReplyError):
        reply.delete()


def test_the_database_refuses_a_signed_reply_without_signature():
    case = make_case()
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.filter(pk=reply.pk).update(state=Reply.State.SIGNED)


def test_the_database_refuses_a_duplicate_number():
    case = make_case()
    first = _signed(case)
    from .reply_fixtures import second_proposal_case

    other = second_proposal_case(case, 45000)
    second = services.reply_sign_off(
        reply=ready_reply(other), actor=case.signer, signed_on=SIGN_DATE
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.filter(pk=second.pk).update(doc_seq=first.doc_seq)


def test_the_database_allows_one_open_reply_per_assignment():
    case = make_case()
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.create(
            proposal=reply.proposal, assignment=reply.assignment, unit=reply.unit,
            title="重复", addressee="某委员",
        )


def test_the_database_allows_one_active_key_per_unit():
    unit = UnitFactory()
    key = unit_signing_key_create(unit=unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitSigningKey.objects.create(
            unit=unit, public_key=b"x" * 32, encrypted_private_key=b"y", fingerprint="f" * 64,
        )
    new = unit_signing_key_create(unit=unit)
    key.refresh_from_db()
    assert not key.active and key.retired_at is not None and new.active


def test_the_database_allows_one_feedback_per_reply():
    reply = _signed(make_case())
    Feedback.objects.create(reply=reply, satisfaction=Feedback.Satisfaction.SATISFIED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(reply=reply, satisfaction=Feedback.Satisfaction.UNSATISFIED)


def test_it_validates_the_answer_class_against_the_session():
    case = make_case()
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    reply.category = "D"
    with pytest.raises(Exception) as exc:
        reply.full_clean()
    assert "category" in exc.value.message_dict
    session = case.proposal.session
    session.answer_classes = ["A", "B", "C", "D"]
    session.save()
    reply.proposal.session.refresh_from_db()
    reply.full_clean()


def test_it_keeps_history_of_replies():
    case = make_case()
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    services.reply_update(reply=reply, expected_version=1, title="新标题", actor=case.handler)
    assert reply.history.count() == 2
    assert reply.history.first().history_user == case.handler


# --- admin ---------------------------------------------------------------------------------


def test_admin_shows_a_signed_reply_read_only(client):
    from django.urls import reverse

    from proposals.tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    reply = _signed(make_case())
    changelist = client.get(reverse("admin:replies_reply_changelist"), {"q": "1"})
    assert changelist.status_code == 200
    assert "连市监办复〔2025〕1号" in changelist.content.decode()
    for state in ("signed", "draft"):
        assert client.get(
            reverse("admin:replies_reply_changelist"), {"state__exact": state}
        ).status_code == 200
    url = reverse("admin:replies_reply_change", args=[reply.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # read-only: no input for the title
    client.post(url, {"title": "被改了"})
    reply.refresh_from_db()
    assert reply.title != "被改了"
    assert client.get(reverse("admin:replies_reply_delete", args=[reply.pk])).status_code == 403
    for name in ("documentcounter", "unitsigningkey", "feedback", "feedbacklink",
                 "unitlettersettings"):
        assert client.get(reverse(f"admin:replies_{name}_changelist")).status_code == 200


def test_it_keeps_a_signed_reply_in_force_until_its_correction_is_signed():
    case = make_case()
    original = _signed(case)
    assert list(Reply.objects.in_force()) == [original]

    correction = services.reply_correct(reply=original, actor=case.handler)
    assert list(Reply.objects.in_force()) == [original]  # a draft replaces nothing
    correction = services.reply_submit_for_review(reply=correction, actor=case.handler)
    assert list(Reply.objects.in_force()) == [original]  # nor one in review
    assert set(Reply.objects.open()) == {correction}

    correction = services.reply_sign_off(reply=correction, actor=case.signer,
                                         signed_on=SIGN_DATE)
    assert list(Reply.objects.in_force()) == [correction]
    services.reply_mark_sent(reply=correction, actor=case.handler)
    assert list(Reply.objects.in_force()) == [correction]
