"""manage.py archive_reply: the case dossier's files, hashes, chain check and exit codes;
and verify_reply on the record copy."""

import hashlib
import json

import pytest
from django.core.management import call_command

from replies import pades
from replies.dossier import audit_log_intact
from replies.models import RecordCopy

from .record_copy_fixtures import sign_reply
from .reply_fixtures import make_case, ready_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(fast_convert, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply = sign_reply()
    assert RecordCopy.objects.get(reply=reply).state == RecordCopy.State.READY
    return reply


def _run(name, *args, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command(name, *args)
        raise SystemExit(0)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_it_writes_the_dossier(signed, tmp_path, capsys):
    out = tmp_path / "dossier"
    code, _out, err = _run("archive_reply", signed.doc_number, "--out", str(out),
                           capsys=capsys)
    assert code == 0, err
    number = signed.doc_number
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{number}.pdf", f"{number}.docx", "trust-root.pem", "manifest.json"])
    with signed.signed_file.open("rb") as fh:
        assert (out / f"{number}.docx").read_bytes() == fh.read()  # byte-identical
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["number"] == number and manifest["unit"] == signed.unit.name
    assert manifest["signer"] == "马盈" and manifest["proposal"]["title"]
    for name in (f"{number}.pdf", f"{number}.docx", "trust-root.pem"):
        assert manifest["files"][name]["sha256"] == hashlib.sha256(
            (out / name).read_bytes()).hexdigest()
    assert manifest["files"][f"{number}.docx"]["sha256"] == signed.sha256
    assert manifest["verification"] == {"valid": True, "reason": "valid"}
    # The PDF validates offline against the exported root alone.
    roots = pades.load_certs((out / "trust-root.pem").read_bytes())
    check = pades.validate_pdf((out / f"{number}.pdf").read_bytes(), roots=roots)
    assert check.valid, check.reason
    # The audit log: in order, chained; a removed or edited row breaks the chain.
    log = manifest["audit_log"]
    assert len(log) > 3 and [e["at"] for e in log] == sorted(e["at"] for e in log)
    assert log[-1]["model"] == "replies.Reply" and log[-1]["fields"]["state"] == "signed"
    assert audit_log_intact(log)
    assert not audit_log_intact(log[:1] + log[2:])
    log[1]["user"] = "someone else"
    assert not audit_log_intact(log)


def test_it_takes_the_reply_id_too(signed, tmp_path, capsys):
    code, _out, _err = _run("archive_reply", str(signed.pk), "--out", str(tmp_path / "d"),
                            capsys=capsys)
    assert code == 0 and (tmp_path / "d" / f"{signed.doc_number}.pdf").exists()


def test_an_unknown_number_exits_2_and_writes_nothing(signed, tmp_path, capsys):
    code, _out, err = _run("archive_reply", "连市监办复〔2025〕999号", "--out",
                           str(tmp_path / "d"), capsys=capsys)
    assert code == 2 and "找不到答复" in err
    assert list(tmp_path.iterdir()) == []


def test_an_unsigned_reply_exits_2(tmp_path, capsys):
    case = make_case()
    reply = ready_reply(case)
    code, _out, err = _run("archive_reply", str(reply.pk), "--out", str(tmp_path / "d"),
                           capsys=capsys)
    assert code == 2 and "尚未签发" in err
    assert list(tmp_path.iterdir()) == []


def test_verify_reply_accepts_the_record_copy(signed, tmp_path, capsys):
    path = tmp_path / "copy.pdf"
    with RecordCopy.objects.get(reply=signed).file.open("rb") as fh:
        path.write_bytes(fh.read())
    code, out, _err = _run("verify_reply", str(path), capsys=capsys)
    assert code == 0 and out.startswith("valid")
    assert signed.doc_number in out and "B-LT" in out


def test_verify_reply_refuses_a_changed_byte(signed, tmp_path, capsys):
    with RecordCopy.objects.get(reply=signed).file.open("rb") as fh:
        data = bytearray(fh.read())
    data[len(data) // 3] ^= 0x01
    path = tmp_path / "copy.pdf"
    path.write_bytes(bytes(data))
    code, _out, err = _run("verify_reply", str(path), capsys=capsys)
    assert code == 1 and "不是有效的签发原件" in err
