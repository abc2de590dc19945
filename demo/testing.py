"""For tests that load the demo: ``load_demo_once_converted`` runs load_demo with each signed
letter's record copy converted and checked as PDF/A once per test process.

Where the load commits (the browser tests' live server), every signed reply's record copy
is made as in production: a LibreOffice conversion, pikepdf's PDF/A check and a PAdES
signature, some 4.6 s a letter and 37 s a load. The demo's letters are the same bytes at
every load on one day, so the conversion and the check, pure functions of those bytes, are
kept by their SHA-256 for the next load; the signature is made every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Callable, Iterator
from unittest import mock

from django.core.management import call_command

_DONE: dict[tuple[str, str], bytes] = {}


def _once(kind: str, work: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def kept(data: bytes) -> bytes:
        key = (kind, hashlib.sha256(data).hexdigest())
        if key not in _DONE:
            _DONE[key] = work(data)
        return _DONE[key]

    return kept


@contextlib.contextmanager
def record_copies_converted_once() -> Iterator[None]:
    from replies import pades
    from replies.services import record_copy

    with mock.patch.object(record_copy, "convert", _once("pdf", record_copy.convert)), \
            mock.patch.object(pades, "pdfa_clean", _once("pdfa", pades.pdfa_clean)):
        yield


def load_demo_once_converted(stdout=None) -> None:
    with record_copies_converted_once():
        call_command("load_demo", stdout=stdout or io.StringIO())
