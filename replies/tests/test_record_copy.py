"""The record copy: PDF/A-2b from the frozen .docx, PAdES-signed, made after sign-off
commits; a failed conversion leaves the reply signed and is retried."""

import hashlib
import io

import pikepdf
import pytest

from replies import pades
from replies.models import RecordCopy, Reply
from replies.services import certificates, record_copy

from .record_copy_fixtures import (
    pdffonts,
    pdfsig,
    qpdf_check,
    require_libreoffice,
    sign_reply,
)

pytestmark = pytest.mark.django_db


def _read(copy) -> bytes:
    with copy.file.open("rb") as fh:
        return fh.read()


def _signed_with_copy(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply = sign_reply()
    return reply, RecordCopy.objects.get(reply=reply)


def test_it_is_pending_until_the_sign_off_commits():
    reply = sign_reply()  # the test's transaction never commits: nothing ran
    copy = RecordCopy.objects.get(reply=reply)
    assert copy.state == RecordCopy.State.PENDING and not copy.file


def test_it_makes_a_signed_pdfa_after_commit(fast_convert, django_capture_on_commit_callbacks):
    reply, copy = _signed_with_copy(django_capture_on_commit_callbacks)
    assert copy.state == RecordCopy.State.READY, copy.reason
    data = _read(copy)
    assert hashlib.sha256(data).hexdigest() == copy.sha256
    assert copy.level == pades.LEVEL_LT  # the committee CA's CRL is embedded; no TSA
    assert copy.certificate.unit == reply.unit and copy.certificate.ca is not None
    check = pades.validate_pdf(data, roots=certificates.trust_roots(copy.certificate))
    assert check.valid, check.reason
    assert check.signer == reply.unit.name and check.level == pades.LEVEL_LT
    poppler = pdfsig(data)
    if poppler is not None:  # a second, independent reader of the signature
        assert "ETSI.CAdES.detached" in poppler and "Total document signed" in poppler
        assert "Signature is Valid" in poppler


def test_the_signed_copy_stays_pdfa_2b(fast_convert, django_capture_on_commit_callbacks):
    _reply, copy = _signed_with_copy(django_capture_on_commit_callbacks)
    data = _read(copy)
    assert data.startswith(b"%PDF-1.")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.pdf_version <= "1.7"
        assert "/Encrypt" not in pdf.trailer
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        # The signature field is invisible and printable (PDF/A forbids hidden annots).
        (field,) = [f for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig"]
        assert [float(x) for x in field.Rect] == [0, 0, 0, 0]
        assert int(field.get("/F", 0)) & 4 and not int(field.get("/F", 0)) & 2
    fonts = pdffonts(data)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column
    result = qpdf_check(data)
    if result is not None:
        assert result.returncode == 0, result.stdout + result.stderr


def test_it_validates_pdfa_before_signing(sample_pdfa):
    # LibreOffice's own output carries /DocChecksum, which the validator cannot check...
    assert pades.pdfa_findings(sample_pdfa)
    # ... and the cleaned file passes pikepdf's PDF/A-2b allowlist validator.
    clean = pades.pdfa_clean(sample_pdfa)
    assert pades.pdfa_findings(clean) == []
    with pikepdf.open(io.BytesIO(clean)) as pdf:
        assert "/DocChecksum" not in pdf.trailer and "/OpenAction" not in pdf.Root


def test_it_refuses_to_sign_what_is_not_pdfa(fast_convert, monkeypatch,
                                             django_capture_on_commit_callbacks):
    plain = io.BytesIO()
    pikepdf.new().save(plain)
    monkeypatch.setattr(record_copy, "convert", lambda docx: plain.getvalue())
    reply, copy = _signed_with_copy(django_capture_on_commit_callbacks)
    assert copy.state == RecordCopy.State.FAILED
    assert "PDF/A-2b" in copy.reason
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.SIGNED


def test_a_missing_libreoffice_fails_the_copy_not_the_reply_and_a_retry_succeeds(
        monkeypatch, django_capture_on_commit_callbacks):
    require_libreoffice()
    monkeypatch.delenv("UNOSERVER_PORT", raising=False)  # no warm server to fall back on
    monkeypatch.setenv("LIBREOFFICE_BINARY", "/nonexistent/soffice")
    reply, copy = _signed_with_copy(django_capture_on_commit_callbacks)
    assert copy.state == RecordCopy.State.FAILED
    assert "找不到 LibreOffice" in copy.reason and copy.attempts == 1
    reply.refresh_from_db()
    assert reply.state == Reply.State.SIGNED and reply.signed_file

    monkeypatch.delenv("LIBREOFFICE_BINARY")
    with django_capture_on_commit_callbacks(execute=True):
        record_copy.record_copy_retry(copy=copy)
    copy.refresh_from_db()
    assert copy.state == RecordCopy.State.READY, copy.reason
    assert copy.attempts == 2 and copy.reason == ""
    # This one went through LibreOffice with the reply's own letter.
    text = pikepdf.open(io.BytesIO(_read(copy))).open_metadata()
    assert text["pdfaid:part"] == "2"
    assert copy.convert_seconds > 0 and copy.sign_seconds > 0


def test_it_is_idempotent(fast_convert, django_capture_on_commit_callbacks):
    _reply, copy = _signed_with_copy(django_capture_on_commit_callbacks)
    again = record_copy.record_copy_make(reply_id=copy.reply_id)
    assert again.pk == copy.pk and again.sha256 == copy.sha256 and again.attempts == 1


def test_a_revoked_certificate_is_replaced_before_signing(
        fast_convert, django_capture_on_commit_callbacks):
    first_reply, first = _signed_with_copy(django_capture_on_commit_callbacks)
    certificates.unit_certificate_revoke(certificate=first.certificate)
    from .reply_fixtures import second_proposal_case  # noqa: PLC0415

    case = second_proposal_case(_case_of(first_reply), 50001)
    with django_capture_on_commit_callbacks(execute=True):
        reply = sign_reply(case)
    copy = RecordCopy.objects.get(reply=reply)
    assert copy.state == RecordCopy.State.READY, copy.reason
    assert copy.certificate != first.certificate and copy.certificate.revoked_at is None


def _case_of(reply):
    from proposals.models import Membership

    from .reply_fixtures import Case

    lead = reply.assignment
    signer = Membership.objects.get(unit=reply.unit, role=Membership.Role.SIGNER).user
    handler = Membership.objects.get(unit=reply.unit, role=Membership.Role.HANDLER).user
    co = reply.proposal.assignments.exclude(pk=lead.pk).first()
    return Case(reply.proposal, lead, co, None, None, signer, handler)


def test_a_failed_copy_is_retried_after_its_backoff(fast_convert, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    import datetime as dt

    monkeypatch.delenv("UNOSERVER_PORT", raising=False)
    monkeypatch.setattr(record_copy, "convert", _killed)
    reply, copy = _signed_with_copy(django_capture_on_commit_callbacks)
    assert copy.state == RecordCopy.State.FAILED and "返回码 -9" in copy.reason
    monkeypatch.setattr(record_copy, "convert", lambda docx: fast_convert)
    soon = copy.updated_at + dt.timedelta(seconds=30)  # backoff after 1 attempt: 60 s
    assert record_copy.record_copies_retry_due(now=soon) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert record_copy.record_copies_retry_due(now=soon + dt.timedelta(seconds=31)) == 1
    copy.refresh_from_db()
    assert copy.state == RecordCopy.State.READY and copy.attempts == 2


def _killed(docx):
    """LibreOffice killed mid-conversion: the real function, with a soffice that dies."""
    import os
    import stat
    import tempfile

    from replies.letter.preview import docx_to_pdfs

    with tempfile.TemporaryDirectory() as tmp:
        fake = os.path.join(tmp, "soffice")
        with open(fake, "w") as fh:
            fh.write("#!/bin/sh\nkill -9 $$\n")
        os.chmod(fake, stat.S_IRWXU)
        os.environ["LIBREOFFICE_BINARY"] = fake
        try:
            return docx_to_pdfs([docx], pdfa=True)[0]
        finally:
            del os.environ["LIBREOFFICE_BINARY"]


def test_the_task_retries_a_failure_with_backoff(monkeypatch):
    from celery.exceptions import Retry

    from replies.tasks import make_record_copy

    monkeypatch.delenv("UNOSERVER_PORT", raising=False)
    monkeypatch.setenv("LIBREOFFICE_BINARY", "/nonexistent/soffice")
    reply = sign_reply()
    retries = []

    def fake_retry(**kwargs):
        retries.append(kwargs)
        return Retry()

    monkeypatch.setattr(make_record_copy, "retry", fake_retry)
    make_record_copy.push_request(is_eager=False, retries=2)
    try:
        with pytest.raises(Retry):
            make_record_copy.run(reply.pk)
    finally:
        make_record_copy.pop_request()
    assert retries == [{"countdown": 120}]


def test_with_a_time_stamping_authority_the_copy_is_b_lta(
        fast_convert, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks):
    from asn1crypto import keys as asn1_keys
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    from .test_pades import NOW, _tsa_cert

    root_key, root = pades.make_ca("测试时间戳机构", now=NOW)
    tsa_key, tsa_cert = _tsa_cert(root_key, root)
    (tmp_path / "tsa.pem").write_text(pades.cert_pem(root))
    settings.TSA_TRUST_ROOTS = str(tmp_path / "tsa.pem")
    monkeypatch.setattr(record_copy, "_timestamper", lambda: DummyTimeStamper(
        tsa_cert=pades._asn1_cert(tsa_cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(pades.key_der(tsa_key)),
        certs_to_embed=[pades._asn1_cert(root)]))
    _reply, copy = _signed_with_copy(django_capture_on_commit_callbacks)
    assert copy.state == RecordCopy.State.READY, copy.reason
    assert copy.level == pades.LEVEL_LTA
    roots = [*certificates.trust_roots(copy.certificate), root]
    check = pades.validate_pdf(_read(copy), roots=roots)
    assert check.valid and check.level == pades.LEVEL_LTA, check.reason
    # The app's own verification and the dossier's trust root know the TSA's root too.
    from replies.dossier import dossier_for
    from replies.record_verify import verify_record_copy

    assert verify_record_copy(copy).valid
    exported = pades.load_certs(dossier_for(copy.reply).files["trust-root.pem"])
    assert root.subject in [c.subject for c in exported]


def test_a_certificate_revoked_after_signing_leaves_the_copy_valid_with_a_note(
        fast_convert, django_capture_on_commit_callbacks):
    from replies.record_verify import verify_record_copy

    _reply, copy = _signed_with_copy(django_capture_on_commit_callbacks)
    certificates.unit_certificate_revoke(certificate=copy.certificate)
    copy.refresh_from_db()
    result = verify_record_copy(copy)
    assert result.valid, result.reason
    assert "晚于签名时间" in result.record["note"]


def test_a_copy_signed_with_a_certificate_revoked_before_is_reported(
        fast_convert, django_capture_on_commit_callbacks):
    import datetime as dt

    from replies.models import UnitCertificate
    from replies.record_verify import verify_record_copy

    _reply, copy = _signed_with_copy(django_capture_on_commit_callbacks)
    # The revocation is dated before the signature (a compromised key reported late).
    UnitCertificate.objects.filter(pk=copy.certificate_id).update(
        revoked_at=copy.signed_at - dt.timedelta(hours=1), active=False)
    copy.refresh_from_db()
    result = verify_record_copy(copy)
    assert not result.valid and "吊销" in result.reason
