"""The 承办单位考评 pages as the committee's clerk: the ranked table, a unit's breakdown,
the rules (validation messages that name the row), the adjustment with its reason and
history, and the .xlsx."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from insights.models import AssessmentRule, ScoreAdjustment
from proposals.tests.scenario import build_scenario

from .helpers import read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build_scenario()


@pytest.fixture
def clerk(client, world):
    client.force_login(world.users["clerk"])
    return client


def _url(name, world, *args):
    return reverse(f"insights:{name}", args=args) + f"?session={world.session.pk}"


def test_it_ranks_the_units_with_a_column_per_rule(clerk, world):
    response = clerk.get(_url("assessment", world))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("按期办复", "过程满意", "结果满意", "会签按时", "沟通协商", "意见退回", "超期"):
        assert f">{name}</th>" in page
    assert world.lead_unit.name in page
    assert world.co_unit.name in page
    assert AssessmentRule.objects.filter(scheme__session=world.session).count() == 7


def test_the_dashboard_links_to_it_for_the_clerk_only(client, world):
    client.force_login(world.users["clerk"])
    assert 'id="assessment-link"' in client.get(reverse("insights:dashboard")).content.decode()
    client.force_login(world.users["lead"])
    assert 'id="assessment-link"' not in client.get(reverse("insights:dashboard")).content.decode()


def test_the_unit_page_shows_each_measure_and_its_points(clerk, world):
    page = clerk.get(_url("assessment_unit", world, world.lead_unit.pk)).content.decode()
    assert "按期办复率" in page
    assert "无计算基数（得满分）" in page  # nothing replied yet: the default
    assert "尚无调整" in page


def test_an_adjustment_needs_a_reason_and_keeps_its_history(clerk, world):
    url = _url("assessment_adjust", world, world.lead_unit.pk)
    response = clerk.post(url, {"points": "-3", "reason": "   "})
    assert "请填写调整理由" in response.content.decode()
    assert not ScoreAdjustment.objects.exists()

    response = clerk.post(url, {"points": "-3", "reason": "推诿协办单位。"})
    assert response.status_code == 302
    clerk.post(url, {"points": "2", "reason": "经复核，改为加分。"})
    adjustment = ScoreAdjustment.objects.get()
    assert (adjustment.points, adjustment.reason) == (Decimal("2.00"), "经复核，改为加分。")
    assert adjustment.changed_by == world.users["clerk"]

    clerk.post(url, {"remove": "1", "points": "", "reason": "误调，撤销。"})
    assert not ScoreAdjustment.objects.exists()
    page = clerk.get(_url("assessment_unit", world, world.lead_unit.pk)).content.decode()
    assert "无 → -3.00" in page and "推诿协办单位。" in page
    assert "-3.00 → 2.00" in page
    assert "2.00 → 撤销" in page and "误调，撤销。" in page
    assert page.count("提案委交办员") >= 3


def test_zero_points_are_refused(clerk, world):
    response = clerk.post(
        _url("assessment_adjust", world, world.lead_unit.pk), {"points": "0", "reason": "无"}
    )
    assert "调整分值不能为 0" in response.content.decode()
    assert not ScoreAdjustment.objects.exists()


def _rules_post(world, client, change=None):
    """The rules page's formset as the browser posts it, with `change(rows)` applied."""
    client.get(_url("assessment", world))  # the scheme is made when first opened
    rules = list(AssessmentRule.objects.filter(scheme__session=world.session))
    rows = [
        {"id": r.pk, "order": r.order, "name": r.name, "indicator": r.indicator,
         "kind": r.kind, "weight": r.weight, "cap": "" if r.cap is None else r.cap,
         "no_base": r.no_base, "enabled": "on"}
        for r in rules
    ]
    if change:
        change(rows)
    data = {"rules-TOTAL_FORMS": len(rows), "rules-INITIAL_FORMS": len(rules),
            "rules-MIN_NUM_FORMS": 0, "rules-MAX_NUM_FORMS": 1000}
    for i, row in enumerate(rows):
        for key, value in row.items():
            if value is not None:
                data[f"rules-{i}-{key}"] = value
    return client.post(_url("assessment_rules", world), data)


