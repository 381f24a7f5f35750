"""Expansion: NRR targets by segment, who sells expansion, and the triggers that open the conversation.

Rules (all from the inputs):

- **NRR targets**: the segment's ACV band row (``nrr_segment_<band>``): the median is the floor (the
  yellow/green boundary), the top quartile the stretch; SaaS Capital's median for the segment's ACV
  is shown beside it as a measured cross-check.
- **Motion** (who sells expansion) follows the touch model and the sales motion: high-touch is
  CSM-led, guided is sales-assisted, self-serve upgrades in the product (sales-assisted if the
  company sells only through sales).
- **Triggers** follow the pricing metric and plans (see ``design.expansion_triggers``).
- No person pitches expansion before the account is activated and past its first 30 days; the
  product's own prompt at a hard usage cap is the one exception.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cs_architect.design.context import AcvBand, DesignContext, SegmentProfile, TouchModel
from cs_architect.design.contract_terms import PERIOD_WORD as PERIOD_WORD
from cs_architect.design.cs_team import (
    CSM_ROLE,
    NamedSegments,
    join_names,
    lower_first,
    role_in_sentence,
    segment_names,
    seller_title,
)
from cs_architect.design.expansion_triggers import SEAT_TRIGGER as SEAT_TRIGGER
from cs_architect.design.expansion_triggers import TIER_BREADTH_TRIGGER as TIER_BREADTH_TRIGGER
from cs_architect.design.expansion_triggers import USAGE_GROWTH_TRIGGER as USAGE_GROWTH_TRIGGER
from cs_architect.design.expansion_triggers import USAGE_TRIGGER as USAGE_TRIGGER
from cs_architect.design.expansion_triggers import WINDOW_DAYS as WINDOW_DAYS
from cs_architect.design.expansion_triggers import (
    TriggerBuilder,
    cross_sell_triggers,
    no_pricing_triggers,
    seat_triggers,
    tier_triggers,
)
from cs_architect.design.expansion_triggers import price as price
from cs_architect.design.figures import acv_row, row_figure
from cs_architect.design.usage_triggers import usage_triggers
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Figure
from cs_architect.spec.operations import ExpansionTrigger

NO_PITCH_DAYS = 30


class NrrTarget(Strict):
    segment: str
    segment_name: str
    band: AcvBand
    floor: Figure = Field(description="benchmark median: the yellow/green boundary")
    stretch: Figure = Field(description="benchmark top quartile")
    acv_median: Figure | None = Field(None, description="measured median for the segment's ACV band (cross-check)")
    expansion_rate: Figure = Field(description="'good' annual expansion as a share of starting ARR")


ExpansionModel = Literal["csm_led", "sales_assist", "self_serve_in_app"]
MOTION_NAMES: dict[ExpansionModel, str] = {
    "csm_led": "CSM-led",
    "sales_assist": "Sales-assisted",
    "self_serve_in_app": "In the product",
}


class ExpansionMotion(Strict):
    segment: str
    segment_name: str
    touch: TouchModel
    model: ExpansionModel
    name: str = Field(description="the motion in words")
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
    cap_prompt_day: Figure | None = Field(None, description="day the product's own prompt at a usage cap may show")
    notes: list[str] = Field(default_factory=list, description="what the inputs could not support, and why")

    def target(self, segment_id: str) -> NrrTarget:
        """The NRR target of a segment."""
        return next(t for t in self.targets if t.segment == segment_id)


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
    seller = seller_title(ctx)
    motion = ctx.motion

    def make(model: ExpansionModel, identifies: str, closes: str, channel: str) -> ExpansionMotion:
        return ExpansionMotion(
            segment=profile.id,
            segment_name=profile.name,
            touch=profile.touch,
            model=model,
            name=MOTION_NAMES[model],
            identifies=identifies,
            closes=closes,
            channel=channel,
        )

    if profile.touch == "high_touch":
        closes = {
            "sales-led": f"{seller}, sourced by the named CSM",
            "hybrid": f"Named CSM; the {role_in_sentence(seller)} joins for plan changes and multi-year terms",
            "product-led": "Named CSM",
        }[motion]
        return make("csm_led", CSM_ROLE["high_touch"], closes, "Account plan and QBR; a written expansion proposal")
    if profile.touch == "guided":
        closes = (
            "In-app checkout, with the pooled CSM on call"
            if motion == "product-led"
            else f"Pooled CSM for more of the same plan; the {role_in_sentence(seller)} for a new plan or "
            "contract terms"
        )
        return make(
            "sales_assist", CSM_ROLE["guided"], closes, "Product signal routed to the pooled CSM desk; call or email"
        )
    if motion == "sales-led":
        return make(
            "sales_assist",
            "Inside sales, from the product signal",
            f"Inside sales; the {role_in_sentence(seller)} for new contract terms",
            "Email and call",
        )
    return make(
        "self_serve_in_app",
        f"{CSM_ROLE['self_serve']} (in-app prompt)",
        "In-app checkout",
        "In-app prompt, upgrade page and lifecycle email",
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


LEVERS = {
    "seat": "more seats",
    "usage": "more usage and bigger plans",
    "flat": "higher plans",
    "hybrid": "more seats, more usage and bigger plans",
    None: "usage growth (no pricing given)",
}


def _summary(
    ctx: DesignContext, targets: list[NrrTarget], motions: list[ExpansionMotion], triggers: list[ExpansionTrigger]
) -> str:
    brief = ctx.project.brief
    plans = ctx.project.pricing.plans if ctx.project.pricing else []
    on = f" on {join_names(p.name for p in plans)}" if plans else ""
    per_segment = "; ".join(
        f"{t.segment_name}: {lower_first(m.name)}, NRR floor {t.floor.value:.0f}%, stretch {t.stretch.value:.0f}%"
        for t, m in zip(targets, motions, strict=True)
    )
    days = sorted({t.not_before_day for t in triggers})
    if len(days) > 1:
        timing = (
            f"no person pitches before day {days[-1]}, while the product's prompt at a usage cap shows from day "
            f"{days[0]}"
        )
    else:
        timing = f"none fires before day {days[0] if days else NO_PITCH_DAYS}"
    return (
        f"{brief.company} grows accounts through {LEVERS[ctx.pricing_metric]}{on}: {len(triggers)} triggers, "
        f"{timing}. {per_segment}."
    )


def design_expansion(ctx: DesignContext) -> ExpansionSection:
    """NRR targets and expansion motion per segment, and the upsell and cross-sell triggers."""
    targets = [nrr_target(ctx, p) for p in ctx.segments]
    motions = [expansion_motion(ctx, p) for p in ctx.segments]
    not_before = _not_before(ctx)
    b = TriggerBuilder(ctx, {m.segment: m for m in motions}, not_before)
    metric = ctx.pricing_metric
    if metric is None:
        no_pricing_triggers(ctx, b)
    else:
        if metric in ("seat", "hybrid"):
            seat_triggers(ctx, b)
        if metric in ("usage", "hybrid"):
            usage_triggers(ctx, b)
        if metric == "flat":
            tier_triggers(ctx, b)
        cross_sell_triggers(ctx, b)
    covered = {s for t in b.triggers for s in (t.segments or [p.id for p in ctx.segments])}
    bare = [p for p in ctx.segments if p.id not in covered]
    if bare and ctx.project.pricing is not None:
        who = join_names(dict.fromkeys(m.identifies for m in motions if m.segment in {p.id for p in bare}))
        b.note(
            f"No trigger targets {join_names(p.name for p in bare)}: no plan in pricing.yaml is sold to "
            f"{'that segment' if len(bare) == 1 else 'those segments'}, so the {who} spots expansion there "
            "without a product signal until a plan names it."
        )
    return ExpansionSection(
        summary=_summary(ctx, targets, motions, b.triggers),
        segment_names=segment_names(ctx),
        expansion_share=row_figure(ctx, "expansion_share_new_arr", "median"),
        targets=targets,
        motions=motions,
        triggers=b.triggers,
        not_before_day=not_before,
        cap_prompt_day=b.earlier_start,
        notes=b.notes,
    )
