import datetime as dt
import hashlib
import math
import re
import unicodedata

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from proposals.models import Assignment, Proposal, Section
from proposals.tests.factories import AssignmentFactory, UnitFactory
from replies import services
from replies.models import Feedback, FeedbackLink, Reply, ReplyParagraph, UnitLetterSettings
from replies.services import ConflictError, TransitionError
from replies.services.feedback import TOKEN_ALPHABET

from .reply_fixtures import SIGN_DATE, make_case, ready_reply

pytestmark = pytest.mark.django_db


def _draft(case):
    return services.reply_create_draft(assignment=case.lead, actor=case.handler)


def test_it_prefills_a_draft_from_the_proposal():
    case = make_case()
    reply = _draft(case)
    assert reply.state == Reply.State.DRAFT
    assert reply.title == "对市政协十四届四次会议第44137号提案的答复"
    assert reply.addressee == f"{case.proposal.lead_proposer.name}委员"
    assert reply.unit == case.unit and reply.assignment == case.lead
    assert reply.cc == ["市政协提案委员会", "市政府办公室"]
    rows = list(reply.paragraphs.order_by("order"))
    assert rows[0].part == ReplyParagraph.Part.INTRO
    assert rows[0].text == "您提出的《关于加快知识产权强市建设的提案》收悉，现答复如下："
    body = [(r.kind, r.text, r.source_unit_id) for r in rows if r.part == "body"]
    assert body == [
        ("heading", "知识产权强市建设工作情况", case.unit.pk),
        ("paragraph", "一是指标快速增长。二是成果突出。", case.unit.pk),
        ("paragraph", "全市有效发明专利突破一万件。", case.unit.pk),
        ("heading", "科技创新支撑情况", case.co.unit_id),
        ("paragraph", "一是培育科技型中小企业。二是推动专利转化。", case.co.unit_id),
    ]
    co_rows = [r for r in rows if r.source_unit_id == case.co.unit_id]
    assert {r.source_section_id for r in co_rows} == {case.co_section.pk}
    assert "不应出现。" not in [r.text for r in rows]


def test_it_uses_the_committee_short_name_and_unit_defaults():
    case = make_case()
    committee = case.proposal.session.committee
    committee.short_name = "省政协"
    committee.save()
    UnitLetterSettings.objects.create(
        unit=case.unit, cc=["省政协提案委员会"], contact_name="李四", contact_phone="0518-85812345"
    )
    reply = _draft(case)
    assert reply.title.startswith("对省政协十四届四次会议")
    assert reply.cc == ["省政协提案委员会"]
    assert (reply.contact_name, reply.contact_phone) == ("李四", "0518-85812345")


def test_it_does_not_draft_for_a_co_handling_unit():
    case = make_case()
    with pytest.raises(ValidationError):
        services.reply_create_draft(assignment=case.co, actor=case.handler)


def test_it_does_not_draft_twice_for_an_assignment():
    case = make_case()
    _draft(case)
    with pytest.raises(ValidationError):
        _draft(case)
    assert Reply.objects.count() == 1


def test_a_split_reply_leaves_out_the_other_split_units_sections():
    case = make_case()
    Assignment.objects.filter(pk=case.lead.pk).update(role=Assignment.Role.SPLIT)
    other = AssignmentFactory(
        proposal=case.proposal, role=Assignment.Role.SPLIT,
        unit=UnitFactory(committee=case.unit.committee),
    )
    Section.objects.create(
        assignment=other, heading="另一分办单位", paragraphs=["不属于本答复。"],
        state=Section.State.ACCEPTED,
    )
    case.lead.refresh_from_db()
    reply = _draft(case)
    texts = list(reply.paragraphs.values_list("text", flat=True))
    assert "不属于本答复。" not in texts and "科技创新支撑情况" in texts


def test_it_rejects_a_stale_version():
    case = make_case()
    reply = _draft(case)
    services.reply_update(reply=reply, expected_version=1, category="A")
    with pytest.raises(ConflictError):
        services.reply_update(reply=reply, expected_version=1, category="B")
    reply.refresh_from_db()
    assert reply.category == "A" and reply.version == 2


