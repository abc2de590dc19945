"""承办单位考评: each handling unit's score of a session.

What the code knows is how to MEASURE the indicators of INDICATORS, each with one grouped
query over the session (or a figure insights.stats already has: 按期办复率 and the
satisfaction rates are stats' own, never computed a second time). Which indicators count,
their weights, caps and direction are AssessmentRule rows the committee's clerk edits;
scoring (score_units) applies those rows to the measures.

- rate × weight: points = weight × rate; a unit with no base for the rate (no 会签 asked
  of it, say) gets the weight, nothing, or the weight × the average rate of the units that
  have one: the rule's `no_base`.
- deduction: points = −(points per count × count), no more than the cap.

Total = the sum of the rules' points + the clerk's adjustment (ScoreAdjustment).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals.models import Assignment, ContactRecord, Section, Session, Unit
from replies.models import FROZEN_STATES, Countersign

from .models import AssessmentRule, AssessmentScheme, ScoreAdjustment
from .stats import Rate, UnitRow, answering_assignments, session_figures

RATE, COUNT = "rate", "count"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    measures: str  # RATE or COUNT
    definition: str


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("on_time", _("按期办复率"), RATE,
                  _("按期办复件数 ÷ 应办复件数（与办理统计的定义相同）。")),
        Indicator("process_satisfaction", _("办理过程满意率"), RATE,
                  _("提案人对办理过程（满意 + 基本满意）÷ 已收到的反馈件数。")),
        Indicator("result_satisfaction", _("办理结果满意率"), RATE,
                  _("提案人对办理结果（满意 + 基本满意）÷ 已收到的反馈件数。")),
        Indicator("countersign_on_time", _("会签按时率"), RATE,
                  _("期限内（含当日）确认或退回的会签请求 ÷ 已到期或已处理的会签请求；"
                    "逾期视为同意的计为未按时，已撤回的不计。")),
        Indicator("contact", _("沟通协商记录率"), RATE,
                  _("有沟通协商记录的应办复交办件数 ÷ 应办复件数。")),
        Indicator("sections_returned", _("协办意见被退回"), COUNT,
                  _("本单位的协办意见被主办单位退回的次数（每退回一次计一次）。")),
        Indicator("days_overdue", _("超期天数"), COUNT,
                  _("已办复的：首份答复函成文日期晚于首次办理期限的天数；未办复的（及重新办理"
                    "中的）：截至统计日期超过办理期限的天数；各交办件合计。")),
    )
}


# The scheme a session starts with; the clerk changes it on the rules page.
DEFAULT_RULES = [
    # indicator, name, kind, weight, cap
    ("on_time", "按期办复", AssessmentRule.Kind.RATE, "30", None),
    ("process_satisfaction", "过程满意", AssessmentRule.Kind.RATE, "20", None),
    ("result_satisfaction", "结果满意", AssessmentRule.Kind.RATE, "30", None),
    ("countersign_on_time", "会签按时", AssessmentRule.Kind.RATE, "10", None),
    ("contact", "沟通协商", AssessmentRule.Kind.RATE, "10", None),
    ("sections_returned", "意见退回", AssessmentRule.Kind.DEDUCTION, "2", "10"),
    ("days_overdue", "超期", AssessmentRule.Kind.DEDUCTION, "0.5", "20"),
]
RATE_WEIGHTS_TOTAL = Decimal(100)


def default_rules(scheme: AssessmentScheme | None = None) -> list[AssessmentRule]:
    return [
        AssessmentRule(
            scheme=scheme, indicator=key, name=name, kind=kind, weight=Decimal(weight),
            cap=None if cap is None else Decimal(cap), order=i,
        )
        for i, (key, name, kind, weight, cap) in enumerate(DEFAULT_RULES, 1)
    ]


def scheme_for(session: Session) -> AssessmentScheme:
    """The session's scheme, created from DEFAULT_RULES when first asked for."""
    scheme = AssessmentScheme.objects.filter(session=session).first()
    if scheme is not None:
        return scheme
    try:
        with transaction.atomic():
            scheme = AssessmentScheme.objects.create(
                session=session, name=str(_("%(session)s承办单位考评")) % {"session": session.name}
            )
            for rule in default_rules(scheme):  # one by one: each with its history
                rule.save()
    except IntegrityError:  # opened twice at once: the other request made it
        scheme = AssessmentScheme.objects.get(session=session)
    return scheme


def rules_of(session: Session) -> list[AssessmentRule]:
    """The session's rules in order (one query); the defaults, unsaved, when the session
    has no scheme yet (reading the scores writes nothing)."""
    rules = list(AssessmentRule.objects.filter(scheme__session=session).order_by("order", "pk"))
    if rules or AssessmentScheme.objects.filter(session=session).exists():
        return rules
    return default_rules()


# --- Measuring -----------------------------------------------------------------------------


@dataclass
class UnitMeasures:
    unit_id: int
    unit_name: str = ""
    values: dict[str, Rate | int] = field(default_factory=dict)


