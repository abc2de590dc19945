"""The real letter 连市监办复〔2025〕86号, rendered from its spec, read back with python-docx."""

import io

import docx
import pytest
from docx.oxml.ns import qn

from replies.letter import render_letter
from replies.letter.numbering import heading_label

from .letter_samples import sample_spec

SPEC = sample_spec()
DOC = docx.Document(io.BytesIO(render_letter(SPEC)))
PARAGRAPHS = [p for p in DOC.paragraphs if p.text.strip()]


def east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def expected_body(sections, level=1):
    """Headings numbered by the rule 一、 → （一） → 1. → （1）, then their paragraphs."""
    for n, section in enumerate(sections, start=1):
        yield heading_label(level, n) + section["heading"], level
        for text in section["paragraphs"]:
            yield text, 0
        yield from expected_body(section.get("sections", []), level + 1)


EXPECTED = (
    [("签发人：马盈\t连市监办复〔2025〕86号", "head"),
     ("对市政协十四届四次会议第44137号提案的答复", "title"),
     ("王波委员：", "addressee")]
    + [(t, 0) for t in SPEC["intro"]]
    + list(expected_body(SPEC["sections"]))
    + [("连云港市市场监督管理局", "signature"),
       # The sample prints 联系人 and 联系电话 on two lines without parentheses; the
       # letter writes them as one 附注, in parentheses (GB/T 9704-2012 §7.3.7).
       ("（联系人：朱昌伟，联系电话：18905131999）", 0)]
)


def test_it_writes_every_paragraph_in_order():
    found = [p.text.replace("\n", "") for p in PARAGRAPHS]
    assert found == [text for text, _ in EXPECTED]


def test_it_numbers_the_headings_as_the_printed_letter_does():
    found = [p.text for p in PARAGRAPHS]
    for literal in ("一、知识产权强市建设工作情况",
                    "（一）聚力高质量发展，全面落实知识产权强市战略",
                    "（四）聚力集成化服务，全面打造知识产权特色品牌",
                    "二、下一步工作安排"):
        assert literal in found
    assert found.index("二、下一步工作安排") > found.index(
        "（四）聚力集成化服务，全面打造知识产权特色品牌")


def test_it_writes_the_document_number_and_signer():
    head = PARAGRAPHS[0]
    assert head.text.endswith("连市监办复〔2025〕86号")
    assert "签发人：马盈" in head.text
    assert east_asia([r for r in head.runs if r.text == "马盈"][0]) == "楷体_GB2312"


@pytest.mark.parametrize(("kind", "font", "size"), [
    (0, "仿宋_GB2312", 16), (1, "黑体", 16), (2, "楷体_GB2312", 16),
    ("title", "方正小标宋简体", 22), ("addressee", "仿宋_GB2312", 16),
    ("signature", "仿宋_GB2312", 16),
])
def test_it_sets_fonts_and_sizes(kind, font, size):
    paragraphs = [p for p, (_, k) in zip(PARAGRAPHS, EXPECTED, strict=True) if k == kind]
    assert paragraphs
    for p in paragraphs:
        for r in p.runs:
            assert east_asia(r) == font
            assert r.font.size.pt == size
            assert r._element.rPr.rFonts.get(qn("w:ascii")) == "Times New Roman"


def test_it_indents_body_and_headings_two_characters():
    for p, (_, kind) in zip(PARAGRAPHS, EXPECTED, strict=True):
        if kind in (0, 1, 2):
            ind = p._element.pPr.find(qn("w:ind"))
            assert ind.get(qn("w:firstLineChars")) == "200"
            assert p.paragraph_format.first_line_indent.pt == pytest.approx(31.6, abs=0.5)


def test_it_centres_the_title_and_justifies_the_body():
    title = PARAGRAPHS[1]
    assert title.alignment == 1  # centre
    assert PARAGRAPHS[3].alignment == 3  # justify


def test_it_sets_the_page_a4_with_the_letter_margins():
    section = DOC.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.top_margin.mm == pytest.approx(37, abs=0.1)
    assert section.bottom_margin.mm == pytest.approx(35, abs=0.1)
    assert section.left_margin.mm == pytest.approx(28, abs=0.1)
    assert section.right_margin.mm == pytest.approx(26, abs=0.1)


def test_it_sets_a_grid_of_22_lines():
    grid = DOC.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    body = PARAGRAPHS[3]
    assert body.paragraph_format.line_spacing.twips == 579
    assert body.paragraph_format.line_spacing_rule == 4  # exactly


def test_it_fits_28_characters_a_line():
    run = PARAGRAPHS[3].runs[0]._element
    tighten = int(run.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    section = DOC.sections[0]
    text_width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700
    assert 28 * (16 + tighten) <= text_width_pt < 29 * (16 + tighten)


def test_it_numbers_pages_in_14_point():
    footer = DOC.sections[0].footer.paragraphs[0]
    assert {r.font.size.pt for r in footer.runs} == {14}
    assert footer.text == "— 1 —"


def test_it_puts_the_unit_name_in_red_in_the_head():
    body = DOC.element.body
    # The DrawingML box; its VML twin in mc:Fallback holds the same text again.
    choice = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Choice"
    boxes = body.findall(f".//{choice}//" + qn("w:txbxContent"))
    name_runs = [r for box in boxes for r in box.iter(qn("w:r"))]
    assert "".join(t.text for r in name_runs for t in r.iter(qn("w:t"))) == "连云港市市场监督管理局"
    assert name_runs[0].find(qn("w:rPr")).find(qn("w:color")).get(qn("w:val")) == "FF0000"
    fonts = name_runs[0].find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
