"""The record copy's tables (replies 0006) behind the committees' wall: a committee's CA
(its key signs the units' certificates), the units' certificates and the record copies.
The CA's public files (/pki/ca/<id>.crl, .pem) are read without login as the committee of
the CA they name (replies/views/pki.py)."""

from django.db import migrations

from rls.sql import REQUIRE_BYPASS, Parent, disable_rls, enable_rls, rls_operation

UNIT = Parent("unit_id", "proposals_unit")
REPLY = Parent("reply_id", "replies_reply")


def _forward() -> list[str]:
    return [
        REQUIRE_BYPASS,
        *enable_rls("replies_committeeca"),
        *enable_rls("replies_unitcertificate", parents=[UNIT], not_null=True),
        *enable_rls("replies_recordcopy", parents=[REPLY], not_null=True),
    ]


def _backward() -> list[str]:
    return [
        *disable_rls("replies_recordcopy", added=True),
        *disable_rls("replies_unitcertificate", added=True),
        *disable_rls("replies_committeeca"),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("rls", "0001_wall"),
        ("replies", "0006_record_copy"),
        ("insights", "0004_heartbeat"),
        ("jobs", "0004_merge_0003_heartbeat_0003_kind_from_registry"),
    ]

    operations = [rls_operation(_forward(), _backward())]
