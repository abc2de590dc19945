"""The replies part of a proposal's pages (clerk's proposal page, unit's assignment page)."""

from __future__ import annotations

from proposals import access as proposal_access
from proposals.models import Assignment, Proposal

from .. import access, selectors
from ..models import Feedback, RecordCopy


def replies_context(user, proposal: Proposal, assignment: Assignment | None = None) -> dict:
    """What the person may see of the proposal's replies and feedback, and what they may do
    from here: start or continue the reply of their answering assignment, review it."""
    replies = list(
        selectors.replies_of_proposal(proposal=proposal, user=user).select_related(
            "unit", "signer"
        )
    )
    member_units = set(proposal_access.units_of(user).values_list("pk", flat=True))
    feedback = {f.reply_id: f for f in Feedback.objects.filter(reply__in=replies)}
    ready = set(RecordCopy.objects.filter(reply__in=replies, state=RecordCopy.State.READY)
                .values_list("reply_id", flat=True))
    can_archive = proposal_access.can_manage_proposal(user, proposal)
    publications = {
        p.reply_id: p for p in access.publications_managed_by(user).filter(reply__in=replies)
    } if can_archive else {}
    rows = []
    for r in replies:
        rows.append({
            "reply": r,
            "feedback": feedback.get(r.pk),
            "is_member": r.unit_id in member_units,
            "can_sign": r.state == "in_review" and access.can_sign(user, r),
            "record_ready": r.pk in ready,
            "can_archive": can_archive and r.pk in ready,
            "publication": publications.get(r.pk),
        })
    can_start = False
    current = None
    if assignment is not None and assignment.answers_proposer:
        current = selectors.reply_current(assignment=assignment)
        can_start = proposal_access.can_handle_assignment(user, assignment) and (
            current is None
        )
    return {
        "rows": rows,
        "assignment": assignment,
        "can_start": can_start,
        "current": current,
        "can_compose": bool(
            assignment is not None
            and current is not None
            and current.state == "draft"
            and proposal_access.can_handle_assignment(user, assignment)
        ),
    }


def proposal_panel(request, proposal: Proposal) -> dict | None:
    """The clerk's proposal page: replies and feedback (nothing while there are none)."""
    context = replies_context(request.user, proposal)
    return context if context["rows"] else None


def assignment_panel(request, assignment: Assignment) -> dict | None:
    """The unit's assignment page: the reply of an answering unit, with its buttons."""
    if not assignment.answers_proposer:
        return None
    return replies_context(request.user, assignment.proposal, assignment)


def home_countersign_panel(request, user) -> dict | None:
    """The home page of a co unit's people: the 会签 waiting for their unit."""
    waiting = list(
        access.countersigns_awaiting(user)
        .select_related("reply__proposal", "reply__unit", "unit")
        .order_by("due_on", "pk")[:20]
    )
    return {"countersigns": waiting} if waiting else None


def assignment_countersign_panel(request, assignment: Assignment) -> dict | None:
    """A co unit's assignment page: the 会签 its section brought (its people only)."""
    if assignment.role != Assignment.Role.CO:
        return None
    countersigns = list(
        access.countersigns_visible_to(request.user)
        .filter(assignment=assignment)
        .select_related("reply__unit")
        .order_by("-pk")[:10]
    )
    return {"countersigns": countersigns} if countersigns else None


def key_list_progress(user, proposals: list[Proposal]) -> dict[int, dict]:
    """The key-proposal list's reply columns: of each answering unit, its reply being
    written or reviewed (答复稿), its reply in force (签发) and the proposer's feedback on
    it. Two queries for the whole list."""
    replies = (
        access.replies_readable_by(user)
        .filter(proposal__in=[p.pk for p in proposals])
        .select_related("unit")
        .order_by("-created_at", "-pk")
    )
    by_assignment: dict[int, dict] = {}
    for r in replies:  # newest first: the first open one and the first signed one count
        row = by_assignment.setdefault(
            r.assignment_id, {"proposal_id": r.proposal_id, "unit": r.unit, "draft": None,
                              "signed": None}
        )
        if r.is_frozen:
            row["signed"] = row["signed"] or r
        else:
            row["draft"] = row["draft"] or r
    signed = [row["signed"] for row in by_assignment.values() if row["signed"]]
    feedback = {f.reply_id: f for f in Feedback.objects.filter(reply__in=signed)}
    cells: dict[int, dict] = {}
    for row in by_assignment.values():
        row["feedback"] = row["signed"] and feedback.get(row["signed"].pk)
        cells.setdefault(row["proposal_id"], {"rows": []})["rows"].append(row)
    return cells


def register() -> None:
    from proposals.views import HOME_PANELS
    from proposals.views.clerk import PROPOSAL_PANELS
    from proposals.views.key import KEY_LIST_COLUMNS
    from proposals.views.unit import ASSIGNMENT_PANELS

    panel = "replies/_countersign_panel.html"
    if (panel, home_countersign_panel) not in HOME_PANELS:
        HOME_PANELS.append((panel, home_countersign_panel))
    if (panel, assignment_countersign_panel) not in ASSIGNMENT_PANELS:
        ASSIGNMENT_PANELS.append((panel, assignment_countersign_panel))


    column = (("答复稿", "签发", "提案人评价"), "replies/_key_progress.html", key_list_progress)
    if column not in KEY_LIST_COLUMNS:
        KEY_LIST_COLUMNS.append(column)

    template = "replies/_proposal_replies.html"
    if (template, proposal_panel) not in PROPOSAL_PANELS:
        PROPOSAL_PANELS.append((template, proposal_panel))
    if (template, assignment_panel) not in ASSIGNMENT_PANELS:
        ASSIGNMENT_PANELS.append((template, assignment_panel))
