"""A proposal's timeline, built from the django-simple-history records of the proposal and
everything hanging from it: who did what, when.

Other apps add their records by appending a source to SOURCES (e.g. replies adds
`lambda proposal, user: HistoricalReply.objects.filter(...)`) — a source returns history
rows; the timeline describes and sorts them.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet

from . import access
from .models import (
    Assignment,
    ContactRecord,
    ExtensionRequest,
    Proposal,
    ReassignmentRequest,
    Section,
    SupervisionRecord,
)

# What a clerk reads on the timeline is what happened, in words: which state, which date,
# which reason. Fields are sorted into three kinds:
# - HIDDEN: bookkeeping a clerk does not read (timestamps that move with a state change,
#   the entry's own time says it; who-fields, the entry says who; editing counters). A
#   save that changed only these is left off. Other apps add theirs (replies: what a
#   signature is made of).
# - QUIET: content whose change is worth an entry ("保存协办意见") but not a list of fields.
# - VALUE_FIELDS: shown with their new value ("办理期限：2025-04-28 → 2025-05-20").
# Any other changed field is named ("案由；提案内容").
HIDDEN_FIELDS = {
    "version", "updated_at", "order", "author", "session",
    "registered_at", "accepted_at", "assigned_at", "answered_at", "closed_at",
    "submitted_at", "decided_at", "completed_at", "done_at", "recorded_at", "requested_at",
    "created_by", "assigned_by", "recorded_by", "requested_by", "decided_by",
    "new_assignment",  # said in words when a reassignment is approved (STATE_DETAILS)
}
QUIET_FIELDS = {"paragraphs", "heading"}
VALUE_FIELDS = {
    "due_on", "assigned_on", "decision_note", "return_reason", "merged_into",
    "requested_due_on",
    "is_key", "supervising_leader", "supervising_leader_title", "supervising_unit",
    "key_unmark_reason",
}
# Fields whose old value is worth showing next to the new one.
_FROM_TO_FIELDS = {"due_on"}
_STATE_FIELDS = ("status", "state")
# What moving into a state adds, in words: (model, state) -> instance -> ["名称：值", ...].
StateDetail = Callable[[object], list[str]]
STATE_DETAILS: dict[tuple[type, str], StateDetail] = {}
# A state's name where the move into it has a better one (草稿 again: 退回修改).
STATE_NAMES: dict[tuple[type, str], str] = {}
# What a new record is called and says: model -> verb, model -> instance -> detail.
CREATED_VERBS: dict[type, str] = {}
CREATED_DETAILS: dict[type, Callable[[object], str]] = {}


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
    visible = access.sections_visible_to(user).filter(assignment__proposal=proposal)
    return Section.history.filter(id__in=visible.values("pk")).exclude(state="draft")


def _contact_rows(proposal: Proposal, user) -> QuerySet:
    return ContactRecord.history.filter(assignment__proposal_id=proposal.pk)


def _extension_rows(proposal: Proposal, user) -> QuerySet:
    return ExtensionRequest.history.filter(assignment__proposal_id=proposal.pk)


def _reassignment_rows(proposal: Proposal, user) -> QuerySet:
    return ReassignmentRequest.history.filter(assignment__proposal_id=proposal.pk)


def _supervision_rows(proposal: Proposal, user) -> QuerySet:
    return SupervisionRecord.history.filter(proposal_id=proposal.pk)


SOURCES: list[Source] = [
    _proposal_rows,
    _assignment_rows,
    _section_rows,
    _contact_rows,
    _extension_rows,
    _reassignment_rows,
    _supervision_rows,
]

_VERBS = {"+": "新建", "~": "修改", "-": "删除"}


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, models.Model):
        return str(getattr(value, "display_number", None) or value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _label(record, field: str, value) -> str:
    model_field = record.instance._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.choices).get(value, value))
    if (model_field.many_to_one or model_field.one_to_one) and value is not None:
        # The history row holds the key; say what it points to (并入提案：第44137号).
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return _display(related) if related is not None else ""
    return _display(value)


def previous_record(record):
    """The record before this one. simple_history's prev_record compares dates only, and
    several saves in one transaction share a timestamp; the history id breaks the tie."""
    rows = type(record).objects.filter(id=record.id)
    earlier = Q(history_date__lt=record.history_date) | Q(
        history_date=record.history_date, history_id__lt=record.history_id
    )
    return rows.filter(earlier).order_by("-history_date", "-history_id").first()


def _changes(record, prev) -> tuple[str, list[str], bool]:
    """(what, detail parts, anything a clerk reads changed) of a save against the one
    before."""
    meta = record.instance_type._meta
    what = f"{_VERBS['~']}{meta.verbose_name}"
    state_parts, parts = [], []
    readable = False
    for change in record.diff_against(prev).changes:
        field = change.field
        if field in HIDDEN_FIELDS:
            continue
        readable = True
        if field in QUIET_FIELDS:
            continue
        name = meta.get_field(field).verbose_name
        if field not in (*_STATE_FIELDS, *VALUE_FIELDS):
            parts.append(str(name))  # named, not quoted: a list of 附议人, a whole text
            continue
        new = _label(record, field, change.new)
        if field in _STATE_FIELDS:
            key = (record.instance_type, change.new)
            what = f"{meta.verbose_name}：{STATE_NAMES.get(key, new)}"
            state_parts.append(f"{name}：{_label(record, field, change.old)} → {new}")
            detail = STATE_DETAILS.get(key)
            if detail is not None:
                state_parts.extend(detail(record.instance))
        elif field in _FROM_TO_FIELDS and change.old is not None:
            parts.append(f"{name}：{_label(record, field, change.old)} → {new}")
        elif new:  # a reason cleared on the next step is no news
            parts.append(f"{name}：{new}")
    parts = state_parts + parts
    if readable and not parts:
        what = f"保存{meta.verbose_name}"
    return what, parts, readable


def _describe(record) -> Entry | None:
    model = record.instance_type
    meta = model._meta
    instance = record.instance
    what = f"{_VERBS.get(record.history_type, '')}{meta.verbose_name}"
    detail = ""
    prev = previous_record(record) if record.history_type == "~" else None
    if prev is not None:
        what, parts, readable = _changes(record, prev)
        if not readable:
            return None  # only bookkeeping moved
        detail = "；".join(parts)
    elif record.history_type == "+":
        what = CREATED_VERBS.get(model, what)
        describe = CREATED_DETAILS.get(model)
        detail = describe(instance) if describe is not None else ""
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
    for path in ("assignment", "reply"):  # a unit's record, or one about its reply
        owner = getattr(instance, path, None)
        if owner is not None:
            return str(owner.unit)
    return str(instance)


def _reassigned_to(request: ReassignmentRequest) -> list[str]:
    new = request.new_assignment
    return [f"改由{new.unit}承办"] if new is not None else []


CREATED_VERBS.update({
    Proposal: "登记提案",
    Assignment: "交办",
    ContactRecord: "记录沟通协商",
    ExtensionRequest: "申请延期",
    ReassignmentRequest: "申请调整",
    SupervisionRecord: "记录督办",
})
CREATED_DETAILS.update({
    Assignment: lambda a: f"办理期限：{a.due_on:%Y-%m-%d}",
    ContactRecord: lambda c: f"{c.get_method_display()}：{c.summary[:60]}",
    SupervisionRecord: lambda r: f"{r.get_kind_display()}（{r.participants}）：{r.text[:60]}",
    ExtensionRequest: lambda r: f"申请延至 {r.requested_due_on:%Y-%m-%d}：{r.reason[:60]}",
    ReassignmentRequest: lambda r: (
        f"建议改由{r.suggested_unit}承办：" if r.suggested_unit_id else ""
    ) + r.reason[:60],
})
STATE_DETAILS[(ReassignmentRequest, ReassignmentRequest.State.APPROVED)] = _reassigned_to


def proposal_timeline(proposal: Proposal, user) -> list[Entry]:
    """Newest first."""
    entries = [_describe(row) for source in SOURCES for row in source(proposal, user)]
    entries = [e for e in entries if e is not None]
    return sorted(entries, key=lambda e: (e.at, e.order), reverse=True)
