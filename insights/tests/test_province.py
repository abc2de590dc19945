"""The province page: each descendant committee's figures, for a province's staff given
read access (CommitteeRole.reads_descendants), and for no one else."""

import re

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Committee, CommitteeRole
from proposals.tests.factories import CommitteeFactory, CommitteeRoleFactory

pytestmark = pytest.mark.django_db

URL = reverse("insights:province")


@pytest.fixture
def provinces(world):
    """江苏省 above 连云港 (the world's figures) and 东海县 under it; 山东省 above 徐州."""
    jiangsu = CommitteeFactory(name="江苏省政协")
    shandong = CommitteeFactory(name="山东省政协")
    Committee.objects.filter(pk=world["committee"].pk).update(parent=jiangsu)
    Committee.objects.filter(name="徐州市政协").update(parent=shandong)
    county = CommitteeFactory(name="东海县政协", parent=world["committee"])
    return {"jiangsu": jiangsu, "shandong": shandong, "county": county}


def _reader(committee, *, reads_descendants=True):
    return CommitteeRoleFactory(
        committee=committee, role=CommitteeRole.Role.CLERK, reads_descendants=reads_descendants
    ).user


def _rows(html: str) -> dict[str, list[str]]:
    rows = {}
    for body in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S):
        name, rest = body.split("</th>", 1)
        rows[name.strip()] = [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", rest)]
    return rows


@time_machine.travel("2025-07-01 10:00 +0800", tick=False)
def test_it_shows_a_province_its_cities_and_counties_figures(client, world, provinces):
    client.force_login(_reader(provinces["jiangsu"]))
    response = client.get(URL)
    assert response.status_code == 200
    rows = _rows(response.content.decode())
    assert list(rows) == ["连云港市政协", "东海县政协"]  # not 徐州, another province's
    assert rows["连云港市政协"][1:] == ["7", "57.1%", "42.9%", "66.7%", "2"]
    assert rows["东海县政协"] == ["尚无届次"]


def test_it_refuses_a_province_clerk_without_the_grant(client, provinces):
    client.force_login(_reader(provinces["jiangsu"], reads_descendants=False))
    assert client.get(URL).status_code == 403


def test_it_refuses_a_county_with_nothing_below(client, provinces):
    client.force_login(_reader(provinces["county"]))
    assert client.get(URL).status_code == 403


def test_it_sends_a_stranger_to_the_login_page(client):
    assert client.get(URL).status_code == 302
