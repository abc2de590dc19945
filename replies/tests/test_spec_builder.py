import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from replies import services
from replies.letter import render_letter
from replies.models import UnitLetterSettings
from replies.spec_builder import build_spec, heading_number, outline

from .ooxml_validate import assert_valid_docx
from .reply_fixtures import SIGN_DATE, make_case, ready_reply

pytestmark = pytest.mark.django_db


def _document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode()


def test_it_builds_a_draft_spec_the_generator_renders():
    case = make_case()
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    spec = build_spec(reply)
    assert "doc_number" not in spec and "date" not in spec
    assert spec["unit"] == {"name": "连云港市市场监督管理局", "doc_prefix": "连市监办复"}
    assert spec["intro"] == ["您提出的《关于加快知识产权强市建设的提案》收悉，现答复如下："]
    headings = [s["heading"] for s in spec["sections"]]
    assert headings == ["知识产权强市建设工作情况", "科技创新支撑情况"]
    assert spec["sections"][1]["paragraphs"] == ["一是培育科技型中小企业。二是推动专利转化。"]
    assert spec["cc"] == ["市政协提案委员会", "市政府办公室"]
    assert spec["disclosure"] == "此件公开发布"
    data = render_letter(spec)
    assert "科技创新支撑情况" in _document_xml(data)
    assert_valid_docx(data)


def test_it_nests_headings_by_level():
    case = make_case()
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    services.reply_update(
        reply=reply, expected_version=1,
        paragraphs=[
            {"text": "开头。", "part": "intro"},
            {"text": "甲", "kind": "heading", "level": 1},
            {"text": "甲的段落。"},
            {"text": "甲一", "kind": "heading", "level": 2},
            {"text": "甲一一", "kind": "heading", "level": 3},
            {"text": "甲一一的段落。"},
            {"text": "甲二", "kind": "heading", "level": 2},
            {"text": "乙", "kind": "heading", "level": 1},
            {"text": "谢谢。", "part": "closing"},
        ],
    )
    spec = build_spec(reply)
    assert spec["sections"] == [
        {"heading": "甲", "paragraphs": ["甲的段落。"], "sections": [
            {"heading": "甲一", "paragraphs": [], "sections": [
                {"heading": "甲一一", "paragraphs": ["甲一一的段落。"], "sections": []},
            ]},
            {"heading": "甲二", "paragraphs": [], "sections": []},
        ]},
        {"heading": "乙", "paragraphs": [], "sections": []},
    ]
    assert spec["closing"] == ["谢谢。"]
    numbers = [row["number"] for row in outline(reply) if row["kind"] == "heading"]
    assert numbers == ["一、", "（一）", "1.", "（二）", "二、"]


def test_a_signed_spec_carries_number_date_signer_class_and_contact():
    case = make_case()
    reply = services.reply_sign_off(reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE)
    spec = reply.signed_spec
    assert spec["doc_number"] == {"year": 2025, "seq": 1}
    assert spec["date"] == "2025-06-20"
    assert spec["signer"] == "马盈" and spec["category"] == "A"
    assert spec["contact"] == {"name": "朱昌伟", "phone": "18905131999"}
    with reply.signed_file.open("rb") as fh:
        text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", _document_xml(fh.read())))
    assert "连市监办复〔2025〕1号" in text and "马盈" in text


def test_the_outline_names_each_paragraphs_unit():
    case = make_case()
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    rows = outline(reply)
    by_text = {r["text"]: r for r in rows}
    assert by_text["科技创新支撑情况"]["unit"] == case.co.unit
    assert by_text["科技创新支撑情况"]["section"] == case.co_section
    assert not by_text["科技创新支撑情况"]["is_own"]
    assert by_text["知识产权强市建设工作情况"]["is_own"]


def test_it_puts_the_units_seal_on_the_letter(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = make_case()
    buf = io.BytesIO()
    Image.new("RGBA", (20, 20), (255, 0, 0, 128)).save(buf, format="PNG")
    letter_settings = UnitLetterSettings(unit=case.unit)
    letter_settings.seal.save("seal.png", ContentFile(buf.getvalue()), save=True)
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    spec = build_spec(reply)
    assert spec["seal"].endswith(".png")
    data = render_letter(spec)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(name.startswith("word/media/") for name in z.namelist())
    assert_valid_docx(data)


def test_heading_numbers():
    assert [heading_number(1, n) for n in (1, 10, 11, 20, 21)] == [
        "一、", "十、", "十一、", "二十、", "二十一、"]
    assert heading_number(2, 3) == "（三）" and heading_number(4, 2) == "（2）"
