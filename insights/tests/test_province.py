"""The province page: each descendant committee's figures, for a province's staff given
read access (CommitteeRole.reads_descendants), and for no one else."""

import re

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Committee, CommitteeRole
from proposals.tests.factories import CommitteeFactory, CommitteeRoleFactory

# The requests run as the application's database role on PostgreSQL (rls/): the wall and
# the Python filters together.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requests_as_app_role")]

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
    rows_html = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    for body in rows_html:
        name, rest = body.split("</th>", 1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", rest)
        rows[re.sub(r"<[^>]+>", "", name).strip()] = [cell.strip() for cell in cells]
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
    # Each row opens that committee's figures, read only.
    for committee in (world["committee"], provinces["county"]):
        link = reverse("insights:province_committee", args=[committee.pk])
        assert link in response.content.decode()


@time_machine.travel("2025-07-01 10:00 +0800", tick=False)
def test_it_opens_one_committee_below_read_only(client, world, provinces):
    client.force_login(_reader(provinces["jiangsu"]))
    url = reverse("insights:province_committee", args=[world["committee"].pk])
    page = client.get(url).content.decode()
    assert world["committee"].name in page
    assert '<td id="reply-rate">57.1%</td>' in page  # the committee's own dashboard figures
    main = page.split("<main", 1)[1]
    assert "method=\"post\"" not in main and "export" not in main  # nothing to change
    county = client.get(reverse("insights:province_committee", args=[provinces["county"].pk]))
    assert "该政协尚无届次" in county.content.decode()
    # Another province's city, the province itself, a number that is no committee: 404.
    xuzhou = Committee.objects.get(name="徐州市政协")
    for pk in (xuzhou.pk, provinces["jiangsu"].pk, 999999):
        assert client.get(reverse("insights:province_committee", args=[pk])).status_code == 404
    assert client.get(url, {"session": "x"}).status_code == 404


def test_it_searches_the_committees_below_and_no_others(client, world, provinces):
    from proposals.models import Proposal

    mine = Proposal.objects.filter(session__committee=world["committee"]).first()
    Proposal.objects.filter(pk=mine.pk).update(title="关于加强知识产权保护的提案")
    theirs = Proposal.objects.filter(session__committee__name="徐州市政协").first()
    Proposal.objects.filter(pk=theirs.pk).update(title="关于知识产权保护体系的提案")
    client.force_login(_reader(provinces["jiangsu"]))
    url = reverse("insights:province_search")
    page = client.get(url, {"q": "知识产权"}).content.decode()
    assert "关于加强知识产权保护的提案" in page and world["committee"].name in page
    assert "关于知识产权保护体系的提案" not in page  # 徐州 is another province's
    one = client.get(url, {"q": "知识产权", "committee": provinces["county"].pk})
    assert "没有找到" in one.content.decode()
    refused = client.get(url, {"q": "知识产权", "committee": theirs.session.committee_id})
    assert "选择一个有效的选项" in refused.content.decode()
    assert "太短" in client.get(url, {"q": "知"}).content.decode()


def test_it_shows_the_menu_item_only_to_those_who_oversee(client, world, provinces):
    province_url = reverse("insights:province")
    client.force_login(_reader(provinces["jiangsu"]))
    # No proposals of its own: home and 统计 lead to the committees below.
    assert client.get("/").url == province_url
    assert client.get(reverse("insights:dashboard")).url == province_url
    assert province_url in client.get(province_url).content.decode()
    client.force_login(_reader(provinces["jiangsu"], reads_descendants=False))
    assert province_url not in client.get("/", follow=True).content.decode()
    for url in (reverse("insights:province_search"),
                reverse("insights:province_committee", args=[world["committee"].pk])):
        assert client.get(url).status_code == 403


def test_it_refuses_a_province_clerk_without_the_grant(client, provinces):
    client.force_login(_reader(provinces["jiangsu"], reads_descendants=False))
    assert client.get(URL).status_code == 403


def test_it_refuses_a_county_with_nothing_below(client, provinces):
    client.force_login(_reader(provinces["county"]))
    assert client.get(URL).status_code == 403


def test_it_sends_a_stranger_to_the_login_page(client):
    assert client.get(URL).status_code == 302


def _queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL)  # warms the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_it_reads_the_figures_from_the_cache_in_the_same_queries_for_any_number_of_cities(
    client, world, provinces, settings
):
    from proposals.tests.factories import SessionFactory

    settings.STATS_CACHE_SECONDS = 600
    client.force_login(_reader(provinces["jiangsu"]))
    few = _queries(client)
    for n in range(4):
        city = CommitteeFactory(name=f"第{n}市政协", parent=provinces["jiangsu"])
        SessionFactory(committee=city, is_current=True)
    many = _queries(client)
    assert many == few
    page = client.get(URL).content.decode()
    assert all(f"第{n}市政协" in page for n in range(4))
