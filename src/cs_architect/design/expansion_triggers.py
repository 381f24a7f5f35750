"""Expansion triggers: the product signals that open an upsell or cross-sell conversation.

Rules (all from ``pricing.yaml`` and the brief):

- **Seat pricing**: active users reach 90% of purchased seats; past the plan's max seats the offer is
  the next plan that holds more.
- **Usage pricing**: the plan's cap, the break-even with the plan above, or its allowance (see
  ``design.usage_triggers``).
- **Flat pricing**: 80% of the plan's features in use opens the next plan.
- **Hybrid** gets the seat and usage rules; **no pricing** watches usage growth and feature breadth.
- **Cross-sell** is need-based: an add-on's feature used in a preview or trial by an account whose
  plan lacks it, and a feature of a higher plan. Add-ons that meter a feature every plan includes
  are not cross-sold (they grow with adoption).

Plans are ranked free first, then by list price a year at minimum size; 'higher' means later in that order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from cs_architect.design.context import DesignContext
from cs_architect.design.contract_terms import PERIOD_WORD, is_free
from cs_architect.design.cs_team import TIER_NAMES, join_names, lower_first, scope
from cs_architect.inputs.brief import Feature
from cs_architect.inputs.pricing import PERIODS_PER_YEAR, AddOn, Plan
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Condition, ExpansionTrigger

if TYPE_CHECKING:
    from cs_architect.design.expansion import ExpansionMotion

SEAT_TRIGGER = 0.9  # share of purchased seats in use
USAGE_TRIGGER = 0.8  # share of the month's cap or allowance, or of the price gap to the next plan
TIER_BREADTH_TRIGGER = 0.8  # share of the plan's features in use (flat pricing)
USAGE_GROWTH_TRIGGER = 1.2  # usage this month / last month, when there are no limits to point at
WINDOW_DAYS = 30


def price(ctx: DesignContext, amount: float) -> str:
    """A list price with its currency; unit prices below 1 keep their decimals (0.00005 USD per event)."""
    if float(amount).is_integer() or amount >= 100:
        return ctx.money(amount)
    return f"{amount:,.6f}".rstrip("0").rstrip(".") + f" {ctx.currency}"


class TriggerBuilder:
    """Collects triggers with unique ids, and names the owners of their segments."""

    def __init__(self, ctx: DesignContext, motions: Mapping[str, ExpansionMotion], not_before: Figure) -> None:
        self.ctx = ctx
        self.motions = motions
        self.not_before = not_before
        self.triggers: list[ExpansionTrigger] = []
        self.notes: list[str] = []
        self.earlier_start: Figure | None = None  # a start before ``not_before`` some triggers were given

    def owner(self, segments: list[str]) -> str:
        """Who spots the opportunity in these segments (per tier when they differ)."""
        ids = segments or [s.id for s in self.ctx.segments]
        owners: list[str] = []
        for sid in ids:
            m = self.motions[sid]
            label = f"{m.identifies} ({TIER_NAMES[m.touch].lower()})" if len(ids) > 1 else m.identifies
            if label not in owners:
                owners.append(label)
        if len(owners) == 1 and len(ids) > 1:
            return owners[0].rsplit(" (", 1)[0]
        return "; ".join(owners)

    def product_only(self, segments: list[str]) -> bool:
        """True when only the product (no person) sells expansion to these segments."""
        ids = segments or [s.id for s in self.ctx.segments]
        return all(self.motions[s].model == "self_serve_in_app" for s in ids)

    def note(self, text: str) -> None:
        """Record what the inputs could not support (once)."""
        if text not in self.notes:
            self.notes.append(text)

    def add(
        self,
        tid: str,
        name: str,
        kind: Literal["upsell", "cross_sell"],
        condition: Condition,
        offer: str,
        segments: list[str],
        basis: list[Basis],
        not_before: Figure | None = None,
    ) -> None:
        """Add a trigger with a unique id; ``not_before`` overrides the section's first day."""
        taken = {t.id for t in self.triggers}
        unique, n = tid, 2
        while unique in taken:
            unique, n = f"{tid}_{n}", n + 1
        start = not_before or self.not_before
        if start.value < self.not_before.value:
            self.earlier_start = start
        self.triggers.append(
            ExpansionTrigger(
                id=unique,
                name=name,
                kind=kind,
                condition=condition,
                offer=offer,
                owner=self.owner(segments),
                not_before_day=int(start.value),
                segments=segments,
                basis=[*basis, *start.basis],
            )
        )


