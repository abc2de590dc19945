"""Layout of a work report (e.g. the committee's 提案办理工作报告) as a .docx: the letter's
page, fonts, heading numbers and page numbers (docx_builder), without the letter head.

A report spec is plain data, like a letter spec:

- ``title`` (2号小标宋, centred; broken at its ``\\n`` if it has any, else as a letter's),
  ``intro`` (blocks before the first heading), ``sections`` (each
  ``{heading, blocks, sections}``, numbered 一、 → （一） → 1. → （1） by depth),
  ``signature`` (落款, e.g. the committee's name) and ``date`` (``YYYY-MM-DD``, printed
  under the 落款 and the document's fixed creation time, so the same spec gives the same
  bytes);
- a block is a paragraph (a string), a table ``{"table": {"caption", "columns", "rows",
  "widths"}}`` (widths relative, one per column; cells are strings), a chart
  ``{"chart": {"caption", "rows": [[label, value 0–1, printed]]}}`` (a PNG bar chart,
  report_chart.py) or text still to be written ``{"todo": text}``, printed in 【】 in 楷体
  for the drafter to replace.

Tables are Word tables in the official style: 小四仿宋 (two sizes under the body's 3号), a
header row in 黑体 repeated on each page, single black borders, the caption above in 黑体.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from . import docx_builder as page
from .numbering import heading_label
from .ooxml import Drawings, Font, paragraph, ppr, run
from .report_chart import bar_chart_png
from .spec import _BAD_CHARS

TABLE_PT = 12  # 小四
TABLE = Font(page.parts.FANGSONG, TABLE_PT)
TABLE_HEAD = Font(page.parts.HEITI, TABLE_PT)
CAPTION = Font(page.parts.HEITI, 14)  # 4号黑体
TODO = page.KAI
TABLE_LINE = round(TABLE_PT * 20 * 1.5)  # twips: a row of one line, with some air
CHART_W_MM = 150
CHART_PX_W = 1200  # report_chart.WIDTH
BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'


def _clean(text: object) -> str:
    """Text a .docx can hold: characters XML forbids are dropped (names and titles come
    from the database, where a stray control character would break the package)."""
    return _BAD_CHARS.sub("", str(text))


def _cell(text: str, width: int, font: Font, jc: str) -> str:
    p = paragraph(ppr(snap_to_grid=False, line=TABLE_LINE, jc=jc), run(_clean(text), font))
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/>'
            f"</w:tcPr>{p}</w:tc>")


def table_xml(columns: list[str], rows: list[list[str]], widths: list[float] | None) -> str:
    """A w:tbl as wide as the text block: header row (repeated on each page) in 黑体, the
    first column flush left and the others centred, single borders all round."""
    weights = widths or [1.0] * len(columns)
    total = sum(weights)
    twips = [math.floor(page.TEXT_W * w / total) for w in weights]
    twips[0] += page.TEXT_W - sum(twips)
    borders = "".join(BORDER.format(side=s)
                      for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{page.TEXT_W}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar>"
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr><w:tblGrid>"
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
        + "</w:tblGrid>"
    ]
    out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
               + "".join(_cell(c, w, TABLE_HEAD, "center") for c, w in zip(columns, twips,
                                                                           strict=True))
               + "</w:tr>")
    for row in rows:
        cells = [_cell(text, w, TABLE, "left" if i == 0 else "center")
                 for i, (text, w) in enumerate(zip(row, twips, strict=True))]
        out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cells) + "</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _caption(text: str, *, keep_next: bool) -> str:
    return paragraph(ppr(keep_next=keep_next, line=page.LINE, jc="center"),
                     run(_clean(text), CAPTION))


class _Report:
    def __init__(self, spec: dict):
        self.spec = spec
        self.drawings = Drawings()

    def body_paragraph(self, text: str) -> str:
        return paragraph(ppr(**page._BODY_PPR), run(_clean(text), page.BODY))

    def blocks(self, blocks: list) -> Iterator[str]:
        for block in blocks:
            if isinstance(block, str):
                yield self.body_paragraph(block)
            elif "table" in block:
                t = block["table"]
                yield _caption(t["caption"], keep_next=True)
                yield table_xml(t["columns"], t["rows"], t.get("widths"))
                yield page._blank()
            elif "chart" in block:
                yield from self.chart(block["chart"])
            elif "todo" in block:
                text = _clean(block["todo"]).strip("【】")
                yield paragraph(ppr(**page._BODY_PPR), run(f"【{text}】", TODO))
            else:
                raise ValueError(f"unknown block: {sorted(block)}")

    def chart(self, chart: dict) -> Iterator[str]:
        png = bar_chart_png([(_clean(label), float(value), _clean(printed))
                             for label, value, printed in chart["rows"]])
        w_px, h_px = page.png_size(png)
        h_mm = CHART_W_MM * h_px / w_px
        pic = self.drawings.inline_picture(png, CHART_W_MM, h_mm, "Chart")
        yield _caption(chart["caption"], keep_next=True)
        yield paragraph(ppr(snap_to_grid=False, line=240, line_rule="auto", jc="center"), pic)
        yield page._blank()

    def sections(self, sections: list[dict], level: int) -> Iterator[str]:
        for n, section in enumerate(sections, start=1):
            yield paragraph(
                ppr(style=f"Heading{level}", keep_next=True, line=page.LINE,
                    first_line=round(2 * page.CHAR), first_line_chars=200, jc="both",
                    outline=level - 1),
                run(heading_label(level, n) + _clean(section["heading"]),
                    page.HEADINGS[level - 1]))
            yield from self.blocks(section.get("blocks", []))
            yield from self.sections(section.get("sections", []), level + 1)

    def ending(self) -> Iterator[str]:
        """落款 and date as in a letter: the date four characters in from the right, the
        name centred over it."""
        spec = self.spec
        name, date = _clean(spec["signature"]), page.date_text(spec["date"])
        yield page._blank()
        yield page._blank()
        right = max(0.0, 4.0 + (page._cells(date) - page._cells(name)) / 2)
        for text, chars in ((name, right), (date, 4.0)):
            ind = page._indent(chars)
            yield paragraph(ppr(keep_next=text == name, line=page.LINE, right=ind["twips"],
                                right_chars=ind["chars"], jc="right"),
                            run(text, page.BODY))

    def body(self) -> list[str]:
        spec = self.spec
        title = _clean(spec["title"])
        if "\n" not in title:  # a title given in lines keeps them
            title = "\n".join(page.title_lines(title))
        body = [
            paragraph(ppr(style="Title", snap_to_grid=False, line=page.LINE, jc="center"),
                      run(title, page.TITLE)),
            page._blank(),
        ]
        body += list(self.blocks(spec.get("intro", [])))
        body += list(self.sections(spec["sections"], 1))
        body[-1] = page._keep_with_next(body[-1]) if body[-1].startswith("<w:p>") else body[-1]
        body += list(self.ending())
        return body


def build_report(spec: dict) -> bytes:
    """The .docx bytes of a report spec (see the module's docstring); deterministic."""
    report = _Report(spec)
    body = report.body()
    pkg = page.Package()
    # A report numbers every page, the first too (a letter's first page carries its head).
    document = page.document_xml(body, pkg.refs, first_page_number=True)
    return pkg.package(document, report.drawings, title=_clean(spec["title"]).replace("\n", ""),
                       author=_clean(spec["signature"]), when=spec["date"] + "T00:00:00Z")

