"""Layout of a reply letter in GB/T 9704-2012 letter format (信函格式), as a .docx.

Geometry (mm, from the top-left corner of an A4 page unless said otherwise):

- text block 156 × 225 at (28, 37); 22 lines of 579 twips, 28 characters of 3号 a line;
- unit name (letter head) in red 小标宋, centred, top edge 30 below the page top;
- red double line (thick over thin) 4 below the name, 170 long, centred on the page;
- red double line (thin over thick) ending 20 above the page bottom, first page only;
- page number "— N —" in 4号 宋体, about 7 below the text block, none on the first page;
- the title off the grid, its lines one grid line (10.2) apart;
- the 版记 (抄送) in a text box standing on the foot of the last page's text block, over
  empty grid lines the flow keeps free for it; the ending keeps with the last body line.

The head is drawn with floating shapes anchored on the first page, so the body keeps the
standard 37 mm top margin and the 22-line grid on every page.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import parts
from .numbering import heading_label
from .ooxml import (
    NS_DECL,
    XML_HEAD,
    Anchor,
    Drawings,
    Font,
    paragraph,
    png_size,
    ppr,
    raw_run,
    run,
    twips,
    write_zip,
)

PAGE_W_MM, PAGE_H_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
TEXT_W_MM = PAGE_W_MM - LEFT_MM - RIGHT_MM  # 156
TEXT_H_MM = PAGE_H_MM - TOP_MM - BOTTOM_MM  # 225
CHARS_PER_LINE = 28
LINE = parts.LINE_PITCH
LINE_MM = LINE / 1440 * 25.4
PAGE_W, PAGE_H = 11906, 16838
MARGINS = {"top": twips(TOP_MM), "right": twips(RIGHT_MM), "bottom": twips(BOTTOM_MM),
           "left": twips(LEFT_MM)}
TEXT_W = PAGE_W - MARGINS["left"] - MARGINS["right"]
CHAR = TEXT_W / CHARS_PER_LINE  # twips per character cell
CHAR_MM = TEXT_W_MM / CHARS_PER_LINE
BODY_PT = 16
# 28 characters of 16 pt need 448 pt but the line holds 442.25 pt (156 mm): each character
# is tightened by 0.25 pt (w:spacing -5 twips). A w:docGrid of type linesAndChars with a
# negative charSpace would say the same to Word, but LibreOffice then gives each character
# two grid cells; so the grid is of type "lines" and the pitch comes from the tightening.
CONDENSE = -5

RED = "FF0000"
HEAD_RULE_MM = 170
THICK_MM, GAP_MM, THIN_MM = 0.8, 0.5, 0.3
NAME_TOP_MM = 30
NAME_GAP_MM = 4
BOTTOM_RULE_MM = 20
SEAL_MM = 42
QR_MM = 24
QR_LINES = math.ceil(QR_MM / LINE_MM)  # 3

BODY = Font(parts.FANGSONG, BODY_PT, condense_twips=CONDENSE)
KAI = Font(parts.KAITI, BODY_PT, condense_twips=CONDENSE)
TITLE = Font(parts.XIAOBIAOSONG, 22)
HEADINGS = [Font(parts.HEITI, BODY_PT, condense_twips=CONDENSE), KAI, BODY, BODY]
FOOTER = Font(parts.SONG, 14, latin=parts.SONG)
CC = Font(parts.FANGSONG, 14)
WATERMARK = Font(parts.HEITI, 96, color="D0D0D0")


def _cells(text: str) -> float:
    """Width in character cells: ASCII counts half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


def _blank() -> str:
    return paragraph(ppr(line=LINE))


