"""Contract terms: which plans renew on a contract and which run month to month, and their notice.

Rules (from ``pricing.yaml``):

- a plan with no list price and no usage charge is free: nothing is charged, so nothing renews;
- a plan's term is its ``contract_months`` (else the pricing default); a term of one month is
  month to month: every charge renews, there is no notice period and no renewal date to work toward;
- longer terms auto-renew for the same term unless notice is given: 30 days before the renewal
  date for terms up to a year, 60 days for multi-year terms (an assumption; the order form wins);
- without pricing, every customer is assumed to sign a 12-month contract.

These functions read the inputs only; the ones that state an assumption say so.
"""

from __future__ import annotations

from typing import Literal

from cs_architect.design.context import DesignContext, SegmentProfile
from cs_architect.design.cs_team import scope
from cs_architect.inputs.base import Strict
from cs_architect.inputs.pricing import Plan
from cs_architect.spec.basis import Basis, Figure

NOTICE_DAYS_ANNUAL = 30
NOTICE_DAYS_MULTI_YEAR = 60
ASSUMED_CONTRACT_MONTHS = 12
PERIOD_WORD = {"monthly": "month", "quarterly": "quarter", "annual": "year"}


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


def contract_months(ctx: DesignContext, profile: SegmentProfile) -> int:
    """Longest contract a segment's paid plans carry.

    The pricing default when the segment has no plans; 0 when it only has free plans (nothing
    renews); 12 (assumed) without pricing.
    """
    pricing = ctx.project.pricing
    if pricing is None:
        return ASSUMED_CONTRACT_MONTHS
    plans = segment_plans(ctx, profile)
    if not plans and (profile.plans or any(p.segment is None for p in pricing.plans)):
        return 0
    return max((pricing.contract(p) for p in plans), default=pricing.contract_months)


def is_contracted(ctx: DesignContext, profile: SegmentProfile) -> bool:
    """True when the segment's accounts renew on a contract longer than a month (so they have a renewal date)."""
    return contract_months(ctx, profile) > 1


def notice_days(months: int) -> int:
    """Auto-renew notice for a contract term: 60 days for multi-year terms, else 30."""
    return NOTICE_DAYS_MULTI_YEAR if months > 12 else NOTICE_DAYS_ANNUAL


def notice_basis(ctx: DesignContext) -> Basis:
    """The stated assumption behind the notice windows (recorded once)."""
    return ctx.assume(
        "auto_renew_notice",
        f"Contracts auto-renew for the same term unless notice is given {NOTICE_DAYS_ANNUAL} days (terms up to a "
        f"year) or {NOTICE_DAYS_MULTI_YEAR} days (multi-year terms) before the renewal date.",
        "Auto-renew notice windows are typically 30, 60 or 90 days; the order forms' own clause wins.",
        "What notice period do your order forms set for cancelling an auto-renewal?",
    )


def _handling(plan: Plan, months: int, notice: int, method: str) -> str:
    how = "the card on file is charged" if method == "card" else "the renewal invoice is issued"
    period = PERIOD_WORD[plan.billing_period]
    billed = (
        f"; billed every {period} in between (those charges are not renewals)"
        if period != "year" or months > 12
        else ""
    )
    return (
        f"{months}-month auto-renewal unless the customer gives notice {notice} days before the renewal date; "
        f"on the renewal date {how}{billed}"
    )


def contract_terms(ctx: DesignContext) -> list[RenewalTerm]:
    """One entry per paid plan: contract (auto-renews with notice) or month to month."""
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
            charged = "card is charged" if method == "card" else "invoice is paid"
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
                    handling=f"renewal every month when the {charged}; no notice period and no renewal date, "
                    "so retention (value, dunning, the cancellation flow) is the renewal",
                )
            )
            continue
        notice = Figure(value=notice_days(months), unit="days", basis=[notice_basis(ctx)])
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
                handling=_handling(plan, months, int(notice.value), method),
            )
        )
    return out
