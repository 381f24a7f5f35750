"""Support signals of the health model: ticket load, first-response SLA attainment, ticket CSAT.

First-response attainment is checked per support tier, each signal scoped to the tier's segments,
against the support section's targets for that tier (:func:`cs_architect.design.support.tier_slas`),
converted once (:func:`calendar_hours`) to the clock hours the engine measures between a ticket's
creation and its first response. The conversion of business hours is an approximation: it ignores
weekends and holidays.
"""

from __future__ import annotations

import re

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.cs_team import TIER_NAMES, join_names
from cs_architect.design.health_facts import (
    TOUCH_ORDER,
    HealthFacts,
    benchmark_ratio,
    ids_per_tier,
    tier_scope,
)
from cs_architect.design.support import tier_slas
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.health_model import BandScoring, LinearScoring, Signal, Step

DEFAULT_BUSINESS_DAY_HOURS = 8  # when support_hours gives no opening times
_AROUND_THE_CLOCK = re.compile(r"24\s*[x×/]\s*7|around the clock|24 hours a day", re.IGNORECASE)
_OPENING = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2})(?::(\d{2}))?")


# --- support --------------------------------------------------------------------------------------
def sla_tier(facts: HealthFacts) -> TouchModel:
    """The touch tier with the most expected accounts (ties: the higher-touch tier)."""
    return max(
        facts.tiers, key=lambda t: (sum(p.segment.expected_accounts for p in facts.tiers[t]), TOUCH_ORDER.index(t))
    )


def business_day_hours(ctx: DesignContext) -> tuple[float, Basis | None]:
    """Support hours per business day, and the basis: 24 when support runs around the clock for every
    priority, the span of the opening times in ``brief.support_hours`` ('08:00-18:00' = 10), else 8
    (then ``None``: the caller states the assumption)."""
    text = ctx.project.brief.support_hours or ""
    where = ctx.inp("brief", ("support_hours",))
    if _AROUND_THE_CLOCK.search(text) and "business hours" not in text.lower():
        return 24.0, where
    m = _OPENING.search(text)
    if m:
        start = int(m.group(1)) + int(m.group(2) or 0) / 60
        end = int(m.group(3)) + int(m.group(4) or 0) / 60
        if 0 < end - start <= 24:
            return end - start, where
    return float(DEFAULT_BUSINESS_DAY_HOURS), None


def calendar_hours(ctx: DesignContext, first_response: Figure) -> tuple[float, list[Basis]]:
    """A first-response target in the clock hours the engine measures, and the basis of the conversion.

    The one conversion between the support section's targets and the health model: minutes / 60 and
    hours as they are (clock time); business hours x 24 / support hours per business day, so a
    business day (8 hours when the brief gives no opening times) is a calendar day. It is an
    approximation: the engine measures clock hours and knows no calendar, so weekends and holidays are
    not added and a ticket raised on a Friday evening may count as a miss.
    """
    value, unit = first_response.value, first_response.unit
    if unit.startswith("minute"):
        return round(value / 60, 2), []
    if not unit.startswith("business hour"):  # '1 business hour' is singular
        return float(value), []
    day_hours, where = business_day_hours(ctx)
    factor = 24 / day_hours
    if where is not None:
        basis = [where]
    else:
        basis = [
            ctx.assume(
                "sla_business_to_calendar_hours",
                f"A business-hours SLA is checked in calendar hours at {factor:g} calendar hours per business "
                f"hour ({DEFAULT_BUSINESS_DAY_HOURS} support hours make one calendar day), an approximation that "
                "ignores weekends and holidays.",
                "The brief gives no support opening times, while the engine measures the clock time from a "
                "ticket's creation to its first response and has no business calendar.",
                "What are your support hours (e.g. 08:00-18:00 Mon-Fri), and can your help desk export "
                "response times in business hours?",
            )
        ]
    return round(value * factor, 2), basis


def sla_hours(ctx: DesignContext, tier: TouchModel) -> tuple[dict[str, float], list[Basis]]:
    """First-response SLA in calendar hours by ``tickets.priority`` value for a touch tier: the support
    section's targets for the tier (:func:`~cs_architect.design.support.tier_slas`) through
    :func:`calendar_hours`."""
    hours: dict[str, float] = {}
    basis: list[Basis] = []
    for sla in tier_slas(ctx, tier):
        hours[sla.data_value], conversion = calendar_hours(ctx, sla.first_response)
        basis += [b for b in (*sla.first_response.basis, *conversion) if b not in basis]
    return hours, basis


def _sla_text(ctx: DesignContext, tier: TouchModel) -> str:
    parts = []
    for sla in tier_slas(ctx, tier):
        clock, _ = calendar_hours(ctx, sla.first_response)
        given = sla.first_response.text()
        shown = f"about {clock:g} h on the clock" if sla.first_response.unit.startswith("business hour") else ""
        parts.append(f"{sla.priority} {given}" + (f" ({shown})" if shown else ""))
    return ", ".join(parts)