# --- plans ---------------------------------------------------------------------------------------------
def plan_list(ctx: DesignContext) -> list[tuple[int, Plan]]:
    """(index in pricing.yaml, plan) for every plan; empty without pricing."""
    pricing = ctx.project.pricing
    return list(enumerate(pricing.plans)) if pricing else []


def plan_segments(ctx: DesignContext, plan: Plan) -> list[str]:
    """The segment a plan is sold to, as a ``segments`` list (empty = every segment)."""
    return scope(ctx, [plan.segment]) if plan.segment else []


def plan_rank(ctx: DesignContext, plan: Plan) -> tuple[int, float]:
    """Free plans first, then by list price a year at minimum size."""
    pricing = ctx.project.pricing
    assert pricing is not None
    return (0 if is_free(plan) else 1, plan.annual_price(pricing.pricing_metric))


def higher_plans(ctx: DesignContext, plan: Plan) -> list[tuple[int, Plan]]:
    """Plans above this one, cheapest first (a paid plan is above a free one even at a list price of 0)."""
    own = plan_rank(ctx, plan)
    up = [(i, p) for i, p in plan_list(ctx) if plan_rank(ctx, p) > own]
    return sorted(up, key=lambda ip: (plan_rank(ctx, ip[1]), ip[0]))


def per_month(plan: Plan, amount: float) -> float:
    """An amount per billing period, paced per month."""
    return amount * PERIODS_PER_YEAR[plan.billing_period] / 12


def key_feature(ctx: DesignContext, feature_id: str) -> Feature | None:
    """The brief's key feature with this id, if any."""
    return next((f for f in ctx.project.brief.key_features if f.id == feature_id), None)


# --- seats ---------------------------------------------------------------------------------------------
def seat_triggers(ctx: DesignContext, b: TriggerBuilder) -> None:
    """Per plan: 90% of purchased seats in use; past max seats, the next plan that holds more."""
    threshold = ctx.assume(
        "seat_upsell_threshold",
        f"Seat upsell starts when {SEAT_TRIGGER:.0%} of purchased seats are in use.",
        "At 90% a team that keeps hiring runs out of seats within weeks; earlier outreach reads as pushy.",
        "At what seat utilisation do your customers usually buy more seats?",
    )
    for i, plan in plan_list(ctx):
        if is_free(plan):
            continue
        basis = [threshold, ctx.inp("pricing", ("plans", i, "price"))]
        offer = f"Add seats on {plan.name} at {price(ctx, plan.price)} per seat per {PERIOD_WORD[plan.billing_period]}"
        text = f"active users reach {SEAT_TRIGGER:.0%} of purchased seats on {plan.name}"
        if plan.max_seats:
            basis.append(ctx.inp("pricing", ("plans", i, "max_seats")))
            bigger = next(
                (p for _, p in higher_plans(ctx, plan) if p.max_seats is None or p.max_seats > plan.max_seats), None
            )
            nxt = f"move to {bigger.name}" if bigger else "agree a custom plan"
            offer += f"; past the plan's {plan.max_seats:,} seats, {nxt}"
            text += f" (the plan stops at {plan.max_seats:,} seats)"
        b.add(
            f"seat_limit_{plan.id}",
            f"{plan.name}: seats nearly full",
            "upsell",
            Condition(kind="seat_utilisation", op=">=", value=SEAT_TRIGGER, text=text),
            offer,
            plan_segments(ctx, plan),
            basis,
        )


# --- usage growth ---------------------------------------------------------------------------------------
def usage_event(ctx: DesignContext) -> tuple[list[str], list[Basis]]:
    """The event(s) that carry billed usage: pricing's usage_event, else the value events (an assumption)."""
    pricing = ctx.project.pricing
    if pricing and pricing.usage_event:
        return [pricing.usage_event], [ctx.inp("pricing", ("usage_event",))]
    events = sorted({v.event for v in ctx.project.brief.value_events})
    return events, [
        ctx.assume(
            "usage_event_from_value_events",
            f"Billed usage is counted from the value events ({', '.join(events)}).",
            "pricing.yaml does not name usage_event, the event whose quantity is billed.",
            "Which event in your product data carries the billed usage quantity?",
        )
    ]


