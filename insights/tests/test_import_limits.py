"""Spreadsheet bombs (issue 16): a few KB of .xlsx that unpack to millions of cells or rows
are refused from the zip directory, before any XML is parsed, with a Chinese message; an
honest sheet with trailing blank formatting reads only up to the first empty stretch."""

import io
import re
import zipfile

import pytest

from insights import importing, xlsx_limits
from proposals.tests.factories import SessionFactory, UnitFactory

from .helpers import xlsx_bytes

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def session(db):
    session = SessionFactory()
    UnitFactory(committee=session.committee, name="连云港市住房和城乡建设局", short_name="市住建局")
    return session


def _rows(n=3):
    return [
        [9000 + i, f"关于第{i}项工作的提案", "王波", "", "", "", f"内容{i}", "市住建局"]
        for i in range(n)
    ]


def _with_sheet(sheet_xml: bytes) -> bytes:
    """The template-shaped workbook of _rows() with its sheet part replaced."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(_rows())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == SHEET else source.read(item.filename)
            target.writestr(item.filename, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _sheet_parts(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(start up to <sheetData>, its rows, the rest) of the workbook's sheet, the declared
    dimension left out (openpyxl's read-only mode stops at it)."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    xml = re.sub(rb'<dimension ref="[^"]*"/>', b"", xml)
    start = xml.index(b"<sheetData>") + len(b"<sheetData>")
    end = xml.index(b"</sheetData>")
    return xml[:start], xml[start:end], xml[end:]


def _problem(data: bytes, session) -> str:
    check = importing.import_check(session=session, data=data)
    assert check.problems, "the file was accepted"
    return check.problems[0]["message"]


def test_it_refuses_a_header_row_of_millions_of_cells_by_its_size(session):
    head, rows, tail = _sheet_parts(xlsx_bytes(_rows()))
    cells = b"".join(b'<c r="A1"/>' for _ in range(2_600_000))  # 28 MB, compresses to KB
    bomb = _with_sheet(head + b'<row r="1">' + cells + b"</row>" + tail)
    assert len(bomb) < 300_000
    message = _problem(bomb, session)
    assert "第1行超过50个单元格" in message or "压缩比异常（" in message


def test_it_refuses_a_row_of_more_cells_than_columns_allowed(session):
    head, rows, tail = _sheet_parts(xlsx_bytes(_rows()))
    wide = b"".join(
        b'<c r="%s2"><v>%d</v></c>' % (col.encode(), n)
        for n, col in enumerate(f"{a}{b}" for a in "AB" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    )
    message = _problem(_with_sheet(head + b'<row r="2">' + wide + b"</row>" + tail), session)
    assert "工作表第1行超过50个单元格" in message


def test_it_refuses_a_sheet_that_declares_sixteen_thousand_columns(session):
    head, rows, tail = _sheet_parts(xlsx_bytes(_rows()))
    head = head.replace(b"<sheetData>", b'<dimension ref="A1:XFD4"/><sheetData>')
    message = _problem(_with_sheet(head + rows + tail), session)
    assert "工作表有16384列（上限50列）" in message


def test_it_refuses_two_million_blank_rows(session):
    head, rows, tail = _sheet_parts(xlsx_bytes(_rows()))
    blank = b"".join(b'<row r="%d"/>' % n for n in range(10, 2_000_010))
    assert "工作表超过100000行" in _problem(_with_sheet(head + rows + blank + tail), session)


def test_it_stops_reading_at_the_first_empty_stretch(session):
    """Rows after EMPTY_STRETCH blank rows are formatting, not data: not read."""
    head, rows, tail = _sheet_parts(xlsx_bytes(_rows()))
    gap = xlsx_limits.EMPTY_STRETCH
    blank = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t></t></is></c></row>' % (n, n)
        for n in range(5, 5 + gap)
    )
    late = b'<row r="%d"><c r="A%d"><v>9999</v></c></row>' % (5 + gap, 5 + gap)
    read = importing.read_workbook(_with_sheet(head + rows + blank + late + tail))
    assert [line for line, _raw in read] == [2, 3, 4]


def test_a_blank_stretch_shorter_than_the_limit_does_not_end_the_data(session):
    head, rows, tail = _sheet_parts(xlsx_bytes(_rows()))
    blank = b"".join(b'<row r="%d"/>' % n for n in range(5, 50))
    late = (
        b'<row r="50"><c r="A50"><v>9999</v></c>'
        b'<c r="B50" t="inlineStr"><is><t>t</t></is></c></row>'
    )
    read = importing.read_workbook(_with_sheet(head + rows + blank + late + tail))
    assert [line for line, _raw in read] == [2, 3, 4, 50]


def test_an_honest_full_size_import_is_inside_every_limit():
    """5,000 rows (the import's own limit) of long texts: the limits refuse bombs, not this."""
    text = "关于加强城市精细化管理的建议，" * 60  # 900 characters a proposal
    rows = [
        [n, f"关于第{n}项工作的提案", "王波", "李明", "经济界", "民进", text + str(n), "市住建局"]
        for n in range(1, 5001)
    ]
    data = xlsx_bytes(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xlsx_limits.check_archive(archive)
    assert len(importing.read_workbook(data)) == 5000
