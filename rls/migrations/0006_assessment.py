"""承办单位考评 (insights 0005) behind the committees' wall: a scheme and an adjustment
belong to the committee of their session, a rule to its scheme's; their history too."""

from django.db import migrations

from rls.sql import REQUIRE_BYPASS, Parent, disable_rls, enable_rls, rls_operation

SESSION = Parent("session_id", "proposals_session")
SCHEME = Parent("scheme_id", "insights_assessmentscheme")


class Migration(migrations.Migration):
    dependencies = [
        ("rls", "0005_supervision_records"),
        ("insights", "0005_assessment"),
    ]

    operations = [
        rls_operation(
            [
                REQUIRE_BYPASS,
                *enable_rls("insights_assessmentscheme", parents=[SESSION], not_null=True),
                *enable_rls(
                    "insights_historicalassessmentscheme", parents=[SESSION], history=True
                ),
                *enable_rls("insights_assessmentrule", parents=[SCHEME], not_null=True),
                *enable_rls(
                    "insights_historicalassessmentrule", parents=[SCHEME], history=True
                ),
                *enable_rls("insights_scoreadjustment", parents=[SESSION], not_null=True),
                *enable_rls(
                    "insights_historicalscoreadjustment", parents=[SESSION], history=True
                ),
            ],
            [
                *disable_rls("insights_historicalscoreadjustment", added=True),
                *disable_rls("insights_scoreadjustment", added=True),
                *disable_rls("insights_historicalassessmentrule", added=True),
                *disable_rls("insights_assessmentrule", added=True),
                *disable_rls("insights_historicalassessmentscheme", added=True),
                *disable_rls("insights_assessmentscheme", added=True),
            ],
        )
    ]
