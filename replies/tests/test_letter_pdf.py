"""Letters through LibreOffice, measured on the PDF (pdftotext -bbox-layout).

Every letter shape (letter_shapes.py) is rendered once and converted in one LibreOffice run
for the whole session; the tests measure where the lines land: 22 grid lines a page, the
title's lines one grid line apart, the 版记 on the foot of the last page and never alone,
long names whole. Skipped where LibreOffice is missing, except under CI=true, where that is
a failure.
"""

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from replies.letter import render_letter
from replies.letter.docx_builder import LINE_MM, cc_lines
from replies.letter.preview import docx_to_pdfs, libreoffice_binary, pdf_to_pngs

from .letter_shapes import CC_LONG, LONG_UNIT, shapes

MM = 25.4 / 72  # PDF points to mm
BLOCK_TOP, BLOCK_BOTTOM = 37, 262  # text block, mm from the page top
SAMPLE_PAGES = 8  # observed: 22 lines on every page, the first after 8 lines of head
UNIT = "连云港市市场监督管理局"


def _require_tools():
    if libreoffice_binary() and shutil.which("pdftotext"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice or poppler-utils is missing under CI")
    pytest.skip("LibreOffice or poppler-utils not installed")


@dataclass(frozen=True)
class Line:
    top: float  # mm from the page's top edge
    bottom: float
    left: float  # mm from the page's left edge
    right: float
    text: str

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2


def pdf_lines(pdf: bytes) -> list[list[Line]]:
    """Per page, every text line pdftotext finds."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "in.pdf")
        src.write_bytes(pdf)
        subprocess.run(["pdftotext", "-bbox-layout", str(src), str(Path(tmp, "out.html"))],
                       check=True)
        tree = etree.parse(str(Path(tmp, "out.html")), etree.HTMLParser(encoding="utf-8"))
    pages = []
    for page in tree.iter("page"):
        pages.append([
            Line(float(line.get("ymin")) * MM, float(line.get("ymax")) * MM,
                 float(line.get("xmin")) * MM, float(line.get("xmax")) * MM,
                 "".join(w.text or "" for w in line.iter("word")))
            for line in page.iter("line")])
    return pages


def rows(lines: list[Line]) -> list[list[Line]]:
    """Text rows inside the text block, top to bottom; pieces on one row go together."""
    out: list[list[Line]] = []
    for line in sorted((ln for ln in lines if BLOCK_TOP <= ln.centre <= BLOCK_BOTTOM),
                       key=lambda ln: (ln.centre, ln.left)):
        if out and line.centre - out[-1][0].centre <= 3:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def row_text(row: list[Line]) -> str:
    return "".join(ln.text for ln in sorted(row, key=lambda ln: ln.left))


def grid_line(row: list[Line]) -> float:
    """Which line of the 22-line grid a row stands on, counting from 1 (fractional)."""
    return (row[0].centre - BLOCK_TOP) / LINE_MM + 0.5


def page_texts(page: list[Line]) -> list[str]:
    return [row_text(r) for r in rows(page)]


def cc_rows(pages) -> tuple[int, list[list[Line]]]:
    """The page (0-based) and rows of the 抄送: from the row that starts with it to the end."""
    for n, page in enumerate(pages):
        page_rows = rows(page)
        for i, row in enumerate(page_rows):
            if row_text(row).startswith("抄送："):
                return n, page_rows[i:]
    raise AssertionError("no 抄送 in the letter")


@pytest.fixture(scope="session")
def letters(tmp_path_factory) -> dict[str, list[list[Line]]]:
    """Every letter shape as measured lines, converted in one LibreOffice run."""
    _require_tools()
    specs = shapes(tmp_path_factory.mktemp("letters"))
    pdfs = docx_to_pdfs([render_letter(spec) for spec in specs.values()])
    return {name: {"pdf": pdf, "pages": pdf_lines(pdf)}
            for name, pdf in zip(specs, pdfs, strict=True)}


def pages_of(letters, name: str) -> list[list[Line]]:
    return letters[name]["pages"]


CC_SHAPES = ["short", "exact", "full", "qr_full", "long_cc", "four_levels", "draft", "sealed_qr",
             "long_name"]
ALL_SHAPES = ["sample", "full_without_cc", *CC_SHAPES]


# ---- the sample -----------------------------------------------------------------------------
def test_it_gives_the_sample_a_sane_page_count(letters):
    assert len(pages_of(letters, "sample")) == SAMPLE_PAGES


def test_it_numbers_pages_from_the_second(letters):
    for n, lines in enumerate(pages_of(letters, "sample"), start=1):
        below = "".join(ln.text for ln in lines if ln.top > BLOCK_BOTTOM).replace(" ", "")
        if n == 1:
            assert not re.search(r"—\d+—", below)
        else:
            assert f"—{n}—" in below


def test_it_puts_the_unit_name_near_30_mm_from_the_top(letters):
    name = [ln for ln in pages_of(letters, "sample")[0] if ln.text == UNIT][0]
    assert 27 <= name.top <= 31 and name.bottom < BLOCK_TOP + 8


def test_it_shows_the_document_number_and_title_on_page_one(letters):
    text = "".join(ln.text for ln in pages_of(letters, "sample")[0])
    assert "连市监办复〔2025〕86号" in text
    assert "第44137号提案的答复" in text


def test_it_renders_png_previews(letters):
    pngs = pdf_to_pngs(letters["sample"]["pdf"], dpi=30, last=2)
    assert len(pngs) == 2 and all(p.startswith(b"\x89PNG") for p in pngs)


# ---- the grid -------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", ALL_SHAPES)
def test_it_keeps_every_row_on_the_22_line_grid(letters, shape):
    for page in pages_of(letters, shape):
        found = [grid_line(r) for r in rows(page) if row_text(r) != "草稿"]  # the watermark
        assert all(0.5 < g < 22.5 for g in found), found
        # body rows sit alike in their grid lines (the 抄送's smaller type a little lower)
        offsets = [g - round(g) for g in found]
        assert max(offsets) - min(offsets) < 0.25, found
        assert len(found) <= 22


def test_it_fills_the_full_pages_of_the_sample(letters):
    pages = pages_of(letters, "sample")
    counts = [len(rows(p)) for p in pages]
    assert counts[1:-2] == [22] * (len(counts) - 3), counts
    # The page before the last is short only by the lines that went over to keep the 落款
    # company (LibreOffice moves the last paragraph whole): that paragraph and the blank
    # line before the 落款, i.e. every grid line above the unit's name on the last page.
    last = rows(pages[-1])
    texts = [row_text(r) for r in last]
    moved = texts.index(UNIT)
    above_name = round(grid_line(last[moved])) - 1
    assert moved >= 1 and counts[-2] + above_name >= 22, (counts, texts)


def test_it_holds_22_lines_on_page_one(letters):
    """Eight lines of head, then the text down to the 22nd line: the head takes whole lines."""
    pages = pages_of(letters, "full_without_cc")
    assert len(pages) == 1
    found = rows(pages[0])
    assert round(grid_line(found[0])) == 2  # the document number, under the double line
    assert round(grid_line(found[-1])) == 22
    assert row_text(found[-1]) == "（联系人：朱昌伟，联系电话：18905131999）"


def test_it_sets_the_title_lines_one_grid_line_apart(letters):
    page = pages_of(letters, "sample")[0]
    first = [ln for ln in page if ln.text == "对市政协十四届四次会议"][0]
    second = [ln for ln in page if ln.text == "第44137号提案的答复"][0]
    addressee = [ln for ln in page if ln.text == "王波委员："][0]
    assert second.top - first.top == pytest.approx(LINE_MM, abs=0.5)
    # one blank line between the title and the addressee
    assert addressee.centre - second.centre == pytest.approx(2 * LINE_MM, abs=1.5)
    assert round(grid_line([addressee])) == 8


# ---- the 版记 -------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", CC_SHAPES)
def test_it_stands_the_cc_on_the_foot_of_the_last_page(letters, shape):
    pages = pages_of(letters, shape)
    page, cc = cc_rows(pages)
    assert page == len(pages) - 1
    foot = max(ln.bottom for ln in cc[-1])
    assert BLOCK_BOTTOM - 3 <= foot <= BLOCK_BOTTOM + 0.5, foot
    assert round(grid_line(cc[-1])) == 22


@pytest.mark.parametrize("shape", CC_SHAPES)
def test_it_never_leaves_the_cc_or_the_signature_without_body_text(letters, shape):
    pages = pages_of(letters, shape)
    page, _ = cc_rows(pages)
    texts = page_texts(pages[page])
    signature = [i for i, t in enumerate(texts) if t in (UNIT, LONG_UNIT[:16])]
    assert signature, texts
    above = texts[:signature[-1]]
    assert above and not all(t.startswith("（") for t in above), texts


def test_it_keeps_a_short_reply_with_cc_on_one_page(letters):
    assert len(pages_of(letters, "short")) == 1


def test_it_fits_the_cc_on_the_last_line_of_an_exactly_full_page(letters):
    pages = pages_of(letters, "exact")
    assert len(pages) == 1
    texts = page_texts(pages[0])
    assert texts[-2:] == ["（联系人：朱昌伟，联系电话：18905131999）",
                          "抄送：市政协提案委，市政府办公室。"]
    assert len(texts) == 16  # and six blank lines: 22


def test_it_moves_body_lines_over_with_the_ending_when_the_page_is_full(letters):
    """Page one of `full` is full before the 版记 (full_without_cc): the 版记 takes the 落款,
    the 附注 and at least the last body line with it to page two."""
    pages = pages_of(letters, "full")
    assert len(pages) == 2
    texts = page_texts(pages[1])
    assert texts[0].startswith("测") or texts[0].endswith("工作情况")
    assert UNIT in texts and texts[-1].startswith("抄送：")


def test_it_takes_body_lines_along_when_the_qr_code_fills_the_page(letters):
    pages = pages_of(letters, "qr_full")
    assert len(pages) == 2
    texts = page_texts(pages[1])
    assert texts[0].startswith("测") or texts[0].endswith("工作情况")
    assert texts[-2:] == ["扫码评价本件办理结果", "抄送：市政协提案委，市政府办公室。"]


def test_it_wraps_a_long_cc_list_inside_the_text_block(letters):
    pages = pages_of(letters, "long_cc")
    _, cc = cc_rows(pages)
    text = "抄送：" + "，".join(CC_LONG) + "。"
    assert "".join(row_text(r) for r in cc) == text
    # the box is as high as the lines the generator reckons on, or a line more
    assert 3 <= len(cc) <= cc_lines(text) <= len(cc) + 1
    # one character (14 pt) in from both edges of the text block (28 mm to 184 mm)
    assert min(ln.left for r in cc for ln in r) >= 28 + 4
    assert max(ln.right for r in cc for ln in r) <= 184 - 4
    # continuation lines start under the names, after 抄送：
    first_left = min(ln.left for ln in cc[0])
    assert min(ln.left for ln in cc[1]) == pytest.approx(first_left + 3 * 14 * MM, abs=1)


def test_it_puts_the_qr_code_and_the_cc_on_the_last_page_of_a_sealed_letter(letters):
    pages = pages_of(letters, "sealed_qr")
    assert len(pages) == SAMPLE_PAGES
    texts = page_texts(pages[-1])
    for expected in (UNIT, "2025年6月20日", "（此件公开发布）", "扫码评价本件办理结果"):
        assert expected in texts
    assert texts[-1] == "抄送：市政协提案委，市政府办公室。"
    assert texts.index("扫码评价本件办理结果") < len(texts) - 1


def test_it_numbers_four_heading_levels(letters):
    text = "".join(ln.text for page in pages_of(letters, "four_levels") for ln in page)
    for heading in ("一、工作情况", "（一）第二级", "1.第三级", "（1）第四级"):
        assert heading in text


def test_it_shows_a_draft_mark_in_a_draft(letters):
    text = "".join(ln.text for page in pages_of(letters, "draft") for ln in page)
    assert "草稿" in text and "〔" in text


# ---- long names -----------------------------------------------------------------------------
def test_it_keeps_a_long_unit_name_whole_in_the_head(letters):
    page = pages_of(letters, "long_name")[0]
    head = sorted((ln for ln in page if ln.bottom < BLOCK_TOP + 20 and "〔" not in ln.text),
                  key=lambda ln: ln.top)
    assert "".join(ln.text for ln in head) == LONG_UNIT
    assert len(head) == 2
    for ln in head:  # within the 170 mm of the double lines
        assert ln.left >= 20 - 0.5 and ln.right <= 190 + 0.5
    number = [ln for ln in page if "〔" in ln.text][0]
    assert number.top > head[-1].bottom + 4  # under the double line, not over it


def test_it_keeps_a_long_unit_name_whole_in_the_signature(letters):
    texts = page_texts(pages_of(letters, "long_name")[0])
    date = texts.index("2025年6月20日")
    assert "".join(texts[date - 2:date]) == LONG_UNIT
