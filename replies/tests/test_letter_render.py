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


def cc_paragraphs(data: bytes) -> list:
    """The paragraphs of the 版记 box (python-docx reads no text boxes by itself)."""
    from docx.text.paragraph import Paragraph

    body = docx.Document(io.BytesIO(data)).element.body
    return [Paragraph(p, None) for anchor in body.iter(f"{WP}anchor")
            if anchor.find(f"{WP}docPr").get("name").startswith("CC ")
            for p in anchor.iter(f"{W}p")]


def test_it_writes_disclosure_and_contact_as_notes_in_parentheses():
    spec = minimal_spec(date="2025-06-20", disclosure="此件公开发布")
    found = texts(render_letter(spec))
    date = found.index("2025年6月20日")
    assert found[date + 1:date + 3] == [
        "（此件公开发布）", "（联系人：朱昌伟，联系电话：18905131999）"]


def test_it_writes_a_contact_note_with_only_a_phone():
    found = texts(render_letter(minimal_spec(contact={"phone": "0518-85822123"})))
    assert "（联系电话：0518-85822123）" in found


def test_it_sets_the_notes_two_characters_in():
    doc = docx.Document(io.BytesIO(render_letter(minimal_spec(disclosure="此件公开发布"))))
    notes = [p for p in doc.paragraphs if p.text.startswith("（")]
    assert len(notes) == 2
    for p in notes:
        assert p._element.pPr.find(f"{W}ind").get(f"{W}firstLineChars") == "200"


def test_it_writes_the_cc_in_a_box_after_everything_else():
    data = render_letter(minimal_spec(cc=["市政协提案委", "市政府办公室。"]))
    assert [p.text for p in cc_paragraphs(data)] == ["抄送：市政协提案委，市政府办公室。"]
    doc = docx.Document(io.BytesIO(data))
    assert doc.paragraphs[-1].text == ""  # the box stands in the last reserved line
    assert "抄送" not in "".join(texts(data))


def test_it_sets_cc_in_14_point_indented_both_sides():
    cc = cc_paragraphs(render_letter(minimal_spec(cc=["市政协提案委"])))[0]
    assert cc.runs[0].font.size.pt == 14
    assert cc.paragraph_format.right_indent > 0 and cc.paragraph_format.left_indent > 0


def test_it_stands_the_cc_box_on_the_foot_of_the_text_block():
    data = render_letter(minimal_spec(cc=["市政协提案委"]))
    box = [a for a in xml(data).iter(f"{WP}anchor")
           if a.find(f"{WP}docPr").get("name").startswith("CC ")][0]
    v = box.find(f"{WP}positionV")
    height = int(box.find(f"{WP}extent").get("cy"))
    assert v.get("relativeFrom") == "margin"
    assert int(v.find(f"{WP}posOffset").text) + height == 225 * 36000
    assert box.find(".//{*}bodyPr").get("anchor") == "b"


def test_it_lets_a_cc_too_long_for_the_box_follow_the_text():
    cc = [f"第{n}个抄送单位的名称相当长" for n in range(1, 31)]
    data = render_letter(minimal_spec(cc=cc))
    assert cc_paragraphs(data) == []
    found = texts(data)
    assert found[-1] == "抄送：" + "，".join(cc) + "。" and found[-2] == ""


def test_it_keeps_the_ending_with_the_last_body_paragraph():
    doc = docx.Document(io.BytesIO(render_letter(minimal_spec(
        date="2025-06-20", cc=["市政协提案委"], closing=["感谢您的支持！"]))))
    paragraphs = doc.paragraphs
    last_body = [p.text for p in paragraphs].index("感谢您的支持！")
    kept = [p.paragraph_format.keep_with_next for p in paragraphs[last_body:]]
    assert kept == [True] * (len(kept) - 1) + [None]


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


# ---- wps shapes in mc:AlternateContent with a VML fallback, as Word writes them -------------
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
V = "{urn:schemas-microsoft-com:vml}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
NS_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
VML_REL = {"page": "page", "margin": "margin", "column": "text", "paragraph": "text"}
MM_PER = {"pt": 25.4 / 72, "mm": 1.0, "cm": 10.0, "in": 25.4}


def _vml_mm(length: str) -> float:
    if length == "0":
        return 0.0
    return float(length[:-2]) * MM_PER[length[-2:]]


def _vml_style(shape) -> dict[str, str]:
    return dict(item.split(":", 1) for item in shape.get("style").split(";") if item)


def _word_parts(data: bytes) -> dict[str, etree._Element]:
    return {name: etree.fromstring(raw) for name, raw in parts_of(data).items()
            if name.startswith("word/") and name.endswith(".xml")}


def _shape_parts(tmp_path):
    """(spec kind, part name, root) for every part of every spec that holds wps shapes."""
    for kind, spec in zip(("sample", "full", "draft"), _all_specs(tmp_path), strict=True):
        for name, root in _word_parts(render_letter(spec)).items():
            if next(root.iter(f"{MC}AlternateContent"), None) is not None:
                yield kind, name, root