def split_balanced(text: str, n: int) -> list[str]:
    """text in n lines of about equal width, never breaking inside a run of ASCII letters or
    digits, nor before closing or after opening punctuation; a break after a character
    that ends a unit's name (…委员会 / …局) is preferred to one 1.5 characters better balanced."""
    if n <= 1:
        return [text]
    prefix = [0.0]
    for c in text:
        prefix.append(prefix[-1] + _cells(c))
    total = prefix[-1]
    cuts: list[int] = []
    for k in range(1, n):
        target = total * k / n
        best, best_d = None, None
        for i in range(max(cuts, default=0) + 1, len(text)):
            a, b = text[i - 1], text[i]
            if (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()) \
                    or b in _NO_LINE_START or a in _NO_LINE_END:
                continue
            d = abs(prefix[i] - target) + (0 if a in _NAME_ENDS else 1.5)
            if best_d is None or d < best_d:
                best, best_d = i, d
        if best is not None:
            cuts.append(best)
    bounds = [0, *cuts, len(text)]
    return [text[i:j] for i, j in zip(bounds, bounds[1:], strict=False) if text[i:j]]


_NAME_ENDS = "会局委厅院室部处府司办所站队"  # where a unit's name may end: preferred breaks
_NO_LINE_START = "，。、；：！？）》”’〕】"
_NO_LINE_END = "（《“‘〔【"


def wrapped_lines(text: str, first: int, rest: int) -> int:
    """How many lines text takes when the first line holds `first` character cells and the
    others `rest`, breaking as Word and LibreOffice do (no closing punctuation at a line's
    start: the character before it moves down with it)."""
    lines, width, capacity = 1, 0.0, first
    line_start = 0
    for i, c in enumerate(text):
        w = _cells(c)
        if width + w > capacity:
            lines += 1
            capacity = rest
            if c in _NO_LINE_START and i - 1 > line_start:
                width = _cells(text[i - 1])  # the previous character comes along
                line_start = i - 1
            else:
                width = 0.0
                line_start = i
        width += w
    return lines


def _keep_with_next(p: str) -> str:
    """The paragraph p (as written by paragraph()) kept on the page of the next one."""
    if "<w:keepNext/>" in p:
        return p
    head, sep, rest = p.partition("<w:pPr>")
    if rest.startswith("<w:pStyle"):
        style_end = rest.index("/>") + 2
        return head + sep + rest[:style_end] + "<w:keepNext/>" + rest[style_end:]
    return head + sep + "<w:keepNext/>" + rest


def _indent(chars: float) -> dict:
    return {"twips": round(chars * CHAR), "chars": round(chars * 100)}


HEAD_NAME_PT = (16, 30)  # a name on one line: the largest size that fits, within these
HEAD_WRAPPED_PT = (18, 24)  # a name too long for one line at 16 pt: wrapped, at these sizes


def head_name_lines(name: str) -> tuple[float, list[str]]:
    """Size (pt) and lines of the unit name in the letter head: one line as large as fits
    (16–30 pt); a longer name is wrapped into balanced lines rather than cut or squeezed."""
    width_pt = HEAD_RULE_MM / 25.4 * 72
    cells = max(_cells(name), 1)
    size = math.floor(width_pt / cells)
    if size >= HEAD_NAME_PT[0]:
        return min(size, HEAD_NAME_PT[1]), [name]
    n = 2
    while True:
        lines = split_balanced(name, n)
        widest = max(_cells(line) for line in lines)
        size = math.floor(width_pt / widest)
        if size >= HEAD_WRAPPED_PT[0] or widest <= 1:
            return min(size, HEAD_WRAPPED_PT[1]), lines
        n += 1


# 抄送 in 4号 (14 pt): one character in on both sides, continuation lines under the names.
CC_FIRST_CELLS = math.floor(TEXT_W_MM / (14 / 72 * 25.4) - 2)  # 29
CC_REST_CELLS = math.floor(TEXT_W_MM / (14 / 72 * 25.4) - 5)  # 26
CC_BOX_LINES = 10


def cc_lines(text: str) -> int:
    """Lines the 抄送 takes (at most: LibreOffice fits a character more where Word does not)."""
    return wrapped_lines(text, CC_FIRST_CELLS, CC_REST_CELLS)


