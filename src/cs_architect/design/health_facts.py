"""What the health rules share: usage cadence and windows, tenure, touch tiers, event names.

:func:`health_facts` gathers them once, each with its basis, so every signal rule reads and states
them the same way. The usage cadence (daily, weekly or monthly) is inferred from the pace of the
brief's repeated value events; tenure (how long new accounts are judged leniently) is the
activation milestone's target day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.cs_team import scope
from cs_architect.inputs.brief import Brief, ValueEvent
from cs_architect.spec.basis import Basis
from cs_architect.spec.health_model import LinearScoring, Signal, TenureScoring
from cs_architect.spec.operations import Milestone

UsageCadence = Literal["daily", "weekly", "monthly"]
TOUCH_ORDER: tuple[TouchModel, ...] = ("self_serve", "guided", "high_touch")
CSM_TOUCHES: tuple[TouchModel, ...] = ("guided", "high_touch")
DEFAULT_TENURE_DAYS = 90

# Windows and quiet-period thresholds by how often a healthy customer uses the product.
# active_window: window of the active-user ratio; quiet_good/quiet_bad: days without activity that
# score 100 / 0; trend_window: each of the two windows usage_trend compares; stop_window: window
# in which the recurring value event must happen at least once (early warning).
CADENCE_WINDOWS: dict[UsageCadence, dict[str, int]] = {
    "daily": {"active_window": 7, "quiet_good": 2, "quiet_bad": 7, "trend_window": 14, "stop_window": 7},
    "weekly": {"active_window": 30, "quiet_good": 7, "quiet_bad": 21, "trend_window": 30, "stop_window": 14},
    "monthly": {"active_window": 60, "quiet_good": 30, "quiet_bad": 75, "trend_window": 60, "stop_window": 45},
}
# Per-account pace of a repeated value event (events per day) at or above which use is daily/weekly.
DAILY_PACE = 0.5
MIN_ROUTINE_COUNT = 3  # a value event expected this many times is a routine, not a one-off step
WEEKLY_PACE = 1 / 7
# Touch cadence (days) a CSM-covered tier should keep (business reviews follow the QBR section's cadence).
TOUCH_CADENCE_DAYS: dict[TouchModel, int] = {"guided": 45, "high_touch": 30}
# Touchpoint kinds (data contract values) that count as contact.
HUMAN_TOUCHPOINTS = ["qbr", "meeting", "call", "training"]
DIGITAL_TOUCHPOINTS = ["email", "in_app", "training"]
RECURRING_WINDOW_DAYS = 30  # window of the value-event frequency signal
PRIORITIES = ("urgent", "high", "normal", "low")


@dataclass(frozen=True)
class HealthFacts:
    """What the signal rules share, each with its basis."""

    cadence: UsageCadence
    cadence_reason: str
    cadence_basis: list[Basis]
    windows: dict[str, int]
    windows_basis: list[Basis]
    tenure_days: int
    tenure_basis: list[Basis]
    tiers: dict[TouchModel, list[SegmentProfile]]
    activity_events: list[str]
    value_events: list[str]
    feature_events: list[str]
    milestones: list[Milestone]

    @property
    def csm_tiers(self) -> list[TouchModel]:
        return [t for t in CSM_TOUCHES if t in self.tiers]

    @property
    def all_self_serve(self) -> bool:
        return not self.csm_tiers

    def main_csm_tier(self) -> TouchModel | None:
        """The CSM-covered tier with the most expected accounts (ties: the higher-touch tier)."""
        tiers = self.csm_tiers
        if not tiers:
            return None
        return max(tiers, key=lambda t: (sum(p.segment.expected_accounts for p in self.tiers[t]), TOUCH_ORDER.index(t)))


def unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def tier_scope(ctx: DesignContext, profiles: Sequence[SegmentProfile]) -> list[str]:
    """A signal's ``segments`` for these segments: their ids, or empty (all) when they are every segment."""
    return scope(ctx, [p.id for p in profiles])


