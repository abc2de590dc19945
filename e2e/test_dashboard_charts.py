"""The dashboard's SVG charts in a browser, with its fonts: every unit name starts inside
the chart and ends before its bar (the server measures text without a browser)."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page

from e2e.test_button_contrast import log_in
from proposals.models import Assignment, CommitteeRole, Proposal
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeFactory,
    CommitteeRoleFactory,
    ProposalFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

NAMES = [
    "连云港市文化广电和旅游局",
    "连云港市人力资源和社会保障局",
    "连云港市经济技术开发区管理委员会社会事业局",
    "市科技局",
    "国网连云港供电公司（ABC 123）",
]

LABELS = """
() => [...document.querySelectorAll(".insights-chart svg")].flatMap((svg) =>
  [...svg.querySelectorAll("text[text-anchor=end]")].map((t) => {
    const box = t.getBBox();
    const bar = t.parentElement.querySelector("rect");
    return {
      text: [...t.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent).join(""),
      left: box.x, right: box.x + box.width,
      bar: bar.x.baseVal.value, title: t.querySelector("title")?.textContent ?? null,
    };
  }))
"""


def test_it_draws_every_unit_name_whole_or_cut_at_its_end(live_server, page: Page, shoot):
    with time_machine.travel(dt.datetime(2025, 7, 1, 10, tzinfo=dt.UTC), tick=True):
        committee = CommitteeFactory(name="连云港市政协")
        session = SessionFactory(committee=committee, is_current=True)
        for i, name in enumerate(NAMES):
            AssignmentFactory(
                proposal=ProposalFactory(session=session, status=Proposal.Status.ASSIGNED),
                unit=UnitFactory(committee=committee, name=name),
                role=Assignment.Role.LEAD,
                due_on=dt.date(2025, 6, 1 + i),
            )
        clerk = UserFactory()
        CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)

        log_in(page, live_server.url, clerk)
        page.goto(f"{live_server.url}/insights/")
        labels = page.evaluate(LABELS)
        shoot("charts")
    names = {label["title"] or label["text"] for label in labels}
    assert set(NAMES) <= names
    for label in labels:
        assert label["left"] >= 0, label
        assert label["right"] < label["bar"], label
        if label["title"]:
            assert label["text"].endswith("…") and label["title"].startswith(label["text"][:-1])
