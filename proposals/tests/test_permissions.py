"""The permission matrix: every view URL × role × method, with the expected status.

Read a row as: "this URL, requested with this method, answers each role with ...".
  302  anonymous: sent to the login page; allowed roles: the change was made (redirect)
  200  allowed to see the page;  400 allowed, but the input was refused
  403  may see the object, may not do this (e.g. a unit on a clerk page, a signer writing)
  404  may not even know the object exists (another unit's or committee's, guessed ids)
  405  GET on a POST-only action

Roles (see scenario.py): anonymous; clerk of this committee; clerk of another committee;
handler of the lead unit; handler of a co unit (科技局); handler of a unit of the same
committee that has nothing to do with the proposal; signer of the lead unit.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import get_resolver, reverse

from proposals import services
from proposals.models import (
    Assignment,
    ContactRecord,
    ExtensionRequest,
    Notice,
    Proposal,
    ReassignmentRequest,
    Section,
    SupervisionRecord,
    Task,
)

from .factories import AssignmentFactory, ProposalFactory
from .scenario import build_scenario

# The scenario is built once for the module (module_db): its ids and tokens repeat in every
# test, so each test gets an empty cache of its own (a feedback link's rate limit counts).
pytestmark = [pytest.mark.django_db,
              pytest.mark.usefixtures("locmem_cache", "requests_as_app_role")]

ROLES = ("anon", "clerk", "other_clerk", "lead", "co", "stranger", "signer")


def u(name, *args):
    return reverse(f"proposals:{name}", args=args)


# Valid POST data for each action (so an allowed role really gets its change made).
def register_data(s):
    return {
        "session": s.session.pk, "number": 45001, "title": "关于新提案的提案",
        "lead_proposer": s.proposer.pk, "content": "内容",
    }


def assign_data(s):
    data = {"assigned_on": "2025-04-01", "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0"}
    data.update({"form-0-unit": s.lead_unit.pk, "form-0-role": "lead", "form-0-due_on": ""})
    data.update({"form-1-unit": s.co_unit.pk, "form-1-role": "co", "form-1-due_on": ""})
    return data


def contact_data(s):
    return {"contacted_on": "2025-03-31", "method": "phone", "summary": "电话沟通，委员同意。"}


def section_data(s):
    return {"heading": "意见", "body": "第一段。\n\n第二段。", "version": 1, "action": "save"}


def extension_data(s):
    return {"requested_due_on": "2025-07-15", "reason": "需要补充调研。"}


def reassignment_data(s):
    return {"reason": "不属于本单位职能。", "suggested_unit": s.idle_unit.pk}


def task_data(s, assignee="signer"):
    return {"kind": "contact", "title": "", "assignee": s.users[assignee].pk,
            "due_on": "2025-04-20", "note": "请先电话联系。"}


def reassign_data(s, assignee="signer"):
    return {"assignee": s.users[assignee].pk}


def key_data(s):
    return {"leader": "王建华", "leader_title": "市政协副主席",
            "supervising_unit": "市政协提案委员会"}


def supervision_data(s):
    return {"held_on": "2025-03-31", "kind": "leader_note", "participants": "王建华副主席",
            "text": "请市市场监管局抓紧办理。"}


NONE = lambda s: {}  # noqa: E731

# name (URL name), label, url(s), method, data(s),
#        anon clerk other_clerk lead  co  stranger signer
MATRIX = [
    # --- Clerk pages -----------------------------------------------------------------
    ("proposal_list", "list", lambda s: u("proposal_list"), "GET", NONE,
        (302, 200, 200, 403, 403, 403, 403)),
    ("proposal_register", "form", lambda s: u("proposal_register"), "GET", NONE,
        (302, 200, 200, 403, 403, 403, 403)),
    # The other committee's clerk may not pick this committee's session: refused input.
    ("proposal_register", "create", lambda s: u("proposal_register"), "POST", register_data,
        (302, 302, 400, 403, 403, 403, 403)),
    ("proposal_detail", "assigned proposal", lambda s: u("proposal_detail", s.proposal.pk),
        "GET", NONE, (302, 200, 404, 403, 403, 404, 403)),
    ("proposal_detail", "registered, units not told",
        lambda s: u("proposal_detail", s.registered.pk), "GET", NONE,
        (302, 200, 404, 404, 404, 404, 404)),
    ("proposal_detail", "guess: other committee's",
        lambda s: u("proposal_detail", s.other_proposal.pk), "GET", NONE,
        (302, 404, 200, 404, 404, 404, 404)),
    ("proposal_accept", "GET", lambda s: u("proposal_accept", s.registered.pk), "GET", NONE,
        (302, 405, 405, 405, 405, 405, 405)),
    ("proposal_accept", "accept", lambda s: u("proposal_accept", s.registered.pk), "POST",
        NONE, (302, 302, 404, 404, 404, 404, 404)),
    ("proposal_reject", "reject", lambda s: u("proposal_reject", s.registered.pk), "POST",
        lambda s: {"reason": "不属于政协提案范围。"}, (302, 302, 404, 404, 404, 404, 404)),
    ("proposal_merge", "merge", lambda s: u("proposal_merge", s.registered.pk), "POST",
        lambda s: {"into": s.proposal.pk}, (302, 302, 404, 404, 404, 404, 404)),
    ("proposal_merge", "on the assigned proposal",
        lambda s: u("proposal_merge", s.proposal.pk), "POST", lambda s: {"into": s.registered.pk},
        (302, 400, 404, 403, 403, 404, 403)),
    ("proposal_assign", "form", lambda s: u("proposal_assign", s.accepted.pk), "GET", NONE,
        (302, 200, 404, 404, 404, 404, 404)),
    ("proposal_assign", "assign", lambda s: u("proposal_assign", s.accepted.pk), "POST",
        assign_data, (302, 302, 404, 404, 404, 404, 404)),
    ("proposal_assign", "already assigned, units see it",
        lambda s: u("proposal_assign", s.proposal.pk), "GET", NONE,
        (302, 200, 404, 403, 403, 404, 403)),
    ("extension_decide", "approve",
        lambda s: u("extension_decide", s.proposal.pk, s.extension.pk), "POST",
        lambda s: {"approve": "1"}, (302, 302, 404, 403, 403, 404, 403)),
    ("extension_decide", "guess: request of another proposal",
        lambda s: u("extension_decide", s.accepted.pk, s.extension.pk), "POST",
        lambda s: {"approve": "1"}, (302, 404, 404, 404, 404, 404, 404)),
    ("reassignment_decide", "reject",
        lambda s: u("reassignment_decide", s.proposal.pk, s.reassignment.pk), "POST",
        lambda s: {"approve": "0"}, (302, 302, 404, 403, 403, 404, 403)),
    # --- 重点提案 and 督办 (s.key: a key proposal of the lead and co units, with a record)
    ("key_proposal_list", "list", lambda s: u("key_proposal_list"), "GET", NONE,
        (302, 200, 200, 403, 403, 403, 403)),
    ("key_mark", "GET", lambda s: u("key_mark", s.proposal.pk), "GET", NONE,
        (302, 405, 405, 405, 405, 405, 405)),
    ("key_mark", "mark", lambda s: u("key_mark", s.proposal.pk), "POST", key_data,
        (302, 302, 404, 403, 403, 404, 403)),
    ("key_mark", "without a leader", lambda s: u("key_mark", s.proposal.pk), "POST",
        lambda s: {"supervising_unit": "提案委"}, (302, 400, 404, 403, 403, 404, 403)),
    ("key_mark", "guess: other committee's", lambda s: u("key_mark", s.other_proposal.pk),
        "POST", key_data, (302, 404, 302, 404, 404, 404, 404)),
    ("key_unmark", "GET", lambda s: u("key_unmark", s.key.pk), "GET", NONE,
        (302, 405, 405, 405, 405, 405, 405)),
    ("key_unmark", "unmark", lambda s: u("key_unmark", s.key.pk), "POST",
        lambda s: {"reason": "已列入市政府重点工作。"}, (302, 302, 404, 403, 403, 404, 403)),
    ("key_unmark", "not a key proposal", lambda s: u("key_unmark", s.proposal.pk), "POST",
        lambda s: {"reason": "x"}, (302, 400, 404, 403, 403, 404, 403)),
    ("supervision_create", "form", lambda s: u("supervision_create", s.key.pk), "GET", NONE,
        (302, 200, 404, 403, 403, 404, 403)),
    ("supervision_create", "create", lambda s: u("supervision_create", s.key.pk), "POST",
        supervision_data, (302, 302, 404, 403, 403, 404, 403)),
    ("supervision_create", "not a key proposal",
        lambda s: u("supervision_create", s.proposal.pk), "POST", supervision_data,
        (302, 400, 404, 403, 403, 404, 403)),
    ("supervision_create", "guess: other committee's",
        lambda s: u("supervision_create", s.other_proposal.pk), "GET", NONE,
        (302, 404, 200, 404, 404, 404, 404)),
    ("assignment_detail", "key proposal's lead, with 督办 records",
        lambda s: u("assignment_detail", s.key_lead.pk), "GET", NONE,
        (302, 403, 404, 200, 404, 404, 200)),
    ("assignment_detail", "key proposal's co unit, with 督办 records",
        lambda s: u("assignment_detail", s.key_co.pk), "GET", NONE,
        (302, 403, 404, 404, 200, 404, 404)),
    # --- Unit pages ------------------------------------------------------------------
    ("assignment_detail", "lead assignment", lambda s: u("assignment_detail", s.lead.pk),
        "GET", NONE, (302, 403, 404, 200, 404, 404, 200)),
    ("assignment_detail", "co assignment", lambda s: u("assignment_detail", s.co.pk),
        "GET", NONE, (302, 403, 404, 404, 200, 404, 404)),
    ("assignment_detail", "guess: other committee's",
        lambda s: u("assignment_detail", s.other_assignment.pk), "GET", NONE,
        (302, 404, 403, 404, 404, 404, 404)),
    ("contact_create", "form", lambda s: u("contact_create", s.lead.pk), "GET", NONE,
        (302, 403, 404, 200, 404, 404, 403)),
    ("contact_create", "create", lambda s: u("contact_create", s.lead.pk), "POST",
        contact_data, (302, 403, 404, 302, 404, 404, 403)),
    ("contact_create", "co unit does not answer the proposer",
        lambda s: u("contact_create", s.co.pk), "GET", NONE,
        (302, 403, 404, 404, 403, 404, 404)),
    ("section_create", "form", lambda s: u("section_create", s.co.pk), "GET", NONE,
        (302, 403, 404, 404, 200, 404, 404)),
    ("section_create", "create", lambda s: u("section_create", s.co.pk), "POST",
        section_data, (302, 403, 404, 404, 302, 404, 404)),
    ("section_create", "lead's own material",
        lambda s: u("section_create", s.lead.pk), "POST", section_data,
        (302, 403, 404, 302, 404, 404, 403)),
    ("section_edit", "own draft", lambda s: u("section_edit", s.lead.pk, s.lead_draft.pk),
        "GET", NONE, (302, 403, 404, 200, 404, 404, 200)),
    ("section_edit", "save own draft",
        lambda s: u("section_edit", s.lead.pk, s.lead_draft.pk), "POST", section_data,
        (302, 403, 404, 302, 404, 404, 403)),
    ("section_edit", "submitted co section",
        lambda s: u("section_edit", s.co.pk, s.co_section.pk), "GET", NONE,
        (302, 403, 404, 404, 200, 404, 404)),
    ("section_edit", "guess: lead reads co section as its own",
        lambda s: u("section_edit", s.lead.pk, s.co_section.pk), "GET", NONE,
        (302, 403, 404, 403, 404, 404, 403)),
    ("section_edit", "guess: another co unit's draft under own assignment",
        lambda s: u("section_edit", s.co.pk, s.co2_draft.pk), "GET", NONE,
        (302, 403, 404, 404, 404, 404, 404)),
    ("section_edit", "guess: lead's draft under co assignment",
        lambda s: u("section_edit", s.co.pk, s.lead_draft.pk), "GET", NONE,
        (302, 403, 404, 404, 404, 404, 404)),
    ("section_edit", "guess: co unit's draft under lead assignment",
        lambda s: u("section_edit", s.lead.pk, s.co2_draft.pk), "GET", NONE,
        (302, 403, 404, 404, 404, 404, 404)),
    ("section_edit", "guess: other committee's section",
        lambda s: u("section_edit", s.lead.pk, s.other_section.pk), "GET", NONE,
        (302, 403, 404, 404, 404, 404, 404)),
    ("section_submit", "GET", lambda s: u("section_submit", s.lead.pk, s.lead_draft.pk),
        "GET", NONE, (302, 405, 405, 405, 405, 405, 405)),
    ("section_submit", "submit own draft",
        lambda s: u("section_submit", s.lead.pk, s.lead_draft.pk), "POST", NONE,
        (302, 403, 404, 302, 404, 404, 403)),
    ("section_accept", "accept co section",
        lambda s: u("section_accept", s.lead.pk, s.co_section.pk), "POST", NONE,
        (302, 403, 404, 302, 404, 404, 403)),
    ("section_accept", "guess: co unit accepts its own",
        lambda s: u("section_accept", s.co.pk, s.co_section.pk), "POST", NONE,
        (302, 403, 404, 404, 403, 404, 404)),
    ("section_accept", "guess: lead accepts its own draft",
        lambda s: u("section_accept", s.lead.pk, s.lead_draft.pk), "POST", NONE,
        (302, 403, 404, 403, 404, 404, 403)),
    ("section_accept", "guess: other committee's section",
        lambda s: u("section_accept", s.lead.pk, s.other_section.pk), "POST", NONE,
        (302, 403, 404, 404, 404, 404, 403)),
    ("section_return", "return co section",
        lambda s: u("section_return", s.lead.pk, s.co_section.pk), "POST",
        lambda s: {"reason": "请补充数据。"}, (302, 403, 404, 302, 404, 404, 403)),
    ("section_return", "guess: co unit returns its own",
        lambda s: u("section_return", s.co.pk, s.co_section.pk), "POST",
        lambda s: {"reason": "x"}, (302, 403, 404, 404, 403, 404, 404)),
    # --- Tasks inside a unit: only the unit's people know them (clerks too get 404 on a
    # task); the unit admin and handlers give out, hand over and cancel; the holder (here
    # the signer's own task) marks done.
    ("task_create", "form", lambda s: u("task_create", s.lead.pk), "GET", NONE,
        (302, 403, 404, 200, 404, 404, 403)),
    ("task_create", "create", lambda s: u("task_create", s.lead.pk), "POST", task_data,
        (302, 403, 404, 302, 404, 404, 403)),
    ("task_create", "refused: a person of another unit",
        lambda s: u("task_create", s.lead.pk), "POST", lambda s: task_data(s, "co"),
        (302, 403, 404, 400, 404, 404, 403)),
    ("task_create", "co unit's own", lambda s: u("task_create", s.co.pk), "GET", NONE,
        (302, 403, 404, 404, 200, 404, 404)),
    ("task_done", "GET", lambda s: u("task_done", s.lead.pk, s.lead_task.pk), "GET", NONE,
        (302, 405, 405, 405, 405, 405, 405)),
    ("task_done", "handler's task", lambda s: u("task_done", s.lead.pk, s.lead_task.pk),
        "POST", NONE, (302, 404, 404, 302, 404, 404, 403)),
    ("task_done", "signer's own task",
        lambda s: u("task_done", s.lead.pk, s.signer_task.pk), "POST", NONE,
        (302, 404, 404, 302, 404, 404, 302)),
    ("task_done", "guess: lead's task under the co assignment",
        lambda s: u("task_done", s.co.pk, s.lead_task.pk), "POST", NONE,
        (302, 404, 404, 404, 404, 404, 404)),
    ("task_done", "guess: other committee's task",
        lambda s: u("task_done", s.other_assignment.pk, s.other_task.pk), "POST", NONE,
        (302, 404, 404, 404, 404, 404, 404)),
    ("task_cancel", "GET", lambda s: u("task_cancel", s.lead.pk, s.lead_task.pk), "GET",
        NONE, (302, 405, 405, 405, 405, 405, 405)),
    ("task_cancel", "cancel", lambda s: u("task_cancel", s.lead.pk, s.lead_task.pk), "POST",
        lambda s: {"cancel_reason": "委员已书面答复，无需再联系。"},
        (302, 404, 404, 302, 404, 404, 403)),
    ("task_cancel", "refused: no reason",
        lambda s: u("task_cancel", s.lead.pk, s.lead_task.pk), "POST",
        lambda s: {"cancel_reason": "  "}, (302, 404, 404, 400, 404, 404, 403)),
    ("task_cancel", "guess: co unit's task",
        lambda s: u("task_cancel", s.co.pk, s.co_task.pk), "POST",
        lambda s: {"cancel_reason": "x"}, (302, 404, 404, 404, 302, 404, 404)),
    ("task_reassign", "GET", lambda s: u("task_reassign", s.lead.pk, s.lead_task.pk), "GET",
        NONE, (302, 405, 405, 405, 405, 405, 405)),
    ("task_reassign", "to a colleague",
        lambda s: u("task_reassign", s.lead.pk, s.lead_task.pk), "POST", reassign_data,
        (302, 404, 404, 302, 404, 404, 403)),
    ("task_reassign", "refused: to a person of another unit",
        lambda s: u("task_reassign", s.lead.pk, s.lead_task.pk), "POST",
        lambda s: reassign_data(s, "co"), (302, 404, 404, 400, 404, 404, 403)),
    ("task_reassign", "guess: other committee's task",
        lambda s: u("task_reassign", s.other_assignment.pk, s.other_task.pk), "POST",
        lambda s: reassign_data(s, "other_handler"), (302, 404, 404, 404, 404, 404, 404)),
    ("extension_request", "form", lambda s: u("extension_request", s.lead.pk), "GET", NONE,
        (302, 403, 404, 200, 404, 404, 403)),
    ("extension_request", "create", lambda s: u("extension_request", s.lead.pk), "POST",
        extension_data, (302, 403, 404, 302, 404, 404, 403)),
    ("reassignment_request", "form", lambda s: u("reassignment_request", s.co.pk), "GET",
        NONE, (302, 403, 404, 404, 200, 404, 404)),
    ("reassignment_request", "create", lambda s: u("reassignment_request", s.lead.pk),
        "POST", reassignment_data, (302, 403, 404, 302, 404, 404, 403)),
]

CASES = [
    pytest.param(url, method, data, role, expected[i], id=f"{name}[{label}]-{method}-{role}")
    for name, label, url, method, data, expected in MATRIX
    for i, role in enumerate(ROLES)
]


def add_key_proposal(s) -> None:
    """A key proposal (重点提案) handled by the lead and the co unit, with a 督办 record."""
    s.key = ProposalFactory(
        session=s.session, number=44600, lead_proposer=s.proposer,
        status=Proposal.Status.IN_PROGRESS, title="关于推进质量强市建设的提案",
    )
    s.key_lead = AssignmentFactory(proposal=s.key, unit=s.lead_unit, role=Assignment.Role.LEAD)
    s.key_co = AssignmentFactory(proposal=s.key, unit=s.co_unit, role=Assignment.Role.CO)
    services.proposal_mark_key(
        proposal=s.key, leader="李晓梅", leader_title="副市长", supervising_unit="市政府督查室",
        actor=s.users["clerk"],
    )
    services.supervision_record_create(
        proposal=s.key, kind="meeting", held_on=dt.date(2025, 3, 31),
        participants="李晓梅副市长、市市场监管局", text="召开督办座谈会。", actor=s.users["clerk"],
    )


@pytest.fixture(scope="module")
def scenario(module_db):
    """Built once for the module's some 600 requests (module_db: each test's changes are
    rolled back), on a clock kept at 1 April 2025 while they run."""
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        s = build_scenario()
        add_key_proposal(s)
        yield s


def _counts() -> dict:
    models = (Proposal, Assignment, Section, ContactRecord, ExtensionRequest, ReassignmentRequest,
              Task, Notice, SupervisionRecord)
    return {m.__name__: m.objects.count() for m in models}


def _states(s) -> dict:
    return {
        "proposals": list(Proposal.objects.order_by("pk").values_list("status", flat=True)),
        "key": list(Proposal.objects.order_by("pk").values_list(
            "is_key", "supervising_leader", "supervising_unit", "key_unmark_reason")),
        "sections": list(Section.objects.order_by("pk").values_list("state", "version")),
        "requests": list(ExtensionRequest.objects.values_list("state", flat=True))
        + list(ReassignmentRequest.objects.values_list("state", flat=True)),
        "tasks": list(Task.objects.order_by("pk").values_list("state", "assignee_id")),
    }


@pytest.mark.parametrize(("url", "method", "data", "role", "expected"), CASES)
def test_it_answers_each_role_as_the_matrix_says(client, scenario, url, method, data, role,
                                                 expected):
    s = scenario
    if role != "anon":
        client.force_login(s.users[role])
    before = (_counts(), _states(s))
    path = url(s)
    response = client.get(path) if method == "GET" else client.post(path, data(s))
    assert response.status_code == expected, response.content.decode()[:2000]
    if role == "anon" and expected == 302:
        assert response["Location"].startswith(reverse("login"))
    if method == "POST" and expected != 302:
        # A refused request changes nothing at all.
        assert (_counts(), _states(s)) == before
    if method == "POST" and expected == 302 and role != "anon":
        assert (_counts(), _states(s)) != before


def test_it_covers_every_url_of_the_app():
    resolver = get_resolver()
    included = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "proposals"]
    names = {pattern.name for inc in included for pattern in inc.url_patterns}
    assert names == {row[0] for row in MATRIX}


POST_ROWS = [
    pytest.param(url, data, role, id=f"{name}[{label}]-{role}")
    for name, label, url, method, data, expected in MATRIX
    for role, code in zip(ROLES, expected, strict=True)
    if method == "POST" and code == 302 and role != "anon"
]


@pytest.mark.parametrize(("url", "data", "role"), POST_ROWS)
def test_it_refuses_a_post_without_csrf_token(scenario, url, data, role):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users[role])
    before = _counts(), _states(scenario)
    response = client.post(url(scenario), data(scenario))
    assert response.status_code == 403
    assert (_counts(), _states(scenario)) == before


GET_PAGES_WITH_FORMS = [
    ("clerk", lambda s: u("proposal_register")),
    ("clerk", lambda s: u("proposal_detail", s.registered.pk)),
    ("clerk", lambda s: u("proposal_detail", s.proposal.pk)),
    ("clerk", lambda s: u("proposal_assign", s.accepted.pk)),
    ("clerk", lambda s: u("proposal_detail", s.key.pk)),
    ("clerk", lambda s: u("supervision_create", s.key.pk)),
    ("lead", lambda s: u("assignment_detail", s.key_lead.pk)),
    ("lead", lambda s: u("assignment_detail", s.lead.pk)),
    ("lead", lambda s: u("contact_create", s.lead.pk)),
    ("lead", lambda s: u("section_edit", s.lead.pk, s.lead_draft.pk)),
    ("lead", lambda s: u("task_create", s.lead.pk)),
    ("lead", lambda s: reverse("home")),
    ("lead_admin", lambda s: u("assignment_detail", s.lead.pk)),
    ("co", lambda s: u("section_create", s.co.pk)),
    ("co", lambda s: u("extension_request", s.co.pk)),
    ("co", lambda s: u("reassignment_request", s.co.pk)),
]


@pytest.mark.parametrize(("role", "url"), GET_PAGES_WITH_FORMS)
def test_it_puts_a_csrf_token_in_every_post_form(client, scenario, role, url):
    client.force_login(scenario.users[role])
    html = client.get(url(scenario)).content.decode()
    post_forms = html.count('method="post"')
    assert post_forms >= 1
    assert html.count('name="csrfmiddlewaretoken"') == post_forms
