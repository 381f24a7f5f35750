"""The results store keeps what it had when a run fails, and refuses places it cannot write to."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import duckdb
import pytest
import sqlglot

from cs_architect.cli import main
from cs_architect.engine import ResultsStore, score_accounts
from cs_architect.engine.execute import to_rows
from cs_architect.engine.store import ACCOUNTS, SIGNALS
from cs_architect.errors import BackendError, InputError
from tests.engine.conftest import AS_OF, small_model, write_model

EARLIER = date(2024, 6, 15)


def _snapshot_counts(store: ResultsStore, day: date) -> tuple[int, int, int]:
    snaps = [s for s in store.snapshots() if s.as_of == day]
    return len(snaps), len(to_rows(store.rows(ACCOUNTS, day))), len(to_rows(store.rows(SIGNALS, day)))


def _break_signal_table(store: ResultsStore) -> None:
    """A change made by hand that makes the next insert fail half-way (after the snapshot row
    and the account rows of the date were deleted and the account rows re-inserted)."""
    store._run(sqlglot.parse_one("ALTER TABLE csa_signal_values DROP COLUMN note", read="duckdb"))


def test_a_failed_rewrite_keeps_the_earlier_snapshot(company_parquet: Path, tmp_path: Path) -> None:
    model = small_model()
    for day in (EARLIER, AS_OF):
        score_accounts(model, data_dir=company_parquet, as_of=day, out_dir=tmp_path)
    store = ResultsStore.open(None, tmp_path)
    before = _snapshot_counts(store, AS_OF)
    assert before[0] == 1 and before[1] == 3
    _break_signal_table(store)
    store.close()
    with pytest.raises(BackendError, match="cannot write the snapshot"):
        score_accounts(model, data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path)
    store = ResultsStore.open(None, tmp_path, create=False)
    try:
        assert [s.as_of for s in store.snapshots()] == [EARLIER, AS_OF]
        assert _snapshot_counts(store, AS_OF)[:2] == before[:2]
    finally:
        store.close()


@pytest.mark.postgres
def test_a_failed_rewrite_keeps_the_earlier_snapshot_in_postgres(
    pg_url: str, company_parquet: Path, tmp_path: Path
) -> None:
    store_url = f"{pg_url}/csa_safety"
    model = small_model()
    score_accounts(model, data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path, store_url=store_url)
    store = ResultsStore.open(store_url)
    before = _snapshot_counts(store, AS_OF)
    store.con.raw_sql('ALTER TABLE "csa_safety"."csa_signal_values" DROP COLUMN note').close()
    store.close()
    with pytest.raises(BackendError, match="cannot write the snapshot"):
        score_accounts(model, data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path, store_url=store_url)
    store = ResultsStore.open(store_url)
    try:
        assert _snapshot_counts(store, AS_OF)[:2] == before[:2]
    finally:
        store.close()


@pytest.mark.parametrize("name", ["accounts.parquet", "accounts.csv"])
def test_a_store_that_is_not_a_duckdb_file_is_refused(company_parquet: Path, tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    duckdb.sql(f"COPY (SELECT 1 AS a) TO '{target}'")  # test data
    before = target.read_bytes()
    with pytest.raises(InputError, match="is not a DuckDB database"):
        score_accounts(small_model(), data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path, store_url=str(target))
    assert target.read_bytes() == before


def test_an_in_memory_store_is_refused(company_parquet: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="must be a file"):
        score_accounts(small_model(), data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path, store_url=":memory:")


def test_a_store_under_a_file_is_an_error_not_a_traceback(
    company_parquet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = write_model(tmp_path / "out", small_model())
    (tmp_path / "plain.txt").write_text("hello\n")
    args = ["score", str(out), "--data", str(company_parquet), "--as-of", str(AS_OF), "-q"]
    with pytest.raises(SystemExit) as done:
        main([*args, "--store", str(tmp_path / "plain.txt" / "results.duckdb")])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "cannot create the folder of the results store" in err and "Traceback" not in err


def test_scores_reads_a_read_only_store(company_parquet: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads and writes any file: a read-only file cannot be tested")
    out = write_model(tmp_path / "out", small_model())
    score_accounts(small_model(), data_dir=company_parquet, as_of=AS_OF, out_dir=out)
    path = out / "results.duckdb"
    path.chmod(stat.S_IRUSR)
    try:
        store = ResultsStore.open(None, out, create=False)
        assert [s.as_of for s in store.snapshots()] == [AS_OF]
        store.close()
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_scores_opens_the_store_read_only(company_parquet: Path, tmp_path: Path) -> None:
    out = write_model(tmp_path / "out", small_model())
    score_accounts(small_model(), data_dir=company_parquet, as_of=AS_OF, out_dir=out)
    store = ResultsStore.open(None, out, create=False)
    try:
        with pytest.raises(Exception, match="read-only"):
            store.table(ACCOUNTS).count().execute()
            store._delete(ACCOUNTS, AS_OF)
    finally:
        store.close()


def test_a_read_only_duckdb_database_as_data(company_parquet: Path, tmp_path: Path) -> None:
    """`--db duckdb:///x?read_only=true`: the store is not attached to that session (it would be
    read-only there too), so every run, not only the first, can write."""
    data = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(data))
    for f in company_parquet.glob("*.parquet"):
        con.read_parquet(str(f)).create(f.stem)
    con.close()
    model = small_model()
    url = f"duckdb:///{data}?read_only=true"
    for day in (EARLIER, AS_OF):
        run = score_accounts(model, db_url=url, as_of=day, out_dir=tmp_path / "out")
        assert run.snapshot.accounts == 3


def test_a_database_error_is_reported_not_a_traceback(
    company_parquet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = write_model(tmp_path / "out", small_model())

    def lost(*_args: object, **_kwargs: object) -> None:
        raise duckdb.IOException("connection lost")

    monkeypatch.setattr("cs_architect.engine.run.check_data", lost)
    with pytest.raises(SystemExit) as done:
        main(["score", str(out), "--data", str(company_parquet), "--as-of", str(AS_OF), "-q"])
    assert done.value.code == 4
    err = capsys.readouterr().err
    assert "the database failed: connection lost" in err and "Traceback" not in err


def test_a_postgres_store_url_with_too_many_parts_is_an_input_error() -> None:
    with pytest.raises(InputError, match="database\\[/schema\\]"):
        ResultsStore.open("postgresql://ann:pw@localhost/db/schema/extra")
