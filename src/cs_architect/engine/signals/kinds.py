"""The registry: signal kind name -> its engine function."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cs_architect.engine.signals import adoption, commercial, engagement, sentiment, support, usage
from cs_architect.engine.signals.plan import ParamError, Params, SignalPlan, Window
from cs_architect.spec.signals import SIGNAL_KINDS

SignalFunction = Callable[[Params, Window], SignalPlan]

KINDS: dict[str, SignalFunction] = {
    "active_user_ratio": usage.active_user_ratio,
    "usage_trend": usage.usage_trend,
    "days_since_last_activity": usage.days_since_last_activity,
    "feature_breadth": adoption.feature_breadth,
    "value_event_frequency": adoption.value_event_frequency,
    "onboarding_progress": adoption.onboarding_progress,
    "tickets_per_seat": support.tickets_per_seat,
    "open_high_priority_tickets": support.open_high_priority_tickets,
    "first_response_sla": support.first_response_sla,
    "ticket_csat": support.ticket_csat,
    "nps": sentiment.nps,
    "detractor_share": sentiment.detractor_share,
    "csm_sentiment": sentiment.csm_sentiment,
    "seat_utilisation": commercial.seat_utilisation,
    "failed_payments": commercial.failed_payments,
    "mrr_change": commercial.mrr_change,
    "days_to_renewal": commercial.days_to_renewal,
    "days_since_touchpoint": engagement.days_since_touchpoint,
    "executive_engagement": engagement.executive_engagement,
    "qbr_cadence": engagement.qbr_cadence,
    "active_role_users": engagement.active_role_users,
}


def plan_signal(kind: str, params: Mapping[str, object], window: Window) -> SignalPlan:
    """The plan of one signal; raises :class:`ParamError` when its params are unusable or the
    kind has no engine function (tests/engine checks every catalogue kind has one)."""
    if kind not in KINDS:
        known = "in the catalogue" if kind in SIGNAL_KINDS else "unknown"
        raise ParamError("kind", f"signal kind '{kind}' is {known} but this engine cannot compute it")
    return KINDS[kind](Params(params), window)