def test_the_rules_page_saves_a_weight(clerk, world):
    def change(rows):
        rows[0]["weight"] = "40"
        rows[1]["weight"] = "10"
    response = _rules_post(world, clerk, change)
    assert response.status_code == 302
    rule = AssessmentRule.objects.get(scheme__session=world.session, indicator="on_time")
    assert rule.weight == 40
    assert rule.history.first().history_user == world.users["clerk"]


def test_weights_not_summing_to_100_are_saved_with_a_warning(clerk, world):
    def change(rows):
        rows[0]["weight"] = "50"
    response = _rules_post(world, clerk, change)
    assert response.status_code == 302
    page = clerk.get(response["Location"]).content.decode()
    assert "权重合计为120" in page


@pytest.mark.parametrize(("change", "message"), [
    (lambda rows: rows[2].update(indicator="happiness"),
     "第3行：“happiness”不是系统能计算的指标"),
    (lambda rows: rows[6].update(kind="rate"),
     "第7行：“超期天数”是次数（天数），只能按“按次扣分”计分"),
    (lambda rows: rows[0].update(kind="deduction"), "第1行：“按期办复率”是比率"),
    (lambda rows: rows[4].update(name="按期办复"), "第5行：名称“按期办复”与第1行重复"),
    (lambda rows: rows[1].update(weight="-1"), "第2行：权重/每次扣分不能为负数"),
    (lambda rows: rows[0].update(cap="5"), "第1行：“比率×权重”的规则不设扣分上限"),
])
def test_the_rules_page_says_which_row_is_wrong(clerk, world, change, message):
    response = _rules_post(world, clerk, change)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[:3000]
    assert "考评规则未保存" in page
    assert AssessmentRule.objects.get(
        scheme__session=world.session, indicator="on_time").weight == 30  # nothing saved


def test_the_rules_page_adds_and_removes_rows(clerk, world):
    def change(rows):
        rows[5]["DELETE"] = "on"
        rows.append({"order": 9, "name": "退回加扣", "indicator": "sections_returned",
                     "kind": "deduction", "weight": "1", "cap": "", "no_base": "full",
                     "enabled": "on"})
    assert _rules_post(world, clerk, change).status_code == 302
    names = list(AssessmentRule.objects.filter(scheme__session=world.session)
                 .values_list("name", flat=True))
    assert "意见退回" not in names and "退回加扣" in names


def test_the_xlsx_holds_the_ranking_and_the_rules_as_numbers(clerk, world):
    ScoreAdjustment.objects.create(
        session=world.session, unit=world.co_unit, points=Decimal("-2.5"),
        reason="=推诿", changed_by=world.users["clerk"],
    )
    response = clerk.get(_url("assessment_export", world))
    assert response.status_code == 200
    assert "承办单位考评" in response["Content-Disposition"] or "filename*" in response[
        "Content-Disposition"]
    sheets = read_xlsx(response.content)
    ranking, rules = sheets["考评排名"], sheets["考评规则"]
    assert ranking[0][:3] == ("名次", "单位", "按期办复")
    assert ranking[0][-3:] == ("调整", "调整理由", "总分")
    co = next(row for row in ranking[1:] if row[1] == world.co_unit.name)
    assert co[-3] == -2.5 and co[-2] == "=推诿"  # a number; the reason stays text
    assert isinstance(co[-1], (int, float)) and isinstance(co[2], (int, float))
    assert co[-1] == pytest.approx(float(sum(Decimal(str(v)) for v in co[2:-3])) - 2.5)
    assert rules[0] == ("顺序", "名称", "指标", "计分方式", "权重/每次扣分", "扣分上限",
                        "无计算基数时", "启用")
    assert rules[7][1:6] == ("超期", "超期天数", "按次扣分", 0.5, 20)


@pytest.mark.parametrize("name", ["assessment", "assessment_rules", "assessment_export"])
def test_a_unit_administrator_sees_nothing_of_it(client, world, name):
    """Not even its own unit's score: the ranking and the adjustments are the committee's
    deliberation (the dashboard shows the unit its own figures)."""
    client.force_login(world.users["lead_admin"])
    assert client.get(_url(name, world)).status_code == 403
    assert client.get(_url("assessment_unit", world, world.lead_unit.pk)).status_code == 403
    response = client.post(_url("assessment_adjust", world, world.lead_unit.pk),
                           {"points": "9", "reason": "自评。"})
    assert response.status_code == 403
    assert not ScoreAdjustment.objects.exists()
