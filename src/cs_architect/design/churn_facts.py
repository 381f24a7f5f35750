"""What the churn rules read, gathered once: touch tiers, owners, roles, band limits, response times.

Response times are the health section's band response days (:data:`~cs_architect.design.health.
BAND_RESPONSE_DAYS`), so an early warning of a severity and the intervention for the same risk
level give the same owner the same deadline; watch-level warnings get a week.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.cs_team import distinct_titles
from cs_architect.design.health import BAND_RESPONSE_DAYS, TOUCH_OWNERS, HealthSection
from cs_architect.design.health_facts import touch_tiers
from cs_architect.spec.basis import Basis
from cs_architect.spec.health_model import LinearScoring, Signal

Severity = Literal["critical", "at_risk", "watch"]
WATCH_RESPONSE_DAYS = 7
CSM_TIERS: tuple[TouchModel, ...] = ("guided", "high_touch")


def watch_basis(ctx: DesignContext) -> Basis:
    """The assumption behind the watch-level response time."""
    return ctx.assume(
        "watch_response_days",
        f"Watch-level early warnings (nothing broken yet, a routine slipping) are acted on within "
        f"{WATCH_RESPONSE_DAYS} days.",
        "They precede a risk rather than show one; a weekly review catches them before they become one.",
        "",
    )


@dataclass(frozen=True)
class ChurnFacts:
    """What the warning and intervention rules read, gathered once."""

    company: str
    health: HealthSection
    tiers: dict[TouchModel, list[SegmentProfile]]
    csm: bool
    high_touch: bool
    champions: str
    buyers: str
    healthy_min: float
    at_risk_min: float

    def signal(self, kind: str) -> Signal | None:
        return next((s for _c, s in self.health.model.signals() if s.kind == kind), None)

    def response_days(self, severity: Severity) -> dict[TouchModel, int]:
        """Days each tier has to act on a warning of this severity (the band response days)."""
        if severity == "watch":
            return dict.fromkeys(self.tiers, WATCH_RESPONSE_DAYS)
        return {t: BAND_RESPONSE_DAYS[severity][t] for t in self.tiers}

    def hours(self, severity: Severity, only: Sequence[TouchModel] | None = None) -> int:
        """Hours to the first response: the fastest tier's response days x 24, among the ``only`` tiers
        (all by default); each tier's own deadline is in the section's response-time table."""
        days = self.response_days(severity)
        return 24 * min(d for t, d in days.items() if only is None or t in only)

    def tiers_of(self, segment_ids: Sequence[str]) -> list[TouchModel]:
        """The tiers of these segments (every tier when the list is empty, meaning all segments)."""
        return [t for t, ps in self.tiers.items() if not segment_ids or any(p.id in segment_ids for p in ps)]

    def owner(self, only: Sequence[TouchModel] | None = None) -> str:
        """The tier owner(s) of the ``only`` tiers (all tiers by default): one role, or the roles and a note
        that the account's tier decides (the section's response-time table maps tiers to segments)."""
        roles = [TOUCH_OWNERS[t] for t in self.tiers if only is None or t in only]
        if len(roles) == 1:
            return roles[0]
        return f"{', '.join(roles[:-1])} or {roles[-1]}, by the account's tier"

    @property
    def csm_tiers(self) -> list[TouchModel]:
        return [t for t in CSM_TIERS if t in self.tiers]

    @property
    def csm_buyers(self) -> str:
        """Economic buyers of the CSM-covered segments."""
        return " / ".join(distinct_titles(p.segment.economic_buyer for t in self.csm_tiers for p in self.tiers[t]))

    @property
    def csm_champions(self) -> str:
        """Champions of the CSM-covered segments (the people a CSM calls)."""
        return " / ".join(distinct_titles(p.segment.champion for t in self.csm_tiers for p in self.tiers[t]))

    def by_tier(self, csm_text: str, digital_text: str, only: Sequence[TouchModel] | None = None) -> str:
        """One response for CSM-covered accounts and one for self-serve ones, each named when both exist
        among the ``only`` tiers (all by default)."""
        tiers = [t for t in self.tiers if only is None or t in only]
        csm_tiers = [t for t in CSM_TIERS if t in tiers]
        if not csm_tiers:
            return digital_text
        if "self_serve" not in tiers:
            return csm_text
        roles = " or ".join(TOUCH_OWNERS[t] for t in csm_tiers)
        return f"{roles}: {csm_text} {TOUCH_OWNERS['self_serve']}: {digital_text}"


def churn_facts(ctx: DesignContext, health: HealthSection) -> ChurnFacts:
    """Gather the touch tiers, roles and band limits the churn rules read."""
    tiers = touch_tiers(ctx)
    bands = {b.id: b.min for b in health.model.bands}
    return ChurnFacts(
        company=ctx.project.brief.company,
        health=health,
        tiers=tiers,
        csm=any(t in tiers for t in CSM_TIERS),
        high_touch="high_touch" in tiers,
        champions=" / ".join(distinct_titles(p.segment.champion for p in ctx.segments)),
        buyers=" / ".join(distinct_titles(p.segment.economic_buyer for p in ctx.segments)),
        healthy_min=bands["healthy"],
        at_risk_min=bands["at_risk"],
    )


def bad_threshold(signal: Signal | None, default: float) -> float:
    return signal.scoring.bad if signal is not None and isinstance(signal.scoring, LinearScoring) else default