def test_it_replaces_paragraphs_keeping_their_units():
    case = make_case()
    reply = _draft(case)
    services.reply_update(
        reply=reply, expected_version=1,
        paragraphs=[
            {"text": "开头。", "part": "intro"},
            {"text": "协办单位意见", "kind": "heading", "level": 1,
             "source_section_id": case.co_section.pk},
            {"text": "改写后的协办内容。", "source_section_id": case.co_section.pk},
            {"text": "我局补充。"},
        ],
    )
    rows = list(reply.paragraphs.order_by("order"))
    assert [r.source_unit_id for r in rows] == [
        case.unit.pk, case.co.unit_id, case.co.unit_id, case.unit.pk,
    ]
    # The co-unit never wrote these words: the lead's edits keep the section's text beside.
    assert [r.original_text for r in rows] == [
        "", "科技创新支撑情况", "一是培育科技型中小企业。二是推动专利转化。", "",
    ]


def _body(*rows):
    return [{"text": "开头。", "part": "intro"},
            {"text": "我局办理情况", "kind": "heading", "level": 1}, *rows]


def test_a_co_units_accepted_words_keep_its_name_unedited():
    case = make_case()
    reply = _draft(case)
    services.reply_update(reply=reply, expected_version=1, paragraphs=_body(
        {"text": "一是培育科技型中小企业。二是推动专利转化。",
         "source_section_id": case.co_section.pk},
    ))
    row = reply.paragraphs.get(source_section=case.co_section)
    assert row.source_unit_id == case.co.unit_id and not row.edited_by_lead


@pytest.mark.parametrize("forgery", ["no source", "not accepted", "other unit's section"])
def test_it_refuses_text_credited_to_a_unit_that_did_not_write_it(forgery):
    """The lead posted rows naming any unit of the proposal with any text: the signer saw
    市科技局 as the author of words it never wrote."""
    case = make_case()
    reply = _draft(case)
    co_unit = case.co.unit_id
    row = {"text": "科技局从未写过的话。", "source_unit_id": co_unit}
    if forgery == "not accepted":
        returned = Section.objects.get(assignment=case.co, state=Section.State.RETURNED)
        row = {"text": "不应出现。", "source_unit_id": co_unit, "source_section_id": returned.pk}
    elif forgery == "other unit's section":
        third = AssignmentFactory(proposal=case.proposal, role=Assignment.Role.CO,
                                  state=Assignment.State.IN_PROGRESS)
        row = {"text": "一是培育科技型中小企业。二是推动专利转化。",
               "source_unit_id": third.unit_id, "source_section_id": case.co_section.pk}
    with pytest.raises(ValidationError) as exc:
        services.reply_update(reply=reply, expected_version=1, paragraphs=_body(row))
    assert "第3项" in " ".join(exc.value.message_dict["paragraphs"])
    reply.refresh_from_db()
    assert reply.version == 1
    assert not reply.paragraphs.filter(text="科技局从未写过的话。").exists()


def test_a_quoted_paragraph_may_name_only_its_own_author_unit():
    case = make_case()
    earlier = services.reply_sign_off(reply=ready_reply(case), actor=case.signer,
                                      signed_on=SIGN_DATE)
    quoted = earlier.paragraphs.filter(source_unit=case.co.unit).exclude(kind="heading").first()
    later = services.reply_correct(reply=earlier, actor=case.handler)
    ok = {"text": quoted.text, "source_unit_id": quoted.source_unit_id,
          "source_paragraph_id": quoted.pk}
    services.reply_update(reply=later, expected_version=later.version, paragraphs=_body(ok))
    forged = {"text": quoted.text, "source_unit_id": AssignmentFactory(
        proposal=case.proposal, role=Assignment.Role.CO, state=Assignment.State.IN_PROGRESS
    ).unit_id, "source_paragraph_id": quoted.pk}
    later.refresh_from_db()
    with pytest.raises(ValidationError):
        services.reply_update(reply=later, expected_version=later.version,
                              paragraphs=_body(forged))


