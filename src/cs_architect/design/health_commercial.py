"""Commercial signals of the health model: seat utilisation or MRR change, failed payments, renewal.

Seat pricing watches seats held by active users; usage and flat pricing watch MRR change; card
billing adds failed payments; annual or longer contracts add days to renewal, for the segments that
sign them only.
"""

from __future__ import annotations

from cs_architect.design.context import DesignContext
from cs_architect.design.contract_terms import contract_months
from cs_architect.design.cs_team import join_names, scope
from cs_architect.design.health_facts import HealthFacts
from cs_architect.spec.health_model import BandScoring, LinearScoring, Signal, Step

CONTRACT_MONTHS = 12  # a contract of a year or more has a renewal date worth working toward


# --- commercial -----------------------------------------------------------------------------------
def commercial_signals(ctx: DesignContext, facts: HealthFacts) -> list[Signal]:
    """Seat utilisation (seat/hybrid) or MRR change (usage/flat), failed payments, days to renewal."""
    pricing = ctx.project.pricing
    metric = ctx.pricing_metric
    signals: list[Signal] = []
    metric_basis = (
        ctx.inp("pricing", ("pricing_metric",))
        if pricing
        else ctx.assume(
            "pricing_unknown",
            "Without a pricing model, commercial health is read from MRR change and payment failures.",
            "pricing.yaml was not given.",
            "How is the product priced (seat, usage, flat, hybrid), billed and paid (card or invoice)?",
        )
    )
    if metric in ("seat", "hybrid"):
        signals.append(
            Signal(
                id="seat_utilisation",
                kind="seat_utilisation",
                name="Seats assigned to active users",
                weight=50,
                scoring=LinearScoring(bad=0.5, good=0.9),
                why=("Seat-priced: seats paid for but not assigned are the first line cut at renewal (contraction)."),
                basis=[
                    metric_basis,
                    ctx.assume(
                        "seat_utilisation_thresholds",
                        "90% or more of purchased seats held by active users scores 100; 50% or less scores 0.",
                        "Half-empty licences invite a seat reduction; near-full ones invite expansion.",
                        "What seat utilisation did accounts that reduced seats have before renewal?",
                    ),
                ],
            )
        )
    if metric in ("usage", "hybrid", "flat") or metric is None:
        reason = {
            "usage": "usage revenue falling month on month is usage falling",
            "hybrid": "the usage part of the bill shows whether use is growing",
            "flat": "a downgrade to a smaller plan shows as falling MRR",
        }.get(metric or "", "MRR falling shows contraction whatever the pricing")
        signals.append(
            Signal(
                id="mrr_change",
                kind="mrr_change",
                name="MRR now vs 3 months ago",
                weight=50,
                params={"months": 3},
                scoring=LinearScoring(bad=0.8, good=1.0),
                why=f"{(metric or 'unknown').capitalize()} pricing: {reason}.",
                basis=[
                    metric_basis,
                    ctx.assume(
                        "mrr_change_thresholds",
                        "MRR at or above its level 3 months ago scores 100; 20% below scores 0.",
                        "A 20% quarterly contraction is as large as a typical year's gross revenue churn.",
                        "",
                    ),
                ],
            )
        )
    renewal = _renewal_signal(ctx)
    card_plans = [p.name for p in pricing.plans if pricing.method(p) == "card"] if pricing else []
    if card_plans or len(signals) + (renewal is not None) < 2:
        signals.append(_failed_payments_signal(ctx, card_plans))
    if renewal is not None:
        signals.append(renewal)
    return signals


def _failed_payments_signal(ctx: DesignContext, card_plans: list[str]) -> Signal:
    share = ctx.row("involuntary_churn_share")
    if card_plans:
        why = (
            f"Plans paid by card ({', '.join(card_plans)}): failed cards cause {share.low:g}-"
            f"{share.high:g}% of churn (involuntary churn) unless the payment is recovered."
        )
        basis = [
            ctx.inp("pricing", ("payment_method",)),
            ctx.bench("involuntary_churn_share"),
            ctx.bench("card_decline_rate"),
        ]
    else:
        why = (
            "Few other commercial signals apply, and an invoice paid late or bounced is an early sign "
            "of a budget cut or a buyer who has stopped caring."
        )
        basis = [ctx.inp("pricing", ("payment_method",))] if ctx.project.pricing else []
    return Signal(
        id="failed_payments",
        kind="failed_payments",
        name="Failed payments (90 days)",
        weight=30,
        params={"window_days": 90},
        scoring=BandScoring(
            higher_is_better=False, steps=[Step(threshold=0, score=100), Step(threshold=1, score=50)], otherwise=0
        ),
        why=why,
        basis=[
            *basis,
            ctx.assume(
                "failed_payment_bands",
                "No failed payment in 90 days scores 100, one scores 50, two or more score 0.",
                "A second failure in a quarter means the first was not fixed.",
                "",
            ),
        ],
    )


def _renewal_signal(ctx: DesignContext) -> Signal | None:
    """Days to renewal, for the segments on contracts of 12 months or more only.

    Month-to-month accounts renew at every charge and have no renewal date to work toward, so the
    signal is scoped to the contract segments (their accounts alone carry a renewal_date); without
    any, it is left out.
    """
    pricing = ctx.project.pricing
    if pricing is None:
        return None
    contracted = [p for p in ctx.segments if contract_months(ctx, p) >= CONTRACT_MONTHS]
    if not contracted:
        return None
    terms = sorted({contract_months(ctx, p) for p in contracted})
    length = f"{terms[0]}" if len(terms) == 1 else f"{terms[0]} to {terms[-1]}"
    row = ctx.row("renewal_kickoff_red")
    good = float(row.median or 0)
    plans = [(i, pl) for i, pl in enumerate(pricing.plans) if pricing.contract(pl) >= CONTRACT_MONTHS]
    basis = [
        ctx.inp("pricing", ("plans", i, "contract_months") if pl.contract_months else ("contract_months",))
        for i, pl in plans
    ]
    monthly = [p for p in ctx.segments if p not in contracted]
    scoped = (
        f" Only {join_names(p.name for p in contracted)} sign contracts; {join_names(p.name for p in monthly)} "
        "run month to month and renew at every charge, so the signal does not apply to them."
        if monthly
        else ""
    )
    return Signal(
        id="days_to_renewal",
        kind="days_to_renewal",
        name="Days to renewal",
        weight=20,
        scoring=LinearScoring(bad=0, good=good),
        segments=scope(ctx, [p.id for p in contracted]),
        why=(
            f"Contracts run {length} months: the closer the renewal date, the less time is left to fix "
            f"anything else, so it weighs on health from {good:g} days out (when a red account's renewal "
            f"work should begin).{scoped}"
        ),
        basis=[*dict.fromkeys(basis), ctx.bench("renewal_kickoff_red")],
    )
