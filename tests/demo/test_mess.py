"""Messy data stays within warnings: optional values empty, late rows, never broken required data."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

from cs_architect.demo import DemoOptions, generate
from cs_architect.inputs.project import Project
from tests.demo.conftest import read


def test_mess_leaves_optional_values_empty(demo_dir: Path) -> None:
    events = read(demo_dir, "events")
    users = read(demo_dir, "users")
    tickets = read(demo_dir, "tickets")
    assert 0 < events.column("user_id").null_count < 0.03 * events.num_rows
    assert 0 < users.column("role").null_count < 0.06 * users.num_rows
    answered = tickets.filter(pc.is_valid(tickets.column("resolved_at")))
    assert answered.column("first_response_at").null_count > 0


def test_late_rows_are_written_out_of_order(demo_dir: Path) -> None:
    events = read(demo_dir, "events").to_pandas()
    # Rows are sorted by account then time, except the late ones appended at the end.
    key = list(zip(events["account_id"], events["ts"], strict=True))
    breaks = np.flatnonzero([a > b for a, b in itertools.pairwise(key)])
    assert len(breaks) >= 1
    assert breaks.min() > 0.95 * len(events)


def test_no_mess_is_clean(tmp_path: Path, shiftwise: Project, options: DemoOptions) -> None:
    out = tmp_path / "clean"
    generate(shiftwise, out, dataclasses.replace(options, accounts=80, events=30_000, mess=False))
    assert read(out, "events").column("user_id").null_count == 0
    assert read(out, "events").column("quantity").null_count == 0
    assert read(out, "users").column("role").null_count == 0
    assert read(out, "tickets").column("priority").null_count == 0
    events = read(out, "events").to_pandas()
    assert events.equals(events.sort_values(["account_id", "ts"], kind="stable"))
