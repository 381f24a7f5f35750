"""Renewals: the milestone tracks before the renewal date, month-to-month retention, risk and pricing.

Rules (from the inputs):

- **Tracks**: contracted segments are grouped by support tier and notice period. Each track works
  back from the auto-renew notice deadline: kickoff 90, proposal 60, negotiation 45 days before the
  renewal date and the deadline at 30 for a 30-day notice; a longer notice moves every step before
  the deadline earlier by the difference. High-touch tracks add an internal review from 120 days;
  self-serve contracts get automated notices from 60. Red accounts (critical health) on CSM-managed
  contracts of a year or more start a save plan at 180 days.
- **Terms** per plan (``design.contract_terms``): month-to-month plans get the 'renewal is
  retention' steps instead of milestones.
- **Risk score** (``design.renewal_risk``) and **pricing guardrails** (``design.guardrails``).
"""

from __future__ import annotations

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.contract_terms import ASSUMED_CONTRACT_MONTHS as ASSUMED_CONTRACT_MONTHS
from cs_architect.design.contract_terms import (
    NOTICE_DAYS_ANNUAL,
    RenewalTerm,
    contract_months,
    contract_terms,
    is_contracted,
    segment_plans,
)
from cs_architect.design.contract_terms import NOTICE_DAYS_MULTI_YEAR as NOTICE_DAYS_MULTI_YEAR
from cs_architect.design.contract_terms import is_free as is_free
from cs_architect.design.cs_team import (
    TIER_ORDER,
    NamedSegments,
    join_names,
    scope,
    segment_names,
)
from cs_architect.design.figures import row_figure
from cs_architect.design.guardrails import max_discount as max_discount
from cs_architect.design.guardrails import pricing_guardrails, renewal_uplift, uplift_text
from cs_architect.design.renewal_milestones import MILESTONE_DAYS as MILESTONE_DAYS
from cs_architect.design.renewal_milestones import SELF_SERVE_DAYS as SELF_SERVE_DAYS
from cs_architect.design.renewal_milestones import RedAccountRule, RenewalTrack, red_account_rule, renewal_tracks
from cs_architect.design.renewal_risk import LOW_SEAT_USE as LOW_SEAT_USE
from cs_architect.design.renewal_risk import RISK_BANDS as RISK_BANDS
from cs_architect.design.renewal_risk import USAGE_DROP as USAGE_DROP
from cs_architect.design.renewal_risk import WINDOW as WINDOW
from cs_architect.design.renewal_risk import RiskBandAction, band_actions, renewal_risk
from cs_architect.design.support import SupportSection
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import PricingGuardrails, RenewalMilestone, Renewals


class MonthToMonth(Strict):
    plans: list[str]
    plan_names: list[str]
    segments: list[str]
    segment_names: list[str]
    steps: list[str]
    basis: list[Basis]


class HandlingGroup(Strict):
    plan_names: list[str]
    handling: str


class RenewalSection(NamedSegments):
    summary: str
    renewals: Renewals
    kickoff: Figure
    kickoff_high_touch: Figure | None = None
    terms: list[RenewalTerm]
    terms_basis: list[Basis] = Field(default_factory=list, description="assumed terms when no pricing is given")
    tracks: list[RenewalTrack] = Field(default_factory=list)
    red_accounts: RedAccountRule | None = None
    month_to_month: MonthToMonth | None = None
    risk_basis: list[Basis]
    risk_actions: list[RiskBandAction] = Field(default_factory=list)
    uplift: Figure
    max_discount: Figure

    def milestone_groups(self) -> list[tuple[str, list[RenewalMilestone]]]:
        """The milestones of ``renewals`` (as edited in operations.yaml) under their track's heading.

        The red-account milestone is left out (the red-account rule shows it); milestones that match
        no track (added by hand) come last under 'Other milestones'.
        """
        red = self.red_accounts
        rest = [
            m
            for m in self.renewals.milestones
            if not (red and m.days_before == int(red.days_before.value) and m.owner == red.owner)
        ]
        out = []
        for t in self.tracks:
            mine = [m for m in rest if m.segments == t.segments]
            rest = [m for m in rest if m.segments != t.segments]
            if mine:
                out.append((t.heading, sorted(mine, key=lambda m: -m.days_before)))
        if rest:
            out.append(("Other milestones", sorted(rest, key=lambda m: -m.days_before)))
        return out

    def handling(self) -> list[HandlingGroup]:
        """Plans that renew the same way, grouped: one line per way of renewing."""
        groups: dict[str, list[str]] = {}
        for t in self.terms:
            groups.setdefault(t.handling, []).append(t.plan_name)
        return [HandlingGroup(plan_names=n, handling=h) for h, n in groups.items()]


