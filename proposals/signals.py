"""Signals of the proposal domain, for the apps built on it (proposals imports none of them).

assignment_withdrawn: sent inside the transaction that withdraws an assignment (撤回, e.g. a
reassignment request approved), with `assignment` and `actor`; what hangs from the
assignment in another app (a 会签 request of replies) is withdrawn with it, or nothing is.
"""

from django.dispatch import Signal

assignment_withdrawn = Signal()
