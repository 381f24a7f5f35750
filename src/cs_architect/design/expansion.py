"""Expansion: NRR targets by segment, who sells expansion, and the triggers that open the conversation.

Rules (all from the inputs):

- **NRR targets**: the segment's ACV band row (``nrr_segment_<band>``): the median is the floor (the
  yellow/green boundary), the top quartile the stretch; SaaS Capital's median for the segment's ACV
  is shown beside it as a measured cross-check.
- **Motion** (who sells expansion) follows the touch model and the sales motion: high-touch is
  CSM-led, guided is sales-assisted, self-serve upgrades in-app (sales-assisted if the company has no
  product-led motion).
- **Upsell triggers** follow the pricing metric: seat pricing fires at seat utilisation ≥ 90%
  (pointing at the plan's max seats), usage pricing when the month's usage reaches 80% of the plan's
  included usage or limit, flat pricing when an account uses almost every feature of its tier.
  Hybrid pricing gets both seat and usage triggers; no pricing gets usage-growth triggers.
- **Cross-sell triggers** are need-based: an add-on's feature used in a trial or preview, and a
  feature of a higher plan the account's plan lacks.
- No trigger fires before the account is activated and past its first 30 days.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cs_architect.design.context import AcvBand, DesignContext, SegmentProfile, TouchModel
from cs_architect.design.support import (
    CSM_ROLE,
    TIER_NAMES,
    NamedSegments,
    acv_row,
    row_figure,
    scope,
    segment_names,
    seller_role,
)
from cs_architect.inputs.base import Strict
from cs_architect.inputs.brief import Feature
from cs_architect.inputs.pricing import PERIODS_PER_YEAR, Plan
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Condition, ExpansionTrigger

SEAT_TRIGGER = 0.9  # share of purchased seats in use
USAGE_TRIGGER = 0.8  # share of the month's included usage or limit
TIER_BREADTH_TRIGGER = 0.8  # share of the plan's features in use (flat pricing)
USAGE_GROWTH_TRIGGER = 1.2  # usage this month / last month, when there are no limits to point at
NO_PITCH_DAYS = 30
WINDOW_DAYS = 30
PERIOD_WORD = {"monthly": "month", "quarterly": "quarter", "annual": "year"}


class NrrTarget(Strict):
    segment: str
    segment_name: str
    band: AcvBand
    floor: Figure = Field(description="benchmark median: the yellow/green boundary")
    stretch: Figure = Field(description="benchmark top quartile")
    acv_median: Figure | None = Field(None, description="measured median for the segment's ACV band (cross-check)")
    expansion_rate: Figure = Field(description="'good' annual expansion as a share of starting ARR")


ExpansionModel = Literal["csm_led", "sales_assist", "self_serve_in_app"]


class ExpansionMotion(Strict):
    segment: str
    segment_name: str
    touch: TouchModel
    model: ExpansionModel
    identifies: str = Field(description="who spots and qualifies the opportunity")
    closes: str = Field(description="who closes it")
    channel: str


class ExpansionSection(NamedSegments):
    summary: str
    expansion_share: Figure = Field(description="share of new ARR that expansion should bring")
    targets: list[NrrTarget]
    motions: list[ExpansionMotion]
    triggers: list[ExpansionTrigger]
    not_before_day: Figure
    notes: list[str] = Field(default_factory=list, description="what the inputs could not support, and why")

    def target(self, segment_id: str) -> NrrTarget:
        return next(t for t in self.targets if t.segment == segment_id)


def price(ctx: DesignContext, amount: float) -> str:
    """A list price with its currency; unit prices below 1 keep their decimals (0.00005 USD per event)."""
    if float(amount).is_integer() or amount >= 100:
        return ctx.money(amount)
    return f"{amount:,.6f}".rstrip("0").rstrip(".") + f" {ctx.currency}"


# --- NRR targets ------------------------------------------------------------------------------------
def nrr_target(ctx: DesignContext, profile: SegmentProfile) -> NrrTarget:
    """Floor = median and stretch = top quartile of ``nrr_segment_<band>``; SaaS Capital by ACV as cross-check."""
    row_id = f"nrr_segment_{profile.band}"
    seg = ctx.segment_basis(profile)
    floor = row_figure(ctx, row_id, "median", "floor: yellow/green boundary")
    stretch = row_figure(ctx, row_id, "top_quartile", "stretch")
    cross = acv_row(ctx, "nrr_saas_capital_", profile.acv)
    acv_median = row_figure(ctx, cross, "median", "measured median for this ACV") if cross else None
    rate = row_figure(ctx, f"expansion_rate_{profile.band}", "low", "'good' starts here")
    return NrrTarget(
        segment=profile.id,
        segment_name=profile.name,
        band=profile.band,
        floor=floor.model_copy(update={"basis": [*floor.basis, seg]}),
        stretch=stretch.model_copy(update={"basis": [*stretch.basis, seg]}),
        acv_median=acv_median,
        expansion_rate=rate,
    )


# --- motion -------------------------------------------------------------------------------------------
def expansion_motion(ctx: DesignContext, profile: SegmentProfile) -> ExpansionMotion:
    """Who sells expansion in a segment: from its touch model and the company's sales motion."""
    seller = seller_role(ctx)
    motion = ctx.motion
    if profile.touch == "high_touch":
        closes = {
            "sales-led": f"{seller}, sourced by the CSM",
            "hybrid": f"Named CSM; {seller} joins for plan changes and multi-year terms",
            "product-led": "Named CSM",
        }[motion]
        return ExpansionMotion(
            segment=profile.id,
            segment_name=profile.name,
            touch=profile.touch,
            model="csm_led",
            identifies=CSM_ROLE["high_touch"],
            closes=closes,
            channel="Account plan and QBR; a written expansion proposal",
        )
    if profile.touch == "guided":
        closes = (
            "In-app checkout, a pooled CSM on call"
            if motion == "product-led"
            else f"Sales-assist rep; {seller} for new contract terms"
        )
        return ExpansionMotion(
            segment=profile.id,
            segment_name=profile.name,
            touch=profile.touch,
            model="sales_assist",
            identifies=CSM_ROLE["guided"],
            closes=closes,
            channel="Product signal routed to the pooled CSM desk; call or email",
        )
    if motion == "sales-led":
        return ExpansionMotion(
            segment=profile.id,
            segment_name=profile.name,
            touch=profile.touch,
            model="sales_assist",
            identifies="Product signal routed to inside sales",
            closes=f"Inside sales; {seller} for new contract terms",
            channel="Email and call",
        )
    return ExpansionMotion(
        segment=profile.id,
        segment_name=profile.name,
        touch=profile.touch,
        model="self_serve_in_app",
        identifies="Product (in-app prompt at the limit)",
        closes="In-app checkout",
        channel="In-app prompt and upgrade page",
    )