TITLE_CELLS = 19  # 22 pt characters a title line holds, with room for Latin spacing
_PREFERRED_BREAKS = re.compile(r"(?=第\d)|(?<=会议)|(?<=关于)|(?=关于)|(?<=的)(?=答复|提案)")


def title_lines(title: str) -> list[str]:
    """Break a title of about two lines at a natural, balanced place; else leave it whole."""
    total = _cells(title)
    if total <= TITLE_CELLS or total > 2 * TITLE_CELLS:
        return [title]
    preferred = {m.start() for m in _PREFERRED_BREAKS.finditer(title)}
    best, best_score = None, None
    for i in range(1, len(title)):
        a, b = title[i - 1], title[i]
        if (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()) \
                or b in "，。、；：！？）》”’〕" or a in "（《“‘〔":
            continue
        w1, w2 = _cells(title[:i]), _cells(title[i:])
        if w1 > TITLE_CELLS or w2 > TITLE_CELLS:
            continue
        score = abs(w1 - w2) + (0 if i in preferred else 4)
        if best_score is None or score < best_score:
            best, best_score = i, score
    return [title] if best is None else [title[:best], title[best:]]


def doc_number_text(prefix: str, doc_number: dict | None) -> str:
    if doc_number is None:
        return f"{prefix}〔　　〕　　号"
    return f"{prefix}〔{doc_number['year']}〕{doc_number['seq']}号"


def date_text(iso: str) -> str:
    d = datetime.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


_BODY_PPR = {"line": LINE, "first_line": round(2 * CHAR), "first_line_chars": 200, "jc": "both"}


