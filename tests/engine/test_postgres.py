"""The same data in DuckDB and in a real PostgreSQL server gives identical scores."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from ibis.backends import BaseBackend

from cs_architect.engine import ResultsStore, check_customer_data, score_accounts
from cs_architect.engine.connect import connect_data
from cs_architect.engine.contract import ContractData, load_contract
from cs_architect.engine.execute import to_rows
from cs_architect.engine.signals import SignalRequest, compute_signals
from cs_architect.engine.store import ACCOUNTS, SIGNALS
from cs_architect.spec.health_model import HealthModel
from tests.engine.conftest import (
    AS_OF,
    COMPANY,
    db_sources,
    full_model,
    load_into,
    signal_cases,
    small_model,
)
from tests.engine.test_scoring import models_and_rows, run

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg(pg_url: str, company: ContractData) -> str:
    load_into(pg_url, company)
    return pg_url


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9))


def test_every_signal_kind_matches(pg: str, company: ContractData) -> None:
    cases = signal_cases()
    requests = [SignalRequest(f"s{i}", c["kind"], c["params"]) for i, c in enumerate(cases)]
    source = connect_data(db_url=pg)
    try:
        pg_data = load_contract(source, db_sources(), [])
        post = {r["account_id"]: r for r in to_rows(compute_signals(pg_data, requests, AS_OF).table)}
    finally:
        source.close()
    duck = {r["account_id"]: r for r in to_rows(compute_signals(company, requests, AS_OF).table)}
    assert duck.keys() == post.keys() == {"acme", "beta", "cyan"}
    for i, case in enumerate(cases):
        for account, want in case["expect"].items():
            got = post[account][f"s{i}__raw"]
            assert _same(got, want) and _same(got, duck[account][f"s{i}__raw"]), (case["kind"], account, got)


def test_scores_are_identical_on_both_backends(pg: str, tmp_path: Path) -> None:
    model = full_model()
    score_accounts(model, data_dir=COMPANY, as_of=AS_OF, out_dir=tmp_path / "duck")  # from the CSV files
    score_accounts(full_model(sources=db_sources()), db_url=pg, as_of=AS_OF, out_dir=tmp_path / "pg")
    results = []
    for folder in ("duck", "pg"):
        store = ResultsStore.open(None, tmp_path / folder)
        accounts = sorted(to_rows(store.rows(ACCOUNTS, AS_OF).drop("as_of")), key=lambda r: r["account_id"])
        signals = sorted(
            to_rows(store.rows(SIGNALS, AS_OF).drop("as_of")), key=lambda r: (r["account_id"], r["signal_id"])
        )
        results.append((accounts, signals))
        store.close()
    (duck_accounts, duck_signals), (pg_accounts, pg_signals) = results
    assert len(duck_accounts) == len(pg_accounts) == 3
    for a, b in zip(duck_accounts + duck_signals, pg_accounts + pg_signals, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            if isinstance(a[key], float) or isinstance(b[key], float):
                assert _same(a[key], b[key]), (key, a, b)
            else:
                assert a[key] == b[key], (key, a, b)


@pytest.fixture(scope="module")
def pg_con(pg: str) -> Iterator[BaseBackend]:
    con = ibis.connect(pg)
    yield con
    con.disconnect()


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(models_and_rows(mixed=True))
def test_random_scores_are_identical_on_both_backends(pg_con: BaseBackend, case: tuple[HealthModel, list]) -> None:
    model, rows = case
    for duck, post in zip(run(model, rows), run(model, rows, con=pg_con), strict=True):
        assert duck.keys() == post.keys()
        for key, value in duck.items():
            if isinstance(value, float) or isinstance(post[key], float):
                assert _same(value, post[key]), (key, duck, post)
            else:
                assert value == post[key], (key, duck, post)


def test_text_columns_in_postgres_are_parsed_like_csv(pg: str) -> None:
    con = ibis.connect(pg)
    con.create_table("raw_accounts", schema=ibis.schema({"id": "string", "started": "string", "seats": "string"}))
    con.insert(
        "raw_accounts",
        {"id": ["a1", "a2", "a3"], "started": ["05/01/2024", "31/02/2024", ""], "seats": ["10", "ten", None]},
    )
    model = full_model(
        sources=db_sources().model_copy(
            update={
                "accounts": db_sources().accounts.model_copy(
                    update={
                        "table": "raw_accounts",
                        "columns": {"account_id": "id", "contract_start": "started"},
                        "date_format": "%d/%m/%Y",
                    }
                )
            }
        )
    )
    report = check_customer_data(model, db_url=pg, as_of=AS_OF)
    issues = {i.path: i.message for i in report.issues if i.level == "error"}
    assert "1 of 3 rows cannot be read as dates (e.g. '31/02/2024')" in issues["accounts.contract_start"]
    assert "1 of 3 rows cannot be read as numbers (e.g. 'ten')" in issues["accounts.seats"]
    con.disconnect()


def test_results_store_in_a_postgres_schema(pg: str, tmp_path: Path, company_parquet: Path) -> None:
    store_url = f"{pg}/csa_results"
    model = small_model()
    for _ in range(2):
        run = score_accounts(model, data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path, store_url=store_url)
    assert run.store.endswith("/csa_results")
    store = ResultsStore.open(store_url)
    assert [s.as_of for s in store.snapshots()] == [AS_OF]
    assert len(to_rows(store.rows(ACCOUNTS, AS_OF))) == 3
    store.close()
    assert not (tmp_path / "results.duckdb").exists()
