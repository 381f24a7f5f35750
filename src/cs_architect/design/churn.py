"""Design step *churn*: early warnings, interventions by risk level, dunning and collections.

Early warnings come from :mod:`cs_architect.design.early_warnings`, involuntary churn (dunning and
collections) from :mod:`cs_architect.design.dunning`. This module adds the interventions: for each
risk level and touch tier, the trigger, owner, steps, response time, exit criteria and escalation.
"""

from __future__ import annotations

from pydantic import Field

from cs_architect.design.churn_facts import ChurnFacts, churn_facts, watch_basis
from cs_architect.design.context import DesignContext, TouchModel
from cs_architect.design.cs_team import HEAD_OF_CS, distinct_titles, join_names, segment_names, seller_title
from cs_architect.design.dunning import DunningPlan, design_dunning
from cs_architect.design.early_warnings import early_warnings
from cs_architect.design.health import BAND_RESPONSE_DAYS, TOUCH_OWNERS, HealthSection, band_response_basis
from cs_architect.design.motions import DIGITAL_CS, NAMED_CSM, POOLED_CSM, in_sentence, tier_name
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Dunning, EarlyWarning, Intervention, RiskLevel

RECOVERED_DAYS = 14  # days back in a better band before an intervention ends
RISK_WINDOW_DAYS = 30  # an at-risk account not recovered in this many days escalates


class TierResponse(Strict):
    """Who acts on a warning or band change for one tier's accounts, and the deadline by risk level."""

    tier: str
    owner: str
    segments: list[str]
    critical_days: int
    at_risk_days: int
    watch_days: int
    basis: list[Basis]


class ChurnSection(Strict):
    summary: str
    response_times: list[TierResponse] = Field(description="owner and deadlines per tier, one row per tier")
    early_warnings: list[EarlyWarning]
    lead_time: Figure
    interventions: list[Intervention]
    intervention_basis: list[Basis]
    dunning: Dunning
    dunning_plan: DunningPlan
    segment_names: dict[str, str] = Field(default_factory=dict, description="segment id -> name")

    def label(self, segment_ids: list[str]) -> str:
        """'all segments' for an empty list, else the segments' names (for templates)."""
        if not segment_ids:
            return "all segments"
        return join_names(self.segment_names.get(s, s) for s in segment_ids)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _steps(level: RiskLevel, touch: TouchModel, f: ChurnFacts, ctx: DesignContext, save: str) -> list[str]:
    profiles = f.tiers[touch]
    champion = " / ".join(distinct_titles(p.segment.champion for p in profiles))
    buyer = " / ".join(distinct_titles(p.segment.economic_buyer for p in profiles))
    seller = in_sentence(seller_title(ctx))
    values = ", ".join(v.name for v in ctx.project.brief.value_events)
    days = BAND_RESPONSE_DAYS[level][touch]
    if level == "healthy":
        return {
            "self_serve": [
                "Monthly lifecycle email and in-app tip on one key feature the account has not used",
                "Ask promoters (NPS 9-10) for a review or referral",
                "Show upgrade prompts when an expansion trigger fires",
            ],
            "guided": [
                f"Review health at each scheduled touchpoint with the {champion}",
                f"Share a short value summary: {values}",
                f"Check expansion triggers; pass qualified expansion to the {seller}",
            ],
            "high_touch": [
                f"Run the business review with the {buyer}: results against the success criteria captured at handoff",
                "Ask for a reference or case study",
                "Plan the next roll-out or expansion together",
            ],
        }[touch]
    if level == "at_risk":
        first = (
            "Automated: start the in-app guide and email sequence for the lowest-scoring category"
            if touch == "self_serve"
            else f"Read the score breakdown, then call the {champion} within {_days(days)} to confirm the cause"
        )
        rest = {
            "self_serve": [
                f"The {DIGITAL_CS} reviews the at-risk list weekly and writes personally to the largest accounts",
                "Invite admins to live office hours or a group training",
            ],
            "guided": [
                f"Agree 1-3 recovery actions with dates, tied to the value events ({values})",
                "Rate CSM sentiment with a reason and an expiry",
                "Check progress weekly",
            ],
            "high_touch": [
                "Agree a written recovery plan with owners and dates on both sides",
                f"Tell the {seller}; add the account to the weekly risk review",
                "Rate CSM sentiment with a reason and an expiry",
            ],
        }[touch]
        return [first, *rest]
    return {
        "self_serve": [
            f"A named person from the {DIGITAL_CS} emails the admin within {_days(days)} with a call offer",
            "Offer the one fix most likely to restore value (help reaching the activation event)",
            "Check the payment state; card accounts may be in dunning",
            f"Log the outcome and a churn-reason code; {save}",
        ],
        "guided": [
            f"{POOLED_CSM} and the {HEAD_OF_CS} hold a rescue call with the {champion} within {_days(days)}; "
            f"inform the {buyer}",
            "Write a save plan: root cause, actions, owners, dates, success measure",
            "Bring in support or product for blocking issues",
            f"Check twice a week until exit; {save}",
        ],
        "high_touch": [
            f"{NAMED_CSM} and the {HEAD_OF_CS} open a rescue plan within {_days(days)}",
            f"Executive-to-executive call with the {buyer}",
            "Weekly steering meeting with the customer until exit",
            save[0].upper() + save[1:],
        ],
    }[touch]


