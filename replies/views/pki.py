"""The committee CA's public files, without login: its CRL (named in every unit certificate
it issues, so B-LT has revocation data) and its root certificate."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from rls.middleware import scope_from_view_kwargs
from rls.scope import Scope, row_committee

from ..models import CommitteeCA
from ..services import certificates


def _ca_scope(view_kwargs: dict) -> Scope | None:
    """No one is logged in: the page runs as the committee of the CA it names (on
    PostgreSQL, where the CA's row is behind the committees' wall)."""
    committee_id = row_committee("replies_committeeca", view_kwargs["pk"])
    return Scope(committee_id) if committee_id is not None else None


@scope_from_view_kwargs(_ca_scope)
@require_GET
def committee_crl(request: HttpRequest, pk: int) -> HttpResponse:
    ca = get_object_or_404(CommitteeCA, pk=pk)
    response = HttpResponse(certificates.crl_der(ca), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@scope_from_view_kwargs(_ca_scope)
@require_GET
def committee_ca_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    ca = get_object_or_404(CommitteeCA, pk=pk)
    response = HttpResponse(ca.certificate_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="committee-ca-{pk}.pem"'
    return response
