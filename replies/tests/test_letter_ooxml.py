"""Every letter shape, every part, checked as Word 2010+ and Word 2007 read it; and the checker
itself, shown to fail on letters broken on purpose."""

import io
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from replies.letter import render_letter

from .letter_samples import SHAPES, rendered_shape
from .letter_shapes import shapes
from .ooxml_validate import READERS, assert_valid_docx, mc_process, validate_docx

# A letter with every kind of part: draft-mark headers (wps text boxes), seal and QR images.
BASE = "draft, sealed, with QR and 抄送"
BOTH = "Word 2010 and Word 2007"


def _names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.namelist()


@pytest.mark.parametrize("shape", SHAPES)
def test_it_writes_every_part_of_the_letter_as_word_reads_it(shape):
    data = rendered_shape(shape)
    report = assert_valid_docx(data)
    checked = set(report.checked)
    for name in _names(data):
        if name.startswith("word/") and name.endswith(".xml"):
            assert {(name, reader) for reader in READERS} <= checked
        elif name.endswith((".xml", ".rels")):
            assert (name, "package") in checked
    assert len(report.checked) == len(checked)  # no part validated twice by one reader


def test_it_finds_nothing_word_would_repair_in_a_file_word_wrote():
    """python-docx's template, saved by Word: w14/wp14 ignorable markup, theme, numbering,
    customXml, thumbnail. Its one finding is the schema's, not Word's: Word writes
    w:zoom w:val="bestFit" without the w:percent that ISO 29500 requires."""
    report = validate_docx((Path(docx.__file__).parent / "templates" / "default.docx")
                           .read_bytes())
    assert [(p.part, p.reader, p.message.split(" ")[0]) for p in report.problems] == [
        ("word/settings.xml", BOTH, "/w:settings/w:zoom:")]
    assert "'w:percent' is required" in report.problems[0].message
    assert {("word/stylesWithEffects.xml", "Word 2010"), ("word/theme/theme1.xml", "Word 2007"),
            ("customXml/item1.xml", "package"), ("customXml/itemProps1.xml", "package")
            } <= set(report.checked)


def test_it_skips_custom_xml_data_which_may_be_any_xml():
    rel = ('<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/'
           '2006/relationships/customXml" Target="../customXml/item1.xml"/></Relationships>')
    data = _broken("word/_rels/document.xml.rels", "</Relationships>", rel)
    data = _rewrite(data, lambda name, raw: raw if name else [
        ("customXml/item1.xml", b'<data xmlns="urn:example:letters"><id>1</id></data>')])
    report = validate_docx(data)
    assert (report.problems, report.skipped) == ([], ["customXml/item1.xml"])


