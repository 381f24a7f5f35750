"""Renewal milestones: one track per support tier and notice period, and the red-account rule.

Each track works back from the auto-renew notice deadline: kickoff 90, proposal 60, negotiation 45
days before the renewal date and the deadline at 30 for a 30-day notice; a longer notice moves every
step before the deadline earlier by the difference, so the customer commits before the notice
window closes. High-touch tracks add an internal review from 120 days; self-serve contracts get
automated notices from 60. Actions name the segment's buyers, value events, plans and payment
method; owners follow the tier. Red accounts (critical health) on CSM-managed contracts of a year or
more start a save plan at 180 days.
"""

from __future__ import annotations

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.contract_terms import (
    NOTICE_DAYS_ANNUAL,
    contract_months,
    notice_basis,
    notice_days,
    segment_plans,
)
from cs_architect.design.cs_team import (
    CSM_ROLE,
    HEAD_OF_CS,
    TIER_NAMES,
    TIER_ORDER,
    distinct_titles,
    join_names,
    role_in_sentence,
    scope,
    seller_title,
)
from cs_architect.design.figures import row_figure
from cs_architect.design.guardrails import uplift_text
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Condition, PricingGuardrails, RenewalMilestone

# Days before the renewal date for a 30-day notice; the steps before the deadline move with the notice.
MILESTONE_DAYS = (90, 60, 45, 30, 14, 7)
SELF_SERVE_DAYS = (60, 30, 14, 7)
AFTER_NOTICE = (14, 7)


class RedAccountRule(Strict):
    days_before: Figure
    condition: Condition
    owner: str
    action: str
    segments: list[str]


class RenewalTrack(Strict):
    """The milestones of one support tier and notice period."""

    tier: TouchModel
    name: str
    segments: list[str]
    segment_names: list[str]
    plans: list[str] = Field(description="plan names the track renews")
    notice_days: int
    starts_at: int = Field(description="days before the renewal date of the track's first milestone")

    @property
    def heading(self) -> str:
        """'High-touch: Regional chains (Business), 30-day notice'."""
        plans = f" ({', '.join(self.plans)})" if self.plans else ""
        return f"{self.name}: {', '.join(self.segment_names)}{plans}, {self.notice_days}-day notice"


# --- when the work starts -----------------------------------------------------------------------------------
def self_serve_notice_basis(ctx: DesignContext) -> Basis:
    """The stated assumption behind the self-serve track's first step (recorded once)."""
    return ctx.assume(
        "self_serve_renewal_notice",
        f"Self-serve contracts get an automated renewal notice {SELF_SERVE_DAYS[0]} days before the renewal date "
        f"(for a {NOTICE_DAYS_ANNUAL}-day notice period; a longer notice moves it earlier by the difference).",
        "A self-serve customer should see the renewal price a month before the notice deadline passes.",
        "How far ahead do you tell self-serve customers about an upcoming renewal?",
    )


def renewal_start(ctx: DesignContext, profile: SegmentProfile) -> Figure:
    """Days before the renewal date when a contracted segment's renewal work starts: the first milestone
    of its track in :func:`renewal_tracks`.

    High-touch: ``renewal_kickoff_enterprise`` (the internal review); guided: the kickoff
    (:data:`MILESTONE_DAYS`, the ``renewal_kickoff_standard`` median); self-serve: the automated notice
    (:data:`SELF_SERVE_DAYS`). A notice period longer than 30 days moves the start earlier by the
    difference, as it moves every step before the notice deadline.
    """
    shift = notice_days(contract_months(ctx, profile)) - NOTICE_DAYS_ANNUAL
    if profile.touch == "high_touch":
        base = row_figure(ctx, "renewal_kickoff_enterprise", "median", "high-touch and enterprise accounts")
    elif profile.touch == "guided":
        base = Figure(value=MILESTONE_DAYS[0], unit="days", basis=[ctx.bench("renewal_kickoff_standard")])
    else:
        base = Figure(value=SELF_SERVE_DAYS[0], unit="days", basis=[self_serve_notice_basis(ctx)])
    if not shift:
        return base
    return Figure(value=base.value + shift, unit="days", basis=[*base.basis, notice_basis(ctx)])


