"""Usage-priced expansion triggers: the plan's cap, the break-even with the plan above, or its allowance.

Rules (from ``pricing.yaml``), per plan, with the usage paced per month:

- a hard cap (``usage_limit``): 80% of the cap; the offer is the next plan up. Where only the product
  covers the segment, this prompt shows on any day: the cap stops the product, so the prompt is
  service, not a pitch;
- included usage with an overage price and a dearer plan above: the usage at which the overage has
  covered 80% of the price gap to that plan (break-even = included + price gap ÷ overage price);
  below that the bigger plan is not cheaper, so it is not offered;
- included usage on the top plan: 80% of the allowance, to agree a committed volume before overage;
- no allowance at all (a commitment drawn down): usage growing 20% month on month.
"""

from __future__ import annotations

from cs_architect.design.context import DesignContext
from cs_architect.design.contract_terms import is_free
from cs_architect.design.cs_team import join_names
from cs_architect.design.expansion_triggers import (
    USAGE_TRIGGER,
    WINDOW_DAYS,
    TriggerBuilder,
    higher_plans,
    per_month,
    plan_list,
    plan_rank,
    plan_segments,
    price,
    usage_event,
    usage_growth,
)
from cs_architect.design.figures import quantity, round_sig
from cs_architect.inputs.pricing import Plan
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Condition


# --- usage ---------------------------------------------------------------------------------------------
def _cap_prompt(ctx: DesignContext) -> Figure:
    return Figure(
        value=0,
        unit="days",
        basis=[
            ctx.assume(
                "cap_prompt_any_day",
                "An in-product prompt at a hard usage cap shows on any day, even in the first weeks.",
                "At the cap the product stops working for the account, so the prompt is service, not a sales pitch.",
                "What does the product do when a free or capped account reaches its limit?",
            )
        ],
    )


def _unit_one(unit: str) -> str:
    """'GB ingested' stays; 'product analytics events' -> 'product analytics event'."""
    words = unit.split(" ")
    if words and words[-1].endswith("s") and not words[-1].isupper():
        words[-1] = words[-1][:-1]
    return " ".join(words)


def _limits(plan: Plan, unit: str) -> str:
    """What a plan allows a month, in words: 'no cap; 50 GB ingested a month included'."""
    if plan.usage_limit is not None:
        return f"capped at {quantity(per_month(plan, plan.usage_limit))} {unit} a month"
    if plan.included_usage:
        return f"no cap; {quantity(per_month(plan, plan.included_usage))} {unit} a month included"
    return "no cap"


