"""The sample letter through LibreOffice: page count, 22 lines a page, page numbers.

Skipped where LibreOffice is missing, except under CI=true, where that is a failure.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lxml import etree

from replies.letter import render_letter
from replies.letter.preview import docx_to_pdf, libreoffice_binary, pdf_to_pngs

from .letter_samples import minimal_spec, sample_spec

MM = 25.4 / 72  # PDF points to mm
BLOCK_TOP, BLOCK_BOTTOM = 37, 262  # text block, mm from the page top
SAMPLE_PAGES = 8  # observed: 148 body lines at 22 a page, after a head of 11 lines


@pytest.fixture(scope="module", autouse=True)
def needs_libreoffice():
    if libreoffice_binary() and shutil.which("pdftotext"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice or poppler-utils is missing under CI")
    pytest.skip("LibreOffice or poppler-utils not installed")


def pdf_lines(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page, (top mm, bottom mm, text) of every text line pdftotext finds."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "in.pdf")
        src.write_bytes(pdf)
        subprocess.run(["pdftotext", "-bbox-layout", str(src), str(Path(tmp, "out.html"))],
                       check=True)
        tree = etree.parse(str(Path(tmp, "out.html")), etree.HTMLParser(encoding="utf-8"))
    pages = []
    for page in tree.iter("page"):
        lines = []
        for line in page.iter("line"):
            text = "".join(w.text or "" for w in line.iter("word"))
            lines.append((float(line.get("ymin")) * MM, float(line.get("ymax")) * MM, text))
        pages.append(lines)
    return pages


def body_rows(lines) -> list[float]:
    """Distinct text rows (by centre) inside the text block; pieces on one row count once."""
    centres = sorted((top + bottom) / 2 for top, bottom, _ in lines
                     if BLOCK_TOP <= (top + bottom) / 2 <= BLOCK_BOTTOM)
    rows: list[float] = []
    for c in centres:
        if not rows or c - rows[-1] > 3:
            rows.append(c)
    return rows


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return docx_to_pdf(render_letter(sample_spec()))


@pytest.fixture(scope="module")
def sample_pages(sample_pdf):
    return pdf_lines(sample_pdf)


def test_it_gives_the_sample_a_sane_page_count(sample_pages):
    assert 3 <= len(sample_pages) <= 9
    assert len(sample_pages) == SAMPLE_PAGES


def test_it_puts_at_most_22_lines_on_a_page(sample_pages):
    counts = [len(body_rows(lines)) for lines in sample_pages]
    assert max(counts) <= 22, counts
    assert counts[1:-1] == [22] * (len(counts) - 2), counts  # full pages are full


def test_it_numbers_pages_from_the_second(sample_pages):
    for n, lines in enumerate(sample_pages, start=1):
        below = "".join(t for top, _, t in lines if top > BLOCK_BOTTOM).replace(" ", "")
        if n == 1:
            assert not re.search(r"—\d+—", below)
        else:
            assert f"—{n}—" in below


def test_it_puts_the_unit_name_near_30_mm_from_the_top(sample_pages):
    name = [(top, bottom) for top, bottom, t in sample_pages[0] if t == "连云港市市场监督管理局"]
    top, bottom = name[0]
    assert 27 <= top <= 31 and bottom < BLOCK_TOP + 8


def test_it_shows_the_document_number_and_title_on_page_one(sample_pages):
    text = "".join(t for _, _, t in sample_pages[0])
    assert "连市监办复〔2025〕86号" in text
    assert "第44137号提案的答复" in text


def test_it_shows_a_draft_mark_in_a_draft(tmp_path):
    pdf = docx_to_pdf(render_letter(minimal_spec(doc_number=None)))
    text = "".join(t for page in pdf_lines(pdf) for _, _, t in page)
    assert "草稿" in text and "〔" in text


def test_it_renders_png_previews(sample_pdf):
    pngs = pdf_to_pngs(sample_pdf, dpi=30, last=2)
    assert len(pngs) == 2 and all(p.startswith(b"\x89PNG") for p in pngs)
