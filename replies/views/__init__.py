"""Reply pages: compose (lead unit handler), review and sign-off (signer), the proposer's
feedback page (no account), and the replies part of the proposal pages.
Permission checks live in _access.py (built on replies.selectors and proposals' helpers)."""

from .proposal import replies_context

__all__ = ["replies_context"]
