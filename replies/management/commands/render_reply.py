"""manage.py render_reply: a letter spec (JSON) in, a .docx out (contract in LETTER-SPEC.md).

Exit status: 0 written (or --check found no error); 1 --check found an error-severity
finding; 2 the spec is invalid (one line per problem on stderr, nothing written at --out).

Problem lines on stderr start with the field path (the contract in LETTER-SPEC.md) and then
say the place in words. --check prints one line per finding for people
(``错误 [dup.paragraph] 第二部分（一）第3段：…``); --check --json prints them for tools, as a
JSON list of {rule_id, severity, path, place, message} (path: the spec field, place: in words).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from replies.letter import SpecError, check_letter, render_normalised, validate_spec
from replies.letter.places import place_in_words
from replies.letter.spec import DEFAULT_CATEGORIES, ROOT


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside path, then rename: never a partial file at path."""
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Render a reply letter (.docx) from a letter spec; --check runs the drafting checks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--spec", required=True, help="letter spec JSON file, or - for stdin")
        parser.add_argument("--out", help="where to write the .docx")
        parser.add_argument("--check", action="store_true",
                            help="run the drafting checks instead of (or before) rendering")
        parser.add_argument("--categories", default=",".join(DEFAULT_CATEGORIES),
                            help="answer classes allowed, comma-separated (default A,B,C)")
        parser.add_argument("--session-name", help="for --check: e.g. 十四届四次会议")
        parser.add_argument("--proposal-number", help="for --check: e.g. 44137")
        parser.add_argument("--json", action="store_true",
                            help="for --check: print the findings as JSON (with field paths)")

    def _fail(self, problems: list[tuple[str, str]]) -> None:
        for path, message in problems:
            words = "" if path == ROOT else f"{place_in_words(path)}："
            self.stderr.write(f"{path}: {words}{message}", style_func=lambda s: s)
        sys.exit(2)

    def _read(self, source: str, stdin) -> tuple[object, Path | None]:
        try:
            if source == "-":
                raw = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
                base = None
            else:
                raw = Path(source).read_bytes()
                base = Path(source).resolve().parent
        except OSError as exc:
            self._fail([(ROOT, f"无法读取规格文件 {source}：{exc.strerror}")])
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                self._fail([(ROOT, f"不是 UTF-8 编码的文本（第{exc.start + 1}个字节）")])
        try:
            return json.loads(raw), base
        except json.JSONDecodeError as exc:
            self._fail([(ROOT, f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列，{exc.msg}")])

    def handle(self, *args, **options) -> None:
        if not options["check"] and not options["out"]:
            raise CommandError("需要 --out（或用 --check 只做起草检查）")
        out = Path(options["out"]) if options["out"] else None
        if out is not None and not out.parent.resolve().is_dir():
            raise CommandError(f"输出目录不存在：{out.parent}")
        spec, base = self._read(options["spec"], options.get("stdin") or sys.stdin)
        categories = [c.strip() for c in options["categories"].split(",") if c.strip()]
        try:
            normalised, warnings = validate_spec(spec, categories=categories, base_dir=base)
        except SpecError as exc:
            self._fail(exc.problems)
        if not options["check"]:
            for path, message in warnings:
                self.stderr.write(f"{path}: 警告：{place_in_words(path)}：{message}",
                                  style_func=lambda s: s)
        if options["check"]:  # the warnings are among the findings
            findings = check_letter(spec, session_name=options["session_name"],
                                    proposal_number=options["proposal_number"],
                                    categories=categories, base_dir=base)
            if options["json"]:
                self.stdout.write(json.dumps(
                    [{"rule_id": f.rule_id, "severity": f.severity, "path": f.place,
                      "place": f.where, "message": f.message} for f in findings],
                    ensure_ascii=False, indent=1))
            else:
                for f in findings:
                    level = "错误" if f.severity == "error" else "警告"
                    self.stdout.write(f"{level} [{f.rule_id}] {f.where}：{f.message}")
            errors = sum(f.severity == "error" for f in findings)
            self.stderr.write(f"{errors} 个错误，{len(findings) - errors} 个警告",
                              style_func=lambda s: s)
            if errors:
                sys.exit(1)
            if out is None:
                return
        write_atomically(out, render_normalised(normalised))
