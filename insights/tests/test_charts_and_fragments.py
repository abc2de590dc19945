import pytest
from django.urls import reverse

from insights.charts import BAR_AREA, bar_chart

pytestmark = pytest.mark.django_db


def test_it_scales_bars_to_the_largest_value_or_to_one_for_rates():
    chart = bar_chart("t", [("a", 2, "2"), ("b", 4, "4"), ("c", 0, "0")])
    assert [b.width for b in chart.bars] == [BAR_AREA / 2, BAR_AREA, 0]
    assert [b.y for b in chart.bars] == [0, 26, 52]
    rates = bar_chart("r", [("办复率", 0.25, "25%")], max_value=1.0)
    assert rates.bars[0].width == BAR_AREA / 4
    assert bar_chart("empty", []).bars == []


def test_it_shows_the_similar_box_to_the_clerk_only(client, world):
    p1 = world["proposals"][0]
    url = reverse("insights:similar", args=[p1.pk])
    client.force_login(world["clerk"])
    response = client.get(url)
    assert response.status_code == 200
    assert "相似提案" in response.content.decode()
    client.force_login(world["u1_handler"])  # sees P1 (its unit leads it) but does not merge
    assert client.get(url).status_code == 403
    client.force_login(world["other_clerk"])
    assert client.get(url).status_code == 404