def ids_per_tier(signals: Sequence[tuple[TouchModel, Signal]]) -> list[Signal]:
    """The signals, with the tier appended to an id that several tiers' signals share
    ('days_since_touchpoint_guided'), so ids stay unique and a lone signal keeps the plain id."""
    counts: dict[str, int] = {}
    for _tier, sig in signals:
        counts[sig.id] = counts.get(sig.id, 0) + 1
    return [sig if counts[sig.id] == 1 else sig.model_copy(update={"id": f"{sig.id}_{tier}"}) for tier, sig in signals]


def touch_tiers(ctx: DesignContext) -> dict[TouchModel, list[SegmentProfile]]:
    """Segments grouped by touch model, in self-serve -> guided -> high-touch order."""
    out: dict[TouchModel, list[SegmentProfile]] = {}
    for touch in TOUCH_ORDER:
        members = [p for p in ctx.segments if p.touch == touch]
        if members:
            out[touch] = members
    return out


def recurring_value_event(brief: Brief) -> tuple[float, int, ValueEvent] | None:
    """The product's routine: the value event expected most often by its target day.

    Only events expected at least :data:`MIN_ROUTINE_COUNT` times count: once or twice is a one-off
    step (a first setup, a second teammate joining), not a rhythm of use. Returns (pace = count /
    target day, index in brief.value_events, event), or None when no value event qualifies. Ties go
    to the faster pace, then to the earlier-listed event.
    """
    paced = [
        (v.count / v.target_day, i, v)
        for i, v in enumerate(brief.value_events)
        if v.count >= MIN_ROUTINE_COUNT and v.target_day
    ]
    return max(paced, key=lambda x: (x[2].count, x[0], -x[1])) if paced else None


def recurring_value_events(brief: Brief) -> list[tuple[int, ValueEvent]]:
    """Value events that recur (expected at least :data:`MIN_ROUTINE_COUNT` times), with their index in
    brief.value_events; one-off steps ('first source connected', 'two teammates joined') are left out."""
    return [(i, v) for i, v in enumerate(brief.value_events) if v.count >= MIN_ROUTINE_COUNT]


def usage_cadence(ctx: DesignContext) -> tuple[UsageCadence, str, list[Basis]]:
    """How often a healthy account uses the product: from the pace of its routine value event.

    pace = count / target_day (events per account per day) of :func:`recurring_value_event`; daily
    if the pace >= 0.5, weekly if >= 1/7, else monthly. Without such an event the product is assumed
    to be used weekly (stated assumption).
    """
    brief = ctx.project.brief
    recurring = recurring_value_event(brief)
    if recurring is not None:
        pace, i, event = recurring
        cadence: UsageCadence = "daily" if pace >= DAILY_PACE else "weekly" if pace >= WEEKLY_PACE else "monthly"
        reason = (
            f"'{event.name}' is expected {event.count} times by day {event.target_day}, a pace of "
            f"{pace:.2f} per day per account, so a healthy account uses {brief.company} {cadence}."
        )
        basis = [
            ctx.inp("brief", ("value_events", i, "count")),
            ctx.inp("brief", ("value_events", i, "target_day")),
            ctx.assume(
                "usage_cadence_from_pace",
                f"The pace (count / target day) of the value event expected most often (at least "
                f"{MIN_ROUTINE_COUNT} times) shows how often a healthy account uses the product: daily at 0.5 "
                "or more per day, weekly at 1/7 or more, else monthly.",
                "The brief does not state a usage frequency; the onboarding targets imply one.",
                "Is this the rhythm of a healthy customer (daily, weekly or monthly use)?",
            ),
        ]
        return cadence, reason, basis
    metric = ctx.pricing_metric or "unpriced"
    reason = (
        f"No value event is expected {MIN_ROUTINE_COUNT} or more times by a target day, so weekly use is "
        f"assumed for a {ctx.motion} {metric} product."
    )
    basis = [
        ctx.inp("brief", ("value_events",)),
        ctx.assume(
            "usage_cadence_weekly",
            "A healthy account uses the product at least weekly.",
            f"No value event gives a repeat count of {MIN_ROUTINE_COUNT} or more and a target day, so the "
            "brief does not show how often a healthy customer uses the product.",
            "How often does a healthy customer use the product: daily, weekly or monthly?",
        ),
    ]
    return "weekly", reason, basis


