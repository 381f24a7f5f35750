"""Generated tables conform to the data contract and never carry data a check would reject."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from cs_architect.demo import DemoOptions
from cs_architect.spec.sources import CONTRACT
from tests.demo.conftest import END, read

TYPES = {
    "str": pa.string(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
}
FORWARD_LOOKING = {("sentiment", "expires_at")}  # an expiry is in the future by nature
END_TS = datetime(END.year, END.month, END.day)


@pytest.mark.parametrize("table", list(CONTRACT))
def test_columns_and_types(demo_dir: Path, table: str) -> None:
    t = read(demo_dir, table)
    assert t.column_names == list(CONTRACT[table])
    for name, (kind, required) in CONTRACT[table].items():
        assert t.schema.field(name).type == TYPES[kind], (table, name)
        if required:
            assert t.column(name).null_count == 0, (table, name)


def test_accounts_unique_and_every_row_has_an_account(demo_dir: Path) -> None:
    ids = read(demo_dir, "accounts").column("account_id")
    assert pc.count_distinct(ids).as_py() == len(ids) == 300
    known = set(ids.to_pylist())
    for table in CONTRACT:
        if table != "accounts":
            assert set(pc.unique(read(demo_dir, table).column("account_id")).to_pylist()) <= known, table


def test_users_unique_and_events_name_known_users(demo_dir: Path) -> None:
    users = read(demo_dir, "users").column("user_id")
    assert pc.count_distinct(users).as_py() == len(users)
    used = pc.unique(pc.drop_null(read(demo_dir, "events").column("user_id"))).to_pylist()
    assert set(used) <= set(users.to_pylist())


@pytest.mark.parametrize("table", list(CONTRACT))
def test_no_timestamp_after_the_generation_end(demo_dir: Path, table: str) -> None:
    t = read(demo_dir, table)
    for name, (kind, _) in CONTRACT[table].items():
        if kind == "timestamp" and (table, name) not in FORWARD_LOOKING:
            latest = pc.max(t.column(name)).as_py()
            assert latest is None or latest < END_TS, (table, name, latest)


def test_no_negative_money(demo_dir: Path) -> None:
    assert pc.min(read(demo_dir, "accounts").column("arr")).as_py() >= 0
    assert pc.min(read(demo_dir, "mrr").column("mrr")).as_py() >= 0
    assert pc.min(read(demo_dir, "payments").column("amount")).as_py() > 0


def test_scores_and_codes_in_range(demo_dir: Path) -> None:
    nps = read(demo_dir, "surveys").column("score").to_numpy()
    assert nps.min() >= 0 and nps.max() <= 10 and np.all(nps == np.round(nps))
    csat = pc.drop_null(read(demo_dir, "tickets").column("csat")).to_numpy()
    assert set(np.unique(csat)) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert set(pc.unique(read(demo_dir, "payments").column("status")).to_pylist()) <= {"succeeded", "failed"}
    assert set(pc.unique(read(demo_dir, "accounts").column("billing")).to_pylist()) <= {"card", "invoice"}
    assert set(pc.unique(read(demo_dir, "users").column("role")).to_pylist()) <= {
        "admin",
        "champion",
        "executive",
        "member",
        None,
    }
    assert set(pc.unique(read(demo_dir, "tickets").column("priority")).to_pylist()) <= {
        "urgent",
        "high",
        "normal",
        "low",
        None,
    }
    kinds = set(pc.unique(read(demo_dir, "touchpoints").column("kind")).to_pylist())
    assert kinds <= {"qbr", "meeting", "call", "email", "training"} and "qbr" in kinds


def test_dates_are_ordered(demo_dir: Path) -> None:
    acc = read(demo_dir, "accounts").to_pandas()
    assert (acc["contract_start"] >= acc["created_at"].dt.date).all()
    assert (acc["renewal_date"] > acc["contract_start"]).all()
    churned = acc.dropna(subset=["churned_at"])
    assert (churned["churned_at"] > churned["created_at"]).all()
    t = read(demo_dir, "tickets").to_pandas()
    assert (t["first_response_at"].dropna() >= t.loc[t["first_response_at"].notna(), "created_at"]).all()
    assert (t["resolved_at"].dropna() >= t.loc[t["resolved_at"].notna(), "created_at"]).all()
    u = read(demo_dir, "users").to_pandas()
    assert (u["deactivated_at"].dropna() > u.loc[u["deactivated_at"].notna(), "created_at"]).all()


def test_churned_accounts_stop(demo_dir: Path) -> None:
    acc = read(demo_dir, "accounts").to_pandas().set_index("account_id")
    ev = read(demo_dir, "events").to_pandas()
    ev = ev.join(acc[["created_at", "churned_at"]], on="account_id")
    assert (ev["ts"] >= ev["created_at"]).all()
    assert not (ev["ts"] >= ev["churned_at"]).any()
    mrr = read(demo_dir, "mrr").to_pandas().join(acc["churned_at"], on="account_id")
    last = mrr.sort_values("month").groupby("account_id").tail(1)
    # Churn shows as one 0 row in the month after the last paid one (unless that is past the end).
    gone = last[last["churned_at"] < pd.Timestamp(END.replace(day=1))]
    assert len(gone) > 0 and (gone["mrr"] == 0).all()


def test_manifest(demo_dir: Path, options: DemoOptions) -> None:
    m = json.loads((demo_dir / "manifest.json").read_text())
    assert m["seed"] == options.seed and m["company"] == "Shiftwise" and m["end"] == END.isoformat()
    assert m["tables"]["events"] == {"file": "events.parquet", "rows": read(demo_dir, "events").num_rows}
    assert abs(m["tables"]["events"]["rows"] - 150_000) < 0.05 * 150_000
    assert m["calibration"]["segments"]["growth"]["annual_churn"]["basis"].startswith("benchmark:")
    assert all("why" in a for a in m["assumptions"].values())
