"""Keys and indexes for Assignment.session.

PostgreSQL:
- a foreign key (proposal_id, session_id) → proposal (id, session_id), ON UPDATE CASCADE:
  an assignment's session can only be its proposal's, whoever writes the row (bulk loads
  included), and follows a proposal moved to another session;
- the index "assignment_answering" on (session_id, unit_id) INCLUDE (id, due_on) of the
  assignments that owe a reply (lead and split, not withdrawn): the statistics read a
  session's or a unit's such assignments from the index alone (index-only scan) instead of
  joining 27,500 proposals and fetching 13,000 scattered rows (per-unit figures of the
  busiest unit: 54 → 6 ms with replies_reply's "reply_frozen_by_assignment");
- the index "assignment_open_by_session" on (session_id, due_on) INCLUDE (unit_id, id) of the
  open assignments: a session's overdue work, counted per unit or listed earliest first,
  is one range of it (was: 79,000 rows of the session read and 63,000 thrown away);
- the index "assignment_unit_session" on (unit_id, session_id) INCLUDE (proposal_id, state):
  the proposals a unit holds, in one session or all (the list's unit filter, what a
  unit's people may search), come from the index alone (the filtered list's count:
  45 → 21 ms for the busiest unit).
SQLite (a newcomer's laptop): the same indexes without INCLUDE; the key is left to
Proposal.save.
"""

from django.db import migrations

ANSWERING = "role IN ('lead', 'split') AND state <> 'withdrawn'"
OPEN = "state IN ('assigned', 'in_progress')"
# (name, key columns, included columns, partial index condition)
INDEXES = [
    ("assignment_answering", "session_id, unit_id", "id, due_on", ANSWERING),
    ("assignment_open_by_session", "session_id, due_on", "unit_id, id", OPEN),
    ("assignment_unit_session", "unit_id, session_id", "proposal_id, state", ""),
]


def forwards(apps, schema_editor):
    run = schema_editor.execute
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, keys, included, where in INDEXES:
        columns = f"({keys}) INCLUDE ({included})" if postgres else f"({keys}, {included})"
        run(
            f"CREATE INDEX IF NOT EXISTS {name} ON proposals_assignment {columns}"
            + (f" WHERE {where}" if where else "")
        )
    if not postgres:
        return
    run(
        "ALTER TABLE proposals_proposal ADD CONSTRAINT proposal_id_session_key "
        "UNIQUE (id, session_id)"
    )
    run(
        "ALTER TABLE proposals_assignment ADD CONSTRAINT assignment_session_of_proposal "
        "FOREIGN KEY (proposal_id, session_id) REFERENCES proposals_proposal (id, session_id) "
        "ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED"
    )


def backwards(apps, schema_editor):
    run = schema_editor.execute
    for name, *_rest in INDEXES:
        run(f"DROP INDEX IF EXISTS {name}")
    if schema_editor.connection.vendor == "postgresql":
        run(
            "ALTER TABLE proposals_assignment "
            "DROP CONSTRAINT IF EXISTS assignment_session_of_proposal"
        )
        run("ALTER TABLE proposals_proposal DROP CONSTRAINT IF EXISTS proposal_id_session_key")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0008_assignment_session")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
