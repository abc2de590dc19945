"""Ed25519 signing of frozen reply letters, one key per unit.

The private key is stored only encrypted: AES-256-GCM under a key derived with HKDF-SHA256
from ``settings.SIGNING_KEY_SECRET`` (which defaults to SECRET_KEY). The unit id and the
key's fingerprint are the GCM associated data, so an encrypted key copied to another unit's
row does not decrypt. Changing the secret makes existing keys unusable for new signatures;
verification needs only the public keys and keeps working.

What is signed is a small JSON record (``signature_record``): the SHA-256 of the .docx bytes,
the unit, the document number and the date. Nothing is embedded in the .docx, so the stored
file is byte for byte what the generator rendered.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from proposals.models import Unit

from .models import FROZEN_STATES, Reply, UnitSigningKey

RECORD_VERSION = 1
_BLOB_VERSION = b"\x01"
_HKDF_SALT = b"replies.signing.private-key.v1"
_HKDF_INFO = b"unit signing key encryption"


class SigningError(Exception):
    """The key cannot be used (wrong secret, tampered row)."""


def _secret() -> bytes:
    secret = getattr(settings, "SIGNING_KEY_SECRET", None) or settings.SECRET_KEY
    if not secret:
        raise ImproperlyConfigured("SIGNING_KEY_SECRET (or SECRET_KEY) must be set")
    return secret.encode() if isinstance(secret, str) else bytes(secret)


def _wrapping_key() -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO
    ).derive(_secret())


def _aad(unit_id: int, fingerprint: str) -> bytes:
    return f"unit:{unit_id}:key:{fingerprint}".encode()


def fingerprint_of(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()


def encrypt_private_key(raw: bytes, *, unit_id: int, fingerprint: str) -> bytes:
    nonce = os.urandom(12)
    return _BLOB_VERSION + nonce + AESGCM(_wrapping_key()).encrypt(
        nonce, raw, _aad(unit_id, fingerprint)
    )


def encrypt_blob(raw: bytes, *, aad: bytes) -> bytes:
    """Any private key at rest (the record copy's RSA keys): the same AES-256-GCM wrapping
    as the Ed25519 keys, with the caller's row identity as associated data."""
    nonce = os.urandom(12)
    return _BLOB_VERSION + nonce + AESGCM(_wrapping_key()).encrypt(nonce, raw, aad)


def decrypt_blob(blob: bytes, *, aad: bytes) -> bytes:
    blob = bytes(blob)
    if blob[:1] != _BLOB_VERSION or len(blob) < 1 + 12 + 16:
        raise SigningError("私钥格式无法识别")
    try:
        return AESGCM(_wrapping_key()).decrypt(blob[1:13], blob[13:], aad)
    except InvalidTag as exc:
        raise SigningError("私钥无法解密（SIGNING_KEY_SECRET 是否变更？）") from exc


def decrypt_private_key(key: UnitSigningKey) -> Ed25519PrivateKey:
    blob = bytes(key.encrypted_private_key)
    if blob[:1] != _BLOB_VERSION or len(blob) < 1 + 12 + 16:
        raise SigningError("签发密钥格式无法识别")
    try:
        raw = AESGCM(_wrapping_key()).decrypt(
            blob[1:13], blob[13:], _aad(key.unit_id, key.fingerprint)
        )
    except InvalidTag as exc:
        raise SigningError("签发密钥无法解密（SIGNING_KEY_SECRET 是否变更？）") from exc
    private = Ed25519PrivateKey.from_private_bytes(raw)
    if _public_bytes(private.public_key()) != bytes(key.public_key):
        raise SigningError("签发密钥与公钥不匹配")
    return private


def _public_bytes(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@transaction.atomic
def unit_signing_key_create(*, unit: Unit) -> UnitSigningKey:
    """A new active key for the unit; the previous active key is retired (kept for verifying)."""
    now = timezone.now()
    UnitSigningKey.objects.select_for_update().filter(unit=unit, active=True).update(
        active=False, retired_at=now
    )
    private = Ed25519PrivateKey.generate()
    public = _public_bytes(private.public_key())
    raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    fingerprint = fingerprint_of(public)
    key = UnitSigningKey(
        unit=unit,
        public_key=public,
        fingerprint=fingerprint,
        encrypted_private_key=encrypt_private_key(
            raw, unit_id=unit.pk, fingerprint=fingerprint
        ),
        active=True,
    )
    key.save()
    return key


def active_key_for(unit: Unit, *, create: bool = False) -> UnitSigningKey | None:
    key = UnitSigningKey.objects.filter(unit=unit, active=True).first()
    if key is None and create:
        key = unit_signing_key_create(unit=unit)
    return key


def signature_record(
    *,
    unit_id: int,
    unit_name: str,
    doc_number: str,
    doc_year: int,
    doc_seq: int,
    signed_on: str,
    sha256: str,
    key_fingerprint: str,
) -> dict[str, Any]:
    return {
        "v": RECORD_VERSION,
        "unit_id": unit_id,
        "unit": unit_name,
        "doc_number": doc_number,
        "doc_year": doc_year,
        "doc_seq": doc_seq,
        "date": signed_on,
        "sha256": sha256,
        "key": key_fingerprint,
    }


def canonical(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(key: UnitSigningKey, data: bytes) -> bytes:
    return decrypt_private_key(key).sign(data)


def verify(public_key: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(bytes(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- verification of a file -------------------------------------------------------------

_UNKNOWN_FILE = (
    "系统中没有与此文件内容一致的签发记录（文件可能被修改过，或不是本系统签发的文件）。"
)
_RECORD_MISMATCH = "签名记录与答复信息不一致（单位、文号、日期或文件摘要被改动）。"


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str = ""
    reply: Reply | None = None
    record: dict[str, Any] | None = None


def verify_bytes(data: bytes) -> Verification:
    """Find the reply whose frozen file has these exact bytes and check its signature."""
    sha256 = hashlib.sha256(data).hexdigest()
    reply = (
        Reply.objects.select_related("unit", "signing_key")
        .filter(sha256=sha256)
        .first()
    )
    if reply is None:
        return Verification(False, _UNKNOWN_FILE)
    return verify_reply(reply, sha256=sha256)


def verify_reply(reply: Reply, *, sha256: str | None = None) -> Verification:
    """Check a reply's stored signature record against its fields and the file digest.

    The unit's name and document prefix may change after signing; the record keeps them as
    they were, so only the stable fields (unit id, year, number, date, digest, key) are
    compared with the row, and the signed record is what a reader is shown."""
    if reply.state not in FROZEN_STATES or reply.signing_key is None or not reply.signature:
        return Verification(False, "该答复尚未签发。", reply)
    payload = reply.signature_payload.encode()
    try:
        record = json.loads(payload)
    except ValueError:
        return Verification(False, "签名记录已损坏。", reply)
    expected = {
        "v": RECORD_VERSION,
        "unit_id": reply.unit_id,
        "doc_year": reply.doc_year,
        "doc_seq": reply.doc_seq,
        "date": reply.signed_on.isoformat(),
        "sha256": sha256 or reply.sha256,
        "key": reply.signing_key.fingerprint,
    }
    if not isinstance(record, dict) or any(record.get(k) != v for k, v in expected.items()):
        return Verification(False, _RECORD_MISMATCH, reply)
    if canonical(record) != payload:
        return Verification(False, "签名记录已损坏。", reply)
    key = reply.signing_key
    if key.unit_id != reply.unit_id:
        return Verification(False, "签名密钥不属于该单位。", reply)
    if fingerprint_of(bytes(key.public_key)) != key.fingerprint:
        return Verification(False, "签名公钥已被改动。", reply)
    if not verify(key.public_key, bytes(reply.signature), payload):
        return Verification(False, "数字签名验证失败。", reply)
    return Verification(True, "", reply, record)
