"""Support signals of the health model: ticket load, first-response SLA attainment, ticket CSAT.

SLA targets come from the SLA benchmark rows of the tier with the most accounts, converted to the
calendar hours the engine measures.
"""

from __future__ import annotations

from cs_architect.design.context import DesignContext, TouchModel
from cs_architect.design.health_facts import (
    PRIORITIES,
    TOUCH_ORDER,
    HealthFacts,
    benchmark_ratio,
)
from cs_architect.spec.basis import Basis
from cs_architect.spec.health_model import BandScoring, LinearScoring, Signal, Step


# --- support --------------------------------------------------------------------------------------
def sla_tier(facts: HealthFacts) -> TouchModel:
    """The touch tier whose SLA the first-response signal checks: the one with the most accounts."""
    return max(
        facts.tiers, key=lambda t: (sum(p.segment.expected_accounts for p in facts.tiers[t]), TOUCH_ORDER.index(t))
    )


def sla_hours(ctx: DesignContext, tier: TouchModel) -> tuple[dict[str, float], list[Basis]]:
    """First-response SLA in calendar hours by priority for a touch tier.

    High-touch: the looser end of each published enterprise range (urgent around the clock; high,
    normal, low in business hours). Guided and self-serve: the standard tier, whose first-reply
    target (4 business hours) is the urgent target and 2x, 4x, 10x it the lower priorities. The
    engine counts calendar hours, so business hours are converted at 3 calendar hours each
    (8 business hours a day = 24 calendar hours) unless support runs 24x7.
    """
    support = (ctx.project.brief.support_hours or "").lower()
    around_the_clock = "24" in support and "7" in support
    factor = 1 if around_the_clock else 3
    if tier == "high_touch":
        rows = [ctx.row(f"sla_p{i}_high_touch") for i in (1, 2, 3, 4)]
        target = [r.high if r.high is not None else r.median for r in rows]
        if any(t is None for t in target):
            raise ValueError("SLA benchmark rows need a value")
        urgent = float(target[0] or 0) / 60 if rows[0].unit.startswith("min") else float(target[0] or 0)
        business = [float(t or 0) for t in target[1:]]
        hours = {
            "urgent": urgent,
            "high": business[0] * factor,
            "normal": business[1] * factor,
            "low": business[2] * factor,
        }
        basis = [ctx.bench(r.id, "looser end of the range") for r in rows]
    else:
        row = ctx.row("sla_standard_first_reply")
        first = float(row.median or 0)
        hours = {p: first * m * factor for p, m in zip(PRIORITIES, (1, 2, 4, 10), strict=True)}
        basis = [
            ctx.bench(row.id, "urgent target"),
            ctx.assume(
                "sla_standard_ladder",
                "Standard-tier first-response targets: urgent within the standard first-reply target (4 "
                "business hours), high 2x, normal 4x (2 business days) and low 10x (5 business days).",
                "Published standard support policies answer high priority in about 4 business hours and "
                "low priority in up to 5 business days.",
                "What first-response times do your support plans promise per priority?",
            ),
        ]
    if factor != 1:
        basis.append(
            ctx.assume(
                "sla_business_to_calendar_hours",
                "A business-hours SLA is checked in calendar hours at 3 calendar hours per business hour.",
                "Support is not staffed around the clock (or the brief does not say), while the engine "
                "measures the time from a ticket's creation to its first response on the clock.",
                "Can your help desk export response times in business hours?",
            )
        )
    return hours, basis


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
    tier = sla_tier(facts)
    hours, sla_basis = sla_hours(ctx, tier)
    names = ", ".join(p.name for p in facts.tiers[tier])
    hours_note = ""
    if ctx.project.brief.support_hours:
        hours_note = (
            f" Support runs {ctx.project.brief.support_hours}; the engine counts calendar hours, "
            "so weekend tickets lower this score slightly."
        )
    signals.append(
        Signal(
            id="first_response_sla",
            kind="first_response_sla",
            name="First responses within SLA (90 days)",
            weight=30,
            params={"window_days": 90, "sla_hours": hours},
            scoring=LinearScoring(bad=0.6, good=0.95),
            why=(
                f"Uses the {tier.replace('_', '-')} SLA ({names}, the tier with most accounts); slow "
                f"answers to urgent problems are remembered at renewal.{hours_note}"
            ),
            basis=[
                *sla_basis,
                ctx.assume(
                    "sla_attainment_thresholds",
                    "95% of first responses within SLA scores 100; 60% scores 0.",
                    "Support teams commonly target 90-95% SLA attainment; below 60% most customers have seen a miss.",
                    "What SLA attainment does your support team reach today?",
                ),
            ],
        )
    )
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