def measure(session: Session, today: dt.date | None = None) -> dict[int, UnitMeasures]:
    """Every indicator of INDICATORS for every unit with work in the session: stats'
    per-unit figures (cached) and one grouped query for each indicator stats lacks."""
    today = today or timezone.localdate()
    rows = session_figures(session, today).rows
    countersigns = _countersign_counts(session, today)
    contacted = _contacted_counts(session)
    returned = _returned_counts(session)
    late_days = _days_overdue(session, today)
    names = _units_with_work(session)
    measures: dict[int, UnitMeasures] = {}
    for unit_id, name in names.items():
        row = rows.get(unit_id) or UnitRow(unit_id, name)
        on_time, total = countersigns.get(unit_id, (0, 0))
        measures[unit_id] = UnitMeasures(unit_id, name, {
            "on_time": row.on_time_rate,
            "process_satisfaction": row.process_satisfaction_rate,
            "result_satisfaction": row.result_satisfaction_rate,
            "countersign_on_time": Rate(on_time, total),
            "contact": Rate(contacted.get(unit_id, 0), row.assigned),
            "sections_returned": returned.get(unit_id, 0),
            "days_overdue": late_days.get(unit_id, 0),
        })
    return measures


def _units_with_work(session: Session) -> dict[int, str]:
    """The units scored: every unit handed work of the session (any role, not withdrawn),
    with its name."""
    return dict(
        Assignment.objects.filter(session=session)
        .exclude(state=Assignment.State.WITHDRAWN)
        .order_by().values_list("unit_id", "unit__name").distinct()
    )


def _countersign_counts(session: Session, today: dt.date) -> dict[int, tuple[int, int]]:
    """unit → (answered on time, counted). Counted: requests answered (confirmed,
    returned), lapsed, or pending past their due date; withdrawn ones and those still
    within their time are not. On time: answered on or before the due date."""
    State = Countersign.State
    answered = Q(state__in=(State.CONFIRMED, State.RETURNED))
    counted = (
        answered | Q(state=State.LAPSED) | Q(state=State.PENDING, due_on__lt=today)
    )
    on_time = answered & (Q(due_on__isnull=True) | Q(decided_on__lte=F("due_on")))
    result = {}
    for g in (
        Countersign.objects.filter(counted, assignment__session=session)
        .order_by().values("unit_id")
        .annotate(total=Count("pk"), on_time=Count("pk", filter=on_time))
    ):
        result[g["unit_id"]] = (g["on_time"], g["total"])
    return result


def _contacted_counts(session: Session) -> dict[int, int]:
    """unit → its answering assignments (stats' base of 应办复) with a contact record."""
    return dict(
        ContactRecord.objects.filter(assignment__in=answering_assignments(session).values("pk"))
        .order_by().values("assignment__unit_id")
        .annotate(n=Count("assignment_id", distinct=True))
        .values_list("assignment__unit_id", "n")
    )


def _returned_counts(session: Session) -> dict[int, int]:
    """unit → how many times its sections were returned: the history rows of a return
    (each return stamps a new decision time), so a section returned twice counts twice and
    a returned section edited afterwards counts once."""
    returns = (
        Section.history.filter(
            state=Section.State.RETURNED,
            assignment__session=session,
        )
        .exclude(assignment__state=Assignment.State.WITHDRAWN)
        .order_by().values_list("assignment__unit_id", "id", "decided_at").distinct()
    )
    return dict(Counter(unit_id for unit_id, _section, _decided in returns))


def _days_overdue(session: Session, today: dt.date) -> dict[int, int]:
    """unit → the days its assignments ran past their due date: the first signed reply's
    days past the first due date (lead and split units; the date 按期办复 counts against,
    before any 重新办理), and for open work past its due date with no reply yet or
    reopened (重新办理), the days to `today` (co units too, as in 超期未办)."""
    first_signed = Min("replies__signed_on", filter=Q(replies__state__in=FROZEN_STATES))
    first_due = Coalesce("first_due_on", "due_on")
    open_late = Assignment.overdue_condition(today)
    late = (
        Assignment.objects.filter(session=session)
        .exclude(state=Assignment.State.WITHDRAWN)
        .annotate(first_signed=first_signed, first_due=first_due)
        .filter(
            Q(first_signed__gt=F("first_due"))
            | (open_late & (Q(first_signed__isnull=True) | Q(first_due_on__isnull=False)))
        )
        .order_by().values_list("unit_id", "first_due", "first_signed", "due_on", "state",
                                "first_due_on")
    )
    days: Counter = Counter()
    for unit_id, due, signed, due_now, state, reopened in late:
        if signed is not None and signed > due:
            days[unit_id] += (signed - due).days
        still_open = state in Assignment.OPEN_STATES and due_now < today
        if still_open and (signed is None or reopened is not None):
            days[unit_id] += (today - due_now).days
    return dict(days)


def _name(measures: dict[int, UnitMeasures]) -> None:
    unnamed = [unit_id for unit_id, m in measures.items() if not m.unit_name]
    if unnamed:
        for unit_id, name in Unit.objects.filter(pk__in=unnamed).values_list("pk", "name"):
            measures[unit_id].unit_name = name


