"""The reply policy of replies/access.py as one matrix: roles × replies × states.

The reply pages' matrix (test_permissions_replies.py), the search links and the 答复登记
export ask these functions; this file pins the rules:
- a unit's people read their unit's replies in every state;
- a signed or sent reply is read by the committee's staff and by every unit the proposal
  was handed to (the co-handling units are on its 抄送); never a draft of another unit;
- committee staff know a draft exists (403), nobody else does (404).
"""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from proposals.models import Assignment
from proposals.tests.factories import UserFactory
from replies import access, services
from replies.letter.preview import PreviewUnavailable
from replies.models import Reply

from .test_permissions_replies import build

pytestmark = pytest.mark.django_db

ROLES = (
    "anon", "clerk", "other_clerk", "lead", "signer", "co", "co2", "stranger",
    "other_handler", "superuser",
)
REPLIES = ("draft", "review", "signed", "other_draft")

# reply → roles that read it (page, .docx, search snippet, export row)
READABLE = {
    "draft": {"lead", "signer", "superuser"},  # on 44100, handed to co and co2 too
    "review": {"lead", "signer", "superuser"},
    "signed": {"clerk", "lead", "signer", "co", "superuser"},  # co handled 44502
    "other_draft": {"other_handler", "superuser"},
}
# reply → roles that may learn it exists but not read it (403 rather than 404)
KNOWN_ONLY = {
    "draft": {"clerk"}, "review": {"clerk"}, "signed": set(), "other_draft": {"other_clerk"},
}
PREDICATES = {
    ("can_compose", "draft"): {"lead"},
    ("can_compose", "signed"): {"lead"},  # a correction starts from it
    ("can_sign", "review"): {"signer"},
    ("can_act", "signed"): {"lead", "signer"},
}


@pytest.fixture
def r():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False), \
            mock.patch("replies.views._render.docx_to_pdf",
                       side_effect=PreviewUnavailable("测试中不转换")):
        world = build()
        world.s.users["superuser"] = UserFactory(username="root", is_superuser=True)
        yield world


def _user(r, role):
    return AnonymousUser() if role == "anon" else r.s.users[role]


def _names(r, replies) -> set[str]:
    by_pk = {getattr(r, name).pk: name for name in REPLIES}
    return {by_pk[reply.pk] for reply in replies if reply.pk in by_pk}


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_each_role_read_what_the_matrix_says(r, role):
    user = _user(r, role)
    expected = {name for name in REPLIES if role in READABLE[name]}
    assert _names(r, access.replies_readable_by(user)) == expected
    for name in REPLIES:
        assert access.can_read(user, getattr(r, name)) == (name in expected)


@pytest.mark.parametrize("role", ROLES)
def test_it_tells_only_committee_staff_that_a_draft_exists(r, role):
    expected = {
        name for name in REPLIES if role in READABLE[name] | KNOWN_ONLY[name]
    }
    assert _names(r, access.replies_visible_to(_user(r, role))) == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("question", "target"), PREDICATES)
def test_it_answers_each_predicate_as_the_matrix_says(r, question, target, role):
    reply = getattr(r, target)
    assert getattr(access, question)(_user(r, role), reply) == (
        role in PREDICATES[(question, target)]
    )


def test_it_keeps_a_sent_reply_readable_by_the_same_people(r):
    services.reply_mark_sent(reply=r.signed, actor=r.s.users["lead"])
    assert Reply.objects.get(pk=r.signed.pk).state == Reply.State.SENT
    readers = {role for role in ROLES if access.can_read(_user(r, role), r.signed)}
    assert readers == READABLE["signed"]


def test_it_closes_the_signed_reply_to_a_unit_whose_assignment_was_withdrawn(r):
    Assignment.objects.filter(proposal=r.signed.proposal, unit=r.s.co_unit).update(
        state=Assignment.State.WITHDRAWN
    )
    assert not access.can_read(r.s.users["co"], r.signed)


def test_it_puts_in_the_signers_queue_only_their_units_replies_in_review(r):
    assert _names(r, access.replies_awaiting_signature_of(r.s.users["signer"])) == {"review"}
    assert not access.replies_awaiting_signature_of(r.s.users["lead"]).exists()
