"""Where a person opens a proposal from a list (selectors.reading_places, links)."""

import pytest
from django.urls import reverse

from proposals.links import proposal_urls
from proposals.models import Assignment, CommitteeRole, Membership
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeRoleFactory,
    MembershipFactory,
    ProposalFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_it_sends_each_reader_where_they_may_go():
    proposal = ProposalFactory()
    committee = proposal.session.committee
    co_unit, lead_unit = UnitFactory(committee=committee), UnitFactory(committee=committee)
    co = AssignmentFactory(proposal=proposal, unit=co_unit, role=Assignment.Role.CO)
    lead = AssignmentFactory(proposal=proposal, unit=lead_unit, role=Assignment.Role.LEAD)
    in_both = UserFactory()  # a person in the co unit and the lead unit: the lead's page
    MembershipFactory(user=in_both, unit=co_unit, role=Membership.Role.HANDLER)
    MembershipFactory(user=in_both, unit=lead_unit, role=Membership.Role.SIGNER)
    assert proposal_urls(in_both, [proposal.pk]) == {
        proposal.pk: reverse("proposals:assignment_detail", args=[lead.pk])}
    co_only = UserFactory()
    MembershipFactory(user=co_only, unit=co_unit, role=Membership.Role.HANDLER)
    assert proposal_urls(co_only, [proposal.pk]) == {
        proposal.pk: reverse("proposals:assignment_detail", args=[co.pk])}
    clerk = UserFactory()  # a clerk who also works for a unit: the clerk's page
    CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)
    MembershipFactory(user=clerk, unit=lead_unit, role=Membership.Role.HANDLER)
    assert proposal_urls(clerk, [proposal.pk]) == {
        proposal.pk: reverse("proposals:proposal_detail", args=[proposal.pk])}


def test_a_withdrawn_assignment_or_another_committee_gives_no_link():
    proposal = ProposalFactory()
    unit = UnitFactory(committee=proposal.session.committee)
    AssignmentFactory(proposal=proposal, unit=unit, state=Assignment.State.WITHDRAWN)
    handler = UserFactory()
    MembershipFactory(user=handler, unit=unit, role=Membership.Role.HANDLER)
    assert proposal_urls(handler, [proposal.pk]) == {}
    other_clerk = UserFactory()
    CommitteeRoleFactory(user=other_clerk, role=CommitteeRole.Role.CLERK)
    assert proposal_urls(other_clerk, [proposal.pk]) == {}