# --- triggers ---------------------------------------------------------------------------------------
class _Builder:
    """Collects triggers with unique ids and the owners of their segments."""

    def __init__(self, ctx: DesignContext, motions: dict[str, ExpansionMotion], not_before: Figure) -> None:
        self.ctx = ctx
        self.motions = motions
        self.not_before = not_before
        self.triggers: list[ExpansionTrigger] = []

    def owner(self, segments: list[str]) -> str:
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

    def add(
        self,
        tid: str,
        name: str,
        kind: Literal["upsell", "cross_sell"],
        condition: Condition,
        offer: str,
        segments: list[str],
        basis: list[Basis],
    ) -> None:
        taken = {t.id for t in self.triggers}
        unique, n = tid, 2
        while unique in taken:
            unique, n = f"{tid}_{n}", n + 1
        self.triggers.append(
            ExpansionTrigger(
                id=unique,
                name=name,
                kind=kind,
                condition=condition,
                offer=offer,
                owner=self.owner(segments),
                not_before_day=int(self.not_before.value),
                segments=segments,
                basis=[*basis, *self.not_before.basis],
            )
        )


def _plans(ctx: DesignContext) -> list[tuple[int, Plan]]:
    pricing = ctx.project.pricing
    return list(enumerate(pricing.plans)) if pricing else []


