"""manage.py archive_reply "连市监办复〔2025〕86号" --out DIR — the case dossier of a signed
reply: <number>.pdf (the signed PDF/A-2b record copy), <number>.docx (the frozen original),
trust-root.pem and manifest.json. Exit 2 for an unknown number or an unsigned reply; DIR is
written all at once or not at all."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from replies.dossier import DossierUnavailable, dossier_for, find_reply
from replies.models import FROZEN_STATES, RecordCopy
from replies.services import record_copy_make


class Command(BaseCommand):
    help = "导出一份已签发答复的归档材料（存档 PDF、原件 .docx、根证书、清单）。"

    def add_arguments(self, parser):
        parser.add_argument("reply", help="打印在答复函上的文号，或答复编号")
        parser.add_argument("--out", required=True, help="输出目录")

    def handle(self, *args, **options):
        try:
            reply = find_reply(options["reply"])
            copy = RecordCopy.objects.filter(reply=reply).first()
            if reply.state in FROZEN_STATES and (
                    copy is None or copy.state != RecordCopy.State.READY):
                self.stderr.write(f"{reply.doc_number} 的存档件尚未就绪，现在生成……")
                record_copy_make(reply_id=reply.pk)
            dossier = dossier_for(reply)
        except DossierUnavailable as exc:
            self.stderr.write(str(exc))
            raise SystemExit(2) from exc
        out = Path(options["out"])
        dossier.write(out)
        for name in dossier.files:
            self.stdout.write(str(out / name))
        if not dossier.valid:
            self.stderr.write("注意：存档件验证未通过，见 manifest.json 的 verification。")
            raise SystemExit(1)
