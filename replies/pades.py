"""The record copy's cryptography, without Django models: X.509 certificates and CRLs for a
committee CA and its units, PDF/A-2b clean-up and validation, PAdES signing and validation.

Keys are RSA-3072: pyHanko marks a PDF signed with Ed25519 or ECDSA as PDF 2.0, which a
PDF/A-2 file may not be. The signature field is invisible (no appearance stream, so no
unembedded font); the letter already carries the seal image on its page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import gc
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

RSA_BITS = 3072


def _outside_event_loop(fn):
    """pyHanko's synchronous API calls asyncio.run(), which refuses to start inside a thread
    whose event loop is running (an ASGI worker's, or Playwright's in the browser tests):
    there the call runs in a thread of its own."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return fn(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(fn, *args, **kwargs).result()

    return wrapper

CA_YEARS = 20
UNIT_YEARS = 5
CRL_DAYS = 7
PDFA_FLAVOUR = "2b"


class PdfaInvalid(Exception):
    """The converted PDF is not PDF/A-2b; the reason is the validator's findings."""


class SignFailed(Exception):
    """pyHanko refused to sign (e.g. the certificate is revoked or not trusted)."""


# --- keys and certificates --------------------------------------------------------------


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def key_der(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())


def load_key(der: bytes) -> rsa.RSAPrivateKey:
    """A key this system made and stored encrypted (signing.decrypt_blob authenticates it):
    cryptography's RSA consistency check (about 0.17 s for a 3072-bit key, on every
    record copy) only guards against keys from elsewhere, which PKCS#12 imports still get."""
    return serialization.load_der_private_key(der, password=None,
                                              unsafe_skip_rsa_key_validation=True)


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_cert(pem: str | bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def load_certs(pem: str | bytes) -> list[x509.Certificate]:
    if not pem:
        return []
    return x509.load_pem_x509_certificates(pem.encode() if isinstance(pem, str) else pem)


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _fit(text: str, limit: int = 64) -> str:
    """X.509 caps these attributes at 64 (cryptography counts UTF-8 bytes: 21 hanzi)."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
        x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
    ])


def make_ca(name: str, *, now: dt.datetime) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A self-signed root for a committee."""
    key = new_key()
    subject = _name(f"{_fit(name, 48)} 根证书", name)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue_unit_cert(
    *, ca_key: rsa.RSAPrivateKey, ca_cert: x509.Certificate, unit_name: str,
    committee_name: str, crl_url: str, now: dt.datetime,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A unit's signing certificate, pointing at the committee CA's CRL."""
    key = new_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(unit_name, committee_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(min(now + dt.timedelta(days=365 * UNIT_YEARS),
                             ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False,
            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca_cert.public_key()), critical=False)
        .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None,
            reasons=None, crl_issuer=None)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                              ExtendedKeyUsageOID.CLIENT_AUTH]),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def make_crl(
    *, ca_key: rsa.RSAPrivateKey, ca_cert: x509.Certificate, number: int,
    revoked: list[tuple[int, dt.datetime]], now: dt.datetime,
) -> bytes:
    """A DER CRL of the CA listing (serial, revoked at); valid for CRL_DAYS."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=CRL_DAYS))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca_cert.public_key()), critical=False)
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial)
            .revocation_date(when).build())
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@dataclass
class Pkcs12Contents:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: list[x509.Certificate]  # issuers, the root last if the file has it


def read_pkcs12(data: bytes, password: bytes | None) -> Pkcs12Contents:
    key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    if cert is None or key is None:
        raise ValueError("PKCS#12 文件中没有证书或私钥")
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise ValueError("只接受 RSA（2048 位以上）签名证书：其他算法会使 PDF 不再是 PDF/A-2")
    return Pkcs12Contents(key, cert, _order_chain(cert, list(extra or [])))


def _order_chain(leaf: x509.Certificate, pool: list[x509.Certificate]) -> list[x509.Certificate]:
    chain, current = [], leaf
    while True:
        issuer = next((c for c in pool if c.subject == current.issuer and c not in chain
                       and c != current), None)
        if issuer is None:
            return chain
        chain.append(issuer)
        if issuer.subject == issuer.issuer:
            return chain
        current = issuer


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


