"""A proposal's timeline, built from the django-simple-history records of the proposal and
everything hanging from it: who did what, when.

Other apps add their records by appending a source to SOURCES (e.g. replies adds
`lambda proposal, user: HistoricalReply.objects.filter(...)`) — a source returns history
rows; the timeline describes and sorts them.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from . import selectors
from .models import (
    Assignment,
    ContactRecord,
    ExtensionRequest,
    Proposal,
    ReassignmentRequest,
    Section,
)

# Fields not worth showing as "changed".
_QUIET_FIELDS = {
    "version", "updated_at", "paragraphs", "heading", "order", "author",
    # timestamps that move with a state change: the state says it already
    "submitted_at", "decided_at", "decided_by", "accepted_at", "answered_at", "closed_at",
    "completed_at", "done_at",
}
_STATE_FIELDS = ("status", "state")


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    who: str
    what: str
    subject: str
    detail: str = ""
    order: int = 0  # history id: keeps saves made in the same instant in order


Source = Callable[[Proposal, object], Iterable]


def _proposal_rows(proposal: Proposal, user) -> QuerySet:
    return proposal.history.all()


def _assignment_rows(proposal: Proposal, user) -> QuerySet:
    return Assignment.history.filter(proposal_id=proposal.pk)


def _section_rows(proposal: Proposal, user) -> QuerySet:
    # Only sections the viewer may see; and a draft's edits are the unit's own business.
    visible = selectors.sections_visible_to(user).filter(assignment__proposal=proposal)
    return Section.history.filter(id__in=visible.values("pk")).exclude(state="draft")


def _contact_rows(proposal: Proposal, user) -> QuerySet:
    return ContactRecord.history.filter(assignment__proposal_id=proposal.pk)


def _extension_rows(proposal: Proposal, user) -> QuerySet:
    return ExtensionRequest.history.filter(assignment__proposal_id=proposal.pk)


def _reassignment_rows(proposal: Proposal, user) -> QuerySet:
    return ReassignmentRequest.history.filter(assignment__proposal_id=proposal.pk)


SOURCES: list[Source] = [
    _proposal_rows,
    _assignment_rows,
    _section_rows,
    _contact_rows,
    _extension_rows,
    _reassignment_rows,
]

_VERBS = {"+": "新建", "~": "修改", "-": "删除"}


def _label(record, field: str, value) -> str:
    model_field = record.instance._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.choices).get(value, value))
    return "" if value is None else str(value)


def _previous(record):
    """The record before this one. simple_history's prev_record compares dates only, and
    several saves in one transaction share a timestamp; the history id breaks the tie."""
    rows = type(record).objects.filter(id=record.id)
    earlier = Q(history_date__lt=record.history_date) | Q(
        history_date=record.history_date, history_id__lt=record.history_id
    )
    return rows.filter(earlier).order_by("-history_date", "-history_id").first()


def _describe(record) -> Entry:
    model = record.instance_type
    meta = model._meta
    instance = record.instance
    what = f"{_VERBS.get(record.history_type, '')}{meta.verbose_name}"
    detail = ""
    prev = _previous(record) if record.history_type == "~" else None
    if prev is not None:
        delta = record.diff_against(prev)
        changed = [c for c in delta.changes if c.field not in _QUIET_FIELDS]
        parts = []
        for change in changed:
            name = meta.get_field(change.field).verbose_name
            if change.field in _STATE_FIELDS:
                what = f"{meta.verbose_name}：{_label(record, change.field, change.new)}"
                parts.append(
                    f"{name}：{_label(record, change.field, change.old)} → "
                    f"{_label(record, change.field, change.new)}"
                )
            elif change.field in ("due_on", "decision_note", "return_reason", "merged_into"):
                parts.append(f"{name}：{_label(record, change.field, change.new)}")
            else:
                parts.append(str(name))
        if not parts:
            what = f"保存{meta.verbose_name}"
        detail = "；".join(parts)
    elif record.history_type == "+":
        detail = _created_detail(instance)
    user = record.history_user
    who = (user.get_full_name() or user.username) if user else "系统"
    return Entry(
        at=record.history_date,
        who=who,
        what=what,
        subject=_subject(instance),
        detail=detail,
        order=record.history_id,
    )


def _subject(instance) -> str:
    if isinstance(instance, Proposal):
        return instance.display_number
    if isinstance(instance, Assignment):
        return f"{instance.unit}（{instance.get_role_display()}）"
    assignment = getattr(instance, "assignment", None)
    return str(assignment.unit) if assignment is not None else str(instance)


def _created_detail(instance) -> str:
    if isinstance(instance, Assignment):
        return f"期限 {instance.due_on:%Y-%m-%d}"
    if isinstance(instance, ContactRecord):
        return f"{instance.get_method_display()}：{instance.summary[:60]}"
    if isinstance(instance, ExtensionRequest):
        return f"申请延至 {instance.requested_due_on:%Y-%m-%d}：{instance.reason[:60]}"
    if isinstance(instance, ReassignmentRequest):
        return instance.reason[:60]
    return ""


def proposal_timeline(proposal: Proposal, user) -> list[Entry]:
    """Newest first."""
    entries = [_describe(row) for source in SOURCES for row in source(proposal, user)]
    return sorted(entries, key=lambda e: (e.at, e.order), reverse=True)
