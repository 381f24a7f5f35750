"""What the churn rules read, gathered once: touch tiers, owners, roles, band limits, the health model."""

from __future__ import annotations

from dataclasses import dataclass

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.health import TOUCH_OWNERS, HealthSection
from cs_architect.design.health_facts import touch_tiers
from cs_architect.spec.health_model import LinearScoring, Signal


@dataclass(frozen=True)
class ChurnFacts:
    """What the warning and intervention rules read, gathered once."""

    company: str
    health: HealthSection
    tiers: dict[TouchModel, list[SegmentProfile]]
    owner: str
    csm: bool
    high_touch: bool
    champions: str
    buyers: str
    healthy_min: float
    at_risk_min: float

    def signal(self, kind: str) -> Signal | None:
        return next((s for _c, s in self.health.model.signals() if s.kind == kind), None)

    def hours(self, severity: str) -> int:
        """Hours to respond: critical 24; at risk 48 with high-touch accounts, else 72; watch a week."""
        return {"critical": 24, "at_risk": 48 if self.high_touch else 72, "watch": 168}[severity]


def churn_facts(ctx: DesignContext, health: HealthSection) -> ChurnFacts:
    """Gather the touch tiers, owners, roles and band limits the churn rules read."""
    tiers = touch_tiers(ctx)
    owner = "; ".join(f"{TOUCH_OWNERS[t]} ({', '.join(p.name for p in ps)})" for t, ps in tiers.items())
    if len(tiers) == 1:
        owner = TOUCH_OWNERS[next(iter(tiers))]
    bands = {b.id: b.min for b in health.model.bands}
    return ChurnFacts(
        company=ctx.project.brief.company,
        health=health,
        tiers=tiers,
        owner=owner,
        csm=any(t in tiers for t in ("guided", "high_touch")),
        high_touch="high_touch" in tiers,
        champions=" / ".join(dict.fromkeys(p.segment.champion for p in ctx.segments)),
        buyers=" / ".join(dict.fromkeys(p.segment.economic_buyer for p in ctx.segments)),
        healthy_min=bands["healthy"],
        at_risk_min=bands["at_risk"],
    )


def bad_threshold(signal: Signal | None, default: float) -> float:
    return signal.scoring.bad if signal is not None and isinstance(signal.scoring, LinearScoring) else default
