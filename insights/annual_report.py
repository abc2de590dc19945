"""The draft of a session's 提案办理工作报告: the figures gathered from the statistics (the
same functions, and so the same definitions, as the dashboard), written as a report spec
and laid out by the letter package's report layout (replies.letter.report_builder).

insights sits above replies in the layers (docs/architecture.md), so it may call the
layout; the layout knows nothing of Django. The clerk downloads the .docx and edits it in
Word: the text the system cannot know (problems, next year's work) is left in 【】.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from proposals.models import Assignment, Proposal, Session
from replies.letter.docx_builder import TITLE_CELLS
from replies.letter.report_builder import build_report

from . import assessment, stats
from .stats import Rate, UnitRow

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHART_UNITS = 15  # the chart shows the first units of the ranking
SCORED_SHOWN = 3  # best and worst scored units in the 考评 table

Status = Proposal.Status
# 立案: accepted and everything after it; 待审查: registered, not yet decided.
ACCEPTED_STATUSES = (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ANSWERED,
                     Status.FEEDBACK, Status.CLOSED)


@dataclass(frozen=True)
class KeyRow:
    number: int
    title: str
    leader: str  # 领衔督办: name and title
    supervising_unit: str
    lead_units: str  # the units answering it (主办/分办), 、-separated
    state: str
    supervisions: int  # 督办 records


@dataclass
class ReportFigures:
    """Everything the report prints, as plain data."""

    committee_name: str
    session_name: str
    as_of: dt.date
    proposal_total: int
    by_status: dict[str, int]
    units_involved: int
    by_role: dict[str, int]  # assignments (件次) by role, withdrawn ones left out
    assigned: int
    replied: int
    on_time: int
    rates: list[tuple[str, Rate]]
    class_shares: list[tuple[str, int, Rate]]
    units: list[UnitRow]
    key_rows: list[KeyRow]
    key_rates: list[tuple[str, Rate]]
    scored_units: list[tuple[str, float]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(self.by_status.get(s, 0) for s in ACCEPTED_STATUSES)


def headline_rates(board: stats.Dashboard) -> list[tuple[str, Rate]]:
    """The rates of the figures table and of 二、办理情况, in order: a new rate is one more
    row here."""
    return [
        (_("办复率"), board.reply_rate),
        (_("按期办复率"), board.on_time_rate),
        (_("满意率"), board.satisfaction_rate),
        (_("办理过程满意率"), board.process_satisfaction_rate),
        (_("办理结果满意率"), board.result_satisfaction_rate),
    ]


def key_rates(board: stats.Dashboard) -> list[tuple[str, Rate]]:
    return [(_("重点提案办复率"), board.key_reply_rate),
            (_("重点提案满意率"), board.key_satisfaction_rate)]


def scored_units_for_report(session: Session, today: dt.date) -> list[tuple[str, Decimal]]:
    """The handling units' 考评 totals of the session (insights.assessment, with the
    committee's rules, or the default ones before any were stored), as (unit name,
    score), best first. Empty when no unit has work in the session: 考评结果尚未生成."""
    return [(s.unit_name, s.total) for s in assessment.session_scores(session, today)]


def _key_rows(session: Session) -> list[KeyRow]:
    proposals = (
        Proposal.objects.filter(session=session, is_key=True)
        .annotate(supervisions=Count("supervision_records"))
        .prefetch_related("assignments__unit")
        .order_by("number")
    )
    rows = []
    for p in proposals:
        answering = [a.unit.name for a in sorted(p.assignments.all(), key=lambda a: a.pk)
                     if a.answers_proposer and a.state != Assignment.State.WITHDRAWN]
        rows.append(KeyRow(
            number=p.number, title=p.title,
            leader=f"{p.supervising_leader_title}{p.supervising_leader}",
            supervising_unit=p.supervising_unit, lead_units="、".join(answering) or "—",
            state=p.get_status_display(), supervisions=p.supervisions,
        ))
    return rows


def gather(session: Session, *, today: dt.date) -> ReportFigures:
    """The report's figures of `session` as of `today`, from the dashboard's statistics."""
    board = stats.cached_dashboard(session=session, today=today, overdue_limit=0)
    live = Assignment.objects.filter(session=session).exclude(state=Assignment.State.WITHDRAWN)
    by_role = dict(live.order_by().values_list("role").annotate(n=Count("pk")))
    return ReportFigures(
        committee_name=session.committee.name,
        session_name=session.name,
        as_of=today,
        proposal_total=board.proposal_total,
        by_status={key: n for key, _label, n in board.status_counts},
        units_involved=live.order_by().values("unit").distinct().count(),
        by_role={role: by_role.get(role, 0) for role in Assignment.Role.values},
        assigned=board.assigned,
        replied=board.replied,
        on_time=board.on_time,
        rates=headline_rates(board),
        class_shares=board.class_shares,
        units=board.units,
        key_rows=_key_rows(session),
        key_rates=key_rates(board) if board.key_proposals else [],
        scored_units=scored_units_for_report(session, today),
    )


# ---- the report's text ----------------------------------------------------------------


def _table(caption: str, columns: list[str], rows: list[list], widths: list[float]) -> dict:
    return {"table": {"caption": caption, "columns": columns,
                      "rows": [[str(c) for c in row] for row in rows], "widths": widths}}


def _rate_text(rates: list[tuple[str, Rate]]) -> str:
    return "，".join(f"{label}{rate.percent}" for label, rate in rates)


class _Numbered:
    """表1、表2… and 图1… in the order they are printed."""

    def __init__(self):
        self.tables = self.charts = 0

    def table(self, title: str) -> str:
        self.tables += 1
        return f"表{self.tables}　{title}"

    def chart(self, title: str) -> str:
        self.charts += 1
        return f"图{self.charts}　{title}"


def _basic(f: ReportFigures, n: _Numbered) -> dict:
    s = f.by_status
    role = f.by_role
    text = _(
        "%(session)s期间，共收到提案%(total)d件。经审查，立案%(accepted)d件，不予立案"
        "%(rejected)d件，并案%(merged)d件，尚待审查%(registered)d件。立案提案交由%(units)d个"
        "承办单位办理，其中主办%(lead)d件次、分办%(split)d件次、协办%(co)d件次。"
    ) % {
        "session": f.session_name, "total": f.proposal_total, "accepted": f.accepted,
        "rejected": s.get(Status.REJECTED, 0), "merged": s.get(Status.MERGED, 0),
        "registered": s.get(Status.REGISTERED, 0), "units": f.units_involved,
        "lead": role.get(Assignment.Role.LEAD, 0), "split": role.get(Assignment.Role.SPLIT, 0),
        "co": role.get(Assignment.Role.CO, 0),
    }
    rows = [
        [_("提案总数"), f.proposal_total, "—"],
        [_("立案"), f.accepted, Rate(f.accepted, f.proposal_total).percent],
        [_("不予立案"), s.get(Status.REJECTED, 0),
         Rate(s.get(Status.REJECTED, 0), f.proposal_total).percent],
        [_("并案"), s.get(Status.MERGED, 0),
         Rate(s.get(Status.MERGED, 0), f.proposal_total).percent],
        [_("尚待审查"), s.get(Status.REGISTERED, 0),
         Rate(s.get(Status.REGISTERED, 0), f.proposal_total).percent],
        [_("承办单位数"), f.units_involved, "—"],
        [_("主办件次"), role.get(Assignment.Role.LEAD, 0), "—"],
        [_("分办件次"), role.get(Assignment.Role.SPLIT, 0), "—"],
        [_("协办件次"), role.get(Assignment.Role.CO, 0), "—"],
    ]
    return {"heading": _("基本情况"), "blocks": [
        text,
        _table(n.table(_("提案基本情况")), [_("项目"), _("件数"), _("占提案总数")], rows,
               [3, 1.5, 1.5]),
    ]}


def _handling(f: ReportFigures, n: _Numbered) -> dict:
    text = _(
        "截至%(date)s，应办复%(assigned)d件（主办、分办），已办复%(replied)d件，"
        "其中按期办复%(on_time)d件；%(rates)s。"
    ) % {"date": f"{f.as_of.year}年{f.as_of.month}月{f.as_of.day}日",
         "assigned": f.assigned, "replied": f.replied, "on_time": f.on_time,
         "rates": _rate_text(f.rates)}
    rate_rows = [[label, rate.numerator, rate.denominator, rate.percent]
                 for label, rate in f.rates]
    blocks: list = [
        text,
        _table(n.table(_("办理情况")), [_("指标"), _("件数"), _("基数"), _("比率")],
               rate_rows, [2.5, 1, 1, 1.5]),
    ]
    total = sum(c for _c, c, _r in f.class_shares)
    if total:
        parts = "，".join(_("%(c)s类%(n)d件，占%(p)s") % {"c": c, "n": count, "p": rate.percent}
                          for c, count, rate in f.class_shares)
        blocks.append(_("已签发的答复中，按办理类别分：%(parts)s。") % {"parts": parts})
    else:
        blocks.append(_("尚无已签发的答复，办理类别暂无统计。"))
    blocks.append(_table(
        n.table(_("办理类别")), [_("办理类别"), _("件数"), _("占比")],
        [[_("%(c)s类") % {"c": c}, count, rate.percent] for c, count, rate in f.class_shares],
        [2, 1.5, 1.5]))
    blocks.append(_table(
        n.table(_("各承办单位办复情况")),
        [_("承办单位"), _("应办复"), _("已办复"), _("办复率"), _("按期办复率"), _("满意率")],
        [[r.unit_name, r.assigned, r.replied, r.reply_rate.percent, r.on_time_rate.percent,
          r.satisfaction_rate.percent] for r in f.units] or [[_("暂无"), "—", "—", "—", "—",
                                                             "—"]],
        [68, 16, 16, 16, 24, 16]))  # mm: 按期办复率 on one line
    blocks.append({"chart": {
        "caption": n.chart(_("各承办单位办复率") if len(f.units) <= CHART_UNITS
                           else _("各承办单位办复率（前%(n)d名）") % {"n": CHART_UNITS}),
        "rows": [(r.unit_name, r.reply_rate.value or 0.0, r.reply_rate.percent)
                 for r in f.units[:CHART_UNITS]],
    }})
    return {"heading": _("办理情况"), "blocks": blocks}


def _key(f: ReportFigures, n: _Numbered) -> dict:
    if not f.key_rows:
        return {"heading": _("重点提案办理"), "blocks": [_("本届次未确定重点提案。")]}
    text = _("本届次确定重点提案%(n)d件，由领导领衔督办。%(rates)s。") % {
        "n": len(f.key_rows), "rates": _rate_text(f.key_rates)}
    return {"heading": _("重点提案办理"), "blocks": [
        text,
        _table(n.table(_("重点提案办理情况")),
               [_("提案号"), _("案由"), _("领衔督办"), _("主办单位"), _("状态"), _("督办次数")],
               [[k.number, k.title, k.leader, k.lead_units, k.state, k.supervisions]
                for k in f.key_rows],
               [16, 42, 30, 32, 16, 20]),  # mm: a number of five digits on one line
    ]}


def _scored(f: ReportFigures, n: _Numbered) -> dict:
    heading = _("承办单位考评")
    if not f.scored_units:
        return {"heading": heading, "blocks": [_("考评结果尚未生成。")]}
    ranked = sorted(f.scored_units, key=lambda u: (-float(u[1]), u[0]))
    best = ranked[:SCORED_SHOWN]
    worst = ranked[max(SCORED_SHOWN, len(ranked) - SCORED_SHOWN):]
    rows = [[_("前列"), i, name, f"{float(score):.1f}"]
            for i, (name, score) in enumerate(best, start=1)]
    start = len(ranked) - len(worst) + 1
    rows += [[_("后列"), i, name, f"{float(score):.1f}"]
             for i, (name, score) in enumerate(worst, start=start)]
    text = _("对%(n)d个承办单位进行了考评，得分居前的是%(best)s。") % {
        "n": len(ranked), "best": "、".join(name for name, _s in best)}
    return {"heading": heading, "blocks": [
        text,
        _table(n.table(_("承办单位考评得分（前%(k)d名和后%(k)d名）") % {"k": SCORED_SHOWN}),
               [_("位次"), _("名次"), _("承办单位"), _("得分")], rows, [1.2, 1, 4, 1.2]),
    ]}


def _title(f: ReportFigures) -> str:
    """The committee's name, then the session and 提案办理工作报告; on two lines, broken
    after the name, when it is longer than a title line."""
    rest = _("%(session)s提案办理工作报告") % {"session": f.session_name}
    sep = "\n" if len(f.committee_name) + len(rest) > TITLE_CELLS else ""
    return f"{f.committee_name}{sep}{rest}"


def report_spec(f: ReportFigures) -> dict:
    """The report spec (replies.letter.report_builder) of the figures."""
    n = _Numbered()
    return {
        "title": _title(f),
        "intro": [{"todo": _("开头段落：今年以来提案办理工作的总体情况和主要做法，请撰写")}],
        "sections": [
            _basic(f, n),
            _handling(f, n),
            _key(f, n),
            _scored(f, n),
            {"heading": _("存在问题和下一步工作"), "blocks": [
                {"todo": _("存在问题：请撰写")},
                {"todo": _("下一步工作：请撰写")},
            ]},
        ],
        "signature": _("%(committee)s提案委员会") % {"committee": f.committee_name},
        "date": f.as_of.isoformat(),
    }


def file_name(session: Session) -> str:
    return _("%(session)s提案办理工作报告（草稿）.docx") % {"session": session.name}


def annual_report(session: Session, *, today: dt.date) -> tuple[str, str, bytes]:
    """(file name, MIME type, .docx bytes) of the session's report as of `today`: the same
    data on the same day gives the same bytes (the date is the document's time)."""
    data = build_report(report_spec(gather(session, today=today)))
    return file_name(session), DOCX_MIME, data
