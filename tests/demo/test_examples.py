"""Every bundled example (seat, usage, hybrid and flat pricing, or none) generates valid data."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pyarrow.compute as pc
import pytest

from cs_architect.demo import DemoOptions, generate
from cs_architect.inputs import load_project
from cs_architect.inputs.project import Project
from cs_architect.spec.sources import CONTRACT
from tests.conftest import EXAMPLES
from tests.demo.conftest import read

NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "brief.yaml").exists())
SMALL = DemoOptions(end=date(2026, 3, 31), accounts=120, months=15, seed=11, events=20_000)


def _check(project: Project, out: Path) -> None:
    result = generate(project, out, SMALL)
    for table, rows in result.rows.items():
        t = read(out, table)
        assert t.num_rows == rows and t.column_names == list(CONTRACT[table])
    acc = read(out, "accounts")
    assert set(pc.unique(acc.column("segment")).to_pylist()) <= {s.id for s in project.personas.segments}
    assert pc.min(acc.column("arr")).as_py() >= 0
    assert result.rows["events"] > 0


@pytest.mark.parametrize("name", NAMES)
def test_example_generates(tmp_path: Path, name: str) -> None:
    project = load_project(EXAMPLES / name)
    _check(project, tmp_path / name)
    pricing = project.pricing
    if pricing is not None and pricing.usage_event and pricing.pricing_metric in ("usage", "hybrid"):
        ev = read(tmp_path / name, "events")
        usage = ev.filter(pc.equal(ev.column("event"), pricing.usage_event))
        assert usage.num_rows > 0 and pc.max(usage.column("quantity")).as_py() > 1
    assert (tmp_path / name / "surveys.parquet").exists() == (project.brief.nps_survey_exists is not False)


def test_without_pricing(tmp_path: Path, shiftwise: Project) -> None:
    project = dataclasses.replace(shiftwise, pricing=None)
    _check(project, tmp_path / "unpriced")
    acc = read(tmp_path / "unpriced", "accounts")
    assert acc.column("plan").null_count == acc.num_rows
    assert pc.count_distinct(acc.column("arr")).as_py() > 10  # sized from each segment's ACV range
