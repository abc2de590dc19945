"""公开答复 (replies 0008) behind the committees' wall: each publication and its history
belong to the committee of the reply it publishes. The public site reads them as the
committee named in its URL (replies/views/public.py)."""

from django.db import migrations

from rls.sql import REQUIRE_BYPASS, Parent, disable_rls, enable_rls, rls_operation

REPLY = Parent("reply_id", "replies_reply")


class Migration(migrations.Migration):
    dependencies = [
        ("rls", "0006_assessment"),
        ("replies", "0009_publication"),
    ]

    operations = [
        rls_operation(
            [
                REQUIRE_BYPASS,
                *enable_rls("replies_publication", parents=[REPLY], not_null=True),
                *enable_rls("replies_historicalpublication", parents=[REPLY], history=True),
            ],
            [
                *disable_rls("replies_historicalpublication", added=True),
                *disable_rls("replies_publication", added=True),
            ],
        )
    ]
