"""Pricing guardrails at renewal: uplift, discount limits and approver, multi-year terms, metric rules.

Rules (from ``pricing.yaml`` and the sales handoff):

- **uplift**: ``discount_policy.renewal_uplift_pct``, else the low end of the standard escalator (an
  assumption); an uplift of 0 means renewals are quoted at the current price. Month-to-month plans
  have no renewal quote: a price rise is a list-price change announced ahead;
- **maximum discount** and **approver** from the discount policy (without a policy: no discount
  unless the CEO approves; without an approver: the Head of CS);
- **multi-year**: the policy's multi-year discount, else the benchmark's points per added year; not
  offered when every plan is month to month;
- a rule that follows the **pricing metric** (seat true-up, usage re-basing, or the next plan) and
  the contract type;
- **annual prepayment** for monthly-billed plans when the policy gives a discount for it.
"""

from __future__ import annotations

from cs_architect.design.context import DesignContext
from cs_architect.design.contract_terms import NOTICE_DAYS_ANNUAL, RenewalTerm, is_free
from cs_architect.design.cs_team import HEAD_OF_CS, join_names
from cs_architect.design.figures import row_figure
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import PricingGuardrails


def renewal_uplift(ctx: DesignContext) -> Figure:
    """The standard uplift at renewal: the discount policy's, else the low end of the standard escalator."""
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


def uplift_text(uplift: Figure) -> str:
    """'the current price plus 5%', or 'the current price (no uplift)'."""
    return f"the current price plus {uplift.value:g}%" if uplift.value else "the current price (no uplift)"


def max_discount(ctx: DesignContext) -> tuple[Figure, str, list[Basis]]:
    """The largest discount without approval, who approves more, and the basis of the approver."""
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


def _multi_year(ctx: DesignContext, uplift: Figure, contracted: bool) -> tuple[str, list[Basis]]:
    policy = ctx.project.pricing.discount_policy if ctx.project.pricing else None
    if not contracted:
        prepay = (
            f"; annual prepayment at {policy.annual_prepay_discount_pct:g}% off is the commitment offered"
            if policy and policy.annual_prepay_discount_pct is not None
            else ""
        )
        return f"Not offered: every paid plan is month to month{prepay}", []
    fixed = f"a fixed {uplift.value:g}% uplift each year" if uplift.value else "the price fixed for the term"
    if policy and policy.multi_year_discount_pct is not None:
        return (
            f"{policy.multi_year_discount_pct:g}% off in exchange for the longer term, with {fixed}; offered to "
            "healthy accounts only",
            [ctx.inp("pricing", ("discount_policy", "multi_year_discount_pct"))],
        )
    step = row_figure(ctx, "multi_year_discount", "low", "points per added year")
    return (
        f"At most {step.value:g} points of extra discount per added year, with {fixed}; offered to healthy "
        "accounts only",
        step.basis,
    )


def _metric_rule(ctx: DesignContext, contracted: bool) -> tuple[str, list[Basis]]:
    pricing = ctx.project.pricing
    if pricing is None:
        return (
            "Quote the renewal on the account's current scope; re-scope only with the customer's usage data in hand",
            [],
        )
    metric = pricing.pricing_metric
    if metric in ("seat", "hybrid"):
        mins = [(i, p) for i, p in enumerate(pricing.plans) if p.min_seats]
        floor = join_names(f"{p.min_seats:,} seats on {p.name}" for _, p in mins)
        rule = (
            "True seats up to the peak of active users over the last 90 days before quoting"
            if contracted
            else "Monthly seat counts follow the active users"
        ) + (f"; never below {floor}" if floor else "")
        return rule, [ctx.inp("pricing", ("plans", i, "min_seats")) for i, _ in mins]
    if metric == "usage":
        unit = pricing.usage_unit or "usage"
        rule = (
            f"Re-base the included {unit} on the last three months' run rate; an account paying overage every "
            "month is quoted the next plan instead"
            if contracted
            else "An account paying overage three months running is offered the next plan or a committed volume "
            "(the expansion triggers), not a discount"
        )
        return rule, [ctx.inp("pricing", ("usage_unit",))]
    return (
        "Accounts that use every feature of their plan are quoted the next plan, not a discount",
        [ctx.inp("pricing", ("pricing_metric",))],
    )


def _prepay_rule(ctx: DesignContext, terms: list[RenewalTerm]) -> tuple[str, list[Basis]]:
    pricing = ctx.project.pricing
    policy = pricing.discount_policy if pricing else None
    if pricing is None or policy is None or policy.annual_prepay_discount_pct is None:
        return "", []
    kind = {t.plan: t.kind for t in terms}
    monthly = [p for p in pricing.plans if p.billing_period == "monthly" and not is_free(p)]
    at_renewal = [p.name for p in monthly if kind.get(p.id) == "contract"]
    anytime = [p.name for p in monthly if kind.get(p.id) == "month_to_month"]
    parts = []
    if at_renewal:
        parts.append(f"{join_names(at_renewal)} at renewal")
    if anytime:
        parts.append(f"{join_names(anytime)} once the account is activated and healthy")
    if not parts:
        return "", []
    pct = f"{policy.annual_prepay_discount_pct:g}%"
    return (
        f"Offer annual prepayment at {pct} off to monthly-billed accounts: {'; '.join(parts)}",
        [ctx.inp("pricing", ("discount_policy", "annual_prepay_discount_pct"))],
    )


def pricing_guardrails(
    ctx: DesignContext, uplift: Figure, terms: list[RenewalTerm], contracted: bool
) -> tuple[PricingGuardrails, Figure]:
    """Uplift, maximum discount and approver, multi-year rule, and the rules of the metric and the contracts.

    ``contracted`` is True when any segment renews on a contract (without pricing: assumed annual contracts).
    """
    max_disc, approver, approver_basis = max_discount(ctx)
    multi_year, my_basis = _multi_year(ctx, uplift, contracted)
    metric_rule, metric_basis = _metric_rule(ctx, contracted)
    handoff = ctx.project.sales.handoff
    clause = handoff is not None and handoff.contract_terms is not None and "uplift" in handoff.contract_terms.lower()
    if not contracted:
        first = (
            "Monthly plans have no renewal quote: a price rise is a list-price change for every account, announced "
            f"{NOTICE_DAYS_ANNUAL} days ahead, never a per-account uplift"
        )
    elif uplift.value:
        first = f"The renewal quote is {uplift_text(uplift)}" + (
            ", as the order form's uplift clause states" if clause else ", unless the order form caps the uplift"
        )
    else:
        first = "Renewals are quoted at the current price: the policy sets no uplift"
    trade = "a longer term, prepayment, a case study" if contracted else "annual prepayment, a case study"
    rules = [
        first,
        f"Discounts above {max_disc.value:g}% go to {approver} for approval; every discount is traded for something "
        f"({trade})",
        metric_rule,
        f"No price cut on a red account before its save plan has run; concessions on red accounts go to {approver}",
    ]
    basis = [*uplift.basis, *max_disc.basis, *approver_basis, *my_basis, *metric_basis]
    prepay, prepay_basis = _prepay_rule(ctx, terms)
    if prepay:
        rules.append(prepay)
        basis += prepay_basis
    if clause and contracted:
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
