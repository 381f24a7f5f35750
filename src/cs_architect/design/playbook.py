"""The Playbook: everything the design compiler produces, as one typed, versioned document.

``playbook.json`` is this model dumped as JSON (schema version :data:`SCHEMA_VERSION`); downstream
tools (an operations builder, a KPI dashboard) read it. ``health_model.yaml`` and
``operations.yaml`` are views of the same facts that users edit; `csa render` folds edits back in.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cs_architect.benchmarks import Benchmark
from cs_architect.design.churn import ChurnSection
from cs_architect.design.context import AcvBand, Assumption, TouchModel
from cs_architect.design.expansion import ExpansionSection
from cs_architect.design.feedback import FeedbackSection
from cs_architect.design.health import HealthSection
from cs_architect.design.journey import JourneySection
from cs_architect.design.metrics import MetricsSection
from cs_architect.design.onboarding import OnboardingSection
from cs_architect.design.qbr import QbrSection
from cs_architect.design.renewal import RenewalSection
from cs_architect.design.support import SupportSection
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis
from cs_architect.spec.health_model import HealthModel
from cs_architect.spec.operations import Operations

SCHEMA_VERSION: Literal[1] = 1
Status = Literal["ready", "queued"]


class SegmentSummary(Strict):
    id: str
    name: str
    typical_acv: float
    acv_band: AcvBand
    touch_model: TouchModel
    expected_accounts: int
    plans: list[str]
    basis: list[Basis]


class Overview(Strict):
    company: str
    product: str
    value_proposition: str
    stage: str
    sales_motion: str
    pricing_metric: str | None
    currency: str
    paying_customers: int
    arr: float | None
    segments: list[SegmentSummary]
    activation_event: str
    handoff_owner: str | None
    inputs: list[str] = Field(description="the input files this playbook was compiled from")


class QueuedPlan(Strict):
    """What a pre-revenue company prepares now; the full playbook is compiled at the trigger."""

    reason: str
    trigger: str
    trigger_customers: int
    prepare_now: list[str]
    missing_handoff: list[str]


class Playbook(Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    generator: str
    status: Status
    gates_overridden: list[str] = Field(
        default_factory=list, description="gates that --ignore-gates overrode (shown on page one)"
    )
    overview: Overview
    queued: QueuedPlan | None = None
    journey: JourneySection | None = None
    onboarding: OnboardingSection | None = None
    health: HealthSection | None = None
    churn: ChurnSection | None = None
    expansion: ExpansionSection | None = None
    support: SupportSection | None = None
    qbr: QbrSection | None = None
    feedback: FeedbackSection | None = None
    renewal: RenewalSection | None = None
    metrics: MetricsSection | None = None
    assumptions: list[Assumption] = Field(default_factory=list)
    open_questions: list[str] = Field(default_factory=list)
    benchmarks: list[Benchmark] = Field(default_factory=list)


class Bundle(Strict):
    """The compiler's output: the playbook and, when ready, the two executable specs."""

    playbook: Playbook
    health_model: HealthModel | None = None
    operations: Operations | None = None
