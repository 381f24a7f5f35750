"""Design step *expansion*: NRR targets, motion, upsell and cross-sell triggers; and their sensitivity."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from cs_architect.design.context import DesignContext
from cs_architect.design.expansion import ExpansionSection, design_expansion
from cs_architect.inputs.personas import Range
from cs_architect.inputs.project import Project
from cs_architect.render.markdown import render_section
from cs_architect.spec.operations import Condition, ExpansionTrigger
from cs_architect.spec.signals import SIGNAL_KINDS

Edit = Callable[..., Project]
MakeCtx = Callable[..., DesignContext]


def expansion(make_ctx: MakeCtx, project: Project) -> tuple[ExpansionSection, DesignContext]:
    ctx = make_ctx(project)
    return design_expansion(ctx), ctx


def trigger(section: ExpansionSection, tid: str) -> ExpansionTrigger:
    return next(t for t in section.triggers if t.id == tid)


def with_acv(project: Project, segment_id: str, low: float, high: float | None) -> Project:
    segs = [
        s.model_copy(update={"acv": Range(min=low, max=high)}) if s.id == segment_id else s
        for s in project.personas.segments
    ]
    return dataclasses.replace(project, personas=project.personas.model_copy(update={"segments": segs}))


def usage_priced(project: Project, edit: Edit) -> Project:
    assert project.pricing is not None
    team, business = project.pricing.plans
    plans = [
        team.model_copy(update={"included_usage": 5000, "overage_price": 0.05}),
        business.model_copy(update={"usage_limit": 120_000}),
    ]
    return edit(
        project,
        "pricing",
        pricing_metric="usage",
        usage_unit="clocked shifts",
        usage_event="shift.clocked",
        plans=plans,
    )


def check_condition(c: Condition) -> None:
    assert c.kind in SIGNAL_KINDS or c.kind in {"health_score", "health_band", "health_drop"}, c.kind
    if c.kind in SIGNAL_KINDS:
        assert set(c.params) <= set(SIGNAL_KINDS[c.kind].params), (c.kind, c.params)
    assert c.text


def test_nrr_targets_come_from_the_segment_band(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = expansion(make_ctx, shiftwise)
    growth = section.target("growth")
    row = ctx.benchmarks["nrr_segment_mid_market"]
    assert (growth.floor.value, growth.stretch.value) == (row.median, row.top_quartile)
    assert growth.floor.basis[0].ref == "nrr_segment_mid_market"
    assert growth.acv_median is not None and growth.acv_median.basis[0].ref == "nrr_saas_capital_25_50k"
    assert "Growing multi-site operators" in section.summary


@pytest.mark.parametrize(("low", "high", "band"), [(2000, 8000, "smb"), (150_000, 400_000, "enterprise")])
def test_segment_acv_changes_nrr_targets(
    shiftwise: Project, make_ctx: MakeCtx, low: float, high: float, band: str
) -> None:
    section, ctx = expansion(make_ctx, with_acv(shiftwise, "growth", low, high))
    row = ctx.benchmarks[f"nrr_segment_{band}"]
    assert section.target("growth").band == band
    assert (section.target("growth").floor.value, section.target("growth").stretch.value) == (
        row.median,
        row.top_quartile,
    )
    assert section.target("regional").floor.value == ctx.benchmarks["nrr_segment_mid_market"].median


def test_seat_pricing_gives_seat_triggers_pointing_at_max_seats(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = expansion(make_ctx, shiftwise)
    team = trigger(section, "seat_limit_team")
    assert team.kind == "upsell" and team.condition.kind == "seat_utilisation" and team.condition.value == 0.9
    assert team.segments == ["growth"] and "400" in team.offer and "Business" in team.offer
    assert any(b.ref.endswith("plans[0].max_seats") for b in team.basis)
    assert any(b.ref == "seat_upsell_threshold" for b in team.basis)
    assert not [t for t in section.triggers if t.condition.kind == "value_event_frequency" and t.kind == "upsell"]


def test_usage_pricing_gives_usage_limit_triggers(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = expansion(make_ctx, usage_priced(shiftwise, edit))
    assert not [t for t in section.triggers if t.condition.kind == "seat_utilisation"]
    team = trigger(section, "usage_limit_team")
    assert team.condition.kind == "value_event_frequency"
    assert team.condition.params == {"window_days": 30, "events": ["shift.clocked"]}
    # Team (10 USD a month, 5,000 included, 0.05 overage) -> Business (180 USD a year = 15 a month):
    # the overage has covered 80% of the 5 USD gap at 5,000 + 0.8 x 5 / 0.05 = 5,080; break-even at 5,100.
    assert team.condition.value == 5080
    assert "5,100" in team.offer and "Business" in team.offer and "overage" in team.offer
    assert any(b.ref.endswith("plans[0].included_usage") for b in team.basis)
    assert any(b.ref.endswith("plans[1].price") for b in team.basis)
    business = trigger(section, "usage_limit_business")
    assert business.condition.value == round(0.8 * 120_000 / 12)  # annual cap paced per month
    assert business.offer == "Agree a custom plan"  # nothing above the top plan
    assert any(b.ref.endswith("plans[1].usage_limit") for b in business.basis)


def test_break_even_follows_prices(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    project = usage_priced(shiftwise, edit)
    assert project.pricing is not None
    team, business = project.pricing.plans
    dearer = edit(project, "pricing", plans=[team, business.model_copy(update={"price": 300})])
    base, _ = expansion(make_ctx, project)
    moved, _ = expansion(make_ctx, dearer)
    # a dearer plan above moves the point where it pays off: 5,000 + 0.8 x (25 - 10) / 0.05 = 5,240
    assert (
        trigger(moved, "usage_limit_team").condition.value == 5240 > trigger(base, "usage_limit_team").condition.value
    )
    top = edit(project, "pricing", plans=[team])
    alone, _ = expansion(make_ctx, top)
    only = trigger(alone, "usage_limit_team")
    assert only.condition.value == 4000  # top plan: 80% of the allowance, before overage starts
    assert only.offer.startswith("Agree a committed volume")


def test_free_plan_cap_prompts_from_day_0_in_the_product(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    project = usage_priced(shiftwise, edit)
    assert project.pricing is not None
    team, business = project.pricing.plans
    free = team.model_copy(
        update={
            "id": "free",
            "name": "Free",
            "price": 0,
            "overage_price": None,
            "usage_limit": 500,
            "included_usage": 500,
        }
    )
    small = edit(with_acv(project, "growth", 2000, 6000), "brief", sales_motion="product-led")
    section, ctx = expansion(make_ctx, edit(small, "pricing", plans=[free, team, business]))
    cap = trigger(section, "usage_limit_free")
    assert cap.not_before_day == 0 and "cap_prompt_any_day" in ctx.assumptions
    assert cap.offer.startswith("Move to Team")  # a paid plan is above a free one
    assert section.cap_prompt_day is not None and "day 0" in section.summary
    assert {t.not_before_day for t in section.triggers if t.id != "usage_limit_free"} == {30}
    # the same cap on a segment a person sells to keeps the no-pitch window
    managed, ctx2 = expansion(make_ctx, edit(project, "pricing", plans=[free, team, business]))
    assert trigger(managed, "usage_limit_free").not_before_day == 30
    assert "cap_prompt_any_day" not in ctx2.assumptions


def test_plans_without_allowance_watch_growth(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    project = usage_priced(shiftwise, edit)
    assert project.pricing is not None
    team, business = project.pricing.plans
    open_ended = business.model_copy(update={"usage_limit": None})
    section, _ = expansion(make_ctx, edit(project, "pricing", plans=[team, open_ended]))
    growth = trigger(section, "usage_growth")
    assert growth.segments == ["regional"] and "Business" in growth.offer


def test_usage_pricing_without_limits_watches_growth(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = expansion(make_ctx, edit(shiftwise, "pricing", pricing_metric="usage", usage_unit="shifts"))
    growth = trigger(section, "usage_growth")
    assert growth.condition.kind == "usage_trend" and growth.condition.op == ">="
    assert "usage_event_from_value_events" in ctx.assumptions  # no usage_event named
    assert "usage_growth_trigger" in ctx.assumptions


def test_hybrid_pricing_gives_seat_and_usage_triggers(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = expansion(make_ctx, edit(usage_priced(shiftwise, edit), "pricing", pricing_metric="hybrid"))
    kinds = {t.condition.kind for t in section.triggers if t.kind == "upsell"}
    assert {"seat_utilisation", "value_event_frequency"} <= kinds


def test_flat_pricing_gives_plan_tier_triggers(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = expansion(make_ctx, edit(shiftwise, "pricing", pricing_metric="flat"))
    tier = trigger(section, "tier_full_team")
    assert tier.condition.kind == "feature_breadth"
    assert tier.condition.params["features"] == ["rota.published", "shift.clocked", "swap.approved"]
    assert tier.offer == "Move to Business"
    assert not [t for t in section.triggers if t.condition.kind == "seat_utilisation"]


def test_missing_pricing_becomes_assumptions(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = expansion(make_ctx, dataclasses.replace(shiftwise, pricing=None))
    assert "pricing_unknown" in ctx.assumptions and ctx.assumptions["pricing_unknown"].question
    assert {t.condition.kind for t in section.triggers} == {"usage_trend", "feature_breadth"}
    assert "no pricing" in section.summary


def test_add_on_cross_sell_follows_the_feature_event(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = expansion(make_ctx, shiftwise)
    add_on = trigger(section, "add_on_forecasting")
    assert add_on.kind == "cross_sell"
    assert add_on.condition.params["events"] == ["forecast.viewed"]
    assert add_on.segments == ["growth"]  # Business already includes the feature
    without, _ = expansion(make_ctx, edit(shiftwise, "pricing", add_ons=[]))
    assert not [t for t in without.triggers if t.id.startswith("add_on_")]


def test_add_on_metering_an_included_feature_is_not_cross_sold(
    shiftwise: Project, make_ctx: MakeCtx, edit: Edit
) -> None:
    assert shiftwise.pricing is not None
    team, business = shiftwise.pricing.plans
    everywhere = team.model_copy(update={"features": [*team.features, "labour_forecast"]})
    section, _ = expansion(make_ctx, edit(shiftwise, "pricing", plans=[everywhere, business]))
    assert not [t for t in section.triggers if t.id.startswith("add_on_")]
    assert any("Labour forecasting" in n and "every plan" in n for n in section.notes)


def test_higher_plan_features_become_cross_sell(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = expansion(make_ctx, shiftwise)
    payroll = trigger(section, "payroll_export_demand_team")
    assert payroll.condition.params["events"] == ["payroll.exported"]
    assert "Business" in payroll.offer
    # labour_forecast is sold as an add-on, so it is not also pitched as a plan upgrade
    assert not [t for t in section.triggers if t.id.startswith("labour_forecast_demand")]


def test_feature_without_event_is_a_note_not_a_trigger(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    feats = [
        f.model_copy(update={"event": None}) if f.id == "payroll_export" else f for f in shiftwise.brief.key_features
    ]
    section, _ = expansion(make_ctx, edit(shiftwise, "brief", key_features=feats))
    assert not [t for t in section.triggers if t.id.startswith("payroll_export")]
    assert any("Payroll export" in n for n in section.notes)


def test_no_pitch_before_activation(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = expansion(make_ctx, shiftwise)
    assert {t.not_before_day for t in section.triggers} == {30}
    events = [v.model_copy(update={"target_day": 45}) if v.activation else v for v in shiftwise.brief.value_events]
    late, _ = expansion(make_ctx, edit(shiftwise, "brief", value_events=events))
    assert {t.not_before_day for t in late.triggers} == {45}
    assert late.not_before_day.basis[0].kind == "input"


def test_owners_and_motion_follow_the_touch_model(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = expansion(make_ctx, shiftwise)
    assert trigger(section, "seat_limit_team").owner == "Pooled CSM"
    assert trigger(section, "seat_limit_business").owner == "Named CSM"
    assert [m.model for m in section.motions] == ["sales_assist", "csm_led"]
    small, _ = expansion(make_ctx, edit(with_acv(shiftwise, "growth", 2000, 6000), "brief", sales_motion="product-led"))
    assert small.motions[0].model == "self_serve_in_app"
    assert trigger(small, "seat_limit_team").owner.startswith("Digital CS programme")
    sales_led, _ = expansion(
        make_ctx, edit(with_acv(shiftwise, "growth", 2000, 6000), "brief", sales_motion="sales-led")
    )
    assert sales_led.motions[0].model == "sales_assist"
    assert "Account executive" in sales_led.motions[1].closes
    assert [m.name for m in section.motions] == ["Sales-assisted", "CSM-led"]


@pytest.mark.parametrize("metric", ["seat", "usage", "flat", "hybrid", None])
def test_triggers_are_valid_and_unique(shiftwise: Project, make_ctx: MakeCtx, edit: Edit, metric: str | None) -> None:
    project = (
        dataclasses.replace(shiftwise, pricing=None)
        if metric is None
        else edit(usage_priced(shiftwise, edit), "pricing", pricing_metric=metric)
    )
    section, ctx = expansion(make_ctx, project)
    assert section.triggers
    ids = [t.id for t in section.triggers]
    assert len(ids) == len(set(ids))
    known = {s.id for s in ctx.segments}
    for t in section.triggers:
        check_condition(t.condition)
        assert set(t.segments) <= known and t.owner and t.offer and t.basis


def test_render(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = expansion(make_ctx, shiftwise)
    text = render_section("expansion", section)
    assert text.startswith("## Expansion\n")
    for needle in (
        "### NRR targets by segment",
        "108%",
        "Team: seats nearly full",
        "Pooled CSM",
        "day 30",
        "B:nrr\\_segment\\_mid\\_market",
        "Growing multi-site operators",
    ):
        assert needle in text
