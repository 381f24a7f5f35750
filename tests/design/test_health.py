"""Design step *health*: rules per category, sensitivity to the inputs, validity of the model."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cs_architect.design.context import DesignContext
from cs_architect.design.health import HealthSection, design_health
from cs_architect.design.health_data import segment_shares
from cs_architect.design.health_support import calendar_hours
from cs_architect.design.onboarding import design_onboarding
from cs_architect.design.qbr import design_qbr
from cs_architect.design.support import design_support
from cs_architect.inputs import load_project
from cs_architect.inputs.personas import Range
from cs_architect.inputs.project import Project
from cs_architect.render.markdown import render_section
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.health_model import HealthModel, LinearScoring
from cs_architect.spec.operations import Milestone, Verification
from cs_architect.spec.signals import CATEGORIES, DEFAULT_CATEGORY_WEIGHTS, SIGNAL_KINDS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
Edit = Callable[..., Project]
MakeCtx = Callable[..., DesignContext]


@dataclass
class Onboarding:
    milestones: list[Milestone]


def milestone(
    mid: str, day: int, event: str | None, count: int = 1, *, activation: bool = False, table: str = "events"
) -> Milestone:
    return Milestone(
        id=mid,
        name=mid.replace("_", " ").capitalize(),
        day=day,
        owner="CSM",
        verification=Verification(table=table, event=event, count=count),  # type: ignore[arg-type]
        automation="email",
        fallback="call",
        activation=activation,
    )


SHIFTWISE_MILESTONES = Onboarding(
    [
        milestone("kickoff", 3, None, table="users"),
        milestone("first_rota_published", 14, "rota.published", activation=True),
        milestone("staff_clocking", 30, "shift.clocked", 20),
    ]
)


def health(
    make_ctx: MakeCtx,
    project: Project,
    onboarding: Onboarding = SHIFTWISE_MILESTONES,
) -> tuple[HealthSection, DesignContext]:
    ctx = make_ctx(project)
    return design_health(ctx, onboarding), ctx


def kinds(model: HealthModel, category: str | None = None) -> list[str]:
    return [s.kind for c, s in model.signals() if category is None or c.id == category]


def signal(model: HealthModel, kind: str):  # type: ignore[no-untyped-def]
    return next(s for _c, s in model.signals() if s.kind == kind)


def self_serve(project: Project, edit: Edit) -> Project:
    segs = [s.model_copy(update={"acv": Range(min=1000, max=5000)}) for s in project.personas.segments]
    return edit(project, "personas", segments=segs)


def usage_priced(project: Project, edit: Edit) -> Project:
    return edit(project, "pricing", pricing_metric="usage", usage_unit="clocked shifts", usage_event="shift.clocked")


def paid_by(project: Project, edit: Edit, method: str) -> Project:
    assert project.pricing is not None
    plans = [p.model_copy(update={"payment_method": None}) for p in project.pricing.plans]
    return edit(project, "pricing", payment_method=method, plans=plans)


def assert_valid(model: HealthModel) -> None:
    again = HealthModel.model_validate(model.model_dump(mode="json"))
    assert again == model
    assert sum(c.weight for c in model.categories) == pytest.approx(100)
    for c, s in model.signals():
        kind = SIGNAL_KINDS[s.kind]
        assert kind.category == c.id
        assert set(s.params) <= set(kind.params)
        assert s.basis, f"{s.id} has no basis"
    # Each account is scored on the signals that apply to its segment: 1-4 per category.
    keys = {seg for _c, s in model.signals() for seg in s.segments} or {""}
    for c in model.categories:
        for key in keys:
            assert 1 <= len([s for s in c.signals if not s.segments or key in s.segments]) <= 4


# --- the shiftwise example ------------------------------------------------------------------------
def test_shiftwise_model_is_valid_with_defaults(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = health(make_ctx, shiftwise)
    model = section.model
    assert_valid(model)
    assert [c.id for c in model.categories] == list(CATEGORIES)
    assert {c.id: c.weight for c in model.categories} == DEFAULT_CATEGORY_WEIGHTS
    assert model.cadence == "daily" and model.missing_data.policy == "redistribute"
    assert {b.id: b.min for b in model.bands} == {"healthy": 70, "at_risk": 40, "critical": 0}
    assert all(len(c.signals) >= 2 for c in model.categories)
    assert "default_category_weights" in ctx.assumptions
    assert {"health_weights_typical", "health_bands_common", "health_recalc_daily"} <= set(ctx.benchmarks_used)
    assert model.sources.events is not None and model.sources.events.file == "events.*"


def shares_add_up(section: HealthSection) -> None:
    """For the accounts of each segment, the shares of the signals that apply to them add up to 100."""
    for seg in section.segment_names:
        mine = [r for r in section.signals if not r.segments or seg in r.segments]
        assert sum(segment_shares(section.model, list(section.segment_names))[r.id][seg] for r in mine) == (
            pytest.approx(100, abs=0.05)
        )
        if not any(r.segments for r in section.signals):
            assert sum(r.effective_weight for r in mine) == pytest.approx(100, abs=0.05)


def test_signal_table_effective_weights_add_up(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, shiftwise)
    shares_add_up(section)
    for cat in CATEGORIES:
        unscoped = [r.weight_in_category for r in section.signals if r.category == cat and not r.segments]
        if len(unscoped) == len([r for r in section.signals if r.category == cat]):
            assert sum(unscoped) == pytest.approx(100, abs=0.2)
    assert len(section.signals) == len(kinds(section.model))


def test_design_is_deterministic(shiftwise: Project, make_ctx: MakeCtx) -> None:
    first, _ = health(make_ctx, shiftwise)
    second, _ = health(make_ctx, shiftwise)
    assert first.model_dump() == second.model_dump()


# --- usage ----------------------------------------------------------------------------------------
def test_usage_cadence_follows_the_value_event_pace(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    daily, _ = health(make_ctx, shiftwise)
    assert daily.usage_cadence == "daily"  # 20 clock-ins by day 30
    assert signal(daily.model, "active_user_ratio").params["window_days"] == 7

    once = [v.model_copy(update={"count": 1}) for v in shiftwise.brief.value_events]
    weekly, ctx = health(make_ctx, edit(shiftwise, "brief", value_events=once))
    assert weekly.usage_cadence == "weekly"
    assert signal(weekly.model, "active_user_ratio").params["window_days"] == 30
    quiet = signal(weekly.model, "days_since_last_activity").scoring
    assert isinstance(quiet, LinearScoring) and quiet.bad == 21
    assert ctx.assumptions["usage_cadence_weekly"].question


def test_usage_events_are_value_events_and_features(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, shiftwise)
    events = signal(section.model, "active_user_ratio").params["events"]
    assert events == ["rota.published", "shift.clocked", "payroll.exported", "swap.approved", "forecast.viewed"]


def test_usage_pricing_trends_the_billed_event(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = health(make_ctx, usage_priced(shiftwise, edit))
    trend = signal(section.model, "usage_trend")
    assert trend.params["events"] == ["shift.clocked"]
    assert trend.weight > signal(section.model, "active_user_ratio").weight


# --- adoption -------------------------------------------------------------------------------------
def test_value_event_frequency_counts_recurring_events_at_their_pace(
    shiftwise: Project, make_ctx: MakeCtx, edit: Edit
) -> None:
    base, _ = health(make_ctx, shiftwise)
    freq = signal(base.model, "value_event_frequency")
    # 'First rota published' and 'First payroll run exported' happen once: only the routine counts.
    assert freq.params == {"window_days": 30, "events": ["shift.clocked"]}
    assert isinstance(freq.scoring, LinearScoring) and freq.scoring.good == 20  # 20 by day 30, every 30 days
    assert "First rota published to staff" in freq.why and "rows" in freq.why
    events = [
        shiftwise.brief.value_events[0].model_copy(update={"event": "rota.sent", "count": 6, "target_day": 14}),
        shiftwise.brief.value_events[1],
    ]
    changed, _ = health(make_ctx, edit(shiftwise, "brief", value_events=events))
    freq = signal(changed.model, "value_event_frequency")
    assert freq.params["events"] == ["rota.sent", "shift.clocked"]
    assert isinstance(freq.scoring, LinearScoring)
    assert freq.scoring.good == round(6 * 30 / 14 + 20)  # 12.9 + 20 per 30 days, in whole occurrences


def test_no_recurring_value_event_means_no_frequency_signal(mixed: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    # Pipestream's value events all happen once or twice (first data, first alert, two teammates), and its
    # billed usage event's quantity is GB, not a count of value: nothing sensible to count.
    section, _ = health(make_ctx, mixed, design_onboarding(make_ctx(mixed)))
    assert "value_event_frequency" not in kinds(section.model)
    assert_valid(section.model)
    usage = signal(section.model, "usage_trend")
    assert usage.params["events"] == ["ingest.batch_received"]  # the billed usage stays in the usage trend


def test_feature_breadth_good_is_the_smallest_plans_share(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, shiftwise)
    breadth = signal(section.model, "feature_breadth")
    assert breadth.params["features"] == [f.event for f in shiftwise.brief.key_features]
    assert isinstance(breadth.scoring, LinearScoring)
    assert breadth.scoring.good == pytest.approx(3 / 5)  # Team includes 3 of the 5 key features
    assert breadth.tenure is not None


def test_onboarding_progress_uses_event_milestones(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, shiftwise)
    progress = signal(section.model, "onboarding_progress")
    assert progress.params["milestones"] == [
        {"event": "rota.published", "count": 1, "day": 14},
        {"event": "shift.clocked", "count": 20, "day": 30},
    ]
    no_events = Onboarding(
        [
            milestone("kickoff", 3, None, table="users"),
            milestone("first_login", 7, None, table="users", activation=True),
            milestone("training", 10, "training", table="touchpoints"),
        ]
    )
    without, _ = health(make_ctx, shiftwise, no_events)
    assert "onboarding_progress" not in kinds(without.model)


def test_real_onboarding_milestones_feed_health(shiftwise: Project, make_ctx: MakeCtx) -> None:
    ctx = make_ctx(shiftwise)
    section = design_health(ctx, design_onboarding(ctx))
    progress = signal(section.model, "onboarding_progress")
    assert {m["event"] for m in progress.params["milestones"]} <= {v.event for v in shiftwise.brief.value_events}
    assert_valid(section.model)


# --- tenure ---------------------------------------------------------------------------------------
def test_tenure_is_the_activation_day(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, shiftwise)
    assert section.tenure_days.value == 14
    for kind in ("usage_trend", "feature_breadth", "nps"):
        assert signal(section.model, kind).tenure is not None
    assert signal(section.model, "nps").tenure.days == 14  # type: ignore[union-attr]
    assert signal(section.model, "usage_trend").tenure.days == 28  # type: ignore[union-attr]  # two 14-day windows


def test_tenure_defaults_to_90_without_activation(shiftwise: Project, make_ctx: MakeCtx) -> None:
    plain = Onboarding(
        [
            milestone("a", 3, "rota.published"),
            milestone("b", 30, "shift.clocked", 20),
            milestone("c", 45, "payroll.exported"),
        ]
    )
    section, ctx = health(make_ctx, shiftwise, plain)
    assert section.tenure_days.value == 90
    assert "tenure_default_90" in ctx.assumptions


# --- support --------------------------------------------------------------------------------------
def test_support_load_follows_pricing(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    seat, _ = health(make_ctx, shiftwise)
    usage, _ = health(make_ctx, usage_priced(shiftwise, edit))
    assert "tickets_per_seat" in kinds(seat.model, "support")
    assert "open_high_priority_tickets" not in kinds(seat.model, "support")
    assert "open_high_priority_tickets" in kinds(usage.model, "support")


def sla_signals(model: HealthModel) -> dict[tuple[str, ...], dict[str, float]]:
    """First-response SLA hours by the segments each signal applies to."""
    return {
        tuple(s.segments): s.params["sla_hours"]  # type: ignore[misc]
        for _c, s in model.signals()
        if s.kind == "first_response_sla"
    }


def test_sla_hours_follow_each_tier(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    # One signal per tier, scoped to its segments: guided Growing multi-site operators get the guided
    # targets (P1 in minutes, clock time; P2-P4 in business hours at 24 / 10 support hours a day, 08:00-18:00),
    # high-touch Regional chains the high-touch ones (1 business hour = 2.4 clock hours).
    guided, ctx = health(make_ctx, shiftwise)
    assert sla_signals(guided.model) == {
        ("growth",): {"urgent": 1.0, "high": 9.6, "normal": 19.2, "low": 38.4},
        ("regional",): {"urgent": 0.5, "high": 2.4, "normal": 9.6, "low": 19.2},
    }
    assert {s.id for _c, s in guided.model.signals() if s.kind == "first_response_sla"} == {
        "first_response_sla_guided",
        "first_response_sla_high_touch",
    }
    assert "sla_standard_ladder" not in ctx.assumptions  # no ladder of its own any more
    high_only = [s.model_copy(update={"acv": Range(min=60000, max=90000)}) for s in shiftwise.personas.segments]
    round_clock = edit(edit(shiftwise, "personas", segments=high_only), "brief", support_hours="24x7")
    high, ctx = health(make_ctx, round_clock)
    sla = signal(high.model, "first_response_sla")
    assert sla.id == "first_response_sla" and sla.segments == []  # one tier: the plain id, every segment
    assert sla.params["sla_hours"] == {"urgent": 0.5, "high": 1, "normal": 4, "low": 8}
    assert "sla_p1_high_touch" in ctx.benchmarks_used
    assert "sla_business_to_calendar_hours" not in ctx.assumptions
    assert "weekends" not in sla.why  # support never closes: clock hours are the SLA hours


def test_business_hours_conversion_is_called_an_approximation(mixed: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, mixed, design_onboarding(make_ctx(mixed)))
    for _c, s in section.model.signals():
        if s.kind == "first_response_sla":
            assert "approximation that ignores weekends and holidays" in s.why
            assert "about " in s.why  # 'about 12 h on the clock', not a precise business-hours figure


@pytest.mark.parametrize("example", ["shiftwise", "pipestream", "vaultline", "posthog"])
@pytest.mark.parametrize("support_hours", [None, "24x7, every day of the year"])
def test_sla_hours_agree_with_the_support_section(
    example: str, support_hours: str | None, make_ctx: MakeCtx, edit: Edit
) -> None:
    project = load_project(EXAMPLES / example)
    if support_hours is not None:
        project = edit(project, "brief", support_hours=support_hours)
    ctx = make_ctx(project)
    onboarding = design_onboarding(ctx)
    section = design_health(ctx, onboarding)
    support = design_support(ctx)
    for tier_section in support.tiers:
        tier = tier_section.id
        scoped = next(
            s
            for _c, s in section.model.signals()
            if s.kind == "first_response_sla" and (not s.segments or set(s.segments) == set(tier_section.segments))
        )
        hours = scoped.params["sla_hours"]
        # The same targets, through the one business-hours -> clock-hours conversion ...
        assert hours == {s.data_value: calendar_hours(ctx, s.first_response)[0] for s in tier_section.slas}
        if support_hours is not None:  # ... which is the identity when support never closes
            assert hours == support.sla_hours(tier)
        else:
            assert all(hours[p] >= h for p, h in support.sla_hours(tier).items())


def test_business_hours_convert_by_the_support_day(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    given = [Basis(kind="assumption", ref="given")]
    four = Figure(value=4, unit="business hours", basis=given)
    ten_hour_day = make_ctx(shiftwise)  # 08:00-18:00
    assert calendar_hours(ten_hour_day, four)[0] == pytest.approx(9.6)
    unknown = make_ctx(edit(shiftwise, "brief", support_hours=None))
    hours, basis = calendar_hours(unknown, four)
    assert hours == 12 and basis[0].ref == "sla_business_to_calendar_hours"
    severity_one_only = make_ctx(
        edit(shiftwise, "brief", support_hours="24x7 for severity 1; business hours otherwise")
    )
    assert calendar_hours(severity_one_only, four)[0] == 12  # business hours still close at night
    assert calendar_hours(unknown, Figure(value=30, unit="minutes", basis=given))[0] == 0.5


def test_ticket_csat_anchors_on_the_benchmark_median(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = health(make_ctx, shiftwise)
    csat = signal(section.model, "ticket_csat").scoring
    assert isinstance(csat, LinearScoring)
    assert csat.good == pytest.approx(ctx.benchmarks["csat_b2b_support"].median / 100)  # type: ignore[operator]


# --- sentiment and engagement ---------------------------------------------------------------------
def test_nps_good_is_the_top_quartile(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, shiftwise)
    nps = signal(section.model, "nps").scoring
    assert isinstance(nps, LinearScoring) and (nps.bad, nps.good) == (-20, 50)


def test_no_csm_segments_means_no_csm_signals(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    with_csm, _ = health(make_ctx, shiftwise)
    assert {"csm_sentiment", "qbr_cadence", "executive_engagement"} <= set(kinds(with_csm.model))
    section, _ = health(make_ctx, self_serve(shiftwise, edit))
    found = kinds(section.model)
    assert not {"csm_sentiment", "qbr_cadence", "executive_engagement"} & set(found)
    engagement = [s for c, s in section.model.signals() if c.id == "engagement"]
    assert [s.kind for s in engagement] == ["days_since_touchpoint"]
    assert "qbr" not in engagement[0].params["kinds"]  # type: ignore[operator]
    assert_valid(section.model)


def test_guided_only_has_no_executive_engagement(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    # Mid-market guided books (40 accounts per CSM) allow one-to-one reviews twice a year (QBR section).
    segs = [s.model_copy(update={"acv": Range(min=30000, max=45000)}) for s in shiftwise.personas.segments]
    project = edit(shiftwise, "personas", segments=segs)
    section, _ = health(make_ctx, project)
    assert "qbr_cadence" in kinds(section.model) and "executive_engagement" not in kinds(section.model)
    ctx = make_ctx(project)
    qbr = design_qbr(ctx, design_support(ctx))
    assert [c.format for c in qbr.cadences] == ["business_review"]
    assert signal(section.model, "qbr_cadence").params == {"cadence_days": qbr.cadences[0].every.value}  # 180
    # SMB guided books (100 per CSM) get a pooled webinar instead, logged as 'training', not 'qbr': the
    # qbr_cadence signal would never see one, so there is none; the webinar counts as a CSM touchpoint.
    smb = [s.model_copy(update={"acv": Range(min=12000, max=30000)}) for s in shiftwise.personas.segments]
    section, _ = health(make_ctx, edit(shiftwise, "personas", segments=smb))
    assert "qbr_cadence" not in kinds(section.model)
    touch = signal(section.model, "days_since_touchpoint")
    assert "training" in touch.params["kinds"] and "webinar" in touch.why  # type: ignore[operator]


def test_engagement_follows_each_tier(mixed: Project, make_ctx: MakeCtx) -> None:
    ctx = make_ctx(mixed)
    section = design_health(ctx, design_onboarding(ctx))
    engagement = {s.id: s for c, s in section.model.signals() if c.id == "engagement"}
    assert set(engagement) == {
        "days_since_touchpoint_self_serve",
        "days_since_touchpoint_guided",
        "days_since_touchpoint_high_touch",
        "qbr_cadence",
        "executive_engagement",
    }
    # Self-serve accounts never meet a CSM: only their responses to digital touchpoints count.
    digital = engagement["days_since_touchpoint_self_serve"]
    assert digital.segments == ["builders"] and set(digital.params["kinds"]) == {"email", "in_app", "training"}  # type: ignore[arg-type]
    assert engagement["days_since_touchpoint_guided"].segments == ["scale_ups"]
    assert "email" not in engagement["days_since_touchpoint_guided"].params["kinds"]  # type: ignore[operator]
    high = engagement["days_since_touchpoint_high_touch"]
    assert high.segments == ["fulfilment"] and isinstance(high.scoring, LinearScoring) and high.scoring.good == 30
    # Business reviews: the QBR section's cadence for the high-touch tier; the guided tier's pooled webinar
    # is not logged as a QBR, so it has no review signal.
    qbr = design_qbr(ctx, design_support(ctx))
    assert engagement["qbr_cadence"].segments == ["fulfilment"]
    assert engagement["qbr_cadence"].params == {"cadence_days": qbr.cadence_of("fulfilment").every.value}  # type: ignore[union-attr]
    assert engagement["executive_engagement"].segments == ["fulfilment"]
    assert signal(section.model, "csm_sentiment").segments == ["scale_ups", "fulfilment"]
    # Each account's engagement is the signals of its tier: a self-serve account's is all digital.
    shares = segment_shares(section.model, list(section.segment_names))
    assert shares["days_since_touchpoint_self_serve"]["builders"] == pytest.approx(5)
    assert "builders" not in shares["qbr_cadence"] and "scale_ups" not in shares["executive_engagement"]
    shares_add_up(section)


# --- commercial -----------------------------------------------------------------------------------
def test_seat_vs_usage_pricing_changes_commercial(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    seat, _ = health(make_ctx, shiftwise)
    usage, _ = health(make_ctx, usage_priced(shiftwise, edit))
    assert "seat_utilisation" in kinds(seat.model, "commercial")
    assert "mrr_change" not in kinds(seat.model, "commercial")
    assert "mrr_change" in kinds(usage.model, "commercial")
    assert "seat_utilisation" not in kinds(usage.model, "commercial")


def test_card_billing_brings_failed_payments(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    both, _ = health(make_ctx, shiftwise)  # Team is paid by card
    assert "failed_payments" in kinds(both.model, "commercial")
    invoice, _ = health(make_ctx, paid_by(shiftwise, edit, "invoice"))
    assert kinds(invoice.model, "commercial") == ["seat_utilisation", "days_to_renewal"]


def test_days_to_renewal_needs_annual_contracts(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    assert shiftwise.pricing is not None
    monthly = [p.model_copy(update={"contract_months": 1}) for p in shiftwise.pricing.plans]
    section, _ = health(make_ctx, edit(shiftwise, "pricing", contract_months=1, plans=monthly))
    assert "days_to_renewal" not in kinds(section.model)
    assert len(kinds(section.model, "commercial")) >= 2


# --- variations -----------------------------------------------------------------------------------
VARIATIONS: dict[str, Callable[[Project, Edit], Project]] = {
    "no pricing": lambda p, e: dataclasses.replace(p, pricing=None),
    "product-led": lambda p, e: e(p, "brief", sales_motion="product-led"),
    "sales-led, no pricing": lambda p, e: e(dataclasses.replace(p, pricing=None), "brief", sales_motion="sales-led"),
    "usage pricing": usage_priced,
    "flat pricing": lambda p, e: e(p, "pricing", pricing_metric="flat"),
    "hybrid pricing": lambda p, e: e(p, "pricing", pricing_metric="hybrid", usage_unit="shifts"),
    "all self-serve": self_serve,
    "card only": lambda p, e: paid_by(p, e, "card"),
}


@pytest.mark.parametrize("name", sorted(VARIATIONS))
def test_variations_give_valid_models(name: str, shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = health(make_ctx, VARIATIONS[name](shiftwise, edit))
    assert_valid(section.model)
    shares_add_up(section)


def test_no_pricing_is_an_assumption(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = health(make_ctx, dataclasses.replace(shiftwise, pricing=None))
    assert "pricing_unknown" in ctx.assumptions and ctx.assumptions["pricing_unknown"].question
    assert "mrr_change" in kinds(section.model, "commercial")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    metric=st.sampled_from(["seat", "usage", "flat", "hybrid"]),
    method=st.sampled_from(["card", "invoice"]),
    months=st.sampled_from([1, 12, 24]),
    acv=st.sampled_from([3000, 20000, 80000]),
    counts=st.lists(st.integers(1, 40), min_size=3, max_size=3),
)
def test_any_input_mix_gives_a_valid_model(
    shiftwise: Project,
    make_ctx: MakeCtx,
    edit: Edit,
    metric: str,
    method: str,
    months: int,
    acv: int,
    counts: list[int],
) -> None:
    assert shiftwise.pricing is not None
    plans = [p.model_copy(update={"payment_method": None, "contract_months": None}) for p in shiftwise.pricing.plans]
    project = edit(
        shiftwise,
        "pricing",
        pricing_metric=metric,
        usage_unit="shifts",
        payment_method=method,
        contract_months=months,
        plans=plans,
    )
    segs = [s.model_copy(update={"acv": Range(min=acv, max=acv * 2)}) for s in shiftwise.personas.segments]
    events = [v.model_copy(update={"count": n}) for v, n in zip(shiftwise.brief.value_events, counts, strict=True)]
    project = edit(edit(project, "personas", segments=segs), "brief", value_events=events)
    section, _ = health(make_ctx, project)
    assert_valid(section.model)
    # card billing brings it; otherwise it only fills in when one commercial signal would be left alone
    alone = metric != "hybrid" and months < 12
    assert ("failed_payments" in kinds(section.model)) == (method == "card" or alone)


# --- rendering ------------------------------------------------------------------------------------
def test_health_section_renders(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, shiftwise)
    text = render_section("health", section)
    assert text.startswith("## Health score")
    for needle in (
        "Active users as a share of seats",
        "Named CSM",
        "Pooled CSM",
        "redistribute",
        "B:health\\_bands\\_common",
        "events.\\*",
        "2 days",
    ):
        assert needle in text
    assert "Operations manager" in text  # the champion from personas


def test_routine_needs_three_repeats(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    # 'Staff clocking in' 20 times by day 30 is a routine; 2 times is a one-off, so no pace is read from it.
    twice = [v.model_copy(update={"count": min(v.count, 2)}) for v in shiftwise.brief.value_events]
    section, ctx = health(make_ctx, edit(shiftwise, "brief", value_events=twice))
    assert section.usage_cadence == "weekly" and "usage_cadence_weekly" in ctx.assumptions
    three = [v.model_copy(update={"count": 3 if v.id == "staff_clocking" else v.count}) for v in twice]
    section, _ = health(make_ctx, edit(shiftwise, "brief", value_events=three))
    assert section.usage_cadence == "monthly"  # 3 by day 30: 0.1 a day


def test_coverage_lost_without_a_table_is_its_signals_weight(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, shiftwise)
    shares = segment_shares(section.model, list(section.segment_names))
    for req in section.data_requirements:
        if req.required:
            continue
        # For the segment that loses most: the shares of the table's signals for its accounts.
        worst = max(sum(shares[s].get(seg, 0.0) for s in req.signals) for seg in section.segment_names)
        assert req.coverage_loss == pytest.approx(worst, abs=0.05)
        assert f"{req.coverage_loss:g} points" in req.if_missing
    tickets = next(r for r in section.data_requirements if r.table == "tickets")
    assert tickets.coverage_loss == 15  # the whole support category, for every segment


def test_active_users_wording_follows_the_pricing_metric(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    seat, _ = health(make_ctx, shiftwise)
    usage, _ = health(make_ctx, usage_priced(shiftwise, edit))
    assert signal(seat.model, "active_user_ratio").name == "Active users as a share of seats"
    active = signal(usage.model, "active_user_ratio")
    assert active.name == "Active users as a share of all users" and "seats nobody uses" not in active.why


def test_summary_names_the_rhythm_tenure_sla_tier_and_owners(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = health(make_ctx, shiftwise)
    assert "daily use of Shiftwise" in section.summary
    assert "until day 14 (activation)" in section.summary
    assert "each support tier's own first-response targets" in section.summary
    assert "Pooled CSM for Growing multi-site operators; Named CSM for Regional chains" in section.summary
