import datetime
import io
import zipfile

import docx
import pytest
from lxml import etree

from replies.letter import SpecError, render_letter

from .letter_samples import minimal_spec, sample_spec, tiny_png

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Child order of the schema's sequences (ECMA-376 CT_PPr, CT_RPr, CT_SectPr), as far as used.
PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "snapToGrid",
             "spacing", "ind", "contextualSpacing", "jc", "textAlignment", "outlineLvl", "rPr"]
RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "noProof", "snapToGrid", "vanish",
             "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "lang"]
SECT_ORDER = ["headerReference", "footerReference", "pgSz", "pgMar", "pgNumType", "cols",
              "titlePg", "docGrid"]


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def xml(data: bytes, name: str = "word/document.xml"):
    return etree.fromstring(parts_of(data)[name])


def texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_it_gives_the_same_bytes_for_the_same_spec():
    assert render_letter(sample_spec()) == render_letter(sample_spec())


def test_it_gives_the_same_bytes_at_another_time():
    import time_machine

    with time_machine.travel(datetime.datetime(2031, 3, 4, 5, 6, 7), tick=False):
        later = render_letter(minimal_spec(feedback_url="https://example.cn/f/abc"))
    assert later == render_letter(minimal_spec(feedback_url="https://example.cn/f/abc"))


def test_it_writes_zip_entries_with_a_fixed_time():
    with zipfile.ZipFile(io.BytesIO(render_letter(sample_spec()))) as zf:
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.namelist()[0] == "[Content_Types].xml"
        assert zf.testzip() is None


def test_it_fixes_the_document_properties_to_the_letter_date():
    core = xml(render_letter(minimal_spec(date="2025-06-20")), "docProps/core.xml")
    created = core.find("{http://purl.org/dc/terms/}created")
    assert created.text == "2025-06-20T00:00:00Z"


def _all_specs(tmp_path):
    seal = tmp_path / "seal.png"
    seal.write_bytes(tiny_png(60, 60))
    full = sample_spec()
    full.update(date="2025-06-20", seal=str(seal), feedback_url="https://example.cn/f/1",
                cc=["市政协提案委", "市政府办公室"], disclosure="此件公开发布", category="A",
                closing=["感谢您对市场监管工作的关心和支持！"])
    draft = minimal_spec(doc_number=None)
    return [sample_spec(), full, draft]


def test_it_writes_well_formed_parts_with_valid_relationships(tmp_path):
    for spec in _all_specs(tmp_path):
        parts = parts_of(render_letter(spec))
        types = etree.fromstring(parts["[Content_Types].xml"])
        overrides = {o.get("PartName").lstrip("/") for o in types if o.get("PartName")}
        for name, data in parts.items():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(data)
            if name.endswith(".xml") and name != "[Content_Types].xml":
                assert name in overrides
        for rels_name in ("_rels/.rels", "word/_rels/document.xml.rels"):
            base = "" if rels_name.startswith("_") else "word/"
            for rel in etree.fromstring(parts[rels_name]):
                assert base + rel.get("Target") in parts
        doc = etree.fromstring(parts["word/document.xml"])
        rel_ids = {r.get("Id") for r in etree.fromstring(parts["word/_rels/document.xml.rels"])}
        used = {v for el in doc.iter() for k, v in el.attrib.items() if k.endswith("}id")
                and k.startswith("{http://schemas.openxmlformats.org/officeDocument")}
        used |= {el.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
                 for el in doc.iter("{*}blip")}
        assert used <= rel_ids


def test_it_gives_every_drawing_a_unique_id(tmp_path):
    for spec in _all_specs(tmp_path):
        parts = parts_of(render_letter(spec))
        ids = [el.get("id") for name, data in parts.items() if name.startswith("word/")
               and name.endswith(".xml") for el in etree.fromstring(data).iter(f"{WP}docPr")]
        assert len(ids) == len(set(ids)) > 0


def _check_order(element, order):
    names = [etree.QName(child).localname for child in element]
    positions = [order.index(n) for n in names]
    assert positions == sorted(positions), names


def test_it_keeps_the_schema_order_of_properties(tmp_path):
    for spec in _all_specs(tmp_path):
        parts = parts_of(render_letter(spec))
        for name, data in parts.items():
            if not name.startswith("word/") or not name.endswith(".xml"):
                continue
            root = etree.fromstring(data)
            for p_pr in root.iter(f"{W}pPr"):
                _check_order(p_pr, PPR_ORDER)
            for r_pr in root.iter(f"{W}rPr"):
                _check_order(r_pr, RPR_ORDER)
            for sect in root.iter(f"{W}sectPr"):
                _check_order(sect, SECT_ORDER)


def test_it_numbers_headings_by_level():
    spec = minimal_spec(sections=[
        {"heading": "甲", "sections": [
            {"heading": "乙", "sections": [{"heading": "丙", "sections": [{"heading": "丁"}]}]},
            {"heading": "（二）乙二"},
        ]},
        *[{"heading": f"第{i}部分"} for i in range(2, 12)],
    ])
    found = texts(render_letter(spec))
    for label in ("一、甲", "（一）乙", "1.丙", "（1）丁", "（二）乙二", "十、第10部分",
                  "十一、第11部分"):
        assert label in found
    assert "（二）（二）乙二" not in found