@pytest.mark.parametrize(
    ("rows", "needle"),
    [
        ([{"text": "没有标题的正文。"}], "一级标题"),
        ([{"text": "一", "kind": "heading", "level": 1},
          {"text": "三级", "kind": "heading", "level": 3}], "跳级"),
        ([{"text": "标题", "kind": "heading", "level": 5}], "1至4"),
        ([{"text": "   "}], "不能为空"),
        ([{"text": "结尾。", "part": "closing"}, {"text": "开头。", "part": "intro"}], "顺序"),
    ],
)
def test_it_rejects_bad_paragraphs_naming_the_row(rows, needle):
    case = make_case()
    reply = _draft(case)
    with pytest.raises(ValidationError) as exc:
        services.reply_update(reply=reply, expected_version=1, paragraphs=rows)
    assert needle in " ".join(exc.value.message_dict["paragraphs"])
    reply.refresh_from_db()
    assert reply.version == 1 and reply.paragraphs.count() > 1


def test_it_rejects_a_unit_from_outside_the_proposal():
    case = make_case()
    reply = _draft(case)
    stranger = UnitFactory(committee=case.unit.committee)
    with pytest.raises(ValidationError):
        services.reply_update(
            reply=reply, expected_version=1,
            paragraphs=[{"text": "标题", "kind": "heading", "level": 1,
                         "source_unit_id": stranger.pk}],
        )


def test_it_rejects_an_answer_class_outside_the_session():
    case = make_case()
    reply = _draft(case)
    with pytest.raises(ValidationError) as exc:
        services.reply_update(reply=reply, expected_version=1, category="D")
    assert "category" in exc.value.message_dict


def test_it_submits_returns_and_locks_edits_in_review():
    case = make_case()
    reply = ready_reply(case)
    assert reply.state == Reply.State.IN_REVIEW
    with pytest.raises(ValidationError):
        services.reply_update(reply=reply, expected_version=reply.version, title="x")
    with pytest.raises(ValidationError):
        services.reply_return(reply=reply, comment="  ")
    reply = services.reply_return(reply=reply, comment="请补充数据来源。", actor=case.signer)
    assert reply.state == Reply.State.DRAFT and reply.review_comment == "请补充数据来源。"


def test_submit_is_blocked_without_answer_class_or_phone():
    case = make_case()
    reply = _draft(case)
    with pytest.raises(services.DraftingCheckError) as exc:
        services.reply_submit_for_review(reply=reply)
    rules = {f.rule_id for f in exc.value.findings}
    assert {"category", "contact-phone-missing"} <= rules
    reply.refresh_from_db()
    assert reply.state == Reply.State.DRAFT


def test_a_correction_supersedes_a_signed_reply():
    case = make_case()
    signed = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE
    )
    with pytest.raises(ValidationError):
        _draft(case)  # a second reply must be a correction
    correction = services.reply_correct(reply=signed, actor=case.handler)
    assert correction.state == Reply.State.DRAFT and correction.supersedes == signed
    assert correction.doc_seq is None
    assert list(correction.paragraphs.values_list("text", "source_unit_id")) == list(
        signed.paragraphs.values_list("text", "source_unit_id")
    )
    with pytest.raises(ValidationError):
        services.reply_correct(reply=signed)
    services.reply_update(reply=correction, expected_version=1, **{
        "category": "A", "contact_name": "朱昌伟", "contact_phone": "18905131999"})
    services.reply_submit_for_review(reply=correction)
    corrected = services.reply_sign_off(
        reply=correction, actor=case.signer, signed_on=dt.date(2025, 6, 25)
    )
    signed.refresh_from_db()
    assert corrected.doc_seq == 2 and signed.superseded_by == corrected
    assert signed.state == Reply.State.SIGNED  # the original is untouched


def test_a_draft_cannot_be_corrected():
    case = make_case()
    with pytest.raises(ValidationError):
        services.reply_correct(reply=_draft(case))


def test_it_does_not_send_an_unsigned_reply():
    case = make_case()
    with pytest.raises(TransitionError):
        services.reply_mark_sent(reply=ready_reply(case))


# --- feedback --------------------------------------------------------------------------


def _sent(case):
    reply = services.reply_sign_off(reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE)
    return services.reply_mark_sent(reply=reply)


