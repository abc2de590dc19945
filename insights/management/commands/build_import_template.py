"""Write the proposal import template (insights/static/insights/提案导入模板.xlsx)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from insights.importing import template_bytes

DEFAULT = Path(__file__).resolve().parents[2] / "static" / "insights" / "提案导入模板.xlsx"


class Command(BaseCommand):
    help = "生成提案导入模板（.xlsx）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", default=str(DEFAULT))

    def handle(self, *args, output: str, **options) -> None:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(template_bytes())
        self.stdout.write(self.style.SUCCESS(f"已生成 {path}"))
