"""The demo: the real 44137 case, dates relative to the day it is loaded, and for every
demo account each state its role acts on, with the page where the action lives.

Most tests share one load (a module fixture, rolled back at the end): load_demo takes
seconds, and the tests only read what it made.
"""

import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from proposals import access, selectors
from proposals.dates import WorkingCalendar
from proposals.models import (
    Assignment,
    ExtensionRequest,
    Notice,
    Proposal,
    ReassignmentRequest,
    Section,
)
from proposals.notices import unread_notice_count

LETTER = Path(__file__).resolve().parents[2] / "fixtures" / "reply-44137.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday; the other days below are right after a long holiday and at a year's end.
TODAY = dt.date(2026, 11, 30)
CLERKS = ["admin", "tiwei", "zhengfuban"]
LEAD_HANDLER, SIGNER, CO_HANDLERS = "scjg_zhu", "scjg_ma", ["kj_li", "sf_wu"]


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def _ensure_holidays() -> None:
    """The holiday years the data migration seeds: the demo must not depend on what ran
    before it (a transactional test's flush removes them all)."""
    from proposals.services import holidays_seed_missing_years

    holidays_seed_missing_years()


def _load(today: dt.date) -> str:
    """load_demo as if run on `today` (9:00 in Shanghai)."""
    _ensure_holidays()
    out = io.StringIO()
    with time_machine.travel(dt.datetime.combine(today, dt.time(9), SHANGHAI), tick=False):
        call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded on TODAY, with the clock kept there while the tests read it."""
    traveller = time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), SHANGHAI))
    traveller.start()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _ensure_holidays()
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            traveller.stop()


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _client(client, username: str):
    client.force_login(_user(username))
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _own(model, username: str, **filters):
    """Rows of `model` that belong to the person's units (through their assignment)."""
    units = access.units_of(_user(username))
    field = "unit__in" if model is Assignment else "assignment__unit__in"
    return model.objects.filter(**{field: units}, **filters)


# --- the real case -----------------------------------------------------------------------


def test_it_loads_the_real_44137_case(demo, db):
    proposal = Proposal.objects.get(number=44137, session__name="十四届四次会议")
    assert proposal.title == "关于加快知识产权强市建设的提案"
    assert proposal.lead_proposer.salutation == "王波委员"
    lead = proposal.assignments.get(role=Assignment.Role.LEAD)
    assert lead.unit.name == "连云港市市场监督管理局"
    assert lead.unit.doc_prefix == "连市监办复"
    assert proposal.assignments.filter(role=Assignment.Role.CO).count() >= 2
    letter = json.loads(LETTER.read_text(encoding="utf-8"))
    by_heading = {s.heading: s for s in Section.objects.filter(assignment__proposal=proposal)}
    sample_headings = [s["heading"] for s in letter["sections"][0]["sections"]]
    sample_headings.append(letter["sections"][1]["heading"])
    assert set(sample_headings) == set(by_heading)
    for sample in letter["sections"][0]["sections"]:
        assert by_heading[sample["heading"]].paragraphs == sample["paragraphs"]
    assert by_heading[sample_headings[1]].unit.name == "连云港市科学技术局"
    states = {s.state for s in by_heading.values()}
    assert {Section.State.SUBMITTED, Section.State.ACCEPTED} <= states


def test_it_loads_proposals_in_every_state(demo, db):
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)


