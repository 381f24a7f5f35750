"""MRR from rows that cover a period (``sources.mrr.period``): one row per month each covers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_architect.engine.checks import check_data
from cs_architect.engine.connect import connect_data
from cs_architect.engine.contract import PERIOD_END, load_contract, monthly_rows
from cs_architect.engine.execute import to_rows
from cs_architect.engine.signals import signal_table
from cs_architect.spec.sources import Sources, TableSource
from tests.engine.test_contract import write

ACCOUNTS = """
id,name
a,Acme
b,Beta
c,Cara
"""
SUBSCRIPTIONS = """
sub,customer,amount,starts,ends
s1,a,100,23/12/2023,12/04/2024
s2,a,50,01/02/2024,
s3,b,80,05/03/2024,20/03/2024
s4,b,30,01/01/2024,31/05/2024
s5,c,10,2024-07-01,
"""


def _sources(**mrr: object) -> Sources:
    spec = {
        "file": "subs.csv",
        "columns": {"account_id": "customer", "mrr": "amount"},
        "date_format": "%d/%m/%Y",
        "period": {"start": "starts", "end": "ends"},
    }
    return Sources(
        accounts=TableSource(file="accounts.csv", columns={"account_id": "id"}),
        mrr=TableSource.model_validate(spec | mrr),
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "subs.csv", SUBSCRIPTIONS.replace("2024-07-01", "01/07/2024"))
    return tmp_path


def _months(folder: Path, sources: Sources) -> dict[tuple[str, date], float]:
    data = load_contract(connect_data(data_dir=folder), sources, ["mrr"])
    mrr = data.get("mrr")
    assert mrr is not None
    rows = to_rows(mrr.group_by("account_id", "month").aggregate(mrr=mrr.mrr.sum()))
    return {(r["account_id"], r["month"]): r["mrr"] for r in rows}


def test_each_period_counts_in_every_month_whose_first_day_it_covers(folder: Path) -> None:
    months = _months(folder, _sources())
    # s1 (Dec 23 - Apr 12): Jan-Apr; s2 (Feb 1, open): Feb to the data's horizon (Jul 2024, s5's start);
    # s3 (Mar 5-20) covers no first day; s4 (Jan 1 - May 31): Jan-May; s5 (Jul 1, open): Jul.
    assert months == {
        ("a", date(2024, 1, 1)): 100,
        ("a", date(2024, 2, 1)): 150,
        ("a", date(2024, 3, 1)): 150,
        ("a", date(2024, 4, 1)): 150,
        ("a", date(2024, 5, 1)): 50,
        ("a", date(2024, 6, 1)): 50,
        ("a", date(2024, 7, 1)): 50,
        ("b", date(2024, 1, 1)): 30,
        ("b", date(2024, 2, 1)): 30,
        ("b", date(2024, 3, 1)): 30,
        ("b", date(2024, 4, 1)): 30,
        ("b", date(2024, 5, 1)): 30,
        ("c", date(2024, 7, 1)): 10,
    }


def test_an_exclusive_end_is_the_next_periods_start(tmp_path: Path) -> None:
    # Monthly terms as billing systems write them: each ends on the day the next one starts.
    write(tmp_path, "accounts.csv", ACCOUNTS)
    terms = "sub,customer,amount,starts,ends\n" + "".join(
        f"t{i},a,10,{start},{end}\n"
        for i, (start, end) in enumerate([("01/01/2024", "01/02/2024"), ("01/02/2024", "01/03/2024")])
    )
    write(tmp_path, "subs.csv", terms + "t9,b,20,15/01/2024,15/02/2024\n")
    inclusive = _months(tmp_path, _sources())
    assert inclusive[("a", date(2024, 2, 1))] == 20  # both terms hold on Feb 1 when the end is read as inclusive
    months = _months(tmp_path, _sources(period={"start": "starts", "end": "ends", "end_exclusive": True}))
    assert months == {("a", date(2024, 1, 1)): 10, ("a", date(2024, 2, 1)): 10, ("b", date(2024, 2, 1)): 20}


def test_mrr_change_reads_the_months(folder: Path) -> None:
    data = load_contract(connect_data(data_dir=folder), _sources(), ["mrr"])
    rows = to_rows(signal_table(data, "mrr_change", {"months": 3}, date(2024, 7, 15)))
    raw = {r["account_id"]: r["raw"] for r in rows}
    # July (latest month) vs April: a 50 / 150, b 0 / 30 (churned in June), c no MRR in April
    assert raw == {"a": pytest.approx(1 / 3), "b": 0.0, "c": None}


def test_the_check_counts_periods_and_reads_both_dates(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "subs.csv", SUBSCRIPTIONS.replace("12/04/2024", "31/04/2024").replace("2024-07-01", "01/07/2024"))
    data = load_contract(connect_data(data_dir=tmp_path), _sources(), ["mrr"])
    report = check_data(data, date(2024, 12, 31))
    assert [(t.name, t.rows) for t in report.tables if t.name == "mrr"] == [("mrr", 5)]
    errors = [i for i in report.issues if i.level == "error"]
    assert len(errors) == 1 and f"mrr.{PERIOD_END}" in str(errors[0]) and "'31/04/2024'" in str(errors[0])


def test_a_missing_end_column_is_located_and_other_tables_ignore_period(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "subs.csv", SUBSCRIPTIONS)
    sources = _sources(period={"start": "starts", "end": "finish"})
    sources = sources.model_copy(
        update={"users": TableSource.model_validate({"file": "accounts.csv", "period": {"start": "x", "end": "y"}})}
    )
    data = load_contract(connect_data(data_dir=tmp_path), sources, ["mrr"])
    assert "mrr" in data.missing and "'finish'" in data.missing["mrr"]
    paths = {i.path for i in data.issues}
    assert "sources.mrr.period.end" in paths and "sources.users.period" in paths


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(date(2020, 1, 1), date(2023, 12, 31)),
            st.integers(0, 400),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_months_match_a_plain_python_count(periods: list[tuple[date, int, bool]]) -> None:
    """Each period appears once in each month whose 1st lies in [start, end] (open: to the horizon)."""
    starts = [s for s, _, _ in periods]
    ends = [date.fromordinal(s.toordinal() + n) if closed else None for s, n, closed in periods]
    horizon = max(d for d in starts + ends if d is not None)
    table = ibis.memtable(
        {"i": list(range(len(periods))), "month": starts, PERIOD_END: ends},
        schema={"i": "int64", "month": "date", PERIOD_END: "date"},
    )
    got = sorted((r["i"], r["month"]) for r in to_rows(monthly_rows(table).select("i", "month")))
    want = []
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        last = end or horizon
        y, m = start.year, start.month
        while date(y, m, 1) <= last:
            if date(y, m, 1) >= start:
                want.append((i, date(y, m, 1)))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert got == sorted(want)


@pytest.mark.postgres
def test_same_months_on_postgres(folder: Path, pg_url: str) -> None:
    """The expansion is Ibis only (integer ranges, unnest, make_date): PostgreSQL gives the same rows."""
    con = ibis.connect(pg_url)
    try:
        for name in ("accounts", "subs"):
            rows = to_rows(ibis.duckdb.connect().read_csv(str(folder / f"{name}.csv"), all_varchar=True))
            table = ibis.memtable(rows, schema=dict.fromkeys(rows[0], "string"))
            con.create_table(f"periods_{name}", table, overwrite=True)
    finally:
        con.disconnect()
    sources = _sources(file=None, table="periods_subs").model_copy(
        update={"accounts": TableSource(table="periods_accounts", columns={"account_id": "id"})}
    )
    source = connect_data(db_url=pg_url)
    try:
        mrr = load_contract(source, sources, ["mrr"]).get("mrr")
        assert mrr is not None
        rows = to_rows(mrr.group_by("account_id", "month").aggregate(mrr=mrr.mrr.sum()))
    finally:
        source.close()
    assert {(r["account_id"], r["month"]): r["mrr"] for r in rows} == _months(folder, _sources())
