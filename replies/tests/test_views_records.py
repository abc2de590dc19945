"""The record copy on the reply page (state, verification, download), the dossier .zip for
the committee's clerks, and the CA's public CRL. The requests run as the application's
database role on PostgreSQL (behind the committees' wall, rls/)."""

import io
import zipfile

import pytest
from cryptography import x509
from django.urls import reverse

from proposals.tests.factories import CommitteeRoleFactory, UnitFactory, UserFactory
from replies.models import RecordCopy, UnitCertificate
from replies.services import certificates

from .record_copy_fixtures import sign_reply
from .reply_fixtures import make_case

pytestmark = pytest.mark.django_db


def _url(reply, name):
    return reverse(f"replies:{name}", args=[reply.pk])


@pytest.fixture
def signed(fast_convert, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return sign_reply(make_case())


def test_the_reply_page_shows_a_pending_copy(client):
    reply = sign_reply()
    client.force_login(reply.signer)
    html = client.get(_url(reply, "detail")).content.decode()
    assert "生成中" in html and _url(reply, "record_pdf") not in html


def test_the_reply_page_shows_a_failure_and_the_retry(client):
    reply = sign_reply()
    RecordCopy.objects.filter(reply=reply).update(state="failed", reason="LibreOffice 不在")
    client.force_login(reply.signer)
    html = client.get(_url(reply, "detail")).content.decode()
    assert "失败：LibreOffice 不在，将自动重试" in html


def test_the_reply_page_shows_the_verification_and_the_download(
    client, signed, requests_as_app_role
):
    client.force_login(signed.signer)
    html = client.get(_url(signed, "detail")).content.decode()
    assert "可下载" in html and "验证通过" in html and "B-LT" in html
    assert _url(signed, "dossier_zip") not in html  # the unit's signer is not a clerk
    response = client.get(_url(signed, "record_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.")


def test_another_units_person_gets_no_record_copy(client, signed, requests_as_app_role):
    outsider = UserFactory()
    from proposals.tests.factories import MembershipFactory

    MembershipFactory(user=outsider, unit=UnitFactory(committee=signed.unit.committee))
    client.force_login(outsider)
    assert client.get(_url(signed, "record_pdf")).status_code in (403, 404)
    assert client.get(_url(signed, "dossier_zip")).status_code in (403, 404)


def test_a_clerk_downloads_the_dossier_zip(client, signed, requests_as_app_role):
    clerk = UserFactory()
    CommitteeRoleFactory(user=clerk, committee=signed.proposal.session.committee)
    client.force_login(clerk)
    page = client.get(reverse("proposals:proposal_detail", args=[signed.proposal.pk]))
    page = page.content.decode()
    assert _url(signed, "dossier_zip") in page
    response = client.get(_url(signed, "dossier_zip"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    number = signed.doc_number
    assert sorted(archive.namelist()) == sorted(
        f"{number}/{n}" for n in (f"{number}.pdf", f"{number}.docx", "trust-root.pem",
                                  "manifest.json"))


def test_a_signer_is_not_a_clerk_for_the_dossier(client, signed):
    client.force_login(signed.signer)
    assert client.get(_url(signed, "dossier_zip")).status_code == 403


def test_the_crl_is_public_and_lists_revoked_certificates(client, signed, requests_as_app_role):
    cert = UnitCertificate.objects.get(unit=signed.unit)
    certificates.unit_certificate_revoke(certificate=cert)
    response = client.get(reverse("committee_crl", args=[cert.ca_id]))  # not logged in
    assert response.status_code == 200
    crl = x509.load_der_x509_crl(response.content)
    assert crl.get_revoked_certificate_by_serial_number(int(cert.serial, 16)) is not None
    # The unit certificate names this URL as its CRL distribution point.
    issued = x509.load_pem_x509_certificate(cert.certificate_pem.encode())
    point = issued.extensions.get_extension_for_class(x509.CRLDistributionPoints).value[0]
    assert point.full_name[0].value.endswith(reverse("committee_crl", args=[cert.ca_id]))
