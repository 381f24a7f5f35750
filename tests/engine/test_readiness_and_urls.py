"""What a newcomer's break test found: dates outside the engine's range, data dated after the
as-of date, database URLs that cannot work, Ctrl-C, explicitly named tables that are absent,
check-data saying what `csa score` would refuse, and scores read with another model."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest

from cs_architect.engine import check_customer_data, score_accounts
from cs_architect.engine import connect as connect_module
from cs_architect.engine.connect import connect_data, open_url
from cs_architect.engine.contract import load_contract
from cs_architect.engine.execute import stop_if_interrupted, to_rows
from cs_architect.engine.readiness import stale_tables
from cs_architect.engine.store import ResultsStore
from cs_architect.errors import BackendError, DataError, InputError
from cs_architect.spec.sources import Sources, TableSource, default_sources
from tests.engine.conftest import COMPANY, full_model, write_model
from tests.engine.test_cli import csa

AS_OF = date(2024, 6, 30)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "company"
    shutil.copytree(COMPANY, folder)
    return folder


# -- the as-of date -------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1)])
def test_an_as_of_date_outside_the_range_is_an_input_error(tmp_path: Path, day: date) -> None:
    with pytest.raises(InputError, match="outside the dates the engine scores"):
        score_accounts(full_model(), data_dir=COMPANY, as_of=day, out_dir=tmp_path)
    with pytest.raises(InputError):
        check_customer_data(full_model(), data_dir=COMPANY, as_of=day)
    assert not (tmp_path / "results.duckdb").exists()


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("2026-02-30", "not a real date (day is out of range for month)"),
        ("2026/01/01", "not a date in the form YYYY-MM-DD"),
        ("9999-12-31", "outside the dates the engine scores"),
    ],
)
def test_the_cli_names_what_is_wrong_with_an_as_of_date(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, given: str, says: str
) -> None:
    out = write_model(tmp_path / "out", full_model())
    code, _, err = csa(capsys, "score", out, "--data", COMPANY, "--as-of", given)
    assert code == 2 and says in err


# -- rows after the as-of date do not make data recent ---------------------------------------------


def test_activity_only_after_the_as_of_date_is_announced(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    events = (folder / "events.csv").read_text().replace(",2024-", ",2025-")
    (folder / "events.csv").write_text(events)
    data = load_contract(connect_data(data_dir=folder), default_sources(), ["events"])
    stale = {s.table: s for s in stale_tables(data, AS_OF, ["events"])}
    assert stale["events"].later > 0 and stale["events"].newest is None
    assert "dated after the as-of date 2024-06-30" in stale["events"].message(AS_OF)


def test_the_newest_row_is_the_newest_on_or_before_the_as_of_date(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    with (folder / "events.csv").open("a") as fh:
        fh.write("acme,u1,2030-01-01 00:00:00,login,\n")  # one row far in the future
    data = load_contract(connect_data(data_dir=folder), default_sources(), ["events"])
    assert stale_tables(data, AS_OF, ["events"]) == []  # the fixture's own events are recent
    stale = stale_tables(data, date(2024, 9, 30), ["events"])
    assert [(s.table, s.newest) for s in stale] == [("events", date(2024, 7, 5))]  # the newest before 2030


# -- database URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["foo://bar", "mongodb://x@y/z"])
def test_an_unknown_url_scheme_is_an_input_error(url: str) -> None:
    with pytest.raises(InputError, match="not a database URL scheme"):
        open_url(url, "--db")


def test_a_backend_without_its_driver_says_what_to_install() -> None:
    try:
        import snowflake  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover - the driver is installed on this machine
        pytest.skip("the snowflake driver is installed here")
    with pytest.raises(InputError) as err:
        open_url("snowflake://user@account/db", "--db")
    assert "ibis-framework[snowflake]" in str(err.value)


def test_a_server_that_never_answers_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """A host that accepts the connection but never speaks fails after the connect timeout."""
    monkeypatch.setattr(connect_module, "CONNECT_TIMEOUT_S", 1)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    accepted: list[socket.socket] = []

    def accept() -> None:
        for _ in range(4):
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(BackendError, match="cannot connect"):
            open_url(f"postgresql://a:b@127.0.0.1:{port}/x", "--db")
        assert time.monotonic() - started < 8
    finally:
        server.close()
        for s in accepted:
            s.close()


def test_a_store_that_is_a_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        ResultsStore.open(str(tmp_path), tmp_path)
    with pytest.raises(InputError, match="is a folder"):
        ResultsStore.open(f"duckdb://{tmp_path}", tmp_path)


@pytest.mark.parametrize("url", ["duckdb://", "duckdb://:memory:", "duckdb:///:memory:"])
def test_a_duckdb_store_url_without_a_file_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(InputError, match="names no file"):
        ResultsStore.open(url, tmp_path)


def test_a_duckdb_store_url_is_a_file(tmp_path: Path) -> None:
    store = ResultsStore.open(f"duckdb://{tmp_path}/r.duckdb", tmp_path)
    store.close()
    assert (tmp_path / "r.duckdb").is_file()


# -- Ctrl-C ----------------------------------------------------------------------------------------


def test_duckdb_interrupts_are_the_users_ctrl_c() -> None:
    with pytest.raises(KeyboardInterrupt):
        stop_if_interrupted(duckdb.InterruptException("INTERRUPT Error: Interrupted!"))
    with pytest.raises(KeyboardInterrupt):  # SIGINT during a query, as DuckDB's Python client reports it
        stop_if_interrupted(RuntimeError("Query interrupted"))
    stop_if_interrupted(duckdb.InvalidInputException("a data problem"))  # anything else is left to the caller
    stop_if_interrupted(RuntimeError("Query interrupted by a trigger"))


# -- a table the model names but the data lacks -----------------------------------------------------


def test_an_explicitly_named_file_that_is_absent_is_an_error() -> None:
    named = Sources(accounts=TableSource(file="accounts.csv"), events=TableSource(file="nope.csv"))
    data = load_contract(connect_data(data_dir=COMPANY), named, ["events"])
    errors = [i for i in data.issues if i.level == "error"]
    assert [i.path for i in errors] == ["sources.events.file"] and "no file 'nope.csv'" in errors[0].message
    pattern = Sources(accounts=TableSource(file="accounts.csv"), events=TableSource(file="nope.*"))
    data = load_contract(connect_data(data_dir=COMPANY), pattern, ["events"])
    assert not [i for i in data.issues if i.level == "error"] and "events" in data.missing


# -- check-data says what score would refuse or warn about ------------------------------------------


def test_check_data_reports_what_score_refuses(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "accounts.csv").write_text((COMPANY / "accounts.csv").read_text().splitlines()[0] + "\n")
    report = check_customer_data(full_model(), data_dir=folder, as_of=AS_OF)
    assert not report.ok and any("has no accounts" in i.message for i in report.issues if i.level == "error")

    report = check_customer_data(full_model(), data_dir=COMPANY, as_of=date(2020, 1, 1))
    errors = [i.message for i in report.issues if i.level == "error"]
    assert not report.ok and any("can be scored as of 2020-01-01" in e for e in errors), errors


def test_check_data_warns_about_an_empty_activity_table(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "events.csv").write_text((COMPANY / "events.csv").read_text().splitlines()[0] + "\n")
    report = check_customer_data(full_model(), data_dir=folder, as_of=AS_OF)
    assert report.ok and any("events.csv has no rows" in i.message for i in report.issues if i.level == "warning")


# -- scores read with another model ------------------------------------------------------------------


def test_scores_warn_when_the_snapshot_came_from_another_model(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = write_model(tmp_path / "out", full_model())
    assert csa(capsys, "score", out, "--data", COMPANY, "--as-of", "2024-06-30", "-q")[0] == 0
    code, _, err = csa(capsys, "scores", out)
    assert code == 0 and "another health model" not in err
    write_model(out, full_model(company="Renamed Co"))
    code, _, err = csa(capsys, "scores", out)
    assert code == 0 and "was scored with another health model" in err


def test_a_default_that_is_not_of_the_columns_type_blames_the_model(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text("account_id,name\nacme,Acme\n")
    for given, ok in (("lots", False), ("12", True), (12.5, False)):
        sources = Sources(accounts=TableSource(file="accounts.csv", defaults={"seats": given}))
        data = load_contract(connect_data(data_dir=tmp_path), sources, [])
        errors = [i for i in data.issues if i.level == "error"]
        if ok:
            assert not errors and data.tables["accounts"].present("seats")
        else:
            assert [i.path for i in errors] == ["sources.accounts.defaults.seats"], errors
            assert f"{given!r} for seats is not an int" in errors[0].message


def test_a_negative_seat_count_is_a_warning(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    accounts = (folder / "accounts.csv").read_text().replace("2024-12-31,12000,10,card", "2024-12-31,12000,-10,card")
    (folder / "accounts.csv").write_text(accounts)
    report = check_customer_data(full_model(), data_dir=folder, as_of=AS_OF)
    warned = [i for i in report.issues if i.level == "warning" and "negative seat count" in i.message]
    assert len(warned) == 1 and "-10" in warned[0].message


# -- files that cannot be read, and values outside the contract's names ------------------------------


def test_an_empty_file_is_an_absent_table_and_says_so(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "events.csv").write_bytes(b"")
    data = load_contract(connect_data(data_dir=folder), default_sources(), ["events"])
    assert data.missing["events"].startswith("events.csv is empty")
    (folder / "accounts.csv").write_bytes(b"")
    report = check_customer_data(full_model(), data_dir=folder, as_of=AS_OF)
    assert not report.ok and any("accounts.csv is empty" in i.message for i in report.issues if i.level == "error")


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_bytes("account_id,name\na1,Café Ltd\n".encode("latin-1"))
    with pytest.raises(DataError) as err:
        load_contract(connect_data(data_dir=tmp_path), default_sources(), [])
    assert "not UTF-8" in str(err.value) and "iconv" in str(err.value)


def test_files_of_one_table_with_different_headers_name_the_column(tmp_path: Path) -> None:
    (tmp_path / "acc_1.csv").write_text("account_id,name\na1,A\n")
    (tmp_path / "acc_2.csv").write_text("account_id,title\na2,B\n")
    with pytest.raises(DataError) as err:
        load_contract(connect_data(data_dir=tmp_path), Sources(accounts=TableSource(file="acc_*.csv")), [])
    assert 'Column with name: "name" is missing' in str(err.value) and "same header" in str(err.value)


def test_values_translated_to_names_outside_the_contract_are_warned_about() -> None:
    tickets = TableSource(file="tickets.csv", values={"priority": {"urgent": "critical", "high": "high"}})
    data = load_contract(
        connect_data(data_dir=COMPANY), Sources(accounts=TableSource(file="accounts.csv"), tickets=tickets), ["tickets"]
    )
    [warned] = [i for i in data.issues if i.path == "sources.tickets.values.priority"]
    assert warned.level == "warning" and "'critical' is not among" in warned.message and "urgent" in warned.message


EXTREMES = ["1e400", "-1E+400", "1e-400", "2e0300", "1" * 320]


def _numbers(table: ir.Table) -> list[tuple[float | None, bool]]:
    from cs_architect.engine.connect import RawTable
    from cs_architect.engine.contract import map_table

    mapped, _ = map_table(RawTable("accounts", table, "accounts.csv", text=True), TableSource(file="accounts.csv"))
    assert mapped is not None
    s = mapped.staged
    bad = s.arr__text.notnull() & s.arr.isnull()
    return [(r["arr"], r["bad"]) for r in to_rows(s.select("account_id", "arr", bad=bad).order_by("account_id"))]


def _extremes_table() -> pa.Table:
    values = ["12.5", "1e299", *EXTREMES]
    return pa.table({"account_id": [f"a{i:02d}" for i in range(len(values))], "arr": values})


def test_numbers_beyond_1e300_are_unreadable_not_infinite() -> None:
    got = _numbers(ibis.memtable(_extremes_table()))
    assert got[0] == (12.5, False) and got[1] == (pytest.approx(1e299), False)
    assert got[2:] == [(None, True)] * len(EXTREMES)


@pytest.mark.postgres
def test_numbers_beyond_1e300_do_not_fail_a_postgres_query(pg_url: str) -> None:
    con = ibis.connect(pg_url)
    try:
        table = con.create_table("extreme_text_numbers", _extremes_table(), overwrite=True)
        got = _numbers(table)
    finally:
        con.disconnect()
    assert got[2:] == [(None, True)] * len(EXTREMES)


def test_the_check_report_keeps_long_reasons_and_control_characters_off_its_table() -> None:
    from cs_architect.engine.checks import SOURCE_WIDTH, DataReport, TableStatus
    from cs_architect.issues import Issue

    reason = "unusable: required column 'event' (event, not mapped in sources) not found; columns are: " + "x, " * 60
    report = DataReport(
        as_of=AS_OF,
        tables=[TableStatus("events", reason, None, "unusable"), TableStatus("accounts", "acc\nounts.csv", 3, "ok")],
        issues=[Issue("warning", "name 'Line1\nLine2' has a\tbreak", file="accounts.csv")],
    )
    text = report.to_text()
    rows = text.splitlines()
    assert max(len(line) for line in rows[2:5]) <= 12 + 1 + SOURCE_WIDTH + 1 + 12 + 2 + len("unusable")
    assert "acc⏎ounts.csv" in text and "Line1⏎Line2" in text and "\t" not in text


def test_an_unreadable_value_is_reported_once_with_a_hint_that_fits(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    events = (folder / "events.csv").read_text().replace("2024-06-01 09:00:00", "garbage", 1)
    (folder / "events.csv").write_text(events)
    issues = [
        i for i in check_customer_data(full_model(), data_dir=folder, as_of=AS_OF).issues if i.path == "events.ts"
    ]
    assert not [i for i in issues if "have no value" in i.message], issues  # the unreadable row is not also "empty"
    issues = [i for i in issues if i.level == "error"]
    assert issues[0].hint is not None and "set sources.events.date_format" in issues[0].hint
    model = full_model()
    sources = model.sources.model_copy(update={"events": TableSource(file="events.*", date_format="%d/%m/%Y %H:%M:%S")})
    issues = check_customer_data(model.model_copy(update={"sources": sources}), data_dir=folder, as_of=AS_OF).issues
    [bad] = [i for i in issues if i.path == "events.ts" and i.level == "error"]
    assert bad.hint is not None and "do not fit sources.events.date_format '%d/%m/%Y %H:%M:%S'" in bad.hint


def test_an_id_of_only_spaces_is_no_id(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text('account_id,name\na1,Acme\n" ",Blank\n')
    data = load_contract(connect_data(data_dir=tmp_path), default_sources(), [])
    accounts = data.get("accounts")
    assert accounts is not None
    assert [r["account_id"] for r in to_rows(accounts.order_by("name"))] == ["a1", None]
