"""The sample letter spec for the letter tests (no database needed)."""

from __future__ import annotations

import copy
import functools
import json
import tempfile
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


# ---- letters of every shape, rendered once per test session ----------------------------------
_FILES = tempfile.TemporaryDirectory(prefix="letter-shapes-")
LONG_UNIT = "连云港市人民政府国有资产监督管理委员会直属机关党委办公室暨综合行政执法支队"
LONG_TITLE = ("对市政协十四届四次会议第44137号关于加快推进知识产权强市建设进一步完善知识产权"
              "创造运用保护管理和服务全链条工作体系的提案的答复")


def seal_path() -> str:
    path = Path(_FILES.name, "seal.png")
    if not path.exists():
        path.write_bytes(tiny_png(60, 60))
    return str(path)


def _every_level() -> list[dict]:
    return [
        {"heading": "甲", "paragraphs": ["甲的段落。"], "sections": [
            {"heading": "乙", "sections": [
                {"heading": "丙", "paragraphs": ["丙的段落。"],
                 "sections": [{"heading": "丁", "paragraphs": ["丁的段落。"]}]}]},
            {"heading": "乙二"},
        ]},
        *[{"heading": f"第{i}部分", "paragraphs": [f"第{i}部分的段落。"]} for i in range(2, 12)],
    ]


def _shapes() -> dict[str, dict]:
    sealed = {"date": "2025-06-20", "seal": seal_path()}
    qr = {"feedback_url": "https://example.cn/f/1"}
    cc = {"cc": ["市政协提案委", "市政府办公室"], "disclosure": "此件公开发布"}
    full = sample_spec()
    full.update(**sealed, **qr, **cc, category="A",
                closing=["感谢您对市场监管工作的关心和支持！"])
    return {
        "sample 44137": sample_spec(),
        "minimal": minimal_spec(),
        "draft": minimal_spec(doc_number=None),
        "draft, signer and class": minimal_spec(doc_number=None, signer="马盈", category="B"),
        "draft, sealed, with QR and 抄送": minimal_spec(doc_number=None, **sealed, **qr, **cc),
        "sealed and dated": minimal_spec(**sealed),
        "sealed without a date": minimal_spec(seal=seal_path()),
        "with QR": minimal_spec(**qr),
        "with 抄送 and 附注": minimal_spec(**cc),
        "full sample": full,
        "every heading level": minimal_spec(sections=_every_level(), signer="马盈"),
        "long names": minimal_spec(
            unit={"name": LONG_UNIT, "doc_prefix": "连国资委直属党办复"}, title=LONG_TITLE,
            addressee="王波、李明、张伟、刘洋、陈静、杨帆、赵磊、黄勇委员", signer="欧阳明月",
            category="C", date="2025-12-31", seal=seal_path(),
            cc=[f"连云港市第{i}届政协委员会提案委员会办公室" for i in range(1, 13)],
            contact={"name": "司马相如", "phone": "0518-85820000转8001"}),
        "no body": minimal_spec(intro=[], sections=[], contact={}),
        "text with markup, tabs and breaks": minimal_spec(
            intro=["a<b>&\"c\" ]]> 𠀀𪚥。", "第一行\n第二行\t完。", "  前后空格  "],
            closing=["（一）括号开头。"], disclosure="(依申请公开)"),
    }


SHAPES = tuple(_shapes())


@functools.cache
def letter_shape(name: str) -> dict:
    return _shapes()[name]


@functools.cache
def rendered_shape(name: str) -> bytes:
    """The .docx of a letter shape, rendered once per test session."""
    from replies.letter import render_letter

    return render_letter(copy.deepcopy(letter_shape(name)))
