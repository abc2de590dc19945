"""WordprocessingML fragments, written as text in the element order the schema demands.

The letter is small and its structure fixed, so the generator writes the package parts
itself instead of editing python-docx's default template (whose theme declares Japanese as
the East-Asian language, and which carries 800 KB of unused styles and a thumbnail).
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

TWIPS_PER_MM = 1440 / 25.4
EMU_PER_MM = 36000

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_DECL = (
    f'xmlns:w="{NS_W}" xmlns:r="{NS_R}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)
# No mc:Ignorable: nothing here is ignorable. wps is only used inside mc:Choice Requires="wps"
# (listing it as ignorable would let a reader drop the shapes); v, o and w10 are standard VML.
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def emu(mm: float) -> int:
    return round(mm * EMU_PER_MM)


def attr(value: object) -> str:
    return quoteattr(str(value))


@dataclass(frozen=True)
class Font:
    east_asia: str
    size_pt: float
    latin: str = "Times New Roman"
    color: str | None = None
    bold: bool = False
    condense_twips: int = 0  # w:spacing: negative tightens every character


    @functools.cache  # noqa: B019 - Font is frozen and few; each letter asks ~50 times
    def rpr(self) -> str:
        latin = attr(self.latin)
        parts = [
            f'<w:rFonts w:ascii={latin} w:hAnsi={latin} w:eastAsia={attr(self.east_asia)} '
            f'w:cs={latin} w:hint="eastAsia"/>'
        ]
        if self.bold:
            parts.append("<w:b/><w:bCs/>")
        if self.color:
            parts.append(f'<w:color w:val="{self.color}"/>')
        if self.condense_twips:
            parts.append(f'<w:spacing w:val="{self.condense_twips}"/>')
        half = round(self.size_pt * 2)
        parts.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
        return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def run(text: str, font: Font) -> str:
    """A run; newlines become line breaks and tabs tab characters."""
    content: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            content.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                content.append("<w:tab/>")
            if chunk:
                content.append(f'<w:t xml:space="preserve">{escape(chunk)}</w:t>')
    return f"<w:r>{font.rpr()}{''.join(content)}</w:r>"


def raw_run(inner: str, font: Font | None = None) -> str:
    return f"<w:r>{font.rpr() if font else ''}{inner}</w:r>"


def ppr(*, style: str | None = None, keep_next: bool = False, tabs: list[tuple[str, int]] = (),
        snap_to_grid: bool = True, before: int = 0, line: int | None = None,
        line_rule: str = "exact", left: int = 0, right: int = 0, first_line: int = 0,
        hanging: int = 0, left_chars: int | None = None, right_chars: int | None = None,
        first_line_chars: int | None = None, hanging_chars: int | None = None,
        jc: str | None = None, outline: int | None = None) -> str:
    """Paragraph properties; indents in twips, *_chars in hundredths of a character."""
    parts = []
    if style:
        parts.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        parts.append("<w:keepNext/>")
    if tabs:
        parts.append("<w:tabs>" + "".join(
            f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in tabs) + "</w:tabs>")
    if not snap_to_grid:
        parts.append('<w:snapToGrid w:val="0"/>')
    spacing = f'w:before="{before}" w:after="0"'
    if line is not None:
        spacing += f' w:line="{line}" w:lineRule="{line_rule}"'
    parts.append(f"<w:spacing {spacing}/>")
    ind = []
    if left or left_chars is not None:
        ind.append(f'w:left="{left}"')
        if left_chars is not None:
            ind.append(f'w:leftChars="{left_chars}"')
    if right or right_chars is not None:
        ind.append(f'w:right="{right}"')
        if right_chars is not None:
            ind.append(f'w:rightChars="{right_chars}"')
    if hanging or hanging_chars is not None:
        ind.append(f'w:hanging="{hanging}"')
        if hanging_chars is not None:
            ind.append(f'w:hangingChars="{hanging_chars}"')
    else:
        ind.append(f'w:firstLine="{first_line}"')
        ind.append(f'w:firstLineChars="{first_line_chars or 0}"')
    parts.append(f"<w:ind {' '.join(ind)}/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


def paragraph(p_pr: str, *runs: str) -> str:
    return f"<w:p>{p_pr}{''.join(runs)}</w:p>"


@dataclass
class Anchor:
    """Position of a floating drawing; offsets in mm relative to the named frames."""

    x_mm: float
    y_mm: float
    w_mm: float
    h_mm: float
    rel_h: str = "page"
    rel_v: str = "page"
    behind: bool = False
    align: str | None = None  # centre both ways in the frames instead of the offsets


@dataclass
class Drawings:
    """Hands out drawing ids that are unique in the whole package, in a fixed order."""

    next_id: int = 1
    z: int = 0
    media: list[tuple[str, bytes]] = field(default_factory=list)

    def _anchor(self, a: Anchor, name: str, graphic: str) -> tuple[str, int, int]:
        """The w:drawing of a floating graphic, its drawing id and its relativeHeight."""
        self.z += 1
        did = self.next_id
        self.next_id += 1
        height = 251658240 + self.z * 1024
        drawing = (
            '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
            f'relativeHeight="{height}" behindDoc="{int(a.behind)}" '
            'locked="1" layoutInCell="1" allowOverlap="1">'
            '<wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="{a.rel_h}">{self._pos(a.align, a.x_mm)}</wp:positionH>'
            f'<wp:positionV relativeFrom="{a.rel_v}">{self._pos(a.align, a.y_mm)}</wp:positionV>'
            f'<wp:extent cx="{emu(a.w_mm)}" cy="{emu(a.h_mm)}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            f'<wp:docPr id="{did}" name={attr(f"{name} {did}")}/><wp:cNvGraphicFramePr/>'
            f"{graphic}</wp:anchor></w:drawing>"
        )
        return drawing, did, height

    @staticmethod
    def _pos(align: str | None, mm: float) -> str:
        if align:
            return f"<wp:align>{align}</wp:align>"
        return f"<wp:posOffset>{emu(mm)}</wp:posOffset>"

    # wps is a Word 2010 extension: as Word does ([MS-ODRAWXML] 2.2.7.3), each shape also gets
    # a VML twin in mc:Fallback, which readers without wps (Word 2007, some WPS builds) use.
    def _shape(self, a: Anchor, name: str, graphic: str, *, vml: str, attrs: str,
               inner: str = "", shapetype: str = "", text_anchor: str = "top") -> str:
        """A wps shape run with its VML fallback: v:<vml> with attrs and children inner."""
        drawing, did, height = self._anchor(a, name, graphic)
        style = _vml_style(a, height) + (f";v-text-anchor:{text_anchor}" if inner else "")
        # No w10:wrap type: Word writes none for wrapNone, only the anchor frames.
        frames = f'anchorx="{_VML_REL_H[a.rel_h]}" anchory="{_VML_REL_V[a.rel_v]}"'
        fallback = (
            f'{shapetype}<v:{vml} id={attr(f"{name} {did}")} o:spid="_x0000_s{1024 + did}" '
            f'style="{style}" {attrs}>{inner}'
            f'<w10:wrap {frames}/><w10:anchorlock/></v:{vml}>'
        )
        return (
            f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
            f'<mc:Fallback><w:pict>{fallback}</w:pict></mc:Fallback></mc:AlternateContent></w:r>'
        )

    def rect(self, a: Anchor, color: str, name: str = "Line") -> str:
        """A filled rectangle without outline (one stroke of the red double lines)."""
        graphic = (
            '<a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            '<wps:wsp><wps:cNvSpPr/><wps:spPr>'
            f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(a.w_mm)}" cy="{emu(a.h_mm)}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill><a:ln><a:noFill/></a:ln>'
            '</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>'
        )
        return self._shape(a, name, graphic, vml="rect",
                           attrs=f'fillcolor="#{color.lower()}" stroked="f"')

    def text_box(self, a: Anchor, paragraphs: str, name: str = "Text Box", *,
                 bottom: bool = False, declare_type: bool = True) -> str:
        """A borderless, transparent text box holding the given w:p elements.

        bottom: the text sits at the foot of the box instead of its top; declare_type: False
        for a second text box in a part, whose first one declared the VML shapetype.
        """
        graphic = (
            '<a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
            f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(a.w_mm)}" cy="{emu(a.h_mm)}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
            f'</wps:spPr><wps:txbx><w:txbxContent>{paragraphs}</w:txbxContent></wps:txbx>'
            '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
            f'anchor="{"b" if bottom else "t"}" anchorCtr="0"><a:noAutofit/></wps:bodyPr></wps:wsp>'
            '</a:graphicData></a:graphic>'
        )
        # Word declares the text-box shapetype once a part, before its first text box.
        return self._shape(
            a, name, graphic, vml="shape", attrs='type="#_x0000_t202" filled="f" stroked="f"',
            inner=f'<v:textbox inset="0,0,0,0"><w:txbxContent>{paragraphs}</w:txbxContent>'
                  '</v:textbox>',
            shapetype=_TEXT_BOX_SHAPETYPE if declare_type else "",
            text_anchor="bottom" if bottom else "top")

    def add_image(self, data: bytes) -> str:
        """Register a PNG; returns its relationship id (rIdImgN, resolved by the package)."""
        for i, (_, existing) in enumerate(self.media):
            if existing == data:
                return f"rIdImg{i + 1}"
        self.media.append((f"media/image{len(self.media) + 1}.png", data))
        return f"rIdImg{len(self.media)}"

    def _pic(self, rid: str, w_mm: float, h_mm: float, name: str) -> str:
        return (
            '<a:graphic><a:graphicData '
            'uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name={attr(name)}/><pic:cNvPicPr/>'
            f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/>'
            '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{emu(w_mm)}" cy="{emu(h_mm)}"/></a:xfrm><a:prstGeom prst="rect">'
            '<a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        )

    def floating_picture(self, data: bytes, a: Anchor, name: str) -> str:
        graphic = self._pic(self.add_image(data), a.w_mm, a.h_mm, name)
        return f"<w:r>{self._anchor(a, name, graphic)[0]}</w:r>"

    def inline_picture(self, data: bytes, w_mm: float, h_mm: float, name: str) -> str:
        did = self.next_id
        self.next_id += 1
        return (
            '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{emu(w_mm)}" cy="{emu(h_mm)}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{did}" name={attr(f"{name} {did}")}/><wp:cNvGraphicFramePr/>'
            f"{self._pic(self.add_image(data), w_mm, h_mm, name)}</wp:inline></w:drawing></w:r>"
        )


# VML names of the anchor frames (mso-position-…-relative, w10:wrap anchorx / anchory).
_VML_REL_H = {"page": "page", "margin": "margin", "column": "text", "character": "char"}
_VML_REL_V = {"page": "page", "margin": "margin", "paragraph": "text", "line": "line"}
_TEXT_BOX_SHAPETYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


def _pt(mm: float) -> str:
    """A VML length in points, as Word writes it (two decimals at most)."""
    text = f"{mm * 72 / 25.4:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("0", "-0") else f"{text}pt"


def _vml_style(a: Anchor, relative_height: int) -> str:
    """The CSS-like style of a VML shape placed as the anchor places its DrawingML twin.

    The z-index is the anchor's relativeHeight, less 2 × 251658240 behind the text, which
    matches the z-indexes Word writes (251658240 + n·1024 in front, -251658240 + n·1024 behind).
    """
    z = relative_height - 2 * 251658240 if a.behind else relative_height
    horizontal = vertical = a.align or "absolute"
    left, top = ("0", "0") if a.align else (_pt(a.x_mm), _pt(a.y_mm))
    return (
        f"position:absolute;margin-left:{left};margin-top:{top};"
        f"width:{_pt(a.w_mm)};height:{_pt(a.h_mm)};z-index:{z};visibility:visible;"
        f"mso-wrap-style:square;mso-position-horizontal:{horizontal};"
        f"mso-position-horizontal-relative:{_VML_REL_H[a.rel_h]};"
        f"mso-position-vertical:{vertical};"
        f"mso-position-vertical-relative:{_VML_REL_V[a.rel_v]}"
    )


def png_size(data: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG's IHDR chunk."""
    return struct.unpack(">II", data[16:24])


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(parts: list[tuple[str, bytes]]) -> bytes:
    """A zip whose bytes depend only on the parts: fixed times, modes, and the given order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            zf.writestr(info, data, compresslevel=6)
    return buf.getvalue()