def usage_growth(
    ctx: DesignContext, b: TriggerBuilder, why: str, billed: bool, plans: list[Plan] | None = None
) -> None:
    """Usage growth as the trigger when there is no limit to point at (billed usage, else any activity)."""
    params: dict[str, object] = {"window_days": WINDOW_DAYS}
    ev_basis: list[Basis] = []
    if billed:
        events, ev_basis = usage_event(ctx)
        params["events"] = events
    basis = ctx.assume(
        "usage_growth_trigger",
        f"An expansion conversation opens when usage grows {USAGE_GROWTH_TRIGGER - 1:.0%} or more month on month.",
        why,
        "Which plan limits or usage tiers should expansion point at?",
    )
    segments: list[str] = []
    offer = "Review plan size and limits with the account before it outgrows them"
    if plans:
        segments = scope(ctx, [p.segment for p in plans if p.segment]) if all(p.segment for p in plans) else []
        offer = (
            f"Review the commitment on {join_names(p.name for p in plans)}: at this growth the account uses up "
            "what it bought before the term ends; propose a larger commitment now rather than overage later"
        )
    b.add(
        "usage_growth",
        "Usage growing fast",
        "upsell",
        Condition(
            kind="usage_trend",
            params=params,
            op=">=",
            value=USAGE_GROWTH_TRIGGER,
            text=f"usage in the last {WINDOW_DAYS} days at least {USAGE_GROWTH_TRIGGER:.1f}x the "
            f"{WINDOW_DAYS} days before",
        ),
        offer,
        segments,
        [basis, *ev_basis],
    )


# --- flat pricing and no pricing ------------------------------------------------------------------------
def tier_triggers(ctx: DesignContext, b: TriggerBuilder) -> None:
    """Flat pricing: an account using almost every feature of its plan is ready for the next plan."""
    basis = ctx.assume(
        "tier_upsell_breadth",
        f"A plan upgrade is offered once {TIER_BREADTH_TRIGGER:.0%} of the plan's features are in use.",
        "With flat pricing the only lever is the plan tier; broad adoption shows the account has outgrown it.",
        "Which usage pattern tells you a customer is ready for the next plan?",
    )
    for i, plan in plan_list(ctx):
        higher = higher_plans(ctx, plan)
        events = [f.event for fid in plan.features if (f := key_feature(ctx, fid)) and f.event]
        if not higher or not events:
            continue
        b.add(
            f"tier_full_{plan.id}",
            f"{plan.name}: plan fully adopted",
            "upsell",
            Condition(
                kind="feature_breadth",
                params={"window_days": WINDOW_DAYS, "features": events},
                op=">=",
                value=TIER_BREADTH_TRIGGER,
                text=f"{TIER_BREADTH_TRIGGER:.0%} or more of {plan.name}'s features used in {WINDOW_DAYS} days",
            ),
            f"Move to {higher[0][1].name}",
            plan_segments(ctx, plan),
            [basis, ctx.inp("pricing", ("plans", i, "features"))],
        )


def no_pricing_triggers(ctx: DesignContext, b: TriggerBuilder) -> None:
    """Without pricing: usage growth, and broad adoption of the key features."""
    ctx.assume(
        "pricing_unknown",
        "Without pricing.yaml, expansion triggers watch usage growth and feature adoption instead of plan limits.",
        "The pricing metric and plan limits are not given.",
        "What is your pricing metric (seat, usage, flat) and what limits does each plan have?",
    )
    usage_growth(ctx, b, "There is no pricing.yaml, so no plan limits to point at.", billed=False)
    events = [f.event for f in ctx.project.brief.key_features if f.event]
    if events:
        basis = ctx.assume(
            "breadth_expansion_trigger",
            f"An account using {TIER_BREADTH_TRIGGER:.0%} of the key features is ready to roll out to more teams.",
            "Broad adoption shows the product is embedded; more users or sites are next.",
            "What does the next purchase of a happy customer look like?",
        )
        b.add(
            "broad_adoption",
            "Key features broadly adopted",
            "upsell",
            Condition(
                kind="feature_breadth",
                params={"window_days": WINDOW_DAYS, "features": events},
                op=">=",
                value=TIER_BREADTH_TRIGGER,
                text=f"{TIER_BREADTH_TRIGGER:.0%} or more of the key features used in {WINDOW_DAYS} days",
            ),
            "Propose rolling out to more teams or sites",
            [],
            [basis],
        )


