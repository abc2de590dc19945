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


@pytest.fixture
def record_copies_left_pending(monkeypatch):
    """Sign-offs queue no record copy: its task (a LibreOffice conversion, a PDF/A check and
    a PAdES signature, seconds per reply) is not what a numbering or locking race is about,
    and fifty of them made the race a third of a minute each. The copies stay pending, as
    they do while the worker is down; test_record_copy.py makes them."""
    from replies.services import record_copy

    monkeypatch.setattr(record_copy, "enqueue", lambda *args, **kwargs: None)
