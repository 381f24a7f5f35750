"""The operations spec (``operations.yaml``): the rules CS runs day to day.

Onboarding milestones (with how each is verified in data), early warnings, interventions by risk
level, dunning or collections, expansion triggers, renewal milestones and pricing guardrails.
Conditions are structured (a signal kind + params + comparison) so the engine can evaluate them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis

SCHEMA_VERSION: Literal[1] = 1
MAX_MILESTONES_PER_SEGMENT = 5
Ident = Field(pattern=r"^[a-z][a-z0-9_]*$")
Op = Literal["<", "<=", ">", ">=", "==", "!="]
RiskLevel = Literal["healthy", "at_risk", "critical"]


class Condition(Strict):
    """True for an account when ``kind(params) op value``; kind is a signal kind or 'health_score',
    'health_band', 'health_drop' (points lost vs ``params.days`` ago)."""

    kind: str
    params: dict[str, object] = Field(default_factory=dict)
    op: Op
    value: float | str
    text: str = Field("", description="the same condition in words")
    all_of: list[Condition] = Field(
        default_factory=list,
        description="further conditions that must also hold (AND), e.g. renewal near and health at risk",
    )


class Verification(Strict):
    """How a milestone is verified in data: ``count`` occurrences of ``event`` (optionally by users of a role)."""

    table: Literal["events", "users", "touchpoints", "payments"] = "events"
    event: str | None = None
    count: int = Field(1, ge=1)
    distinct_users: bool = False
    roles: list[str] = Field(
        default_factory=list,
        description="only users with one of these roles count (users.role); empty = any user",
    )
    text: str = ""


class Milestone(Strict):
    id: str = Ident
    name: str
    day: int = Field(
        ge=0,
        le=365,
        description="target day after start (contract start, or sign-up for self-serve)",
    )
    owner: str
    verification: Verification
    automation: str = Field(description="what happens automatically when it is reached or due")
    fallback: str = Field(description="what a human does if it is not reached by the target day")
    activation: bool = False
    segments: list[str] = Field(default_factory=list, description="empty = all segments")
    basis: list[Basis] = Field(default_factory=list)


class EarlyWarning(Strict):
    id: str = Ident
    name: str
    condition: Condition
    severity: Literal["watch", "at_risk", "critical"]
    owner: str
    response: str
    within_hours: int = Field(ge=1)
    segments: list[str] = Field(default_factory=list, description="segment ids it applies to; empty = all")
    basis: list[Basis] = Field(default_factory=list)


class Intervention(Strict):
    risk_level: RiskLevel
    trigger: str
    owner: str
    steps: list[str] = Field(min_length=1)
    within_days: int = Field(ge=0)
    exit_criteria: str
    escalation: str = ""


class DunningStep(Strict):
    day: int = Field(description="days after the failed payment (dunning) or the due date (collections)")
    action: str
    channel: str
    owner: str


class Dunning(Strict):
    mode: Literal["dunning", "collections", "both", "none"]
    steps: list[DunningStep] = Field(default_factory=list)
    collections_steps: list[DunningStep] = Field(default_factory=list)
    recovery_target_pct: float | None = None
    basis: list[Basis] = Field(default_factory=list)


class ExpansionTrigger(Strict):
    id: str = Ident
    name: str
    kind: Literal["upsell", "cross_sell"]
    condition: Condition
    offer: str
    owner: str
    not_before_day: int = Field(0, ge=0, description="no expansion pitch before this account age")
    segments: list[str] = Field(default_factory=list)
    basis: list[Basis] = Field(default_factory=list)


class RenewalMilestone(Strict):
    days_before: int = Field(ge=0, le=365)
    action: str
    owner: str
    segments: list[str] = Field(default_factory=list)


class RenewalRisk(Strict):
    factor: str
    condition: Condition
    points: int = Field(ge=0, le=100)


class PricingGuardrails(Strict):
    standard_uplift_pct: float
    max_discount_pct: float
    approver: str
    multi_year: str
    rules: list[str] = Field(default_factory=list)
    basis: list[Basis] = Field(default_factory=list)


class Renewals(Strict):
    milestones: list[RenewalMilestone]
    risk: list[RenewalRisk]
    risk_bands: dict[str, int] = Field(description="band -> minimum points, e.g. {high: 50, medium: 25, low: 0}")
    guardrails: PricingGuardrails


class Operations(Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    company: str
    milestones: list[Milestone] = Field(
        min_length=3,
        description="onboarding milestones; at most 5 apply to any one segment (a milestone with segments "
        "applies to those only)",
    )
    early_warnings: list[EarlyWarning] = Field(min_length=8, max_length=10)
    interventions: list[Intervention]
    dunning: Dunning
    expansion_triggers: list[ExpansionTrigger]
    renewals: Renewals

    @model_validator(mode="after")
    def _milestones_per_segment(self) -> Operations:
        # Counted per segment: unscoped milestones apply to every segment, scoped ones to theirs only.
        shared = sum(1 for m in self.milestones if not m.segments)
        named = sorted({s for m in self.milestones for s in m.segments})
        counts = {s: shared + sum(1 for m in self.milestones if s in m.segments) for s in named}
        counts.setdefault("", shared)  # segments no milestone names get the unscoped ones only
        worst = max(counts, key=lambda s: counts[s])
        if counts[worst] > MAX_MILESTONES_PER_SEGMENT:
            who = f"segment '{worst}'" if worst else "every segment"
            raise ValueError(
                f"{counts[worst]} onboarding milestones apply to {who}; at most {MAX_MILESTONES_PER_SEGMENT} may"
            )
        return self
