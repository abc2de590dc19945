"""Certificates for the record copy: the committee CA, unit certificates (issued or
imported), revocation and the CRL. Private keys are stored only encrypted, like the
Ed25519 unit keys (replies.signing.encrypt_blob)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from proposals.models import Committee, Unit

from .. import pades, signing
from ..models import CommitteeCA, UnitCertificate

logger = logging.getLogger(__name__)


def _ca_aad(committee_id: int, fingerprint: str) -> bytes:
    return f"committee:{committee_id}:ca:{fingerprint}".encode()


def _unit_aad(unit_id: int, fingerprint: str) -> bytes:
    return f"unit:{unit_id}:cert:{fingerprint}".encode()


@transaction.atomic
def committee_ca_create(*, committee: Committee) -> CommitteeCA:
    """A new active CA for the committee; the previous one is retired (kept for verifying).
    Unit certificates it issued stay valid until they are replaced."""
    CommitteeCA.objects.select_for_update().filter(committee=committee, active=True).update(
        active=False)
    key, cert = pades.make_ca(committee.name, now=timezone.now())
    fp = pades.fingerprint(cert)
    ca = CommitteeCA(
        committee=committee, certificate_pem=pades.cert_pem(cert), fingerprint=fp,
        encrypted_private_key=signing.encrypt_blob(
            pades.key_der(key), aad=_ca_aad(committee.pk, fp)),
    )
    ca.save()
    UnitCertificate.objects.filter(unit__committee=committee, active=True,
                                   ca__isnull=False).update(active=False)
    return ca


def ca_for(committee: Committee, *, create: bool = False) -> CommitteeCA | None:
    ca = CommitteeCA.objects.filter(committee=committee, active=True).first()
    if ca is None and create:
        logger.info("creating the certificate authority of %s on first need", committee)
        ca = committee_ca_create(committee=committee)
    return ca


def ca_key(ca: CommitteeCA):
    return pades.load_key(signing.decrypt_blob(
        ca.encrypted_private_key, aad=_ca_aad(ca.committee_id, ca.fingerprint)))


def crl_url(ca: CommitteeCA) -> str:
    return settings.SITE_URL + reverse("committee_crl", args=[ca.pk])


def crl_der(ca: CommitteeCA) -> bytes:
    """The CA's current CRL: every certificate it issued that was revoked."""
    revoked = [(int(c.serial, 16), c.revoked_at)
               for c in ca.issued.filter(revoked_at__isnull=False)]
    return pades.make_crl(ca_key=ca_key(ca), ca_cert=pades.load_cert(ca.certificate_pem),
                          number=ca.crl_number + 1, revoked=revoked, now=timezone.now())


@transaction.atomic
def unit_certificate_issue(*, unit: Unit) -> UnitCertificate:
    """A new certificate for the unit from its committee's CA (made if there is none)."""
    ca = ca_for(unit.committee, create=True)
    UnitCertificate.objects.select_for_update().filter(unit=unit, active=True).update(
        active=False)
    key, cert = pades.issue_unit_cert(
        ca_key=ca_key(ca), ca_cert=pades.load_cert(ca.certificate_pem), unit_name=unit.name,
        committee_name=unit.committee.name, crl_url=crl_url(ca), now=timezone.now())
    return _store(unit=unit, ca=ca, key=key, cert=cert, chain=[])


@transaction.atomic
def unit_certificate_import(*, unit: Unit, pkcs12: bytes,
                            password: bytes | None) -> UnitCertificate:
    """A unit's certificate from a real CA, with its key and chain, from a PKCS#12 file."""
    contents = pades.read_pkcs12(pkcs12, password)
    UnitCertificate.objects.select_for_update().filter(unit=unit, active=True).update(
        active=False)
    return _store(unit=unit, ca=None, key=contents.key, cert=contents.cert,
                  chain=contents.chain)


def _store(*, unit, ca, key, cert, chain) -> UnitCertificate:
    fp = pades.fingerprint(cert)
    row = UnitCertificate(
        unit=unit, ca=ca, certificate_pem=pades.cert_pem(cert),
        chain_pem="".join(pades.cert_pem(c) for c in chain),
        serial=format(cert.serial_number, "x"), fingerprint=fp,
        encrypted_private_key=signing.encrypt_blob(pades.key_der(key),
                                                   aad=_unit_aad(unit.pk, fp)),
        not_after=cert.not_valid_after_utc,
    )
    row.full_clean(exclude=["encrypted_private_key"])
    row.save()
    return row


def certificate_for(unit: Unit, *, create: bool = True) -> UnitCertificate | None:
    cert = UnitCertificate.objects.filter(unit=unit, active=True).select_related("ca").first()
    if cert is None and create:
        cert = unit_certificate_issue(unit=unit)
    return cert


@transaction.atomic
def unit_certificate_revoke(*, certificate: UnitCertificate) -> UnitCertificate:
    """Revoke: the certificate signs nothing more, the CA's CRL lists it, and the unit gets
    a new certificate on its next need."""
    cert = UnitCertificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.revoked_at is None:
        cert.revoked_at = timezone.now()
        cert.active = False
        cert.save(update_fields=["revoked_at", "active"])
        if cert.ca_id:
            CommitteeCA.objects.filter(pk=cert.ca_id).update(
                crl_number=F("crl_number") + 1)
    return cert


def trust_roots(cert: UnitCertificate) -> list:
    """The certificates a reader must trust for this unit certificate: the CA's root, or
    the imported chain's last certificate."""
    if cert.ca_id:
        return [pades.load_cert(cert.ca.certificate_pem)]
    chain = pades.load_certs(cert.chain_pem)
    return chain[-1:] if chain else [pades.load_cert(cert.certificate_pem)]


def signing_material(cert: UnitCertificate) -> pades.SigningMaterial:
    """Key, certificate, chain and the revocation data B-LT embeds (the committee CA's own
    CRL; an imported certificate from a real CA gets B-B unless its CRL is supplied)."""
    key = pades.load_key(signing.decrypt_blob(
        cert.encrypted_private_key, aad=_unit_aad(cert.unit_id, cert.fingerprint)))
    if cert.ca_id:
        chain = [pades.load_cert(cert.ca.certificate_pem)]
        crls = [crl_der(cert.ca)]
    else:
        chain = pades.load_certs(cert.chain_pem)
        crls = []
    return pades.SigningMaterial(key=key, cert=pades.load_cert(cert.certificate_pem),
                                 chain=chain, crls=crls)
