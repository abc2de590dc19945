"""The search indexes without GIN's pending list (PostgreSQL only; a no-op on SQLite).

With fastupdate on (the default) new rows wait in an unsorted pending list until VACUUM
or the list's size limit folds them in, and every search reads that whole list: after an
import of tens of thousands of rows a search took three times as long. Proposals, sections
and reply paragraphs are written far less often than they are searched, so the indexes
take each new row at once. The entries already pending are folded in here.
"""

from django.db import migrations

NAMES = [
    "insights_proposal_bigrams",
    "insights_proposal_title_bigrams",
    "insights_section_bigrams",
    "insights_replyparagraph_bigrams",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"ALTER INDEX {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