# ---- the checker fails on broken letters --------------------------------------------------
def _rewrite(data: bytes, change) -> bytes:
    """The package with change(name, bytes) applied: bytes to keep, None to drop a part;
    change may also return extra (name, bytes) parts for the name None, asked last."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            new = change(name, src.read(name))
            if new is not None:
                dst.writestr(name, new)
        for name, extra in change(None, b"") or []:
            dst.writestr(name, extra)
    return out.getvalue()


def _broken(part: str, old: str, new: str) -> bytes:
    def change(name, raw):
        if name != part:
            return None if name is None else raw
        text = raw.decode()
        assert text.count(old) >= 1, f"{old!r} is not in {part}"
        return text.replace(old, new, 1).encode()

    return _rewrite(rendered_shape(BASE), change)


def _problems(data: bytes) -> list[tuple[str, str | None, str]]:
    return [(p.part, p.reader, p.message) for p in validate_docx(data).problems]


def _assert_found(data: bytes, part: str, reader: str | None, *words: str) -> None:
    problems = _problems(data)
    assert any(p == part and r == reader and all(w in m for w in words)
               for p, r, m in problems), problems


def test_the_base_letter_is_valid():
    assert _problems(rendered_shape(BASE)) == []


@pytest.mark.parametrize(("part", "old", "new", "reader", "words"), [
    pytest.param(  # w:keepNext must follow w:pStyle
        "word/document.xml", '<w:pStyle w:val="Heading1"/><w:keepNext/>',
        '<w:keepNext/><w:pStyle w:val="Heading1"/>', BOTH,
        ["/w:pPr/w:pStyle", "Element 'w:pStyle': This element is not expected"],
        id="wrong child order in w:pPr"),
    pytest.param(
        "word/document.xml", '<w:jc w:val="both"/>', '<w:jc w:val="both" w:align="both"/>',
        BOTH, ["/w:pPr/w:jc", "attribute 'w:align'", "not allowed", 'near <w:jc w:val="both"'],
        id="unknown attribute"),
    pytest.param(
        "word/styles.xml", '<w:semiHidden/>', '<w:semiHidden/><w:semiHidden/>', BOTH,
        ["/w:styles/w:style[", "w:semiHidden"], id="repeated element in styles"),
    pytest.param(
        "word/settings.xml", '<w:zoom w:percent="100"/>',
        '<w:evenAndOddHeaders/><w:zoom w:percent="100"/>', BOTH,
        ["/w:settings/w:zoom", "not expected"], id="wrong child order in w:settings"),
    pytest.param(  # only Word 2007 reads the VML fallback
        "word/header1.xml", 'stroked="f"', 'stroked="no"', "Word 2007",
        ["mc:Fallback/w:pict/v:shape", "stroked"], id="bad value in a VML fallback"),
    pytest.param(  # w:pict takes VML under a lax wildcard: the schema alone lets it pass
        "word/header1.xml", "<w:pict>", "<w:pict><o:lok/>", "Word 2007",
        ["mc:Fallback/w:pict/o:lok", "not an element of its namespace"],
        id="unknown element in a VML fallback"),
    pytest.param(  # only Word 2010 reads the wps choice
        "word/header1.xml", '<wps:cNvSpPr txBox="1"/>', '', "Word 2010",
        ["mc:Choice/w:drawing/wp:anchor", "wps:spPr", "not expected"],
        id="missing element in a wps shape"),
    pytest.param(
        "word/document.xml", '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>',
        '<wp:wrapNone/><wp:effectExtent l="0" t="0" r="0" b="0"/>', "Word 2010",
        ["wp:anchor/wp:effectExtent", "not expected"], id="wrong child order in wp:anchor"),
    pytest.param(
        "docProps/core.xml", "<cp:revision>1</cp:revision>", "<cp:revisions>1</cp:revisions>",
        None, ["/cp:coreProperties/cp:revisions", "not expected"], id="core properties"),
    pytest.param(
        "docProps/app.xml", "<DocSecurity>0</DocSecurity>", "<DocSecurity>none</DocSecurity>",
        None, ["/Properties/DocSecurity", "'none' is not a valid value"], id="app properties"),
    pytest.param(
        "[Content_Types].xml", '<Default Extension="png"', '<Default Extension=".png"', None,
        ["/Types/Default", "Extension"], id="content types schema"),
])
def test_it_names_part_reader_path_and_schema_error(part, old, new, reader, words):
    _assert_found(_broken(part, old, new), part, reader, *words)


def test_it_finds_a_part_without_a_content_type():
    data = _broken("[Content_Types].xml",
                   '<Default Extension="png" ContentType="image/png"/>', "")
    _assert_found(data, "word/media/image1.png", None, "no content type", "'png'")


def test_it_finds_a_part_whose_content_type_does_not_fit_its_relationship():
    data = _broken("[Content_Types].xml", '<Override PartName="/word/header2.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.header+xml"/>', "")
    _assert_found(data, "word/header2.xml", None, "application/xml", "relationship type header")


def test_it_finds_a_dangling_relationship_target():
    data = _broken("word/_rels/document.xml.rels", 'Target="media/image1.png"',
                   'Target="media/seal.png"')
    _assert_found(data, "word/_rels/document.xml.rels", None,
                  "rIdImg1 points to /word/media/seal.png, which is not in the package")
    _assert_found(data, "word/media/image1.png", None, "orphan")


def test_it_finds_a_reference_to_a_missing_relationship():
    data = _broken("word/document.xml", 'r:embed="rIdImg1"', 'r:embed="rIdImg7"')
    _assert_found(data, "word/document.xml", None, 'a:blip r:embed="rIdImg7"',
                  "names no relationship")


def test_it_finds_a_reference_to_a_relationship_of_the_wrong_type():
    data = _broken("word/document.xml", '<w:footerReference w:type="even" r:id="rId5"/>',
                   '<w:footerReference w:type="even" r:id="rId8"/>')
    _assert_found(data, "word/document.xml", None, "w:footerReference refers to rId8",
                  "type header, not footer")


def test_it_finds_a_duplicate_relationship_id():
    data = _broken("word/_rels/document.xml.rels", 'Id="rId2"', 'Id="rId1"')
    _assert_found(data, "word/_rels/document.xml.rels", None, "rId1 used twice")


def test_it_finds_a_duplicate_drawing_id_across_parts():
    data = _broken("word/header2.xml", 'wp:docPr id="2"', 'wp:docPr id="4"')
    _assert_found(data, "word/document.xml", None, "wp:docPr id '4' used 2 times",
                  "word/document.xml, word/header2.xml")


def test_it_finds_a_duplicate_vml_shape_id_across_parts():
    data = _broken("word/header2.xml", 'o:spid="_x0000_s1026"', 'o:spid="_x0000_s1025"')
    _assert_found(data, "word/header1.xml", None, "VML o:spid '_x0000_s1025' used 2 times")


def test_it_finds_an_orphan_part():
    data = _rewrite(rendered_shape(BASE), lambda name, raw: raw if name else [
        ("word/media/image9.png", b"\x89PNG")])
    _assert_found(data, "word/media/image9.png", None, "no relationship points to this part")


def test_it_finds_a_part_that_is_not_well_formed():
    data = _broken("word/footer1.xml", "</w:ftr>", "</w:hdr>")
    _assert_found(data, "word/footer1.xml", None, "not well-formed")


def test_it_finds_a_field_that_is_never_ended():
    data = _broken("word/footer1.xml", '<w:fldChar w:fldCharType="end"/>', "")
    _assert_found(data, "word/footer1.xml", None, "1 field(s) begun and never ended")


@pytest.mark.parametrize(("old", "new", "words"), [
    ('<dcterms:created xsi:type="dcterms:W3CDTF">', "<dcterms:created>", 'xsi:type="dcterms'),
    ("T00:00:00Z</dcterms:modified>", " 00:00</dcterms:modified>", "is not a W3CDTF date"),
])
def test_it_finds_core_dates_word_cannot_read(old, new, words):
    _assert_found(_broken("docProps/core.xml", old, new), "docProps/core.xml", None, words)


def test_it_drops_ignorable_markup_but_not_unknown_markup():
    w14 = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
    tagged = '<w:p w14:paraId="1A2B3C4D"><w:pPr><w:pStyle w:val="Heading1"/>'
    ignorable = _broken("word/document.xml", "<w:document ",
                        f'<w:document {w14} mc:Ignorable="w14" ')
    ignorable = _rewrite(ignorable, lambda name, raw: raw if name != "word/document.xml" else
                         raw.replace(b'<w:p><w:pPr><w:pStyle w:val="Heading1"/>',
                                     tagged.encode(), 1))
    assert _problems(ignorable) == []
    unknown = _rewrite(ignorable, lambda name, raw: raw if name != "word/document.xml" else
                       raw.replace(b' mc:Ignorable="w14"', b""))
    _assert_found(unknown, "word/document.xml", BOTH, "attribute 'w14:paraId'", "not allowed")


# ---- Markup Compatibility as each reader applies it ---------------------------------------
NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"')


def _read_as(reader: str, xml: str) -> tuple[str, list]:
    root = etree.fromstring(xml)
    problems = mc_process(root, READERS[reader])
    return etree.tostring(root, encoding="unicode").replace(f" {NS}", ""), problems


def test_it_keeps_the_first_choice_the_reader_understands_else_the_fallback():
    xml = (f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="w14"><w:t>w14</w:t>'
           '</mc:Choice><mc:Choice Requires="wps"><w:t>wps</w:t></mc:Choice>'
           '<mc:Fallback><w:t>vml</w:t></mc:Fallback></mc:AlternateContent></w:r>')
    assert _read_as("Word 2010", xml) == ("<w:r><w:t>wps</w:t></w:r>", [])
    assert _read_as("Word 2007", xml) == ("<w:r><w:t>vml</w:t></w:r>", [])


def test_it_drops_ignorable_elements_and_attributes_and_unwraps_processed_content():
    xml = (f'<w:p {NS} mc:Ignorable="w14" mc:ProcessContent="w14:box" w14:paraId="1">'
           '<w14:gone><w:r/></w14:gone><w14:box><w:r><w:t>kept</w:t></w:r></w14:box></w:p>')
    assert _read_as("Word 2010", xml) == ("<w:p><w:r><w:t>kept</w:t></w:r></w:p>", [])


def test_it_reports_a_choice_that_requires_an_undeclared_prefix():
    xml = (f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wp15"><w:t/></mc:Choice>'
           '</mc:AlternateContent></w:r>')
    text, problems = _read_as("Word 2010", xml)
    assert text == "<w:r/>"
    assert [m for _, m in problems] == ["mc:Choice Requires the undeclared prefix 'wp15'"]


def test_it_reads_part_names_without_regard_to_case_or_percent_encoding():
    data = _broken("word/_rels/document.xml.rels", 'Target="media/image1.png"',
                   'Target="Media/%69mage1.PNG"')
    data = _rewrite(data, lambda name, raw: raw if name != "[Content_Types].xml" else raw.replace(
        b'PartName="/word/header2.xml"', b'PartName="/Word/%48eader2.xml"'))
    assert _problems(data) == []


LAYOUT_SHAPES = ["sample", "short", "exact", "full", "full_without_cc", "qr_full", "long_cc",
                 "four_levels", "draft", "sealed_qr", "long_name"]


@pytest.fixture(scope="module")
def layout_letters(tmp_path_factory) -> dict[str, bytes]:
    specs = shapes(tmp_path_factory.mktemp("layout-shapes"))
    return {name: render_letter(spec) for name, spec in specs.items()}


def test_the_layout_shapes_are_the_ones_measured_in_the_pdf(layout_letters):
    assert sorted(layout_letters) == sorted(LAYOUT_SHAPES)


@pytest.mark.parametrize("shape", LAYOUT_SHAPES)
def test_every_layout_shape_is_valid_as_word_reads_it(layout_letters, shape):
    """The letters the PDF tests measure (版记 text box at the foot, long names wrapped, 附注,
    four heading levels): valid as Word 2010 and Word 2007 read them."""
    assert_valid_docx(layout_letters[shape])
