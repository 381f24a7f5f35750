"""Design step *churn*: early warnings, interventions, dunning and collections, and their sensitivity."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from cs_architect.design.churn import ChurnSection, design_churn
from cs_architect.design.context import DesignContext
from cs_architect.design.health import BAND_RESPONSE_DAYS, TOUCH_OWNERS, design_health
from cs_architect.design.onboarding import design_onboarding
from cs_architect.inputs.personas import Range
from cs_architect.inputs.project import Project
from cs_architect.render.markdown import render_section
from cs_architect.spec.operations import Condition
from cs_architect.spec.signals import SIGNAL_KINDS

Edit = Callable[..., Project]
MakeCtx = Callable[..., DesignContext]
HEALTH_KINDS = {"health_score", "health_band", "health_drop"}


def churn(make_ctx: MakeCtx, project: Project) -> tuple[ChurnSection, DesignContext]:
    ctx = make_ctx(project)
    health = design_health(ctx, design_onboarding(ctx))
    return design_churn(ctx, health), ctx


def ids(section: ChurnSection) -> list[str]:
    return [w.id for w in section.early_warnings]


def warning(section: ChurnSection, wid: str):  # type: ignore[no-untyped-def]
    return next(w for w in section.early_warnings if w.id == wid)


def paid_by(project: Project, edit: Edit, method: str) -> Project:
    assert project.pricing is not None
    plans = [p.model_copy(update={"payment_method": None}) for p in project.pricing.plans]
    return edit(project, "pricing", payment_method=method, plans=plans)


def usage_priced(project: Project, edit: Edit) -> Project:
    return edit(project, "pricing", pricing_metric="usage", usage_unit="clocked shifts", usage_event="shift.clocked")


def self_serve(project: Project, edit: Edit) -> Project:
    segs = [s.model_copy(update={"acv": Range(min=1000, max=5000)}) for s in project.personas.segments]
    return edit(project, "personas", segments=segs)


def check_condition(c: Condition) -> None:
    if c.kind in HEALTH_KINDS:
        assert set(c.params) <= {"days"}
    else:
        assert c.kind in SIGNAL_KINDS, c.kind
        assert set(c.params) <= set(SIGNAL_KINDS[c.kind].params), (c.kind, c.params)
    assert c.text
    for sub in c.all_of:
        check_condition(sub)


VARIATIONS: dict[str, Callable[[Project, Edit], Project]] = {
    "shiftwise": lambda p, e: p,
    "no pricing": lambda p, e: dataclasses.replace(p, pricing=None),
    "product-led": lambda p, e: e(p, "brief", sales_motion="product-led"),
    "usage pricing": usage_priced,
    "flat pricing": lambda p, e: e(p, "pricing", pricing_metric="flat"),
    "hybrid pricing": lambda p, e: e(p, "pricing", pricing_metric="hybrid", usage_unit="shifts"),
    "all self-serve": self_serve,
    "card only": lambda p, e: paid_by(p, e, "card"),
    "invoice only": lambda p, e: paid_by(p, e, "invoice"),
}


@pytest.mark.parametrize("name", sorted(VARIATIONS))
def test_eight_to_ten_valid_warnings(name: str, shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = churn(make_ctx, VARIATIONS[name](shiftwise, edit))
    assert 8 <= len(section.early_warnings) <= 10
    assert len(set(ids(section))) == len(section.early_warnings)
    for w in section.early_warnings:
        check_condition(w.condition)
        assert w.owner and w.response and w.within_hours >= 1


def test_shiftwise_warnings_name_its_own_things(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = churn(make_ctx, shiftwise)
    champion = warning(section, "champion_left")
    assert champion.condition.kind == "active_role_users" and champion.condition.params == {"roles": ["champion"]}
    assert "Operations manager" in champion.condition.text and "Head of workforce management" in champion.condition.text
    stopped = warning(section, "value_event_stopped")
    assert stopped.condition.params["events"] == ["shift.clocked"]  # the fastest-paced value event
    assert stopped.condition.params["window_days"] == 7  # used daily
    activation = warning(section, "activation_overdue")
    assert "First rota published to staff" in activation.condition.text
    assert warning(section, "health_critical").condition.value == "critical"


def test_seat_vs_usage_pricing_changes_warnings(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    seat, _ = churn(make_ctx, shiftwise)
    usage, _ = churn(make_ctx, usage_priced(shiftwise, edit))
    assert "seats_unused" in ids(seat) and "usage_drop" not in ids(seat)
    assert "usage_drop" in ids(usage) and "seats_unused" not in ids(usage)
    drop = warning(usage, "usage_drop")
    assert drop.condition.kind == "usage_trend" and drop.condition.params["events"] == ["shift.clocked"]
    assert warning(seat, "seats_unused").condition.value == 0.5  # the health model's 'bad' threshold


def test_failed_payment_warning_needs_card(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    both, _ = churn(make_ctx, shiftwise)
    invoice, _ = churn(make_ctx, paid_by(shiftwise, edit, "invoice"))
    assert "payment_failed" in ids(both)
    assert "payment_failed" not in ids(invoice)


def test_renewal_warning_combines_renewal_and_health(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = churn(make_ctx, shiftwise)
    c = warning(section, "renewal_at_risk").condition
    # The earliest renewal start of the contracted segments: Regional chains (high touch) start at T-120,
    # as the renewal section's high-touch track does.
    assert (c.kind, c.op, c.value) == ("days_to_renewal", "<=", 120)
    assert [(a.kind, a.op, a.value) for a in c.all_of] == [("health_score", "<", 70)]
    assert "renewal_kickoff_enterprise" in ctx.benchmarks_used
    assert shiftwise.pricing is not None
    monthly = [p.model_copy(update={"contract_months": 1}) for p in shiftwise.pricing.plans]
    rolling, _ = churn(make_ctx, edit(shiftwise, "pricing", contract_months=1, plans=monthly))
    assert "renewal_at_risk" not in ids(rolling)


def test_renewal_warning_only_for_contract_segments(mixed: Project, make_ctx: MakeCtx) -> None:
    # Hobby projects and Scale-ups run month to month: no renewal date, so the warning is scoped to the
    # 12-month contract segment, owned by its tier and due on its tier's deadline.
    section, _ = churn(make_ctx, mixed)
    w = warning(section, "renewal_at_risk")
    assert w.segments == ["fulfilment"]
    assert w.owner.startswith("Named CSM, with the") and "Digital CS programme" not in w.response
    assert w.within_hours == 24  # high-touch critical: 1 day
    assert "CTO" in w.response and "VP Engineering" not in w.response
    every, _ = churn(make_ctx, mixed_all_contracts(mixed))
    assert warning(every, "renewal_at_risk").segments == []  # every segment signs a contract: all


def mixed_all_contracts(project: Project) -> Project:
    assert project.pricing is not None
    plans = [p.model_copy(update={"contract_months": 12}) for p in project.pricing.plans]
    return dataclasses.replace(project, pricing=project.pricing.model_copy(update={"plans": plans}))


def test_watch_warnings_use_the_watch_deadline(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = churn(make_ctx, shiftwise)
    watch = [w for w in section.early_warnings if w.severity == "watch"]
    assert watch and all(w.within_hours == 7 * 24 for w in watch)
    assert {r.watch_days for r in section.response_times} == {7}


def test_executive_warning_only_for_high_touch(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    segs = [s.model_copy(update={"acv": Range(min=60000, max=90000)}) for s in shiftwise.personas.segments]
    high, _ = churn(make_ctx, edit(shiftwise, "personas", segments=segs))
    low, _ = churn(make_ctx, self_serve(shiftwise, edit))
    assert "executive_silent" in ids(high) or len(high.early_warnings) == 10
    assert "executive_silent" not in ids(low) and "business_review_overdue" not in ids(low)


def test_self_serve_warnings_respond_digitally(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = churn(make_ctx, self_serve(shiftwise, edit))
    activation = warning(section, "activation_overdue")
    assert activation.owner == TOUCH_OWNERS["self_serve"]
    assert "in-app" in activation.response and "working session" not in activation.response


def test_stopped_warning_falls_back_to_activation(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    once = [v.model_copy(update={"count": 1}) for v in shiftwise.brief.value_events]
    section, _ = churn(make_ctx, edit(shiftwise, "brief", value_events=once))
    stopped = warning(section, "value_event_stopped")
    assert stopped.condition.params == {"window_days": 14, "events": ["rota.published"]}  # weekly use, activation


# --- interventions --------------------------------------------------------------------------------
def test_interventions_by_level_and_touch(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = churn(make_ctx, shiftwise)
    pairs = [(i.risk_level, i.owner) for i in section.interventions]
    assert pairs == [
        (level, TOUCH_OWNERS[t]) for level in ("healthy", "at_risk", "critical") for t in ("guided", "high_touch")
    ]
    for i in section.interventions:
        assert i.steps and i.exit_criteria and i.trigger
    critical = [i for i in section.interventions if i.risk_level == "critical"]
    assert [i.within_days for i in critical] == [BAND_RESPONSE_DAYS["critical"][t] for t in ("guided", "high_touch")]
    assert any("15%" in step and "CFO" in step for i in critical for step in i.steps)  # discount policy
    assert "VP Operations" in " ".join(critical[1].steps)


def test_self_serve_interventions_are_digital(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = churn(make_ctx, self_serve(shiftwise, edit))
    assert {i.owner for i in section.interventions} == {TOUCH_OWNERS["self_serve"]}
    assert len(section.interventions) == 3


# --- dunning and collections ----------------------------------------------------------------------
def test_card_and_invoice_give_both(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = churn(make_ctx, shiftwise)
    d = section.dunning
    assert d.mode == "both" and d.steps and d.collections_steps
    assert section.dunning_plan.card_plans == ["Team"] and section.dunning_plan.invoice_plans == ["Business"]


def test_card_gets_dunning_schedule(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = churn(make_ctx, paid_by(shiftwise, edit, "card"))
    d = section.dunning
    assert d.mode == "dunning" and not d.collections_steps
    assert [s.day for s in d.steps] == [0, 1, 3, 5, 7, 10, 14, 30]
    assert {"email", "in-app banner", "card updater"} <= {s.channel for s in d.steps}
    assert d.recovery_target_pct == 70
    assert {
        "stripe_smart_retries",
        "stripe_smart_retries_window",
        "dunning_recovery_best",
        "dunning_recovery_median",
        "involuntary_churn_share",
    } <= set(ctx.benchmarks_used)
    assert section.dunning_plan.context.share_low.value == 20 and section.dunning_plan.context.share_high.value == 40


def test_invoice_gets_collections(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = churn(make_ctx, paid_by(shiftwise, edit, "invoice"))
    d = section.dunning
    assert d.mode == "collections" and not d.steps
    assert [s.day for s in d.collections_steps] == [-7, 1, 7, 14, 30, 45, 60]
    assert d.recovery_target_pct is None
    assert "net_terms_30" in ctx.assumptions and ctx.assumptions["net_terms_30"].question
    escalation = next(s for s in d.collections_steps if s.day == 30)
    assert "VP Operations" in escalation.action  # invoice plan Business is sold to Regional chains


@pytest.mark.parametrize(
    ("motion", "mode"), [("product-led", "dunning"), ("sales-led", "collections"), ("hybrid", "both")]
)
def test_no_pricing_infers_billing_from_motion(
    motion: str, mode: str, shiftwise: Project, make_ctx: MakeCtx, edit: Edit
) -> None:
    project = edit(dataclasses.replace(shiftwise, pricing=None), "brief", sales_motion=motion)
    section, ctx = churn(make_ctx, project)
    assert section.dunning.mode == mode
    assert ctx.assumptions["payment_method_from_motion"].question


def test_churn_is_deterministic(shiftwise: Project, make_ctx: MakeCtx) -> None:
    first, _ = churn(make_ctx, shiftwise)
    second, _ = churn(make_ctx, shiftwise)
    assert first.model_dump() == second.model_dump()


def test_churn_section_renders(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = churn(make_ctx, shiftwise)
    text = render_section("churn", section)
    assert text.startswith("## Churn prevention")
    for needle in (
        "### Early warnings",
        "#### Dunning (card: Team)",
        "#### Collections (invoice: Business)",
        "Recovery target",
        "Named CSM",
        "| -7 |",
        "B:stripe\\_smart\\_retries",
    ):
        assert needle in text, needle
    assert text.count("\n| ") >= 10 + 8 + 7


# --- owners and deadlines agree with the health bands ----------------------------------------------
def test_warning_deadlines_are_the_band_response_days(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = churn(make_ctx, shiftwise)  # guided + high-touch
    tiers = ("guided", "high_touch")
    for w in section.early_warnings:
        if w.owner.startswith(TOUCH_OWNERS["guided"]) and w.severity in ("critical", "at_risk"):
            assert w.within_hours == 24 * min(BAND_RESPONSE_DAYS[w.severity][t] for t in tiers), w.id
    rows = {r.owner: r for r in section.response_times}
    assert rows[TOUCH_OWNERS["guided"]].at_risk_days == BAND_RESPONSE_DAYS["at_risk"]["guided"]
    assert rows[TOUCH_OWNERS["high_touch"]].critical_days == BAND_RESPONSE_DAYS["critical"]["high_touch"]
    assert warning(section, "health_drop").owner == "Pooled CSM or Named CSM, by the account's tier"
    # Guided alone: its own (slower) deadline, and one owner.
    guided_only = [s.model_copy(update={"acv": Range(min=20000, max=30000)}) for s in shiftwise.personas.segments]
    alone, _ = churn(make_ctx, edit(shiftwise, "personas", segments=guided_only))
    drop = warning(alone, "health_drop")
    assert drop.owner == TOUCH_OWNERS["guided"] and drop.within_hours == 24 * BAND_RESPONSE_DAYS["at_risk"]["guided"]
    assert [r.tier for r in alone.response_times] == ["Guided"]


def test_renewal_warning_opens_with_the_earliest_renewal_kickoff(
    shiftwise: Project, make_ctx: MakeCtx, edit: Edit
) -> None:
    segments = list(shiftwise.personas.segments)
    segments[1] = segments[1].model_copy(update={"acv": Range(min=150000, max=250000)})  # enterprise band
    section, ctx = churn(make_ctx, edit(shiftwise, "personas", segments=segments))
    c = warning(section, "renewal_at_risk").condition
    assert c.value == ctx.benchmarks["renewal_kickoff_enterprise"].median == 120


def test_heartbeat_is_the_routine_value_event_or_the_billed_usage(
    shiftwise: Project, make_ctx: MakeCtx, edit: Edit
) -> None:
    section, _ = churn(make_ctx, shiftwise)
    assert warning(section, "value_event_stopped").condition.params["events"] == ["shift.clocked"]
    # Twice is a one-off (two people joining), not a routine: the billed usage event takes over.
    twice = [v.model_copy(update={"count": min(v.count, 2)}) for v in shiftwise.brief.value_events]
    usage = usage_priced(edit(shiftwise, "brief", value_events=twice), edit)
    section, _ = churn(make_ctx, usage)
    stopped = warning(section, "value_event_stopped")
    assert stopped.condition.params["events"] == ["shift.clocked"] and stopped.name == "Billed clocked shifts stopped"


def test_card_payment_owner_is_the_csm_of_card_paying_tiers(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = churn(make_ctx, shiftwise)  # Team (guided) pays by card, Business (high-touch) by invoice
    assert warning(section, "payment_failed").owner == "Finance (billing); the Pooled CSM from dunning day 7"
    day7 = next(s for s in section.dunning.steps if s.day == 7)
    assert day7.owner == TOUCH_OWNERS["guided"]
    collections = next(s for s in section.dunning.collections_steps if s.day == 30)
    assert collections.owner == f"{TOUCH_OWNERS['high_touch']} and the finance lead"
