from django.http import HttpRequest

from proposals.access import is_signer

from .access import replies_awaiting_signature_of


def signature_queue(request: HttpRequest) -> dict:
    """For signers, the number of replies waiting for them (shown in the top bar)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not is_signer(user):
        return {}
    return {"signature_queue_count": replies_awaiting_signature_of(user).count()}
