import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from proposals.deadlines import scan_deadlines


class Command(BaseCommand):
    help = "运行每日办理期限扫描（与 celery beat 的定时任务相同），生成提醒并排队发送邮件。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按指定日期扫描（YYYY-MM-DD），用于测试")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today 日期格式应为 YYYY-MM-DD：{today}") from exc
        result = scan_deadlines(today=day)
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            f"{result.today.isoformat()}：新建提醒 {result.created} 条"
            f"（已提醒过的不再重复）。"
        )
        for name, count in result.steps.items():
            self.stdout.write(f"{name}：{count} 条")
