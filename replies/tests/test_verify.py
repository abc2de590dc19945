import pytest
from django.core.management import call_command

from replies import services
from replies.models import Reply
from replies.signing import verify_bytes

from .reply_fixtures import SIGN_DATE, make_case, ready_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(tmp_path):
    case = make_case()
    reply = services.reply_sign_off(reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE)
    path = tmp_path / "letter.docx"
    with reply.signed_file.open("rb") as fh:
        path.write_bytes(fh.read())
    return reply, path


def _run(path, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("verify_reply", str(path))
        raise SystemExit(0)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_it_confirms_a_signed_original(signed, capsys):
    _reply, path = signed
    code, out, _err = _run(path, capsys)
    assert code == 0
    assert "连云港市市场监督管理局" in out
    assert "连市监办复〔2025〕1号" in out
    assert "2025年6月20日" in out
    assert "马盈" in out


def test_changing_any_byte_makes_it_fail(signed, capsys):
    _reply, path = signed
    data = path.read_bytes()
    for index in (0, len(data) // 2, len(data) - 1):
        tampered = bytearray(data)
        tampered[index] ^= 0x01
        path.write_bytes(bytes(tampered))
        code, _out, err = _run(path, capsys)
        assert code == 1
        assert "不是有效的签发原件" in err
    assert not verify_bytes(data + b"\0").valid


def test_it_fails_when_the_stored_signature_is_forged(signed, capsys):
    reply, path = signed
    forged = bytearray(bytes(reply.signature))
    forged[0] ^= 0xFF
    Reply.objects.filter(pk=reply.pk).update(signature=bytes(forged))
    code, _out, err = _run(path, capsys)
    assert code == 1 and "签名验证失败" in err


def test_it_fails_when_the_number_is_changed_in_the_database(signed, capsys):
    reply, path = signed
    Reply.objects.filter(pk=reply.pk).update(doc_seq=99)
    code, _out, err = _run(path, capsys)
    assert code == 1 and "不一致" in err


def test_it_fails_for_an_unknown_file(tmp_path, capsys):
    path = tmp_path / "other.docx"
    path.write_bytes(b"PK\x03\x04 not ours")
    code, _out, err = _run(path, capsys)
    assert code == 1 and "没有与此文件内容一致的签发记录" in err


def test_it_says_when_a_reply_was_corrected(signed, capsys):
    reply, path = signed
    correction = services.reply_correct(reply=reply)
    code, out, _err = _run(path, capsys)
    assert code == 0 and "尚未签发；签发前此答复仍然有效" in out and "已被更正" not in out
    correction = services.reply_submit_for_review(reply=correction, actor=reply.created_by)
    services.reply_sign_off(reply=correction, actor=reply.signer, signed_on=SIGN_DATE)
    code, out, _err = _run(path, capsys)
    assert code == 0 and "已被更正" in out


def test_a_renamed_unit_still_verifies_with_the_name_it_signed_with(signed, capsys):
    reply, path = signed
    unit = reply.unit
    unit.name = "连云港市市场监管局（新）"
    unit.doc_prefix = "连市监复"
    unit.save()
    code, out, _err = _run(path, capsys)
    assert code == 0 and "连市监办复〔2025〕1号" in out