class _Letter:
    def __init__(self, spec: dict, seal: bytes | None, qr: bytes | None):
        self.spec = spec
        self.seal = seal
        self.qr = qr
        self.drawings = Drawings()

    # ---- letter head -------------------------------------------------------------------
    def _head_shapes(self) -> tuple[str, float]:
        """Name and double lines; returns the runs and where the lines end (mm from top)."""
        size_pt, lines = head_name_lines(self.spec["unit"]["name"])
        size_mm = size_pt / 72 * 25.4
        line_mm = size_mm * 1.25
        box_h = line_mm * len(lines)
        name_font = Font(parts.XIAOBIAOSONG, size_pt, color=RED)
        line_twips = round(size_pt * 20 * 1.25)
        name_p = paragraph(
            ppr(line=line_twips, jc="center", snap_to_grid=False),
            run("\n".join(lines), name_font))
        x = (PAGE_W_MM - HEAD_RULE_MM) / 2
        # The glyphs sit low in an exact-height line; lift the box by the extra leading.
        box_top = NAME_TOP_MM - (line_mm - size_mm) * 0.75
        out = [self.drawings.text_box(Anchor(x, box_top, HEAD_RULE_MM, box_h), name_p, "Unit")]
        y = NAME_TOP_MM + line_mm * (len(lines) - 1) + size_mm + NAME_GAP_MM
        out.append(self.drawings.rect(Anchor(x, y, HEAD_RULE_MM, THICK_MM), RED))
        out.append(self.drawings.rect(Anchor(x, y + THICK_MM + GAP_MM, HEAD_RULE_MM, THIN_MM),
                                      RED))
        rules_end = y + THICK_MM + GAP_MM + THIN_MM
        bottom = PAGE_H_MM - BOTTOM_RULE_MM
        out.append(self.drawings.rect(
            Anchor(x, bottom - THICK_MM - GAP_MM - THIN_MM, HEAD_RULE_MM, THIN_MM), RED))
        out.append(self.drawings.rect(Anchor(x, bottom - THICK_MM, HEAD_RULE_MM, THICK_MM), RED))
        return "".join(out), rules_end

    def head(self) -> Iterator[str]:
        shapes, rules_end = self._head_shapes()
        spec = self.spec
        number = doc_number_text(spec["unit"]["doc_prefix"], spec["doc_number"])
        left: list[str] = []
        left_text = ""
        if spec["category"]:
            left.append(run(f"办理类别：{spec['category']}", BODY))
            left_text += f"办理类别：{spec['category']}"
        if spec["signer"]:
            if left:
                left.append(run("　", BODY))
            left.append(run("签发人：", BODY))
            left.append(run(spec["signer"], KAI))
            left_text += f"　签发人：{spec['signer']}"
        # Whole grid lines above the number, so that the body stays on the grid and page one
        # holds its 22 lines: the first line whose glyphs (about 2.4 mm below the line's top)
        # clear the double line.
        before = LINE * max(1, math.ceil((rules_end - 1 - TOP_MM) / LINE_MM))
        number_run = run(number, BODY)
        if left and _cells(left_text) + _cells(number) + 2 <= CHARS_PER_LINE:
            yield paragraph(ppr(before=before, line=LINE, tabs=[("right", TEXT_W)], jc="left"),
                            shapes, *left, raw_run("<w:tab/>", BODY), number_run)
        else:
            yield paragraph(ppr(before=before, line=LINE, jc="right"), shapes, number_run)
            if left:
                yield paragraph(ppr(line=LINE, jc="left"), *left)
        yield _blank()
        yield _blank()
        title = "\n".join(title_lines(spec["title"]))
        # Off the grid with an exact line: a 22 pt line would take two grid lines.
        yield paragraph(ppr(style="Title", snap_to_grid=False, line=LINE, jc="center"),
                        run(title, TITLE))
        yield _blank()
        addressee = spec["addressee"].rstrip(":：") + "："
        yield paragraph(ppr(line=LINE, jc="left"), run(addressee, BODY))

    # ---- body ----------------------------------------------------------------------------
    def body_paragraph(self, text: str) -> str:
        return paragraph(ppr(**_BODY_PPR), run(text, BODY))

    def sections(self, sections: list[dict], level: int) -> Iterator[str]:
        for n, section in enumerate(sections, start=1):
            font = HEADINGS[level - 1]
            label = heading_label(level, n)
            yield paragraph(
                ppr(style=f"Heading{level}", keep_next=True, line=LINE,
                    first_line=round(2 * CHAR), first_line_chars=200, jc="both",
                    outline=level - 1),
                run(label + section["heading"], font))
            for text in section["paragraphs"]:
                yield self.body_paragraph(text)
            yield from self.sections(section["sections"], level + 1)

    # ---- ending ----------------------------------------------------------------------------
    def ending(self) -> Iterator[str]:
        """落款, date, 附注 and QR code, then the 版记 (抄送) at the foot of the last page.

        Each paragraph keeps with the next (and document() keeps the last body paragraph with
        the first of them), so the ending moves as one block: when the last page has no room
        for it, the last body line goes over with it, and no page holds the 落款 or the 版记
        alone. The 版记 is a text box anchored in the last lines it reserves (§10.1: in the
        letter format it sits at the bottom of the last page's text block, without lines).
        """
        items = list(self._signature()) + list(self._notes()) + list(self._qr())
        cc_items, cc_box = self._cc()
        items += cc_items
        for i, (kw, runs) in enumerate(items):
            if i == len(items) - 1:
                runs = [*runs, cc_box]
            yield paragraph(ppr(keep_next=i < len(items) - 1, **kw), *runs)

    def _signature(self) -> Iterator[tuple[dict, list[str]]]:
        spec = self.spec
        name = spec["unit"]["name"]
        date = date_text(spec["date"]) if spec["date"] else None
        for _ in range(2 if (date or self.seal) else 1):
            yield {"line": LINE}, []
        date_right = 4.0
        # A name too long for the line is broken into balanced lines, each right-aligned.
        lines = split_balanced(name, math.ceil(_cells(name) / (CHARS_PER_LINE - 1)))
        widest = max(_cells(line) for line in lines)
        if date:
            name_right = max(0.0, date_right + (_cells(date) - widest) / 2)
        else:
            name_right = date_right if widest + date_right <= CHARS_PER_LINE else 0.0
        ind = _indent(name_right)
        seal_run = self._seal_run(date, name_right, lines) if self.seal else ""
        yield ({"line": LINE, "right": ind["twips"], "right_chars": ind["chars"], "jc": "right"},
               [seal_run, run("\n".join(lines), BODY)])
        if date:
            ind = _indent(date_right)
            yield ({"line": LINE, "right": ind["twips"], "right_chars": ind["chars"],
                    "jc": "right"}, [run(date, BODY)])

    def _notes(self) -> Iterator[tuple[dict, list[str]]]:
        """附注 (§7.3.7): each in parentheses, two characters in, from the line under the date."""
        spec = self.spec
        notes = []
        if spec["disclosure"]:
            notes.append(spec["disclosure"])
        contact = spec["contact"]
        said = []
        if contact["name"]:
            said.append(f"联系人：{contact['name']}")
        if contact["phone"]:
            said.append(f"联系电话：{contact['phone']}")
        if said:
            notes.append("，".join(said))
        for note in notes:
            if not note.startswith(("（", "(")):
                note = f"（{note}）"
            yield _BODY_PPR, [run(note, BODY)]

    def _qr(self) -> Iterator[tuple[dict, list[str]]]:
        if not self.qr:
            return
        pic = self.drawings.inline_picture(self.qr, QR_MM, QR_MM, "Feedback QR")
        # Three grid lines, exactly: the text after it stays on the grid.
        yield ({"line": QR_LINES * LINE, "snap_to_grid": False, "first_line": round(2 * CHAR),
                "first_line_chars": 200}, [pic])
        yield _BODY_PPR, [run("扫码评价本件办理结果", BODY)]

    def _cc(self) -> tuple[list[tuple[dict, list[str]]], str]:
        """The 版记's paragraphs in the flow, and the text box (a run) for the last of them.

        The box, as wide as the text block and as high as the lines the 抄送 takes, stands on
        the foot of the text block; the flow keeps that many empty grid lines free for it,
        so it never covers text. A 抄送 too long for that (more than CC_BOX_LINES lines)
        follows the text instead, one line below it.
        """
        cc = self.spec["cc"]
        if not cc:
            return [], ""
        text = "抄送：" + "，".join(cc) + "。"
        one, three = round(CHAR * 14 / 16), round(3 * CHAR * 14 / 16)
        kw = {"line": LINE, "left": one + three, "hanging": three, "right": one, "jc": "both"}
        n = cc_lines(text)
        if n > CC_BOX_LINES:
            return [({"line": LINE}, []), (kw, [run(text, CC)])], ""
        inner = paragraph(ppr(snap_to_grid=False, **kw), run(text, CC))
        h = n * LINE_MM
        box = self.drawings.text_box(
            Anchor(0, TEXT_H_MM - h, TEXT_W_MM, h, rel_h="margin", rel_v="margin"),
            inner, "CC", bottom=True, declare_type=False)  # the head's box declared it
        return [({"line": LINE}, [])] * n, box

    def _seal_run(self, date: str | None, name_right: float, lines: list[str]) -> str:
        px_w, px_h = png_size(self.seal)
        w = SEAL_MM
        h = SEAL_MM * px_h / px_w if px_w else SEAL_MM
        below = (len(lines) - 1) * LINE_MM  # a name on several lines: the date comes lower
        if date:
            centre_x = TEXT_W_MM - 4 * CHAR_MM - _cells(date) * CHAR_MM / 2
            centre_y = below + LINE_MM - 2  # name and date sit a little below the seal's centre
        else:
            widest = max(_cells(line) for line in lines)
            centre_x = TEXT_W_MM - name_right * CHAR_MM - widest * CHAR_MM / 2
            centre_y = (below + LINE_MM) / 2
        return self.drawings.floating_picture(
            self.seal,
            Anchor(centre_x - w / 2, centre_y - h / 2, w, h, rel_h="margin",
                   rel_v="paragraph", behind=True),
            "Seal")

    # ---- whole document -----------------------------------------------------------------
    def document(self, refs: str) -> bytes:
        spec = self.spec
        body = list(self.head())
        body += [self.body_paragraph(t) for t in spec["intro"]]
        body += list(self.sections(spec["sections"], 1))
        body += [self.body_paragraph(t) for t in spec["closing"]]
        body[-1] = _keep_with_next(body[-1])
        body += list(self.ending())
        return document_xml(body, refs)

    def draft_header(self) -> bytes:
        """A large light-grey 草稿 behind the text of every page."""
        w, h = 100, 45
        inner = paragraph(ppr(line=round(96 * 20 * 1.2), jc="center", snap_to_grid=False),
                          run("草稿", WATERMARK))
        box = self.drawings.text_box(
            Anchor(0, 0, w, h, rel_h="margin", rel_v="margin", behind=True, align="center"),
            inner, "Draft")
        p = paragraph(ppr(style="Header", line=240, line_rule="auto"), box)
        return (XML_HEAD + f"<w:hdr {NS_DECL}>{p}</w:hdr>").encode()