# --- PDF/A ------------------------------------------------------------------------------


def _validate(pdf: bytes):
    """pikepdf's validator records *any* warning raised while it parses a content stream as
    a finding, including a ResourceWarning that the garbage collector happens to emit then
    for a file some other code left open (CI saw "content stream: unclosed file …docx").
    The collector is kept off while validating, so only the PDF is judged (what it would
    have collected is collected after)."""
    from pikepdf import pdfa

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return pdfa.validate_written(io.BytesIO(pdf), PDFA_FLAVOUR)
    finally:
        if was_enabled:
            gc.enable()


def pdfa_clean(pdf: bytes) -> bytes:
    """Remove what a PDF/A validator cannot check (LibreOffice's /DocChecksum in the
    trailer, the /OpenAction) and validate the result as PDF/A-2b with pikepdf's
    allowlist validator. Raises PdfaInvalid with the findings."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if "/DocChecksum" in doc.trailer:
            del doc.trailer["/DocChecksum"]
        if "/OpenAction" in doc.Root:
            del doc.Root["/OpenAction"]
        out = io.BytesIO()
        doc.save(out)
    data = out.getvalue()
    report = _validate(data)
    if not report.passed:
        raise PdfaInvalid("；".join(f"{f.rule}: {f.message}" for f in report.findings[:5])
                          or report.verdict)
    return data


def pdfa_findings(pdf: bytes) -> list[str]:
    """pikepdf's PDF/A-2b findings on a file as it is (empty when it passes)."""
    report = _validate(pdf)
    return [] if report.passed else [f"{f.rule}: {f.message}" for f in report.findings] or [
        report.verdict]


# --- PAdES ------------------------------------------------------------------------------

LEVEL_B = "B-B"
LEVEL_LT = "B-LT"
LEVEL_LTA = "B-LTA"


@dataclass
class SigningMaterial:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: list[x509.Certificate]  # issuers up to and including the root
    crls: list[bytes] = field(default_factory=list)  # DER
    extra_roots: list[x509.Certificate] = field(default_factory=list)  # e.g. the TSA's root


def _validation_context(roots, others, crls, *, moment=None, fetch=False):
    """Soft-fail: a certificate a CRL lists as revoked fails; one without revocation data
    (a TSA's, offline) does not. The unit certificate always comes with its CRL."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=[_asn1_cert(c) for c in roots],
        other_certs=[_asn1_cert(c) for c in others],
        crls=list(crls), allow_fetching=fetch, moment=moment, revocation_mode="soft-fail",
    )


@_outside_event_loop
def sign_pdf(pdf: bytes, material: SigningMaterial, *, timestamper=None,
             reason: str = "", location: str = "",
             fetch_revocation: bool = False) -> tuple[bytes, str]:
    """Sign with PAdES (ETSI.CAdES.detached). With a CRL: the chain and the CRL go into
    the DSS (B-LT); with a timestamper too: a document time stamp on top (B-LTA).
    ``fetch_revocation``: let pyHanko fetch the TSA's revocation data (a real TSA is on the
    network anyway). Returns (signed bytes, level)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import (
        DSSContentSettings,
        SigDSSPlacementPreference,
        TimestampDSSContentSettings,
    )
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    root = material.chain[-1] if material.chain else material.cert
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(material.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der(material.key)),
        cert_registry=SimpleCertificateStore.from_certs(
            [_asn1_cert(c) for c in material.chain]),
    )
    lt = bool(material.crls)
    lta = lt and timestamper is not None
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        embed_validation_info=lt,
        use_pades_lta=lta,
        validation_context=_validation_context(
            [root, *material.extra_roots], material.chain, material.crls,
            fetch=fetch_revocation) if lt else None,
        # The revocation data goes into the signed revision itself (and the time stamp's
        # before the time stamp), so the last revision is always covered by a signature:
        # no byte of the file is outside what some signature covers.
        dss_settings=DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False,
            next_ts_settings=TimestampDSSContentSettings(update_before_ts=True,
                                                         include_vri=False)),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    try:
        out = signers.sign_pdf(writer, meta, signer=signer,
                               timestamper=timestamper if lta else None)
    except Exception as exc:  # pyHanko raises many kinds; the reason is what matters
        causes, cause = [], exc
        while cause is not None and len(causes) < 3:
            causes.append(f"{type(cause).__name__}: {cause}")
            cause = cause.__cause__ or cause.__context__
        raise SignFailed(" ← ".join(causes)) from exc
    return out.getvalue(), (LEVEL_LTA if lta else LEVEL_LT if lt else LEVEL_B)