def _plan_segments(ctx: DesignContext, plan: Plan) -> list[str]:
    return scope(ctx, [plan.segment]) if plan.segment else []


def _higher(ctx: DesignContext, plan: Plan) -> list[tuple[int, Plan]]:
    """Plans above this one, cheapest first (by list price a year at minimum size)."""
    pricing = ctx.project.pricing
    assert pricing is not None
    own = plan.annual_price(pricing.pricing_metric)
    up = [(i, p) for i, p in _plans(ctx) if p.annual_price(pricing.pricing_metric) > own]
    return sorted(up, key=lambda ip: (ip[1].annual_price(pricing.pricing_metric), ip[0]))


def _seat_triggers(ctx: DesignContext, b: _Builder) -> None:
    pricing = ctx.project.pricing
    assert pricing is not None
    threshold = ctx.assume(
        "seat_upsell_threshold",
        f"Seat upsell starts when {SEAT_TRIGGER:.0%} of purchased seats are in use.",
        "At 90% a team that keeps hiring runs out of seats within weeks; earlier outreach reads as pushy.",
        "At what seat utilisation do your customers usually buy more seats?",
    )
    for i, plan in _plans(ctx):
        basis = [threshold, ctx.inp("pricing", ("plans", i, "price"))]
        offer = f"Add seats on {plan.name} at {price(ctx, plan.price)} per seat per {PERIOD_WORD[plan.billing_period]}"
        text = f"active users reach {SEAT_TRIGGER:.0%} of purchased seats on {plan.name}"
        if plan.max_seats:
            basis.append(ctx.inp("pricing", ("plans", i, "max_seats")))
            bigger = next(
                (p for _, p in _higher(ctx, plan) if p.max_seats is None or p.max_seats > plan.max_seats), None
            )
            nxt = f"move to {bigger.name}" if bigger else "agree a custom plan"
            offer += f"; past the plan's {plan.max_seats:,} seat limit, {nxt}"
            text += f" (the plan stops at {plan.max_seats:,} seats)"
        b.add(
            f"seat_limit_{plan.id}",
            f"{plan.name}: seats nearly full",
            "upsell",
            Condition(kind="seat_utilisation", op=">=", value=SEAT_TRIGGER, text=text),
            offer,
            _plan_segments(ctx, plan),
            basis,
        )


def _usage_event(ctx: DesignContext) -> tuple[list[str], list[Basis]]:
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


def _usage_growth(ctx: DesignContext, b: _Builder, why: str, billed: bool) -> None:
    """Usage growth as the trigger when there is no limit to point at (billed usage, else any activity)."""
    params: dict[str, object] = {"window_days": WINDOW_DAYS}
    ev_basis: list[Basis] = []
    if billed:
        events, ev_basis = _usage_event(ctx)
        params["events"] = events
    basis = ctx.assume(
        "usage_growth_trigger",
        f"An expansion conversation opens when usage grows {USAGE_GROWTH_TRIGGER - 1:.0%} or more month on month.",
        why,
        "Which plan limits or usage tiers should expansion point at?",
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
        "Review plan size and limits with the account before it outgrows them",
        [],
        [basis, *ev_basis],
    )