def test_it_answers_with_signed_letters_numbered_in_the_order_they_were_signed(demo, db):
    from replies.models import Feedback, Reply
    from replies.signing import verify_bytes
    from replies.tests.ooxml_validate import assert_valid_docx

    answered = Proposal.objects.filter(
        status__in=[Proposal.Status.ANSWERED, Proposal.Status.FEEDBACK, Proposal.Status.CLOSED]
    )
    assert Reply.objects.filter(proposal__in=answered, state=Reply.State.SENT).count() == (
        answered.count()
    ) >= 3
    signed = Reply.objects.filter(state__in=[Reply.State.SIGNED, Reply.State.SENT])
    for reply in signed:
        with reply.signed_file.open("rb") as fh:
            data = fh.read()
        assert verify_bytes(data).valid
        assert_valid_docx(data)
        year, seq = reply.signed_on.year, reply.doc_seq
        assert reply.doc_number == f"{reply.unit.doc_prefix}〔{year}〕{seq}号"
        assert reply.signed_at.astimezone(SHANGHAI).date() == reply.signed_on < TODAY
    for unit_id in {r.unit_id for r in signed}:
        mine = signed.filter(unit_id=unit_id).order_by("signed_at")
        assert [r.doc_seq for r in mine] == list(range(1, mine.count() + 1))
    for feedback in Feedback.objects.select_related("reply"):
        assert feedback.reply.sent_at < feedback.received_at


def test_it_changes_nothing_when_run_again(demo, db):
    first = _row_counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _row_counts() == first
    assert "Demo@2025pass" in out.getvalue() and "scjg_ma" in out.getvalue()


# --- dates -------------------------------------------------------------------------------


def _check_dates(today: dt.date) -> None:
    calendar = WorkingCalendar()
    for proposal in Proposal.objects.all():
        registered = proposal.registered_at.astimezone(SHANGHAI)
        assert registered.date() < today, proposal
        if proposal.accepted_at:
            assert registered < proposal.accepted_at, proposal
        if proposal.assigned_on:
            assert proposal.accepted_at.astimezone(SHANGHAI).date() < proposal.assigned_on
    for a in Assignment.objects.select_related("proposal"):
        assert a.assigned_on < a.due_on, a
        assert a.assigned_at.astimezone(SHANGHAI).date() == a.assigned_on
        if calendar.has_year(a.due_on.year):
            # Due dates come from the session's terms on the holiday calendar.
            assert calendar.is_working_day(a.assigned_on), a
            assert calendar.is_working_day(a.due_on), a
    open_work = Assignment.objects.filter(state__in=Assignment.OPEN_STATES)
    overdue = open_work.filter(due_on__lt=today).count()
    assert 1 <= overdue <= open_work.count() // 4, "a few overdue, not all"
    assert open_work.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=7)).exists()
    from replies.models import Reply

    sent = Reply.objects.filter(state=Reply.State.SENT).select_related("assignment")
    on_time = [r for r in sent if r.sent_at.astimezone(SHANGHAI).date() <= r.assignment.due_on]
    assert len(on_time) >= 3


def test_it_dates_the_story_before_the_day_it_is_loaded(demo, db):
    _check_dates(TODAY)
    assert Notice.objects.filter(kind__in=Notice.DEADLINE_KINDS).exists()


# --- what each account finds, on the page where it acts ----------------------------------