def usage_triggers(ctx: DesignContext, b: TriggerBuilder) -> None:
    """Per plan: the cap, the break-even with the plan above, or the allowance; growth when nothing is metered."""
    pricing = ctx.project.pricing
    assert pricing is not None
    events, ev_basis = usage_event(ctx)
    unit = pricing.usage_unit or "units"
    threshold = ctx.assume(
        "usage_upsell_threshold",
        f"Usage upsell starts at {USAGE_TRIGGER:.0%} of a plan's monthly cap or allowance, or, where a dearer plan "
        f"sits above, when the overage has covered {USAGE_TRIGGER:.0%} of the price gap to it.",
        "At 80% the account meets the cap or overage within the billing period; the dearer plan is only offered "
        "once it is close to cheaper than paying overage.",
        "At what share of their allowance do customers usually move up a plan?",
    )
    unmetered: list[Plan] = []

    def add(plan: Plan, i: int, value: float, text: str, offer: str, basis: list[Basis], cap: bool) -> None:
        segs = plan_segments(ctx, plan)
        b.add(
            f"usage_limit_{plan.id}",
            f"{plan.name}: usage near its {'cap' if cap else 'allowance'}",
            "upsell",
            Condition(
                kind="value_event_frequency",
                params={"window_days": WINDOW_DAYS, "events": events},
                op=">=",
                value=value,
                text=text,
            ),
            offer,
            segs,
            [threshold, *basis, *ev_basis],
            not_before=_cap_prompt(ctx) if cap and b.product_only(segs) else None,
        )

    for i, plan in plan_list(ctx):
        up = higher_plans(ctx, plan)
        if plan.usage_limit is not None:
            monthly = per_month(plan, plan.usage_limit)
            value = round_sig(USAGE_TRIGGER * monthly)
            bigger = next(
                (p for _, p in up if p.usage_limit is None or p.usage_limit > plan.usage_limit),
                None,
            )
            offer = f"Move to {bigger.name} ({_limits(bigger, unit)})" if bigger else "Agree a custom plan"
            text = (
                f"{quantity(value)} {unit} or more in {WINDOW_DAYS} days: {USAGE_TRIGGER:.0%} of the "
                f"{quantity(monthly)} {unit} a month at which {plan.name} stops"
            )
            add(plan, i, value, text, offer, [ctx.inp("pricing", ("plans", i, "usage_limit"))], cap=True)
            continue
        if plan.included_usage is None:
            if not is_free(plan):
                unmetered.append(plan)
            continue
        monthly = per_month(plan, plan.included_usage)
        basis = [ctx.inp("pricing", ("plans", i, "included_usage"))]
        dearer = [(j, p) for j, p in up if plan_rank(ctx, p)[1] > plan_rank(ctx, plan)[1]]
        if plan.overage_price and dearer:
            j, bigger = dearer[0]
            gap = (bigger.annual_price(pricing.pricing_metric) - plan.annual_price(pricing.pricing_metric)) / 12
            even = monthly + gap / plan.overage_price
            value = round_sig(monthly + USAGE_TRIGGER * gap / plan.overage_price)
            text = (
                f"{quantity(value)} {unit} or more in {WINDOW_DAYS} days: the overage above {plan.name}'s "
                f"{quantity(monthly)} {unit} has covered {USAGE_TRIGGER:.0%} of the price gap to {bigger.name}"
            )
            offer = (
                f"Move to {bigger.name}: from about {quantity(round_sig(even))} {unit} a month, {plan.name} plus "
                f"overage at {price(ctx, plan.overage_price)} per {_unit_one(unit)} costs more than {bigger.name} "
                f"({ctx.money(gap + plan.annual_price(pricing.pricing_metric) / 12)} a month"
                + (", both at their minimum seats)" if pricing.pricing_metric == "hybrid" else ")")
            )
            basis += [
                ctx.inp("pricing", ("plans", i, "overage_price")),
                ctx.inp("pricing", ("plans", i, "price")),
                ctx.inp("pricing", ("plans", j, "price")),
            ]
        else:
            value = round_sig(USAGE_TRIGGER * monthly)
            text = (
                f"{quantity(value)} {unit} or more in {WINDOW_DAYS} days: {USAGE_TRIGGER:.0%} of the "
                f"{quantity(monthly)} {unit} a month {plan.name} includes"
            )
            if plan.overage_price:
                offer = (
                    f"Agree a committed volume before overage at {price(ctx, plan.overage_price)} per "
                    f"{_unit_one(unit)} starts"
                )
                basis.append(ctx.inp("pricing", ("plans", i, "overage_price")))
            else:
                offer = f"Move to {dearer[0][1].name}" if dearer else "Agree a larger allowance"
        add(plan, i, value, text, offer, basis, cap=False)
    if unmetered and len(unmetered) < len([p for _, p in plan_list(ctx) if not is_free(p)]):
        usage_growth(
            ctx,
            b,
            f"{join_names(p.name for p in unmetered)} carry no included usage or cap in pricing.yaml to point at.",
            billed=True,
            plans=unmetered,
        )
    elif unmetered:
        usage_growth(ctx, b, "No plan in pricing.yaml has included_usage or usage_limit to point at.", billed=True)
