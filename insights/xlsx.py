"""Workbooks (.xlsx) of the dashboard tables, proposals, assignments and the reply register.

Each builder takes rows the caller has already scoped to what the person may see and
returns (filename, bytes). The list builders stream their rows from the database and, given
a `progress(percent, message)` callable (a background job's), report how far they are.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from proposals.models import Assignment, Proposal
from replies.models import FROZEN_STATES, Reply

from .assessment import INDICATORS, counted_rules
from .importing import HEADERS as IMPORT_HEADERS
from .stats import Dashboard

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ProgressCallback = Callable[[float, str], object]

# Rows fetched per query (the M2M prefetch of the proposal list runs once per chunk).
CHUNK_SIZE = 500
# How often the list builders report progress, and the share of the bar the rows take
# (the rest is openpyxl compressing the file).
PROGRESS_EVERY = 250
ROWS_SHARE = 90


def _workbook():
    from openpyxl import Workbook

    return Workbook(write_only=True)


def _sheet(workbook, title: str, header: list[str], rows: Iterable[list]):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([str(v) if isinstance(v, Promise) else v for v in row])
    return sheet


def _bytes(workbook, progress: ProgressCallback | None = None) -> bytes:
    if progress is not None:
        progress(ROWS_SHARE + 5, _("正在生成文件……"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _stream(rows: QuerySet, progress: ProgressCallback | None) -> Iterator:
    """The rows one chunk at a time (150,000 model instances never sit in memory at once);
    with `progress`, one count() first and a report every PROGRESS_EVERY rows."""
    if progress is None:
        yield from rows.iterator(chunk_size=CHUNK_SIZE)
        return
    total = rows.count()
    progress(0, _("共%(n)d行，正在写入……") % {"n": total})
    i = 0
    for i, row in enumerate(rows.iterator(chunk_size=CHUNK_SIZE), 1):
        yield row
        if i % PROGRESS_EVERY == 0:
            # Rows added after the count() must not push the bar past its share.
            progress(ROWS_SHARE * i / max(total, i),
                     _("已写入%(i)d/%(n)d行") % {"i": i, "n": max(total, i)})
    progress(ROWS_SHARE, _("已写入%(i)d/%(n)d行") % {"i": i, "n": i})


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """openpyxl cannot store aware datetimes: local (Asia/Shanghai) wall time instead."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def _ratio(rate) -> float | None:
    return None if rate.value is None else round(rate.value, 4)


def dashboard_workbook(board: Dashboard) -> tuple[str, bytes]:
    workbook = _workbook()
    scope = board.unit.name if board.unit else _("全部单位")
    _sheet(workbook, _("概况"), [_("指标"), _("分子"), _("分母"), _("比率")], [
        [_("届次"), board.session.name, None, None],
        [_("范围"), scope, None, None],
        [_("统计日期"), board.today, None, None],
        [_("提案件数"), board.proposal_total, None, None],
        [_("办复率"), board.replied, board.assigned, _ratio(board.reply_rate)],
        [_("按期办复率"), board.on_time, board.assigned, _ratio(board.on_time_rate)],
        [_("满意率"), board.satisfaction_rate.numerator, board.feedback_total,
         _ratio(board.satisfaction_rate)],
        [_("办理过程满意率"), board.process_satisfied, board.feedback_total,
         _ratio(board.process_satisfaction_rate)],
        [_("办理结果满意率"), board.result_satisfied, board.feedback_total,
         _ratio(board.result_satisfaction_rate)],
        [_("超期未办（交办件次）"), board.overdue_count, None, None],
        [_("超期未办涉及提案件数"), board.overdue_proposals, None, None],
    ])
    _sheet(workbook, _("提案状态"), [_("状态"), _("件数")],
           [[label, n] for _key, label, n in board.status_counts])
    _sheet(workbook, _("满意度"), [_("满意度"), _("件数")],
           [[label, n] for _key, label, n in board.feedback_counts])
    _sheet(workbook, _("办理类别"), [_("类别"), _("件数"), _("占比")],
           [[c, n, _ratio(rate)] for c, n, rate in board.class_shares])
    _sheet(
        workbook,
        _("单位排名"),
        [_("名次"), _("单位"), _("应办复"), _("已办复"), _("办复率"), _("按期办复"),
         _("按期办复率"), _("反馈"), _("满意及基本满意"), _("满意率"), _("办理过程满意率"),
         _("办理结果满意率"), _("超期未办（件次）")],
        [
            [i, r.unit_name, r.assigned, r.replied, _ratio(r.reply_rate), r.on_time,
             _ratio(r.on_time_rate), r.feedback, r.satisfied, _ratio(r.satisfaction_rate),
             _ratio(r.process_satisfaction_rate), _ratio(r.result_satisfaction_rate),
             r.overdue]
            for i, r in enumerate(board.units, 1)
        ],
    )
    _sheet(
        workbook,
        _("超期未办"),
        [_("提案号"), _("案由"), _("承办单位"), _("办理方式"), _("办理期限"), _("超期天数")],
        [
            [a.proposal.number, a.proposal.title, a.unit.name, a.get_role_display(),
             a.due_on, (board.today - a.due_on).days]
            for a in board.overdue
        ],
    )
    return f"{board.session.name}办理统计.xlsx", _bytes(workbook)


