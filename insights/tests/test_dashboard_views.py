import pytest
import time_machine
from django.urls import reverse

from proposals.tests.factories import CommitteeRoleFactory, UserFactory

from .helpers import read_xlsx

pytestmark = pytest.mark.django_db


def _url(world, **query):
    url = reverse("insights:dashboard_session", args=[world["session"].pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


@time_machine.travel("2025-07-01 10:00 +0800", tick=False)
def test_it_shows_the_committee_figures_with_definitions_to_the_clerk(client, world):
    client.force_login(world["clerk"])
    response = client.get(_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="reply-rate">57.1%' in html
    assert 'id="on-time-rate">42.9%' in html
    assert 'id="satisfaction-rate">66.7%' in html
    assert "按期办复件数 ÷ 应办复件数" in html  # the definitions are on the page
    assert "<svg" in html and "<rect" in html
    for unit in world["units"]:
        assert unit.name in html


@time_machine.travel("2025-07-01 10:00 +0800", tick=False)
def test_it_says_that_overdue_counts_assignments_and_how_many_proposals(client, world):
    client.force_login(world["clerk"])
    html = client.get(_url(world)).content.decode()
    figures = html.split('class="insights-figures"')[1].split("</table>")[0]
    assert '<td>超期未办（交办件次）</td><td id="overdue-count">2</td>' in figures
    assert '涉及提案 <span id="overdue-proposals">2</span> 件' in figures
    assert "<h2>超期未办（2件次，涉及提案2件）</h2>" in html
    assert "<dt>超期未办（交办件次）</dt>" in html  # and the definition says what it counts


def test_it_sends_a_unit_person_to_their_own_unit_only(client, world):
    u1, u2, _u3 = world["units"]
    client.force_login(world["u1_handler"])
    response = client.get(_url(world))
    assert response.status_code == 200
    ranking = response.content.decode().split('id="unit-ranking"')[1].split("</table>")[0]
    assert u1.name in ranking
    assert u2.name not in ranking
    assert client.get(_url(world, unit=u1.pk)).status_code == 200
    assert client.get(_url(world, unit=u2.pk)).status_code == 403
    export = reverse("insights:dashboard_export", args=[world["session"].pk])
    assert client.get(f"{export}?unit={u2.pk}").status_code == 403


def test_it_hides_the_session_from_another_committees_clerk(client, world):
    client.force_login(world["other_clerk"])
    assert client.get(_url(world)).status_code == 404
    export = reverse("insights:dashboard_export", args=[world["session"].pk])
    assert client.get(export).status_code == 404
    for name in ("export_proposals", "export_assignments", "export_replies"):
        url = reverse(f"insights:{name}", args=[world["session"].pk])
        assert client.post(url).status_code == 404  # the export jobs start with a POST


def test_it_refuses_a_person_of_no_unit_and_no_committee(client, world):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(_url(world)).status_code == 404


def test_it_redirects_anonymous_visitors_to_login(client, world):
    response = client.get(_url(world))
    assert response.status_code == 302
    assert "login" in response["Location"]


@time_machine.travel("2025-07-01 10:00 +0800", tick=False)
def test_it_exports_the_dashboard_tables_that_read_back_the_same(client, world):
    client.force_login(world["clerk"])
    response = client.get(reverse("insights:dashboard_export", args=[world["session"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = read_xlsx(response.content)
    summary = {row[0]: row[1:] for row in sheets["概况"][1:]}
    assert summary["办复率"] == (4, 7, round(4 / 7, 4))
    assert summary["按期办复率"] == (3, 7, round(3 / 7, 4))
    assert summary["满意率"] == (2, 3, round(2 / 3, 4))
    ranking = sheets["单位排名"][1:]
    assert [r[1] for r in ranking] == ["市市场监督管理局", "市住房和城乡建设局", "市交通运输局"]
    assert [r[0] for r in sheets["超期未办"][1:]] == [4, 5]
    assert {r[0]: r[1] for r in sheets["办理类别"][1:]} == {"A": 2, "B": 1, "C": 1}


def test_it_lets_an_administrator_filter_by_any_unit(client, world):
    admin = CommitteeRoleFactory(
        committee=world["committee"], role="administrator", user=UserFactory(username="adm")
    ).user
    client.force_login(admin)
    u3 = world["units"][2]
    response = client.get(_url(world, unit=u3.pk))
    assert response.status_code == 200
    assert 'id="reply-rate">0.0%' in response.content.decode()


@time_machine.travel("2025-07-01 10:00 +0800", tick=False)
def test_its_tables_list_the_rows_escaped_and_in_order(client, world):
    """The ranking, overdue and unit-choice rows (built by insights_tags, not a template
    loop): every unit, the overdue rows earliest first, text escaped, the chosen unit
    marked."""
    from proposals.models import Assignment

    u1, u2, u3 = world["units"]
    p4 = Assignment.objects.get(proposal__number=4, unit=u2).proposal
    p4.title = "<b>关于“智慧停车”的提案</b>"
    p4.save()
    client.force_login(world["clerk"])
    html = client.get(_url(world, unit=u2.pk)).content.decode()
    overdue = html.split('id="overdue"')[1].split("</table>")[0]
    assert "&lt;b&gt;关于“智慧停车”的提案&lt;/b&gt;" in overdue and "<b>" not in overdue
    assert '<td class="nowrap">2025-06-20</td><td class="nowrap">11天</td>' in overdue
    assert "主办" in overdue and "第4号" in overdue
    assert f'<option value="{u2.pk}" selected>{u2.name}</option>' in html
    assert f'<option value="{u1.pk}">{u1.name}</option>' in html
    ranking = html.split('id="unit-ranking"')[1].split("</table>")[0]
    assert ranking.index(f"<td>1</td><td>{u2.name}</td>") < ranking.index(
        f"<td>2</td><td>{u1.name}</td>"
    ) < ranking.index(f"<td>3</td><td>{u3.name}</td>")


def test_an_empty_session_says_so_in_each_table(client, world):
    from proposals.tests.factories import SessionFactory

    empty = SessionFactory(committee=world["session"].committee, name="十五届一次会议",
                           term=15, sitting=1, year=2027, is_current=False)
    client.force_login(world["clerk"])
    html = client.get(reverse("insights:dashboard_session", args=[empty.pk])).content.decode()
    assert '<td colspan="9" class="empty">暂无交办</td>' in html
    assert '<td colspan="6" class="empty">没有超期未办的交办</td>' in html


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "１", "9" * 30, "1' OR '1'='1", "{{x}}"])
def test_it_answers_a_malformed_unit_filter_as_no_such_unit(client, world, value):
    """?unit=abc raised ValueError (a 500) on the page and on its spreadsheet."""
    from urllib.parse import quote

    export = reverse("insights:dashboard_export", args=[world["session"].pk])
    client.force_login(world["clerk"])
    assert client.get(_url(world, unit=quote(value))).status_code == 404
    assert client.get(f"{export}?unit={quote(value)}").status_code == 404
    client.force_login(world["u1_handler"])
    assert client.get(_url(world, unit=quote(value))).status_code == 403
    assert client.get(f"{export}?unit={quote(value)}").status_code == 403
