"""Importing proposals from an .xlsx in the layout a proposal committee exports.

Two steps: `import_check` reads the workbook and lists every row's problems without
writing anything; `import_run` writes every row in one transaction — all rows or none — with
the same result as registering each through proposals.services.proposal_register.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from jobs.outbox import enqueue
from proposals.models import Proposal, Proposer, Session, Unit
from proposals.validators import half_width_digits

from .models import ProposalImport
from .xlsx_limits import EMPTY_STRETCH, MAX_COLUMNS, ArchiveRefused, check_archive

# Column headers, in template order: (key, header, required).
COLUMNS = [
    ("number", "提案号", True),
    ("title", "案由", True),
    ("lead", "领衔人", True),
    ("co_signers", "附议人", False),
    ("sector", "界别", False),
    ("party", "党派", False),
    ("content", "提案内容", False),
    ("units", "建议承办单位", False),
]
HEADERS = [header for _key, header, _required in COLUMNS]

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
BACKGROUND_ROWS = 200
NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")
TITLE_MAX = Proposal._meta.get_field("title").max_length
NAME_MAX = Proposer._meta.get_field("name").max_length
UNITS_MAX = Proposal._meta.get_field("suggested_units").max_length


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass
class Row:
    line: int  # row number in the sheet, as Excel shows it
    number: int | None = None
    title: str = ""
    lead: str = ""
    co_signers: list[str] = field(default_factory=list)
    sector: str = ""
    party: str = ""
    content: str = ""
    units: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Check:
    rows: list[Row]
    file_problems: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[dict]:
        """Every problem as {"row": line or None, "message": ...}, file problems first."""
        found = [{"row": None, "message": m} for m in self.file_problems]
        for row in self.rows:
            found += [{"row": row.line, "message": m} for m in row.problems]
        return found

    @property
    def ok(self) -> bool:
        return not self.problems


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value) -> int | None:
    """提案号 as an integer: 12, 12.0, "12", "第12号"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 1 else None
    text = half_width_digits(_text(value))  # １２３ counts (the preview shows 123); ١٢٣ not
    match = re.fullmatch(r"第?\s*([0-9]+)\s*号?", text)
    if not match:
        return None
    number = int(match.group(1))
    return number if number >= 1 else None


def _names(value) -> list[str]:
    return [n for n in NAME_SEPARATORS.split(_text(value)) if n]


