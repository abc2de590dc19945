"""Limits on an uploaded .xlsx, checked on the archive before any XML is parsed.

A spreadsheet is a zip of XML; a few kilobytes can unpack to gigabytes (a header row of 10
million cells in 296 KB held a worker 84 s; 2 million blank rows in 63 KB took 13.8 s and
309 MB). The import template's largest honest file — 5,000 proposals with long texts — stays
well inside every limit below (docs/deploy.md lists them).
"""

from __future__ import annotations

import re
import zipfile
from xml.parsers import expat

from django.utils.translation import gettext as _

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # every part together
MAX_SHEET_BYTES = 64 * 1024 * 1024  # one worksheet's XML (openpyxl writes 8 bytes a CJK char)
MAX_SHARED_STRINGS_BYTES = 40 * 1024 * 1024
MAX_RATIO = 500  # uncompressed ÷ compressed, for parts over 1 MB (honest sheets: under 150)
MAX_COLUMNS = 50  # cells in one row, declared or present (the template has 8)
MAX_ROWS = 100_000  # rows declared or present, blank ones included
EMPTY_STRETCH = 200  # consecutive empty rows that end the data

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


class ArchiveRefused(ValueError):
    """The file breaks a limit; the message says which, in Chinese."""


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose parts unpack too large or whose first sheet declares more
    rows or columns than an import can hold. Reads the zip directory, then the first sheet's
    XML with expat, counting rows and cells without building them, stopping at the first
    limit passed (a row of 10 million cells is refused at its 51st)."""
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ArchiveRefused(
            _("文件解压后过大（%(mb).0fMB，上限%(max)dMB），不像是提案导入表，请使用导入模板。")
            % {"mb": total / 2**20, "max": MAX_UNCOMPRESSED_BYTES // 2**20}
        )
    for info in infos:
        name = info.filename
        if name.startswith("xl/worksheets/") and info.file_size > MAX_SHEET_BYTES:
            raise ArchiveRefused(
                _("工作表内容过大（%(mb).0fMB，上限%(max)dMB），请分批导入。")
                % {"mb": info.file_size / 2**20, "max": MAX_SHEET_BYTES // 2**20}
            )
        if name == "xl/sharedStrings.xml" and info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise ArchiveRefused(
                _("表格中的文字过多（%(mb).0fMB，上限%(max)dMB），请分批导入。")
                % {"mb": info.file_size / 2**20, "max": MAX_SHARED_STRINGS_BYTES // 2**20}
            )
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveRefused(
                _("文件中“%(part)s”的压缩比异常（%(ratio)d倍），可能是恶意构造的文件，未读取。")
                % {"part": name, "ratio": info.file_size // max(info.compress_size, 1)}
            )
    sheet = next(
        (i for i in infos if i.filename.startswith("xl/worksheets/sheet")), None
    )
    if sheet is None:
        return
    _check_dimension(archive, sheet)
    _count_cells(archive, sheet)


def _check_dimension(archive: zipfile.ZipFile, sheet: zipfile.ZipInfo) -> None:
    with archive.open(sheet) as part:
        head = part.read(4096)
    found = _DIMENSION.search(head)
    if not found:
        return
    last_col, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
    if last_col and _column_number(last_col) > MAX_COLUMNS:
        raise ArchiveRefused(
            _("工作表有%(n)d列（上限%(max)d列），请使用导入模板，删除多余的列。")
            % {"n": _column_number(last_col), "max": MAX_COLUMNS}
        )
    if last_row and int(last_row) > MAX_ROWS:
        raise ArchiveRefused(
            _("工作表声明了%(n)d行（上限%(max)d行），请删除空行或分批导入。")
            % {"n": int(last_row), "max": MAX_ROWS}
        )


def _count_cells(archive: zipfile.ZipFile, sheet: zipfile.ZipInfo) -> None:
    rows = 0
    cells = 0

    def start(name: str, _attrs) -> None:
        nonlocal rows, cells
        local = name.rpartition(":")[2]
        if local == "row":
            rows += 1
            cells = 0
            if rows > MAX_ROWS:
                raise ArchiveRefused(
                    _("工作表超过%(max)d行（含空行），请删除空行或分批导入。") % {"max": MAX_ROWS}
                )
        elif local == "c":
            cells += 1
            if cells > MAX_COLUMNS:
                raise ArchiveRefused(
                    _("工作表第%(row)d行超过%(max)d个单元格，请使用导入模板，删除多余的列。")
                    % {"row": rows, "max": MAX_COLUMNS}
                )

    parser = expat.ParserCreate(namespace_separator=":")
    parser.StartElementHandler = start
    with archive.open(sheet) as part:
        try:
            while chunk := part.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            return  # a damaged sheet: openpyxl's reading says so in its own words