@pytest.mark.parametrize("username", CLERKS)
def test_it_gives_each_clerk_something_to_decide_on_every_page(demo, db, client, username):
    client = _client(client, username)
    lianyungang = Proposal.objects.filter(session__committee__short_name="市政协")
    # The superuser's list holds every committee's proposals: ask for 连云港's session.
    session = lianyungang.first().session_id
    listing = _page(client, reverse("proposals:proposal_list") + f"?session={session}")

    def detail(proposal) -> str:
        return _page(client, reverse("proposals:proposal_detail", args=[proposal.pk]))

    registered = lianyungang.get(status=Proposal.Status.REGISTERED)
    assert reverse("proposals:proposal_detail", args=[registered.pk]) in listing
    page = detail(registered)
    assert reverse("proposals:proposal_accept", args=[registered.pk]) in page
    assert reverse("proposals:proposal_reject", args=[registered.pk]) in page
    accepted = lianyungang.get(status=Proposal.Status.ACCEPTED)
    assert reverse("proposals:proposal_assign", args=[accepted.pk]) in detail(accepted)
    _page(client, reverse("proposals:proposal_assign", args=[accepted.pk]))
    extension = ExtensionRequest.objects.filter(state="pending").first()
    proposal = extension.assignment.proposal
    assert reverse("proposals:extension_decide", args=[proposal.pk, extension.pk]) in detail(
        proposal
    )
    reassignment = ReassignmentRequest.objects.filter(state="pending").first()
    proposal = reassignment.assignment.proposal
    url = reverse("proposals:reassignment_decide", args=[proposal.pk, reassignment.pk])
    assert url in detail(proposal)
    from replies.models import Feedback

    feedback = Feedback.objects.exclude(comment="").select_related("reply").first()
    page = detail(feedback.reply.proposal)
    assert feedback.comment in page
    assert reverse("replies:detail", args=[feedback.reply.pk]) in page
    _page(client, reverse("replies:detail", args=[feedback.reply.pk]))
    # The 超期 filter finds the overdue work, and only that.
    listed = _page(client, reverse("proposals:proposal_list") + f"?session={session}&overdue=on")
    late = Assignment.objects.filter(state__in=Assignment.OPEN_STATES, due_on__lt=TODAY)
    for proposal in lianyungang:
        url = reverse("proposals:proposal_detail", args=[proposal.pk])
        assert (url in listed) == late.filter(proposal=proposal).exists(), proposal


def _assignment_page(client, assignment) -> str:
    return _page(client, reverse("proposals:assignment_detail", args=[assignment.pk]))


def _check_unit_basics(client, username: str) -> None:
    home = _page(client, reverse("home"))
    open_work = _own(Assignment, username, state__in=Assignment.OPEN_STATES)
    assert open_work.exists()
    for assignment in open_work:
        assert reverse("proposals:assignment_detail", args=[assignment.pk]) in home
        _assignment_page(client, assignment)
    # Notices waiting in the bell, and their list.
    assert unread_notice_count(_user(username)) > 0
    _page(client, reverse("notice_list"))


def _check_co_handler(client, username: str) -> None:
    """A co-handling unit: a section to write, one returned to it, one waiting for the
    lead; the requests it may make."""
    co = _own(Assignment, username, role=Assignment.Role.CO, state__in=Assignment.OPEN_STATES)
    to_write = co.exclude(sections__isnull=False).first()
    assert to_write is not None, "a co-handling section still to write"
    page = _assignment_page(client, to_write)
    assert reverse("proposals:section_create", args=[to_write.pk]) in page
    assert reverse("proposals:extension_request", args=[to_write.pk]) in page
    assert reverse("proposals:reassignment_request", args=[to_write.pk]) in page
    _page(client, reverse("proposals:section_create", args=[to_write.pk]))
    _page(client, reverse("proposals:extension_request", args=[to_write.pk]))
    _page(client, reverse("proposals:reassignment_request", args=[to_write.pk]))
    returned = _own(Section, username, state=Section.State.RETURNED).first()
    assert returned is not None, "a section the lead unit sent back"
    edit = reverse("proposals:section_edit", args=[returned.assignment_id, returned.pk])
    page = _assignment_page(client, returned.assignment)
    assert edit in page and returned.return_reason in page
    assert 'name="action"' in _page(client, edit)  # the form to save and resubmit
    assert _own(Section, username, state=Section.State.SUBMITTED).exists()