def page_footer(align: str | None) -> bytes:
    """The page number "— N —" in 4号宋体, one character in from the outer edge (right on
    odd pages, left on even ones); None: an empty footer (the letter's first page)."""
    if align is None:
        p = paragraph(ppr(style="Footer", line=240, line_rule="auto"))
    else:
        one = round(CHAR * 14 / 16)
        side = {"right": {"right": one}, "left": {"left": one}}[align]
        p = paragraph(
            ppr(style="Footer", line=240, line_rule="auto", jc=align, **side),
            run("— ", FOOTER),
            raw_run('<w:fldChar w:fldCharType="begin"/>', FOOTER),
            raw_run('<w:instrText xml:space="preserve"> PAGE </w:instrText>', FOOTER),
            raw_run('<w:fldChar w:fldCharType="separate"/>', FOOTER),
            run("1", FOOTER),
            raw_run('<w:fldChar w:fldCharType="end"/>', FOOTER),
            run(" —", FOOTER),
        )
    return (XML_HEAD + f"<w:ftr {NS_DECL}>{p}</w:ftr>").encode()


# Footer distance: the dashes of "— N —" sit about 7 mm below the text block (262 mm).
FOOTER_DISTANCE = twips(PAGE_H_MM - (PAGE_H_MM - BOTTOM_MM + 7) - 3)


