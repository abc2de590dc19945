"""The case dossier of a signed reply: its signed record copy (.pdf), the frozen .docx, the
root a reader must trust, and a manifest with the hashes, the verification result and the
proposal's audit log (history rows in order, each hash chained to the one before, so a
removed or edited row shows)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db.models import BinaryField, FileField

from proposals.models import Assignment, Proposal

from . import pades
from .models import FROZEN_STATES, RecordCopy, Reply
from .record_verify import verify_record_copy
from .services import certificates
from .services.record_copy import tsa_roots

MANIFEST_VERSION = 1
# What a signature is made of is in the files themselves; the spec is the letter again.
_LEFT_OUT = {"signature", "signature_payload", "signed_spec", "encrypted_private_key"}


class DossierUnavailable(Exception):
    """Unknown number, unsigned reply, or no ready record copy yet."""


@dataclass
class Dossier:
    number: str
    files: dict[str, bytes]  # name -> bytes, manifest.json last
    valid: bool  # the record copy's verification

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                archive.writestr(f"{self.number}/{name}", data)
        return buffer.getvalue()

    def write(self, out: Path) -> None:
        """Into ``out`` all at once: the files go to a temporary directory beside it, which
        is then renamed (or, if ``out`` exists, moved in file by file after all are
        written), so a failure leaves nothing half-written."""
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".dossier-", dir=out.parent))
        try:
            for name, data in self.files.items():
                (tmp / name).write_bytes(data)
            if not out.exists():
                os.rename(tmp, out)
                return
            for name in self.files:
                os.replace(tmp / name, out / name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def find_reply(ref: str) -> Reply:
    """A reply by its document number as printed (连市监办复〔2025〕86号) or its id."""
    ref = ref.strip()
    if ref.isdigit():
        reply = Reply.objects.filter(pk=int(ref)).first()
    else:
        candidates = Reply.objects.filter(doc_seq__isnull=False).select_related("unit")
        digits = "".join(c if c.isdigit() else " " for c in ref).split()
        if len(digits) >= 2:
            candidates = candidates.filter(doc_year=int(digits[-2]), doc_seq=int(digits[-1]))
        reply = next((r for r in candidates if r.doc_number == ref), None)
    if reply is None:
        raise DossierUnavailable(f"找不到答复：{ref}（请给出打印在答复函上的文号，或答复编号）")
    return reply


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _history_row(row) -> dict:
    fields = {}
    for field in row.instance_type._meta.concrete_fields:
        if field.attname in _LEFT_OUT or isinstance(field, BinaryField):
            continue
        value = getattr(row, field.attname, None)
        if isinstance(field, FileField):
            value = getattr(value, "name", value) or ""
        fields[field.attname] = _jsonable(value)
    user = row.history_user
    return {
        "at": row.history_date.isoformat(),
        "model": row.instance_type._meta.label,
        "object_id": row.id,
        "history_id": row.history_id,
        "type": row.history_type,
        "user": (user.get_full_name() or user.get_username()) if user else "系统",
        "fields": fields,
    }


def audit_log(proposal: Proposal) -> list[dict]:
    """Every history row of the proposal, its assignments and its replies, oldest first,
    each with ``hash`` = SHA-256(previous hash + canonical JSON of the row)."""
    rows = [
        *proposal.history.all(),
        *Assignment.history.filter(proposal_id=proposal.pk),
        *Reply.history.filter(proposal_id=proposal.pk),
    ]
    rows.sort(key=lambda r: (r.history_date, r.instance_type._meta.label, r.history_id))
    chain, previous = [], "0" * 64
    for row in rows:
        entry = _history_row(row)
        body = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        entry["prev"] = previous
        entry["hash"] = previous = hashlib.sha256((previous + body).encode()).hexdigest()
        chain.append(entry)
    return chain


def audit_log_intact(entries: list[dict]) -> bool:
    previous = "0" * 64
    for entry in entries:
        row = {k: v for k, v in entry.items() if k not in ("prev", "hash")}
        body = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if entry.get("prev") != previous:
            return False
        previous = hashlib.sha256((previous + body).encode()).hexdigest()
        if entry.get("hash") != previous:
            return False
    return True


def dossier_for(reply: Reply) -> Dossier:
    if reply.state not in FROZEN_STATES or not reply.signed_file:
        raise DossierUnavailable(f"答复“{reply}”尚未签发，没有可归档的文件。")
    copy = RecordCopy.objects.select_related("certificate__ca").filter(reply=reply).first()
    if copy is None or copy.state != RecordCopy.State.READY:
        state = copy.get_state_display() if copy else "未生成"
        raise DossierUnavailable(f"{reply.doc_number} 的存档件尚未就绪（{state}）。")
    with reply.signed_file.open("rb") as fh:
        docx = fh.read()
    with copy.file.open("rb") as fh:
        pdf = fh.read()
    roots = [*certificates.trust_roots(copy.certificate), *tsa_roots()]
    root_pem = "".join(pades.cert_pem(c) for c in roots).encode()
    check = verify_record_copy(copy, data=pdf)
    number = reply.doc_number
    files = {f"{number}.pdf": pdf, f"{number}.docx": docx, "trust-root.pem": root_pem}
    proposal = reply.proposal
    manifest = {
        "version": MANIFEST_VERSION,
        "number": number,
        "proposal": {"number": proposal.display_number, "title": proposal.title},
        "unit": reply.unit.name,
        "signer": reply.signer_name,
        "signed_on": reply.signed_on.isoformat(),
        "signing_time": reply.signed_at.isoformat() if reply.signed_at else None,
        "record_copy": {
            "pades_level": copy.level,
            "signed_at": copy.signed_at.isoformat() if copy.signed_at else None,
            "certificate_sha256": copy.certificate.fingerprint,
        },
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                  for name, data in files.items()},
        "recorded_sha256": {f"{number}.docx": reply.sha256, f"{number}.pdf": copy.sha256},
        "verification": {"valid": check.valid, "reason": check.reason or "valid"},
        "audit_log": audit_log(proposal),
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    return Dossier(number=number, files=files, valid=check.valid)