def read_workbook(data: bytes) -> list[tuple[int, dict]]:
    """The data rows of the first sheet as (line, {key: raw value}); raises ImportFileError
    for anything that is not a readable .xlsx in our layout."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("文件过大：不能超过10MB。"))
    # Check the content, not the name: an .xlsx is a zip holding xl/workbook.xml.
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError(
                _("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再上传。")
            )
        raise ImportFileError(_("文件不是 Excel 工作簿（.xlsx），请使用导入模板。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            check_archive(archive)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("文件已损坏，无法作为 .xlsx 打开。")) from exc
    except ArchiveRefused as exc:
        raise ImportFileError(str(exc)) from exc
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_("文件不是 Excel 工作簿（.xlsx），请使用导入模板。"))

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged parts
        raise ImportFileError(_("文件已损坏，无法读取工作表内容。")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(_("工作簿中没有工作表。"))
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("工作表是空的：第1行应为表头（%(h)s）。") % {
                "h": "、".join(HEADERS)})
        positions: dict[str, int] = {}
        for index, cell in enumerate(header):
            name = _text(cell).replace(" ", "").rstrip("*")
            for key, title, _required in COLUMNS:
                if name == title and key not in positions:
                    positions[key] = index
        missing = [title for key, title, required in COLUMNS if required
                   and key not in positions]
        if missing:
            raise ImportFileError(
                _("第1行表头缺少列：%(cols)s。请使用导入模板（列为：%(all)s）。")
                % {"cols": "、".join(missing), "all": "、".join(HEADERS)}
            )
        result = []
        empty = 0
        for line, values in enumerate(rows, start=2):
            if values is None or all(_text(v) == "" for v in values):
                empty += 1
                if empty >= EMPTY_STRETCH:  # the data ended; the rest is formatting
                    break
                continue
            empty = 0
            raw = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
            result.append((line, raw))
            if len(result) > MAX_ROWS:
                raise ImportFileError(
                    _("行数过多：一次最多导入%(n)d行，请分批导入。") % {"n": MAX_ROWS}
                )
        return result
    except ImportFileError:
        raise
    except Exception as exc:  # read-only mode parses the sheet lazily, while iterating
        raise ImportFileError(_("文件已损坏，无法读取工作表内容。")) from exc
    finally:
        workbook.close()


def _units_by_name(session: Session) -> dict[str, Unit]:
    lookup: dict[str, Unit] = {}
    for unit in Unit.objects.filter(committee_id=session.committee_id, is_active=True):
        lookup.setdefault(unit.name, unit)
        if unit.short_name:
            lookup.setdefault(unit.short_name, unit)
    return lookup


def check_rows(session: Session, raw_rows: list[tuple[int, dict]]) -> Check:
    """Every row's problems, in Chinese, with its row number; writes nothing."""
    units = _units_by_name(session)
    rows: list[Row] = []
    for line, raw in raw_rows:
        row = Row(line=line)
        number_text = _text(raw.get("number"))
        if not number_text:
            row.problems.append(_("第%(line)d行：缺少“提案号”。") % {"line": line})
        else:
            row.number = _number(raw.get("number"))
            if row.number is None:
                row.problems.append(
                    _("第%(line)d行：“提案号”应为正整数，现为“%(v)s”。")
                    % {"line": line, "v": number_text}
                )
        row.title = _text(raw.get("title"))
        if not row.title:
            row.problems.append(_("第%(line)d行：缺少“案由”。") % {"line": line})
        elif len(row.title) > TITLE_MAX:
            row.problems.append(
                _("第%(line)d行：“案由”过长（%(n)d字，最多%(max)d字）。")
                % {"line": line, "n": len(row.title), "max": TITLE_MAX}
            )
        row.lead = _text(raw.get("lead"))
        if not row.lead:
            row.problems.append(_("第%(line)d行：缺少“领衔人”。") % {"line": line})
        row.co_signers = [n for n in _names(raw.get("co_signers")) if n != row.lead]
        for name in [row.lead, *row.co_signers]:
            if len(name) > NAME_MAX:
                row.problems.append(
                    _("第%(line)d行：提案人名称“%(name)s…”过长（最多%(max)d字）。")
                    % {"line": line, "name": name[:10], "max": NAME_MAX}
                )
        row.sector = _text(raw.get("sector"))[:50]
        row.party = _text(raw.get("party"))[:50]
        row.content = _text(raw.get("content"))
        row.units = _names(raw.get("units"))
        unknown = [name for name in row.units if name not in units]
        if unknown:
            row.problems.append(
                _("第%(line)d行：“建议承办单位”中有未知单位：%(names)s。")
                % {"line": line, "names": "、".join(unknown)}
            )
        if len("、".join(row.units)) > UNITS_MAX:
            row.problems.append(_("第%(line)d行：“建议承办单位”过长。") % {"line": line})
        rows.append(row)

    first_line: dict[int, int] = {}
    for row in rows:
        if row.number is None:
            continue
        if row.number in first_line:
            row.problems.append(
                _("第%(line)d行：提案号%(n)d与第%(first)d行重复。")
                % {"line": row.line, "n": row.number, "first": first_line[row.number]}
            )
        else:
            first_line[row.number] = row.line
    existing = set(
        Proposal.objects.filter(session=session, number__in=list(first_line)).values_list(
            "number", flat=True
        )
    )
    for row in rows:
        if row.number in existing:
            row.problems.append(
                _("第%(line)d行：本届次已有第%(n)d号提案。") % {"line": row.line, "n": row.number}
            )
    check = Check(rows=rows)
    if not rows:
        check.file_problems.append(_("工作表中没有提案数据（第2行起）。"))
    return check


def import_check(*, session: Session, data: bytes) -> Check:
    try:
        raw = read_workbook(data)
    except ImportFileError as exc:
        return Check(rows=[], file_problems=[str(exc)])
    return check_rows(session, raw)


