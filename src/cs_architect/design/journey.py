"""The customer journey: five stages (signup, onboarding, activation, expansion, renewal) per segment.

For each stage: entry and exit criteria, touchpoints per segment by touch model with owner, trigger
and day window (:mod:`~cs_architect.design.touchpoints`), and risk indicators naming the company's
own value events, features and people (:mod:`~cs_architect.design.journey_stages`). A table says who
owns each segment's accounts at each stage.

Rules: the entry path (sales handoff or self-serve sign-up) and onboarding lead follow the sales
motion and touch model (:mod:`~cs_architect.design.motions`); days follow the handoff's
``within_days``, the activation event's target day (or the time-to-value benchmark of the segment's
ACV band), the onboarding milestones, and the renewal kickoff benchmark of the ACV band.
"""

from __future__ import annotations

from pydantic import Field

from cs_architect.design.context import AcvBand, DesignContext, TouchModel
from cs_architect.design.journey_stages import STAGE_BUILDERS, Criterion, JourneyStage, RiskIndicator
from cs_architect.design.milestones import build_milestones
from cs_architect.design.motions import AUTOMATION, Entry, handoff_owner
from cs_architect.design.touchpoints import (
    DayWindow,
    SegmentTouchpoints,
    StageId,
    Timeline,
    Touchpoint,
    segment_timeline,
)
from cs_architect.inputs.base import Strict

__all__ = [
    "Criterion",
    "DayWindow",
    "JourneySection",
    "JourneyStage",
    "RiskIndicator",
    "SegmentOwnership",
    "SegmentTouchpoints",
    "Touchpoint",
    "design_journey",
]


class SegmentOwnership(Strict):
    """Who owns a segment's accounts at each stage (roles)."""

    segment: str
    segment_name: str
    touch: TouchModel
    band: AcvBand
    entry: Entry = Field(description="sales_handoff or self_signup")
    owners: dict[StageId, str] = Field(description="stage id -> owner role, in stage order")


class JourneySection(Strict):
    summary: str
    stages: list[JourneyStage] = Field(min_length=5, max_length=5, description="signup ... renewal, in order")
    ownership: list[SegmentOwnership] = Field(description="one row per segment, in segment order")

    def label(self, segments: list[str]) -> str:
        """Segment names for a list of ids ('all segments' when empty), for templates."""
        names = {o.segment: o.segment_name for o in self.ownership}
        return ", ".join(names.get(s, s) for s in segments) if segments else "all segments"


def stage_owners(ctx: DesignContext, tl: Timeline) -> dict[StageId, str]:
    """Owner per stage: the handoff owner or automation at sign-up; the onboarding lead through
    activation; then automation (self-serve) or the segment's CSM, with sales for expansion deals."""
    seller = handoff_owner(ctx)
    self_serve = tl.profile.touch == "self_serve"
    return {
        "signup": seller if tl.entry == "sales_handoff" else AUTOMATION,
        "onboarding": tl.lead,
        "activation": tl.lead,
        "expansion": AUTOMATION if self_serve else f"{tl.csm}, with sales for upgrades",
        "renewal": AUTOMATION if self_serve else tl.csm,
    }


def design_journey(ctx: DesignContext) -> JourneySection:
    """Design the five-stage customer journey per segment (rules in the module docstring)."""
    milestones, _ = build_milestones(ctx)
    tls = [segment_timeline(ctx, p, milestones) for p in ctx.segments]
    brief = ctx.project.brief
    act = brief.activation_event
    parts = []
    for tl in tls:
        arrive = "the sales handoff" if tl.entry == "sales_handoff" else "self-serve sign-up"
        parts.append(
            f"{tl.profile.name} ({tl.profile.touch.replace('_', '-')}) arrive through {arrive}, reach "
            f"'{act.name}' by day {tl.activation.value:g} and start renewal {tl.renewal.value:g} days out"
        )
    ownership = [
        SegmentOwnership(
            segment=tl.profile.id,
            segment_name=tl.profile.name,
            touch=tl.profile.touch,
            band=tl.profile.band,
            entry=tl.entry,
            owners=stage_owners(ctx, tl),
        )
        for tl in tls
    ]
    return JourneySection(
        summary=f"{brief.company}: " + "; ".join(parts) + ".",
        stages=[build(ctx, tls) for build in STAGE_BUILDERS],
        ownership=ownership,
    )
