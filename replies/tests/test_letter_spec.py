import pytest

from replies.letter import SpecError, validate_spec
from replies.letter.numbering import chinese_numeral, heading_label, split_literal_number
from replies.letter.spec import MAX_DEPTH, MAX_PARAGRAPH_CHARS, MAX_PARAGRAPHS

from .letter_samples import minimal_spec, sample_spec, tiny_png


def problems(spec, **kwargs) -> dict[str, str]:
    with pytest.raises(SpecError) as exc:
        validate_spec(spec, **kwargs)
    return dict(exc.value.problems)


def test_it_accepts_the_sample():
    spec, warnings = validate_spec(sample_spec())
    assert warnings == []
    heading = spec["sections"][0]["sections"][3]["heading"]
    assert heading == "聚力集成化服务，全面打造知识产权特色品牌"
    assert spec["date"] is None and spec["cc"] == []


def test_it_reports_missing_required_fields():
    found = problems({"spec_version": 1, "unit": {}})
    for path in ("unit.name", "unit.doc_prefix", "title", "addressee", "intro", "sections"):
        assert "缺少" in found[path]


def test_it_reports_a_spec_that_is_not_an_object():
    assert "对象" in problems([1, 2])["spec"]


def test_it_reports_unknown_fields_at_every_level():
    spec = minimal_spec(colour="red")
    spec["unit"]["fax"] = "1"
    spec["sections"][0]["sections"] = [{"heading": "子", "note": "x"}]
    spec["doc_number"]["month"] = 6
    spec["contact"]["email"] = "a@b"
    found = problems(spec)
    assert set(found) >= {"colour", "unit.fax", "sections[0].sections[0].note",
                          "doc_number.month", "contact.email"}
    assert all(found[k] == "未知字段" for k in ("colour", "unit.fax"))


def test_it_reports_every_problem_with_its_path():
    spec = minimal_spec(title=5, intro=["好", 3], category="Z", date="2025-02-30")
    spec["doc_number"] = {"year": 2025, "seq": True}
    spec["sections"] = [{"heading": "一", "paragraphs": ["a", "b", "c", None]}, {"heading": ""}]
    found = problems(spec)
    assert "文本" in found["title"]
    assert "intro[1]" in found
    assert "category" in found
    assert "有效日期" in found["date"]
    assert "doc_number.seq" in found  # bool is not an int
    assert "sections[0].paragraphs[3]" in found
    assert found["sections[1].heading"] == "不能为空"


@pytest.mark.parametrize("value", [0, -3, "86", 1.5, True])
def test_it_wants_positive_integer_numbers(value):
    spec = minimal_spec(doc_number={"year": 2025, "seq": value})
    assert "doc_number.seq" in problems(spec)


def test_it_wants_a_four_digit_year():
    assert "doc_number.year" in problems(minimal_spec(doc_number={"year": 25, "seq": 1}))


def test_it_accepts_a_configured_category_set():
    validate_spec(minimal_spec(category="D"), categories="ABCD")
    assert "category" in problems(minimal_spec(category="D"))


@pytest.mark.parametrize("date", ["2025-6-20", "20250620", "2025-13-01", "2025-02-29", 20250620])
def test_it_rejects_dates_that_are_not_real(date):
    assert "date" in problems(minimal_spec(date=date))


def test_it_accepts_a_leap_day():
    spec, _ = validate_spec(minimal_spec(date="2024-02-29"))
    assert spec["date"] == "2024-02-29"


def test_it_rejects_the_wrong_spec_version():
    assert "spec_version" in problems(minimal_spec(spec_version=2))
    assert "spec_version" in problems(minimal_spec(spec_version=True))


def test_it_rejects_nesting_deeper_than_four_levels():
    section = {"heading": "五级"}
    for level in range(MAX_DEPTH, 0, -1):
        section = {"heading": f"{level}级", "sections": [section]}
    found = problems(minimal_spec(sections=[section]))
    assert list(found) == ["sections[0].sections[0].sections[0].sections[0].sections[0]"]


def test_it_reports_control_characters_with_their_position():
    spec = minimal_spec()
    spec["sections"][0]["paragraphs"] = ["好", "第二\x07段", "tab\tand\nnewline are fine"]
    found = problems(spec)
    assert list(found) == ["sections[0].paragraphs[1]"]
    assert "第3个字符" in found["sections[0].paragraphs[1]"]
    assert "U+0007" in found["sections[0].paragraphs[1]"]


def test_it_refuses_newlines_in_short_fields():
    assert "addressee" in problems(minimal_spec(addressee="王波\n委员"))


def test_it_limits_the_size_of_a_paragraph_and_the_count():
    assert "intro[0]" in problems(minimal_spec(intro=["字" * (MAX_PARAGRAPH_CHARS + 1)]))
    assert "spec" in problems(minimal_spec(intro=["段。"] * (MAX_PARAGRAPHS + 1)))


def test_it_limits_the_whole_letter():
    found = problems(minimal_spec(intro=["字" * MAX_PARAGRAPH_CHARS] * 11))
    assert "全文过长" in found["spec"]


def test_it_checks_the_seal_file(tmp_path):
    png = tmp_path / "seal.png"
    png.write_bytes(tiny_png())
    jpeg = tmp_path / "seal.jpg"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0 not a png")
    spec, _ = validate_spec(minimal_spec(seal=str(png)))
    assert spec["seal"] == str(png.resolve())
    spec, _ = validate_spec(minimal_spec(seal="seal.png"), base_dir=tmp_path)
    assert spec["seal"] == str(png.resolve())
    assert "PNG" in problems(minimal_spec(seal=str(jpeg)))["seal"]
    assert "找不到" in problems(minimal_spec(seal=str(tmp_path / "none.png")))["seal"]
    validate_spec(minimal_spec(seal=None))


