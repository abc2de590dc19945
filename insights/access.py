"""Who may see which figures, exports and search results (reads only)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from proposals import selectors
from proposals.models import Assignment, Membership, Section, Session, Unit
from replies.models import FROZEN_STATES, Reply


def sessions_visible_to(user) -> QuerySet[Session]:
    """Sessions of the committees a person staffs (clerk/administrator) or works for."""
    if not user.is_authenticated:
        return Session.objects.none()
    if user.is_superuser:
        return Session.objects.all()
    unit_committees = Unit.objects.filter(memberships__user=user).values("committee_id")
    return Session.objects.filter(
        Q(committee__in=selectors.managed_committee_ids(user))
        | Q(committee__in=unit_committees)
    )


def manages_committee(user, committee_id: int) -> bool:
    """Committee staff (交办员/管理员) see every unit's figures."""
    return user.is_authenticated and (
        user.is_superuser
        or selectors.managed_committee_ids(user).filter(committee_id=committee_id).exists()
    )


def own_units_in(user, committee_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(
        committee_id=committee_id, memberships__user=user
    ).distinct().order_by("name")


def reply_visibility(user, prefix: str = "") -> Q:
    """A unit sees its own replies (drafts too); signed and sent replies are seen by
    whoever may see the proposal (the rule of selectors.proposals_visible_to: the
    committee's staff, and the units it was handed to). Written with joins rather than
    `proposal__in=<visible proposals>` so that PostgreSQL need not build the set of every
    visible proposal; `prefix` applies it from a related model (e.g. "reply__")."""
    if user.is_superuser:
        return Q()
    own_units = Membership.objects.filter(user=user).values("unit_id")
    handed_to_unit = Exists(
        Assignment.objects.filter(
            proposal=OuterRef(f"{prefix}proposal"), unit_id__in=own_units
        ).exclude(state=Assignment.State.WITHDRAWN)
    )
    frozen = Q(**{f"{prefix}state__in": FROZEN_STATES})
    staff = Q(**{f"{prefix}proposal__session__committee__in": selectors.committees_staffed_by(
        user)})
    return Q(**{f"{prefix}unit__in": own_units}) | (frozen & (staff | handed_to_unit))


def replies_visible_to(user) -> QuerySet[Reply]:
    if not user.is_authenticated:
        return Reply.objects.none()
    return Reply.objects.filter(reply_visibility(user))


def section_visibility(user) -> Q:
    """selectors.sections_visible_to(user) as a condition without joins that multiply rows
    (so no DISTINCT), for search over many sections. test_access keeps the two equal."""
    if user.is_superuser:
        return Q()
    own_units = Membership.objects.filter(user=user).values("unit_id")
    lead_of_proposal = Exists(
        Assignment.objects.filter(
            proposal=OuterRef("assignment__proposal"),
            unit_id__in=own_units,  # no join through the units: a hashed set of ids
            role__in=(Assignment.Role.LEAD, Assignment.Role.SPLIT),
        ).exclude(state=Assignment.State.WITHDRAWN)
    )
    clerk = Q(assignment__proposal__session__committee__in=selectors.managed_committee_ids(user))
    return Q(assignment__unit__in=own_units) | (
        (lead_of_proposal | clerk) & ~Q(state=Section.State.DRAFT)
    )
