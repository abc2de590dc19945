from django.core.management.base import BaseCommand

from jobs.models import OutboxMessage
from jobs.outbox import flush_outbox


class Command(BaseCommand):
    help = "投递因消息队列（Redis）不可用而暂存在 outbox 中的任务。"

    def handle(self, *args, **options):
        sent = flush_outbox()
        left = OutboxMessage.objects.filter(sent_at__isnull=True).count()
        self.stdout.write(f"已投递 {sent} 条，仍待投递 {left} 条。")