@pytest.mark.parametrize("url", ["ftp://x.cn/a", "javascript:alert(1)", "www.x.cn", "http://"])
def test_it_wants_an_http_feedback_url(url):
    assert "feedback_url" in problems(minimal_spec(feedback_url=url))


def test_it_normalises_brackets_in_the_prefix_with_a_warning():
    unit = {"name": "某局", "doc_prefix": "连市监办复[2025]"}
    spec, warnings = validate_spec(minimal_spec(unit=unit))
    assert spec["unit"]["doc_prefix"] == "连市监办复"
    assert warnings[0][0] == "unit.doc_prefix"
    spec, warnings = validate_spec(minimal_spec(unit={"name": "某局", "doc_prefix": "连(监)复"}))
    assert spec["unit"]["doc_prefix"] == "连（监）复"
    assert [w[0] for w in warnings] == ["unit.doc_prefix"]


@pytest.mark.parametrize("heading", ["一、工作情况", "（一）工作情况", "(一)工作情况", "1.工作情况",
                                     "1、工作情况", "（1）工作情况", " 十二、 工作情况 "])
def test_it_strips_a_number_a_heading_carries(heading):
    spec, warnings = validate_spec(minimal_spec(sections=[{"heading": heading}]))
    assert spec["sections"][0]["heading"] == "工作情况"
    assert warnings[0][0] == "sections[0].heading"


@pytest.mark.parametrize("heading", ["①工作情况", "1．工作情况", "(1)工作情况"])
def test_it_strips_the_other_number_forms_with_their_own_punctuation(heading):
    spec, warnings = validate_spec(minimal_spec(sections=[{"heading": heading}]))
    assert spec["sections"][0]["heading"] == "工作情况"
    assert [w[0] for w in warnings] == ["sections[0].heading"]


@pytest.mark.parametrize("heading", ["一、二级医院建设情况", "三、四季度重点工作",
                                     "1、2号楼改造情况", "一、二、三级医院分工"])
def test_it_keeps_a_start_that_enumerates_as_words(heading):
    # 一、二级医院 is "first- and second-level hospitals": stripping 一、 would eat the words.
    spec, warnings = validate_spec(minimal_spec(sections=[{"heading": heading},
                                                          {"heading": "基层医疗机构建设"}]))
    assert spec["sections"][0]["heading"] == heading
    assert warnings[0][0] == "sections[0].heading" and "未当作编号去除" in warnings[0][1]


def test_it_strips_an_enumerating_start_when_the_siblings_are_numbered():
    sections = [{"heading": "一、二级医院建设情况"}, {"heading": "二、基层医疗机构建设"}]
    spec, warnings = validate_spec(minimal_spec(sections=sections))
    assert [s["heading"] for s in spec["sections"]] == ["二级医院建设情况", "基层医疗机构建设"]
    assert len(warnings) == 2


def test_it_strips_only_the_first_number():
    spec, _ = validate_spec(minimal_spec(sections=[{"heading": "一、一、二级医院建设情况"}]))
    assert spec["sections"][0]["heading"] == "一、二级医院建设情况"


@pytest.mark.parametrize("heading", ["一．工作情况", "一，工作情况", "1）工作情况", "1，工作情况"])
def test_it_keeps_a_number_with_punctuation_not_its_own_and_says_so(heading):
    spec, warnings = validate_spec(minimal_spec(sections=[{"heading": heading}]))
    assert spec["sections"][0]["heading"] == heading
    assert [w[0] for w in warnings] == ["sections[0].heading"]
    assert "不是规范的编号标点" in warnings[0][1]


def test_it_reads_each_list_of_headings_against_its_own_siblings():
    sections = [{"heading": "医疗工作", "sections": [
        {"heading": "（一）二级医院"}, {"heading": "一、二级医院建设"}]}]
    spec, _ = validate_spec(minimal_spec(sections=sections))
    subs = spec["sections"][0]["sections"]
    # A numbered sibling in the same list makes 一、 a number.
    assert [s["heading"] for s in subs] == ["二级医院", "二级医院建设"]


@pytest.mark.parametrize("heading", ["2024年工作情况", "2.5亿元资金落实情况", "一是加强领导",
                                     "十五五规划"])
def test_it_leaves_headings_without_a_number_alone(heading):
    spec, warnings = validate_spec(minimal_spec(sections=[{"heading": heading}]))
    assert spec["sections"][0]["heading"] == heading
    assert warnings == []


def test_it_strips_surrounding_whitespace():
    spec, _ = validate_spec(minimal_spec(title="  标题 ", intro=[" 段落。\n"]))
    assert spec["title"] == "标题" and spec["intro"] == ["段落。"]


def test_it_accepts_null_for_optional_fields():
    spec, _ = validate_spec(minimal_spec(signer=None, category=None, doc_number=None, cc=None,
                                         closing=None, contact=None, date=None))
    assert spec["doc_number"] is None and spec["cc"] == [] and spec["closing"] == []


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"),
                                         (21, "二十一"), (99, "九十九"), (100, "一百"),
                                         (101, "一百零一"), (110, "一百一十")])
def test_it_writes_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


def test_it_labels_heading_levels():
    assert [heading_label(level, 3) for level in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    assert heading_label(1, 12) == "十二、"


def test_it_reads_literal_heading_numbers():
    assert split_literal_number("十一、下一步")[:2] == (11, "十一、")
    assert split_literal_number("（3）措施")[:2] == (3, "（3）")
    assert split_literal_number("一、")[0] is None  # a bare number is the heading itself