def proposals_workbook(
    proposals: QuerySet[Proposal], *, name: str, progress: ProgressCallback | None = None
) -> tuple[str, bytes]:
    """The proposal list, in the import layout first (so it can be edited and re-imported
    into another system), then status and dates."""
    rows = (
        proposals.select_related("lead_proposer", "session")
        .prefetch_related("co_signers")
        .order_by("session", "number")
    )
    workbook = _workbook()
    header = [*IMPORT_HEADERS, _("理由"), _("建议"), _("状态"), _("登记时间"), _("交办日期")]
    _sheet(workbook, _("提案"), header, (
        [
            p.number, p.title, p.lead_proposer.name,
            "、".join(c.name for c in p.co_signers.all()),
            p.lead_proposer.sector, p.lead_proposer.party, p.content, p.suggested_units,
            p.reasons, p.suggestions, p.get_status_display(), _local(p.registered_at),
            p.assigned_on,
        ]
        for p in _stream(rows, progress)
    ))
    return f"{name}提案清单.xlsx", _bytes(workbook, progress)


def assignments_workbook(
    assignments: QuerySet[Assignment],
    *,
    name: str,
    today: dt.date | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[str, bytes]:
    today = today or timezone.localdate()
    rows = assignments.select_related("proposal", "unit").in_reading_order(
        "proposal__number"
    )
    workbook = _workbook()
    header = [_("提案号"), _("案由"), _("承办单位"), _("办理方式"), _("交办日期"),
              _("办理期限"), _("状态"), _("完成时间"), _("是否超期")]
    _sheet(workbook, _("交办"), header, (
        [
            a.proposal.number, a.proposal.title, a.unit.name, a.get_role_display(),
            a.assigned_on, a.due_on, a.get_state_display(), _local(a.completed_at),
            _("是") if a.is_open and a.due_on < today else _("否"),
        ]
        for a in _stream(rows, progress)
    ))
    return f"{name}交办清单.xlsx", _bytes(workbook, progress)


def replies_workbook(
    replies: QuerySet[Reply], *, name: str, progress: ProgressCallback | None = None
) -> tuple[str, bytes]:
    """答复登记簿: signed and sent replies with their document number, date, class and the
    proposer's feedback."""
    rows = (
        replies.filter(state__in=FROZEN_STATES)
        # The feedback is one-to-one: joined, not prefetched once per chunk.
        .select_related("proposal", "unit", "supersedes", "feedback")
        .order_by("proposal__number", "unit__name", "signed_on", "pk")
    )
    workbook = _workbook()
    header = [_("提案号"), _("案由"), _("答复单位"), _("发文字号"), _("成文日期"),
              _("办理类别"), _("公开属性"), _("状态"), _("发送时间"), _("更正的答复"),
              _("反馈"), _("办理过程"), _("办理结果"), _("反馈意见"), _("反馈时间")]

    def line(r: Reply) -> list:
        feedback = getattr(r, "feedback", None) if hasattr(r, "feedback") else None
        return [
            r.proposal.number, r.proposal.title, r.unit.name, r.doc_number, r.signed_on,
            r.category, r.get_disclosure_display(), r.get_state_display(), _local(r.sent_at),
            r.supersedes.doc_number if r.supersedes_id else "",
            feedback.get_satisfaction_display() if feedback else "",
            feedback.get_process_satisfaction_display() if feedback else "",
            feedback.get_result_satisfaction_display() if feedback else "",
            feedback.comment if feedback else "",
            _local(feedback.received_at) if feedback else None,
        ]

    _sheet(workbook, _("答复登记"), header, (line(r) for r in _stream(rows, progress)))
    return f"{name}答复登记.xlsx", _bytes(workbook, progress)


def _text_sheet(workbook, title: str, header: list[str], rows: Iterable[list]):
    """_sheet, for rows with texts people wrote (a reason, a name): one that begins with
    "=" stays text, where openpyxl would store a formula."""
    from openpyxl.cell import WriteOnlyCell

    sheet = _sheet(workbook, title, header, [])
    for row in rows:
        line = []
        for value in row:
            if isinstance(value, str) and value.startswith("="):
                value = WriteOnlyCell(sheet, value=value)
                value.data_type = "s"
            line.append(value)
        sheet.append(line)
    return sheet


def assessment_workbook(
    session, scores: list, rules: list, *, today: dt.date
) -> tuple[str, bytes]:
    """承办单位考评: the ranked table (each enabled rule's points a column, the adjustment
    and its reason apart) and the rules. Points are numbers."""
    workbook = _workbook()
    enabled = counted_rules(rules)
    _text_sheet(
        workbook,
        _("考评排名"),
        [_("名次"), _("单位"), *[r.name for r in enabled], _("调整"), _("调整理由"),
         _("总分")],
        (
            [s.rank, s.unit_name, *[s.parts.get(r.name) for r in enabled],
             s.adjustment.points if s.adjustment else None,
             s.adjustment.reason if s.adjustment else "", s.total]
            for s in scores
        ),
    )
    _text_sheet(
        workbook,
        _("考评规则"),
        [_("顺序"), _("名称"), _("指标"), _("计分方式"), _("权重/每次扣分"), _("扣分上限"),
         _("无计算基数时"), _("启用")],
        (
            [r.order, r.name, str(getattr(INDICATORS.get(r.indicator), "label", r.indicator)),
             r.get_kind_display(), r.weight, r.cap,
             r.get_no_base_display() if r.kind == r.Kind.RATE else "",
             _("是") if r.enabled else _("否")]
            for r in rules
        ),
    )
    return f"{session.name}承办单位考评（{today:%Y-%m-%d}）.xlsx", _bytes(workbook)
