"""Benchmark of the letter → PDF conversion: a cold LibreOffice against a warm one (issue 18.6).

In one run, on the 44137 letter (fixtures/reply-44137.json):

(a) cold: ``docx_to_pdfs`` with no warm server, one ``soffice --convert-to`` per letter, as
    a conversion task started for one reply does;
(b) warm: the same call with ``UNOSERVER_PORT`` pointing at a unoserver this script starts
    (``replies.letter.warm.WarmServer``, as ``manage.py unoserver`` runs it), after one
    conversion to warm it up; the server's start-up time is printed apart;

each for the record copy (PDF/A-2b, ``pdfa=True``) and for the preview (plain PDF), runs
interleaved, p50 and p95 in ms and the ratio warm/cold. Then N letters of one session
(number, addressee and title varied) converted one by one on the one warm server, total
time, against the cold baseline of this run: one cold start per letter (p50 × N) and one
cold LibreOffice run for all N at once (measured). Then the record copy's other steps on the
converted PDF (``replies.pades``: clean for PDF/A, PAdES B-LT signature with a committee CA,
unit certificate and CRL made here), p50, and the ratio of signing to conversion. A
benchmark, not a test: exits 0 whatever the figures (non-zero only if something crashes, or
the warm server cannot start).

    .venv/bin/python bench/bench_record_copy.py [--repeat 5] [--count 100]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_letter import session_specs  # noqa: E402  (bench/ is this script's directory)

from replies.letter import render_letter  # noqa: E402
from replies.letter.preview import docx_to_pdfs  # noqa: E402
from replies.letter.warm import WarmServer  # noqa: E402

SAMPLE = ROOT / "fixtures" / "reply-44137.json"


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def warm_on(server: WarmServer | None) -> None:
    if server is None:
        os.environ.pop("UNOSERVER_PORT", None)
    else:
        os.environ["UNOSERVER_HOST"], port = server.address
        os.environ["UNOSERVER_PORT"] = str(port)


def p(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs of each kind (default 5)")
    ap.add_argument("--count", type=int, default=100,
                    help="letters of one session converted on the warm server (default 100)")
    args = ap.parse_args()

    spec = json.loads(SAMPLE.read_text(encoding="utf-8"))
    letter = render_letter(spec, base_dir=SAMPLE.parent)
    print(f"44137 letter: {len(letter):,} bytes of .docx; {args.repeat} runs of each kind, "
          "interleaved")

    start_s, server = timed(lambda: WarmServer().start())
    print(f"warm server start-up (unoserver + LibreOffice, ready to convert): {start_s:.1f} s")
    try:
        warm_on(server)
        first_s, _ = timed(lambda: docx_to_pdfs([letter], pdfa=True))
        print(f"warm: first conversion after start-up {first_s * 1000:.0f} ms (not counted)")

        kinds = [("record copy (PDF/A-2b)", True), ("preview (PDF)", False)]
        samples = {(name, mode): [] for name, _ in kinds for mode in ("cold", "warm")}
        for _ in range(args.repeat):
            for name, pdfa in kinds:
                for mode in ("cold", "warm"):
                    warm_on(server if mode == "warm" else None)
                    elapsed, pdfs = timed(lambda pdfa=pdfa: docx_to_pdfs([letter], pdfa=pdfa))
                    assert pdfs[0].startswith(b"%PDF")
                    assert (b"<pdfaid:part>2</pdfaid:part>" in pdfs[0]) == pdfa
                    samples[(name, mode)].append(elapsed)

        print()
        print(f"{'44137 letter → PDF':<28}{'cold p50':>10}{'p95':>8}{'warm p50':>10}{'p95':>8}"
              f"{'warm/cold':>11}{'faster':>8}")
        cold_p50 = {}
        for name, _ in kinds:
            cold, warm = samples[(name, "cold")], samples[(name, "warm")]
            c50, w50 = statistics.median(cold), statistics.median(warm)
            cold_p50[name] = c50
            print(f"{name:<28}{c50 * 1000:>8.0f}ms{p(cold, .95) * 1000:>6.0f}ms"
                  f"{w50 * 1000:>8.0f}ms{p(warm, .95) * 1000:>6.0f}ms"
                  f"{w50 / c50:>10.2f}x{c50 / w50:>7.1f}x")

        n = args.count
        letters = [render_letter(s, base_dir=SAMPLE.parent) for s in session_specs(spec, n)]
        warm_on(server)
        warm_total, pdfs = timed(lambda: [docx_to_pdfs([d], pdfa=True)[0] for d in letters])
        assert len(pdfs) == n and all(b"<pdfaid:part>2</pdfaid:part>" in x for x in pdfs)
        warm_on(None)
        batch_total, pdfs = timed(lambda: docx_to_pdfs(letters, pdfa=True))
        assert len(pdfs) == n
        per_letter_cold = cold_p50["record copy (PDF/A-2b)"] * n

        print()
        print(f"{n} letters of one session → PDF/A-2b")
        print(f"  warm, one server, one letter at a time  {warm_total:8.1f} s"
              f"  ({warm_total / n * 1000:.0f} ms a letter; 600 letters ≈ "
              f"{warm_total / n * 600:.0f} s)")
        print(f"  cold, one start per letter (p50 × {n})   {per_letter_cold:8.1f} s"
              f"  warm/cold {warm_total / per_letter_cold:.2f}x")
        print(f"  cold, one LibreOffice run for all {n:<4}  {batch_total:8.1f} s"
              f"  warm/cold {warm_total / batch_total:.2f}x")
        sign_and_compare(pdfs[0], cold_p50["record copy (PDF/A-2b)"], args.repeat,
                         warm_total / n)
    finally:
        server.stop()
    return 0


def sign_and_compare(pdf: bytes, cold_s: float, repeat: int, warm_s: float) -> None:
    """Clean + sign (B-LT) the converted letter as the record copy does; no database."""
    import datetime as dt

    from replies import pades

    now = dt.datetime.now(dt.UTC)
    ca_key, ca_cert = pades.make_ca("连云港市政协", now=now)
    key, cert = pades.issue_unit_cert(
        ca_key=ca_key, ca_cert=ca_cert, unit_name="连云港市市场监督管理局",
        committee_name="连云港市政协", crl_url="http://127.0.0.1:8000/pki/ca/1.crl", now=now)
    crl = pades.make_crl(ca_key=ca_key, ca_cert=ca_cert, number=1, revoked=[], now=now)
    material = pades.SigningMaterial(key=key, cert=cert, chain=[ca_cert], crls=[crl])
    clean, sign, check = [], [], []
    for _ in range(repeat):
        t, cleaned = timed(lambda: pades.pdfa_clean(pdf))
        clean.append(t)
        t, (signed, level) = timed(lambda cleaned=cleaned: pades.sign_pdf(cleaned, material))
        sign.append(t)
        t, _ = timed(lambda signed=signed: pades.validate_pdf(signed, roots=[ca_cert]))
        check.append(t)
    c, g, v = (statistics.median(x) for x in (clean, sign, check))
    print()
    print(f"record copy steps on the converted letter (p50 of {repeat}; {level})")
    print(f"  clean for PDF/A {c * 1000:7.0f} ms   sign {g * 1000:7.0f} ms   "
          f"verify {v * 1000:7.0f} ms")
    print(f"  signing / conversion: {g / cold_s:.2f}x of a cold conversion, "
          f"{g / warm_s:.2f}x of a warm one")


if __name__ == "__main__":
    raise SystemExit(main())
