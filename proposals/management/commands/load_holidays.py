"""Add or replace one year's holidays and make-up working days (调休).

From the chinese_calendar package when it knows the year, or from a file the administrator
supplies: CSV with the columns date,kind,name or JSON [{"date", "kind", "name"}, ...];
kind is holiday/workday (or 休/班).
"""

import csv
import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from proposals.models import CalendarDay
from proposals.services import holidays_replace_year, package_days

KINDS = {
    "holiday": CalendarDay.Kind.HOLIDAY, "休": CalendarDay.Kind.HOLIDAY,
    "假": CalendarDay.Kind.HOLIDAY, "法定节假日": CalendarDay.Kind.HOLIDAY,
    "workday": CalendarDay.Kind.WORKDAY, "班": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
}


def parse_days(path: Path, year: int) -> list[tuple[dt.date, str, str]]:
    """Read and check a holiday file; every error names the line (or entry) and field."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc}") from exc
    if path.suffix.lower() == ".json":
        try:
            entries = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path.name} 不是有效的 JSON：{exc}") from exc
        if not isinstance(entries, list):
            raise CommandError(f"{path.name}：应为由 {{date, kind, name}} 组成的列表")
        rows = [(f"第{i}项", e) for i, e in enumerate(entries, 1)]
    elif path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or not {"date", "kind"} <= set(reader.fieldnames):
            raise CommandError(f"{path.name}：CSV 首行须包含 date,kind,name 列")
        rows = [(f"第{i}行", e) for i, e in enumerate(reader, 2)]
    else:
        raise CommandError("文件须为 .csv 或 .json")
    days: list[tuple[dt.date, str, str]] = []
    errors: list[str] = []
    for where, entry in rows:
        if not isinstance(entry, dict):
            errors.append(f"{where}：应为对象")
            continue
        raw_date, raw_kind = str(entry.get("date", "")).strip(), str(entry.get("kind", "")).strip()
        try:
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors.append(f"{where}：date「{raw_date}」不是 YYYY-MM-DD 格式的日期")
            continue
        kind = KINDS.get(raw_kind.lower(), KINDS.get(raw_kind))
        if kind is None:
            errors.append(f"{where}：kind「{raw_kind}」应为 holiday 或 workday")
            continue
        if day.year != year:
            errors.append(f"{where}：{day} 不属于 {year} 年")
            continue
        if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
            errors.append(f"{where}：调休上班日 {day} 应为周六或周日")
            continue
        days.append((day, kind, str(entry.get("name", "")).strip()[:50]))
    if errors:
        raise CommandError("节假日文件有误，未导入任何数据：\n" + "\n".join(errors))
    if not any(kind == CalendarDay.Kind.HOLIDAY for _d, kind, _n in days):
        raise CommandError(f"{path.name} 中没有 {year} 年的法定节假日，未导入。")
    return days


class Command(BaseCommand):
    help = "导入或更新某一年的法定节假日和调休上班日（来自 chinese_calendar 或管理员提供的文件）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--file", help="CSV（date,kind,name）或 JSON 文件")

    def handle(self, *args, year: int, file: str | None = None, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year {year} 超出合理范围（2000–2100）")
        if file:
            path = Path(file)
            days, source = parse_days(path, year), f"file:{path.name}"
        else:
            days = package_days(year)
            if days is None:
                raise CommandError(
                    f"chinese_calendar 尚不包含 {year} 年的节假日安排，请用 --file 提供。"
                )
            source = "chinese_calendar"
        try:
            holidays_replace_year(year=year, days=days, source=source)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        holidays = sum(1 for _d, kind, _n in days if kind == CalendarDay.Kind.HOLIDAY)
        self.stdout.write(
            f"{year} 年：法定节假日 {holidays} 天，调休上班 {len(days) - holidays} 天"
            f"（来源：{source}）。"
        )
