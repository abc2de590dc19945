"""The demo's 承办单位考评: 连云港's current session gets the default scheme (the rules a
committee starts from) and one adjustment the 提案委's clerk made, with its reason.

Called once from load_demo; what exists is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from insights.assessment import scheme_for
from insights.models import ScoreAdjustment
from insights.services import adjustment_save
from proposals.models import Session, Unit

CLERK = "tiwei"
ADJUSTED_UNIT = "连云港市交通运输局"
ADJUSTMENT = (
    Decimal("2"),
    "主动牵头召开公交线网优化协调会，邀请提案人全程参与，经提案委研究给予加分。",
)


def load_assessment(*, session: Session, days) -> None:
    from demo.management.commands.load_demo import product_clock

    clerk = get_user_model().objects.filter(username=CLERK).first()
    unit = Unit.objects.filter(committee_id=session.committee_id, name=ADJUSTED_UNIT).first()
    with product_clock(_at(days.ago(3), 10)):
        scheme_for(session)
    if unit is None or ScoreAdjustment.objects.filter(session=session, unit=unit).exists():
        return
    points, reason = ADJUSTMENT
    with product_clock(_at(days.ago(1), 15)):
        adjustment_save(session=session, unit=unit, points=points, reason=reason, actor=clerk)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