# --- milestones ---------------------------------------------------------------------------------------------
def _methods(ctx: DesignContext, profiles: list[SegmentProfile]) -> set[str]:
    pricing = ctx.project.pricing
    if pricing is None:
        return set()
    return {pricing.method(pl) for p in profiles for pl in segment_plans(ctx, p)}


def _value_events(ctx: DesignContext) -> str:
    events = [v.name for v in ctx.project.brief.value_events]
    if len(events) > 3:
        return f"{', '.join(events[:3])} and {len(events) - 3} more"
    return join_names(events)


def _tier_actions(
    ctx: DesignContext,
    tier: TouchModel,
    profiles: list[SegmentProfile],
    guard: PricingGuardrails,
    uplift: Figure,
    notice: int,
) -> dict[int, tuple[str, str]]:
    """days before -> (action, owner) for one track; steps before the notice deadline move with the notice."""
    seller = seller_title(ctx)
    buyers = join_names(distinct_titles(p.segment.economic_buyer for p in profiles))
    methods = _methods(ctx, profiles)
    card_check = "; check that the card on file outlives the renewal date" if "card" in methods else ""
    invoice = "; confirm the billing contact and purchase-order number" if "invoice" in methods else ""
    collect = (
        "let the card charge run on the renewal date"
        if methods == {"card"}
        else "issue the renewal invoice"
        if methods
        else "issue the renewal invoice or charge the card"
    )
    quote = uplift_text(uplift)
    multi = "" if guard.multi_year.startswith("Not offered") else " and the multi-year option"
    maxd, approver = guard.max_discount_pct, guard.approver
    shift = notice - NOTICE_DAYS_ANNUAL
    kick, prop, nego, dead = (d + shift for d in MILESTONE_DAYS[:4])
    if tier == "high_touch":
        csm = CSM_ROLE["high_touch"]
        return {
            kick: (
                f"Renewal business review: value delivered against the success criteria; confirm the decision "
                f"maker ({buyers}), procurement steps and the renewal date on the order form",
                csm,
            ),
            prop: (f"Send the renewal proposal: {quote}, expansion options{multi}", seller),
            nego: (
                f"Negotiate; discounts above {maxd:g}% go to {approver}; forecast the renewal as commit, best case or "
                f"at risk{invoice}",
                seller,
            ),
            dead: (
                f"Notice deadline ({notice} days): written commitment from {buyers}; order form to procurement",
                seller,
            ),
            14: (f"Chase the signature with procurement and legal; unsigned renewals go to the {HEAD_OF_CS}", csm),
            7: (
                f"Last call: executive-to-executive call on any unsigned renewal; then {collect}, or record the churn "
                "or contraction",
                HEAD_OF_CS,
            ),
        }
    if tier == "guided":
        csm = CSM_ROLE["guided"]
        return {
            kick: (
                f"Renewal kickoff: send the value summary ({_value_events(ctx)}) and confirm the renewal date and "
                f"the decision maker ({buyers})",
                csm,
            ),
            prop: (
                f"Send the renewal quote: {quote}{multi}; accounts with a high renewal-risk score go to the "
                f"{HEAD_OF_CS}",
                csm,
            ),
            nego: (f"Follow up on the quote; discounts above {maxd:g}% go to {approver}{invoice}", csm),
            dead: (f"Notice deadline ({notice} days): confirm the renewal in writing{card_check}", csm),
            14: (
                f"Chase the confirmation or signature, with the {role_in_sentence(seller)} for any change of "
                f"terms; unsigned renewals go to the {HEAD_OF_CS}",
                csm,
            ),
            7: (f"Unsigned renewals get a call from the {HEAD_OF_CS}; then {collect}, or record the churn", HEAD_OF_CS),
        }
    digital = CSM_ROLE["self_serve"]
    notice_mail, reminder, billing, final = (d + shift if d > 14 else d for d in SELF_SERVE_DAYS)
    payment = (
        "the card is charged on the renewal date and failures go to the dunning schedule"
        if methods == {"card"}
        else "the renewal invoice is issued on the renewal date and overdue invoices go to collections"
    )
    return {
        notice_mail: (
            f"Renewal notice by email and in-app: renewal date, the new price ({quote}) and a value summary",
            digital,
        ),
        reminder: (f"Notice-deadline reminder ({notice} days) with the downgrade and cancellation path", digital),
        billing: ("Billing check" + (card_check or invoice or ": payment details on file are current"), digital),
        final: (f"Final reminder: {payment}", digital),
    }


