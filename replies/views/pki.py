"""The committee CA's public files, without login: its CRL (named in every unit certificate
it issues, so B-LT has revocation data) and its root certificate."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from ..models import CommitteeCA
from ..services import certificates


@require_GET
def committee_crl(request: HttpRequest, pk: int) -> HttpResponse:
    ca = get_object_or_404(CommitteeCA, pk=pk)
    response = HttpResponse(certificates.crl_der(ca), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def committee_ca_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    ca = get_object_or_404(CommitteeCA, pk=pk)
    response = HttpResponse(ca.certificate_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="committee-ca-{pk}.pem"'
    return response