def test_it_stores_only_the_hash_of_the_feedback_token():
    reply = _sent(make_case())
    link, token = services.feedback_link_create(reply=reply)
    random_chars = token.replace("-", "")
    assert len(random_chars) * math.log2(len(set(TOKEN_ALPHABET))) >= 128  # unguessable
    assert token not in link.token_hash
    assert not FeedbackLink.objects.filter(token_hash=token).exists()
    assert services.feedback_link_get(token=token) == link
    assert services.feedback_link_get(token=token + "x") is None


def test_it_makes_feedback_tokens_that_can_be_copied_from_paper():
    reply = _sent(make_case())
    for _ in range(20):
        _link, token = services.feedback_link_create(reply=reply)
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){6}", token), token
        assert not set(token) & set("01OoIlL")


def test_it_reads_a_token_typed_in_any_case_with_spaces_or_without_hyphens():
    reply = _sent(make_case())
    link, token = services.feedback_link_create(reply=reply)
    typed = [
        token.lower(),
        token.replace("-", ""),
        token.replace("-", " "),
        f"  {token.lower().replace('-', ' - ')} ",
        token.replace("-", "－"),  # a Chinese keyboard's full-width hyphen
        unicodedata.normalize("NFKC", token).translate(  # full-width letters and digits
            {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
        ),
    ]
    for variant in typed:
        assert services.feedback_link_get(token=variant) == link, variant
    assert services.feedback_link_get(token=token[:-1]) is None


def test_it_still_accepts_a_token_issued_in_the_old_form():
    """Links made before were secrets.token_urlsafe: mixed case, - and _, taken as is."""
    reply = _sent(make_case())
    old = "aB3-_xY9lI1O0oQ" + "z" * 28
    link = FeedbackLink.objects.create(
        reply=reply, token_hash=hashlib.sha256(old.encode()).hexdigest(),
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    assert services.feedback_link_get(token=old) == link
    assert services.feedback_link_get(token=old.upper()) is None  # case counted then


def test_feedback_moves_the_proposal_and_is_taken_once():
    case = make_case()
    reply = _sent(case)
    _link, token = services.feedback_link_create(reply=reply)
    feedback = services.feedback_submit(token=token, satisfaction="satisfied", comment="很好")
    assert feedback.reply == reply
    case.proposal.refresh_from_db()
    assert case.proposal.status == Proposal.Status.FEEDBACK
    with pytest.raises(ValidationError):
        services.feedback_submit(token=token, satisfaction="unsatisfied")
    assert Feedback.objects.count() == 1


def test_unsatisfied_feedback_sends_the_proposal_back():
    case = make_case()
    _link, token = services.feedback_link_create(reply=_sent(case))
    services.feedback_submit(token=token, satisfaction="unsatisfied", comment="未解决")
    case.proposal.refresh_from_db()
    assert case.proposal.status == Proposal.Status.IN_PROGRESS


def test_an_expired_link_is_refused():
    reply = _sent(make_case())
    with time_machine.travel(dt.datetime(2025, 7, 1, tzinfo=dt.UTC), tick=False):
        _link, token = services.feedback_link_create(reply=reply, valid_days=10)
    with time_machine.travel(dt.datetime(2025, 7, 20, tzinfo=dt.UTC), tick=False), \
            pytest.raises(ValidationError):
        services.feedback_submit(token=token, satisfaction="satisfied")
    with pytest.raises(ValidationError):
        services.feedback_submit(token="nonsense", satisfaction="satisfied")


def test_it_tells_the_unit_when_a_reply_awaits_sign_off_and_when_it_comes_back():
    from proposals.models import Notice

    case = make_case()
    reply = ready_reply(case)
    submitted = Notice.objects.get(unit=case.unit, kind=Notice.Kind.REPLY_SUBMITTED)
    assert case.proposal.title in submitted.message
    services.reply_return(reply=reply, comment="请补充2025年数据 100%完成", actor=case.signer)
    returned = Notice.objects.get(unit=case.unit, kind=Notice.Kind.REPLY_RETURNED)
    assert returned.message.endswith("请补充2025年数据 100%完成")
    assert not Notice.objects.filter(unit=case.co.unit).exists()
