"""The access policy of proposals/access.py as one matrix: roles × objects × states.

Each row names a question and, for every role, the objects the answer holds. The pages'
own tests (test_permissions.py and the others) ask these functions rather than restate
the rules; this file is where the rules are pinned.

Scenario (scenario.py): proposal 44100 handed to the lead unit (市场监管局), two co units
(科技局 with a submitted section, 财政局 with a draft); the lead's own draft material;
44200 registered and 44300 accepted (handed to nobody); another committee (徐州) with its
proposal, assignment and submitted section.
"""

import datetime as dt

import pytest
import time_machine

from proposals import access
from proposals.models import Assignment
from proposals.tests.factories import UserFactory

from .scenario import build_scenario

pytestmark = pytest.mark.django_db

ROLES = (
    "anon", "clerk", "other_clerk", "lead", "signer", "co", "co2", "stranger",
    "other_handler", "superuser",
)
ALL_PROPOSALS = {"proposal", "registered", "accepted", "other_proposal"}
ALL_ASSIGNMENTS = {"lead", "co", "co2", "other_assignment"}
ALL_SECTIONS = {"co_section", "co2_draft", "lead_draft", "other_section"}
ALL_SESSIONS = {"session", "other_session"}

# question → {role: what it holds}; a role not named holds nothing.
MATRIX = {
    "proposals_visible_to": {
        "clerk": {"proposal", "registered", "accepted"},
        "other_clerk": {"other_proposal"},
        "lead": {"proposal"}, "signer": {"proposal"}, "co": {"proposal"},
        "co2": {"proposal"},
        "other_handler": {"other_proposal"},
        "superuser": ALL_PROPOSALS,
    },
    "proposals_managed_by": {
        "clerk": {"proposal", "registered", "accepted"},
        "other_clerk": {"other_proposal"},
        "superuser": ALL_PROPOSALS,
    },
    "assignments_visible_to": {
        "clerk": {"lead", "co", "co2"},
        "other_clerk": {"other_assignment"},
        "lead": {"lead"}, "signer": {"lead"}, "co": {"co"}, "co2": {"co2"},
        "other_handler": {"other_assignment"},
        "superuser": ALL_ASSIGNMENTS,
    },
    # Drafts never leave their unit; submitted sections go to the lead unit and the clerk.
    "sections_visible_to": {
        "clerk": {"co_section"},
        "other_clerk": {"other_section"},
        "lead": {"co_section", "lead_draft"}, "signer": {"co_section", "lead_draft"},
        "co": {"co_section"}, "co2": {"co2_draft"},
        "other_handler": {"other_section"},  # the lead unit of the other proposal
        "superuser": ALL_SECTIONS,
    },
    "sessions_visible_to": {
        "clerk": {"session"}, "other_clerk": {"other_session"},
        "lead": {"session"}, "signer": {"session"}, "co": {"session"}, "co2": {"session"},
        "stranger": {"session"}, "other_handler": {"other_session"},
        "superuser": ALL_SESSIONS,
    },
    "sessions_managed_by": {
        "clerk": {"session"}, "other_clerk": {"other_session"}, "superuser": ALL_SESSIONS,
    },
}

# predicate(user, object) → the roles for which it is true.
PREDICATES = {
    ("can_manage_proposal", "proposal"): {"clerk", "superuser"},
    ("can_manage_proposal", "other_proposal"): {"other_clerk", "superuser"},
    # Handlers and unit admins write; a signer only reads and signs.
    ("can_handle_assignment", "lead"): {"lead"},
    ("can_handle_assignment", "co"): {"co"},
    ("is_member_of", "lead_unit"): {"lead", "signer"},
    ("is_signer", "lead_unit"): {"signer"},
    ("is_signer", "co_unit"): set(),
    ("manages_committee", "committee"): {"clerk", "superuser"},
}


@pytest.fixture(scope="module")
def s(module_db):
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        scenario = build_scenario()
        scenario.users["superuser"] = UserFactory(username="root", is_superuser=True)
        yield scenario


def _user(s, role):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if role == "anon" else s.users[role]


def _names(s, objects, names) -> set[str]:
    by_key = {(type(getattr(s, n)), getattr(s, n).pk): n for n in names}
    return {by_key[(type(o), o.pk)] for o in objects if (type(o), o.pk) in by_key}


def _all(question):
    if question.startswith("proposals"):
        return ALL_PROPOSALS
    if question.startswith("assignments"):
        return ALL_ASSIGNMENTS
    if question.startswith("sections"):
        return ALL_SECTIONS
    return ALL_SESSIONS


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("question", MATRIX)
def test_it_shows_each_role_what_the_matrix_says(s, question, role):
    found = getattr(access, question)(_user(s, role))
    assert _names(s, found, _all(question)) == MATRIX[question].get(role, set())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("question", "target"), PREDICATES)
def test_it_answers_each_predicate_as_the_matrix_says(s, question, target, role):
    obj = getattr(s, target)
    arg = obj.pk if target.endswith("unit") or target == "committee" else obj
    assert getattr(access, question)(_user(s, role), arg) == (
        role in PREDICATES[(question, target)]
    )


def test_it_forgets_a_unit_once_its_assignment_is_withdrawn(s):
    Assignment.objects.filter(pk=s.co2.pk).update(state=Assignment.State.WITHDRAWN)
    co2 = s.users["co2"]
    assert not access.proposals_visible_to(co2).filter(pk=s.proposal.pk).exists()
    s.co2.refresh_from_db()
    assert not access.can_handle_assignment(co2, s.co2)


def test_it_lets_the_lead_decide_only_a_co_units_submitted_section(s):
    lead = s.users["lead"]
    assert access.can_decide_section(lead, assignment=s.lead, section=s.co_section)
    assert not access.can_decide_section(lead, assignment=s.lead, section=s.lead_draft)
    assert not access.can_decide_section(s.users["co"], assignment=s.co, section=s.co_section)
    assert not access.can_decide_section(s.users["signer"], assignment=s.lead,
                                         section=s.co_section)


def test_it_gives_the_search_condition_the_same_sections_as_the_queryset(s):
    from proposals.models import Section

    for role in ROLES[1:]:
        user = _user(s, role)
        assert set(Section.objects.filter(access.section_visibility(user))) == set(
            access.sections_visible_to(user)
        )
