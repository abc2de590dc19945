"""Concurrency on PostgreSQL (issue 8): many threads, each with its own connection, hit the
same rows at the same instant (a barrier). SQLite serialises everything, so these tests need
PostgreSQL: they skip without it and fail under CI=true."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from proposals.models import Assignment, Proposal, Section
from proposals.services import ConflictError, section_save
from replies import services
from replies.models import DocumentCounter, Feedback, FeedbackLink, Reply

from .reply_fixtures import SIGN_DATE, make_case, ready_reply, second_proposal_case

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("record_copies_left_pending"),
]


def _race(n: int, work: Callable[[int], object]) -> tuple[list, list[BaseException]]:
    """Run work(i) in n threads released together; (results, errors)."""
    barrier = threading.Barrier(n)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            value = work(i)
            with lock:
                results.append(value)
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results, errors


def test_it_gives_50_simultaneous_sign_offs_50_consecutive_numbers(require_postgres):
    n = 50
    case = make_case()
    replies = [ready_reply(case)]
    for i in range(n - 1):
        replies.append(ready_reply(second_proposal_case(case, 80000 + i)))

    results, errors = _race(
        n,
        lambda i: services.reply_sign_off(
            reply=replies[i], actor=case.signer, signed_on=SIGN_DATE
        ).doc_seq,
    )

    assert not errors, errors[:3]
    assert sorted(results) == list(range(1, n + 1))
    stored = Reply.objects.filter(unit=case.unit, doc_year=SIGN_DATE.year)
    assert sorted(stored.values_list("doc_seq", flat=True)) == list(range(1, n + 1))
    assert stored.filter(state=Reply.State.SIGNED).count() == n
    assert len(set(stored.values_list("sha256", flat=True))) == n
    assert DocumentCounter.objects.get(unit=case.unit, year=SIGN_DATE.year).last_seq == n


def test_it_counts_simultaneous_feedback_on_one_link_once(require_postgres):
    n = 20
    case = make_case()
    reply = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE
    )
    reply = services.reply_mark_sent(reply=reply)
    link, token = services.feedback_link_create(reply=reply)
    answers = ["satisfied", "basically_satisfied", "unsatisfied"]

    results, errors = _race(
        n,
        lambda i: services.feedback_submit(
            token=token, satisfaction=answers[i % 3], comment=f"第{i}份"
        ).pk,
    )

    assert len(results) == 1, (results, errors[:3])
    assert len(errors) == n - 1
    assert all(isinstance(e, ValidationError) for e in errors), errors[:3]
    assert all("已收到" in " ".join(e.messages) for e in errors)
    assert Feedback.objects.filter(reply=reply).count() == 1
    link.refresh_from_db()
    assert link.use_count == 1
    assert FeedbackLink.objects.count() == 1
    feedback = Feedback.objects.get(reply=reply)
    case.proposal.refresh_from_db()
    expected = (
        Proposal.Status.IN_PROGRESS
        if feedback.satisfaction == "unsatisfied"
        else Proposal.Status.FEEDBACK
    )
    assert case.proposal.status == expected


def test_it_lets_one_of_many_simultaneous_draft_edits_win(require_postgres):
    n = 20
    case = make_case()
    draft = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    loaded = draft.version

    results, errors = _race(
        n,
        lambda i: services.reply_update(
            reply=draft, expected_version=loaded, actor=case.handler,
            contact_name=f"联系人{i}",
        ).contact_name,
    )

    assert len(results) == 1, (results, errors[:3])
    assert len(errors) == n - 1
    assert all(isinstance(e, ConflictError) for e in errors), errors[:3]
    draft.refresh_from_db()
    assert draft.version == loaded + 1
    assert draft.contact_name == results[0]


def test_it_lets_one_of_many_simultaneous_section_edits_win(require_postgres):
    n = 20
    case = make_case()
    section = case.own_section
    loaded = section.version
    assignment = Assignment.objects.get(pk=case.lead.pk)

    results, errors = _race(
        n,
        lambda i: section_save(
            assignment=assignment, section=section, heading=f"标题{i}",
            paragraphs=[f"第{i}稿。"], expected_version=loaded, actor=case.handler,
        ).heading,
    )

    assert len(results) == 1, (results, errors[:3])
    assert all(isinstance(e, ConflictError) for e in errors), errors[:3]
    section = Section.objects.get(pk=section.pk)
    assert section.version == loaded + 1
    assert section.heading == results[0]
