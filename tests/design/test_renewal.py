"""Design step *renewal*: milestones, contract terms, risk scoring, pricing guardrails; and their sensitivity."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from cs_architect.design.context import DesignContext
from cs_architect.design.renewal import MILESTONE_DAYS, RenewalSection, design_renewal
from cs_architect.design.support import design_support
from cs_architect.inputs.personas import Range
from cs_architect.inputs.pricing import DiscountPolicy, Plan
from cs_architect.inputs.project import Project
from cs_architect.render.markdown import render_section
from cs_architect.spec.operations import Condition, RenewalMilestone
from cs_architect.spec.signals import SIGNAL_KINDS

Edit = Callable[..., Project]
MakeCtx = Callable[..., DesignContext]


def renewal(make_ctx: MakeCtx, project: Project) -> tuple[RenewalSection, DesignContext]:
    ctx = make_ctx(project)
    return design_renewal(ctx, design_support(ctx)), ctx


def with_acv(project: Project, segment_id: str, low: float, high: float | None) -> Project:
    segs = [
        s.model_copy(update={"acv": Range(min=low, max=high)}) if s.id == segment_id else s
        for s in project.personas.segments
    ]
    return dataclasses.replace(project, personas=project.personas.model_copy(update={"segments": segs}))


def with_policy(project: Project, edit: Edit, **fields: object) -> Project:
    assert project.pricing is not None and project.pricing.discount_policy is not None
    return edit(project, "pricing", discount_policy=project.pricing.discount_policy.model_copy(update=fields))


def days_for(section: RenewalSection, segment_id: str) -> list[int]:
    return [m.days_before for m in section.renewals.milestones if not m.segments or segment_id in m.segments]


def check_condition(c: Condition) -> None:
    assert c.kind in SIGNAL_KINDS or c.kind in {"health_score", "health_band", "health_drop"}, c.kind
    if c.kind in SIGNAL_KINDS:
        assert set(c.params) <= set(SIGNAL_KINDS[c.kind].params), (c.kind, c.params)
    for sub in c.all_of:
        check_condition(sub)


def test_milestones_by_tier(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = renewal(make_ctx, shiftwise)
    assert days_for(section, "regional") == [180, 120, *MILESTONE_DAYS]
    assert days_for(section, "growth") == [180, *MILESTONE_DAYS]
    milestones = section.renewals.milestones
    assert [m.days_before for m in milestones] == sorted((m.days_before for m in milestones), reverse=True)
    assert all(m.action and m.owner for m in milestones)
    regional_90 = next(m for m in milestones if m.days_before == 90 and m.segments == ["regional"])
    assert "VP Operations" in regional_90.action and regional_90.owner == "Named CSM"
    assert section.kickoff_high_touch and section.kickoff_high_touch.basis[0].ref == "renewal_kickoff_enterprise"


def test_red_accounts_start_at_180(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = renewal(make_ctx, shiftwise)
    red = section.red_accounts
    assert red is not None and red.days_before.value == 180
    assert red.condition.kind == "health_band" and red.condition.all_of[0].kind == "days_to_renewal"
    check_condition(red.condition)


def test_self_serve_contracts_get_automated_milestones(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = renewal(make_ctx, with_acv(shiftwise, "growth", 2000, 6000))
    growth = [m for m in section.renewals.milestones if m.segments == ["growth"]]
    assert [m.days_before for m in growth] == [60, 30, 14, 7]
    assert {m.owner for m in growth} == {"Digital CS programme"}
    assert section.red_accounts and section.red_accounts.segments == ["regional"]


def test_discount_policy_sets_the_guardrails(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = renewal(make_ctx, shiftwise)
    g = section.renewals.guardrails
    assert (g.standard_uplift_pct, g.max_discount_pct, g.approver) == (5, 15, "CFO")
    assert section.uplift.basis[0].kind == "input" and "renewal_uplift_default" not in ctx.assumptions
    assert "5% off" in g.multi_year
    assert any("10% off" in r for r in g.rules)  # annual prepay for the monthly-billed Team plan
    changed, _ = renewal(make_ctx, with_policy(shiftwise, edit, max_discount_pct=25, approver="CEO"))
    assert (changed.renewals.guardrails.max_discount_pct, changed.renewals.guardrails.approver) == (25, "CEO")
    assert any("25%" in m.action and "CEO" in m.action for m in changed.renewals.milestones)


def test_missing_uplift_uses_the_benchmark_as_an_assumption(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = renewal(make_ctx, with_policy(shiftwise, edit, renewal_uplift_pct=None))
    assert section.uplift.value == ctx.benchmarks["price_uplift_standard"].low
    assert {b.ref for b in section.uplift.basis} == {"price_uplift_standard", "renewal_uplift_default"}
    assert ctx.assumptions["renewal_uplift_default"].question


def test_missing_discount_policy(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = renewal(make_ctx, edit(shiftwise, "pricing", discount_policy=None))
    g = section.renewals.guardrails
    assert (g.max_discount_pct, g.approver) == (0, "CEO")
    assert {"renewal_discount_policy", "renewal_uplift_default"} <= set(ctx.assumptions)
    no_approver, ctx2 = renewal(
        make_ctx, edit(shiftwise, "pricing", discount_policy=DiscountPolicy(max_discount_pct=10))
    )
    assert no_approver.renewals.guardrails.approver == "Head of Customer Success"
    assert "discount_approver" in ctx2.assumptions


def test_month_to_month_plans_get_retention_not_milestones(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    assert shiftwise.pricing is not None
    team, business = shiftwise.pricing.plans
    project = edit(shiftwise, "pricing", plans=[team.model_copy(update={"contract_months": 1}), business])
    section, _ = renewal(make_ctx, project)
    assert [t.kind for t in section.terms] == ["month_to_month", "contract"]
    assert section.month_to_month is not None and section.month_to_month.plans == ["team"]
    assert section.month_to_month.segments == ["growth"]
    assert days_for(section, "growth") == []
    assert days_for(section, "regional")[:2] == [180, 120]
    assert any("annual prepayment" in s for s in section.month_to_month.steps)


def test_notice_follows_contract_length(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = renewal(make_ctx, shiftwise)
    assert {t.notice_days.value for t in section.terms if t.notice_days} == {30}
    section3, _ = renewal(make_ctx, edit(shiftwise, "pricing", contract_months=36))
    business = next(t for t in section3.terms if t.plan == "business")
    assert business.notice_days and business.notice_days.value == 60 and business.contract_months == 36


def test_risk_factors_follow_pricing_and_tiers(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = renewal(make_ctx, shiftwise)
    factors = {r.factor: r for r in section.renewals.risk}
    assert {
        "Health critical",
        "Champion left",
        "Failed payments",
        "NPS detractor",
        "No executive engagement",
        "Seats unused",
    } <= set(factors)
    for r in section.renewals.risk:
        check_condition(r.condition)
        assert 0 < r.points <= 100
    assert section.renewals.risk_bands == {"high": 50, "medium": 25, "low": 0}
    usage, _ = renewal(make_ctx, edit(shiftwise, "pricing", pricing_metric="usage", usage_unit="shifts"))
    assert "Seats unused" not in {r.factor for r in usage.renewals.risk}
    digital, _ = renewal(make_ctx, with_acv(with_acv(shiftwise, "growth", 1000, 5000), "regional", 2000, 8000))
    assert "No executive engagement" not in {r.factor for r in digital.renewals.risk}


def test_no_pricing_assumes_annual_contracts(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = renewal(make_ctx, dataclasses.replace(shiftwise, pricing=None))
    assert section.terms == [] and section.terms_basis[0].ref == "contract_terms_unknown"
    assert days_for(section, "growth") == [180, *MILESTONE_DAYS]
    assert "contract_terms_unknown" in ctx.assumptions


def test_render_shows_edited_milestones(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = renewal(make_ctx, shiftwise)
    edited = section.renewals.model_copy(
        update={
            "milestones": [
                *section.renewals.milestones,
                RenewalMilestone(days_before=200, action="Board-level review", owner="CEO", segments=["regional"]),
            ]
        }
    )
    text = render_section("renewal", section.model_copy(update={"renewals": edited}))
    assert "#### Other milestones" not in text  # same segments as the high-touch track
    assert "| T-200 | Board-level review | CEO |" in text


def test_render(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = renewal(make_ctx, shiftwise)
    text = render_section("renewal", section)
    assert text.startswith("## Renewals\n")
    for needle in (
        "### Milestones",
        "T-120",
        "T-7",
        "### Renewal risk score",
        "### Pricing guardrails",
        "CFO",
        "**Red accounts**",
        "#### High-touch: Regional chains (Business), 30-day notice",
        "B:renewal\\_kickoff\\_standard",
        "Regional chains",
    ):
        assert needle in text


@settings(max_examples=30, deadline=None)
@given(
    months=st.integers(min_value=1, max_value=60),
    uplift=st.floats(min_value=0, max_value=100),
    discount=st.floats(min_value=0, max_value=100),
)
def test_invariants(shiftwise: Project, months: int, uplift: float, discount: float) -> None:
    assert shiftwise.pricing is not None and shiftwise.pricing.discount_policy is not None
    policy = shiftwise.pricing.discount_policy.model_copy(
        update={"renewal_uplift_pct": uplift, "max_discount_pct": discount}
    )
    plans = [p.model_copy(update={"contract_months": months}) for p in shiftwise.pricing.plans]
    project = dataclasses.replace(
        shiftwise, pricing=shiftwise.pricing.model_copy(update={"discount_policy": policy, "plans": plans})
    )
    ctx = DesignContext(project)
    section = design_renewal(ctx, design_support(ctx))
    days = [m.days_before for m in section.renewals.milestones]
    assert days == sorted(days, reverse=True) and all(0 <= d <= 365 for d in days)
    # month-to-month plans have no renewal quote, so no uplift
    assert section.renewals.guardrails.standard_uplift_pct == (uplift if months > 1 else 0)
    assert section.renewals.guardrails.max_discount_pct == discount
    assert (section.month_to_month is not None) == (months == 1)
    assert bool(section.renewals.milestones) == (months > 1)


def test_longer_notice_moves_the_steps_before_the_deadline(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    assert shiftwise.pricing is not None
    team, business = shiftwise.pricing.plans
    three_years = edit(shiftwise, "pricing", plans=[team, business.model_copy(update={"contract_months": 36})])
    section, _ = renewal(make_ctx, three_years)
    regional = next(t for t in section.tracks if t.segments == ["regional"])
    assert regional.notice_days == 60 and regional.starts_at == 150
    # every step before the 60-day deadline moves 30 days earlier; the last two stay
    groups = dict(section.milestone_groups())
    steps = groups[regional.heading]
    assert [m.days_before for m in steps] == [150, 120, 90, 75, 60, 14, 7]
    deadline = next(m for m in steps if m.days_before == 60)
    assert deadline.action.startswith("Notice deadline (60 days)")
    growth = next(t for t in section.tracks if t.segments == ["growth"])
    assert [m.days_before for m in groups[growth.heading]] == list(MILESTONE_DAYS)
    assert "T-150 for Regional chains" in section.summary


def test_tracks_name_plans_buyers_and_payment(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = renewal(make_ctx, shiftwise)
    assert [(t.tier, t.plans) for t in section.tracks] == [("guided", ["Team"]), ("high_touch", ["Business"])]
    (_, growth), (_, regional) = section.milestone_groups()
    # Team is paid by card, Business by invoice: the last steps follow the payment method
    assert "card" in growth[-1].action and "invoice" in regional[-1].action
    assert all("COO or owner" in m.action for m in growth if m.days_before == 90)
    assert {h.handling.split(";")[0] for h in section.handling()} == {
        "12-month auto-renewal unless the customer gives notice 30 days before the renewal date"
    }


def test_month_to_month_only_has_no_contract_guardrails(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = renewal(make_ctx, edit(shiftwise, "pricing", contract_months=1, plans=_monthly(shiftwise)))
    g = section.renewals.guardrails
    assert not section.tracks and not section.renewals.milestones
    assert g.multi_year.startswith("Not offered") and g.standard_uplift_pct == 0
    assert "list-price change" in g.rules[0]
    assert "renewal_uplift_default" not in ctx.assumptions  # no uplift is assumed where nothing renews by contract
    assert section.summary.startswith("Shiftwise's Team and Business run month to month")
    assert section.month_to_month and section.month_to_month.segment_names == [p.name for p in ctx.segments]
    high = section.risk_actions[0]
    assert high.band == "high" and "month-to-month" in high.action and "forecast" not in high.action


def _monthly(project: Project) -> list[Plan]:
    assert project.pricing is not None
    return [p.model_copy(update={"contract_months": None}) for p in project.pricing.plans]


def test_zero_uplift_quotes_the_current_price(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = renewal(make_ctx, with_policy(shiftwise, edit, renewal_uplift_pct=0))
    g = section.renewals.guardrails
    assert "plus 0%" not in " ".join([*g.rules, g.multi_year, *(m.action for m in section.renewals.milestones)])
    assert "no uplift" in g.rules[0] and "price fixed for the term" in g.multi_year
    assert "current price (no uplift)" in section.summary


def test_risk_band_actions_follow_contracts_and_tiers(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = renewal(make_ctx, shiftwise)
    bands = {a.band: a for a in section.risk_actions}
    assert list(bands) == ["high", "medium", "low"]
    assert [bands[b].from_points for b in bands] == [50, 25, 0]
    assert "save plan" in bands["high"].action and "Head of Customer Success" in bands["high"].owner
    digital, _ = renewal(make_ctx, with_acv(with_acv(shiftwise, "growth", 1000, 5000), "regional", 2000, 8000))
    assert {a.owner for a in digital.risk_actions[1:]} == {"Digital CS programme"}
