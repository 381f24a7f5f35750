"""The customer journey: five stages (signup, onboarding, activation, expansion, renewal) per segment.

For each stage: entry and exit criteria, touchpoints per segment by touch model with owner, trigger
and day window (:mod:`~cs_architect.design.touchpoints`), and risk indicators naming the company's
own value events, features and people (:mod:`~cs_architect.design.journey_stages`). A table says who
owns each segment's accounts at each stage.

Rules: the entry path (sales handoff or self-serve sign-up) and onboarding lead follow the sales
motion and touch model (:mod:`~cs_architect.design.motions`); days follow the handoff's
``within_days``, the activation event's target day (or the time-to-value benchmark of the segment's
ACV band), the onboarding milestones, and the start of the segment's renewal track (the same day the
renewal section gives).
"""

from __future__ import annotations

from pydantic import Field

from cs_architect.design.context import AcvBand, DesignContext, TouchModel
from cs_architect.design.cs_team import join_names, seller_title
from cs_architect.design.journey_stages import STAGE_BUILDERS, Criterion, JourneyStage, RiskIndicator
from cs_architect.design.milestones import build_milestones
from cs_architect.design.motions import Entry, tier_name, tier_owner
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
    touch_name: str = Field(description="the support tier's name, e.g. 'High-touch'")
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
    seller = seller_title(ctx)
    owner = tier_owner(tl.profile.touch)
    self_serve = tl.profile.touch == "self_serve"
    return {
        "signup": seller if tl.entry == "sales_handoff" else tier_owner("self_serve"),
        "onboarding": tl.lead,
        "activation": tl.lead,
        "expansion": owner if self_serve else f"{owner}, with sales for upgrades",
        "renewal": owner,
    }


def _names(names: list[str]) -> str:
    """Names in a sentence; separated by semicolons when a name has its own 'and' or comma."""
    if any(" and " in n or "," in n for n in names):
        return "; ".join(names)
    return join_names(names)


def _in(names: list[str]) -> str:
    """'in A', 'in A and in B': one 'in' per segment, so names with their own 'and' stay apart."""
    return join_names(f"in {n}" for n in names)


def _accounts(names: list[str], total: int, *, first: bool = False) -> str:
    """The subject of a sentence about a group of segments, always plural so the verb agrees whatever
    the segment names are ('accounts in 3PL fulfilment centres arrive'): the segments by name, or
    'every segment' when the group holds them all (named the first time, so the summary still says
    which segments there are)."""
    if len(names) < total or total == 1:
        return f"Accounts {_in(names)}"
    if first:
        return f"Accounts in {'both' if total == 2 else f'all {total}'} segments ({_names(names)})"
    return "Accounts in every segment"


def _summary(ctx: DesignContext, tls: list[Timeline]) -> str:
    """Segments grouped by how they arrive and when they activate; renewal lead times grouped too."""
    act = ctx.project.brief.activation_event.name
    total = len(tls)
    arrive: dict[str, list[str]] = {}
    activate: dict[float, list[str]] = {}
    renew: dict[float, list[str]] = {}
    monthly: list[str] = []
    for tl in tls:
        how = "the sales handoff" if tl.entry == "sales_handoff" else "self-serve sign-up"
        arrive.setdefault(how, []).append(tl.profile.name)
        activate.setdefault(tl.activation.value, []).append(tl.profile.name)
        if tl.term == "monthly":
            monthly.append(tl.profile.name)
        else:
            renew.setdefault(tl.renewal.value, []).append(tl.profile.name)
    parts = [
        " ".join(f"{_accounts(n, total, first=True)} arrive through {how}." for how, n in arrive.items()),
        " ".join(f"{_accounts(n, total)} should reach '{act}' by day {day:g}." for day, n in sorted(activate.items())),
    ]
    renewal = []
    if len(renew) == 1 and not monthly:
        renewal.append(f"Renewal work starts {next(iter(renew)):g} days before each renewal date.")
    elif renew:
        renewal.append(
            "Renewal work starts "
            + "; ".join(
                f"{days:g} days before the renewal date for accounts {_in(n)}"
                for days, n in sorted(renew.items(), reverse=True)
            )
            + "."
        )
    if monthly:
        renewal.append(f"{_accounts(monthly, total)} run month to month: every monthly charge is a renewal.")
    return f"{ctx.project.brief.company}: " + " ".join([*parts, *renewal])


def design_journey(ctx: DesignContext) -> JourneySection:
    """Design the five-stage customer journey per segment (rules in the module docstring)."""
    milestones, _ = build_milestones(ctx)
    tls = [segment_timeline(ctx, p, milestones) for p in ctx.segments]
    ownership = [
        SegmentOwnership(
            segment=tl.profile.id,
            segment_name=tl.profile.name,
            touch=tl.profile.touch,
            touch_name=tier_name(tl.profile.touch),
            band=tl.profile.band,
            entry=tl.entry,
            owners=stage_owners(ctx, tl),
        )
        for tl in tls
    ]
    return JourneySection(
        summary=_summary(ctx, tls),
        stages=[build(ctx, tls) for build in STAGE_BUILDERS],
        ownership=ownership,
    )
