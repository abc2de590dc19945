"""Who may see which figures, exports and search results (reads only)."""

from django.db.models import Q, QuerySet

from proposals import selectors
from proposals.models import Membership, Session, Unit
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


def replies_visible_to(user) -> QuerySet[Reply]:
    """A unit sees its own replies (drafts too); signed and sent replies are seen by
    whoever may see the proposal."""
    if not user.is_authenticated:
        return Reply.objects.none()
    if user.is_superuser:
        return Reply.objects.all()
    own_units = Membership.objects.filter(user=user).values("unit_id")
    return Reply.objects.filter(
        Q(unit__in=own_units)
        | Q(state__in=FROZEN_STATES, proposal__in=selectors.proposals_visible_to(user))
    )