def test_it_gives_the_lead_handler_every_step_of_the_work(demo, db, client):
    from replies.models import Reply

    client = _client(client, LEAD_HANDLER)
    _check_unit_basics(client, LEAD_HANDLER)
    lead = _own(
        Assignment, LEAD_HANDLER, role=Assignment.Role.LEAD, state__in=Assignment.OPEN_STATES
    )
    # A section to write, and the reply ready to compose from what the units sent.
    fresh = lead.filter(replies__isnull=True).first()
    page = _assignment_page(client, fresh)
    assert reverse("proposals:section_create", args=[fresh.pk]) in page
    assert reverse("replies:start", args=[fresh.pk]) in page
    # A co-unit's section to accept or send back.
    waiting = Section.objects.filter(
        assignment__proposal__assignments__in=lead, assignment__role=Assignment.Role.CO,
        state=Section.State.SUBMITTED,
    ).first()
    mine = lead.get(proposal=waiting.assignment.proposal)
    page = _assignment_page(client, mine)
    assert reverse("proposals:section_accept", args=[mine.pk, waiting.pk]) in page
    assert reverse("proposals:section_return", args=[mine.pk, waiting.pk]) in page
    # Its own section returned by another lead unit (as a co-handling unit).
    returned = _own(Section, LEAD_HANDLER, state=Section.State.RETURNED).first()
    assert reverse(
        "proposals:section_edit", args=[returned.assignment_id, returned.pk]
    ) in _assignment_page(client, returned.assignment)
    # A pending extension and a pending reassignment it asked for.
    assert _own(ExtensionRequest, LEAD_HANDLER, state="pending").exists()
    assert _own(ReassignmentRequest, LEAD_HANDLER, state="pending").exists()
    # Replies in each state, with their buttons.
    replies = Reply.objects.filter(unit__in=access.units_of(_user(LEAD_HANDLER)))
    draft = replies.filter(state=Reply.State.DRAFT).exclude(review_comment="").first()
    page = _assignment_page(client, draft.assignment)
    assert reverse("replies:compose", args=[draft.pk]) in page
    assert draft.review_comment in page  # the signer's reasons for sending it back
    _page(client, reverse("replies:compose", args=[draft.pk]))
    in_review = replies.get(state=Reply.State.IN_REVIEW)
    assert "已送签发人审核" in _page(client, reverse("replies:detail", args=[in_review.pk]))
    _check_frozen_replies(client, replies)
    unsatisfied = replies.get(feedback__satisfaction="unsatisfied")
    page = _page(client, reverse("replies:detail", args=[unsatisfied.pk]))
    assert reverse("replies:correct", args=[unsatisfied.pk]) in page
    assert unsatisfied.assignment.state == Assignment.State.IN_PROGRESS  # 重新办理
    # A task given to the handler, on the home page.
    task = _user(LEAD_HANDLER)
    assert selectors.open_tasks_of(task).first().title in _page(client, reverse("home"))


def _check_frozen_replies(client, replies) -> None:
    from replies.models import Reply

    signed = replies.get(state=Reply.State.SIGNED)
    page = _page(client, reverse("replies:detail", args=[signed.pk]))
    assert reverse("replies:mark_sent", args=[signed.pk]) in page
    assert reverse("replies:signed_docx", args=[signed.pk]) in page
    awaiting = replies.filter(state=Reply.State.SENT, feedback__isnull=True).first()
    page = _page(client, reverse("replies:detail", args=[awaiting.pk]))
    assert reverse("replies:feedback_link", args=[awaiting.pk]) in page
    assert "尚未收到评价" in page
    heard = replies.filter(feedback__isnull=False).exclude(feedback__comment="").first()
    assert heard.feedback.comment in _page(client, reverse("replies:detail", args=[heard.pk]))


def test_it_gives_the_signer_a_queue_and_every_signed_state(demo, db, client):
    from replies.models import Reply

    client = _client(client, SIGNER)
    _check_unit_basics(client, SIGNER)
    queue = _page(client, reverse("replies:review_queue"))
    in_review = Reply.objects.get(
        unit__in=access.units_of(_user(SIGNER)), state=Reply.State.IN_REVIEW
    )
    assert reverse("replies:detail", args=[in_review.pk]) in queue
    page = _page(client, reverse("replies:detail", args=[in_review.pk]))
    assert reverse("replies:sign", args=[in_review.pk]) in page
    assert reverse("replies:return", args=[in_review.pk]) in page
    assert "disabled" not in page.split(reverse("replies:sign", args=[in_review.pk]))[1][:400]
    _check_frozen_replies(client, Reply.objects.filter(unit=in_review.unit))
    assert Notice.objects.filter(unit=in_review.unit, kind=Notice.Kind.REPLY_SUBMITTED).exists()


