"""PAdES signing and validation of the record copy, offline: intact, valid and trusted
with the exported root; one changed byte breaks it; a revoked certificate is reported; a
time-stamping authority gives B-LTA (pyHanko's own test TSA, in process)."""

import datetime as dt
import io

import pikepdf
import pytest
from asn1crypto import keys as asn1_keys
from cryptography.x509.oid import NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from replies import pades

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def pki():
    ca_key, ca = pades.make_ca("连云港市政协", now=NOW)
    key, cert = pades.issue_unit_cert(
        ca_key=ca_key, ca_cert=ca, unit_name="连云港市市场监督管理局",
        committee_name="连云港市政协", crl_url="http://127.0.0.1/pki/ca/1.crl", now=NOW)
    return ca_key, ca, key, cert


@pytest.fixture(scope="module")
def clean(sample_pdfa):
    return pades.pdfa_clean(sample_pdfa)


def _crl(pki, revoked=()):
    ca_key, ca, _key, _cert = pki
    return pades.make_crl(ca_key=ca_key, ca_cert=ca, number=1, revoked=list(revoked), now=NOW)


def _material(pki, crls):
    _ca_key, ca, key, cert = pki
    return pades.SigningMaterial(key=key, cert=cert, chain=[ca], crls=crls)


def test_it_signs_b_lt_valid_and_trusted_offline(pki, clean):
    signed, level = pades.sign_pdf(clean, _material(pki, [_crl(pki)]))
    assert level == pades.LEVEL_LT
    check = pades.validate_pdf(signed, roots=[pki[1]])
    assert check.valid, check.reason
    assert check.level == pades.LEVEL_LT and check.signer == "连云港市市场监督管理局"
    with pikepdf.open(io.BytesIO(signed)) as pdf:
        assert "/DSS" in pdf.Root and len(pdf.Root.DSS.CRLs) == 1
        sig = next(f for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig").V
        assert sig.SubFilter == "/ETSI.CAdES.detached"
        assert pdf.pdf_version <= "1.7"


def test_without_a_crl_it_is_b_b(pki, clean):
    signed, level = pades.sign_pdf(clean, _material(pki, []))
    assert level == pades.LEVEL_B
    assert pades.validate_pdf(signed, roots=[pki[1]]).level == pades.LEVEL_B


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9, 0.999])
def test_one_changed_byte_anywhere_makes_it_invalid(pki, clean, where):
    signed, _level = pades.sign_pdf(clean, _material(pki, [_crl(pki)]))
    data = bytearray(signed)
    data[int(len(data) * where)] ^= 0x01
    assert not pades.validate_pdf(bytes(data), roots=[pki[1]]).valid


def test_another_root_does_not_trust_it(pki, clean):
    signed, _level = pades.sign_pdf(clean, _material(pki, [_crl(pki)]))
    _other_key, other = pades.make_ca("另一个政协", now=NOW)
    check = pades.validate_pdf(signed, roots=[other])
    assert not check.valid and "根证书" in check.reason


def test_a_certificate_revoked_before_signing_is_reported(pki, clean):
    revoked = _crl(pki, [(pki[3].serial_number, NOW - dt.timedelta(minutes=1))])
    # Signing refuses when the CRL it would embed lists the certificate...
    with pytest.raises(pades.SignFailed, match="revoked"):
        pades.sign_pdf(clean, _material(pki, [revoked]))
    # ... and a file signed without revocation data is reported against the CRL.
    signed, _level = pades.sign_pdf(clean, _material(pki, []))
    check = pades.validate_pdf(signed, roots=[pki[1]], crls=[revoked])
    assert not check.valid and "吊销" in check.reason


def test_a_time_stamping_authority_gives_b_lta(pki, clean):
    tsa_root_key, tsa_root = pades.make_ca("测试时间戳机构", now=NOW)
    tsa_key, tsa_cert = _tsa_cert(tsa_root_key, tsa_root)
    timestamper = DummyTimeStamper(
        tsa_cert=pades._asn1_cert(tsa_cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(pades.key_der(tsa_key)),
        certs_to_embed=[pades._asn1_cert(tsa_root)])
    material = _material(pki, [_crl(pki)])
    material.crls.append(pades.make_crl(ca_key=tsa_root_key, ca_cert=tsa_root, number=1,
                                        revoked=[], now=NOW))
    material.extra_roots = [tsa_root]
    signed, level = pades.sign_pdf(clean, material, timestamper=timestamper)
    assert level == pades.LEVEL_LTA
    check = pades.validate_pdf(signed, roots=[pki[1], tsa_root])
    assert check.valid, check.reason
    assert check.level == pades.LEVEL_LTA


def _tsa_cert(root_key, root):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = pades.new_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试 TSA")]))
        .issuer_name(root.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                       critical=True)
        .sign(root_key, hashes.SHA256())
    )
    return key, cert


def test_long_chinese_names_fit_in_a_certificate():
    committee = "中国人民政治协商会议连云港市委员会提案委员会"  # 66 bytes in UTF-8
    ca_key, ca = pades.make_ca(committee, now=NOW)
    _key, cert = pades.issue_unit_cert(
        ca_key=ca_key, ca_cert=ca, unit_name="连云港市住房和城乡建设局连云港市人民防空办公室",
        committee_name=committee, crl_url="http://127.0.0.1/crl", now=NOW)
    common_name = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert common_name.startswith("连云港市住房和城乡建设局") and len(common_name.encode()) <= 64


def test_it_signs_and_validates_inside_a_running_event_loop(pki, clean):
    """pyHanko calls asyncio.run(): inside a running loop (an ASGI worker, or the browser
    tests' Playwright loop earlier in the same test session) it refused to start."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside():
        signed, _level = pades.sign_pdf(clean, _material(pki, [_crl(pki)]))
        return pades.validate_pdf(signed, roots=[pki[1]])

    # A thread of its own, so that this loop is the only one whatever else runs in the test
    # process's main thread (Playwright keeps one running there).
    with ThreadPoolExecutor(max_workers=1) as pool:
        check = pool.submit(asyncio.run, inside()).result()
    assert check.valid, check.reason


def test_a_file_left_open_elsewhere_does_not_fail_the_pdfa_check(clean, tmp_path, monkeypatch):
    """pikepdf records any warning raised while it parses a content stream; a
    ResourceWarning the collector emits then for a file other code left open (a test's
    ``signed_file.read()``, in CI) must not count as a PDF/A finding. Here the collector
    runs in the middle of each parse, as it may whenever it is on."""
    import gc

    from pikepdf.pdfa import _content

    path = tmp_path / "left-open.docx"
    path.write_bytes(b"x")

    class Cycle:
        pass

    class CollectingChecker:
        def __init__(self, inner):
            self.inner = inner

        def check(self, stream):
            a, b = Cycle(), Cycle()
            a.other, b.other, a.fh = b, a, open(path, "rb")  # noqa: SIM115 - left open on purpose
            del a, b
            if gc.isenabled():
                gc.collect()
            return self.inner.check(stream)

    original = _content.content_checker
    monkeypatch.setattr(_content, "content_checker",
                        lambda limits: CollectingChecker(original(limits)))
    assert pades.pdfa_findings(clean) == []
    assert pades.pdfa_clean(clean)