# --- month to month -------------------------------------------------------------------------------------------------
def _month_to_month(ctx: DesignContext, terms: list[RenewalTerm]) -> MonthToMonth | None:
    monthly = [t for t in terms if t.kind == "month_to_month"]
    if not monthly:
        return None
    pricing = ctx.project.pricing
    assert pricing is not None
    ids = {t.plan for t in monthly}
    # Buyers of a month-to-month plan, and segments with no plan of their own under a month-to-month default.
    profiles = [
        p for p in ctx.segments if any(pl.id in ids for pl in segment_plans(ctx, p)) or 0 < contract_months(ctx, p) <= 1
    ]
    notice = ctx.assume(
        "price_change_notice",
        f"Price changes on month-to-month plans are announced {NOTICE_DAYS_ANNUAL} days ahead.",
        "Customers without a contract can leave at any charge; a surprise increase invites it.",
        "How much notice do you give before a price change?",
    )
    plan_names = [t.plan_name for t in monthly]
    methods = {pricing.method(p) for p in pricing.plans if p.id in ids}
    managed = [p for p in profiles if p.touch != "self_serve"]
    route = (
        f", and sends {join_names(p.name for p in managed)} accounts to their CSM before it takes effect"
        if managed
        else ""
    )
    steps = [
        f"Every monthly charge on {join_names(plan_names)} is a renewal: the renewal risk score is read each month "
        "and its band sets the action (see the risk score below)",
        "Failed card charges follow the dunning schedule (churn section)"
        if methods == {"card"}
        else "Failed charges and overdue invoices follow the dunning and collections schedules (churn section)",
        f"The cancellation flow asks for the reason (tagged to a key feature) and offers a downgrade or a pause{route}",
        f"Price changes are announced {NOTICE_DAYS_ANNUAL} days ahead by email",
    ]
    basis = [notice, *[b for t in monthly for b in t.basis]]
    policy = pricing.discount_policy
    if policy and policy.annual_prepay_discount_pct is not None:
        steps.append(
            f"Activated, healthy accounts are offered annual prepayment at {policy.annual_prepay_discount_pct:g}% off, "
            "in the product and in the next value report"
        )
        basis.append(ctx.inp("pricing", ("discount_policy", "annual_prepay_discount_pct")))
    order = [p.id for p in pricing.plans]
    plans = sorted(ids, key=order.index)
    return MonthToMonth(
        plans=plans,
        plan_names=[next(t.plan_name for t in monthly if t.plan == i) for i in plans],
        segments=scope(ctx, [p.id for p in profiles]),
        segment_names=[p.name for p in profiles],
        steps=steps,
        basis=basis,
    )