def test_it_adds_the_addressee_colon_once():
    assert "王波委员：" in texts(render_letter(minimal_spec(addressee="王波委员")))
    assert "王波委员：" in texts(render_letter(minimal_spec(addressee="王波委员:")))


def test_it_writes_the_date_in_arabic_numerals_without_leading_zeros():
    found = texts(render_letter(minimal_spec(date="2025-06-05")))
    assert "2025年6月5日" in found
    assert found.index("连云港市市场监督管理局") == found.index("2025年6月5日") - 1


def test_it_shows_a_blank_number_and_a_draft_mark_without_a_doc_number():
    data = render_letter(minimal_spec(doc_number=None, signer="马盈"))
    assert texts(data)[0] == "签发人：马盈\t连市监办复〔　　〕　　号"
    parts = parts_of(data)
    headers = [n for n in parts if n.startswith("word/header")]
    assert len(headers) == 3
    assert all("草稿".encode() in parts[n] for n in headers)
    sect = xml(data).find(f"{W}body/{W}sectPr")
    assert len(sect.findall(f"{W}headerReference")) == 3


def test_it_has_no_draft_mark_on_a_numbered_letter():
    parts = parts_of(render_letter(minimal_spec()))
    assert not any(n.startswith("word/header") for n in parts)
    assert "草稿".encode() not in parts["word/document.xml"]


def test_it_puts_category_and_signer_in_the_head():
    found = texts(render_letter(minimal_spec(category="A", signer="马盈")))
    assert found[0] == "办理类别：A　签发人：马盈\t连市监办复〔2025〕86号"


def test_it_sets_the_signer_name_in_kaiti():
    doc = docx.Document(io.BytesIO(render_letter(minimal_spec(signer="马盈"))))
    runs = {r.text: r for r in doc.paragraphs[0].runs}
    assert runs["马盈"]._element.rPr.rFonts.get(f"{W}eastAsia") == "楷体_GB2312"
    assert runs["签发人："]._element.rPr.rFonts.get(f"{W}eastAsia") == "仿宋_GB2312"


def test_it_floats_the_seal_behind_the_text(tmp_path):
    seal = tmp_path / "seal.png"
    seal.write_bytes(tiny_png(80, 80))
    data = render_letter(minimal_spec(seal=str(seal), date="2025-06-20"))
    anchors = [a for a in xml(data).iter(f"{WP}anchor") if a.get("behindDoc") == "1"]
    assert len(anchors) == 1
    assert anchors[0].find(f"{WP}wrapNone") is not None
    assert anchors[0].find(f"{WP}extent").get("cx") == str(42 * 36000)
    assert parts_of(data)["word/media/image1.png"] == seal.read_bytes()


def test_it_prints_a_qr_code_for_the_feedback_url():
    data = render_letter(minimal_spec(feedback_url="https://example.cn/f/1"))
    assert "扫码评价本件办理结果" in texts(data)
    assert parts_of(data)["word/media/image1.png"].startswith(b"\x89PNG")


def test_it_writes_disclosure_contact_and_cc():
    spec = minimal_spec(disclosure="此件公开发布", cc=["市政协提案委", "市政府办公室。"])
    found = texts(render_letter(spec))
    assert "（此件公开发布）" in found
    assert "联系人：朱昌伟　联系电话：18905131999" in found
    assert found[-1] == "抄送：市政协提案委，市政府办公室。"


def test_it_sets_cc_in_14_point_indented_both_sides():
    doc = docx.Document(io.BytesIO(render_letter(minimal_spec(cc=["市政协提案委"]))))
    cc = doc.paragraphs[-1]
    assert cc.runs[0].font.size.pt == 14
    assert cc.paragraph_format.right_indent > 0 and cc.paragraph_format.left_indent > 0


def test_it_writes_tabs_and_line_breaks_inside_a_paragraph():
    found = texts(render_letter(minimal_spec(closing=["第一行\n第二行\t完。"])))
    assert "第一行\n第二行\t完。" in found


def test_it_escapes_markup_characters():
    found = texts(render_letter(minimal_spec(closing=["a<b>&\"c\"。"])))
    assert "a<b>&\"c\"。" in found


def test_it_raises_spec_error_for_an_invalid_spec():
    with pytest.raises(SpecError) as exc:
        render_letter(minimal_spec(title=""))
    assert exc.value.problems == [("title", "不能为空")]


def test_it_marks_page_numbers_odd_right_even_left_none_first():
    data = render_letter(sample_spec())
    doc = docx.Document(io.BytesIO(data))
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert doc.settings.odd_and_even_pages_header_footer
    assert section.first_page_footer.paragraphs[0].text == ""
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text == "— 1 —" and odd.alignment == 2  # right
    assert even.alignment == 0  # left
    assert odd.paragraph_format.right_indent.pt == pytest.approx(14, abs=0.5)
    assert even.paragraph_format.left_indent.pt == pytest.approx(14, abs=0.5)
