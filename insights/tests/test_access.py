"""The search's join-friendly permission rules must equal the selectors they mirror."""

import pytest
from django.db.models import Q

from insights.access import reply_visibility, section_visibility
from proposals import selectors
from proposals.models import Membership, Section
from proposals.tests.factories import CommitteeRoleFactory, UserFactory
from replies.models import FROZEN_STATES, Reply

from .test_search import data  # noqa: F401 - the labelled fixture

pytestmark = pytest.mark.django_db


def _people(data):  # noqa: F811
    return [
        data["clerk"], data["u1_user"], data["u2_user"], UserFactory(username="nobody"),
        CommitteeRoleFactory(user=UserFactory(username="elsewhere")).user,
    ]


def test_it_shows_the_same_sections_as_the_selector(data):  # noqa: F811
    for person in _people(data):
        mine = set(Section.objects.filter(section_visibility(person)).values_list("pk", flat=True))
        theirs = set(selectors.sections_visible_to(person).values_list("pk", flat=True))
        assert mine == theirs, person.username


def test_it_shows_replies_by_the_proposal_rule(data):  # noqa: F811
    for person in _people(data):
        own_units = Membership.objects.filter(user=person).values("unit_id")
        expected = set(
            Reply.objects.filter(
                Q(unit__in=own_units)
                | Q(state__in=FROZEN_STATES,
                    proposal__in=selectors.proposals_visible_to(person))
            ).values_list("pk", flat=True)
        )
        mine = set(Reply.objects.filter(reply_visibility(person)).values_list("pk", flat=True))
        assert mine == expected, person.username
    assert set(Reply.objects.filter(reply_visibility(data["clerk"]))) == {data["reply"]}
