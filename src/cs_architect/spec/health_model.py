"""The health score model spec (``health_model.yaml``): signals, weights, thresholds, sources.

It is both a document a CS lead edits and the program the engine runs:

- each **signal** has a kind from the signal library, parameters, a weight inside its category,
  and a **scoring** rule mapping its raw value to 0-100 (optionally different in the first N days);
- each **category** has a weight; category weights sum to 100;
- the **health score** is the weighted mean of categories with data (missing data: redistribute
  or fixed); **bands** cut it into healthy / at risk / critical.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis
from cs_architect.spec.signals import CATEGORIES, SIGNAL_KINDS, Category
from cs_architect.spec.sources import Sources

SCHEMA_VERSION: Literal[1] = 1


class LinearScoring(Strict):
    """0 at ``bad``, 100 at ``good``, straight line between, clamped. bad > good means lower is better."""

    method: Literal["linear"] = "linear"
    bad: float
    good: float

    @model_validator(mode="after")
    def _distinct(self) -> LinearScoring:
        if self.bad == self.good:
            raise ValueError("bad and good must differ")
        return self

    @property
    def higher_is_better(self) -> bool:
        return self.good > self.bad


class Step(Strict):
    threshold: float
    score: float = Field(ge=0, le=100)


class BandScoring(Strict):
    """Banded steps. higher_is_better: first step whose threshold <= value wins (steps high to low);
    lower is better: first step whose threshold >= value wins (steps low to high). Else ``otherwise``."""

    method: Literal["bands"] = "bands"
    higher_is_better: bool = True
    steps: list[Step] = Field(min_length=1)
    otherwise: float = Field(0, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> BandScoring:
        t = [s.threshold for s in self.steps]
        want = sorted(t, reverse=self.higher_is_better)
        if t != want or len(set(t)) != len(t):
            order = "high to low" if self.higher_is_better else "low to high"
            raise ValueError(f"step thresholds must be distinct and ordered {order}")
        return self


Scoring = Annotated[LinearScoring | BandScoring, Field(discriminator="method")]


class TenureScoring(Strict):
    """Different scoring while an account is young (e.g. the first 90 days)."""

    days: int = Field(ge=1, le=730)
    scoring: Scoring


class Signal(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: str
    name: str
    weight: float = Field(gt=0, description="weight inside its category (relative)")
    params: dict[str, object] = Field(default_factory=dict)
    scoring: Scoring
    tenure: TenureScoring | None = None
    segments: list[str] = Field(
        default_factory=list,
        description="segment ids (accounts.segment) this signal applies to; empty = all. For other accounts "
        "the signal has no data, so its weight is redistributed (e.g. QBR cadence only for high-touch accounts)",
    )
    why: str = Field("", description="why this signal predicts health for this company")
    basis: list[Basis] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_kind(self) -> Signal:
        kind = SIGNAL_KINDS.get(self.kind)
        if kind is None:
            raise ValueError(f"unknown signal kind '{self.kind}'; known: {', '.join(sorted(SIGNAL_KINDS))}")
        unknown = sorted(set(self.params) - set(kind.params))
        if unknown:
            raise ValueError(
                f"unknown params for {self.kind}: {', '.join(unknown)}; known: {', '.join(kind.params) or 'none'}"
            )
        return self


class CategorySpec(Strict):
    id: Category
    weight: float = Field(ge=0, le=100)
    signals: list[Signal] = Field(min_length=1)
    basis: list[Basis] = Field(default_factory=list)


class Band(Strict):
    id: Literal["healthy", "at_risk", "critical"]
    name: str
    min: float = Field(ge=0, le=100, description="lower bound, inclusive")


class MissingData(Strict):
    policy: Literal["redistribute", "fixed"] = "redistribute"
    neutral_score: float = Field(50, ge=0, le=100, description="score used for missing signals under 'fixed'")


class HealthModel(Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    company: str
    cadence: Literal["daily", "weekly"] = "daily"
    categories: list[CategorySpec] = Field(min_length=1)
    bands: list[Band]
    missing_data: MissingData = Field(default_factory=MissingData)
    trend_days: int = Field(30, ge=1, le=365, description="'vs N days ago' trend window")
    sources: Sources = Field(default_factory=Sources)

    @model_validator(mode="after")
    def _consistent(self) -> HealthModel:
        ids = [c.id for c in self.categories]
        if len(set(ids)) != len(ids):
            raise ValueError("each category may appear once")
        total = sum(c.weight for c in self.categories)
        if abs(total - 100) > 1e-6:
            raise ValueError(f"category weights must sum to 100 (they sum to {total:g})")
        signal_ids = [s.id for c in self.categories for s in c.signals]
        if len(set(signal_ids)) != len(signal_ids):
            raise ValueError("signal ids must be unique across categories")
        for c in self.categories:
            for s in c.signals:
                if SIGNAL_KINDS[s.kind].category != c.id:
                    raise ValueError(
                        f"signal '{s.id}' ({s.kind}) belongs in category "
                        f"'{SIGNAL_KINDS[s.kind].category}', not '{c.id}'"
                    )
        bands = sorted(self.bands, key=lambda b: -b.min)
        if [b.id for b in bands] != ["healthy", "at_risk", "critical"]:
            raise ValueError("bands must be healthy > at_risk > critical, each once, with distinct minimums")
        if bands[-1].min != 0:
            raise ValueError("the critical band must start at 0 so that bands leave no gap")
        if len({b.min for b in bands}) != 3:
            raise ValueError("band minimums must differ so that bands do not overlap")
        return self

    def band_for(self, score: float) -> str:
        """Band of a health score: lower bounds inclusive (70 is healthy when healthy.min = 70)."""
        for band in sorted(self.bands, key=lambda b: -b.min):
            if score >= band.min:
                return band.id
        return "critical"

    def signals(self) -> list[tuple[CategorySpec, Signal]]:
        return [(c, s) for c in self.categories for s in c.signals]


__all__ = [
    "CATEGORIES",
    "Band",
    "BandScoring",
    "CategorySpec",
    "HealthModel",
    "LinearScoring",
    "MissingData",
    "Scoring",
    "Signal",
    "Step",
    "TenureScoring",
]
