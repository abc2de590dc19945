"""The dashboard's figures of key proposals (重点提案): 办复率 and 满意率 over the key
proposals only, beside the session's (computed from the `world` of conftest.py by hand)."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.stats import dashboard
from proposals import services

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _mark_key(world, *numbers) -> None:
    for proposal in world["proposals"]:
        if proposal.number in numbers:
            services.proposal_mark_key(
                proposal=proposal, leader="王建华", supervising_unit="市政协提案委员会",
                actor=world["clerk"],
            )


def test_it_computes_the_key_proposals_own_rates(world):
    # Key: P2 (U1, replied late, 不满意), P4 (U2, no reply), P5 (split: U2 signed, U3 open).
    _mark_key(world, 2, 4, 5)
    board = dashboard(session=world["session"], today=TODAY)
    assert board.key_proposals == 3
    assert (board.key_replied, board.key_assigned) == (2, 4)  # P2, P5/U2 of 4
    assert board.key_reply_rate.percent == "50.0%"
    assert (board.key_satisfied, board.key_feedback) == (0, 1)  # P2's 不满意
    assert board.key_satisfaction_rate.percent == "0.0%"
    # The session's own figures are untouched.
    assert board.reply_rate.percent == "57.1%"
    assert board.satisfaction_rate.percent == "66.7%"


def test_it_computes_them_for_one_unit(world):
    _mark_key(world, 2, 4, 5)
    u2 = world["units"][1]
    board = dashboard(session=world["session"], unit=u2, units=[u2], today=TODAY)
    assert board.key_proposals == 2  # P4, P5
    assert (board.key_replied, board.key_assigned) == (1, 2)  # P5/U2; not U3's part
    assert board.key_satisfaction_rate.percent == "—"


def test_a_satisfied_key_proposal_counts_as_satisfied(world):
    _mark_key(world, 1, 3)  # 满意 and 基本满意, both on time
    board = dashboard(session=world["session"], today=TODAY)
    assert (board.key_replied, board.key_assigned) == (2, 2)
    assert (board.key_satisfied, board.key_feedback) == (2, 2)
    assert board.key_satisfaction_rate.percent == "100.0%"


def test_an_unmarked_proposal_no_longer_counts(world):
    _mark_key(world, 1, 2)
    services.proposal_unmark_key(
        proposal=world["proposals"][1], reason="调整", actor=world["clerk"]
    )
    board = dashboard(session=world["session"], today=TODAY)
    assert (board.key_proposals, board.key_replied, board.key_assigned) == (1, 1, 1)


def test_it_computes_nothing_more_without_key_proposals(world):
    board = dashboard(session=world["session"], today=TODAY)
    assert board.key_proposals == 0 and board.key_reply_rate.percent == "—"


def test_the_key_figures_run_a_fixed_number_of_queries(world):
    _mark_key(world, 2)
    with CaptureQueriesContext(connection) as one:
        dashboard(session=world["session"], today=TODAY)
    _mark_key(world, 4, 5)
    with CaptureQueriesContext(connection) as three:
        dashboard(session=world["session"], today=TODAY)
    assert len(one.captured_queries) == len(three.captured_queries)


@time_machine.travel("2025-07-01 10:00 +0800", tick=False)
def test_the_page_shows_them_beside_the_sessions(client, world):
    url = reverse("insights:dashboard_session", args=[world["session"].pk])
    client.force_login(world["clerk"])
    html = client.get(url).content.decode()
    assert 'id="key-reply-rate"' not in html  # no key proposal: no row
    _mark_key(world, 2, 4, 5)
    html = client.get(url).content.decode()
    assert 'id="reply-rate">57.1%' in html
    assert 'id="key-reply-rate">50.0%' in html
    assert 'id="key-satisfaction-rate">0.0%' in html
    assert "重点提案 3 件" in html and "重点提案办复率" in html
