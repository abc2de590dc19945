import io
import json
import sys

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .letter_samples import minimal_spec, sample_path, sample_spec
from .ooxml_validate import assert_valid_docx


def run(*args, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    try:
        call_command("render_reply", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_it_writes_the_letter(tmp_path):
    out = tmp_path / "letter.docx"
    code, _, err = run("--spec", str(sample_path()), "--out", str(out))
    assert (code, err) == (0, "")
    assert "王波委员：" in [p.text for p in docx.Document(out).paragraphs]
    assert_valid_docx(out.read_bytes())


def test_it_reads_the_spec_from_stdin(tmp_path, monkeypatch):
    out = tmp_path / "letter.docx"
    code, _, _ = run("--spec", "-", "--out", str(out), stdin=json.dumps(sample_spec()),
                     monkeypatch=monkeypatch)
    assert code == 0 and out.read_bytes().startswith(b"PK")


def test_it_exits_2_naming_each_field_and_writes_nothing(tmp_path):
    spec = minimal_spec(date="2025-02-30", category="Z")
    spec["sections"][0]["paragraphs"] = ["好。", 3]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "letter.docx"
    code, _, err = run("--spec", str(path), "--out", str(out))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert {line.split(":")[0] for line in lines} == {"date", "category",
                                                     "sections[0].paragraphs[1]"}
    assert list(tmp_path.iterdir()) == [path]


def test_it_leaves_an_existing_file_alone_when_the_spec_is_invalid(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{}", encoding="utf-8")
    out = tmp_path / "letter.docx"
    out.write_bytes(b"old")
    code, _, _ = run("--spec", str(path), "--out", str(out))
    assert code == 2 and out.read_bytes() == b"old"


def test_it_exits_2_on_broken_json(tmp_path, monkeypatch):
    code, _, err = run("--spec", "-", "--out", str(tmp_path / "x.docx"), stdin="{oops",
                       monkeypatch=monkeypatch)
    assert code == 2 and err.startswith("spec: JSON")
    assert not (tmp_path / "x.docx").exists()


def test_it_exits_2_on_a_missing_spec_file(tmp_path):
    code, _, err = run("--spec", str(tmp_path / "none.json"), "--out", str(tmp_path / "x.docx"))
    assert code == 2 and err.startswith("spec: ")


def test_it_warns_about_normalisation_and_still_writes(tmp_path):
    spec = minimal_spec(sections=[{"heading": "一、工作情况"}])
    spec["unit"]["doc_prefix"] = "连市监办复[2025]"
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    code, _, err = run("--spec", str(path), "--out", str(tmp_path / "x.docx"))
    assert code == 0
    assert "sections[0].heading: 警告" in err and "unit.doc_prefix: 警告" in err
    found = [p.text for p in docx.Document(tmp_path / "x.docx").paragraphs]
    assert "一、工作情况" in found


def test_it_accepts_configured_categories(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(minimal_spec(category="D")), encoding="utf-8")
    assert run("--spec", str(path), "--out", str(tmp_path / "x.docx"))[0] == 2
    assert run("--spec", str(path), "--out", str(tmp_path / "x.docx"),
               "--categories", "A,B,C,D")[0] == 0


def test_it_checks_the_sample_and_exits_1(tmp_path):
    code, out, err = run("--spec", str(sample_path()), "--check",
                         "--session-name", "十四届四次会议", "--proposal-number", "44137")
    assert code == 1
    lines = out.strip().splitlines()
    assert any(line.startswith("错误 [repeated-sentence] 第二部分第3段：句子重复")
               for line in lines)
    assert any(line.startswith("错误 [paragraph-ends-with-comma] 第二部分第2段：")
               for line in lines)
    assert "sections[" not in out  # people read the place in words
    assert "3 个错误" in err


def test_it_gives_tools_the_field_path_as_json():
    code, out, _ = run("--spec", str(sample_path()), "--check", "--json")
    assert code == 1
    found = {(f["severity"], f["rule_id"], f["path"], f["place"]) for f in json.loads(out)}
    assert ("error", "repeated-sentence", "sections[1].paragraphs[2]", "第二部分第3段") in found
    assert ("error", "date.missing", "date", "成文日期") in found


def test_it_names_the_place_in_words_after_the_field_path(tmp_path):
    spec = minimal_spec()
    spec["sections"][0]["paragraphs"] = ["好。", 3]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    code, _, err = run("--spec", str(path), "--out", str(tmp_path / "x.docx"))
    assert code == 2
    assert err.startswith("sections[0].paragraphs[1]: 第一部分第2段：应为文本")


def test_it_checks_a_clean_letter_and_exits_0(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(minimal_spec(date="2025-06-20")), encoding="utf-8")
    code, out, _ = run("--spec", str(path), "--check")
    assert code == 0 and out == ""


def test_it_needs_out_unless_checking():
    with pytest.raises(CommandError):
        call_command("render_reply", "--spec", str(sample_path()))
