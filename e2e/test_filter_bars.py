"""The one-line filter bars of the search and dashboard pages: each label sits beside its
field on the same middle line, and the card's padding is even above and below."""

import pytest
from playwright.sync_api import Page

from e2e.test_story_44137 import log_in
from proposals.models import CommitteeRole
from proposals.tests.factories import (
    CommitteeFactory,
    CommitteeRoleFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True)]


def _middle(box: dict) -> float:
    return box["y"] + box["height"] / 2


@pytest.mark.parametrize(
    ("path", "label", "field"),
    [("/insights/search/?q=知识产权", "检索", "#id_q"), ("/insights/", "单位", "#id_unit")],
)
def test_it_lines_each_label_up_with_its_field(live_server, page: Page, path, label, field):
    committee = CommitteeFactory(name="连云港市政协", short_name="市政协")
    SessionFactory(committee=committee, is_current=True)
    clerk = UserFactory(username="jiaoban")
    CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)
    log_in(page, live_server.url, "jiaoban")
    page.goto(live_server.url + path)

    bar = page.locator("form.filters").bounding_box()
    label_box = page.locator("form.filters label", has_text=label).bounding_box()
    field_box = page.locator(field).bounding_box()
    assert abs(_middle(label_box) - _middle(field_box)) <= 2, (label_box, field_box)
    above = field_box["y"] - bar["y"]
    below = bar["y"] + bar["height"] - (field_box["y"] + field_box["height"])
    assert abs(above - below) <= 2, (above, below)
