"""The fixed package parts of a letter: styles, settings, font table, relationships."""

from __future__ import annotations

import functools
from xml.sax.saxutils import escape

from .ooxml import NS_DECL, REL_BASE, XML_HEAD, Font, attr

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONG = "宋体"
LATIN = "Times New Roman"

# Names Word substitutes when a font is missing (w:altName), plus the panose-free hints.
_FONT_TABLE = (
    (FANGSONG, "仿宋", "modern", "fixed"),
    (KAITI, "楷体", "modern", "fixed"),
    (HEITI, "SimHei", "modern", "fixed"),
    (XIAOBIAOSONG, "宋体", "script", "variable"),
    (SONG, "SimSun", "auto", "variable"),
)

LINE_PITCH = 579  # twips: 225 mm / 22 lines


@functools.cache
def font_table() -> bytes:
    fonts = "".join(
        f'<w:font w:name={attr(name)}><w:altName w:val={attr(alt)}/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        for name, alt, family, pitch in _FONT_TABLE
    )
    fonts += (f'<w:font w:name="{LATIN}"><w:charset w:val="00"/><w:family w:val="roman"/>'
              '<w:pitch w:val="variable"/></w:font>')
    return (XML_HEAD + f"<w:fonts {NS_DECL}>{fonts}</w:fonts>").encode()


def _style(style_id: str, name: str, ppr: str, rpr: str, *, kind: str = "paragraph",
           based_on: str | None = "Normal", default: bool = False, ui: int = 0) -> str:
    head = f'<w:style w:type="{kind}" w:styleId="{style_id}"'
    head += ' w:default="1">' if default else ">"
    body = f"<w:name w:val={attr(name)}/>"
    if based_on:
        body += f'<w:basedOn w:val="{based_on}"/>'
    if kind == "paragraph" and style_id != "Normal":
        body += '<w:next w:val="Normal"/>'
    body += f'<w:uiPriority w:val="{ui}"/><w:qFormat/>' if ui else "<w:qFormat/>"
    return head + body + ppr + rpr + "</w:style>"


def styles(body: Font, title: Font, headings: list[Font], footer: Font) -> bytes:
    line = f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/>'
    normal_ppr = (f'<w:pPr><w:widowControl w:val="0"/>{line}'
                  '<w:ind w:firstLine="632" w:firstLineChars="200"/><w:jc w:val="both"/></w:pPr>')
    out = [
        _style("Normal", "Normal", normal_ppr, body.rpr(), based_on=None, default=True),
        _style("Title", "Title", '<w:pPr><w:ind w:firstLine="0" w:firstLineChars="0"/>'
               '<w:jc w:val="center"/><w:outlineLvl w:val="9"/></w:pPr>', title.rpr(), ui=10),
    ]
    for level, font in enumerate(headings, start=1):
        out.append(_style(f"Heading{level}", f"heading {level}",
                          f'<w:pPr><w:keepNext/><w:outlineLvl w:val="{level - 1}"/></w:pPr>',
                          font.rpr(), ui=9))
    plain = '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>' \
            '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="left"/></w:pPr>'
    out.append(_style("Header", "header", plain, footer.rpr(), ui=99))
    out.append(_style("Footer", "footer", plain, footer.rpr(), ui=99))
    out.append('<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
               '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/>'
               '<w:semiHidden/></w:style>')
    defaults = (
        f"<w:docDefaults><w:rPrDefault>{body.rpr()[:-len('</w:rPr>')]}"
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f"<w:pPrDefault><w:pPr>{line}</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    return (XML_HEAD + f"<w:styles {NS_DECL}>{defaults}{''.join(out)}</w:styles>").encode()


@functools.cache
def settings() -> bytes:
    return (
        XML_HEAD + f"<w:settings {NS_DECL}>"
        '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
        '<w:evenAndOddHeaders/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" '
        'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
        '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
        "</w:settings>"
    ).encode()


def relationships(rels: list[tuple[str, str, str]]) -> bytes:
    """rels: (id, type suffix, target)."""
    body = "".join(
        f'<Relationship Id="{rid}" Type="{kind if "://" in kind else REL_BASE + "/" + kind}" '
        f'Target="{target}"/>'
        for rid, kind, target in rels
    )
    return (XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{body}</Relationships>').encode()


def content_types(overrides: list[tuple[str, str]]) -> bytes:
    wml = "application/vnd.openxmlformats-officedocument.wordprocessingml."
    body = (
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
    )
    kinds = {
        "document": wml + "document.main+xml", "styles": wml + "styles+xml",
        "settings": wml + "settings+xml", "fontTable": wml + "fontTable+xml",
        "header": wml + "header+xml", "footer": wml + "footer+xml",
        "core": "application/vnd.openxmlformats-package.core-properties+xml",
        "app": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    }
    body += "".join(f'<Override PartName="/{name}" ContentType="{kinds[kind]}"/>'
                    for name, kind in overrides)
    return (XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types">{body}</Types>').encode()


def core_properties(title: str, author: str, when: str) -> bytes:
    """Document properties with a fixed time (the letter's date), so output is reproducible."""
    return (
        XML_HEAD
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


@functools.cache
def app_properties() -> bytes:
    return (
        XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>replies.letter</Application><DocSecurity>0'
        "</DocSecurity></Properties>"
    ).encode()
