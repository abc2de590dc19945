"""Assignment.session: each assignment keeps its proposal's session (see the model).

Added empty, filled from the proposals (one UPDATE per table, history included), then made
required."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    session_of = Subquery(
        Proposal.objects.filter(pk=OuterRef("proposal_id")).values("session_id")[:1]
    )
    for name in ("Assignment", "HistoricalAssignment"):
        apps.get_model("proposals", name).objects.update(session_id=session_of)


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0007_assignment_open_due'),
    ]

    operations = [
        migrations.AddField(
            model_name='assignment',
            name='session',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='proposals.session', verbose_name='届次'),
        ),
        migrations.AddField(
            model_name='historicalassignment',
            name='session',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='proposals.session', verbose_name='届次'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='assignment',
            name='session',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='proposals.session', verbose_name='届次'),
        ),
    ]
