"""Shared fixtures for design-step tests: the bundled example and a context factory.

- ``shiftwise``: the validated example project (``examples/shiftwise``), loaded once per session.
- ``make_ctx(project, benchmarks=None)``: a fresh :class:`DesignContext` (the packaged benchmark
  table unless another is given), so each test records its own assumptions and benchmark rows.
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
from cs_architect.inputs.project import Project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def shiftwise() -> Project:
    return load_project(EXAMPLES / "shiftwise")


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