@transaction.atomic
def import_create(*, session: Session, owner, filename: str, data: bytes) -> ProposalImport:
    """Store the upload with its dry-run findings (nothing is imported yet)."""
    check = import_check(session=session, data=data)
    record = ProposalImport(
        session=session,
        owner=owner,
        filename=(filename or "import.xlsx")[:200],
        content=data,
        row_count=len(check.rows),
        problems=check.problems,
    )
    record.full_clean()
    record.save()
    return record


def _proposers_for(session: Session, rows: list[Row], actor) -> dict[str, Proposer]:
    """Proposers of the committee by name: reused when the name exists (the oldest, if
    several share it), created otherwise; the first row that names a new proposer as its
    lead gives its 界别/党派."""
    names: dict[str, tuple[str, str]] = {}
    for row in rows:
        names.setdefault(row.lead, (row.sector, row.party))
        for name in row.co_signers:
            names.setdefault(name, ("", ""))
        if names[row.lead] == ("", ""):
            names[row.lead] = (row.sector, row.party)
    by_name: dict[str, Proposer] = {}
    for proposer in Proposer.objects.filter(
        committee_id=session.committee_id, name__in=list(names)
    ).order_by("pk"):
        by_name.setdefault(proposer.name, proposer)
    new = [
        Proposer(committee_id=session.committee_id, name=name, sector=sector, party=party)
        for name, (sector, party) in names.items()
        if name not in by_name
    ]
    for proposer in new:
        proposer.clean_fields(exclude=["committee"])
    for proposer in bulk_create_with_history(new, Proposer, batch_size=500,
                                             default_user=actor):
        by_name[proposer.name] = proposer
    return by_name


def import_rows(
    *, session: Session, rows: list[Row], actor, progress: Callable[[float], None] | None = None
) -> list[Proposal]:
    """Write checked rows in one transaction: every row or none.

    The rows are written in bulk (a few queries per 500 rows, not ~25 per row) with the
    same result as proposals.services.proposal_register row by row: the same field values
    and model validation, the proposers of the session's committee, co-signers without the
    lead, and a history row per proposal (with its co-signers) recorded as `actor`.
    test_it_imports_the_same_as_registering_by_hand keeps the two in step. Uniqueness of
    the numbers was checked by the dry run and is enforced by the database constraint.
    """
    with transaction.atomic():
        proposers = _proposers_for(session, rows, actor)
        proposals = []
        for row in rows:
            proposal = Proposal(
                session=session,
                number=row.number,
                title=row.title.strip(),
                content=row.content,
                lead_proposer=proposers[row.lead],
                suggested_units="、".join(row.units),
                created_by=actor,
            )
            try:
                proposal.clean_fields(exclude=["session", "lead_proposer", "created_by"])
            except ValidationError as exc:
                raise ValidationError(
                    _("第%(line)d行：%(msg)s") % {"line": row.line, "msg": "；".join(exc.messages)}
                ) from exc
            proposals.append(proposal)
        if progress:
            progress(30)
        try:
            with transaction.atomic():
                created = bulk_create_with_history(
                    proposals, Proposal, batch_size=500, default_user=actor
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("写入失败：提案号与本届次已有提案重复，请重新上传检查。")
            ) from exc
        if progress:
            progress(70)
        through = Proposal.co_signers.through
        links = [
            through(proposal_id=proposal.pk, proposer_id=proposers[name].pk)
            for proposal, row in zip(created, rows, strict=True)
            for name in dict.fromkeys(row.co_signers)
            if proposers[name].pk != proposal.lead_proposer_id
        ]
        links = through.objects.bulk_create(links, batch_size=1000)
        history_of = dict(
            Proposal.history.filter(id__in=[p.pk for p in created]).values_list(
                "id", "history_id"
            )
        )
        m2m_history = HistoricalRecords.m2m_models[Proposal._meta.get_field("co_signers")]
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    id=link.pk,
                    proposal_id=link.proposal_id,
                    proposer_id=link.proposer_id,
                    history_id=history_of[link.proposal_id],
                )
                for link in links
            ],
            batch_size=1000,
        )
    return created


