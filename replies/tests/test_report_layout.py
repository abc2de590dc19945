"""The report layout (replies.letter.report_builder): the letter's page and headings, Word
tables, the chart, the same bytes each time; and through LibreOffice, an A4 PDF with the
text and the chart in it."""

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from replies.letter import report_chart
from replies.letter.preview import docx_to_pdf
from replies.letter.report_builder import build_report

from .ooxml_validate import assert_valid_docx
from .test_letter_pdf import _require_tools

UNITS = [("连云港市市场监督管理局", 0.6, "60.0%"), ("连云港市住房和城乡建设局", 1.0, "100.0%"),
         ("连云港市交通运输局", 0.0, "0.0%")]
SPEC = {
    "title": "连云港市政协十四届四次会议提案办理工作报告",
    "intro": [{"todo": "开头段落，请撰写"}],
    "sections": [
        {"heading": "基本情况", "blocks": [
            "共收到提案5件。",
            {"table": {"caption": "表1　提案基本情况", "columns": ["项目", "件数"],
                       "rows": [["提案总数", "5"], ["立案", "4"]], "widths": [3, 1]}},
        ]},
        {"heading": "办理情况", "blocks": [
            {"chart": {"caption": "图1　各承办单位办复率", "rows": UNITS}}],
         "sections": [{"heading": "重点提案", "blocks": ["重点提案\x07办理顺利。"]}]},
    ],
    "signature": "连云港市政协提案委员会",
    "date": "2025-12-01",
}


def document(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def test_it_gives_the_same_bytes_for_the_same_spec():
    assert build_report(SPEC) == build_report(SPEC)
    assert build_report(SPEC) != build_report({**SPEC, "date": "2025-12-02"})


def test_it_is_a_valid_docx_with_numbered_headings_and_a_word_table():
    data = build_report(SPEC)
    assert_valid_docx(data)
    xml = document(data)
    texts = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    assert "一、基本情况" in texts and "二、办理情况" in texts and "（一）重点提案" in texts
    assert "【开头段落，请撰写】" in texts
    assert "重点提案办理顺利。" in texts  # the control character is dropped
    assert xml.count("<w:tbl>") == 1 and xml.count("<w:tblHeader/>") == 1
    assert 'w:eastAsia="仿宋_GB2312"' in xml and '<w:sz w:val="24"/>' in xml  # 小四仿宋 cells
    assert "<w:titlePg/>" not in xml  # every page numbered
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode()
    assert "2025-12-01T00:00:00Z" in core


def test_the_chart_is_a_deterministic_png_with_a_bar_per_row():
    png = report_chart.bar_chart_png(UNITS)
    assert png == report_chart.bar_chart_png(UNITS)
    image = Image.open(io.BytesIO(png))
    assert image.width == report_chart.WIDTH
    assert image.height == report_chart.TOP + 3 * report_chart.ROW + report_chart.BOTTOM
    # The full bar (100%) reaches the end of the scale; the empty one (0%) has no bar.
    x_end = report_chart.WIDTH - report_chart.VALUE_W
    middle = report_chart.TOP + report_chart.ROW + report_chart.ROW // 2
    assert image.getpixel((x_end - 2, middle)) == report_chart.BAR_COLOUR
    zero_row = report_chart.TOP + 2 * report_chart.ROW + report_chart.ROW // 2
    assert image.getpixel((report_chart.LABEL_W + 40, zero_row)) != report_chart.BAR_COLOUR


def test_the_chart_fails_clearly_without_a_cjk_font(monkeypatch):
    report_chart.cjk_font.cache_clear()
    # A fontconfig that knows no font at all (fc-match would otherwise answer with any
    # font covering Chinese, which is fine).
    conf = Path(tempfile.mkdtemp()) / "fonts.conf"
    conf.write_text(f"<fontconfig><dir>{conf.parent / 'none'}</dir>"
                    f"<cachedir>{conf.parent / 'cache'}</cachedir></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    try:
        with pytest.raises(report_chart.ChartFontMissing, match="中文字体"):
            report_chart.bar_chart_png(UNITS)
    finally:
        report_chart.cjk_font.cache_clear()


def test_it_renders_as_an_a4_pdf_with_its_text_and_chart(warm_libreoffice):
    _require_tools()
    if shutil.which("pdfimages") is None:
        pytest.skip("pdfimages (poppler-utils) not installed")
    pdf = docx_to_pdf(build_report(SPEC))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "report.pdf")
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                              check=True).stdout
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True,
                                text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    flat = re.sub(r"\s+", "", text)
    for expected in ("提案办理工作报告", "一、基本情况", "表1", "提案总数", "图1",
                     "连云港市政协提案委员会", "2025年12月1日"):
        assert expected in flat, expected
    assert len(images.strip().splitlines()) >= 3  # two header lines, then the chart