def tenure(ctx: DesignContext, milestones: Sequence[Milestone]) -> tuple[int, list[Basis]]:
    """Days a new account is scored leniently: the activation milestone's target day, else 90."""
    activation = next((m for m in milestones if m.activation), None)
    if activation is not None and activation.day >= 1:
        return activation.day, [
            *activation.basis,
            ctx.assume(
                "tenure_until_activation",
                "Signals that need history (usage trend, feature breadth, NPS) are scored on a lenient scale "
                "until the activation milestone's target day.",
                "Before activation an account has had no fair chance to build usage, breadth or an opinion.",
                "Does your churn history show new accounts failing before or after activation?",
            ),
        ]
    return DEFAULT_TENURE_DAYS, [
        ctx.assume(
            "tenure_default_90",
            "Signals that need history are scored on a lenient scale for an account's first 90 days.",
            "No activation milestone with a target day is defined; 90 days is a common onboarding horizon.",
            "By which day should a new account be judged like any other?",
        )
    ]


def health_facts(ctx: DesignContext, milestones: Sequence[Milestone]) -> HealthFacts:
    """Gather the shared facts: usage cadence and windows, tenure, touch tiers, event names."""
    brief = ctx.project.brief
    cadence, reason, cadence_basis = usage_cadence(ctx)
    windows_basis = [
        ctx.assume(
            "usage_windows_by_cadence",
            "Windows and quiet-period limits by usage cadence: daily use: 7-day active window, 2 quiet days "
            "score 100 and 7 score 0, 14-day trend windows; weekly use: 30-day active window, 7 and 21 quiet "
            "days, 30-day trend windows; monthly use: 60-day window, 30 and 75 quiet days, 60-day trends.",
            "A window must be long enough for a healthy account to show activity at its normal rhythm and "
            "short enough to notice silence before the customer has left.",
            "Back-test: at which quiet period did accounts that churned stop using the product?",
        )
    ]
    value_events = unique([v.event for v in brief.value_events])
    feature_events = unique([f.event for f in brief.key_features if f.event])
    days, tenure_basis = tenure(ctx, milestones)
    return HealthFacts(
        cadence=cadence,
        cadence_reason=reason,
        cadence_basis=cadence_basis,
        windows=CADENCE_WINDOWS[cadence],
        windows_basis=windows_basis,
        tenure_days=days,
        tenure_basis=tenure_basis,
        tiers=touch_tiers(ctx),
        activity_events=unique([*value_events, *feature_events]),
        value_events=value_events,
        feature_events=feature_events,
        milestones=[m for m in milestones if m.verification.table == "events" and m.verification.event],
    )


def weights_basis(ctx: DesignContext) -> Basis:
    return ctx.assume(
        "signal_weights_within_category",
        "Inside each category, signals are weighted by how directly they show the customer getting value "
        "(the tool's starting point); weights are relative and renormalised over signals with data.",
        "No churn history is available at design time to fit the weights.",
        "After 6-12 months of data, which signals separated churned from renewed accounts in a back-test?",
    )


def benchmark_ratio(value: float | None, unit: str) -> float:
    """A benchmark value as a 0-1 ratio (rows in % are divided by 100)."""
    if value is None:
        raise ValueError("benchmark row has no value")
    return value / 100 if unit == "%" else value


def tenure_scoring(days: int, scoring: LinearScoring) -> TenureScoring:
    return TenureScoring(days=days, scoring=scoring)