# --- cross-sell ------------------------------------------------------------------------------------------
def _demand(feature: Feature, plan_names: str) -> Condition:
    return Condition(
        kind="value_event_frequency",
        params={"window_days": WINDOW_DAYS, "events": [feature.event]},
        op=">=",
        value=1,
        text=f"an account on {plan_names} uses {feature.name} ({feature.event}) in a preview or trial within "
        f"{WINDOW_DAYS} days",
    )


def _add_on_price(ctx: DesignContext, add_on: AddOn) -> str:
    if add_on.price == 0:
        return "usage-priced"
    return f"{price(ctx, add_on.price)} per {PERIOD_WORD[add_on.billing_period]}"


def _add_on_cross_sell(ctx: DesignContext, b: TriggerBuilder) -> None:
    pricing = ctx.project.pricing
    assert pricing is not None
    metered: list[str] = []
    for j, add_on in enumerate(pricing.add_ons):
        basis = [ctx.inp("pricing", ("add_ons", j))]
        feature = key_feature(ctx, add_on.feature) if add_on.feature else None
        lacking = [(i, p) for i, p in plan_list(ctx) if feature is None or feature.id not in p.features]
        if feature is not None and not lacking:
            metered.append(add_on.name)  # every plan has the feature: the add-on meters it
            continue
        detail = f" ({lower_first(add_on.description)})" if add_on.description else ""
        if feature is None or not feature.event:
            b.add(
                f"add_on_{add_on.id}",
                f"{add_on.name} for healthy accounts",
                "cross_sell",
                Condition(
                    kind="health_band", op="==", value="healthy", text="account is healthy and does not have the add-on"
                ),
                f"{add_on.name} ({_add_on_price(ctx, add_on)}), raised at the next business review or value report",
                [],
                basis,
            )
            if feature is not None:
                b.note(
                    f"{feature.name} has no event in brief.yaml, so demand for {add_on.name} cannot be seen "
                    "in data; it is offered to healthy accounts instead."
                )
            continue
        # The add-on is for accounts whose plan lacks the feature; a plan sold to every segment widens it to all.
        segs = (
            []
            if any(p.segment is None for _, p in lacking)
            else scope(ctx, [p.segment for _, p in lacking if p.segment])
        )
        b.add(
            f"add_on_{add_on.id}",
            f"{add_on.name}: feature demand",
            "cross_sell",
            _demand(feature, " or ".join(p.name for _, p in lacking)),
            f"{add_on.name} at {_add_on_price(ctx, add_on)}{detail}",
            segs,
            basis,
        )
    if metered:
        b.note(
            f"{join_names(metered)} meter{'s' if len(metered) == 1 else ''} features every plan includes: "
            "they grow with adoption and the usage triggers, so they get no cross-sell trigger."
        )


def cross_sell_triggers(ctx: DesignContext, b: TriggerBuilder) -> None:
    """Add-ons whose feature an account's plan lacks, and features of a higher plan, once the account uses them."""
    pricing = ctx.project.pricing
    assert pricing is not None
    _add_on_cross_sell(ctx, b)
    add_on_features = {a.feature for a in pricing.add_ons if a.feature}
    for i, plan in plan_list(ctx):
        for up_i, up in higher_plans(ctx, plan):
            for fid in up.features:
                if fid in plan.features or fid in add_on_features:
                    continue
                feature = key_feature(ctx, fid)
                if feature is None:
                    continue
                if not feature.event:
                    b.note(
                        f"{feature.name} (in {up.name}) has no event in brief.yaml; demand for it cannot trigger "
                        f"an upgrade from {plan.name}."
                    )
                    continue
                if any(t.id == f"{fid}_demand_{plan.id}" for t in b.triggers):
                    continue
                b.add(
                    f"{fid}_demand_{plan.id}",
                    f"{plan.name}: wants {feature.name}",
                    "cross_sell",
                    _demand(feature, plan.name),
                    f"Upgrade to {up.name}, which includes {feature.name}",
                    plan_segments(ctx, plan),
                    [ctx.inp("pricing", ("plans", i, "features")), ctx.inp("pricing", ("plans", up_i, "features"))],
                )