# --- Scoring -------------------------------------------------------------------------------


@dataclass
class Part:
    rule: AssessmentRule
    measured: Rate | int
    points: Decimal

    @property
    def indicator(self) -> Indicator:
        return INDICATORS[self.rule.indicator]

    @property
    def shown(self) -> str:
        """The measure as the page shows it: 18/20 = 90.0%, or a count."""
        if isinstance(self.measured, Rate):
            if self.measured.value is None:
                return str(_("无计算基数（%(rule)s）")) % {
                    "rule": self.rule.get_no_base_display()
                }
            rate = self.measured
            return f"{rate.numerator}/{rate.denominator} = {rate.percent}"
        return str(self.measured)


@dataclass
class UnitScore:
    unit_id: int
    unit_name: str
    total: Decimal
    parts: dict[str, Decimal]  # rule name → points
    adjustment: ScoreAdjustment | None = None
    details: list[Part] = field(default_factory=list)
    rank: int = 0

    @property
    def adjustment_points(self) -> Decimal:
        return self.adjustment.points if self.adjustment else Decimal(0)

    @property
    def base(self) -> Decimal:
        """The total before the adjustment."""
        return self.total - self.adjustment_points


def _points(rule: AssessmentRule, measured: Rate | int, average: float | None) -> Decimal:
    if rule.kind == AssessmentRule.Kind.RATE:
        value = measured.value if isinstance(measured, Rate) else None
        if value is None:
            NoBase = AssessmentRule.NoBase
            value = {NoBase.FULL: 1.0, NoBase.ZERO: 0.0}.get(
                rule.no_base, 1.0 if average is None else average
            )
        return (rule.weight * Decimal(str(value))).quantize(CENT, ROUND_HALF_UP)
    count = measured.numerator if isinstance(measured, Rate) else measured
    taken = rule.weight * count
    if rule.cap is not None:
        taken = min(taken, rule.cap)
    return (-taken).quantize(CENT, ROUND_HALF_UP) + 0  # + 0: no "-0.00"


def _averages(rules: list[AssessmentRule], measures) -> dict[str, float | None]:
    """For each rate indicator: the mean of the rates of the units that have a base."""
    result = {}
    for rule in rules:
        values = [
            v.value for m in measures
            if isinstance(v := m.values.get(rule.indicator), Rate) and v.value is not None
        ]
        result[rule.indicator] = sum(values) / len(values) if values else None
    return result


def counted_rules(rules: list[AssessmentRule]) -> list[AssessmentRule]:
    """The rules that score: enabled, of an indicator the code measures (a row left
    naming one a later release dropped counts nothing, rather than failing the page)."""
    return [r for r in rules if r.enabled and r.indicator in INDICATORS]


def score_units(
    rules: list[AssessmentRule], measures: dict[int, UnitMeasures],
    adjustments: dict[int, ScoreAdjustment],
) -> list[UnitScore]:
    """Apply the enabled rules to the measures; best total first (then by name), ranked
    (equal totals share a rank)."""
    rules = counted_rules(rules)
    averages = _averages(rules, measures.values())
    scores = []
    for unit_id, m in measures.items():
        details = [
            Part(rule, m.values[rule.indicator],
                 _points(rule, m.values[rule.indicator], averages[rule.indicator]))
            for rule in rules
        ]
        adjustment = adjustments.get(unit_id)
        total = sum((p.points for p in details), Decimal(0))
        if adjustment is not None:
            total += adjustment.points
        scores.append(UnitScore(
            unit_id=unit_id, unit_name=m.unit_name, total=total,
            parts={p.rule.name: p.points for p in details}, adjustment=adjustment,
            details=details,
        ))
    scores.sort(key=lambda s: (-s.total, s.unit_name, s.unit_id))
    for i, score in enumerate(scores):
        previous = scores[i - 1] if i else None
        score.rank = previous.rank if previous and previous.total == score.total else i + 1
    return scores


def adjustments_of(session: Session) -> dict[int, ScoreAdjustment]:
    return {
        a.unit_id: a
        for a in ScoreAdjustment.objects.filter(session=session).select_related("changed_by")
    }


def session_scores(
    session: Session, today: dt.date | None = None, *, rules: list[AssessmentRule] | None = None
) -> list[UnitScore]:
    """Every unit's score of the session, best first: the annual report's figures and the
    assessment page's. A fixed number of queries whatever the number of units."""
    measures = measure(session, today)
    adjustments = adjustments_of(session)
    missing = [unit_id for unit_id in adjustments if unit_id not in measures]
    if missing:  # adjusted, though nothing of its work is measured (yet)
        _add_unmeasured(measures, missing)
    return score_units(rules if rules is not None else rules_of(session), measures, adjustments)


def _add_unmeasured(measures: dict[int, UnitMeasures], unit_ids: list[int]) -> None:
    for unit_id in unit_ids:
        measures[unit_id] = UnitMeasures(unit_id, "", {
            key: Rate(0, 0) if i.measures == RATE else 0 for key, i in INDICATORS.items()
        })
    _name(measures)
