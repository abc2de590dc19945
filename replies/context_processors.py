from django.http import HttpRequest

from proposals.models import Membership

from .selectors import replies_awaiting_signature_of


def signature_queue(request: HttpRequest) -> dict:
    """For signers, the number of replies waiting for them (shown in the top bar)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not Membership.objects.filter(user=user, role=Membership.Role.SIGNER).exists():
        return {}
    return {"signature_queue_count": replies_awaiting_signature_of(user).count()}
