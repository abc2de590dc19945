"""Benchmark: how long an uploaded .xlsx holds a worker, honest or hostile (issue 16).

Usage:  .venv/bin/python bench/bench_import_limits.py

Times `insights.importing.read_workbook` (the archive limits, the expat pre-scan, then
openpyxl) on: the baseline, an honest import of 5,000 rows (the importer's own limit); the
worst file the limits accept (5,000 rows, every cell up to the 50-column limit filled, the
sheet near its byte limit); and two bombs that used to hold a worker for 84 s and 13.8 s (a
header row of 10 million cells in a few hundred KB, and 2 million blank rows). Each figure
is the best of three, with the peak memory Python allocated (tracemalloc) and the ratio to
the baseline measured in the same run.
"""

import io
import os
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from insights import importing, xlsx_limits  # noqa: E402

SHEET = "xl/worksheets/sheet1.xml"
NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _column(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _workbook(sheet_xml_parts) -> bytes:
    """A minimal workbook whose one sheet is written from the byte chunks given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
            'formats-package.relationships+xml"/><Default Extension="xml" ContentType="'
            'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
            'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        z.writestr("xl/workbook.xml", (
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="提案" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>'))
        with z.open(SHEET, "w") as sheet:
            for chunk in sheet_xml_parts:
                sheet.write(chunk)
    return out.getvalue()


def _cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _header() -> bytes:
    return b'<row r="1">' + b"".join(
        _cell(f"{_column(i + 1)}1", h) for i, h in enumerate(importing.HEADERS)
    ) + b"</row>"


def _rows(n: int, columns: int, text: str):
    for r in range(2, n + 2):
        cells = [f'<c r="A{r}"><v>{r}</v></c>'.encode()]
        cells += [_cell(f"{_column(c)}{r}", f"{text}{r}") for c in range(2, columns + 1)]
        yield b'<row r="%d">' % r + b"".join(cells) + b"</row>"


def honest() -> bytes:
    text = "关于加强城市精细化管理的建议" * 30
    return _workbook([NS, b"<sheetData>", _header(), *_rows(5000, 8, text),
                      b"</sheetData></worksheet>"])


def worst_accepted() -> bytes:
    # 5,000 rows x 50 cells; text sized so the sheet stays under MAX_SHEET_BYTES.
    per_cell = xlsx_limits.MAX_SHEET_BYTES // (5000 * 50) - 48
    text = "建" * (per_cell // 3)
    return _workbook([NS, b"<sheetData>", _header(), *_rows(5000, 50, text),
                      b"</sheetData></worksheet>"])


def wide_header_bomb() -> bytes:
    chunk = b'<c r="A1"/>' * 100_000
    return _workbook([NS, b'<sheetData><row r="1">', *([chunk] * 100), b"</row></sheetData>"
                      b"</worksheet>"])


def blank_rows_bomb() -> bytes:
    def rows():
        for start in range(2, 2_000_002, 100_000):
            yield b"".join(b'<row r="%d"/>' % n for n in range(start, start + 100_000))
    return _workbook([NS, b"<sheetData>", _header(), *rows(), b"</sheetData></worksheet>"])


def measure(data: bytes) -> tuple[float, float, str]:
    best = float("inf")
    outcome = ""
    peak = 0
    for _ in range(3):
        tracemalloc.start()
        started = time.perf_counter()
        try:
            outcome = f"accepted, {len(importing.read_workbook(data))} rows"
        except importing.ImportFileError as exc:
            outcome = f"refused: {exc}"
        best = min(best, time.perf_counter() - started)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return best, peak / 2**20, outcome


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    cases = [("honest 5,000 rows (baseline)", honest()),
             ("worst accepted", worst_accepted()),
             ("header row of 10M cells", wide_header_bomb()),
             ("2M blank rows", blank_rows_bomb())]
    baseline = None
    for name, data in cases:
        seconds, mb, outcome = measure(data)
        baseline = baseline or seconds
        print(f"{name:<30} {len(data) / 1024:9.0f} KB  {seconds:7.3f} s  "
              f"x{seconds / baseline:5.2f}  peak {mb:6.1f} MB  {outcome[:70]}")


if __name__ == "__main__":
    main()