def interventions(ctx: DesignContext, health: HealthSection) -> tuple[list[Intervention], list[Basis]]:
    """One intervention per risk level and touch tier: trigger, owner, steps, timing, exit, escalation."""
    f = churn_facts(ctx, health)
    policy = ctx.project.pricing.discount_policy if ctx.project.pricing else None
    basis = [
        ctx.bench("health_bands_common"),
        band_response_basis(ctx),
        ctx.assume(
            "intervention_exit_and_escalation",
            f"An intervention ends after {RECOVERED_DAYS} days back in a better band; an at-risk account not "
            f"recovered within {RISK_WINDOW_DAYS} days escalates to the critical play.",
            "Two weeks filters out a score bouncing on a band edge; a month is long enough for a recovery "
            "plan's first actions to show in usage.",
            "",
        ),
    ]
    if policy is not None:
        save = f"any save offer stays within the discount policy (up to {policy.max_discount_pct:g}%" + (
            f", approved by the {policy.approver})" if policy.approver else ")"
        )
        basis.append(ctx.inp("pricing", ("discount_policy", "max_discount_pct")))
    else:
        save = f"any save offer needs the {HEAD_OF_CS}'s approval (no discount policy given)"
    out = []
    for level in ("healthy", "at_risk", "critical"):
        for touch, profiles in f.tiers.items():
            names = join_names(p.name for p in profiles)
            trigger = {
                "healthy": f"{names}: health {f.healthy_min:g} or above",
                "at_risk": f"{names}: health falls below {f.healthy_min:g}, or an at-risk early warning fires",
                "critical": f"{names}: health falls below {f.at_risk_min:g}, or a critical early warning fires",
            }[level]
            exit_criteria = {
                "healthy": f"Leaves this play when health falls below {f.healthy_min:g}",
                "at_risk": f"Health {f.healthy_min:g} or above for {RECOVERED_DAYS} days and the triggering "
                "warning cleared",
                "critical": f"Health {f.at_risk_min:g} or above for {RECOVERED_DAYS} days, a save plan agreed "
                "with the customer",
            }[level]
            escalation = {
                "healthy": "",
                "at_risk": f"Not recovered in {RISK_WINDOW_DAYS} days, or below {f.at_risk_min:g}: the critical "
                f"play, with the {HEAD_OF_CS}",
                "critical": f"Not back to {f.at_risk_min:g} in {RISK_WINDOW_DAYS} days: the {HEAD_OF_CS} and the "
                f"{in_sentence(seller_title(ctx))} review the account weekly and update the churn or contraction "
                "forecast",
            }[level]
            out.append(
                Intervention(
                    risk_level=level,
                    trigger=trigger,
                    owner=TOUCH_OWNERS[touch],
                    steps=_steps(level, touch, f, ctx, save),
                    within_days=BAND_RESPONSE_DAYS[level][touch],
                    exit_criteria=exit_criteria,
                    escalation=escalation,
                )
            )
    return out, basis


def design_churn(ctx: DesignContext, health: HealthSection) -> ChurnSection:
    """Design churn prevention: 8-10 early warnings, interventions by risk level, dunning/collections."""
    warnings = early_warnings(ctx, health)
    plays, play_basis = interventions(ctx, health)
    plan = design_dunning(ctx)
    lead = ctx.row("health_early_warning_lead")
    by_level = {level: [w.name for w in warnings if w.severity == level] for level in ("critical", "at_risk", "watch")}
    counts = [f"{len(by_level['critical'])} critical ({join_names(repr(n) for n in by_level['critical'])})"]
    counts += [
        f"{len(by_level[k])} {label}" for k, label in (("at_risk", "at risk"), ("watch", "to watch")) if by_level[k]
    ]
    summary = (
        f"{ctx.project.brief.company} watches its accounts for {len(warnings)} early warnings: {', '.join(counts)}, "
        f"each with an owner and a deadline. {plan.summary}"
    )
    f = churn_facts(ctx, health)
    responses = [
        TierResponse(
            tier=tier_name(t),
            owner=TOUCH_OWNERS[t],
            segments=[p.name for p in ps],
            critical_days=f.response_days("critical")[t],
            at_risk_days=f.response_days("at_risk")[t],
            watch_days=f.response_days("watch")[t],
            basis=[band_response_basis(ctx), watch_basis(ctx)],
        )
        for t, ps in f.tiers.items()
    ]
    return ChurnSection(
        summary=summary,
        response_times=responses,
        early_warnings=warnings,
        lead_time=Figure(value=lead.low or 0, unit="days", basis=[ctx.bench(lead.id, "low end")]),
        interventions=plays,
        intervention_basis=play_basis,
        dunning=plan.dunning,
        dunning_plan=plan,
        segment_names=segment_names(ctx),
    )