def _usage_triggers(ctx: DesignContext, b: _Builder) -> None:
    pricing = ctx.project.pricing
    assert pricing is not None
    events, ev_basis = _usage_event(ctx)
    unit = pricing.usage_unit or "units"
    threshold = ctx.assume(
        "usage_upsell_threshold",
        f"Usage upsell starts when a month's usage reaches {USAGE_TRIGGER:.0%} of the plan's included usage or limit.",
        "At 80% of the allowance the account meets overage or the cap within the billing period.",
        "At what share of their allowance do customers usually move up a tier?",
    )
    limited = False
    for i, plan in _plans(ctx):
        field = "usage_limit" if plan.usage_limit is not None else "included_usage"
        limit = plan.usage_limit if plan.usage_limit is not None else plan.included_usage
        if limit is None:
            continue
        limited = True
        monthly = limit * PERIODS_PER_YEAR[plan.billing_period] / 12  # the allowance paced per month
        value = round(USAGE_TRIGGER * monthly)
        bigger = next((p for _, p in _higher(ctx, plan)), None)
        offer = f"Move to {bigger.name}" if bigger else "Agree a committed-volume price"
        if plan.overage_price is not None and field == "included_usage":
            offer += f", cheaper than overage at {price(ctx, plan.overage_price)} per {unit.rstrip('s')}"
        b.add(
            f"usage_limit_{plan.id}",
            f"{plan.name}: usage near its {field.replace('_', ' ')}",
            "upsell",
            Condition(
                kind="value_event_frequency",
                params={"window_days": WINDOW_DAYS, "events": events},
                op=">=",
                value=value,
                text=f"{value:,} {unit} or more in {WINDOW_DAYS} days, {USAGE_TRIGGER:.0%} of the "
                f"{monthly:,.0f} a month {plan.name} includes",
            ),
            offer,
            _plan_segments(ctx, plan),
            [threshold, ctx.inp("pricing", ("plans", i, field)), *ev_basis],
        )
    if not limited:
        _usage_growth(ctx, b, "No plan in pricing.yaml has included_usage or usage_limit to point at.", billed=True)


def _feature(ctx: DesignContext, feature_id: str) -> Feature | None:
    return next((f for f in ctx.project.brief.key_features if f.id == feature_id), None)


def _tier_triggers(ctx: DesignContext, b: _Builder) -> None:
    """Flat pricing: an account using almost every feature of its plan is ready for the next plan."""
    basis = ctx.assume(
        "tier_upsell_breadth",
        f"A plan upgrade is offered once {TIER_BREADTH_TRIGGER:.0%} of the plan's features are in use.",
        "With flat pricing the only lever is the plan tier; broad adoption shows the account has outgrown it.",
        "Which usage pattern tells you a customer is ready for the next plan?",
    )
    for i, plan in _plans(ctx):
        higher = _higher(ctx, plan)
        events = [f.event for fid in plan.features if (f := _feature(ctx, fid)) and f.event]
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
            _plan_segments(ctx, plan),
            [basis, ctx.inp("pricing", ("plans", i, "features"))],
        )


def _demand(feature: Feature, plan_name: str) -> Condition:
    return Condition(
        kind="value_event_frequency",
        params={"window_days": WINDOW_DAYS, "events": [feature.event]},
        op=">=",
        value=1,
        text=f"someone on {plan_name} uses {feature.name} ({feature.event}) in a trial or preview "
        f"within {WINDOW_DAYS} days",
    )


def _cross_sell(ctx: DesignContext, b: _Builder, notes: list[str]) -> None:
    pricing = ctx.project.pricing
    assert pricing is not None
    add_on_features = {a.feature for a in pricing.add_ons if a.feature}
    for j, add_on in enumerate(pricing.add_ons):
        basis = [ctx.inp("pricing", ("add_ons", j))]
        feature = _feature(ctx, add_on.feature) if add_on.feature else None
        if feature is None or not feature.event:
            b.add(
                f"add_on_{add_on.id}",
                f"{add_on.name} for healthy accounts",
                "cross_sell",
                Condition(
                    kind="health_band", op="==", value="healthy", text="account is healthy and does not have the add-on"
                ),
                f"Offer {add_on.name} ({price(ctx, add_on.price)} per {PERIOD_WORD[add_on.billing_period]}) "
                "at the next business review",
                [],
                basis,
            )
            if feature is not None:
                notes.append(
                    f"{feature.name} has no event in brief.yaml, so demand for {add_on.name} cannot be seen "
                    "in data; it is offered to healthy accounts instead."
                )
            continue
        lacking = [(i, p) for i, p in _plans(ctx) if feature.id not in p.features]
        if not lacking:
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
            f"Offer {add_on.name} at {price(ctx, add_on.price)} per {PERIOD_WORD[add_on.billing_period]}"
            + (f" ({add_on.description})" if add_on.description else ""),
            segs,
            basis,
        )
    for i, plan in _plans(ctx):
        for up_i, up in _higher(ctx, plan):
            for fid in up.features:
                if fid in plan.features or fid in add_on_features:
                    continue
                feature = _feature(ctx, fid)
                if feature is None:
                    continue
                if not feature.event:
                    note = (
                        f"{feature.name} (in {up.name}) has no event in brief.yaml; demand for it cannot trigger "
                        f"an upgrade from {plan.name}."
                    )
                    if note not in notes:
                        notes.append(note)
                    continue
                if any(t.id == f"{fid}_demand_{plan.id}" for t in b.triggers):
                    continue
                b.add(
                    f"{fid}_demand_{plan.id}",
                    f"{plan.name}: wants {feature.name}",
                    "cross_sell",
                    _demand(feature, plan.name),
                    f"Upgrade to {up.name}, which includes {feature.name}",
                    _plan_segments(ctx, plan),
                    [ctx.inp("pricing", ("plans", i, "features")), ctx.inp("pricing", ("plans", up_i, "features"))],
                )


