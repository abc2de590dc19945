"""The sample letter spec for the letter tests (no database needed)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_NAME = "reply-44137.json"


def sample_path() -> Path:
    """The repo's copy of the sample, else the one in ../shared/samples beside the repo."""
    for path in (REPO / "fixtures" / SAMPLE_NAME, REPO.parent / "shared" / "samples" / SAMPLE_NAME):
        if path.exists():
            return path
    raise FileNotFoundError(SAMPLE_NAME)


_SAMPLE = json.loads(sample_path().read_text(encoding="utf-8"))


def sample_spec() -> dict:
    return copy.deepcopy(_SAMPLE)


def minimal_spec(**changes) -> dict:
    spec = {
        "spec_version": 1,
        "unit": {"name": "连云港市市场监督管理局", "doc_prefix": "连市监办复"},
        "doc_number": {"year": 2025, "seq": 86},
        "title": "对市政协十四届四次会议第44137号提案的答复",
        "addressee": "王波委员",
        "intro": ["您提出的提案收悉，现答复如下："],
        "sections": [{"heading": "工作情况", "paragraphs": ["我局做了工作。"]}],
        "contact": {"name": "朱昌伟", "phone": "18905131999"},
    }
    spec.update(changes)
    return spec


def tiny_png(width: int = 40, height: int = 40) -> bytes:
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((1, 1, width - 2, height - 2), outline=(255, 0, 0, 255), width=3)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