def test_it_puts_every_wps_shape_in_a_choice_that_requires_wps(tmp_path):
    seen = {}
    for kind, name, root in _shape_parts(tmp_path):
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.startswith("{" + NS_WPS + "}"):
                choice = next(el.iterancestors(f"{MC}Choice"), None)
                assert choice is not None, (name, el.tag)
                assert root.nsmap.get(choice.get("Requires")) == NS_WPS  # a prefix, not the URI
        for alt in root.iter(f"{MC}AlternateContent"):
            assert alt.getparent().tag == f"{W}r"
            assert [c.tag for c in alt] == [f"{MC}Choice", f"{MC}Fallback"]
        seen[(kind, name)] = len(list(root.iter(f"{{{NS_WPS}}}wsp")))
    # the unit name and four rules in the body; the 草稿 mark in each of the three headers
    assert seen[("sample", "word/document.xml")] == 5
    assert seen[("draft", "word/document.xml")] == 5
    assert seen[("full", "word/document.xml")] == 6  # and the 版记's box
    assert [seen[("draft", f"word/header{i}.xml")] for i in (1, 2, 3)] == [1, 1, 1]


def test_it_declares_the_text_box_shapetype_once_a_part(tmp_path):
    for _, name, root in _shape_parts(tmp_path):
        ids = [t.get("id") for t in root.iter(f"{V}shapetype")]
        assert ids == ["_x0000_t202"], name


def test_it_gives_each_shape_a_vml_fallback_in_the_same_place_and_colour(tmp_path):
    checked = 0
    for _, name, root in _shape_parts(tmp_path):
        for alt in root.iter(f"{MC}AlternateContent"):
            anchor = alt.find(f"{MC}Choice/{W}drawing/{WP}anchor")
            pict = alt.find(f"{MC}Fallback/{W}pict")
            shapes = [c for c in pict if c.tag != f"{V}shapetype"]
            assert len(shapes) == 1, name
            shape = shapes[0]
            style = _vml_style(shape)
            assert style["position"] == "absolute"
            for axis, margin, size, ext in (("horizontal", "margin-left", "width", "cx"),
                                            ("vertical", "margin-top", "height", "cy")):
                frame = anchor.find(f"{WP}position{axis[0].upper()}")
                assert style[f"mso-position-{axis}-relative"] == VML_REL[frame.get("relativeFrom")]
                align = frame.find(f"{WP}align")
                if align is not None:
                    assert style[f"mso-position-{axis}"] == align.text
                else:
                    assert style.get(f"mso-position-{axis}", "absolute") == "absolute"
                    offset_mm = int(frame.find(f"{WP}posOffset").text) / 36000
                    assert _vml_mm(style[margin]) == pytest.approx(offset_mm, abs=0.1)
                extent_mm = int(anchor.find(f"{WP}extent").get(ext)) / 36000
                assert _vml_mm(style[size]) == pytest.approx(extent_mm, abs=0.1)
            assert (int(style["z-index"]) < 0) == (anchor.get("behindDoc") == "1")
            assert shape.get("stroked") == "f"
            fill = anchor.find(f".//{{{NS_WPS}}}spPr/{A}solidFill/{A}srgbClr")
            if fill is not None:
                assert shape.tag == f"{V}rect"
                assert shape.get("fillcolor").lstrip("#").upper() == fill.get("val").upper()
            else:
                assert shape.tag == f"{V}shape" and shape.get("filled") == "f"
                assert shape.get("type") == "#_x0000_t202"
                types = {t.get("id") for t in root.iter(f"{V}shapetype")}
                assert "_x0000_t202" in types
                assert shape.find(f"{V}textbox").get("inset") == "0,0,0,0"
            checked += 1
    # five head shapes in each letter, the 版记 box of the full one, one 草稿 mark per header
    assert checked == 3 * 5 + 1 + 3


def test_it_repeats_the_text_box_text_in_the_fallback(tmp_path):
    texts_by_part = {}
    for kind, name, root in _shape_parts(tmp_path):
        for alt in root.iter(f"{MC}AlternateContent"):
            boxes = [alt.find(f"{MC}Choice//{W}txbxContent"),
                     alt.find(f"{MC}Fallback/{W}pict/{V}shape/{V}textbox/{W}txbxContent")]
            if boxes[0] is None:
                assert boxes[1] is None
                continue
            assert etree.tostring(boxes[0]) == etree.tostring(boxes[1])
            fallback_text = "".join(t.text for t in boxes[1].iter(f"{W}t"))
            texts_by_part.setdefault((kind, name), []).append(fallback_text)
    assert texts_by_part[("sample", "word/document.xml")] == ["连云港市市场监督管理局"]
    assert texts_by_part[("full", "word/document.xml")] == [
        "连云港市市场监督管理局", "抄送：市政协提案委，市政府办公室。"]
    for i in (1, 2, 3):
        assert texts_by_part[("draft", f"word/header{i}.xml")] == ["草稿"]


