import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from insights.charts import BAR_AREA, MAX_LABEL_WIDTH, bar_chart, text_width

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
LONG = "连云港市文化广电和旅游局"  # 12 characters: cut at its start by the old 150px column
TOO_LONG = "连云港市经济技术开发区管理委员会社会事业局"  # 21: longer than any column


def drawn_texts(chart) -> list[ET.Element]:
    svg = ET.fromstring(render_to_string("insights/_bar_chart.html", {"chart": chart})).find(
        f"{SVG}svg"
    )
    assert float(svg.get("width")) == chart.width
    return list(svg.iter(f"{SVG}text"))


def drawn_labels(chart) -> list[dict]:
    """The labels as the SVG draws them: text, full name (<title>), left edge, right end."""
    labels = []
    for text in drawn_texts(chart):
        if text.get("text-anchor") != "end":
            continue
        title = text.find(f"{SVG}title")
        shown = (text.text or "") + "".join(child.tail or "" for child in text)
        right = float(text.get("x"))
        labels.append({
            "shown": shown,
            "title": title.text if title is not None else None,
            "left": right - text_width(shown),
            "right": right,
        })
    return labels


def test_it_scales_bars_to_the_largest_value_or_to_one_for_rates():
    chart = bar_chart("t", [("a", 2, "2"), ("b", 4, "4"), ("c", 0, "0")])
    assert [b.width for b in chart.bars] == [BAR_AREA / 2, BAR_AREA, 0]
    assert [b.y for b in chart.bars] == [0, 26, 52]
    rates = bar_chart("r", [("办复率", 0.25, "25%")], max_value=1.0)
    assert rates.bars[0].width == BAR_AREA / 4
    assert bar_chart("empty", []).bars == []


def test_it_draws_a_long_unit_name_whole_from_its_first_character():
    chart = bar_chart("单位办复率", [(LONG, 0.5, "50.0%"), ("市科技局", 1.0, "100.0%")])
    labels = drawn_labels(chart)
    assert [label["shown"] for label in labels] == [LONG, "市科技局"]
    assert all(label["title"] is None for label in labels)
    assert all(label["left"] >= 0 for label in labels)  # nothing drawn left of the SVG
    assert all(label["right"] < chart.label_width for label in labels)  # nor over the bars


def test_it_cuts_a_label_longer_than_the_column_at_its_end_with_the_name_in_a_title():
    chart = bar_chart("单位办复率", [(TOO_LONG, 0.5, "50.0%"), ("市科技局", 1.0, "100.0%")])
    cut, short = drawn_labels(chart)
    assert cut["shown"].endswith("…") and TOO_LONG.startswith(cut["shown"][:-1])
    assert len(cut["shown"]) >= 10  # it keeps as much as fits
    assert cut["title"] == TOO_LONG
    assert short == {**short, "shown": "市科技局", "title": None}
    assert cut["left"] >= 0 and short["left"] >= 0
    assert chart.label_width <= MAX_LABEL_WIDTH + 12  # the column stays within its cap


def test_it_makes_the_label_column_as_wide_as_the_labels_need():
    narrow = bar_chart("办复情况", [("办复率", 0.5, "50.0%"), ("按期办复率", 0.4, "40.0%")])
    wide = bar_chart("单位办复率", [(LONG, 0.5, "50.0%")])
    assert narrow.label_width < wide.label_width
    assert all(label["left"] >= 0 for label in drawn_labels(narrow))


def test_it_leaves_room_for_the_value_texts():
    chart = bar_chart("办理类别占比", [("A", 1.0, "1234件 100.0%")], max_value=1.0)
    (value,) = [t for t in drawn_texts(chart) if t.get("text-anchor") is None]
    assert value.text == "1234件 100.0%"
    assert float(value.get("x")) + text_width(value.text) <= chart.width


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
