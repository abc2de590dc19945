"""Fixtures of the reply tests."""

import os

import pytest

from replies.letter import warm

from .record_copy_fixtures import fast_convert, sample_pdfa  # noqa: F401


@pytest.fixture(scope="session")
def unoserver():
    """One warm LibreOffice (unoserver on a free port) for the whole test session. Skipped
    where it cannot start (no LibreOffice or python3-uno), except under CI=true, where that
    is a failure."""
    server = warm.WarmServer()
    try:
        server.start()
    except warm.WarmUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"a warm LibreOffice is required under CI=true: {exc}", pytrace=False)
        pytest.skip(f"a warm LibreOffice cannot start here: {exc}")
    yield server
    server.stop()


@pytest.fixture
def warm_libreoffice(unoserver, monkeypatch):
    """The session's warm server configured as the app would be (UNOSERVER_HOST/PORT)."""
    host, port = unoserver.address
    monkeypatch.setenv("UNOSERVER_HOST", host)
    monkeypatch.setenv("UNOSERVER_PORT", str(port))
    return unoserver
