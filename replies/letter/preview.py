"""Previews of a letter: .docx → PDF with LibreOffice, PDF → PNG pages with pdftoppm.

The .docx names the fonts of a Chinese government office (仿宋_GB2312, 楷体_GB2312, 黑体,
方正小标宋简体); a server rarely has them, so the conversion runs with a fontconfig file
that maps them to free look-alikes when the real ones are missing (``fonts.conf``).

    python -m replies.letter.preview --spec docs/letter-44137-sealed.json --pdf out.pdf \
        --png-dir docs/ --png-prefix letter-44137 --dpi 100
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")


class PreviewUnavailable(RuntimeError):
    """LibreOffice or poppler-utils is not installed, or the conversion failed."""


def libreoffice_binary() -> str | None:
    """``LIBREOFFICE_BINARY`` if set (a path, or a name looked up on PATH), else libreoffice
    or soffice on PATH."""
    configured = os.environ.get("LIBREOFFICE_BINARY", "").strip()
    if configured:
        return shutil.which(configured)
    return shutil.which("libreoffice") or shutil.which("soffice")


def _env(tmp: str) -> dict:
    env = dict(os.environ)
    env["HOME"] = tmp  # LibreOffice writes caches under HOME
    if FONTS_CONF.exists() and "FONTCONFIG_FILE" not in os.environ:
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


def docx_to_pdf(docx: bytes, *, timeout: float = 180) -> bytes:
    """Convert .docx bytes to PDF bytes with a private LibreOffice profile (safe in parallel)."""
    return docx_to_pdfs([docx], timeout=timeout)[0]


# LibreOffice ≥ 7.4 takes the export filter's options as JSON after the filter name.
PDFA2_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def docx_to_pdfs(docs: list[bytes], *, timeout: float = 300, pdfa: bool = False) -> list[bytes]:
    """Convert several .docx to PDF in one LibreOffice run (its start-up is most of the cost).
    ``pdfa``: PDF/A-2b (fonts embedded, XMP declaring part 2 conformance B)."""
    binary = libreoffice_binary()
    if binary is None:
        raise PreviewUnavailable(
            "找不到 LibreOffice（libreoffice/soffice），无法生成预览；"
            "请安装 Debian 软件包 libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="letter-preview-") as tmp:
        sources = []
        for i, data in enumerate(docs, start=1):
            src = Path(tmp) / f"letter{i}.docx"
            src.write_bytes(data)
            sources.append(src)
        profile = Path(tmp, "profile").as_uri()
        cmd = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", PDFA2_FILTER if pdfa else "pdf:writer_pdf_Export",
               "--outdir", tmp, *map(str, sources)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=_env(tmp))
        except subprocess.TimeoutExpired as exc:
            raise PreviewUnavailable(f"LibreOffice 转换超时（{timeout} 秒）") from exc
        outs = [src.with_suffix(".pdf") for src in sources]
        if proc.returncode != 0 or not all(out.exists() for out in outs):
            raise PreviewUnavailable(
                f"LibreOffice 转换失败（返回码 {proc.returncode}）："
                f"{proc.stderr.decode(errors='replace').strip()[:500]}")
        return [out.read_bytes() for out in outs]


def pdf_to_pngs(pdf: bytes, *, dpi: int = 90, first: int | None = None,
                last: int | None = None) -> list[bytes]:
    """Render PDF pages to PNG bytes, one per page, with pdftoppm."""
    if shutil.which("pdftoppm") is None:
        raise PreviewUnavailable("找不到 pdftoppm，请安装 Debian 软件包 poppler-utils")
    with tempfile.TemporaryDirectory(prefix="letter-png-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        cmd = ["pdftoppm", "-png", "-r", str(dpi)]
        if first:
            cmd += ["-f", str(first)]
        if last:
            cmd += ["-l", str(last)]
        subprocess.run(cmd + [str(src), str(Path(tmp) / "page")], check=True,
                       capture_output=True)
        return [p.read_bytes() for p in sorted(Path(tmp).glob("page-*.png"),
                                               key=lambda p: int(p.stem.split("-")[-1]))]


def main(argv: list[str] | None = None) -> int:
    from . import render_letter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--pdf")
    parser.add_argument("--png-dir")
    parser.add_argument("--png-prefix", default="letter")
    parser.add_argument("--dpi", type=int, default=90)
    args = parser.parse_args(argv)
    spec_path = Path(args.spec)
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    pdf = docx_to_pdf(render_letter(spec, base_dir=spec_path.parent))
    if args.pdf:
        Path(args.pdf).write_bytes(pdf)
    if args.png_dir:
        pages = pdf_to_pngs(pdf, dpi=args.dpi)
        Path(args.png_dir, f"{args.png_prefix}-page1.png").write_bytes(pages[0])
        Path(args.png_dir, f"{args.png_prefix}-last.png").write_bytes(pages[-1])
        print(f"{len(pages)} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
