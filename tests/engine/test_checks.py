"""The data check: errors block scoring, warnings do not; every issue names table, column, count, examples."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cs_architect.engine.checks import check_data
from cs_architect.engine.connect import connect_data
from cs_architect.engine.contract import ContractData, load_contract
from cs_architect.spec.sources import CONTRACT, Sources
from tests.engine.conftest import AS_OF
from tests.engine.test_contract import write


def check(folder: Path, deep: bool = True, sources: Sources | None = None):
    data: ContractData = load_contract(connect_data(data_dir=folder), sources or Sources(), CONTRACT)
    return check_data(data, AS_OF, deep=deep, needed={"events": ["active"], "tickets": ["sla"]})


def by_path(report, path: str):
    return [i for i in report.issues if i.path == path]


def test_the_fixture_company_can_be_scored(company: ContractData) -> None:
    report = check_data(company, AS_OF)
    assert report.ok
    levels = {(i.path, i.level) for i in report.issues}
    assert ("events.ts", "warning") in levels  # the 07-05 login
    assert ("events.account_id", "warning") in levels  # 'zed'
    assert ("accounts.seats", "info") in levels  # beta
    assert [t.rows for t in report.tables if t.name == "events"] == [11]


def test_duplicate_account_ids_block(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id,name\na1,A\na1,A again\na2,B\na2,B\na3,C")
    report = check(tmp_path, deep=False)
    [issue] = by_path(report, "accounts.account_id")
    assert not report.ok and issue.level == "error"
    assert "2 account ids appear more than once (4 rows; e.g. 'a1', 'a2')" in issue.message
    assert issue.file == "accounts.csv"


def test_unreadable_dates_block_with_examples(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id\na1")
    write(tmp_path, "events.csv", "account_id,ts,event\na1,2024-02-31,x\na1,2024-06-01,x\na1,01/06/2024,x\na1,,x")
    report = check(tmp_path, deep=False)
    [issue] = by_path(report, "events.ts")
    assert issue.level == "error" and "2 of the rows cannot be read as dates" in issue.message
    assert "'01/06/2024', '2024-02-31'" in issue.message and "date_format" in (issue.hint or "")


def test_unreadable_numbers_block(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id,arr\na1,1200\na2,$1200\na3,")
    report = check(tmp_path)
    [issue] = by_path(report, "accounts.arr")
    assert issue.level == "error" and "1 of 3 rows cannot be read as numbers (e.g. '$1200')" in issue.message


def test_warnings_do_not_block(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id,arr\na1,-5\na2,10")
    write(
        tmp_path, "events.csv", "account_id,ts,event\na1,2024-06-01,x\nzz,2024-06-01,x\na1,2030-01-01,x\n,2024-06-01,x"
    )
    write(tmp_path, "payments.csv", "account_id,ts,amount,status\na1,2024-06-01,-10,refunded\na1,2024-06-01,-3,failed")
    report = check(tmp_path)
    assert report.ok
    messages = {i.path: i.message for i in report.issues}
    assert "1 of 2 rows have negative amounts" in messages["accounts.arr"]
    assert "1 of 2 rows have negative amounts (e.g. -3.0)" in messages["payments.amount"]  # refunds are fine
    assert "dated after the as-of date" in messages["events.ts"] and "2030-01-01" in messages["events.ts"]
    assert "1 of 4 rows belong to accounts not in the accounts table (e.g. 'zz')" in messages["events.account_id"]


def test_nps_outside_0_to_10_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id\na1")
    write(
        tmp_path,
        "surveys.csv",
        "account_id,ts,kind,score\na1,2024-06-01,nps,11\na1,2024-06-01,nps,7.5\n"
        "a1,2024-06-01,csat,4\na1,2024-06-01,nps,9",
    )
    report = check(tmp_path)
    [issue] = by_path(report, "surveys.score")
    assert issue.level == "error" and "2 of 4 rows are NPS answers" in issue.message


def test_missing_accounts_file(tmp_path: Path) -> None:
    write(tmp_path, "events.csv", "account_id,ts,event\na1,2024-06-01,x")
    report = check(tmp_path)
    assert not report.ok
    [issue] = by_path(report, "sources.accounts")
    assert "accounts table is required" in issue.message
    assert "missing" in report.to_text()


def test_missing_tables_name_the_signals_that_lose_data(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id\na1")
    report = check(tmp_path)
    [issue] = by_path(report, "sources.tickets")
    assert issue.level == "info" and "sla" in issue.message
    assert by_path(report, "sources.payments") == []  # not needed by the model


def test_negative_quantity_and_csat_out_of_scale_are_warnings(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id\na1")
    write(tmp_path, "events.csv", "account_id,ts,event,quantity\na1,2024-06-01,x,-5\na1,2024-06-01,x,2")
    write(tmp_path, "tickets.csv", "ticket_id,account_id,created_at,csat\nt1,a1,2024-06-01,11\nt2,a1,2024-06-01,4")
    write(tmp_path, "surveys.csv", "account_id,ts,kind,score\na1,2024-06-01,csat,12\na1,2024-06-01,nps,9")
    report = check(tmp_path)
    assert report.ok
    messages = {i.path: (i.level, i.message) for i in report.issues}
    assert (
        messages["events.quantity"][0] == "warning"
        and "1 of 2 rows have a negative quantity" in messages["events.quantity"][1]
    )
    assert "1 of 2 rows are CSAT ratings outside" in messages["tickets.csat"][1]
    assert "1 of 2 rows are CSAT ratings outside" in messages["surveys.score"][1]


def test_non_finite_numbers_in_text_are_unreadable(tmp_path: Path) -> None:
    # 1e400 matches the number pattern but is +Infinity as a double; inf/nan are no amounts.
    write(tmp_path, "accounts.csv", "account_id,arr,seats\na1,1e400,1e400\na2,-inf,5\na3,NaN,3\na4,1200,1e30\na5,1e3,2")
    report = check(tmp_path, deep=False)
    [arr] = by_path(report, "accounts.arr")
    assert arr.level == "error" and "3 of 5 rows cannot be read as numbers" in arr.message
    assert "'-inf', '1e400', 'NaN'" in arr.message
    [seats] = [
        i for i in by_path(report, "accounts.seats") if i.level == "error"
    ]  # 1e30 is beyond int64: not a seat count either
    assert seats.level == "error" and "2 of 5 rows" in seats.message and "'1e30', '1e400'" in seats.message


def test_non_finite_doubles_in_parquet_are_unreadable(tmp_path: Path) -> None:
    inf, nan = float("inf"), float("nan")
    accounts = pa.table(
        {"account_id": ["a1", "a2", "a3", "a4"], "arr": [inf, -inf, nan, 100.0], "seats": [1.0, nan, 2.0, None]}
    )
    pq.write_table(accounts, tmp_path / "accounts.parquet")
    events = pa.table(
        {"account_id": ["a1", "a1"], "ts": [datetime(2024, 6, 1)] * 2, "event": ["x", "x"], "quantity": [nan, 2.0]}
    )
    pq.write_table(events, tmp_path / "events.parquet")
    report = check(tmp_path, deep=False)
    [arr] = by_path(report, "accounts.arr")
    assert arr.level == "error" and "3 of 4 rows cannot be read as numbers" in arr.message
    assert "'-inf', 'inf', 'nan'" in arr.message
    [seats] = [i for i in by_path(report, "accounts.seats") if i.level == "error"]
    assert seats.level == "error" and "1 of 4 rows" in seats.message
    assert not report.ok
    # Outside accounts, inf/NaN in a typed double are NULL either way: only the full check scans for them.
    assert by_path(report, "events.quantity") == []
    [quantity] = by_path(check(tmp_path, deep=True), "events.quantity")
    assert quantity.level == "warning" and "1 of 2 rows cannot be read as numbers" in quantity.message
