"""Reads, scoped to what a person may see. Every view and download starts here."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Assignment, CommitteeRole, Membership, Proposal, Unit


def committees_staffed_by(user) -> QuerySet:
    return CommitteeRole.objects.filter(user=user).values("committee_id")


def units_of(user) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(memberships__user=user).distinct()


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """Committee staff see their committee's proposals; a unit's people see the proposals
    handed to their unit (not withdrawn); nobody sees another committee's."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    if user.is_superuser:
        return Proposal.objects.all()
    unit_assigned = Assignment.objects.filter(
        proposal=OuterRef("pk"),
        unit__memberships__user=user,
    ).exclude(state=Assignment.State.WITHDRAWN)
    return Proposal.objects.filter(
        Q(session__committee__in=committees_staffed_by(user)) | Exists(unit_assigned)
    )


def assignments_visible_to(user) -> QuerySet[Assignment]:
    if not user.is_authenticated:
        return Assignment.objects.none()
    if user.is_superuser:
        return Assignment.objects.all()
    return Assignment.objects.filter(
        Q(proposal__session__committee__in=committees_staffed_by(user))
        | Q(unit__in=Membership.objects.filter(user=user).values("unit_id"))
    )


def open_assignments_of(user) -> QuerySet[Assignment]:
    """A unit person's work list: their units' open assignments, soonest due first."""
    return (
        Assignment.objects.filter(
            unit__in=Membership.objects.filter(user=user).values("unit_id"),
            state__in=Assignment.OPEN_STATES,
        )
        .select_related("proposal__session", "proposal__lead_proposer", "unit")
        .order_by("due_on", "pk")
    )