@pytest.mark.parametrize("username", CO_HANDLERS)
def test_it_gives_each_co_handler_sections_in_every_state(demo, db, client, username):
    client = _client(client, username)
    _check_unit_basics(client, username)
    _check_co_handler(client, username)
    asked = _own(ExtensionRequest, username).exists() or _own(
        ReassignmentRequest, username
    ).exists()
    assert asked


# --- one installation for a province -----------------------------------------------------


def test_it_puts_two_cities_under_a_province_walled_off_from_each_other(demo, db, client):
    from proposals.models import Committee

    province = Committee.objects.get(short_name="江苏省政协")
    cities = Committee.objects.filter(parent=province).order_by("name")
    assert [c.short_name for c in cities] == ["徐州市政协", "市政协"]
    xuzhou = cities[0]
    # Each city's clerk sees its own proposals only (the Python filter; on PostgreSQL the
    # database's wall too, rls/tests).
    seen = set(
        access.proposals_visible_to(_user("xz_tiwei")).values_list("session__committee", flat=True)
    )
    assert seen == {xuzhou.pk}
    assert Proposal.objects.filter(session__committee=xuzhou).count() == 4
    assert not access.proposals_visible_to(_user("xz_tiwei")).filter(number=44137).exists()
    assert not access.proposals_visible_to(_user("tiwei")).filter(
        session__committee=xuzhou
    ).exists()
    # The province clerk reads both cities' figures and is refused nothing on the way.
    page = _page(_client(client, "sheng_tiwei"), reverse("insights:province"))
    assert xuzhou.name in page and cities[1].name in page
    assert _client(client, "xz_tiwei").get(reverse("insights:province")).status_code == 403


def test_it_shows_countersigns_in_every_state(demo, db, client):
    """会签: one confirmed and signable (第44139号), one open (第44012号, 市财政局), one
    returned with its reason (第44063号); the signed replies were confirmed first."""
    from replies.models import Countersign, Reply

    def of(number):
        return Countersign.objects.filter(reply__proposal__number=number).get()

    S = Countersign.State
    assert of(44139).state == S.CONFIRMED and of(44139).unit.short_name == "市住建局"
    held = of(44012)
    assert held.state == S.PENDING and held.reply.state == Reply.State.IN_REVIEW
    returned = of(44063)
    assert returned.state == S.RETURNED and "研究开通" in returned.reason
    assert returned.reply.state == Reply.State.DRAFT
    assert of(44158).state == S.CONFIRMED  # 市科技局, before the reply was signed
    assert not Countersign.objects.filter(
        state=S.PENDING, reply__state__in=[Reply.State.SIGNED, Reply.State.SENT]).exists()
    # Each side finds it on its pages.
    url = reverse("replies:countersign", args=[held.pk])
    assert url in _page(_client(client, "cz_zhao"), "/")
    assert "<mark>" in _page(client, url)
    html = _page(_client(client, "wl_song"), reverse("replies:detail", args=[returned.reply_id]))
    assert "研究开通" in html
    html = _page(_client(client, "jy_signer"), reverse("replies:detail", args=[held.reply_id]))
    assert "市财政局尚未会签" in html


# --- 重点提案 and 督办 (demo/key_proposals.py) ---------------------------------------------


