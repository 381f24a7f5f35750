"""SLAs by priority: what P1-P4 mean for the product, first response and target resolution per tier.

First response comes from the vendor-policy rows: their strict end for high-touch, their lenient end
for guided; for self-serve the standard first-reply norm (P1, P2), the measured email median (P3)
and the lenient end (P4). Resolution is a best-effort ladder stated as an assumption (no measured
benchmark exists).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cs_architect.design.context import DesignContext, TouchModel
from cs_architect.design.cs_team import TIER_NAMES, TIER_ORDER, join_names
from cs_architect.design.figures import figure, row_figure
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure

Priority = Literal["P1", "P2", "P3", "P4"]
PRIORITY_DATA_VALUE: dict[Priority, str] = {"P1": "urgent", "P2": "high", "P3": "normal", "P4": "low"}


class Sla(Strict):
    priority: Priority
    data_value: str = Field(description="the value of tickets.priority in the customer's data")
    meaning: str
    first_response: Figure
    resolution: Figure = Field(description="target resolution (best effort, not contracted)")

    @property
    def first_response_hours(self) -> float:
        """First response in hours (minutes / 60; business hours counted as hours)."""
        v = self.first_response.value
        return v / 60 if self.first_response.unit.startswith("minute") else v


# --- SLAs ---------------------------------------------------------------------------------------------
# Target resolution by tier and priority, in business hours. No measured benchmark exists for resolution
# (vendor policies commit to first response only), so the ladder is a stated assumption.
RESOLUTION_HOURS: dict[TouchModel, dict[Priority, int]] = {
    "high_touch": {"P1": 4, "P2": 8, "P3": 16, "P4": 40},
    "guided": {"P1": 8, "P2": 16, "P3": 16, "P4": 40},
    "self_serve": {"P1": 16, "P2": 24, "P3": 40, "P4": 40},
}
RCA_BUSINESS_DAYS = 5


def resolution_basis(ctx: DesignContext) -> Basis:
    """The stated assumption behind the resolution ladder (recorded once)."""
    ladder = "; ".join(
        f"{TIER_NAMES[t]} " + ", ".join(f"{p} {h} h" for p, h in RESOLUTION_HOURS[t].items()) for t in TIER_ORDER
    )
    return ctx.assume(
        "sla_resolution_targets",
        f"Target resolution in business hours (best effort, not contracted): {ladder}; a root-cause summary "
        f"follows every P1 within {RCA_BUSINESS_DAYS} business days.",
        "No measured benchmark for resolution times exists; vendor policies contract the first response and "
        "treat resolution as best effort (a standard tier resolves in about 2 business days).",
        "What resolution times per priority can your support and engineering teams commit to?",
    )


def priority_meanings(ctx: DesignContext) -> dict[Priority, str]:
    """What P1-P4 mean for this product, in terms of its key features."""
    features = [f.name for f in ctx.project.brief.key_features]
    core = " or ".join(features[:2])
    return {
        "P1": f"{ctx.project.brief.company} down, {core} unusable for the whole account, or data lost",
        "P2": f"A key feature ({join_names(features)}) broken for some users, with no workaround",
        "P3": "A problem with a workaround, or a question that blocks one user",
        "P4": "How-to question, cosmetic issue or feature request (routed to product feedback)",
    }


def tier_slas(ctx: DesignContext, tier: TouchModel) -> list[Sla]:
    """First response and target resolution for P1-P4, stricter the higher the touch."""
    resolution = resolution_basis(ctx)
    meanings = priority_meanings(ctx)
    out = []
    for priority in ("P1", "P2", "P3", "P4"):
        row_id = f"sla_{priority.lower()}_high_touch"
        if tier == "high_touch":
            first = row_figure(ctx, row_id, "low", "strict end for named accounts")
        elif tier == "guided":
            first = row_figure(ctx, row_id, "high", "lenient end for pooled accounts")
        elif priority in ("P1", "P2"):
            first = row_figure(ctx, "sla_standard_first_reply", "median", "standard tier first reply")
        elif priority == "P3":
            first = row_figure(ctx, "email_frt_median", "median", "never slower than the measured email median")
        else:
            first = row_figure(ctx, row_id, "high", "low priority: same as the pooled tier")
        out.append(
            Sla(
                priority=priority,
                data_value=PRIORITY_DATA_VALUE[priority],
                meaning=meanings[priority],
                first_response=first,
                resolution=figure(RESOLUTION_HOURS[tier][priority], "business hours", [resolution]),
            )
        )
    return out
