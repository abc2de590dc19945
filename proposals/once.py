"""Double-submit guard for forms that create records.

Each create form carries a random one-time token (forms.OnceTokenMixin). The view claims the
token in the same transaction as the service's write: a row in FormToken whose unique index
refuses a second claim. A double click or a browser retry is therefore processed once, and
two requests racing each other cannot both claim it (the second waits on the index until the
first commits). It holds with or without Redis: the claim used to live in the cache and let
everything through while the cache was down. If the service refuses the input, the
transaction rolls back and the token with it, so the corrected form can be sent again.
"""

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import FormToken

TOKEN_TTL = dt.timedelta(days=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _claim(token: str) -> bool:
    try:
        with transaction.atomic():  # a savepoint: a repeat leaves the outer block usable
            FormToken.objects.create(digest=_digest(token))
    except IntegrityError:
        return False
    return True


@contextmanager
def guard(token: str) -> Iterator[bool]:
    """Claim `token` for the block, which runs in one transaction with the claim; yields
    whether this is its first use. When the block raises (the service refused the input, or
    failed), everything rolls back, the claim included, and the exception goes on. An empty
    token (a form posted without one, e.g. by a script) is never treated as a repeat."""
    if not token:
        yield True
        return
    with transaction.atomic():
        yield _claim(token)


def purge(now: dt.datetime | None = None) -> int:
    """Forget claims older than a day (a form is not resent after that); the daily scan
    calls it."""
    cutoff = (now or timezone.now()) - TOKEN_TTL
    deleted, _per_model = FormToken.objects.filter(claimed_at__lt=cutoff).delete()
    return deleted
