"""Double-submit guard for forms that create records.

Each create form carries a random one-time token (forms.OnceTokenMixin). The view claims
the token right before calling the service; a second POST with the same token (a double
click, a browser retry) is not processed again. `cache.add` is atomic, so two requests
racing each other cannot both claim it (use a shared cache such as Redis when running
several processes; see CACHES in config/settings/base.py). If the service then refuses the
input, the token is released so the corrected form can be sent again.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

TOKEN_TTL_SECONDS = 24 * 3600


def _key(token: str) -> str:
    return f"proposals:form-token:{token}"


def claim(token: str) -> bool:
    """True the first time a token is seen; False for a repeat. An empty token (a form
    posted without one, e.g. by a script) is never treated as a repeat."""
    if not token:
        return True
    return cache.add(_key(token), 1, TOKEN_TTL_SECONDS)


def release(token: str) -> None:
    if token:
        cache.delete(_key(token))


@contextmanager
def guard(token: str) -> Iterator[bool]:
    """Claim `token` for the block; yields whether this is its first use. When the block
    raises (the service refused the input, or failed), the token is released and the
    exception goes on, so the corrected form can be sent again."""
    fresh = claim(token)
    try:
        yield fresh
    except BaseException:
        if fresh:
            release(token)
        raise