# An import whose worker died JOB_MAX_INTERRUPTIONS times (jobs.heartbeat) fails with this.
IMPORT_FAILED_INTERRUPTED = {
    "error": lambda n: _(
        "导入过程中后台工作进程停止，已中断%(n)d次，不再自动重试，未写入任何数据。"
        "请稍后重新上传；如仍失败，请联系系统管理员。"
    ) % {"n": n},
}


def import_run(*, record_id: int) -> str:
    """Import a checked upload (run inline, or by the worker for large files). Runs again
    safely: a finished import is left alone, and the rows and the 已导入 state are written
    in one transaction, so an import whose worker was killed (re-queued by
    `imports_requeue_stale`) either finds everything written or nothing."""
    from jobs.heartbeat import in_worker, resume_found_running
    from jobs.retry import TRANSIENT_ERRORS

    record = ProposalImport.objects.select_related("session").get(pk=record_id)
    if record.is_finished:
        return record.state
    running = ProposalImport.State.RUNNING
    if record.state == running and not resume_found_running(
        ProposalImport, record_id, failed=IMPORT_FAILED_INTERRUPTED
    ):
        return ProposalImport.State.FAILED
    finished = (ProposalImport.State.DONE, ProposalImport.State.FAILED)
    ProposalImport.objects.filter(pk=record_id).exclude(state__in=finished).update(
        state=running, progress=0, heartbeat_at=timezone.now()
    )
    try:
        failed_fields = _import_checked(record, running)
    except TRANSIENT_ERRORS:
        if in_worker():  # the task is retried: it starts again from the queue
            ProposalImport.objects.filter(pk=record_id, state=running).update(
                state=ProposalImport.State.QUEUED
            )
        raise
    if failed_fields:
        ProposalImport.objects.filter(pk=record_id, state=running).update(**failed_fields)
    return ProposalImport.objects.values_list("state", flat=True).get(pk=record_id)


def _import_checked(record: ProposalImport, running: str) -> dict | None:
    """Check the upload again and write its rows and its 已导入 state in one transaction;
    returns the fields of its failure, if it failed."""
    from jobs.heartbeat import Heartbeat

    record_id = record.pk
    with Heartbeat(ProposalImport, record_id) as beat:
        check = import_check(session=record.session, data=bytes(record.content))
        beat.report(progress=10)
        try:
            if not check.ok:
                raise ValidationError([p["message"] for p in check.problems])
            with transaction.atomic():
                created = import_rows(
                    session=record.session,
                    rows=check.rows,
                    actor=record.owner,
                    progress=lambda percent: beat.report(progress=int(percent)),
                )
                # In the same transaction as the rows. Also when the sweep re-queued it
                # meanwhile (its worker was slow, not dead): the re-run then finds it done.
                # One that another run of it finished is left as it is.
                ProposalImport.objects.filter(
                    pk=record_id, state__in=[running, ProposalImport.State.QUEUED]
                ).update(
                    state=ProposalImport.State.DONE,
                    progress=100,
                    imported_count=len(created),
                    finished_at=timezone.now(),
                )
        except ValidationError as exc:
            return {
                "state": ProposalImport.State.FAILED,
                "problems": check.problems,
                "error": "\n".join(exc.messages),
                "finished_at": timezone.now(),
            }
    return None


def imports_requeue_stale() -> dict[str, int]:
    """Re-queue the background imports whose worker died (no heartbeat for
    JOB_STALE_AFTER); one interrupted JOB_MAX_INTERRUPTIONS times fails. Every minute
    (celery beat)."""
    from jobs.heartbeat import requeue_stale

    return requeue_stale(
        ProposalImport,
        task_name="insights.import_run",
        kwarg="record_id",
        requeued={"progress": 0},
        failed=IMPORT_FAILED_INTERRUPTED,
    )


def import_confirm(*, record: ProposalImport, actor) -> ProposalImport:
    """确认导入: small files import now; large ones are queued for a worker (through the
    jobs app's outbox) and the page follows their progress."""
    if record.state != ProposalImport.State.CHECKED:
        raise ValidationError(_("这次上传已经处理过，请重新上传。"), code="not_checked")
    if record.problems:
        raise ValidationError(_("文件中还有问题，请修改后重新上传。"), code="has_problems")
    if record.row_count > BACKGROUND_ROWS:
        with transaction.atomic():
            ProposalImport.objects.filter(pk=record.pk).update(state=ProposalImport.State.QUEUED)
            enqueue("insights.import_run", record_id=record.pk)
    else:
        import_run(record_id=record.pk)
    record.refresh_from_db()
    return record


