"""Add or replace one year's holidays and make-up working days (调休).

From the chinese_calendar package when it knows the year, or from a file the administrator
supplies (the formats of proposals/holidays_file.py). The admin site's 导入节假日安排 page
does the same from an upload or pasted text.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from proposals.holidays_file import HolidayFileError, parse_holidays
from proposals.models import CalendarDay
from proposals.services import holidays_replace_year, package_days


def parse_days(path: Path, year: int) -> list[tuple]:
    """Read and check a holiday file; every error names the line (or entry) and field."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc}") from exc
    try:
        return parse_holidays(text, fmt=path.suffix.lower().lstrip("."), year=year,
                              name=path.name)
    except HolidayFileError as exc:
        raise CommandError(str(exc)) from exc


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