def _no_pricing(ctx: DesignContext, b: _Builder) -> None:
    ctx.assume(
        "pricing_unknown",
        "Without pricing.yaml, expansion triggers watch usage growth and feature adoption instead of plan limits.",
        "The pricing metric and plan limits are not given.",
        "What is your pricing metric (seat, usage, flat) and what limits does each plan have?",
    )
    _usage_growth(ctx, b, "There is no pricing.yaml, so no plan limits to point at.", billed=False)
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


def _not_before(ctx: DesignContext) -> Figure:
    activation = ctx.project.brief.activation_event
    no_pitch = ctx.assume(
        "no_pitch_first_30_days",
        f"No expansion pitch in an account's first {NO_PITCH_DAYS} days.",
        "Selling before the customer has seen value erodes trust and competes with onboarding.",
    )
    if activation.target_day is not None and activation.target_day > NO_PITCH_DAYS:
        idx = ctx.project.brief.value_events.index(activation)
        return Figure(
            value=activation.target_day,
            unit="days",
            basis=[ctx.inp("brief", ("value_events", idx, "target_day"), "activation target day"), no_pitch],
        )
    return Figure(value=NO_PITCH_DAYS, unit="days", basis=[no_pitch])


def design_expansion(ctx: DesignContext) -> ExpansionSection:
    """NRR targets and expansion motion per segment, and the upsell and cross-sell triggers."""
    targets = [nrr_target(ctx, p) for p in ctx.segments]
    motions = [expansion_motion(ctx, p) for p in ctx.segments]
    not_before = _not_before(ctx)
    b = _Builder(ctx, {m.segment: m for m in motions}, not_before)
    notes: list[str] = []
    metric = ctx.pricing_metric
    if metric is None:
        _no_pricing(ctx, b)
    else:
        if metric in ("seat", "hybrid"):
            _seat_triggers(ctx, b)
        if metric in ("usage", "hybrid"):
            _usage_triggers(ctx, b)
        if metric == "flat":
            _tier_triggers(ctx, b)
        _cross_sell(ctx, b, notes)
    share = row_figure(ctx, "expansion_share_new_arr", "median")
    lever = {
        "seat": "seats",
        "usage": "usage tiers",
        "flat": "plan tiers",
        "hybrid": "seats and usage tiers",
        None: "usage growth (no pricing given)",
    }[metric]
    per_segment = "; ".join(
        f"{t.segment_name}: NRR floor {t.floor.value:.0f}%, stretch {t.stretch.value:.0f}%, {m.model.replace('_', '-')}"
        for t, m in zip(targets, motions, strict=True)
    )
    summary = (
        f"{ctx.project.brief.company} expands accounts through {lever} and {len(b.triggers)} triggers, none "
        f"before day {not_before.value:.0f}. {per_segment}."
    )
    return ExpansionSection(
        summary=summary,
        segment_names=segment_names(ctx),
        expansion_share=share,
        targets=targets,
        motions=motions,
        triggers=b.triggers,
        not_before_day=not_before,
        notes=notes,
    )
