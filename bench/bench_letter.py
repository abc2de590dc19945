"""Benchmark of the reply-letter generator (issue 4, part 8).

Renders the 44137 letter (fixtures/reply-44137.json) in one run with:

(a) replies.letter.render_letter (spec validation included, as callers use it);
(b) a naive python-docx build of the same text (Document(), a paragraph each, fonts set);
(c) docxtpl with the same text (a template .docx made once with python-docx, a Jinja loop
    over the paragraphs, rendered and saved each iteration);
(d) the floor: the generator's own package parts (the bytes it wrote, read back once from
    its .docx) zipped with zipfile into a BytesIO, with the generator's compression.

Prints median and p95 in ms, the ratios generator/floor (target <= 2x) and
generator/docxtpl (target <= 0.7x), then the time to render 600 letters of one session
(number, addressee and title varied) into one zip (target < 10 s). A benchmark, not a
test: exits 0 whether targets are met or not (non-zero only if something crashes).

    .venv/bin/python bench/bench_letter.py [--repeat 50] [--warmup 5] [--count 600]
                                           [--profile]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import io
import json
import math
import pstats
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from replies.letter import render_letter, validate_spec  # noqa: E402
from replies.letter.docx_builder import build_docx, date_text, doc_number_text  # noqa: E402
from replies.letter.numbering import heading_label  # noqa: E402

SAMPLE = ROOT / "fixtures" / "reply-44137.json"
GEN = "generator (render_letter)"
TPL = "docxtpl"
FLOOR = "floor: own parts -> zipfile"

TARGET_FLOOR_RATIO = 2.0
TARGET_DOCXTPL_RATIO = 0.7
TARGET_SESSION_S = 10.0

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"


# ---- the text of the letter, flat, for the baselines ------------------------------------
def letter_text(spec: dict) -> list[tuple[str, str]]:
    """(kind, text) in reading order: kinds head, title, body, heading1..4, tail."""
    out: list[tuple[str, str]] = []
    unit = spec["unit"]
    out.append(("head", unit["name"]))
    line = doc_number_text(unit["doc_prefix"], spec.get("doc_number"))
    if spec.get("signer"):
        line = f"签发人：{spec['signer']}　{line}"
    out.append(("head", line))
    out.append(("title", spec["title"]))
    out.append(("body", spec["addressee"].rstrip(":：") + "："))
    out += [("body", t) for t in spec.get("intro", [])]

    def walk(sections: list[dict], level: int) -> None:
        for n, section in enumerate(sections, start=1):
            out.append((f"heading{level}", heading_label(level, n) + section["heading"]))
            out.extend(("body", t) for t in section.get("paragraphs", []))
            walk(section.get("sections", []), level + 1)

    walk(spec.get("sections", []), 1)
    out += [("body", t) for t in spec.get("closing", [])]
    out.append(("tail", unit["name"]))
    if spec.get("date"):
        out.append(("tail", date_text(spec["date"])))
    contact = spec.get("contact") or {}
    bits = []
    if contact.get("name"):
        bits.append(f"联系人：{contact['name']}")
    if contact.get("phone"):
        bits.append(f"联系电话：{contact['phone']}")
    if bits:
        out.append(("body", "（" + "，".join(bits) + "）"))  # a 附注, as the letter writes it
    if spec.get("cc"):
        out.append(("body", "抄送：" + "，".join(spec["cc"]) + "。"))
    return out


# ---- (b) naive python-docx ---------------------------------------------------------------
def _set_font(run_or_style, name: str, size_pt: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = "Times New Roman"
    font.size = Pt(size_pt)
    rpr = run_or_style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def python_docx_render(paras: list[tuple[str, str]]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    _set_font(doc.styles["Normal"], FANGSONG, 16)
    fonts = {"title": (XIAOBIAOSONG, 22), "heading1": (HEITI, 16), "heading2": (KAITI, 16)}
    for kind, text in paras:
        p = doc.add_paragraph()
        if kind == "body" or kind.startswith("heading"):
            p.paragraph_format.first_line_indent = Pt(32)
        elif kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind in ("head", "tail"):
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        r = p.add_run(text)
        if kind in fonts:
            _set_font(r, *fonts[kind])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---- (c) docxtpl -------------------------------------------------------------------------
def make_docxtpl_template(path: Path) -> None:
    """A template with a loop over paragraphs; headings and the title get their own fonts."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    _set_font(doc.styles["Normal"], FANGSONG, 16)

    def line(text: str, font: tuple[str, float] | None = None, align=None,
             indent: bool = False) -> None:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(32)
        r = p.add_run(text)
        if font:
            _set_font(r, *font)

    line("{%p for p in paras %}")
    line('{%p if p.kind == "title" %}')
    line("{{ p.text }}", (XIAOBIAOSONG, 22), WD_ALIGN_PARAGRAPH.CENTER)
    line('{%p elif p.kind == "heading1" %}')
    line("{{ p.text }}", (HEITI, 16), indent=True)
    line('{%p elif p.kind == "heading2" %}')
    line("{{ p.text }}", (KAITI, 16), indent=True)
    line('{%p elif p.kind in ("head", "tail") %}')
    line("{{ p.text }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    line("{%p else %}")
    line("{{ p.text }}", indent=True)
    line("{%p endif %}")
    line("{%p endfor %}")
    doc.save(str(path))


def docxtpl_render(template: Path, paras: list[tuple[str, str]]) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template))
    tpl.render({"paras": [{"kind": k, "text": t} for k, t in paras]}, autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


# ---- (d) the floor -----------------------------------------------------------------------
def package_parts(docx: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """The generator's parts, as it wrote them (names, order, zip headers, bytes)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def floor_render(parts: list[tuple[zipfile.ZipInfo, bytes]], level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for info, data in parts:
            zf.writestr(info, data, compress_type=info.compress_type, compresslevel=level)
    return buf.getvalue()


# ---- timing ------------------------------------------------------------------------------
def _summary(samples: list[float], size: int) -> dict:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, math.ceil(0.95 * len(samples)) - 1)]
    return {"median": statistics.median(samples) * 1000, "p95": p95 * 1000,
            "min": samples[0] * 1000, "runs": len(samples), "size": size}


def measure(fns: dict[str, Callable[[], bytes]], repeat: int, warmup: int) -> dict[str, dict]:
    """Time every variant, interleaved round by round (starting with a different one each
    round), so that load from other processes on a shared machine hits them all alike.
    A variant faster than 5 ms runs 5 times a round: more samples where noise weighs most."""
    inner: dict[str, int] = {}
    for label, fn in fns.items():
        best = math.inf
        for _ in range(max(warmup, 1)):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        inner[label] = 5 if best < 0.005 else 1
    labels = list(fns)
    samples: dict[str, list[float]] = {label: [] for label in labels}
    cpu: dict[str, list[float]] = {label: [] for label in labels}
    sizes: dict[str, int] = {}
    gc.collect()
    for i in range(repeat):
        for label in labels[i % len(labels):] + labels[:i % len(labels)]:
            fn = fns[label]
            for _ in range(inner[label]):
                c0 = time.thread_time()
                t0 = time.perf_counter()
                out = fn()
                samples[label].append(time.perf_counter() - t0)
                cpu[label].append(time.thread_time() - c0)
            sizes[label] = len(out)
    return {label: {**_summary(samples[label], sizes[label]),
                    "cpu": statistics.median(cpu[label]) * 1000} for label in labels}


def session_specs(spec: dict, count: int) -> list[dict]:
    """count letters of one session: each with its own number, addressee and title."""
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    out = []
    for i in range(count):
        s = copy.deepcopy(spec)
        s["doc_number"] = {"year": 2025, "seq": i + 1}
        s["addressee"] = f"{surnames[i % len(surnames)]}{'一二三四五六七八九十'[i // 20 % 10]}委员"
        s["title"] = f"对市政协十四届四次会议第{44000 + i}号提案的答复"
        out.append(s)
    return out


def render_session(specs: list[dict]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:  # .docx files are deflated already: store them
        for s in specs:
            name = f"{s['unit']['doc_prefix']}〔{s['doc_number']['year']}〕" \
                   f"{s['doc_number']['seq']}号.docx"
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)),
                        render_letter(s))
    return buf.getvalue()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--count", type=int, default=600, help="letters in the session run")
    ap.add_argument("--profile", action="store_true",
                    help="also profile the generator (cProfile) and print the top functions")
    args = ap.parse_args(argv)

    spec = json.loads(SAMPLE.read_text(encoding="utf-8"))
    paras = letter_text(spec)
    docx = render_letter(spec)
    parts = package_parts(docx)
    normalised, _ = validate_spec(spec)
    # The floor compresses as the generator does: find the deflate level that gives its bytes.
    level = next((lv for lv in (6, *range(10)) if floor_render(parts, lv) == docx), None)
    floor_level = 6 if level is None else level

    misses: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "letter-template.docx"
        make_docxtpl_template(template)
        variants = {
            GEN: lambda: render_letter(spec),
            "python-docx, naive": lambda: python_docx_render(paras),
            TPL: lambda: docxtpl_render(template, paras),
            FLOOR: lambda: floor_render(parts, floor_level),
            # Where the generator's time goes (not targets): its two stages on their own.
            "  of which validate_spec": lambda: validate_spec(spec)[0] and b"",
            "  of which build_docx": lambda: build_docx(normalised),
        }
        # Check each baseline gives a readable .docx holding the letter's text, once.
        from docx import Document
        for label in ("python-docx, naive", TPL):
            text = "\n".join(p.text for p in Document(io.BytesIO(variants[label]())).paragraphs)
            if paras[-1][1] not in text or "一、知识产权强市建设工作情况" not in text:
                raise SystemExit(f"{label}: the output lacks the letter's text")
        results = measure(variants, args.repeat, args.warmup)

    print(f"reply letter 44137: {len(paras)} paragraphs, "
          f"{sum(len(t) for _, t in paras)} characters; {args.repeat} interleaved rounds after "
          f"{args.warmup} warm-ups each (time.perf_counter)")
    print(f"floor re-zips the generator's {len(parts)} parts "
          f"({sum(len(d) for _, d in parts)} bytes of XML) at deflate level {floor_level}; "
          f"byte-identical to the generator's .docx: {'yes' if level is not None else 'NO'}")
    print()
    print(f"{'variant':<30} {'median ms':>10} {'p95 ms':>9} {'min ms':>9} {'cpu ms':>9} "
          f"{'runs':>5} {'bytes':>8}")
    for label, r in results.items():
        size = f"{r['size']:>8}" if r["size"] else f"{'':>8}"
        print(f"{label:<30} {r['median']:>10.2f} {r['p95']:>9.2f} {r['min']:>9.2f} "
              f"{r['cpu']:>9.2f} {r['runs']:>5} {size}")
    print("(median/p95/min: wall time, perf_counter; cpu: median thread CPU time)")
    gen = results[GEN]["median"]
    floor = results[FLOOR]["median"]
    tpl = results[TPL]["median"]
    naive = results["python-docx, naive"]["median"]
    r_floor, r_tpl = gen / floor, gen / tpl
    print(f"(build_docx minus floor = XML writing, about "
          f"{results['  of which build_docx']['median'] - floor:.2f} ms)")
    print()
    print(f"generator / floor       = {r_floor:5.2f}x   target <= {TARGET_FLOOR_RATIO}x   "
          f"{verdict(r_floor <= TARGET_FLOOR_RATIO)}")
    print(f"generator / docxtpl     = {r_tpl:5.2f}x   target <= {TARGET_DOCXTPL_RATIO}x   "
          f"{verdict(r_tpl <= TARGET_DOCXTPL_RATIO)}")
    print(f"generator / python-docx = {gen / naive:5.2f}x   (no target)")
    for what, key in (("fastest runs", "min"), ("median CPU times", "cpu")):
        print(f"(ratios of the {what}, less sensitive to other load: generator / floor "
              f"{results[GEN][key] / results[FLOOR][key]:.2f}x, generator / docxtpl "
              f"{results[GEN][key] / results[TPL][key]:.2f}x)")
    if r_floor > TARGET_FLOOR_RATIO:
        misses.append(f"generator/floor {r_floor:.2f}x > {TARGET_FLOOR_RATIO}x")
    if r_tpl > TARGET_DOCXTPL_RATIO:
        misses.append(f"generator/docxtpl {r_tpl:.2f}x > {TARGET_DOCXTPL_RATIO}x")

    specs = session_specs(spec, args.count)
    gc.collect()
    t0 = time.perf_counter()
    archive = render_session(specs)
    session_s = time.perf_counter() - t0
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        names = zf.namelist()
        distinct = len({zf.read(n) for n in names})
    print()
    print(f"session: {len(names)} letters into one zip ({len(archive) / 1e6:.1f} MB, "
          f"{distinct} distinct files) in {session_s:.2f} s "
          f"({session_s / args.count * 1000:.1f} ms a letter)   target < {TARGET_SESSION_S} s   "
          f"{verdict(session_s < TARGET_SESSION_S)}")
    if session_s >= TARGET_SESSION_S:
        misses.append(f"{args.count} letters took {session_s:.2f} s >= {TARGET_SESSION_S} s")
    if distinct != args.count or len(names) != args.count:
        misses.append(f"session zip holds {distinct} distinct letters of {args.count}")

    if args.profile or misses:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(20):
            render_letter(spec)
        prof.disable()
        print()
        print("profile of 20 render_letter calls (own time, top 15):")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(15)

    print()
    if misses:
        for m in misses:
            print(f"!!! MISS: {m}")
    else:
        print("all letter targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
