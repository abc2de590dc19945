"""A warm LibreOffice: unoserver keeps one LibreOffice running and converts over XML-RPC.

A cold ``soffice --convert-to`` spends most of its 1.3–2.6 s starting LibreOffice; a warm
server converts the same letter in a few tenths of a second. ``preview.docx_to_pdfs`` uses
it when ``UNOSERVER_PORT`` is set and falls back to a cold start when it does not answer.

The server side of unoserver imports LibreOffice's Python-UNO bridge (``uno``), which Debian
ships for its own ``/usr/bin/python3`` only (package ``python3-uno``), not for the project's
virtualenv. So the server runs under that Python with a ``PYTHONPATH`` that holds nothing but
the virtualenv's copy of unoserver (a directory of two symbolic links): one pinned version,
installed once with the project's requirements, and no other package of the virtualenv
shadowing the system's. ``serve()`` (``manage.py unoserver``) runs it and supervises it:
unoserver 3.7 does not exit on SIGTERM (unoconv/unoserver#216) and may stay up with a dead
LibreOffice after a conversion time-out, so the supervisor runs it in a process group of
its own, checks that it answers, and ends the whole group on a signal or when it stops
answering (systemd's ``Restart=always`` starts it again).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xmlrpc.client import Binary, ServerProxy, Transport

logger = logging.getLogger(__name__)

SYSTEM_PYTHON = "/usr/bin/python3"
FONTS_CONF = Path(__file__).with_name("fonts.conf")  # as in preview.py: the same fonts
PDF_FILTER = "writer_pdf_Export"
PDFA2_OPTIONS = ["SelectPdfVersion=2"]  # unoserver turns "2" into an integer filter datum


class WarmUnavailable(RuntimeError):
    """The warm server is not configured, not reachable, or its conversion failed."""


# ---- client ------------------------------------------------------------------------------
def configured_address() -> tuple[str, int] | None:
    """(host, port) from ``UNOSERVER_HOST`` (default 127.0.0.1) and ``UNOSERVER_PORT``; an
    empty or missing port turns the warm server off."""
    port = os.environ.get("UNOSERVER_PORT", "").strip()
    if not port:
        return None
    if not port.isdecimal():
        logger.warning("UNOSERVER_PORT=%r is not a port number: the warm server is off", port)
        return None
    host = os.environ.get("UNOSERVER_HOST", "").strip() or "127.0.0.1"
    return host, int(port)


class _TimeoutTransport(Transport):
    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


def _proxy(host: str, port: int, timeout: float) -> ServerProxy:
    # Not unoserver.client.UnoClient: it retries a refused connection five times, ten seconds
    # apart (40 s before a caller could fall back), has no time-out, and fetches the whole
    # filter list before every conversion. The call below is its API 3 ``convert``.
    return ServerProxy(f"http://{host}:{port}", allow_none=True,
                       transport=_TimeoutTransport(timeout))


def convert(docx: bytes, *, address: tuple[str, int], pdfa: bool = False,
            timeout: float = 120) -> bytes:
    """One .docx to PDF (PDF/A-2b when ``pdfa``) on the warm server at ``address``."""
    host, port = address
    try:
        result = _proxy(host, port, timeout).convert(
            None, Binary(docx), None, "pdf", PDF_FILTER,
            PDFA2_OPTIONS if pdfa else [], False, None, None)
    except Exception as exc:  # refused, timed out, xmlrpc Fault, bad answer
        raise WarmUnavailable(f"unoserver {host}:{port}: {type(exc).__name__}: {exc}") from exc
    data = getattr(result, "data", None)
    if not data or not data.startswith(b"%PDF"):
        raise WarmUnavailable(f"unoserver {host}:{port} returned no PDF")
    return data


def ping(address: tuple[str, int], *, timeout: float = 5) -> str:
    """The LibreOffice version the server reports; raises ``WarmUnavailable`` if it does not."""
    host, port = address
    try:
        return _proxy(host, port, timeout).info()["libreoffice_version"]
    except Exception as exc:
        raise WarmUnavailable(f"unoserver {host}:{port}: {type(exc).__name__}: {exc}") from exc


# ---- server ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unoserver_path(into: Path) -> Path:
    """A directory holding only the virtualenv's unoserver (package and its metadata, which
    unoserver reads for its version), for the system Python's ``PYTHONPATH``."""
    dist = importlib.metadata.distribution("unoserver")
    package = Path(dist.locate_file("unoserver"))
    metadata = next(Path(f.locate()).parent for f in dist.files or [] if f.name == "METADATA")
    into.mkdir(parents=True, exist_ok=True)
    for source in (package, metadata):
        link = into / source.name
        if not link.exists():
            link.symlink_to(source, target_is_directory=True)
    return into


