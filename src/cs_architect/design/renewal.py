"""Renewals: milestones before the renewal date, renewal risk scoring, and pricing guardrails.

Rules (from the inputs):

- **Milestones** at 90/60/45/30/14/7 days before the renewal date for contracted accounts, with
  actions and owners by support tier; high-touch accounts start at 120 days; red accounts (critical
  health) start a save plan at 180 days. Self-serve accounts on contracts get automated notices.
- **Terms** per plan from ``contract_months``: contracts auto-renew with a notice window (30 days for
  terms up to a year, 60 for multi-year); month-to-month card plans get the lighter 'renewal is
  retention' treatment instead of milestones.
- **Risk score**: points for structured conditions (health band, usage trend, champion left, failed
  payments, NPS detractors, no executive engagement, low seat use for seat pricing), summed into
  high / medium / low bands.
- **Guardrails**: uplift from ``discount_policy.renewal_uplift_pct`` (else the low end of the standard
  escalator, as an assumption); maximum discount and approver from the discount policy; a
  multi-year rule; rules that follow the pricing metric.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.support import (
    CSM_ROLE,
    HEAD_OF_CS,
    TIER_NAMES,
    TIER_ORDER,
    NamedSegments,
    SupportSection,
    row_figure,
    scope,
    segment_names,
    seller_role,
)
from cs_architect.inputs.base import Strict
from cs_architect.inputs.pricing import Plan
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Condition, PricingGuardrails, RenewalMilestone, RenewalRisk, Renewals

MILESTONE_DAYS = (90, 60, 45, 30, 14, 7)
SELF_SERVE_DAYS = (60, 30, 14, 7)
NOTICE_DAYS_ANNUAL = 30
NOTICE_DAYS_MULTI_YEAR = 60
ASSUMED_CONTRACT_MONTHS = 12
RISK_BANDS = {"high": 50, "medium": 25, "low": 0}
USAGE_DROP = 0.8
LOW_SEAT_USE = 0.5
WINDOW = {"usage": 30, "champion": 90, "payments": 90, "nps": 180, "executive": 180}


class RenewalTerm(Strict):
    plan: str
    plan_name: str
    segments: list[str]
    contract_months: int
    billing: str
    kind: Literal["contract", "month_to_month"]
    notice_days: Figure | None
    handling: str
    basis: list[Basis]


class RedAccountRule(Strict):
    days_before: Figure
    condition: Condition
    owner: str
    action: str
    segments: list[str]


class MonthToMonth(Strict):
    plans: list[str]
    segments: list[str]
    steps: list[str]
    basis: list[Basis]


class RenewalSection(NamedSegments):
    summary: str
    renewals: Renewals
    kickoff: Figure
    kickoff_high_touch: Figure | None = None
    terms: list[RenewalTerm]
    terms_basis: list[Basis] = Field(default_factory=list, description="assumed terms when no pricing is given")
    red_accounts: RedAccountRule | None = None
    month_to_month: MonthToMonth | None = None
    risk_basis: list[Basis]
    uplift: Figure
    max_discount: Figure


# --- contract terms ----------------------------------------------------------------------------------
def _plan_index(ctx: DesignContext, plan: Plan) -> int:
    pricing = ctx.project.pricing
    assert pricing is not None
    return next(i for i, p in enumerate(pricing.plans) if p.id == plan.id)


def is_free(plan: Plan) -> bool:
    """A free plan: no list price and no usage charge."""
    return plan.price == 0 and not plan.overage_price


def segment_plans(ctx: DesignContext, profile: SegmentProfile) -> list[Plan]:
    """The paid plans a segment buys: its own, else the plans sold to no segment in particular."""
    pricing = ctx.project.pricing
    if pricing is None:
        return []
    plans = list(profile.plans) or [p for p in pricing.plans if p.segment is None]
    return [p for p in plans if not is_free(p)]


def _notice(ctx: DesignContext, months: int) -> Figure:
    basis = ctx.assume(
        "auto_renew_notice",
        f"Contracts auto-renew for the same term unless notice is given {NOTICE_DAYS_ANNUAL} days (terms up to a "
        f"year) or {NOTICE_DAYS_MULTI_YEAR} days (multi-year terms) before the renewal date.",
        "Auto-renew notice windows are typically 30, 60 or 90 days; the order forms' own clause wins.",
        "What notice period do your order forms set for cancelling an auto-renewal?",
    )
    return Figure(value=NOTICE_DAYS_MULTI_YEAR if months > 12 else NOTICE_DAYS_ANNUAL, unit="days", basis=[basis])


def contract_terms(ctx: DesignContext) -> list[RenewalTerm]:
    """One entry per plan: contract (auto-renew with notice) or month to month."""
    pricing = ctx.project.pricing
    if pricing is None:
        return []
    out = []
    for i, plan in enumerate(pricing.plans):
        if is_free(plan):
            continue  # nothing is charged, so nothing renews
        months = pricing.contract(plan)
        field = ("plans", i, "contract_months") if plan.contract_months else ("contract_months",)
        basis = [ctx.inp("pricing", field)]
        method = pricing.method(plan)
        segs = scope(ctx, [plan.segment]) if plan.segment else []
        billing = f"{plan.billing_period} by {method}"
        if months <= 1:
            out.append(
                RenewalTerm(
                    plan=plan.id,
                    plan_name=plan.name,
                    segments=segs,
                    contract_months=months,
                    billing=billing,
                    kind="month_to_month",
                    notice_days=None,
                    basis=basis,
                    handling="Renews every month when the card is charged; no notice period. Retention is the renewal: "
                    "value, dunning and the cancellation flow",
                )
            )
            continue
        notice = _notice(ctx, months)
        how = (
            "the card is charged on the new term"
            if method == "card"
            else "the renewal invoice is issued on the renewal date"
        )
        out.append(
            RenewalTerm(
                plan=plan.id,
                plan_name=plan.name,
                segments=segs,
                contract_months=months,
                billing=billing,
                kind="contract",
                notice_days=notice,
                basis=[*basis, *notice.basis],
                handling=f"Auto-renews for {months} months unless notice is given {notice.value:.0f} days before the "
                f"renewal date; {how}",
            )
        )
    return out


def _contract_months(ctx: DesignContext, profile: SegmentProfile) -> int:
    """Longest contract a segment's paid plans carry: the pricing default when it has no plans, 0 when it only
    has free plans (nothing renews), 12 (assumed) without pricing."""
    pricing = ctx.project.pricing
    if pricing is None:
        return ASSUMED_CONTRACT_MONTHS
    plans = segment_plans(ctx, profile)
    if not plans and (profile.plans or any(p.segment is None for p in pricing.plans)):
        return 0
    return max((pricing.contract(p) for p in plans), default=pricing.contract_months)


# --- guardrails -------------------------------------------------------------------------------------------
def _uplift(ctx: DesignContext) -> Figure:
    policy = ctx.project.pricing.discount_policy if ctx.project.pricing else None
    if policy and policy.renewal_uplift_pct is not None:
        return Figure(
            value=policy.renewal_uplift_pct,
            unit="%",
            basis=[ctx.inp("pricing", ("discount_policy", "renewal_uplift_pct"))],
        )
    low = row_figure(ctx, "price_uplift_standard", "low", "low end of the standard escalator")
    basis = ctx.assume(
        "renewal_uplift_default",
        f"Renewals carry a {low.value:.0f}% price uplift.",
        "The discount policy gives no renewal_uplift_pct; the low end of the common 3-5% escalator is the least "
        "likely to cost a renewal.",
        "What price increase do your contracts allow at renewal?",
    )
    return low.model_copy(update={"basis": [*low.basis, basis]})


def _max_discount(ctx: DesignContext) -> tuple[Figure, str, list[Basis]]:
    policy = ctx.project.pricing.discount_policy if ctx.project.pricing else None
    if policy is None:
        basis = ctx.assume(
            "renewal_discount_policy",
            "Renewals get no discount unless the CEO approves it.",
            "No discount policy is given; without one, every discount is an exception.",
            "What is the largest discount a renewal may carry, and who approves more?",
        )
        return Figure(value=0, unit="%", basis=[basis]), "CEO", [basis]
    fig = Figure(
        value=policy.max_discount_pct, unit="%", basis=[ctx.inp("pricing", ("discount_policy", "max_discount_pct"))]
    )
    if policy.approver:
        return fig, policy.approver, [ctx.inp("pricing", ("discount_policy", "approver"))]
    basis = ctx.assume(
        "discount_approver",
        f"The {HEAD_OF_CS} approves renewal discounts above the maximum.",
        "The discount policy names no approver.",
        "Who approves discounts above the maximum?",
    )
    return fig, HEAD_OF_CS, [basis]


def _multi_year(ctx: DesignContext, uplift: Figure) -> tuple[str, list[Basis]]:
    policy = ctx.project.pricing.discount_policy if ctx.project.pricing else None
    if policy and policy.multi_year_discount_pct is not None:
        return (
            f"Multi-year terms get {policy.multi_year_discount_pct:g}% off in exchange for the term and a fixed "
            f"{uplift.value:g}% uplift each year; offer them to healthy accounts only",
            [ctx.inp("pricing", ("discount_policy", "multi_year_discount_pct"))],
        )
    step = row_figure(ctx, "multi_year_discount", "low", "points per added year")
    return (
        f"Multi-year terms get at most {step.value:g} points of extra discount per added year, with the yearly "
        f"uplift fixed in the contract; offer them to healthy accounts only",
        step.basis,
    )


def _metric_rule(ctx: DesignContext) -> tuple[str, list[Basis]]:
    pricing = ctx.project.pricing
    if pricing is None:
        return (
            "Quote the renewal on the account's current scope; re-scope only with the customer's usage data in hand",
            [],
        )
    metric = pricing.pricing_metric
    if metric in ("seat", "hybrid"):
        mins = [(i, p) for i, p in enumerate(pricing.plans) if p.min_seats]
        floor = "; ".join(f"never below {p.min_seats:,} seats on {p.name}" for _, p in mins)
        rule = "True seats up to the peak of active users over the last 90 days before quoting" + (
            f"; {floor}" if floor else ""
        )
        return rule, [ctx.inp("pricing", ("plans", i, "min_seats")) for i, _ in mins]
    if metric == "usage":
        unit = pricing.usage_unit or "usage"
        return (
            f"Re-base the included {unit} on the last three months' run rate; an account paying overage every "
            "month is quoted the next tier instead",
            [ctx.inp("pricing", ("usage_unit",))],
        )
    return (
        "Accounts that use every feature of their plan are quoted the next plan, not a discount",
        [ctx.inp("pricing", ("pricing_metric",))],
    )


def pricing_guardrails(ctx: DesignContext, uplift: Figure) -> tuple[PricingGuardrails, Figure]:
    """Uplift, maximum discount and approver, multi-year rule and the rules of the pricing metric."""
    max_disc, approver, approver_basis = _max_discount(ctx)
    multi_year, my_basis = _multi_year(ctx, uplift)
    metric_rule, metric_basis = _metric_rule(ctx)
    handoff = ctx.project.sales.handoff
    clause = handoff is not None and handoff.contract_terms is not None and "uplift" in handoff.contract_terms.lower()
    rules = [
        f"The renewal quote is the current price plus {uplift.value:g}%"
        + (" as the order form's uplift clause states" if clause else " unless the order form caps the uplift"),
        f"Discounts above {max_disc.value:g}% need {approver}; every discount is traded for something (a longer "
        "term, prepayment, a case study)",
        metric_rule,
        f"No price cut on a red account before its save plan has run; concessions on red accounts need {approver}",
    ]
    basis = [*uplift.basis, *max_disc.basis, *approver_basis, *my_basis, *metric_basis]
    pricing = ctx.project.pricing
    policy = pricing.discount_policy if pricing else None
    monthly = [p.name for p in pricing.plans if p.billing_period == "monthly" and not is_free(p)] if pricing else []
    if policy and policy.annual_prepay_discount_pct is not None and monthly:
        rules.append(
            f"Offer monthly-billed accounts ({', '.join(monthly)}) annual prepayment at "
            f"{policy.annual_prepay_discount_pct:g}% off at renewal"
        )
        basis.append(ctx.inp("pricing", ("discount_policy", "annual_prepay_discount_pct")))
    if clause:
        basis.append(ctx.inp("sales_process", ("handoff", "contract_terms")))
    unique: list[Basis] = []
    for b in basis:
        if b not in unique:
            unique.append(b)
    return PricingGuardrails(
        standard_uplift_pct=uplift.value,
        max_discount_pct=max_disc.value,
        approver=approver,
        multi_year=multi_year,
        rules=rules,
        basis=unique,
    ), max_disc


# --- milestones ---------------------------------------------------------------------------------------------
def _value_events(ctx: DesignContext) -> str:
    return ", ".join(v.name for v in ctx.project.brief.value_events)


def _tier_actions(
    ctx: DesignContext, tier: TouchModel, profiles: list[SegmentProfile], guard: PricingGuardrails, notice: int
) -> dict[int, tuple[str, str]]:
    """days before -> (action, owner) for one support tier."""
    seller = seller_role(ctx)
    buyers = ", ".join(dict.fromkeys(p.segment.economic_buyer for p in profiles))
    methods = (
        {ctx.project.pricing.method(pl) for p in profiles for pl in segment_plans(ctx, p)}
        if ctx.project.pricing
        else set()
    )
    card_check = "; check that the card on file outlives the renewal date" if "card" in methods else ""
    invoice = "; confirm the billing contact and purchase-order number" if "invoice" in methods else ""
    uplift, maxd, approver = guard.standard_uplift_pct, guard.max_discount_pct, guard.approver
    if tier == "high_touch":
        csm = CSM_ROLE["high_touch"]
        return {
            90: (
                f"Renewal kickoff in a business review: value delivered against the success criteria; confirm the "
                f"decision maker ({buyers}), procurement steps and the renewal date on the order form",
                csm,
            ),
            60: (
                f"Send the renewal proposal: current terms plus {uplift:g}%, expansion options and the multi-year "
                "option",
                seller,
            ),
            45: (
                f"Negotiate; discounts above {maxd:g}% go to {approver}; forecast the renewal as commit, best case or "
                f"at risk{invoice}",
                seller,
            ),
            30: (
                f"Notice deadline for auto-renewing contracts ({notice} days): written commitment from {buyers}; "
                "order form to procurement",
                seller,
            ),
            14: (f"Chase the signature with procurement and legal; unsigned renewals go to the {HEAD_OF_CS}", csm),
            7: (
                "Last call: executive-to-executive call on any unsigned renewal; prepare the renewal invoice or the "
                "churn and contraction record",
                HEAD_OF_CS,
            ),
        }
    if tier == "guided":
        csm = CSM_ROLE["guided"]
        return {
            90: (
                f"Renewal kickoff: send the value summary ({_value_events(ctx)}) and confirm the renewal date and "
                f"the decision maker ({buyers})",
                csm,
            ),
            60: (
                f"Send the renewal quote: current price plus {uplift:g}%, with the multi-year option; flag red "
                f"accounts to the {HEAD_OF_CS}",
                csm,
            ),
            45: (f"Follow up on the quote; discounts above {maxd:g}% go to {approver}{invoice}", csm),
            30: (f"Notice deadline ({notice} days): confirm the renewal in writing{card_check}", csm),
            14: (f"Chase the confirmation or signature; unsigned renewals go to the {HEAD_OF_CS}", seller),
            7: (
                "Unsigned renewals get a call from the head of CS; prepare the renewal invoice or the churn record",
                HEAD_OF_CS,
            ),
        }
    digital = CSM_ROLE["self_serve"]
    return {
        60: (
            f"Renewal notice by email and in-app: renewal date, the new price (plus {uplift:g}%) and a value summary",
            digital,
        ),
        30: (f"Notice-deadline reminder ({notice} days) with the downgrade and cancellation path", digital),
        14: ("Billing check" + (card_check or invoice or ": payment details on file are current"), digital),
        7: ("Final reminder; the payment runs on the renewal date and failures go to the dunning schedule", digital),
    }


def renewal_milestones(
    ctx: DesignContext,
    contracted: dict[TouchModel, list[SegmentProfile]],
    guard: PricingGuardrails,
    high_touch_kickoff: Figure | None,
) -> list[RenewalMilestone]:
    """Milestones per tier for contracted segments, longest lead first."""
    seller = seller_role(ctx)
    out = []
    for tier in TIER_ORDER:
        profiles = contracted.get(tier)
        if not profiles:
            continue
        notice = max(NOTICE_DAYS_MULTI_YEAR if _contract_months(ctx, p) > 12 else NOTICE_DAYS_ANNUAL for p in profiles)
        segs = scope(ctx, [p.id for p in profiles])
        actions = _tier_actions(ctx, tier, profiles, guard, notice)
        if tier == "high_touch" and high_touch_kickoff is not None:
            buyers = ", ".join(dict.fromkeys(p.segment.economic_buyer for p in profiles))
            actions[int(high_touch_kickoff.value)] = (
                f"Internal renewal review: risk score, health trend and stakeholder map ({buyers}); decide renew, "
                "expand or save; book the renewal business review",
                f"{CSM_ROLE['high_touch']} with {seller}",
            )
        for day, (action, owner) in actions.items():
            out.append(RenewalMilestone(days_before=day, action=action, owner=owner, segments=segs))
    order = {t: i for i, t in enumerate(TIER_ORDER)}
    tier_of = {p.id: p.touch for p in ctx.segments}
    return sorted(out, key=lambda m: (-m.days_before, order[tier_of[m.segments[0]]] if m.segments else -1))


# --- risk ---------------------------------------------------------------------------------------------------------
def renewal_risk(ctx: DesignContext) -> tuple[list[RenewalRisk], list[Basis]]:
    """Risk factors with structured conditions and points; the factors follow the inputs."""
    risks = [
        RenewalRisk(
            factor="Health critical",
            points=30,
            condition=Condition(kind="health_band", op="==", value="critical", text="health band is critical"),
        ),
        RenewalRisk(
            factor="Health at risk",
            points=15,
            condition=Condition(kind="health_band", op="==", value="at_risk", text="health band is at risk"),
        ),
        RenewalRisk(
            factor="Usage falling",
            points=15,
            condition=Condition(
                kind="usage_trend",
                params={"window_days": WINDOW["usage"]},
                op="<",
                value=USAGE_DROP,
                text=f"usage in the last {WINDOW['usage']} days under {USAGE_DROP:.0%} of the {WINDOW['usage']} days "
                "before",
            ),
        ),
        RenewalRisk(
            factor="Champion left",
            points=15,
            condition=Condition(
                kind="active_role_users",
                params={"roles": ["champion"]},
                op="<",
                value=1,
                text="no active user with the champion role",
            ),
        ),
        RenewalRisk(
            factor="Failed payments",
            points=10,
            condition=Condition(
                kind="failed_payments",
                params={"window_days": WINDOW["payments"]},
                op=">=",
                value=1,
                text=f"a payment failed in the last {WINDOW['payments']} days",
            ),
        ),
        RenewalRisk(
            factor="NPS detractor",
            points=10,
            condition=Condition(
                kind="detractor_share",
                params={"window_days": WINDOW["nps"]},
                op=">",
                value=0,
                text=f"a respondent's latest answer in {WINDOW['nps']} days is 0-6",
            ),
        ),
    ]
    if any(p.touch != "self_serve" for p in ctx.segments):
        risks.append(
            RenewalRisk(
                factor="No executive engagement",
                points=10,
                condition=Condition(
                    kind="executive_engagement",
                    params={"window_days": WINDOW["executive"]},
                    op="<",
                    value=1,
                    text=f"no touchpoint with an executive in {WINDOW['executive']} days (CSM-managed accounts)",
                ),
            )
        )
    if ctx.pricing_metric in ("seat", "hybrid"):
        risks.append(
            RenewalRisk(
                factor="Seats unused",
                points=10,
                condition=Condition(
                    kind="seat_utilisation",
                    op="<",
                    value=LOW_SEAT_USE,
                    text=f"under {LOW_SEAT_USE:.0%} of purchased seats in use (contraction risk)",
                ),
            )
        )
    points = ", ".join(f"{r.factor.lower()} {r.points}" for r in risks)
    basis = [
        ctx.assume(
            "renewal_risk_points",
            f"Renewal risk adds points per factor ({points}); high risk from {RISK_BANDS['high']} points, medium from "
            f"{RISK_BANDS['medium']}.",
            "Health and usage carry most of the weight, as in the health model; single events add less.",
            "Which signals preceded the renewals you lost?",
        )
    ]
    return risks, basis


# --- month to month -------------------------------------------------------------------------------------------------
def _month_to_month(ctx: DesignContext, terms: list[RenewalTerm]) -> MonthToMonth | None:
    monthly = [t for t in terms if t.kind == "month_to_month"]
    if not monthly:
        return None
    pricing = ctx.project.pricing
    assert pricing is not None
    ids = {t.plan for t in monthly}
    # Buyers of a month-to-month plan, and segments with no plan of their own under a month-to-month default.
    segs = [
        p.id
        for p in ctx.segments
        if any(pl.id in ids for pl in segment_plans(ctx, p)) or 0 < _contract_months(ctx, p) <= 1
    ]
    notice = ctx.assume(
        "price_change_notice",
        f"Price changes on month-to-month plans are announced {NOTICE_DAYS_ANNUAL} days ahead.",
        "Customers without a contract can leave at any charge; a surprise increase invites it.",
        "How much notice do you give before a price change?",
    )
    names_ = [t.plan_name for t in monthly]
    steps = [
        f"Every monthly charge on {', '.join(names_)} is a renewal: the renewal risk score is read monthly, and "
        "at-risk accounts get the interventions of the churn section",
        "Failed charges follow the dunning schedule (churn section)",
        "The cancellation flow asks for the reason (tagged to a key feature), offers a downgrade or a pause, and "
        "routes accounts above the self-serve tier to a CSM",
        f"Price changes are announced {NOTICE_DAYS_ANNUAL} days ahead by email",
    ]
    basis = [notice, *[b for t in monthly for b in t.basis]]
    policy = pricing.discount_policy
    if policy and policy.annual_prepay_discount_pct is not None:
        steps.append(
            f"Activated, healthy accounts are offered annual prepayment at "
            f"{policy.annual_prepay_discount_pct:g}% off, in the product and at the next value report"
        )
        basis.append(ctx.inp("pricing", ("discount_policy", "annual_prepay_discount_pct")))
    return MonthToMonth(
        plans=sorted(ids, key=lambda i: [p.id for p in pricing.plans].index(i)),
        segments=scope(ctx, segs),
        steps=steps,
        basis=basis,
    )


def design_renewal(ctx: DesignContext, support: SupportSection) -> RenewalSection:
    """Renewal milestones, terms, risk scoring and pricing guardrails for the company's segments and plans."""
    terms = contract_terms(ctx)
    terms_basis: list[Basis] = []
    if ctx.project.pricing is None:
        terms_basis.append(
            ctx.assume(
                "contract_terms_unknown",
                f"Customers sign {ASSUMED_CONTRACT_MONTHS}-month contracts that auto-renew.",
                "There is no pricing.yaml to give contract length or billing.",
                "How long are your contracts, and do they auto-renew?",
            )
        )
    contracted: dict[TouchModel, list[SegmentProfile]] = {}
    for p in ctx.segments:
        tier = support.tier_of(p.id)
        if _contract_months(ctx, p) > 1 and tier is not None:
            contracted.setdefault(tier.id, []).append(p)
    kickoff = row_figure(ctx, "renewal_kickoff_standard", "median")
    ht_kickoff = (
        row_figure(ctx, "renewal_kickoff_enterprise", "median", "high-touch and enterprise accounts")
        if contracted.get("high_touch")
        else None
    )
    uplift = _uplift(ctx)
    guard, max_disc = pricing_guardrails(ctx, uplift)
    milestones = renewal_milestones(ctx, contracted, guard, ht_kickoff)
    red_rule = None
    # Red accounts need a person to run a save plan, so the rule covers CSM-managed contracts of a year or more.
    managed: tuple[TouchModel, ...] = ("guided", "high_touch")
    red_profiles = [p for t in managed for p in contracted.get(t, []) if _contract_months(ctx, p) >= 12]
    if red_profiles:
        red = row_figure(ctx, "renewal_kickoff_red", "median", "red accounts")
        red_rule = RedAccountRule(
            days_before=red,
            segments=scope(ctx, [p.id for p in red_profiles]),
            condition=Condition(
                kind="health_band",
                op="==",
                value="critical",
                text="health band is critical",
                all_of=[
                    Condition(
                        kind="days_to_renewal", op="<=", value=red.value, text=f"renewal within {red.value:.0f} days"
                    )
                ],
            ),
            owner=f"{HEAD_OF_CS} with the account's CSM",
            action="Open a save plan with its root cause, an executive call and a recovery goal to reach before the "
            "renewal proposal",
        )
        milestones.insert(
            0,
            RenewalMilestone(
                days_before=int(red.value),
                owner=red_rule.owner,
                segments=red_rule.segments,
                action=f"Red accounts only (critical health). {red_rule.action}",
            ),
        )
    risks, risk_basis = renewal_risk(ctx)
    m2m = _month_to_month(ctx, terms)
    renewals = Renewals(milestones=milestones, risk=risks, risk_bands=dict(RISK_BANDS), guardrails=guard)
    company = ctx.project.brief.company
    parts = []
    if contracted:
        segs = ", ".join(p.name for t in TIER_ORDER for p in contracted.get(t, []))
        starts = []
        for t_id in TIER_ORDER:
            ids = {p.id for p in contracted.get(t_id, [])}
            days = [
                m.days_before
                for m in milestones
                if not m.action.startswith("Red accounts") and set(m.segments or ids) & ids
            ]
            if days:
                starts.append(f"{TIER_NAMES[t_id].lower()} from T-{max(days)}")
        if red_rule:
            starts.append(f"red accounts from T-{red_rule.days_before.value:.0f}")
        parts.append(
            f"{company} renews contracts for {segs} on a schedule that starts before the renewal date "
            f"({', '.join(starts)})"
        )
    if m2m:
        plans = ", ".join(t.plan_name for t in terms if t.kind == "month_to_month")
        buyers = ", ".join(n for sid, n in segment_names(ctx).items() if not m2m.segments or sid in m2m.segments)
        owner = "its" if parts else f"{company}'s"
        parts.append(f"{owner} month-to-month plans ({plans}, bought by {buyers}) treat every charge as the renewal")
    if not parts:
        parts.append(f"{company} has no contracted renewals")
    summary = "; ".join(parts) + (
        f". Renewals carry a {uplift.value:g}% uplift; discounts above {max_disc.value:g}% need {guard.approver}."
    )
    return RenewalSection(
        summary=summary,
        segment_names=segment_names(ctx),
        renewals=renewals,
        kickoff=kickoff,
        kickoff_high_touch=ht_kickoff,
        terms=terms,
        terms_basis=terms_basis,
        red_accounts=red_rule,
        month_to_month=m2m,
        risk_basis=risk_basis,
        uplift=uplift,
        max_discount=max_disc,
    )
