"""Who may see and do what with a reply letter: the one place where these rules are
written (on top of `proposals.access`). Views, downloads, search, the 答复登记 export and the
statistics ask here.

- A unit's people read their unit's replies in every state (drafts never leave the unit).
- A signed (or sent) reply is read by whoever handled or oversees the proposal: the
  committee's staff, and every unit it was handed to — the co-handling units are normally
  on the letter's 抄送, so they read the lead's signed letter, never its drafts.
- Committee staff know a draft exists (403 on its page, not 404); nobody else does.
- 会签: a co-handling unit whose section a draft uses reads that draft through its own
  会签 request (never through the reply page), and only its people open and answer it;
  nobody else learns of the request (404). The lead unit sees the requests' states on
  its reply page.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from proposals import access as proposal_access

from .models import FROZEN_STATES, Countersign, Publication, Reply


def reply_visibility(user, prefix: str = "") -> Q:
    """The replies a person may read, as a condition (no joins that multiply rows; the
    search filters many paragraphs with it). ``prefix`` applies it from a related model,
    e.g. ``"reply__"`` on ReplyParagraph."""
    if user.is_superuser:
        return Q()
    own = Q(**{f"{prefix}unit__in": proposal_access.unit_ids_of(user)})
    frozen = Q(**{f"{prefix}state__in": FROZEN_STATES})
    staff = Q(**{
        f"{prefix}proposal__session__committee__in":
            proposal_access.committees_staffed_by(user)
    })
    handled = proposal_access.handed_to_own_unit(user, f"{prefix}proposal")
    return own | (frozen & (staff | handled))


def replies_readable_by(user) -> QuerySet[Reply]:
    """The replies whose page (replies:detail) and signed .docx open for the person. Pages
    that link to replies, the search and the exports ask this, so no link ends in 403."""
    if not user.is_authenticated:
        return Reply.objects.none()
    return Reply.objects.filter(reply_visibility(user))


def replies_visible_to(user) -> QuerySet[Reply]:
    """The replies whose existence the person may learn: those they read, and the drafts
    of their committee (a clerk is answered 403 there, an outsider 404)."""
    if not user.is_authenticated:
        return Reply.objects.none()
    if user.is_superuser:
        return Reply.objects.all()
    return Reply.objects.filter(
        reply_visibility(user)
        | Q(proposal__session__committee__in=proposal_access.committees_staffed_by(user))
    )


def can_read(user, reply: Reply) -> bool:
    return replies_readable_by(user).filter(pk=reply.pk).exists()


def can_compose(user, reply: Reply) -> bool:
    """A handler (or unit admin) of the reply's unit writes it."""
    return proposal_access.can_handle_assignment(user, reply.assignment)


def can_sign(user, reply: Reply) -> bool:
    """A signer (签发人) of the reply's unit returns or signs it."""
    return proposal_access.is_signer(user, reply.unit_id)


def can_act(user, reply: Reply) -> bool:
    """Its unit's handlers and signers mark it sent and make the proposer's link."""
    return can_compose(user, reply) or can_sign(user, reply)


def replies_awaiting_signature_of(user) -> QuerySet[Reply]:
    """Replies in review in the units where the person signs (the signer's queue)."""
    if not user.is_authenticated:
        return Reply.objects.none()
    return Reply.objects.filter(
        unit__in=proposal_access.signing_unit_ids(user), state=Reply.State.IN_REVIEW
    ).select_related("proposal__session", "unit", "assignment")


def countersigns_visible_to(user) -> QuerySet[Countersign]:
    """The 会签 requests a person opens and answers: those of their own units."""
    if not user.is_authenticated:
        return Countersign.objects.none()
    return Countersign.objects.filter(unit__in=proposal_access.unit_ids_of(user))


def can_answer_countersign(user, countersign: Countersign) -> bool:
    """Any member of the asked unit (handler, signer, unit admin) answers its 会签."""
    return proposal_access.is_member_of(user, countersign.unit_id)


def countersigns_awaiting(user) -> QuerySet[Countersign]:
    """Open 会签 requests of the person's units (their home page and the list)."""
    return countersigns_visible_to(user).filter(state=Countersign.State.PENDING)


def publications_managed_by(user) -> QuerySet[Publication]:
    """公开答复 the person publishes and withdraws: the committee clerks' (交办员/管理员)
    of their committees; nobody else learns of them here (the public site shows the
    published ones to everyone)."""
    if not user.is_authenticated:
        return Publication.objects.none()
    if user.is_superuser:
        return Publication.objects.all()
    return Publication.objects.filter(
        reply__proposal__session__committee__in=proposal_access.managed_committee_ids(user)
    )