PREVIEW_ROWS = 200


@dataclass
class Preview:
    """What the clerk sees before 确认导入: the rows as they will be imported, each with
    the problems the dry run found on it; problems of the file as a whole apart."""

    rows: list[Row]
    file_problems: list[str]
    hidden: int  # rows without problems beyond the first PREVIEW_ROWS, not shown


def import_preview(record: ProposalImport, *, limit: int = PREVIEW_ROWS) -> Preview:
    """The stored upload read again for display. The problems are the ones stored by the
    dry run (what 确认导入 goes by), placed on their rows without the row number that the
    table shows in its own column. Every row with a problem is shown, and the first
    `limit` rows."""
    by_line: dict[int, list[str]] = {}
    file_problems = []
    for problem in record.problems:
        line = problem.get("row")
        if line is None:
            file_problems.append(problem["message"])
        else:
            by_line.setdefault(line, []).append(
                problem["message"].removeprefix(_("第%(line)d行：") % {"line": line})
            )
    try:
        raw = read_workbook(bytes(record.content))
    except ImportFileError:
        raw = []
    shown = []
    checked = check_rows(record.session, raw).rows if raw else []
    for index, row in enumerate(checked):
        row.problems = by_line.get(row.line, [])
        if index < limit or row.problems:
            shown.append(row)
    return Preview(rows=shown, file_problems=file_problems, hidden=len(checked) - len(shown))


def example_row(session: Session) -> list:
    """The template's sample row, made from the session so that it imports as it is: the
    next free number of the session (above every number it holds) and two of the
    committee's units, one by its short name and one by its full name, as the page says
    both are accepted."""
    from django.db.models import Max

    number = (Proposal.objects.filter(session=session).aggregate(n=Max("number"))["n"] or 0) + 1
    units = list(
        Unit.objects.filter(committee_id=session.committee_id, is_active=True).order_by(
            "name", "pk"
        )[:2]
    )
    names = [
        (unit.short_name or unit.name) if index == 0 else unit.name
        for index, unit in enumerate(units)
    ]
    return [
        number,
        "关于加快推进老旧小区加装电梯的建议",
        "王波",
        "李明、张华",
        "经济界",
        "民进",
        "我市老旧小区多建于上世纪八九十年代，居民老龄化程度高……建议简化审批、加大补贴。",
        "、".join(names),
    ]


def template_file_name(session: Session) -> str:
    return f"提案导入模板（{session.name}）.xlsx"


def template_bytes(session: Session) -> bytes:
    """The import template of a session: the header row, a sample row that imports into
    the session as it is (example_row) and a sheet of instructions. Deterministic (fixed
    document dates): the same session gives the same file."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "提案"
    sheet.append(HEADERS)
    example = example_row(session)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [10, 40, 12, 24, 12, 10, 60, 40]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    number_rule = DataValidation(type="whole", operator="greaterThan", formula1="0")
    number_rule.error = "提案号应为正整数"
    sheet.add_data_validation(number_rule)
    number_rule.add("A2:A5000")
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    for line in [
        ["列", "说明"],
        ["提案号", f"必填，正整数，本届次内不能重复（可写“第{example[0]}号”）"],
        ["案由", "必填，不超过200字"],
        ["领衔人", "必填；系统中已有同名提案人则沿用，否则新建"],
        ["附议人", "选填，多人用“、”或“，”分隔"],
        ["界别、党派", "选填；新建领衔人时记入其信息"],
        ["提案内容", "选填"],
        ["建议承办单位", "选填，多个单位用“、”分隔，须与系统中单位的全称或简称一致"],
        ["", "第2行为示例（用本届次下一个未用的提案号和本届次的承办单位），原样上传即可通过检查；"
             "填写时请改为实际提案或删除。只读取第一个工作表"],
    ]:
        notes.append(line)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 70
    fixed = dt.datetime(2025, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "提案办理系统"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