def _summary(
    ctx: DesignContext,
    terms: list[RenewalTerm],
    tracks: list[RenewalTrack],
    red: RedAccountRule | None,
    m2m: MonthToMonth | None,
    guard: PricingGuardrails,
    uplift: Figure,
) -> str:
    company = ctx.project.brief.company
    parts = []
    contracts = [t for t in terms if t.kind == "contract"]
    if contracts:
        seg_names = segment_names(ctx)

        def term(t: RenewalTerm) -> str:
            who = f" for {join_names(seg_names[s] for s in t.segments)}" if t.segments else ""
            return f"{t.plan_name}{who}, {t.contract_months} months"

        plans = "; ".join(term(t) for t in contracts)
        notices = sorted({int(t.notice_days.value) for t in contracts if t.notice_days})
        parts.append(
            f"{company}'s contracts ({plans}) auto-renew unless the customer gives notice "
            f"{' or '.join(str(n) for n in notices)} days before the renewal date"
        )
    elif tracks:
        parts.append(f"{company}'s customers are assumed to sign annual contracts that auto-renew")
    if tracks:
        firsts = [(t.starts_at, join_names(t.segment_names)) for t in tracks]
        if red:
            firsts.append((int(red.days_before.value), "red accounts"))
        starts = [f"T-{day} for {who}" for day, who in sorted(firsts, key=lambda dw: -dw[0])]
        parts.append(f"renewal work starts at {join_names(starts)}")
    if m2m:
        buyers = join_names(m2m.segment_names)
        owner = f"{company}'s " if not parts else ""
        parts.append(
            f"{owner}{join_names(m2m.plan_names)} {'runs' if len(m2m.plan_names) == 1 else 'run'} month to month "
            f"for {buyers}: every charge is the renewal, so retention is the renewal work"
        )
    if not parts:
        parts.append(f"{company} has no paid plan that renews")
    quote = f"Renewals are quoted at {uplift_text(uplift)}" if tracks else "Monthly plans carry no renewal uplift"
    return (
        ". ".join(p[0].upper() + p[1:] for p in parts)
        + f". {quote}; discounts above {guard.max_discount_pct:g}% go to {guard.approver} for approval."
    )


def design_renewal(ctx: DesignContext, support: SupportSection) -> RenewalSection:
    """Renewal tracks, terms, month-to-month retention, risk scoring and pricing guardrails."""
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
        if is_contracted(ctx, p) and tier is not None:
            contracted.setdefault(tier.id, []).append(p)
    kickoff = row_figure(ctx, "renewal_kickoff_standard", "median")
    ht_kickoff = (
        row_figure(ctx, "renewal_kickoff_enterprise", "median", "high-touch and enterprise accounts")
        if contracted.get("high_touch")
        else None
    )
    uplift = (
        renewal_uplift(ctx)
        if contracted
        else Figure(value=0, unit="%", basis=[b for t in terms for b in t.basis][:1] or terms_basis)
    )
    guard, max_disc = pricing_guardrails(ctx, uplift, terms, contracted=bool(contracted))
    built = renewal_tracks(ctx, contracted, guard, uplift, ht_kickoff)
    tracks = [t for t, _ in built]
    milestones = [m for _, ms in built for m in ms]
    red_rule = red_account_rule(ctx, contracted)
    if red_rule:
        milestones.append(
            RenewalMilestone(
                days_before=int(red_rule.days_before.value),
                owner=red_rule.owner,
                segments=red_rule.segments,
                action=f"Red accounts only (critical health). {red_rule.action}",
            )
        )
    order = {t: i for i, t in enumerate(TIER_ORDER)}
    tier_of = {p.id: p.touch for p in ctx.segments}
    milestones.sort(key=lambda m: (-m.days_before, order[tier_of[m.segments[0]]] if m.segments else -1))
    risks, risk_basis = renewal_risk(ctx)
    m2m = _month_to_month(ctx, terms)
    return RenewalSection(
        summary=_summary(ctx, terms, tracks, red_rule, m2m, guard, uplift),
        segment_names=segment_names(ctx),
        renewals=Renewals(milestones=milestones, risk=risks, risk_bands=dict(RISK_BANDS), guardrails=guard),
        kickoff=kickoff,
        kickoff_high_touch=ht_kickoff,
        terms=terms,
        terms_basis=terms_basis,
        tracks=tracks,
        red_accounts=red_rule,
        month_to_month=m2m,
        risk_basis=risk_basis,
        risk_actions=band_actions(ctx, {p.id for ps in contracted.values() for p in ps}),
        uplift=uplift,
        max_discount=max_disc,
    )
