"""Feedback in two parts (办理过程, 办理结果). An answer given before the split was one
level for the whole reply: it is copied to both parts, so every rate reads as before."""

from django.db import migrations, models
from django.db.models import F, Q

LEVELS = ["satisfied", "basically_satisfied", "unsatisfied"]


def copy_to_both_parts(apps, schema_editor):
    for name in ("Feedback", "HistoricalFeedback"):
        model = apps.get_model("replies", name)
        model.objects.update(
            process_satisfaction=F("satisfaction"), result_satisfaction=F("satisfaction")
        )


def _part(label, help_text=""):
    return models.CharField(
        choices=[("satisfied", "满意"), ("basically_satisfied", "基本满意"),
                 ("unsatisfied", "不满意")],
        default="", max_length=30, verbose_name=label, help_text=help_text,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("replies", "0007_countersign"),
    ]

    operations = []
    for model_name in ("feedback", "historicalfeedback"):
        operations += [
            migrations.AddField(
                model_name=model_name, name="process_satisfaction",
                field=_part("办理过程满意度", "联系沟通、办理态度"), preserve_default=False,
            ),
            migrations.AddField(
                model_name=model_name, name="result_satisfaction",
                field=_part("办理结果满意度"), preserve_default=False,
            ),
            migrations.AddField(
                model_name=model_name, name="is_final",
                field=models.BooleanField(default=False, verbose_name="重新办理后的评价"),
            ),
            migrations.AlterField(
                model_name=model_name, name="satisfaction",
                field=models.CharField(
                    choices=[("satisfied", "满意"), ("basically_satisfied", "基本满意"),
                             ("unsatisfied", "不满意")],
                    editable=False, help_text="两项中较低的一项", max_length=30,
                    verbose_name="总体满意度",
                ),
            ),
        ]
    operations += [
        migrations.RunPython(copy_to_both_parts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.CheckConstraint(
                condition=Q(process_satisfaction__in=LEVELS) & Q(result_satisfaction__in=LEVELS),
                name="feedback_parts_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.CheckConstraint(
                condition=(
                    Q(satisfaction="unsatisfied")
                    & (Q(process_satisfaction="unsatisfied") | Q(result_satisfaction="unsatisfied"))
                ) | (
                    Q(satisfaction="basically_satisfied")
                    & ~Q(process_satisfaction="unsatisfied") & ~Q(result_satisfaction="unsatisfied")
                    & (Q(process_satisfaction="basically_satisfied")
                       | Q(result_satisfaction="basically_satisfied"))
                ) | Q(satisfaction="satisfied", process_satisfaction="satisfied",
                      result_satisfaction="satisfied"),
                name="feedback_overall_is_worse_part",
            ),
        ),
    ]
