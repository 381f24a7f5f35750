"""Segments, plans, prices, seats and event names come from the input set, not from the code."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from cs_architect.demo import DemoOptions, generate
from cs_architect.inputs.project import Project
from tests.demo.conftest import read


def test_segments_plans_and_seats_follow_the_inputs(demo_dir: Path, shiftwise: Project) -> None:
    acc = read(demo_dir, "accounts").to_pandas()
    pricing = shiftwise.pricing
    assert pricing is not None
    assert set(acc["segment"]) == {s.id for s in shiftwise.personas.segments}
    for plan in pricing.plans:
        rows = acc[acc["plan"] == plan.id]
        assert len(rows) > 0 and set(rows["segment"]) == {plan.segment}
        assert (rows["billing"] == pricing.method(plan)).all()
        assert rows["seats"].min() >= (plan.min_seats or 1)
        if plan.max_seats:
            assert rows["seats"].max() <= plan.max_seats
    # Segment shares follow expected_accounts (110 : 30).
    share = (acc["segment"] == "growth").mean()
    assert abs(share - 110 / 140) < 0.01


def test_renewal_dates_follow_contract_terms(demo_dir: Path) -> None:
    acc = read(demo_dir, "accounts").to_pandas()
    start = pd.to_datetime(acc["contract_start"])
    renew = pd.to_datetime(acc["renewal_date"])
    months = (renew.dt.year - start.dt.year) * 12 + (renew.dt.month - start.dt.month)
    assert (months % 12 == 0).all() and (months >= 12).all()
    assert (renew.dt.day <= start.dt.day).all()


def test_renamed_value_event_appears_in_the_events(tmp_path: Path, shiftwise: Project) -> None:
    brief = shiftwise.brief
    values = [v.model_copy(update={"event": "rota.sent_to_staff"}) if v.activation else v for v in brief.value_events]
    features = [
        f.model_copy(update={"event": "rota.sent_to_staff"}) if f.event == "rota.published" else f
        for f in brief.key_features
    ]
    project = dataclasses.replace(
        shiftwise, brief=brief.model_copy(update={"value_events": values, "key_features": features})
    )
    out = tmp_path / "renamed"
    generate(project, out, DemoOptions(end=date(2026, 6, 30), accounts=60, months=12, seed=3, events=20_000))
    names = set(pc.unique(read(out, "events").column("event")).to_pylist())
    assert "rota.sent_to_staff" in names and "rota.published" not in names
    assert names <= {a.event for a in features if a.event} | {v.event for v in values}


def test_plan_features_gate_events(demo_dir: Path) -> None:
    # The Team plan lacks payroll export: Team accounts never export payroll.
    acc = read(demo_dir, "accounts").to_pandas()[["account_id", "plan"]]
    ev = read(demo_dir, "events").to_pandas().merge(acc, on="account_id")
    assert not ((ev["plan"] == "team") & (ev["event"] == "payroll.exported")).any()
    assert ((ev["plan"] == "business") & (ev["event"] == "payroll.exported")).any()
