"""Shared pieces of the record copy tests: one LibreOffice PDF/A-2b conversion per session,
and a signed reply whose record copy is made with it (the conversion is the slow part; the
tests that are about conversion itself run LibreOffice on the reply's own .docx)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from replies import services
from replies.letter import render_letter
from replies.letter.preview import docx_to_pdfs, libreoffice_binary
from replies.services import record_copy

from .letter_samples import sample_spec
from .reply_fixtures import SIGN_DATE, make_case, ready_reply


def require_libreoffice():
    if libreoffice_binary():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice is missing under CI")
    pytest.skip("LibreOffice not installed")


@pytest.fixture(scope="session")
def sample_pdfa() -> bytes:
    """The sample letter as LibreOffice's PDF/A-2b, converted once for the session."""
    require_libreoffice()
    return docx_to_pdfs([render_letter(sample_spec())], pdfa=True)[0]


@pytest.fixture
def fast_convert(sample_pdfa, monkeypatch):
    """Record copies made from the session's conversion instead of a LibreOffice run each."""
    monkeypatch.setattr(record_copy, "convert", lambda docx: sample_pdfa)
    return sample_pdfa


def sign_reply(case=None, **kwargs):
    """Sign off a reply and run what sign-off queues after commit (the record copy)."""
    case = case or make_case()
    return services.reply_sign_off(reply=ready_reply(case), actor=case.signer,
                                   signed_on=SIGN_DATE, **kwargs)


def pdffonts(pdf: bytes) -> list[list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "in.pdf")
        path.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def qpdf_check(pdf: bytes) -> subprocess.CompletedProcess | None:
    if shutil.which("qpdf") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("qpdf is missing under CI")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "in.pdf")
        path.write_bytes(pdf)
        return subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)


def pdfsig(pdf: bytes) -> str | None:
    """poppler's own signature check (another implementation than pyHanko's)."""
    if shutil.which("pdfsig") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "in.pdf")
        path.write_bytes(pdf)
        return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