@dataclass
class PdfCheck:
    valid: bool
    reason: str = ""
    signer: str = ""
    signed_at: dt.datetime | None = None
    level: str = ""
    signer_fingerprint: str = ""


@_outside_event_loop
def validate_pdf(pdf: bytes, *, roots: list[x509.Certificate],
                 crls: list[bytes] = ()) -> PdfCheck:
    """The first signature of the PDF with pyHanko, offline: intact, valid, trusted against
    ``roots``, covering the whole document except later DSS/time stamp updates."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_regular_signatures
    except Exception as exc:
        return PdfCheck(False, f"无法读取 PDF：{exc}")
    if not sigs:
        return PdfCheck(False, "PDF 中没有数字签名。")
    sig = sigs[0]
    try:
        # B-LT/LTA files carry their own revocation data in the DSS; validate at "now"
        # with it and with what the caller has (the CRL the app publishes).
        dss_crls = _dss_crls(reader)
        vc = _validation_context(roots, [], [*crls, *dss_crls])
        status = validate_pdf_signature(sig, vc)
    except Exception as exc:
        return PdfCheck(False, f"签名无法验证：{type(exc).__name__}: {exc}")
    signer = status.signing_cert.subject.native.get("common_name", "")
    when = status.signer_reported_dt or (status.timestamp_validity.timestamp
                                         if status.timestamp_validity else None)
    fp = hashlib.sha256(status.signing_cert.dump()).hexdigest()
    base = {"signer": signer, "signed_at": when, "signer_fingerprint": fp}
    if not status.intact:
        return PdfCheck(False, "文件内容与签名不符（签名后被改动）。", **base)
    if not status.valid:
        return PdfCheck(False, "签名值验证失败。", **base)
    if status.revoked:
        return PdfCheck(False, "签名证书已被吊销。", **base)
    if not status.trusted:
        summary = status.summary() if hasattr(status, "summary") else ""
        return PdfCheck(False, f"证书链不能追溯到受信任的根证书（{summary}）。", **base)
    if status.coverage.name not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
        return PdfCheck(False, "签名没有覆盖整个文件。", **base)
    if status.coverage.name == "ENTIRE_REVISION" and status.modification_level.name not in (
            "NONE", "LTA_UPDATES"):
        return PdfCheck(False, "签名之后文件被增补修改。", **base)
    # What follows the signature must be document time stamps, the last covering every
    # byte: an unsigned update at the end (even one pyHanko would call harmless) fails.
    last = reader.embedded_signatures[-1]
    if last.evaluate_signature_coverage().name != "ENTIRE_FILE":
        return PdfCheck(False, "文件末尾有未经签名的增补内容。", **base)
    for ts in reader.embedded_timestamp_signatures:
        try:
            ts_status = validate_pdf_timestamp(ts, vc)
        except Exception as exc:
            return PdfCheck(False, f"文档时间戳无法验证：{exc}", **base)
        if not (ts_status.intact and ts_status.valid and ts_status.trusted):
            return PdfCheck(False, "文档时间戳无效或不受信任。", **base)
    level = LEVEL_B
    if reader.embedded_timestamp_signatures:
        level = LEVEL_LTA
    elif dss_crls:
        level = LEVEL_LT
    return PdfCheck(True, "", level=level, **base)


def _dss_crls(reader) -> list[bytes]:
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # no DSS
        return []
    return [ref.get_object().data for ref in dss.crls]
