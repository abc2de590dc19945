"""Write a session's proposal import template (.xlsx), as the import page serves it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from insights.importing import template_bytes, template_file_name
from proposals.models import Session


class Command(BaseCommand):
    help = "生成某届次的提案导入模板（.xlsx）：示例行使用该届次下一个未用的提案号和本届次的承办单位"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--session", type=int, required=True, help="届次 id")
        parser.add_argument("--output", help="输出文件（默认：当前目录下的模板文件名）")

    def handle(self, *args, session: int, output: str | None, **options) -> None:
        found = Session.objects.filter(pk=session).first()
        if found is None:
            raise CommandError(f"没有 id 为 {session} 的届次。")
        path = Path(output or template_file_name(found))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(template_bytes(found))
        self.stdout.write(self.style.SUCCESS(f"已生成 {path}"))
