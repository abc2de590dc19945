"""The pages measured at scale (bench/bench_pages.py) and guarded on small data
(test_query_counts.py), picked the same way from data made by `manage.py seed_scale`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from proposals.models import Assignment, CommitteeRole, Membership, Proposal, Session


@dataclass(frozen=True)
class Page:
    name: str
    user: object | None  # None: anonymous
    url: str
    params: dict
    settings: dict = field(default_factory=dict)  # measured with these settings
    before: object = None  # called (not timed) before each request, e.g. to change data


BASELINE = "baseline: login page"


def _due_date_mover(unit_id: int):
    """A callable that moves one open assignment's due date of the unit a day later, then
    back, saving it as the application does (with a history row)."""
    import datetime as dt
    import itertools

    steps = itertools.count()

    def move() -> None:
        assignment = (
            Assignment.objects.filter(unit_id=unit_id, state__in=Assignment.OPEN_STATES)
            .order_by("pk")
            .first()
        )
        assignment.due_on += dt.timedelta(days=1 if next(steps) % 2 == 0 else -1)
        assignment.save()

    return move


def scale_pages(committee_id: int | None = None) -> list[Page]:
    """The benchmarked pages of one seeded committee (the first one by default): as its
    clerk, and as a handler of its busiest unit (most open assignments)."""
    roles = CommitteeRole.objects.filter(role=CommitteeRole.Role.CLERK).order_by("pk")
    if committee_id is not None:
        roles = roles.filter(committee_id=committee_id)
    role = roles.select_related("user").first()
    clerk, committee_id = role.user, role.committee_id
    busy = (
        Assignment.objects.filter(
            unit__committee_id=committee_id, state__in=Assignment.OPEN_STATES
        )
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_id")
        .first()
    )
    handler = (
        Membership.objects.filter(unit_id=busy["unit_id"], role=Membership.Role.HANDLER)
        .order_by("pk")
        .first()
        .user
    )
    session = Session.objects.get(committee_id=committee_id, is_current=True)
    # A full proposal page: answered, several units, sections and a reply (in progress if
    # the data is too small to have such a one).
    with_lead = Proposal.objects.filter(
        session=session,
        pk__in=Assignment.objects.filter(role=Assignment.Role.LEAD).values("proposal_id"),
    ).annotate(n=Count("assignments"))
    answered = [Proposal.Status.ANSWERED, Proposal.Status.FEEDBACK, Proposal.Status.CLOSED]
    proposal = (
        with_lead.filter(status__in=answered, n__gte=3).order_by("pk").first()
        or with_lead.order_by("-n", "pk").first()
    )
    lead = proposal.assignments.filter(role=Assignment.Role.LEAD).first()
    lead_handler = (
        Membership.objects.filter(unit_id=lead.unit_id, role=Membership.Role.HANDLER)
        .order_by("pk")
        .first()
        .user
    )
    proposal_list = reverse("proposals:proposal_list")
    return [
        Page(BASELINE, None, reverse("login"), {}),
        Page("proposal list p1", clerk, proposal_list, {}),
        Page(
            "proposal list filtered",
            clerk,
            proposal_list,
            {"status": "in_progress", "unit": busy["unit_id"], "page": "2"},
        ),
        Page("proposal list search", clerk, proposal_list, {"q": "服务"}),
        Page("unit work list (home)", handler, reverse("home"), {}),
        Page(
            "proposal page (clerk)",
            clerk,
            reverse("proposals:proposal_detail", args=[proposal.pk]),
            {},
        ),
        Page(
            "assignment page (unit)",
            lead_handler,
            reverse("proposals:assignment_detail", args=[lead.pk]),
            {},
        ),
        Page("dashboard", clerk, reverse("insights:dashboard"), {},
             {"STATS_CACHE_SECONDS": 0}),
        # Nothing changed since the last view: one query for the data version, then the
        # figures from the cache (insights.stats.cached_dashboard).
        Page("dashboard (cached)", clerk, reverse("insights:dashboard"), {},
             {"STATS_CACHE_SECONDS": 600}),
        # One assignment's due date moved before each view, as happens all day: the
        # figures are brought up to date for that unit only (insights.stats.session_figures).
        Page("dashboard (after a change)", clerk, reverse("insights:dashboard"), {},
             {"STATS_CACHE_SECONDS": 600}, before=_due_date_mover(busy["unit_id"])),
        Page("search", clerk, reverse("insights:search"), {"q": "停车 智慧"}),
        Page("search (unit)", handler, reverse("insights:search"), {"q": "养老服务"}),
    ]