def _sla_signal(ctx: DesignContext, tier: TouchModel, profiles: list[SegmentProfile], attainment: Basis) -> Signal:
    """First-response attainment against one tier's targets, for that tier's segments only."""
    hours, sla_basis = sla_hours(ctx, tier)
    # Support that never closes makes business hours clock hours: nothing to approximate then.
    business = business_day_hours(ctx)[0] < 24 and any(
        s.first_response.unit.startswith("business hour") for s in tier_slas(ctx, tier)
    )
    approx = (
        " Business hours are converted to clock hours at the support day's length, an approximation that "
        "ignores weekends and holidays (the engine measures clock time)."
        if business
        else ""
    )
    return Signal(
        id="first_response_sla",
        kind="first_response_sla",
        name=f"First responses within SLA, {TIER_NAMES[tier].lower()} (90 days)",
        weight=30,
        params={"window_days": 90, "sla_hours": hours},
        scoring=LinearScoring(bad=0.6, good=0.95),
        segments=tier_scope(ctx, profiles),
        why=(
            f"Checks the {TIER_NAMES[tier].lower()} tier's first-response targets from the support section "
            f"({_sla_text(ctx, tier)}) for {join_names(p.name for p in profiles)}; slow answers to urgent problems "
            f"are remembered at renewal.{approx}"
        ),
        basis=[*sla_basis, attainment],
    )


def support_signals(ctx: DesignContext, facts: HealthFacts) -> list[Signal]:
    """Ticket load (per seat if seat-priced, else open urgent tickets), SLA attainment, ticket CSAT."""
    signals: list[Signal] = []
    seat_priced = ctx.pricing_metric in ("seat", "hybrid")
    if seat_priced:
        signals.append(
            Signal(
                id="tickets_per_seat",
                kind="tickets_per_seat",
                name="Tickets per seat (30 days)",
                weight=40,
                params={"window_days": 30},
                scoring=LinearScoring(bad=0.05, good=0.01),
                why=(
                    "Seat-priced, so ticket volume is read per seat: a rising share of users needing help "
                    "means the product is getting in their way."
                ),
                basis=[
                    ctx.inp("pricing", ("pricing_metric",)),
                    ctx.assume(
                        "tickets_per_seat_thresholds",
                        "1 ticket per 100 seats a month scores 100; 5 per 100 seats scores 0.",
                        "No published per-seat ticket benchmark was found; these mark 'occasional' and 'constant'.",
                        "How many tickets per 100 seats did renewed vs churned accounts raise per month?",
                    ),
                ],
            )
        )
    else:
        signals.append(
            Signal(
                id="open_high_priority_tickets",
                kind="open_high_priority_tickets",
                name="Open urgent and high-priority tickets",
                weight=40,
                params={"priorities": ["urgent", "high"]},
                scoring=BandScoring(
                    higher_is_better=False,
                    steps=[Step(threshold=0, score=100), Step(threshold=1, score=50)],
                    otherwise=0,
                ),
                why=(
                    "Not seat-priced, so ticket counts are not comparable across account sizes; what is left "
                    "open and urgent is."
                ),
                basis=[
                    ctx.assume(
                        "open_high_priority_bands",
                        "No open urgent or high-priority ticket scores 100, one scores 50, two or more score 0.",
                        "An unresolved blocking problem is the most direct support risk.",
                        "",
                    )
                ],
            )
        )
    attainment = ctx.assume(
        "sla_attainment_thresholds",
        "95% of first responses within SLA scores 100; 60% scores 0.",
        "Support teams commonly target 90-95% SLA attainment; below 60% most customers have seen a miss.",
        "What SLA attainment does your support team reach today?",
    )
    per_tier = [(tier, _sla_signal(ctx, tier, profiles, attainment)) for tier, profiles in facts.tiers.items()]
    signals += ids_per_tier(per_tier)
    csat = ctx.row("csat_b2b_support")
    good = benchmark_ratio(csat.median, csat.unit)
    signals.append(
        Signal(
            id="ticket_csat",
            kind="ticket_csat",
            name="Ticket CSAT (90 days)",
            weight=30,
            params={"window_days": 90, "scale_max": 5},
            scoring=LinearScoring(bad=0.5, good=good),
            why=("Top-box share of ticket ratings; the B2B SaaS median scores 100, half of raters unhappy scores 0."),
            basis=[
                ctx.bench("csat_b2b_support", "median as the good anchor"),
                ctx.assume(
                    "ticket_csat_bad",
                    "A ticket CSAT of 50% (half of raters not satisfied) scores 0.",
                    "Far below the B2B support median; every second interaction disappoints.",
                    "Which CSAT scale does your help desk use (1-5 assumed)?",
                ),
            ],
        )
    )
    return signals
