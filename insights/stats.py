"""Figures of the statistics dashboard, each computed with a fixed number of aggregate
queries whatever the number of proposals.

Definitions (shown on the page, in Chinese, by DEFINITIONS):

- assigned (应办复件数): lead and split assignments (主办、分办) of the session, not withdrawn.
  Co-handling units (协办) write sections, not replies, and are not counted.
- replied (已办复): such an assignment has a signed or sent reply (已签发/已发送).
- replied on time (按期办复): ... whose date of signing (成文日期) is on or before the
  assignment's due date (办理期限, after any approved extension).
- satisfaction rate: (满意 + 基本满意) / feedback received, over the replies to these
  assignments; overall (both parts 满意 or 基本满意), and for each part of the answer
  (办理过程, 办理结果) on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals.models import Assignment, Committee, Proposal, Session, Unit
from replies.models import FROZEN_STATES, Feedback, Reply

SATISFIED = (Feedback.Satisfaction.SATISFIED, Feedback.Satisfaction.BASICALLY_SATISFIED)

DEFINITIONS = [
    (
        _("应办复件数"),
        _("本届次交由主办单位、分办单位办理且未撤回的交办件数；"
          "协办单位提交协办意见，不单独计算。"),
    ),
    (_("办复率"), _("已办复件数 ÷ 应办复件数。已办复：该交办的答复函已签发或已发送。")),
    (
        _("按期办复率"),
        _("按期办复件数 ÷ 应办复件数。按期办复：答复函的成文日期不晚于该交办的办理期限"
          "（含经批准延期后的期限；重新办理的，按重新办理前的期限计算首次答复）。"),
    ),
    (
        _("满意率"),
        _("（满意件数 + 基本满意件数）÷ 已收到的提案人反馈件数。提案人分别评价办理过程和"
          "办理结果，两项都满意或基本满意的计入总体满意；两项满意率分别计算。"),
    ),
    (
        _("重点提案办复率、满意率"),
        _("同上，只计本届次的重点提案（当前列为重点的提案）。"),
    ),
    (
        _("办理类别占比"),
        _("已签发（或已发送）且未被更正的答复函中，各办理类别（A/B/C 等）所占比例。"),
    ),
    (
        _("超期未办（交办件次）"),
        _("办理期限已过、仍处于“已交办”或“办理中”的交办件数：主办、分办、协办单位各计一次，"
          "一件提案有几个单位超期就计几次。“涉及提案”是其中不同提案的件数。"),
    ),
]


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> str:
        value = self.value
        return "—" if value is None else f"{value * 100:.1f}%"


@dataclass
class UnitRow:
    unit_id: int
    unit_name: str
    assigned: int = 0
    replied: int = 0
    on_time: int = 0
    feedback: int = 0
    satisfied: int = 0
    overdue: int = 0
    process_satisfied: int = 0  # 办理过程 满意 or 基本满意
    result_satisfied: int = 0  # 办理结果 满意 or 基本满意

    @property
    def reply_rate(self) -> Rate:
        return Rate(self.replied, self.assigned)

    @property
    def on_time_rate(self) -> Rate:
        return Rate(self.on_time, self.assigned)

    @property
    def satisfaction_rate(self) -> Rate:
        return Rate(self.satisfied, self.feedback)

    @property
    def process_satisfaction_rate(self) -> Rate:
        return Rate(self.process_satisfied, self.feedback)

    @property
    def result_satisfaction_rate(self) -> Rate:
        return Rate(self.result_satisfied, self.feedback)


@dataclass
class Dashboard:
    session: Session
    unit: Unit | None
    today: dt.date
    status_counts: list[tuple[str, str, int]]  # (status, label, count)
    proposal_total: int
    assigned: int
    replied: int
    on_time: int
    feedback_counts: list[tuple[str, str, int]]
    class_counts: list[tuple[str, int]]
    overdue: list[Assignment]
    units: list[UnitRow] = field(default_factory=list)
    overdue_total: int | None = None  # when `overdue` holds only the first rows
    # The proposals the overdue assignments belong to: 超期未办 counts assignments (a
    # proposal late at its lead and a co unit counts twice); the page says both.
    overdue_proposals: int = 0
    # The same figures over the session's key proposals (重点提案) only (key_figures).
    key_proposals: int = 0
    key_assigned: int = 0
    key_replied: int = 0
    key_feedback: int = 0
    key_satisfied: int = 0
    process_satisfied: int = 0  # the two parts of the proposers' answers
    result_satisfied: int = 0
    computed_at: dt.datetime = field(default_factory=timezone.now)  # shown: 数据截至

    @property
    def overdue_count(self) -> int:
        return len(self.overdue) if self.overdue_total is None else self.overdue_total

    @property
    def reply_rate(self) -> Rate:
        return Rate(self.replied, self.assigned)

    @property
    def on_time_rate(self) -> Rate:
        return Rate(self.on_time, self.assigned)

    @property
    def feedback_total(self) -> int:
        return sum(n for _, _, n in self.feedback_counts)

    @property
    def satisfaction_rate(self) -> Rate:
        satisfied = sum(n for key, _, n in self.feedback_counts if key in SATISFIED)
        return Rate(satisfied, self.feedback_total)

    @property
    def process_satisfaction_rate(self) -> Rate:
        return Rate(self.process_satisfied, self.feedback_total)

    @property
    def result_satisfaction_rate(self) -> Rate:
        return Rate(self.result_satisfied, self.feedback_total)

    @property
    def key_reply_rate(self) -> Rate:
        return Rate(self.key_replied, self.key_assigned)

    @property
    def key_satisfaction_rate(self) -> Rate:
        return Rate(self.key_satisfied, self.key_feedback)

    @property
    def classed_total(self) -> int:
        return sum(n for _, n in self.class_counts)

    @property
    def class_shares(self) -> list[tuple[str, int, Rate]]:
        total = self.classed_total
        return [(c, n, Rate(n, total)) for c, n in self.class_counts]


def _answering(session: Session, prefix: str = "") -> Q:
    """The session's lead and split assignments, not withdrawn; `prefix` reaches them
    from another model ("assignment__")."""
    answering = {f"{prefix}session": session, f"{prefix}role__in": Assignment.ANSWERING_ROLES}
    return Q(**answering) & ~Q(**{f"{prefix}state": Assignment.State.WITHDRAWN})


def answering_assignments(session: Session, unit: Unit | None = None) -> QuerySet[Assignment]:
    queryset = Assignment.objects.filter(_answering(session))
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    return queryset


def _overdue(session: Session, unit: Unit | None, today: dt.date) -> QuerySet[Assignment]:
    queryset = Assignment.objects.overdue(on=today).filter(session=session)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    return queryset


def dashboard(
    *, session: Session, unit: Unit | None = None, units: list[Unit] | None = None,
    today: dt.date | None = None, overdue_limit: int | None = None,
) -> Dashboard:
    """The figures of `session`, for one `unit` or all. `units`, when given, limits the
    per-unit ranking to those units (a unit's people see only their own rows).
    `overdue_limit` keeps only the first overdue rows (a page), with their total.

    The per-unit figures (session_figures) are computed once, for every unit, and the
    totals are their sums (or the one unit's row)."""
    today = today or timezone.localdate()

    proposals = Proposal.objects.filter(session=session)
    if unit is not None:
        proposals = proposals.filter(
            Exists(
                Assignment.objects.filter(proposal=OuterRef("pk"), unit=unit).exclude(
                    state=Assignment.State.WITHDRAWN
                )
            )
        )
    by_status = dict(
        proposals.order_by().values_list("status").annotate(n=Count("pk")).values_list(
            "status", "n"
        )
    )
    status_counts = [(s.value, s.label, by_status.get(s.value, 0)) for s in Proposal.Status]

    figures = session_figures(session, today)
    rows = figures.rows
    counted = [r for r in rows.values() if unit is None or r.unit_id == unit.pk]
    satisfaction: Counter = Counter()
    by_class: Counter = Counter()
    for unit_id in set(rows) | set(figures.satisfaction) | set(figures.classes):
        if unit is None or unit_id == unit.pk:
            satisfaction.update(figures.satisfaction.get(unit_id, {}))
            by_class.update(figures.classes.get(unit_id, {}))
    feedback_counts = [
        (s.value, s.label, satisfaction.get(s.value, 0)) for s in Feedback.Satisfaction
    ]
    classes = list(session.answer_classes or [])
    class_counts = [(c, by_class.pop(c, 0)) for c in classes]
    class_counts += [(c or str(_("未分类")), n) for c, n in sorted(by_class.items()) if n]

    overdue_rows = (
        _overdue(session, unit, today)
        .select_related("proposal", "unit")
        # The list shows number and title; the texts would only weigh down the cache.
        .defer("proposal__content", "proposal__reasons", "proposal__suggestions")
        .order_by("due_on", "proposal__number", "pk")
    )
    overdue_total = None
    if overdue_limit is not None:
        overdue_total = sum(row.overdue for row in counted)
        overdue_rows = overdue_rows[:overdue_limit]
    overdue = list(overdue_rows)
    for assignment in overdue:
        assignment.days_overdue = (today - assignment.due_on).days
    if overdue_total is None or overdue_total <= len(overdue):
        overdue_proposals = len({a.proposal_id for a in overdue})
    else:  # only the first rows are here
        overdue_proposals = _overdue(session, unit, today).aggregate(
            n=Count("proposal", distinct=True)
        )["n"]

    allowed = None if units is None else {u.pk for u in units}
    key = key_figures(session=session, unit=unit, today=today)
    return Dashboard(
        session=session,
        unit=unit,
        today=today,
        status_counts=status_counts,
        proposal_total=sum(n for _, _, n in status_counts),
        assigned=sum(row.assigned for row in counted),
        replied=sum(row.replied for row in counted),
        on_time=sum(row.on_time for row in counted),
        process_satisfied=sum(row.process_satisfied for row in counted),
        result_satisfied=sum(row.result_satisfied for row in counted),
        feedback_counts=feedback_counts,
        class_counts=class_counts,
        overdue=overdue,
        overdue_total=overdue_total,
        overdue_proposals=overdue_proposals,
        units=_ranked(row for row in rows.values() if allowed is None or row.unit_id in allowed),
        **key,
    )


def key_figures(*, session: Session, unit: Unit | None, today: dt.date) -> dict[str, int]:
    """The 办复率 and 满意率 figures of the session's key proposals (重点提案), for one
    `unit` or all: the per-unit figures (_unit_figures, the same definitions) computed
    over those proposals only, summed as the dashboard sums them. Nothing is computed
    when the session has no key proposal."""
    key = Proposal.objects.filter(session=session, is_key=True)
    if unit is not None:
        key = key.filter(
            Exists(
                Assignment.objects.filter(proposal=OuterRef("pk"), unit=unit).exclude(
                    state=Assignment.State.WITHDRAWN
                )
            )
        )
    count = key.count()
    if not count:
        return {"key_proposals": 0}
    figures = _unit_figures(
        session, today, unit_ids=None if unit is None else {unit.pk}, proposals=key
    )
    rows = figures.rows.values()
    return {
        "key_proposals": count,
        "key_assigned": sum(r.assigned for r in rows),
        "key_replied": sum(r.replied for r in rows),
        "key_feedback": sum(r.feedback for r in rows),
        "key_satisfied": sum(r.satisfied for r in rows),
    }


def data_version() -> tuple:
    """A value that changes whenever anything the figures are computed from changes: the
    highest history id of each such model (the application writes every change through
    django-simple-history) and the highest id of its table (rows inserted in bulk, without
    history). Of replies, only changes that leave them signed or sent count: saving a draft,
    which happens all day, changes no figure. One query of index lookups."""
    models = (Proposal, Assignment, Reply, Feedback, Unit, Session)
    return _newest_ids(history_of=models, live_of=models)


def _newest_ids(*, history_of: tuple, live_of: tuple) -> tuple:
    """In one query: the newest history id of each model of history_of (of replies, only
    rows that are signed or sent), then the highest id of each model of live_of."""
    qn = connection.ops.quote_name
    parts, params = [], []
    for model in history_of:
        where = ""
        if model is Reply:
            where = f" WHERE {qn('state')} IN ({', '.join(['%s'] * len(FROZEN_STATES))})"
            params += [str(state) for state in FROZEN_STATES]
        table = qn(model.history.model._meta.db_table)
        parts.append(f"(SELECT MAX({qn('history_id')}) FROM {table}{where})")
    for model in live_of:
        meta = model._meta
        parts.append(f"(SELECT MAX({qn(meta.pk.column)}) FROM {qn(meta.db_table)})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return tuple(cursor.fetchone())


def _shape_key() -> str:
    """In the keys: what is cached in an older shape (after an upgrade) is never read."""
    shape = [f.name for cls in (Dashboard, UnitRow, SessionFigures) for f in fields(cls)]
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:12]


def cached_dashboard(
    *, session: Session, unit: Unit | None = None, units: list[Unit] | None = None,
    today: dt.date | None = None, overdue_limit: int | None = None, version: tuple | None = None,
) -> Dashboard:
    """dashboard(), kept in the cache for STATS_CACHE_SECONDS under a key that holds
    data_version() (or `version`, read once for many sessions): a change anywhere is seen
    at once, and an unchanged session costs one query. 0 seconds turns the cache off."""
    seconds = settings.STATS_CACHE_SECONDS
    today = today or timezone.localdate()
    if seconds <= 0:
        return dashboard(
            session=session, unit=unit, units=units, today=today, overdue_limit=overdue_limit
        )
    scope = (
        session.pk, unit and unit.pk, units and sorted(u.pk for u in units), today.isoformat(),
        overdue_limit, version or data_version(), _shape_key(),
    )
    key = "insights:dashboard:" + hashlib.sha256(repr(scope).encode()).hexdigest()
    board = cache.get(key)
    if board is None:
        board = dashboard(
            session=session, unit=unit, units=units, today=today, overdue_limit=overdue_limit
        )
        cache.set(key, board, seconds)
    return board


def unit_ranking(
    *, session: Session, units: list[Unit] | None = None, today: dt.date | None = None
) -> list[UnitRow]:
    """One row per unit with work in the session, best 办复率 first (then 按期办复率,
    then 满意率); only the rows of `units` when given."""
    rows = session_figures(session, today or timezone.localdate()).rows
    allowed = None if units is None else {u.pk for u in units}
    return _ranked(row for row in rows.values() if allowed is None or row.unit_id in allowed)


@dataclass
class SessionFigures:
    """Every unit's figures of one session on one day: its row, its feedback by
    satisfaction and its current replies by class. Only the overdue counts depend on the
    day; the rest holds until the data changes."""

    rows: dict[int, UnitRow]
    satisfaction: dict[int, Counter]
    classes: dict[int, Counter]
    mark: tuple = ()  # _figures_mark() when computed
    day: dt.date | None = None  # the day of the overdue counts

    def replace(self, fresh: SessionFigures, unit_ids: set[int]) -> None:
        for figures in (self.rows, self.satisfaction, self.classes):
            for unit_id in unit_ids:
                figures.pop(unit_id, None)
        self.rows.update(fresh.rows)
        self.satisfaction.update(fresh.satisfaction)
        self.classes.update(fresh.classes)

    def recount_overdue(self, session: Session, today: dt.date) -> None:
        """The overdue counts of every unit as of `today` (one query); a unit with neither
        answering work nor overdue work left has no row, as when computed afresh."""
        for row in self.rows.values():
            row.overdue = 0
        _count_overdue(self.rows, _overdue(session, None, today))
        for unit_id in [u for u, row in self.rows.items() if not (row.assigned or row.overdue)]:
            del self.rows[unit_id]
        _name_rows(self.rows)
        self.day = today


# Beyond this many units touched since the last computation, all are computed afresh.
REFRESH_AT_MOST_UNITS = 20
# How long the per-unit figures stay in the cache when nothing changes. Every read checks
# them against _figures_mark(), so they can stay long: a quiet hour or a new morning then
# costs a few queries instead of the whole computation (with STATS_CACHE_SECONDS, if
# longer). 0 seconds (STATS_CACHE_SECONDS) turns this cache off as well.
FIGURES_KEEP_SECONDS = 24 * 3600


def session_figures(session: Session, today: dt.date) -> SessionFigures:
    """The per-unit figures of the session, kept in the cache and brought up to date by
    recomputing only the units whose work changed since: a reply signed or a due date
    moved costs a few indexed queries for that unit, not the aggregates over the whole
    session; on a new day, only the overdue counts are counted again."""
    if settings.STATS_CACHE_SECONDS <= 0:
        return _unit_figures(session, today)
    seconds = max(settings.STATS_CACHE_SECONDS, FIGURES_KEEP_SECONDS)
    key = f"insights:unit-figures:{session.pk}:{_shape_key()}"
    mark = _figures_mark()
    figures: SessionFigures | None = cache.get(key)
    changed = False
    if figures is not None and figures.mark != mark:
        touched = _units_touched(figures.mark, mark)
        if touched is None or len(touched) > REFRESH_AT_MOST_UNITS:
            figures = None
        else:
            if touched:
                figures.replace(_unit_figures(session, today, unit_ids=touched), touched)
            figures.mark, changed = mark, True
    if figures is None:
        figures = _unit_figures(session, today)
        figures.mark, changed = mark, True
    elif figures.day != today:
        figures.recount_overdue(session, today)
        changed = True
    if changed:
        cache.set(key, figures, seconds)
    return figures


def _figures_mark() -> tuple:
    """What the per-unit figures are computed from: the newest history ids of assignments,
    signed/sent replies, feedback and units, and the highest ids of the first three."""
    return _newest_ids(
        history_of=(Assignment, Reply, Feedback, Unit), live_of=(Assignment, Reply, Feedback)
    )


def _units_touched(old: tuple, new: tuple) -> set[int] | None:
    """The units whose figures may differ between two marks (of any session: a unit
    touched elsewhere is recomputed for nothing, which is harmless), or None when that
    cannot be told cheaply (a unit renamed, or more changes than are worth following)."""
    a_hist, r_hist, f_hist, u_hist, a_max, r_max, f_max = old
    if new[3] != u_hist:
        return None
    limit = REFRESH_AT_MOST_UNITS * 50
    units = set(
        Assignment.history.filter(history_id__gt=a_hist or 0)
        .values_list("unit_id", flat=True)[:limit]
    )
    units.update(Assignment.objects.filter(pk__gt=a_max or 0).values_list("unit_id", flat=True))
    assignments = set(
        Reply.history.filter(history_id__gt=r_hist or 0, state__in=FROZEN_STATES)
        .values_list("assignment_id", flat=True)[:limit]
    )
    assignments.update(
        Reply.objects.filter(pk__gt=r_max or 0).values_list("assignment_id", flat=True)
    )
    replies = set(
        Feedback.history.filter(history_id__gt=f_hist or 0)
        .values_list("reply_id", flat=True)[:limit]
    )
    replies.update(Feedback.objects.filter(pk__gt=f_max or 0).values_list("reply_id", flat=True))
    if len(units) + len(assignments) + len(replies) >= limit:
        return None
    if assignments or replies:
        units.update(
            Assignment.objects.filter(Q(pk__in=assignments) | Q(replies__in=replies))
            .values_list("unit_id", flat=True)
        )
    return units


def _unit_figures(
    session: Session, today: dt.date, unit_ids: set[int] | None = None,
    proposals: QuerySet[Proposal] | None = None,
) -> SessionFigures:
    """Every unit's figures of the session (or those of `unit_ids`; over `proposals`
    only, when given, e.g. the key proposals). Four grouped queries and one for the unit
    names:

    - assigned, from the answering assignments' index alone;
    - replied, on time and feedback by satisfaction, in one query starting from the
      signed and sent replies of those assignments (a few thousand rows, not every
      assignment joined to its replies). An assignment
      can have several such replies (a corrected one and its correction): it is counted
      once (COUNT DISTINCT); feedback belongs to one reply and is counted per reply;
    - overdue (_count_overdue) and current replies by class."""
    answering = answering_assignments(session)
    overdue = _overdue(session, None, today)
    signed = Reply.objects.filter(_answering(session, "assignment__"), state__in=FROZEN_STATES)
    if unit_ids is not None:
        answering = answering.filter(unit_id__in=unit_ids)
        overdue = overdue.filter(unit_id__in=unit_ids)
        signed = signed.filter(assignment__unit_id__in=unit_ids)
    if proposals is not None:
        chosen = proposals.values("pk")
        answering = answering.filter(proposal__in=chosen)
        overdue = overdue.filter(proposal__in=chosen)
        signed = signed.filter(assignment__proposal__in=chosen)
    rows: dict[int, UnitRow] = {}  # named at the end (_name_rows)
    for unit_id, assigned in answering.order_by().values("unit_id").annotate(
        n=Count("pk")
    ).values_list("unit_id", "n"):
        rows[unit_id] = UnitRow(unit_id, "", assigned)
    by_level = {
        f"feedback_{level}": Count("feedback", filter=Q(feedback__satisfaction=level))
        for level in Feedback.Satisfaction.values
    }
    by_satisfaction: dict[int, Counter] = {}
    for g in signed.order_by().values("assignment__unit_id").annotate(
        replied=Count("assignment_id", distinct=True),
        on_time=Count("assignment_id", distinct=True, filter=Q(signed_on__lte=Coalesce(
            "assignment__first_due_on", "assignment__due_on"
        ))),
        process_ok=Count("feedback", filter=Q(feedback__process_satisfaction__in=SATISFIED)),
        result_ok=Count("feedback", filter=Q(feedback__result_satisfaction__in=SATISFIED)),
        **by_level,
    ):
        unit_id = g["assignment__unit_id"]
        row = rows.setdefault(unit_id, UnitRow(unit_id, ""))
        row.replied, row.on_time = g["replied"], g["on_time"]
        row.process_satisfied, row.result_satisfied = g["process_ok"], g["result_ok"]
        counts = Counter({
            level: n for level in Feedback.Satisfaction.values if (n := g[f"feedback_{level}"])
        })
        if counts:
            by_satisfaction[unit_id] = counts
            row.feedback = sum(counts.values())
            row.satisfied = sum(n for level, n in counts.items() if level in SATISFIED)
    _count_overdue(rows, overdue)
    # The replies in force by class. The assignments are joined once, not also tested
    # with IN (answering).
    by_class: dict[int, Counter] = {}
    for g in (
        signed.in_force()
        .order_by()
        .values("assignment__unit_id", "category")
        .annotate(n=Count("pk"))
    ):
        by_class.setdefault(g["assignment__unit_id"], Counter())[g["category"]] += g["n"]
    _name_rows(rows)
    return SessionFigures(rows=rows, satisfaction=by_satisfaction, classes=by_class, day=today)


def _count_overdue(rows: dict[int, UnitRow], overdue: QuerySet[Assignment]) -> None:
    # Overdue work includes co-handling (协办): a unit may have no answering row.
    for g in overdue.order_by().values("unit_id").annotate(n=Count("pk")):
        rows.setdefault(g["unit_id"], UnitRow(g["unit_id"], "")).overdue = g["n"]


def _name_rows(rows: dict[int, UnitRow]) -> None:
    """Unit names, read apart: grouping the figures by the joined name as well makes
    PostgreSQL sort instead of reading the covering indexes in order."""
    unnamed = [unit_id for unit_id, row in rows.items() if not row.unit_name]
    for unit_id, name in Unit.objects.filter(pk__in=unnamed).values_list("pk", "name"):
        rows[unit_id].unit_name = name


def _ranked(rows) -> list[UnitRow]:
    def key(row: UnitRow):
        def v(rate: Rate) -> float:
            return -1.0 if rate.value is None else rate.value

        return (-v(row.reply_rate), -v(row.on_time_rate), -v(row.satisfaction_rate),
                row.overdue, row.unit_name)

    return sorted(rows, key=key)


@dataclass
class CommitteeRow:
    """One committee's figures on a province's page: its current session's dashboard."""

    committee: Committee
    session: Session | None
    board: Dashboard | None


def committee_rows(committees: list[Committee], today: dt.date | None = None) -> list[CommitteeRow]:
    """The figures of each committee's current session (or its latest), by the same
    definitions as its own dashboard, and from the same cache: while nothing changes, the
    page costs two queries (the sessions, the data version), whatever the committees."""
    today = today or timezone.localdate()
    latest: dict[int, Session] = {}
    for session in Session.objects.filter(committee__in=committees).order_by(
        "-is_current", "-year", "-term", "-sitting"
    ):
        latest.setdefault(session.committee_id, session)
    version = data_version() if latest else None
    rows = []
    for committee in committees:
        session = latest.get(committee.pk)
        board = (
            cached_dashboard(session=session, today=today, overdue_limit=0, version=version)
            if session
            else None
        )
        rows.append(CommitteeRow(committee, session, board))
    return rows
