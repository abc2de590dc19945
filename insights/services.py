"""Writes of the 承办单位考评: the scheme's rules and the clerk's adjustments, each change
recorded with its author (django-simple-history)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from proposals.models import Session, Unit
from proposals.services._common import save_as

from .models import AssessmentRule, AssessmentScheme, ScoreAdjustment


@transaction.atomic
def rules_save(
    *, scheme: AssessmentScheme, changed: list[AssessmentRule],
    deleted: list[AssessmentRule], actor,
) -> None:
    """The rules page's rows, all or none: the changed and new rows saved, the removed
    ones deleted (their history keeps them)."""
    for rule in deleted:
        if rule.scheme_id != scheme.pk:
            raise ValidationError(_("该规则不属于此考评方案。"))
        rule._history_user = actor
        rule.delete()
    for rule in changed:
        if rule.pk is not None and rule.scheme_id != scheme.pk:
            raise ValidationError(_("该规则不属于此考评方案。"))
        rule.scheme = scheme
        rule.name = rule.name.strip()
        save_as(rule, actor)


@transaction.atomic
def adjustment_save(
    *, session: Session, unit: Unit, points: Decimal, reason: str, actor
) -> ScoreAdjustment:
    """Set the unit's adjustment of the session (a new one or a change of the one there)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写调整理由（不能只有空格）")})
    if unit.committee_id != session.committee_id:
        raise ValidationError(_("该单位不属于本届次的政协。"))
    adjustment = (
        ScoreAdjustment.objects.select_for_update().filter(session=session, unit=unit).first()
        or ScoreAdjustment(session=session, unit=unit)
    )
    adjustment.points = points
    adjustment.reason = reason
    adjustment.changed_by = actor
    save_as(adjustment, actor)
    return adjustment


@transaction.atomic
def adjustment_remove(*, adjustment: ScoreAdjustment, reason: str, actor) -> None:
    """Take the adjustment back; its history row of the deletion keeps who, when and why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销理由（不能只有空格）")})
    adjustment._history_user = actor
    adjustment._change_reason = reason
    adjustment.delete()
