"""Renewal risk: points per risk factor, summed into high / medium / low bands, and what each band triggers.

Rules (from the inputs):

- every account scores health (critical 30, at risk 15), falling usage (15), a lost champion (15),
  failed payments (10) and NPS detractors (10);
- CSM-managed tiers add missing executive engagement (10); seat pricing adds unused seats (10);
- bands: high from 50 points, medium from 25; each band has an action and an owner, which follow the
  company's tiers and whether its accounts renew on a contract or month to month.
"""

from __future__ import annotations

from cs_architect.design.context import DesignContext
from cs_architect.design.cs_team import CSM_ROLE, HEAD_OF_CS, join_names, segments_by_tier
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis
from cs_architect.spec.operations import Condition, RenewalRisk

RISK_BANDS = {"high": 50, "medium": 25, "low": 0}
USAGE_DROP = 0.8
LOW_SEAT_USE = 0.5
WINDOW = {"usage": 30, "champion": 90, "payments": 90, "nps": 180, "executive": 180}


class RiskBandAction(Strict):
    band: str
    from_points: int
    action: str
    owner: str


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


def band_actions(ctx: DesignContext, contracted_ids: set[str]) -> list[RiskBandAction]:
    """What each risk band sets in motion, for the company's tiers and contract types.

    Contracted accounts are managed toward a renewal date (forecast and save plan); month-to-month
    accounts are managed month by month (the churn section's interventions).
    """
    tiers = segments_by_tier(ctx)
    managed = [p for t in ("guided", "high_touch") for p in tiers.get(t, [])]
    digital = tiers.get("self_serve", [])
    contracted = [p for p in ctx.segments if p.id in contracted_ids]
    monthly = [p for p in ctx.segments if p.id not in contracted_ids]
    csm = " / ".join(CSM_ROLE[t] for t in ("guided", "high_touch") if t in tiers) or CSM_ROLE["self_serve"]

    high, medium = [], []
    if contracted:
        high.append(
            f"contracted accounts ({join_names(p.name for p in contracted)}) are forecast as at risk and get a save "
            "plan now, whatever the days to renewal"
        )
        medium.append("the top two factors and a mitigation go into the renewal kickoff; the forecast is best case")
    if monthly:
        who = [p for p in monthly if p in managed]
        high.append(
            f"month-to-month accounts ({join_names(p.name for p in monthly)}) get the churn section's at-risk "
            "interventions this month"
            + (f", with a call from the CSM for {join_names(p.name for p in who)}" if who else "")
        )
        medium.append("month-to-month accounts get a value recap and the next key feature to adopt, in the product")
    low_parts = []
    if contracted:
        low_parts.append("the standard milestones; forecast as commit once the customer confirms in writing")
    if monthly:
        low_parts.append("no action beyond the lifecycle programme")
    if digital and not managed:
        owner_high = f"{HEAD_OF_CS} (the digital programme runs the outreach)"
    else:
        owner_high = f"{HEAD_OF_CS} with the {csm}"
    return [
        RiskBandAction(band="high", from_points=RISK_BANDS["high"], action="; ".join(high), owner=owner_high),
        RiskBandAction(
            band="medium",
            from_points=RISK_BANDS["medium"],
            action="; ".join(medium),
            owner=csm if managed else CSM_ROLE["self_serve"],
        ),
        RiskBandAction(
            band="low",
            from_points=RISK_BANDS["low"],
            action="; ".join(low_parts),
            owner=csm if managed else CSM_ROLE["self_serve"],
        ),
    ]