def test_it_declares_the_fallback_namespaces_on_every_part_without_ignoring_wps(tmp_path):
    for spec in _all_specs(tmp_path):
        for name, raw in parts_of(render_letter(spec)).items():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(raw)  # well-formed: every prefix used is declared
            if root.tag in (f"{W}document", f"{W}hdr", f"{W}ftr"):
                for prefix in ("mc", "v", "o", "w10", "wps"):
                    assert prefix in root.nsmap, (name, prefix)
            ignorable = (root.get(f"{MC}Ignorable") or "").split()
            assert "wps" not in ignorable and "v" not in ignorable
            assert all(p in root.nsmap for p in ignorable)


def test_it_reads_the_same_letter_head_from_the_fallback_alone(tmp_path):
    """What a reader without wps sees: the VML shapes only, at the DrawingML's places."""
    data = render_letter(sample_spec())
    root = _word_parts(data)["word/document.xml"]
    for alt in list(root.iter(f"{MC}AlternateContent")):
        run = alt.getparent()
        run.replace(alt, alt.find(f"{MC}Fallback/{W}pict"))
    assert not list(root.iter(f"{{{NS_WPS}}}wsp")) and not list(root.iter(f"{W}drawing"))
    shapes = list(root.iter(f"{V}rect", f"{V}shape"))
    assert [s.tag for s in shapes] == [f"{V}shape"] + [f"{V}rect"] * 4
    name = "".join(t.text for t in shapes[0].iter(f"{W}t"))
    assert name == "连云港市市场监督管理局"
    styles = [_vml_style(s) for s in shapes]
    x = [_vml_mm(s["margin-left"]) for s in styles]
    assert x == pytest.approx([20.0] * 5, abs=0.1)  # (210 - 170) / 2: centred on the page
    assert [_vml_mm(s["width"]) for s in styles] == pytest.approx([170.0] * 5, abs=0.1)
    tops = [_vml_mm(s["margin-top"]) for s in styles[1:]]
    heights = [_vml_mm(s["height"]) for s in styles[1:]]
    assert heights == pytest.approx([0.8, 0.3, 0.3, 0.8], abs=0.05)  # thick-thin, thin-thick
    assert tops[1] == pytest.approx(tops[0] + 0.8 + 0.5, abs=0.05)
    assert tops[3] + 0.8 == pytest.approx(297 - 20, abs=0.05)  # ends 20 mm above the bottom
    assert {s.get("fillcolor") for s in shapes[1:]} == {"#ff0000"}


# ---- layout arithmetic ------------------------------------------------------------------------
def test_it_splits_a_long_unit_name_into_balanced_lines_at_a_name_end():
    from replies.letter.docx_builder import split_balanced

    name = "连云港市经济技术开发区管理委员会市场监督管理和知识产权综合行政执法局"
    assert split_balanced(name, 2) == ["连云港市经济技术开发区管理委员会",
                                       "市场监督管理和知识产权综合行政执法局"]
    assert split_balanced("国" * 90, 3) == ["国" * 30] * 3
    assert split_balanced("ABC Technology Co（连云港）有限公司", 2)[0][-1] not in "（"


def test_it_sizes_the_head_name_to_fit_or_wraps_it():
    from replies.letter.docx_builder import head_name_lines

    assert head_name_lines("连云港市市场监督管理局") == (30, ["连云港市市场监督管理局"])
    size, lines = head_name_lines("连" * 30)
    assert (size, len(lines)) == (16, 1)
    for n in (31, 60, 200):
        size, lines = head_name_lines("连" * n)
        assert "".join(lines) == "连" * n  # whole
        assert 18 <= size <= 24 and max(map(len, lines)) * size <= 170 / 25.4 * 72


def test_it_writes_a_long_head_name_on_as_many_lines_in_one_box():
    name = "连云港市经济技术开发区管理委员会市场监督管理和知识产权综合行政执法局"
    data = render_letter(minimal_spec(unit={"name": name, "doc_prefix": "连开市监复"}))
    box = [a for a in xml(data).iter(f"{WP}anchor")
           if a.find(f"{WP}docPr").get("name").startswith("Unit ")][0]
    content = box.find(f".//{W}txbxContent")
    assert "".join(t.text for t in content.iter(f"{W}t")) == name
    assert len(list(content.iter(f"{W}br"))) == 1
    height_mm = int(box.find(f"{WP}extent").get("cy")) / 36000
    assert height_mm == pytest.approx(2 * 24 / 72 * 25.4 * 1.25, abs=0.1)


def test_it_reckons_the_cc_lines_as_word_breaks_them():
    from replies.letter.docx_builder import cc_lines

    assert cc_lines("抄送：" + "国" * 26) == 1  # 29 on the first line
    assert cc_lines("抄送：" + "国" * 27) == 2
    assert cc_lines("抄送：" + "国" * 26 + "。") == 2  # no full stop at a line's start
    assert cc_lines("抄送：" + "国" * 26 + "国" * 26) == 2
    assert cc_lines("抄送：" + "国" * 26 + "国" * 27) == 3