def section_properties(refs: str, *, first_page_number: bool = False) -> str:
    """The A4 page, the margins of the 156 × 225 mm text block and the 22-line grid, with
    the header and footer references; the first page has no page number unless asked."""
    m = MARGINS
    return (
        f"<w:sectPr>{refs}"
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{m["top"]}" w:right="{m["right"]}" w:bottom="{m["bottom"]}" '
        f'w:left="{m["left"]}" w:header="851" w:footer="{FOOTER_DISTANCE}" w:gutter="0"/>'
        + ("" if first_page_number else "<w:titlePg/>")
        + f'<w:docGrid w:type="lines" w:linePitch="{LINE}"/>'
        "</w:sectPr>"
    )


def document_xml(body: list[str], refs: str, *, first_page_number: bool = False) -> bytes:
    """word/document.xml of the given body elements (w:p, w:tbl) on the standard page."""
    sect = section_properties(refs, first_page_number=first_page_number)
    return (XML_HEAD + f"<w:document {NS_DECL}><w:body>{''.join(body)}{sect}</w:body>"
            "</w:document>").encode()


@dataclass
class Package:
    """The parts of a document on the standard page: styles, settings, font table and the
    page-number footers, to which a layout adds its headers; package() writes the zip."""

    rels: list[tuple[str, str, str]] = field(default_factory=lambda: [
        ("rId1", "styles", "styles.xml"), ("rId2", "settings", "settings.xml"),
        ("rId3", "fontTable", "fontTable.xml"), ("rId4", "footer", "footer1.xml"),
        ("rId5", "footer", "footer2.xml"), ("rId6", "footer", "footer3.xml")])
    refs: str = ('<w:footerReference w:type="default" r:id="rId4"/>'
                 '<w:footerReference w:type="even" r:id="rId5"/>'
                 '<w:footerReference w:type="first" r:id="rId6"/>')
    word: list[tuple[str, bytes]] = field(default_factory=lambda: [
        ("word/footer1.xml", page_footer("right")),
        ("word/footer2.xml", page_footer("left")),
        ("word/footer3.xml", page_footer(None)),
    ])
    overrides: list[tuple[str, str]] = field(default_factory=lambda: [
        ("word/document.xml", "document"), ("word/styles.xml", "styles"),
        ("word/settings.xml", "settings"), ("word/fontTable.xml", "fontTable"),
        ("word/footer1.xml", "footer"), ("word/footer2.xml", "footer"),
        ("word/footer3.xml", "footer")])

    def package(self, document: bytes, drawings: Drawings, *, title: str, author: str,
                when: str) -> bytes:
        """The .docx; `when` (W3CDTF) is the documents' fixed creation time."""
        rels = self.rels + [(f"rIdImg{i}", "image", name)
                            for i, (name, _) in enumerate(drawings.media, start=1)]
        parts_: list[tuple[str, bytes]] = [
            ("[Content_Types].xml", parts.content_types(self.overrides + [
                ("docProps/core.xml", "core"), ("docProps/app.xml", "app")])),
            ("_rels/.rels", parts.relationships([
                ("rId1", "officeDocument", "word/document.xml"),
                ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/"
                         "metadata/core-properties", "docProps/core.xml"),
                ("rId3", "extended-properties", "docProps/app.xml")])),
            ("docProps/core.xml", parts.core_properties(title, author, when)),
            ("docProps/app.xml", parts.app_properties()),
            ("word/document.xml", document),
            ("word/_rels/document.xml.rels", parts.relationships(rels)),
            ("word/styles.xml", parts.styles(BODY, TITLE, HEADINGS, FOOTER)),
            ("word/settings.xml", parts.settings()),
            ("word/fontTable.xml", parts.font_table()),
        ]
        parts_ += self.word
        parts_ += [(f"word/{name}", data) for name, data in drawings.media]
        return write_zip(parts_)


def build_docx(spec: dict, *, seal: bytes | None = None, qr: bytes | None = None) -> bytes:
    """The .docx bytes of a normalised spec; seal and qr are PNG bytes."""
    letter = _Letter(spec, seal, qr)
    pkg = Package()
    if spec["doc_number"] is None:
        for i, kind in enumerate(("default", "even", "first"), start=1):
            header = letter.draft_header()  # one each: drawing ids must not repeat
            pkg.rels.append((f"rId{6 + i}", "header", f"header{i}.xml"))
            pkg.refs = f'<w:headerReference w:type="{kind}" r:id="rId{6 + i}"/>' + pkg.refs
            pkg.word.append((f"word/header{i}.xml", header))
            pkg.overrides.append((f"word/header{i}.xml", "header"))
    document = letter.document(pkg.refs)
    when = (spec["date"] or "2000-01-01") + "T00:00:00Z"
    return pkg.package(document, letter.drawings, title=spec["title"],
                       author=spec["unit"]["name"], when=when)


def qr_png(url: str) -> bytes:
    """A QR code of url as PNG bytes; the same url always gives the same bytes."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(url)
    code.make(fit=True)
    buf = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buf)
    return buf.getvalue()
