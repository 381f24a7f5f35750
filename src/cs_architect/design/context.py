"""What every design step reads: the inputs, segment profiles, benchmarks, and the basis recorder.

Design steps are pure functions ``design_<step>(ctx) -> <Step>Section``. They never invent a number
silently: each number is taken from an input field (``ctx.inp``), a benchmark row (``ctx.bench``)
or a stated assumption (``ctx.assume``), and the returned :class:`Basis` travels with the number.
The context records every benchmark row and assumption used, in first-use order, so the playbook
can list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field

from cs_architect.benchmarks import Benchmark, BenchmarkTable, load_benchmarks
from cs_architect.inputs.base import Strict
from cs_architect.inputs.personas import Segment
from cs_architect.inputs.pricing import Plan
from cs_architect.inputs.project import Project
from cs_architect.spec.basis import Basis
from cs_architect.yamlio import PathKey, format_path

AcvBand = Literal["smb", "mid_market", "enterprise"]
TouchModel = Literal["self_serve", "guided", "high_touch"]

# ACV cut-offs. Bands follow the Benchmarkit/Optifai convention used by the NRR rows
# (SMB < $25k, mid-market $25-100k, enterprise > $100k). Touch models follow the coverage rows:
# tech-touch below $10k ACV, named high-touch CSMs from $50k ACV.
MID_MARKET_MIN_ACV = 25_000
ENTERPRISE_MIN_ACV = 100_000
GUIDED_MIN_ACV = 10_000
HIGH_TOUCH_MIN_ACV = 50_000
BAND_BENCHMARK = "nrr_segment_mid_market"
TOUCH_BENCHMARKS = ("coverage_tech_touch_lt10k", "csm_accounts_acv_50k_plus")


class Assumption(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    statement: str
    why: str
    question: str = Field("", description="the open question that would replace this assumption with a fact")


@dataclass(frozen=True)
class SegmentProfile:
    """A segment with what the rules need: its typical ACV, ACV band, touch model and plans."""

    segment: Segment
    index: int
    acv: float
    band: AcvBand
    touch: TouchModel
    plans: tuple[Plan, ...]

    @property
    def id(self) -> str:
        return self.segment.id

    @property
    def name(self) -> str:
        return self.segment.name


def typical_acv(segment: Segment) -> float:
    """Midpoint of the ACV range; the minimum when the range is open-ended."""
    return segment.acv.midpoint


def acv_band(acv: float) -> AcvBand:
    if acv >= ENTERPRISE_MIN_ACV:
        return "enterprise"
    if acv >= MID_MARKET_MIN_ACV:
        return "mid_market"
    return "smb"


def touch_model(acv: float) -> TouchModel:
    if acv >= HIGH_TOUCH_MIN_ACV:
        return "high_touch"
    if acv >= GUIDED_MIN_ACV:
        return "guided"
    return "self_serve"


@dataclass
class DesignContext:
    project: Project
    benchmarks: BenchmarkTable = field(default_factory=load_benchmarks)
    assumptions: dict[str, Assumption] = field(default_factory=dict)
    benchmarks_used: dict[str, Benchmark] = field(default_factory=dict)

    def __post_init__(self) -> None:
        pricing = self.project.pricing
        profiles = []
        for i, seg in enumerate(self.project.personas.segments):
            acv = typical_acv(seg)
            plans = tuple(p for p in pricing.plans if p.segment == seg.id) if pricing else ()
            profiles.append(SegmentProfile(seg, i, acv, acv_band(acv), touch_model(acv), plans))
        self.segments: list[SegmentProfile] = profiles

    # --- the three kinds of basis -------------------------------------------------------------
    def inp(self, doc: str, path: PathKey, note: str = "") -> Basis:
        """Basis for a number read from an input field: 'file:line field.path'."""
        return Basis(
            kind="input",
            ref=f"{self.project.where(doc, path)} {format_path(path)}",
            note=note,
        )

    def bench(self, row_id: str, note: str = "") -> Basis:
        """Basis for a number taken from a benchmark row (records the row as used)."""
        row = self.benchmarks[row_id]
        self.benchmarks_used.setdefault(row_id, row)
        return Basis(kind="benchmark", ref=row_id, note=note)

    def row(self, row_id: str) -> Benchmark:
        """The benchmark row itself (also records it as used)."""
        self.bench(row_id)
        return self.benchmarks[row_id]

    def assume(self, assumption_id: str, statement: str, why: str, question: str = "") -> Basis:
        """Basis for a stated assumption (records it; the same id must keep the same statement)."""
        new = Assumption(id=assumption_id, statement=statement, why=why, question=question)
        old = self.assumptions.setdefault(assumption_id, new)
        if old != new:
            raise ValueError(f"assumption '{assumption_id}' stated twice with different text")
        return Basis(kind="assumption", ref=assumption_id)

    def segment_basis(self, profile: SegmentProfile) -> Basis:
        return self.inp("personas", ("segments", profile.index, "acv"), note=f"typical ACV {profile.acv:,.0f}")

    # --- convenient facts ----------------------------------------------------------------------
    @property
    def currency(self) -> str:
        return self.project.brief.currency

    @property
    def motion(self) -> str:
        return self.project.brief.sales_motion

    @property
    def pricing_metric(self) -> str | None:
        return self.project.pricing.pricing_metric if self.project.pricing else None

    @property
    def payment_methods(self) -> set[str]:
        pricing = self.project.pricing
        if pricing is None:
            return set()
        return {pricing.method(p) for p in pricing.plans}

    def money(self, amount: float) -> str:
        return f"{amount:,.0f} {self.currency}"
