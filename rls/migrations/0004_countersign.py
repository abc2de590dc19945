"""会签 (replies 0007) behind the committees' wall: each request and its history belong to
the committee of the reply it asks about."""

from django.db import migrations

from rls.sql import REQUIRE_BYPASS, Parent, disable_rls, enable_rls, rls_operation

REPLY = Parent("reply_id", "replies_reply")


class Migration(migrations.Migration):
    dependencies = [
        ("rls", "0003_search_through_the_wall"),
        ("replies", "0007_countersign"),
    ]

    operations = [
        rls_operation(
            [
                REQUIRE_BYPASS,
                *enable_rls("replies_countersign", parents=[REPLY], not_null=True),
                *enable_rls("replies_historicalcountersign", parents=[REPLY], history=True),
            ],
            [
                *disable_rls("replies_historicalcountersign", added=True),
                *disable_rls("replies_countersign", added=True),
            ],
        )
    ]
