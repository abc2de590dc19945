"""Verification of a record copy (.pdf): the PAdES signature is intact and valid, its
certificate chains to the committee's root (or the imported chain's root), and the file is
the one recorded for its document number."""

from __future__ import annotations

import hashlib

from . import pades
from .models import CommitteeCA, RecordCopy
from .services import certificates
from .services.record_copy import tsa_roots
from .signing import Verification, verify_reply

_UNKNOWN_PDF = "系统中没有与此文件内容一致的存档件（文件可能被修改过，或不是本系统生成的存档件）。"


def verify_pdf_bytes(data: bytes) -> Verification:
    sha256 = hashlib.sha256(data).hexdigest()
    copy = (RecordCopy.objects.select_related("reply__unit", "reply__signing_key",
                                              "certificate__ca")
            .filter(sha256=sha256, state=RecordCopy.State.READY).first())
    if copy is None:
        # Say why when we can: a broken signature is a more useful answer than "unknown".
        roots = [pades.load_cert(ca.certificate_pem) for ca in CommitteeCA.objects.all()]
        check = pades.validate_pdf(data, roots=roots)
        reason = _UNKNOWN_PDF if check.valid else f"{check.reason}{_UNKNOWN_PDF}"
        return Verification(False, reason)
    return verify_record_copy(copy, data=data)


def verify_record_copy(copy: RecordCopy, *, data: bytes | None = None) -> Verification:
    reply = copy.reply
    if data is None:
        with copy.file.open("rb") as fh:
            data = fh.read()
    if hashlib.sha256(data).hexdigest() != copy.sha256:
        return Verification(False, "存档件与记录的摘要不一致（文件被改动）。", reply)
    docx = verify_reply(reply)
    if not docx.valid:
        return Verification(False, f"对应的签发记录无效：{docx.reason}", reply)
    cert = copy.certificate
    crls = []
    note = ""
    if cert.ca_id:
        revoked_later = cert.revoked_at and copy.signed_at and cert.revoked_at > copy.signed_at
        if revoked_later:
            # Signed while the certificate was good: the CRL embedded at signing speaks.
            note = f"（签名证书已于 {cert.revoked_at:%Y-%m-%d %H:%M} 吊销，晚于签名时间）"
        else:
            crls = [certificates.crl_der(cert.ca)]
    roots = [*certificates.trust_roots(cert), *tsa_roots()]
    check = pades.validate_pdf(data, roots=roots, crls=crls)
    if not check.valid:
        return Verification(False, check.reason, reply)
    if check.signer_fingerprint != cert.fingerprint:
        return Verification(False, "签名证书不是该单位登记的证书。", reply)
    record = dict(docx.record or {})
    record.update({"pdf_sha256": copy.sha256, "level": check.level, "note": note,
                   "certificate": cert.fingerprint, "pdf_signed_at": check.signed_at})
    return Verification(True, "", reply, record)