def test_it_marks_two_key_proposals_in_different_states_with_their_records(demo, db, client):
    from proposals.models import SupervisionRecord

    key = Proposal.objects.filter(is_key=True).order_by("number")
    assert [(p.number, p.supervising_leader, p.supervising_unit) for p in key] == [
        (44137, "王建华", "市政协提案委员会"),
        (44158, "李晓梅", "市政府督查室"),
    ]
    assert len({p.status for p in key}) == 2  # one in handling, one answered
    kinds = {
        p.number: sorted(p.supervision_records.values_list("kind", flat=True)) for p in key
    }
    assert kinds == {44137: ["leader_note", "meeting", "visit"], 44158: ["meeting", "opinion"]}
    for record in SupervisionRecord.objects.select_related("proposal"):
        assert record.held_on < TODAY
        assert record.held_on >= record.proposal.assigned_on
    # Marked after the proposal's last change: its timeline reads no state going back.
    for p in key:
        latest = p.history.order_by("-history_date", "-history_id").first()
        assert latest.is_key and latest.history_user.username == "tiwei"
    listing = _page(_client(client, "tiwei"), reverse("proposals:key_proposal_list"))
    assert "共 2 件" in listing and "王建华" in listing
    # 第44137号 heads the lead handler's work list (第44158号 is answered: not open work).
    html = _page(_client(client, LEAD_HANDLER), reverse("home"))
    assert html.count('<span class="pill key"') == 1
    rows = html.split("<tbody>", 1)[1].split("</tr>")
    assert "第44137号" in rows[0] and 'class="pill key"' in rows[0]


# --- 承办单位考评 (demo/assessment.py) ------------------------------------------------------


def test_it_gives_the_session_the_default_scheme_and_one_adjustment(demo, db, client):
    from insights.assessment import DEFAULT_RULES, session_scores
    from insights.models import AssessmentRule, ScoreAdjustment

    session = Proposal.objects.get(number=44137).session
    rules = AssessmentRule.objects.filter(scheme__session=session)
    assert [r.name for r in rules] == [name for _key, name, *_rest in DEFAULT_RULES]
    adjustment = ScoreAdjustment.objects.get()
    assert (adjustment.unit.name, adjustment.points) == ("连云港市交通运输局", 2)
    assert adjustment.changed_by.username == "tiwei" and "协调会" in adjustment.reason
    assert adjustment.history.get().history_user.username == "tiwei"
    assert adjustment.changed_at.date() < TODAY
    scores = session_scores(session)
    assert len(scores) >= 5
    transport = next(s for s in scores if s.unit_name == "连云港市交通运输局")
    assert transport.total == transport.base + 2
    html = _page(_client(client, "tiwei"), reverse("insights:assessment"))
    assert "连云港市交通运输局" in html and "title=\"调整理由：主动牵头" in html


def test_it_publishes_replies_with_personal_data_removed_and_leaves_one_overdue(demo, db, client):
    from replies.models import Publication
    from replies.services.publication import overdue_publications

    published = {p.reply.proposal.number: p for p in Publication.objects.filter(
        state=Publication.State.PUBLISHED).select_related("reply__proposal")}
    assert {44031, 44048} <= set(published)
    assert published[44031].mode == "full" and published[44048].mode == "summary"
    summary = published[44048]
    assert "0518-85802345" in summary.summary  # the clerk's text, kept beside it
    assert "0518-85802345" not in summary.text and "〔电话已删除〕" in summary.text
    overdue = {p.reply.proposal.number for p in overdue_publications(TODAY)}
    assert 44056 in overdue
    pending = Publication.objects.filter(state="pending", reply__proposal__number=44152).get()
    assert pending.due_on > TODAY
    # The clerk was told, once, by the daily scan; the public site shows the published two.
    assert Notice.objects.filter(kind=Notice.Kind.PUBLICATION_OVERDUE,
                                 recipient=_user("tiwei")).exists()
    committee_id = summary.reply.unit.committee_id
    html = client.get(reverse("gongkai:committee", args=[committee_id])).content.decode()
    assert published[44031].title in html and "0518-85802345" not in html
    detail = client.get(reverse("gongkai:detail", args=[committee_id, summary.pk]))
    assert "〔电话已删除〕" in detail.content.decode()
    _client(client, "tiwei")
    assert "publications-overdue" in _page(client, reverse("insights:dashboard"))
