"""manage.py import_unit_pkcs12 UNIT FILE.p12 [--password-env VAR] — use a certificate from
a real CA for a unit's record copies instead of one from the committee CA. The key must be
RSA (2048 bits or more); the file's chain is kept, its last certificate is the trust root."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from proposals.models import Unit
from replies.services import certificates


class Command(BaseCommand):
    help = "为单位导入 PKCS#12 签名证书（代替委员会 CA 签发的证书）。"

    def add_arguments(self, parser):
        parser.add_argument("unit", help="单位名称或编号")
        parser.add_argument("file", help="PKCS#12（.p12/.pfx）文件")
        parser.add_argument("--password-env", default="PKCS12_PASSWORD",
                            help="存放文件口令的环境变量（缺省 PKCS12_PASSWORD）")

    def handle(self, *args, **options):
        ref = options["unit"]
        units = Unit.objects.filter(pk=int(ref)) if ref.isdigit() else Unit.objects.filter(
            name=ref)
        if units.count() != 1:
            raise CommandError(f"找不到唯一的单位：{ref}")
        password = os.environ.get(options["password_env"])
        try:
            cert = certificates.unit_certificate_import(
                unit=units.get(), pkcs12=Path(options["file"]).read_bytes(),
                password=password.encode() if password else None)
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法导入：{exc}") from exc
        self.stdout.write(f"已导入 {cert.unit} 的签名证书 {cert.fingerprint[:16]}，"
                          f"有效期至 {cert.not_after:%Y-%m-%d}")
