"""Drafting checks (placeholder)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    rule_id: str
    place: str
    message: str
    severity: str


def check_letter(spec, *, session_name=None, proposal_number=None):
    return []
