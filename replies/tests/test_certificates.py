"""Certificates for the record copy: the committee CA (command), unit certificates issued
on first need or imported from a PKCS#12, keys encrypted at rest, revocation (admin)."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command
from django.urls import reverse

from proposals.tests.factories import UnitFactory, UserFactory
from replies import pades
from replies.models import CommitteeCA, UnitCertificate
from replies.services import certificates

pytestmark = pytest.mark.django_db


def test_the_command_creates_one_ca_per_committee(tmp_path):
    unit = UnitFactory()
    pem = tmp_path / "root.pem"
    call_command("create_committee_ca", "--committee", str(unit.committee_id), "--pem",
                 str(pem))
    call_command("create_committee_ca", "--committee", str(unit.committee_id))  # kept
    ca = CommitteeCA.objects.get(committee=unit.committee)
    assert pades.load_cert(pem.read_bytes()).fingerprint  # a PEM a reader can trust
    assert pades.fingerprint(pades.load_cert(ca.certificate_pem)) == ca.fingerprint
    call_command("create_committee_ca", "--committee", str(unit.committee_id), "--replace")
    assert CommitteeCA.objects.filter(committee=unit.committee).count() == 2
    assert CommitteeCA.objects.filter(committee=unit.committee, active=True).count() == 1


def test_a_unit_certificate_is_rsa_3072_issued_by_the_committee_ca():
    unit = UnitFactory(name="连云港市市场监督管理局")
    cert = certificates.certificate_for(unit)
    issued = pades.load_cert(cert.certificate_pem)
    assert issued.public_key().key_size == 3072
    assert issued.issuer == pades.load_cert(cert.ca.certificate_pem).subject
    assert cert.ca.committee == unit.committee
    assert certificates.certificate_for(unit) == cert  # the same one next time


def test_keys_are_stored_only_encrypted_and_bound_to_their_row():
    unit, other = UnitFactory(), UnitFactory()
    cert = certificates.certificate_for(unit)
    material = certificates.signing_material(cert)
    der = pades.key_der(material.key)
    assert der not in bytes(cert.encrypted_private_key)
    # Copied onto another unit's row, the key does not decrypt.
    stolen = certificates.certificate_for(other)
    stolen.encrypted_private_key = cert.encrypted_private_key
    from replies.signing import SigningError

    with pytest.raises(SigningError):
        certificates.signing_material(stolen)


def test_a_pkcs12_from_a_real_ca_is_imported(tmp_path, monkeypatch):
    now = dt.datetime.now(dt.UTC)
    root_key, root = pades.make_ca("某电子认证服务机构", now=now)
    key, cert = pades.issue_unit_cert(ca_key=root_key, ca_cert=root, unit_name="市司法局",
                                      committee_name="某电子认证服务机构",
                                      crl_url="http://ca.example/crl", now=now)
    path = tmp_path / "unit.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"unit", key, cert, [root], serialization.BestAvailableEncryption(b"secret")))
    unit = UnitFactory()
    monkeypatch.setenv("PKCS12_PASSWORD", "secret")
    call_command("import_unit_pkcs12", str(unit.pk), str(path))
    row = certificates.certificate_for(unit, create=False)
    assert row.imported and row.fingerprint == pades.fingerprint(cert)
    assert [c.subject for c in certificates.trust_roots(row)] == [root.subject]


def test_an_admin_revokes_a_certificate(client):
    unit = UnitFactory()
    cert = certificates.certificate_for(unit)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(reverse("admin:replies_unitcertificate_changelist"),
                           {"action": "revoke", "_selected_action": [cert.pk]})
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.revoked_at is not None and not cert.active
    assert CommitteeCA.objects.get(pk=cert.ca_id).crl_number == 1
    assert certificates.certificate_for(unit) != cert  # a new one on next need
    assert UnitCertificate.objects.filter(unit=unit, active=True).count() == 1