def renewal_tracks(
    ctx: DesignContext,
    contracted: dict[TouchModel, list[SegmentProfile]],
    guard: PricingGuardrails,
    uplift: Figure,
    high_touch_kickoff: Figure | None,
) -> list[tuple[RenewalTrack, list[RenewalMilestone]]]:
    """One track per support tier and notice period, with its milestones, longest lead first."""
    tracks: list[tuple[RenewalTrack, list[RenewalMilestone]]] = []
    for tier in TIER_ORDER:
        groups: dict[int, list[SegmentProfile]] = {}
        for p in contracted.get(tier, []):
            groups.setdefault(notice_days(contract_months(ctx, p)), []).append(p)
        for notice, profiles in sorted(groups.items()):
            segs = scope(ctx, [p.id for p in profiles])
            actions = _tier_actions(ctx, tier, profiles, guard, uplift, notice)
            if tier == "high_touch" and high_touch_kickoff is not None:
                buyers = join_names(distinct_titles(p.segment.economic_buyer for p in profiles))
                day = int(high_touch_kickoff.value) + notice - NOTICE_DAYS_ANNUAL
                actions[day] = (
                    f"Internal renewal review: risk score and band, health trend and stakeholder map ({buyers}); "
                    "decide renew, expand or save; book the renewal business review",
                    f"{CSM_ROLE['high_touch']} with the {role_in_sentence(seller_title(ctx))}",
                )
            milestones = [
                RenewalMilestone(days_before=day, action=action, owner=owner, segments=segs)
                for day, (action, owner) in sorted(actions.items(), reverse=True)
            ]
            plans = list(dict.fromkeys(pl.name for p in profiles for pl in segment_plans(ctx, p)))
            tracks.append(
                (
                    RenewalTrack(
                        tier=tier,
                        name=TIER_NAMES[tier],
                        segments=segs,
                        segment_names=[p.name for p in profiles],
                        plans=plans,
                        notice_days=notice,
                        starts_at=milestones[0].days_before,
                    ),
                    milestones,
                )
            )
    return tracks


def red_account_rule(ctx: DesignContext, contracted: dict[TouchModel, list[SegmentProfile]]) -> RedAccountRule | None:
    """A save plan from ``renewal_kickoff_red`` days out for critical accounts on CSM-managed yearly contracts."""
    # Red accounts need a person to run a save plan, so the rule covers CSM-managed contracts of a year or more.
    managed: tuple[TouchModel, ...] = ("guided", "high_touch")
    profiles = [p for t in managed for p in contracted.get(t, []) if contract_months(ctx, p) >= 12]
    if not profiles:
        return None
    red = row_figure(ctx, "renewal_kickoff_red", "median", "red accounts")
    return RedAccountRule(
        days_before=red,
        segments=scope(ctx, [p.id for p in profiles]),
        condition=Condition(
            kind="health_band",
            op="==",
            value="critical",
            text="health band is critical",
            all_of=[
                Condition(kind="days_to_renewal", op="<=", value=red.value, text=f"renewal within {red.value:.0f} days")
            ],
        ),
        owner=f"{HEAD_OF_CS} with the account's CSM",
        action="Open a save plan with its root cause, an executive call and a recovery goal to reach before the "
        "renewal proposal",
    )
