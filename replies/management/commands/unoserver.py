"""manage.py unoserver: keep a warm LibreOffice for letter conversions (PDF, previews).

Runs unoserver under Debian's Python (which has ``python3-uno``) with the virtualenv's
unoserver on its path, supervises it (see ``replies/letter/warm.py``) and stays in the
foreground until SIGTERM/SIGINT; exits 1 if the server dies or stops answering, so that
systemd (``Restart=always``) starts it again. Point the web and worker processes at it with
``UNOSERVER_HOST``/``UNOSERVER_PORT``; while it is down they convert with a cold start.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from replies.letter import warm


class Command(BaseCommand):
    help = "Run a warm LibreOffice (unoserver) for letter conversions, in the foreground."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interface", default="127.0.0.1",
                            help="address of the XML-RPC server (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=2003,
                            help="XML-RPC port, the one UNOSERVER_PORT names (default 2003)")
        parser.add_argument("--uno-port", type=int, default=2002,
                            help="LibreOffice's own UNO port, on 127.0.0.1 (default 2002)")
        parser.add_argument("--python", default=warm.SYSTEM_PYTHON,
                            help="a Python that can import uno (default /usr/bin/python3)")
        parser.add_argument("--libreoffice", default=None,
                            help="the soffice binary (default: found on PATH)")
        parser.add_argument("--conversion-timeout", type=int, default=120,
                            help="seconds before a conversion is abandoned and LibreOffice "
                                 "restarted (default 120)")
        parser.add_argument("--check-every", type=float, default=30,
                            help="seconds between health checks (default 30)")

    def handle(self, *args, **options) -> None:
        server = warm.WarmServer(
            port=options["port"], uno_port=options["uno_port"],
            interface=options["interface"], python=options["python"],
            libreoffice=options["libreoffice"],
            conversion_timeout=options["conversion_timeout"], log=sys.stderr)
        try:
            code = warm.serve(server, check_every=options["check_every"])
        except warm.WarmUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if code:
            sys.exit(code)