def server_command(*, port: int, uno_port: int, interface: str = "127.0.0.1",
                   python: str = SYSTEM_PYTHON, libreoffice: str | None = None,
                   profile: Path, conversion_timeout: int = 120) -> list[str]:
    cmd = [python, "-m", "unoserver.server", "--interface", interface, "--port", str(port),
           "--uno-interface", "127.0.0.1", "--uno-port", str(uno_port),
           "--user-installation", str(profile), "--conversion-timeout", str(conversion_timeout)]
    if libreoffice:
        cmd += ["--executable", libreoffice]
    return cmd


def server_env(workdir: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(_unoserver_path(workdir / "pythonpath"))
    env["HOME"] = str(workdir)  # LibreOffice writes caches under HOME
    # The same font mapping as the cold conversion, or a warm PDF would differ from a cold one.
    if FONTS_CONF.exists() and "FONTCONFIG_FILE" not in os.environ:
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


class WarmServer:
    """unoserver with its LibreOffice in a process group of their own, started and stopped
    as one (tests, the bench, ``manage.py unoserver``)."""

    def __init__(self, *, port: int | None = None, uno_port: int | None = None,
                 interface: str = "127.0.0.1", python: str = SYSTEM_PYTHON,
                 libreoffice: str | None = None, conversion_timeout: int = 120,
                 log=None):
        self.interface = interface
        self.port = port or free_port()
        self.uno_port = uno_port or free_port()
        self.python = python
        self.libreoffice = libreoffice
        self.conversion_timeout = conversion_timeout
        self.log = log  # a file for unoserver's output; None: a file of its own, kept until stop
        self.process: subprocess.Popen | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None

    @property
    def address(self) -> tuple[str, int]:
        host = "127.0.0.1" if self.interface in ("0.0.0.0", "::") else self.interface
        return host, self.port

    def start(self, *, ready_timeout: float = 90) -> WarmServer:
        if not Path(self.python).exists():
            raise WarmUnavailable(f"{self.python} not found")
        check = subprocess.run([self.python, "-c", "import uno"], capture_output=True)
        if check.returncode != 0:
            raise WarmUnavailable(f"{self.python} cannot import uno: install Debian's python3-uno")
        # soffice first: unoserver's own choice (the libreoffice wrapper script spun the CPU).
        libreoffice = self.libreoffice or shutil.which("soffice") or shutil.which("libreoffice")
        if libreoffice is None or shutil.which(libreoffice) is None:
            raise WarmUnavailable(f"LibreOffice not found ({self.libreoffice or 'soffice'})")
        self._tmp = tempfile.TemporaryDirectory(prefix="unoserver-")
        workdir = Path(self._tmp.name)
        cmd = server_command(port=self.port, uno_port=self.uno_port, interface=self.interface,
                             python=self.python, libreoffice=libreoffice,
                             profile=workdir / "profile",
                             conversion_timeout=self.conversion_timeout)
        log_path = workdir / "unoserver.log"
        log = self.log if self.log is not None else log_path.open("ab")
        try:
            self.process = subprocess.Popen(cmd, env=server_env(workdir), stdout=log,
                                            stderr=log, cwd=workdir, start_new_session=True)
        finally:
            if self.log is None:
                log.close()  # the child holds its own descriptor
        deadline = time.monotonic() + ready_timeout
        while True:
            try:
                ping(self.address, timeout=5)
                return self
            except WarmUnavailable:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    code = self.process.poll()
                    output = (log_path.read_text(errors="replace")[-800:]
                              if log_path.exists() else "")
                    self.stop()
                    raise WarmUnavailable(f"unoserver did not start (exit code {code}): "
                                          f"{' '.join(cmd)}\n{output}") from None
                time.sleep(0.5)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, *, grace: float = 3) -> None:
        """SIGTERM to the group (LibreOffice exits on it), SIGKILL to what is left."""
        if self.process is not None:
            pgid = self.process.pid
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, sig)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(wait)
                    if not _group_alive(pgid):
                        break
            self.process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> WarmServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def serve(server: WarmServer, *, check_every: float = 30, failures: int = 3) -> int:
    """Run ``server`` until SIGTERM/SIGINT; exit 1 when it dies or stops answering
    ``failures`` checks in a row, so that the service manager starts it afresh."""
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.start()
    host, port = server.address
    print(f"unoserver ready on {host}:{port} (LibreOffice {ping(server.address)}); "
          f"set UNOSERVER_HOST={host} UNOSERVER_PORT={port}", file=sys.stderr, flush=True)
    missed = 0
    next_check = time.monotonic() + check_every
    try:
        while not stopping:
            time.sleep(0.5)
            if not server.alive():
                print("unoserver exited", file=sys.stderr, flush=True)
                return 1
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + check_every
                try:
                    ping(server.address, timeout=max(check_every / 2, 5))
                    missed = 0
                except WarmUnavailable as exc:
                    missed += 1
                    print(f"unoserver check failed ({missed}/{failures}): {exc}",
                          file=sys.stderr, flush=True)
                    if missed >= failures:
                        return 1
        return 0
    finally:
        server.stop()
