"""Shared fixtures for design-step tests: the bundled example and a context factory.

- ``shiftwise``: the validated example project (``examples/shiftwise``), loaded once per session.
- ``make_ctx(project, benchmarks=None)``: a fresh :class:`DesignContext` (the packaged benchmark
  table unless another is given), so each test records its own assumptions and benchmark rows.
- ``mixed``: a usage-priced, card-billed, product-led company (``examples/pipestream``) with three
  segments, one per touch model: self-serve and guided on month-to-month plans, and a high-touch
  segment ('3PL fulfilment centres', enterprise band) on a 12-month Enterprise plan.
- ``edit(project, doc, **fields)``: the project with one input document changed through
  ``model_copy(update=...)`` (doc is ``brief``, ``personas``, ``sales`` or ``pricing``); sources
  are kept, so bases still point at file:line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cs_architect.benchmarks import BenchmarkTable
from cs_architect.design.context import DesignContext
from cs_architect.inputs import load_project
from cs_architect.inputs.personas import Range, Segment
from cs_architect.inputs.pricing import Plan
from cs_architect.inputs.project import Project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def shiftwise() -> Project:
    return load_project(EXAMPLES / "shiftwise")


def high_touch_segment(acv_min: float = 60_000, acv_max: float = 150_000) -> Segment:
    """A high-touch segment whose plural name tests verb agreement ('3PL fulfilment centres')."""
    return Segment(
        id="fulfilment",
        name="3PL fulfilment centres",
        acv=Range(min=acv_min, max=acv_max),
        company_size=Range(min=300, max=5000),
        expected_accounts=25,
        needs=["Uptime reported to their own customers", "SSO, audit logs and a named contact"],
        champion="Head of SRE",
        economic_buyer="CTO",
        end_users="SRE and on-call teams",
    )


def with_high_touch_contract(project: Project, segment: Segment | None = None) -> Project:
    """``project`` plus a high-touch segment on a 12-month, monthly-billed Enterprise plan."""
    seg = segment or high_touch_segment()
    personas = project.personas.model_copy(update={"segments": [*project.personas.segments, seg]})
    assert project.pricing is not None
    enterprise = Plan(
        id="enterprise",
        name="Enterprise",
        segment=seg.id,
        price=8000,
        billing_period="monthly",
        contract_months=12,
        included_usage=20000,
        overage_price=0.3,
        features=[f.id for f in project.brief.key_features],
    )
    pricing = project.pricing.model_copy(update={"plans": [*project.pricing.plans, enterprise]})
    return dataclasses.replace(project, personas=personas, pricing=pricing)


@pytest.fixture(scope="session")
def pipestream() -> Project:
    return load_project(EXAMPLES / "pipestream")


@pytest.fixture(scope="session")
def mixed(pipestream: Project) -> Project:
    return with_high_touch_contract(pipestream)


@pytest.fixture
def make_ctx() -> Callable[..., DesignContext]:
    def make(project: Project, benchmarks: BenchmarkTable | None = None) -> DesignContext:
        if benchmarks is None:
            return DesignContext(project)
        return DesignContext(project, benchmarks=benchmarks)

    return make


def _edit(project: Project, doc: str, **fields: Any) -> Project:
    model = getattr(project, doc)
    return dataclasses.replace(project, **{doc: model.model_copy(update=fields)})


@pytest.fixture
def edit() -> Callable[..., Project]:
    return _edit
