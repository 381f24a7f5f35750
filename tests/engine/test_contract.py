"""The sources mapping: the user's files and column names become the data contract."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_architect.engine.connect import connect_data
from cs_architect.engine.contract import load_contract
from cs_architect.engine.execute import to_rows
from cs_architect.errors import BackendError, DataError
from cs_architect.spec.sources import Sources, TableSource


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text.strip() + "\n", encoding="utf-8")


def sources(**tables: dict) -> Sources:
    return Sources(**{k: TableSource(**v) for k, v in tables.items()})


def test_columns_values_dates_defaults_and_filters(tmp_path: Path) -> None:
    write(
        tmp_path,
        "crm.csv",
        """
Company ID;Company;Start;Seats
02142;Acme;05/01/2024;12
00007;Beta;31/12/2023;
""",
    )
    write(
        tmp_path,
        "help_desk.csv",
        """
id,org,opened,prio,channel
1,02142,2024-06-01 10:00,P1,email
2,02142,2024-06-02 10:00,P3,chat
3,00007,2024-06-03 10:00,P2,email
""",
    )
    spec = sources(
        accounts={
            "file": "crm.csv",
            "date_format": "%d/%m/%Y",
            "columns": {"account_id": "Company ID", "name": "Company", "contract_start": "Start"},
            "defaults": {"billing": "invoice"},
        },
        tickets={
            "file": "help_desk.csv",
            "columns": {"ticket_id": "id", "account_id": "org", "created_at": "opened", "priority": "prio"},
            "values": {"priority": {"P1": "urgent", "P2": "high"}},
            "where": {"priority": ["urgent", "high"]},
        },
    )
    data = load_contract(connect_data(data_dir=tmp_path), spec)
    assert data.issues == [] and set(data.tables) == {"accounts", "tickets"}
    accounts = to_rows(data.tables["accounts"].table.order_by("account_id"))
    # ids keep their leading zeros; day-first dates; the seat column is found case-insensitively
    assert [(a["account_id"], a["contract_start"], a["seats"], a["billing"]) for a in accounts] == [
        ("00007", date(2023, 12, 31), None, "invoice"),
        ("02142", date(2024, 1, 5), 12, "invoice"),
    ]
    tickets = to_rows(data.tables["tickets"].table.order_by("ticket_id"))
    assert [(t["ticket_id"], t["priority"], t["created_at"]) for t in tickets] == [
        ("1", "urgent", datetime(2024, 6, 1, 10)),
        ("3", "high", datetime(2024, 6, 3, 10)),
    ]


def test_parquet_parts_in_a_folder_and_native_types(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id\na1")
    (tmp_path / "events").mkdir()
    for i in range(2):
        pq.write_table(
            pa.table({"account_id": ["a1"], "ts": [datetime(2024, 6, i + 1)], "event": ["login"], "quantity": [2]}),
            tmp_path / "events" / f"part-{i}.parquet",
        )
    data = load_contract(connect_data(data_dir=tmp_path), Sources(), ["events"])
    rows = to_rows(data.tables["events"].table)
    assert len(rows) == 2 and rows[0]["quantity"] == 2.0 and rows[0]["user_id"] is None


def test_a_missing_optional_table_or_column_is_reported_not_fatal(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id\na1")
    write(tmp_path, "events.csv", "account_id,when,event\na1,2024-01-01,login")
    data = load_contract(connect_data(data_dir=tmp_path), Sources(), ["events", "tickets"])
    assert "tickets" in data.missing and "not found" in data.missing["tickets"]
    assert data.missing["events"].startswith("unusable")
    [issue] = [i for i in data.issues if i.path == "sources.events.columns.ts"]
    assert issue.level == "warning" and "'ts'" in issue.message and "when" in issue.message


def test_missing_account_id_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "id,name\na1,Acme")
    data = load_contract(connect_data(data_dir=tmp_path), Sources())
    assert "accounts" in data.missing
    assert [i.level for i in data.issues if i.path == "sources.accounts.columns.account_id"] == ["error"]


def test_unknown_mapping_keys_are_warned(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id\na1")
    data = load_contract(
        connect_data(data_dir=tmp_path), sources(accounts={"file": "accounts.csv", "columns": {"acount_id": "x"}})
    )
    assert any("acount_id" in i.message and i.level == "warning" for i in data.issues)


def test_wrong_column_type_in_parquet(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id\na1")
    pq.write_table(pa.table({"account_id": ["a1"], "ts": [3], "event": ["x"]}), tmp_path / "events.parquet")
    data = load_contract(connect_data(data_dir=tmp_path), Sources(), ["events"])
    assert "events" in data.missing
    assert any("has type int64, expected timestamp" in i.message for i in data.issues)


def test_a_file_that_is_not_csv_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "accounts.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataError) as err:
        load_contract(connect_data(data_dir=tmp_path), Sources())
    assert "accounts.parquet" in str(err.value)


def test_no_such_folder_and_no_such_database() -> None:
    with pytest.raises(DataError):
        connect_data(data_dir=Path("/no/such/folder"))
    with pytest.raises(BackendError) as err:
        connect_data(db_url="postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(err.value)


def test_columns_looked_up_in_another_table(tmp_path: Path) -> None:
    """Usage keyed by subscription (as in the RavenStack export) gets its account from subscriptions."""
    write(tmp_path, "accounts.csv", "account_id\nA-1\nA-2")
    write(tmp_path, "subscriptions.csv", "subscription_id,account_id\nS-1,A-1\nS-2,A-1\nS-3,A-2")
    write(
        tmp_path,
        "feature_usage.csv",
        "subscription_id,usage_date,feature_name\nS-1,2024-06-01,x\nS-2,2024-06-02,y\n"
        "S-3,2024-06-03,x\nS-9,2024-06-04,z",
    )
    spec = sources(
        accounts={"file": "accounts.csv"},
        events={
            "file": "feature_usage.csv",
            "columns": {"ts": "usage_date", "event": "feature_name"},
            "join": {"file": "subscriptions.csv", "on": "subscription_id", "columns": {"account_id": "account_id"}},
        },
    )
    data = load_contract(connect_data(data_dir=tmp_path), spec)
    assert data.issues == []
    rows = to_rows(data.tables["events"].table.order_by("ts"))
    assert [(r["account_id"], r["event"]) for r in rows] == [("A-1", "x"), ("A-1", "y"), ("A-2", "x"), (None, "z")]
    assert data.tables["events"].origin == "feature_usage.csv + subscriptions.csv"


def test_a_missing_lookup_makes_the_table_unusable(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "account_id\nA-1")
    write(tmp_path, "usage.csv", "subscription_id,ts,event\nS-1,2024-06-01,x")
    spec = sources(
        accounts={"file": "accounts.csv"},
        events={
            "file": "usage.csv",
            "join": {"file": "nope.csv", "on": "subscription_id", "columns": {"account_id": "a"}},
        },
    )
    data = load_contract(connect_data(data_dir=tmp_path), spec)
    assert data.missing["events"].startswith("unusable: lookup nope.csv not found")


def test_a_mapping_to_a_column_the_file_lacks_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", "Company ID,Start\na1,2024-01-01")
    data = load_contract(
        connect_data(data_dir=tmp_path),
        sources(accounts={"file": "accounts.csv", "columns": {"account_id": "Company ID", "contract_start": "Strt"}}),
    )
    [issue] = [i for i in data.issues if i.path == "sources.accounts.columns.contract_start"]
    assert issue.level == "error" and "'Strt'" in issue.message and "Start" in issue.message
