"""Letters converted on a warm LibreOffice (unoserver), and the cold start it falls back to."""

import json
import logging
import shutil
import subprocess
import threading
from pathlib import Path
from xmlrpc.server import SimpleXMLRPCServer

import pytest

from replies.letter import render_letter, warm
from replies.letter.preview import docx_to_pdf, docx_to_pdfs, libreoffice_binary, pdf_to_pngs

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "reply-44137.json"


@pytest.fixture(scope="module")
def letter() -> bytes:
    return render_letter(json.loads(SAMPLE.read_text(encoding="utf-8")),
                         base_dir=SAMPLE.parent)


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


def _require_cold():
    if not (libreoffice_binary() and shutil.which("pdftotext")):
        pytest.skip("LibreOffice or poppler-utils not installed")


def _no_local_libreoffice(monkeypatch, tmp_path):
    """Nothing to start a cold LibreOffice with: the setting names a missing binary and PATH
    holds nothing."""
    monkeypatch.setenv("LIBREOFFICE_BINARY", str(tmp_path / "missing" / "soffice"))
    monkeypatch.setenv("PATH", str(tmp_path))


def test_it_converts_on_the_warm_server_without_a_local_libreoffice(
        warm_libreoffice, letter, monkeypatch, tmp_path):
    _no_local_libreoffice(monkeypatch, tmp_path)
    pdfs = docx_to_pdfs([letter, letter])
    monkeypatch.undo()
    assert len(pdfs) == 2
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    assert "关于加快知识产权强市建设的提案" in _text(pdfs[0]).replace("\n", "")


def test_it_exports_pdfa_2b_on_the_warm_server(warm_libreoffice, letter, monkeypatch, tmp_path):
    _no_local_libreoffice(monkeypatch, tmp_path)
    pdf = docx_to_pdf(letter, pdfa=True)
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in pdf
    assert b"pdfaid:part" not in docx_to_pdf(letter)



def test_it_prints_the_letter_as_the_cold_start_does(warm_libreoffice, letter, monkeypatch):
    """The same fonts (fonts.conf maps the office fonts on the server too): the warm
    server's first page is pixel for pixel the cold start's."""
    _require_cold()
    warm_pdf = docx_to_pdf(letter)
    monkeypatch.delenv("UNOSERVER_PORT")
    cold_pdf = docx_to_pdf(letter)
    assert pdf_to_pngs(warm_pdf, last=1) == pdf_to_pngs(cold_pdf, last=1)

def test_it_falls_back_to_a_cold_start_when_the_server_is_down(letter, monkeypatch, caplog):
    _require_cold()
    monkeypatch.setenv("UNOSERVER_PORT", str(warm.free_port()))  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="replies.letter.preview"):
        pdf = docx_to_pdf(letter, pdfa=True)
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf
    assert "cold start" in caplog.text and "ConnectionRefusedError" in caplog.text


def test_it_falls_back_to_a_cold_start_when_the_warm_conversion_fails(
        letter, monkeypatch, caplog):
    _require_cold()

    def convert(*args):
        raise RuntimeError("LibreOffice died")

    server = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False)
    server.register_function(convert)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("UNOSERVER_PORT", str(server.server_address[1]))
        with caplog.at_level(logging.WARNING, logger="replies.letter.preview"):
            pdf = docx_to_pdf(letter)
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF")
    assert "LibreOffice died" in caplog.text


def test_it_is_off_without_a_port(monkeypatch):
    monkeypatch.delenv("UNOSERVER_PORT", raising=False)
    assert warm.configured_address() is None
    monkeypatch.setenv("UNOSERVER_PORT", "")
    monkeypatch.setenv("UNOSERVER_HOST", "10.0.0.5")
    assert warm.configured_address() is None
    monkeypatch.setenv("UNOSERVER_PORT", "2003")
    assert warm.configured_address() == ("10.0.0.5", 2003)
    monkeypatch.setenv("UNOSERVER_HOST", "")
    assert warm.configured_address() == ("127.0.0.1", 2003)
    monkeypatch.setenv("UNOSERVER_PORT", "20O3")  # a typo turns it off, it breaks nothing
    assert warm.configured_address() is None


def test_it_reports_a_missing_setting_binary_when_there_is_no_warm_server(
        letter, monkeypatch, tmp_path):
    from replies.letter.preview import PreviewUnavailable

    monkeypatch.delenv("UNOSERVER_PORT", raising=False)
    monkeypatch.setenv("LIBREOFFICE_BINARY", str(tmp_path / "soffice"))
    with pytest.raises(PreviewUnavailable, match="找不到 LibreOffice"):
        docx_to_pdf(letter)


class _DeadServer:
    address = ("127.0.0.1", 1)

    def __init__(self):
        self.stopped = False

    def start(self):
        return self

    def alive(self):
        return False

    def stop(self):
        self.stopped = True


def test_it_exits_non_zero_when_the_supervised_server_dies(monkeypatch):
    monkeypatch.setattr(warm, "ping", lambda address, timeout=5: "7.4")
    monkeypatch.setattr(warm.signal, "signal", lambda *args: None)
    server = _DeadServer()
    assert warm.serve(server) == 1
    assert server.stopped
