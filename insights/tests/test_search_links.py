"""Every link on the search results (and on the other pages that list proposals for a
unit's people) leads somewhere the reader may go: a matrix of roles × every href."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from proposals.models import Assignment, CommitteeRole, Membership, Proposal, Section
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeRoleFactory,
    MembershipFactory,
    ProposalFactory,
    SectionFactory,
    UnitFactory,
    UserFactory,
)
from replies import access, services
from replies.tests.reply_fixtures import SIGN_DATE, make_case, ready_reply

pytestmark = pytest.mark.django_db

ROLES = ["clerk", "lead_handler", "co_handler", "unrelated_handler", "signer"]


@pytest.fixture
def world():
    """第44137号 (知识产权) with its lead unit (handler, signer), a co-handling unit with a
    submitted section, a signed reply and its correction in draft; an unrelated unit that
    handles another 知识产权 proposal and once had 44137 (withdrawn)."""
    case = make_case()
    committee = case.proposal.session.committee
    SectionFactory(
        assignment=case.co, heading="知识产权保护协作", paragraphs=["联合开展知识产权执法。"],
        order=3, state=Section.State.SUBMITTED,
    )
    signed = services.reply_sign_off(reply=ready_reply(case), actor=case.signer,
                                     signed_on=SIGN_DATE)
    correction = services.reply_correct(reply=signed, actor=case.handler)  # a draft
    co_handler = UserFactory()
    MembershipFactory(user=co_handler, unit=case.co.unit, role=Membership.Role.HANDLER)
    unrelated_unit = UnitFactory(committee=committee, name="连云港市教育局")
    unrelated = UserFactory()
    MembershipFactory(user=unrelated, unit=unrelated_unit, role=Membership.Role.HANDLER)
    AssignmentFactory(
        proposal=case.proposal, unit=unrelated_unit, role=Assignment.Role.CO,
        state=Assignment.State.WITHDRAWN,
    )
    other = ProposalFactory(
        session=case.proposal.session, number=44200, title="关于加强校园知识产权教育的提案",
        status=Proposal.Status.IN_PROGRESS,
    )
    other_assignment = AssignmentFactory(
        proposal=other, unit=unrelated_unit, role=Assignment.Role.LEAD,
        state=Assignment.State.IN_PROGRESS,
    )
    clerk = UserFactory()
    CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)
    users = {
        "clerk": clerk,
        "lead_handler": case.handler,
        "co_handler": co_handler,
        "unrelated_handler": unrelated,
        "signer": case.signer,
    }
    return {
        "case": case, "users": users, "signed": signed, "correction": correction,
        "other": other, "other_assignment": other_assignment,
    }


def _hrefs(page: str) -> list[str]:
    """The page's own links (not static files, not fragments)."""
    found = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]
    return [h for h in found if h.startswith("/") and not h.startswith("/static/")]


def _search(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("insights:search"), {"q": "知识产权"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_every_link_on_the_search_results_opens_for_the_reader(client, world, role):
    user = world["users"][role]
    page = _search(client, user)
    links = _hrefs(page)
    assert links
    for href in dict.fromkeys(links):
        assert client.get(href, follow=True).status_code == 200, (role, href)


@pytest.mark.parametrize("role", ROLES)
def test_every_link_on_the_pages_listing_proposals_opens_for_the_reader(client, world, role):
    """The home page (my work), the notices and the statistics list proposals too."""
    client.force_login(world["users"][role])
    for name in ("home", "notice_list", "insights:dashboard"):
        response = client.get(reverse(name), follow=True)
        assert response.status_code == 200, (role, name)
        for href in dict.fromkeys(_hrefs(response.content.decode())):
            if href.startswith("/admin/"):
                continue
            assert client.get(href, follow=True).status_code == 200, (role, name, href)


def test_a_unit_reader_gets_its_own_assignment_page_not_the_clerks(client, world):
    case = world["case"]
    clerk_page = reverse("proposals:proposal_detail", args=[case.proposal.pk])
    for role, assignment in (("lead_handler", case.lead), ("signer", case.lead),
                             ("co_handler", case.co)):
        page = _search(client, world["users"][role])
        assert clerk_page not in page, role
        assert reverse("proposals:assignment_detail", args=[assignment.pk]) in page, role
    page = _search(client, world["users"]["unrelated_handler"])
    assert case.proposal.title not in page  # withdrawn: no longer its business
    assert reverse("proposals:assignment_detail", args=[world["other_assignment"].pk]) in page
    assert clerk_page in _search(client, world["users"]["clerk"])


def test_reply_links_only_to_replies_the_reader_may_open(client, world):
    signed, correction = world["signed"], world["correction"]
    signed_url = reverse("replies:detail", args=[signed.pk])
    draft_url = reverse("replies:detail", args=[correction.pk])
    lead_page = _search(client, world["users"]["lead_handler"])
    assert signed_url in lead_page and draft_url in lead_page
    clerk_page = _search(client, world["users"]["clerk"])
    assert signed_url in clerk_page and draft_url not in clerk_page
    co_page = _search(client, world["users"]["co_handler"])
    # The co-handling unit is on the letter's 抄送: it opens the signed letter, not a draft.
    assert signed_url in co_page and draft_url not in co_page
    for person in world["users"].values():
        page = _search(client, person)
        for reply in (signed, correction):
            url = reverse("replies:detail", args=[reply.pk])
            assert (url in page) == access.can_read(person, reply), (person, reply)
