"""manage.py create_committee_ca [--committee NAME|ID] [--replace] — the committee's CA
that issues each unit's signing certificate for the record copy (RSA-3072, key encrypted
at rest). Without --replace an existing CA is kept; with it, the old one is retired (what
it issued still verifies) and units get new certificates on their next need."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from proposals.models import Committee
from replies.services import certificates


class Command(BaseCommand):
    help = "为委员会创建答复函存档件签名用的根证书（CA）。"

    def add_arguments(self, parser):
        parser.add_argument("--committee", help="委员会名称或编号（缺省：全部委员会）")
        parser.add_argument("--replace", action="store_true", help="停用现有根证书，换新")
        parser.add_argument("--pem", help="把根证书另存为此 PEM 文件（供阅读器信任）")

    def handle(self, *args, **options):
        committees = Committee.objects.all()
        ref = options["committee"]
        if ref:
            committees = committees.filter(pk=int(ref)) if ref.isdigit() else committees.filter(
                name=ref)
        if not committees.exists():
            raise CommandError(f"找不到委员会：{ref}")
        pems = []
        for committee in committees:
            ca = certificates.ca_for(committee)
            if ca is None or options["replace"]:
                ca = certificates.committee_ca_create(committee=committee)
                self.stdout.write(f"{committee}：已创建根证书 {ca.fingerprint[:16]}")
            else:
                self.stdout.write(f"{committee}：已有根证书 {ca.fingerprint[:16]}（未改动）")
            self.stdout.write(f"  CRL：{certificates.crl_url(ca)}")
            pems.append(ca.certificate_pem)
        if options["pem"]:
            with open(options["pem"], "w") as fh:
                fh.write("".join(pems))
            self.stdout.write(f"根证书已写入 {options['pem']}")
