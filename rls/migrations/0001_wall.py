"""Row-level security on every committee-owned table (PostgreSQL only; SQLite skips it).

Outside the wall, on purpose: the committees themselves (`proposals_committee` and its
history: names and the tree, which the policies read to find a province's descendants),
the national holiday calendar, the form tokens (digests of one-time tokens, no committee
data), the notice cursors (one number per person), and Django's, django-axes' and
simple-history's own tables of people and sessions.

The list is written out here, not imported, so that this migration keeps doing what it
did when later code changes; a new table gets its own migration calling `enable_rls`.
"""

from django.db import migrations

from rls.sql import (
    DROP_FUNCTIONS,
    FUNCTIONS,
    LOOKUP_FUNCTIONS,
    REQUIRE_BYPASS,
    Parent,
    disable_rls,
    enable_rls,
    rls_operation,
)

UNIT = Parent("unit_id", "proposals_unit")
SESSION = Parent("session_id", "proposals_session")
PROPOSAL = Parent("proposal_id", "proposals_proposal")
ASSIGNMENT = Parent("assignment_id", "proposals_assignment")
REPLY = Parent("reply_id", "replies_reply")

# (table, parents, not_null): parents empty = the model's own committee_id. In dependency
# order: a parent's column is filled before its children read it.
LIVE = [
    ("proposals_session", [], False),
    ("proposals_unit", [], False),
    ("proposals_committeerole", [], False),
    ("proposals_proposer", [], False),
    ("proposals_membership", [UNIT], True),
    ("proposals_proposal", [SESSION], True),
    ("proposals_proposal_co_signers", [PROPOSAL], True),
    ("proposals_assignment", [PROPOSAL], True),
    ("proposals_task", [ASSIGNMENT], True),
    ("proposals_contactrecord", [ASSIGNMENT], True),
    ("proposals_section", [ASSIGNMENT], True),
    ("proposals_extensionrequest", [ASSIGNMENT], True),
    ("proposals_reassignmentrequest", [ASSIGNMENT], True),
    ("proposals_notice", [UNIT], True),
    ("replies_reply", [UNIT], True),
    ("replies_replyparagraph", [REPLY], True),
    ("replies_feedbacklink", [REPLY], True),
    ("replies_feedback", [REPLY], True),
    ("replies_replydownload", [REPLY], True),
    ("replies_documentcounter", [UNIT], True),
    ("replies_unitsigningkey", [UNIT], True),
    ("replies_unitlettersettings", [UNIT], True),
    ("insights_proposalimport", [SESSION], True),
]

# simple-history tables: the same parents, looked up by the plain columns they keep.
HISTORY = [
    ("proposals_historicalsession", []),
    ("proposals_historicalunit", []),
    ("proposals_historicalcommitteerole", []),
    ("proposals_historicalproposer", []),
    ("proposals_historicalmembership", [UNIT]),
    ("proposals_historicalproposal", [SESSION]),
    ("proposals_historicalassignment", [PROPOSAL]),
    ("proposals_historicaltask", [ASSIGNMENT]),
    ("proposals_historicalcontactrecord", [ASSIGNMENT]),
    ("proposals_historicalsection", [ASSIGNMENT]),
    ("proposals_historicalextensionrequest", [ASSIGNMENT]),
    ("proposals_historicalreassignmentrequest", [ASSIGNMENT]),
    ("replies_historicalreply", [UNIT]),
    ("replies_historicalreplyparagraph", [REPLY]),
    ("replies_historicalfeedbacklink", [REPLY]),
    ("replies_historicalfeedback", [REPLY]),
    ("replies_historicaldocumentcounter", [UNIT]),
    ("replies_historicalunitsigningkey", [UNIT]),
    ("replies_historicalunitlettersettings", [UNIT]),
]


def _forward() -> list[str]:
    statements = [REQUIRE_BYPASS, FUNCTIONS]
    for table, parents, not_null in LIVE:
        statements += enable_rls(table, parents=parents, not_null=not_null)
    for table, parents in HISTORY:
        statements += enable_rls(table, parents=parents, history=bool(parents))
    # The m2m history rows belong to a historical proposal row.
    statements += enable_rls(
        "proposals_historicalproposal_co_signers",
        parents=[
            PROPOSAL,
            Parent("history_id", "proposals_historicalproposal", key="history_id"),
        ],
    )
    # A job names its committee or its unit; the DB-only column must not change the
    # model's own (nullable) committee. A job with neither (a self-test) and an outbox
    # message belong to the committee of the request that wrote them.
    statements += enable_rls(
        "jobs_job",
        column="owner_committee_id",
        parents=[Parent("committee_id"), UNIT],
        current_fallback=True,
    )
    statements += enable_rls("jobs_outboxmessage", parents=[], current_fallback=True)
    return statements + [LOOKUP_FUNCTIONS]


def _backward() -> list[str]:
    statements = disable_rls("jobs_outboxmessage", added=True)
    statements += disable_rls("jobs_job", column="owner_committee_id", added=True)
    statements += disable_rls("proposals_historicalproposal_co_signers", added=True)
    for table, parents in reversed(HISTORY):
        statements += disable_rls(table, added=bool(parents))
    for table, parents, _not_null in reversed(LIVE):
        statements += disable_rls(table, added=bool(parents))
    return statements + [DROP_FUNCTIONS]


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0011_committee_tree"),
        ("replies", "0005_paragraph_original_text"),
        ("insights", "0003_search_indexes_fastupdate_off"),
        ("jobs", "0002_list_export_kinds"),
    ]

    operations = [rls_operation(_forward(), _backward())]
