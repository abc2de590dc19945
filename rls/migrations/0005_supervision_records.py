"""The 督办 records of key proposals (proposals 0015) behind the committees' wall: each
record and its history belong to the committee of its proposal."""

from django.db import migrations

from rls.sql import REQUIRE_BYPASS, Parent, disable_rls, enable_rls, rls_operation

PROPOSAL = Parent("proposal_id", "proposals_proposal")


class Migration(migrations.Migration):
    dependencies = [
        ("rls", "0004_countersign"),
        ("proposals", "0015_key_proposals"),
    ]

    operations = [
        rls_operation(
            [
                REQUIRE_BYPASS,
                *enable_rls("proposals_supervisionrecord", parents=[PROPOSAL], not_null=True),
                *enable_rls(
                    "proposals_historicalsupervisionrecord", parents=[PROPOSAL], history=True
                ),
            ],
            [
                *disable_rls("proposals_historicalsupervisionrecord", added=True),
                *disable_rls("proposals_supervisionrecord", added=True),
            ],
        )
    ]
