"""Reading a year's holiday arrangement (法定节假日 and 调休上班日) from what an administrator
supplies: CSV with the columns date,kind,name, or JSON [{"date", "kind", "name"}, ...].

kind is holiday/workday (or 休/班). A date may be a range, as the State Council's notice
writes them: 2027-02-06~2027-02-12 (also 至). Every problem names its line or entry and
field, and one bad line means nothing is loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

from .models import CalendarDay

KINDS = {
    "holiday": CalendarDay.Kind.HOLIDAY, "休": CalendarDay.Kind.HOLIDAY,
    "假": CalendarDay.Kind.HOLIDAY, "法定节假日": CalendarDay.Kind.HOLIDAY,
    "workday": CalendarDay.Kind.WORKDAY, "班": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
}
_RANGE = re.compile(r"\s*(?:~|～|至|—|--)\s*")
MAX_RANGE_DAYS = 31


class HolidayFileError(ValueError):
    """What is wrong with the file, in Chinese, one problem a line."""


def parse_holidays(
    text: str, *, fmt: str, year: int, name: str = "", first_line: int = 2
) -> list[tuple]:
    """(date, kind, name) triples of `year` from CSV or JSON text (fmt "csv" or "json").
    first_line: the number of the first CSV row after the header, in messages (1 when the
    header was added to pasted lines that had none)."""
    label = name or fmt.upper()
    if fmt == "json":
        try:
            entries = json.loads(text)
        except json.JSONDecodeError as exc:
            raise HolidayFileError(f"{label} 不是有效的 JSON：{exc}") from exc
        if not isinstance(entries, list):
            raise HolidayFileError(f"{label}：应为由 {{date, kind, name}} 组成的列表")
        rows = [(f"第{i}项", e) for i, e in enumerate(entries, 1)]
    elif fmt == "csv":
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or not {"date", "kind"} <= set(reader.fieldnames):
            raise HolidayFileError(f"{label}：CSV 首行须包含 date,kind,name 列")
        rows = [(f"第{i}行", e) for i, e in enumerate(reader, first_line)]
    else:
        raise HolidayFileError("文件须为 .csv 或 .json")
    days: list[tuple[dt.date, str, str]] = []
    errors: list[str] = []
    for where, entry in rows:
        if not isinstance(entry, dict):
            errors.append(f"{where}：应为对象")
            continue
        raw_date = str(entry.get("date") or "").strip()
        raw_kind = str(entry.get("kind") or "").strip()
        try:
            dates = _dates(raw_date)
        except ValueError as exc:
            errors.append(f"{where}：date「{raw_date}」{exc}")
            continue
        kind = KINDS.get(raw_kind.lower(), KINDS.get(raw_kind))
        if kind is None:
            errors.append(f"{where}：kind「{raw_kind}」应为 holiday 或 workday（休 或 班）")
            continue
        for day in dates:
            if day.year != year:
                errors.append(f"{where}：{day} 不属于 {year} 年")
                break
            if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
                errors.append(f"{where}：调休上班日 {day} 应为周六或周日")
                break
            days.append((day, kind, str(entry.get("name") or "").strip()[:50]))
    seen: dict[dt.date, int] = {}
    for day, _kind, _name in days:
        seen[day] = seen.get(day, 0) + 1
    errors += [f"{day} 出现了不止一次" for day, n in sorted(seen.items()) if n > 1]
    if errors:
        raise HolidayFileError("节假日文件有误，未导入任何数据：\n" + "\n".join(errors))
    if not any(kind == CalendarDay.Kind.HOLIDAY for _d, kind, _n in days):
        raise HolidayFileError(f"{label} 中没有 {year} 年的法定节假日，未导入。")
    return sorted(days)


def _dates(raw: str) -> list[dt.date]:
    parts = _RANGE.split(raw, maxsplit=1)
    try:
        first = dt.date.fromisoformat(parts[0])
        last = dt.date.fromisoformat(parts[1]) if len(parts) == 2 else first
    except ValueError:
        raise ValueError("不是 YYYY-MM-DD 格式的日期（或 YYYY-MM-DD~YYYY-MM-DD）") from None
    if last < first:
        raise ValueError("的结束日期早于开始日期")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValueError(f"跨度超过{MAX_RANGE_DAYS}天，请检查")
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
