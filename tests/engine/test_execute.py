"""How the engine's queries run: CTEs inlined, each name test computed once, the snapshot
written inside the database, no pandas on the way."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import ibis
import sqlglot as sg
import sqlglot.expressions as sge

from cs_architect.engine import ResultsStore, build_scoring, score_accounts
from cs_architect.engine.contract import ContractData
from cs_architect.engine.execute import staged_sql, to_sql
from cs_architect.engine.store import ATTACHED, SIGNALS
from tests.engine.conftest import AS_OF, company_data, db_sources, full_model, load_into, write_model


def test_ctes_read_twice_are_not_materialised() -> None:
    raw = ibis.table({"account_id": "string", "ts": "timestamp", "user_id": "string"}, name="events")
    t = raw.filter(raw.ts < ibis.timestamp("2024-07-01"))  # the prepared events, read twice
    recent = t.filter(t.ts >= ibis.timestamp("2024-06-01"))
    a = t.group_by("account_id").aggregate(n=t.count())
    b = recent.group_by("account_id").aggregate(users=recent.user_id.nunique())
    expr = a.join(b, "account_id")
    for dialect in ("duckdb", "postgres"):
        query = sg.parse_one(to_sql(expr, dialect), read=dialect)
        ctes = list(query.find_all(sge.CTE))
        assert ctes, "the shared source is a CTE"
        assert all(cte.args.get("materialized") is False for cte in ctes)
        assert "NOT MATERIALIZED" in to_sql(expr, dialect)


def test_each_name_test_is_computed_once_per_row() -> None:
    model = full_model()
    expr = build_scoring(model, company_data(), AS_OF).expr
    sql = to_sql(expr, "duckdb")
    # every `event IN (...)` / `kind = '...'` test of a source appears once, as a column of its rows
    tests = re.findall(r'("event" IN \([^)]*\)|"event" = \'[^\']*\'|"kind" = \'[^\']*\') AS "_csa_test\d+"', sql)
    assert tests, "name tests are hoisted into columns"
    for test in set(tests):
        column = re.escape(test)
        uses = len(re.findall(column, sql))
        assert uses == tests.count(test), f"{test} is computed {uses} times"


def test_duckdb_data_and_store_share_a_session(company_parquet: Path, tmp_path: Path) -> None:
    model = full_model()
    run = score_accounts(model, data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path)
    assert run.store == str(tmp_path / "results.duckdb")
    store = ResultsStore.open(None, tmp_path, create=False)  # detached after the run: opens on its own
    try:
        assert not store.attached and store.database is None
        rows = store.rows(SIGNALS, AS_OF).count().execute()
        assert rows == run.snapshot.accounts * sum(1 for _ in model.signals())
    finally:
        store.close()


def test_the_store_can_be_attached_to_a_duckdb_session(tmp_path: Path) -> None:
    con = ibis.duckdb.connect()
    store = ResultsStore.open(None, tmp_path / "it's here", attach_to=con)  # a quote in the path
    try:
        assert store.attached and store.database == (ATTACHED, "main")
        assert store.snapshots() == []
        store.table(SIGNALS)
    finally:
        store.close()
    assert ATTACHED not in con.list_catalogs()
    again = ResultsStore.open(None, tmp_path / "it's here", create=False)
    try:
        assert again.table(SIGNALS).count().execute() == 0
    finally:
        again.close()


def test_score_does_not_import_pandas(company_parquet: Path, tmp_path: Path) -> None:
    """pandas costs 0.2 s of start-up; a run reads and writes through Arrow and the database."""
    out = write_model(tmp_path, full_model())
    code = (
        "import sys\n"
        "from cs_architect.cli import main\n"
        f"main(['score', {str(out)!r}, '--data', {str(company_parquet)!r}, '--as-of', '{AS_OF}', '-q'])\n"
        "assert 'pandas' not in sys.modules, 'pandas was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_staged_sql_restores_the_option() -> None:
    before = ibis.options.sql.fuse_selects
    with staged_sql():
        assert ibis.options.sql.fuse_selects is False
    assert ibis.options.sql.fuse_selects == before


def test_results_can_go_into_the_duckdb_file_that_holds_the_data(company: ContractData, tmp_path: Path) -> None:
    """`--db duckdb:///x.duckdb --store x.duckdb`: the file cannot be attached to its own session;
    the store opens it on its own and the rows travel as Arrow."""
    path = tmp_path / "warehouse.duckdb"
    load_into(f"duckdb:///{path}", company)
    model = full_model(sources=db_sources())
    run = score_accounts(model, db_url=f"duckdb:///{path}", store_url=str(path), as_of=AS_OF, out_dir=tmp_path)
    assert run.store == str(path) and run.snapshot.accounts == 3
    store = ResultsStore.open(str(path), create=False)
    try:
        assert [s.as_of for s in store.snapshots()] == [AS_OF]
        assert store.rows(SIGNALS, AS_OF).count().execute() == 3 * sum(1 for _ in model.signals())
    finally:
        store.close()


def test_postgres_derived_tables_are_fenced() -> None:
    """PostgreSQL would pull each scoring stage up into the next and multiply its expressions
    (2 s to plan and 47 ms per account to run at 184 accounts); OFFSET 0 keeps the stages."""
    expr = build_scoring(full_model(), company_data(), AS_OF).expr
    pg = sg.parse_one(to_sql(expr, "postgres"), read="postgres")
    derived = [s.this for s in pg.find_all(sge.Subquery) if isinstance(s.this, sge.Select)]
    assert derived and all(d.args.get("offset") is not None for d in derived)
    duck = sg.parse_one(to_sql(expr, "duckdb"), read="duckdb")
    assert not any(s.this.args.get("offset") for s in duck.find_all(sge.Subquery) if isinstance(s.this, sge.Select))
