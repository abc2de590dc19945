import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from proposals.models import Assignment, Proposal, Section

pytestmark = pytest.mark.django_db
LETTER = Path(__file__).resolve().parents[2] / "fixtures" / "reply-44137.json"


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_it_loads_the_real_44137_case():
    call_command("load_demo", stdout=io.StringIO())
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
    second = letter["sections"][0]["sections"][1]
    assert by_heading[second["heading"]].paragraphs == second["paragraphs"]
    assert by_heading[second["heading"]].unit.name == "连云港市科学技术局"
    states = {s.state for s in by_heading.values()}
    assert {Section.State.SUBMITTED, Section.State.ACCEPTED} <= states


def test_it_loads_proposals_in_many_states():
    call_command("load_demo", stdout=io.StringIO())
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert len(statuses) >= 8
    assert Proposal.objects.count() >= 13


def test_it_answers_the_answered_proposals_with_signed_letters_and_feedback():
    from replies.models import Feedback, Reply
    from replies.signing import verify_bytes
    from replies.tests.ooxml_validate import assert_valid_docx

    call_command("load_demo", stdout=io.StringIO())
    answered = Proposal.objects.filter(
        status__in=[Proposal.Status.ANSWERED, Proposal.Status.FEEDBACK, Proposal.Status.CLOSED]
    )
    replies = Reply.objects.filter(proposal__in=answered, state=Reply.State.SENT)
    assert replies.count() == answered.count() >= 3
    for reply in replies:
        reply.signed_file.open("rb")
        data = reply.signed_file.read()
        assert verify_bytes(data).valid
        assert_valid_docx(data)
        assert reply.doc_number.startswith(reply.unit.doc_prefix + "〔2025〕")
    feedback_statuses = {f.reply.proposal.status for f in Feedback.objects.all()}
    assert feedback_statuses <= {Proposal.Status.FEEDBACK, Proposal.Status.CLOSED}
    assert Feedback.objects.count() == answered.exclude(status=Proposal.Status.ANSWERED).count()


def test_it_changes_nothing_when_run_twice(capsys):
    call_command("load_demo")
    first = _row_counts()
    call_command("load_demo")
    assert _row_counts() == first
    out = capsys.readouterr().out
    assert "Demo@2025pass" in out and "scjg_ma" in out
