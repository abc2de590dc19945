"""manage.py verify_reply FILE — is this file a signed original reply letter (.docx) or its
signed record copy (.pdf)?

Exit 0 when it is: for a .docx, the unit's signature over the record of this exact file
checks out; for a .pdf, the PAdES signature is intact and valid, its certificate chains to
the committee's root, and the file is the record copy recorded for that number. Exit 1
otherwise, with the reason.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from replies.record_verify import verify_pdf_bytes
from replies.signing import verify_bytes


class Command(BaseCommand):
    help = "检查一份答复函 .docx 或存档 PDF 是否为已签发的原件（单位、文号、日期、签发人）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要检查的 .docx 或 .pdf 文件")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}", returncode=1) from exc
        is_pdf = data.startswith(b"%PDF-")
        result = verify_pdf_bytes(data) if is_pdf else verify_bytes(data)
        if not result.valid:
            self.stderr.write(f"不是有效的签发原件：{result.reason}")
            self.stderr.write(f"文件 SHA-256：{hashlib.sha256(data).hexdigest()}")
            raise SystemExit(1)
        reply, record = result.reply, result.record
        if is_pdf:
            self.stdout.write("valid 有效：这是已签发答复函的存档件（PDF/A），电子签名验证通过，"
                              "证书链可追溯到委员会根证书。")
        else:
            self.stdout.write("valid 有效：这是已签发的答复函原件，签名验证通过。")
        self.stdout.write(f"单位：{record['unit']}")
        self.stdout.write(f"文号：{record['doc_number']}")
        d = reply.signed_on
        self.stdout.write(f"日期：{d.year}年{d.month}月{d.day}日")
        self.stdout.write(f"签发人：{reply.signer_name}")
        self.stdout.write(f"标题：{reply.title}")
        if is_pdf:
            self.stdout.write(f"签名级别：PAdES {record['level']}")
            self.stdout.write(f"签名证书：{record['certificate'][:16]}{record['note']}")
        else:
            self.stdout.write(f"签名密钥：{reply.signing_key.fingerprint[:16]}")
        successor = getattr(reply, "superseded_by", None)
        if successor is not None and successor.is_frozen:
            self.stdout.write(f"注意：此答复已被更正，更正答复：{successor.doc_number}")
        elif successor is not None:
            # A correction replaces the reply once it is signed (Reply.objects.in_force).
            self.stdout.write("注意：此答复的更正答复正在办理，尚未签发；签发前此答复仍然有效。")
