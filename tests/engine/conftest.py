"""Engine test fixtures: the fixture company (CSV), a health model using every signal kind,
and a throw-away PostgreSQL database per test session.

PostgreSQL tests (``@pytest.mark.postgres``) use ``CSA_TEST_PG_URL`` (``eval "$(scripts/test-postgres
env)"``); without it they are skipped, unless ``CSA_REQUIRE_PG=1`` makes that a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import ibis
import pyarrow.parquet as pq
import pytest

from cs_architect.engine.connect import connect_data
from cs_architect.engine.contract import IBIS_TYPES, ContractData, load_contract
from cs_architect.engine.execute import to_arrow
from cs_architect.spec.health_model import Band, CategorySpec, HealthModel, LinearScoring, Signal
from cs_architect.spec.signals import CATEGORIES, DEFAULT_CATEGORY_WEIGHTS, SIGNAL_KINDS
from cs_architect.spec.sources import CONTRACT, Sources, TableSource, default_sources
from cs_architect.yamlio import dumps, load

FIXTURES = Path(__file__).parent / "fixtures"
COMPANY = FIXTURES / "company"
AS_OF = date(2024, 6, 30)
BANDS = [
    Band(id="healthy", name="Healthy", min=70),
    Band(id="at_risk", name="At risk", min=40),
    Band(id="critical", name="Critical", min=0),
]

# bad -> good for each kind (a scoring a CS lead could have written for the fixture company)
SCORING = {
    "active_user_ratio": (0.1, 0.6), "usage_trend": (0.5, 1.2), "days_since_last_activity": (30, 2),
    "feature_breadth": (0, 1), "value_event_frequency": (0, 5), "onboarding_progress": (0, 1),
    "tickets_per_seat": (0.5, 0.05), "open_high_priority_tickets": (3, 0), "first_response_sla": (0.5, 0.95),
    "ticket_csat": (0.5, 0.9), "nps": (-50, 50), "detractor_share": (0.5, 0), "csm_sentiment": (1, 5),
    "seat_utilisation": (0.2, 0.8), "failed_payments": (2, 0), "mrr_change": (0.8, 1.05),
    "days_to_renewal": (30, 120), "days_since_touchpoint": (90, 14), "executive_engagement": (0, 2),
    "qbr_cadence": (0.5, 1), "active_role_users": (0, 1),
}  # fmt: skip


def signal_cases() -> list[dict[str, Any]]:
    """The hand-computed cases of fixtures/signals.yaml."""
    return list(load(FIXTURES / "signals.yaml").data["signals"])


def full_model(**changes: Any) -> HealthModel:
    """A health model with one signal of every kind (params from signals.yaml), default weights."""
    params: dict[str, dict[str, Any]] = {}
    for case in signal_cases():
        params.setdefault(case["kind"], case["params"])
    categories = []
    for cat in CATEGORIES:
        signals = [
            Signal(
                id=kind,
                kind=kind,
                name=kind.replace("_", " ").capitalize(),
                weight=1,
                params=params[kind],
                scoring=LinearScoring(bad=SCORING[kind][0], good=SCORING[kind][1]),
            )
            for kind, spec in SIGNAL_KINDS.items()
            if spec.category == cat
        ]
        categories.append(CategorySpec(id=cat, weight=DEFAULT_CATEGORY_WEIGHTS[cat], signals=signals))
    data = {"company": "Fixture Co", "categories": categories, "bands": BANDS, "sources": default_sources()}
    return HealthModel(**(data | changes))


def write_model(out: Path, model: HealthModel) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "health_model.yaml").write_text(dumps(model.model_dump(mode="json")), encoding="utf-8")
    return out


def company_data(path: Path = COMPANY, sources: Sources | None = None) -> ContractData:
    """The fixture company read from CSV into the contract (embedded DuckDB)."""
    return load_contract(connect_data(data_dir=path), sources or default_sources(), CONTRACT)


@pytest.fixture(scope="session")
def company() -> Iterator[ContractData]:
    """The fixture company read from CSV once per session (read only: tests must not change it)."""
    data = company_data()
    yield data
    assert data.source is not None
    data.source.close()


@pytest.fixture(scope="session")
def company_parquet(tmp_path_factory: pytest.TempPathFactory, company: ContractData) -> Path:
    """The fixture company as Parquet files with contract types (no text to convert: fast)."""
    folder = tmp_path_factory.mktemp("company_parquet")
    for name, table in company.tables.items():
        pq.write_table(to_arrow(table.table), folder / f"{name}.parquet")
    return folder


def small_model(**changes: Any) -> HealthModel:
    """Five signals in three categories: quick to compile, for store and history tests."""
    keep = {
        "usage": ["active_user_ratio", "days_since_last_activity"],
        "support": ["open_high_priority_tickets"],
        "commercial": ["failed_payments", "days_to_renewal"],
    }
    weights = {"usage": 60, "support": 20, "commercial": 20}
    full = full_model()
    cats = [
        c.model_copy(update={"weight": weights[c.id], "signals": [s for s in c.signals if s.id in keep[c.id]]})
        for c in full.categories
        if c.id in keep
    ]
    return full_model(**({"categories": cats} | changes))


@pytest.fixture
def model() -> HealthModel:
    return full_model()


# -- PostgreSQL -----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_server() -> str:
    url = os.environ.get("CSA_TEST_PG_URL")
    if not url:
        if os.environ.get("CSA_REQUIRE_PG") == "1":
            pytest.fail('CSA_REQUIRE_PG=1 but CSA_TEST_PG_URL is not set (eval "$(scripts/test-postgres env)")')
        pytest.skip('CSA_TEST_PG_URL is not set; run: eval "$(scripts/test-postgres env)"')
    return url


@pytest.fixture(scope="session")
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh database ``csa_test_<random>`` on the test server, dropped afterwards."""
    name = f"csa_test_{uuid.uuid4().hex[:10]}"
    admin = ibis.connect(pg_server)
    admin.raw_sql(f"CREATE DATABASE {name}").close()  # test setup; the engine itself writes no SQL
    parts = urlsplit(pg_server)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        admin.raw_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ).close()
        admin.raw_sql(f"DROP DATABASE IF EXISTS {name}").close()
        admin.disconnect()


def load_into(url: str, data: ContractData, prefix: str = "") -> None:
    """Copy the contract tables of ``data`` into the database at ``url`` (native column types)."""
    con = ibis.connect(url)
    try:
        for name, table in data.tables.items():
            rows = to_arrow(table.table)
            schema = ibis.schema({c: IBIS_TYPES[t] for c, (t, _) in CONTRACT[name].items()})
            con.create_table(prefix + name, schema=schema)
            if rows.num_rows:
                con.insert(prefix + name, rows)
    finally:
        con.disconnect()


def db_sources(prefix: str = "") -> Sources:
    """Sources naming database tables ``<prefix><contract name>``."""
    return Sources(**{name: TableSource(table=prefix + name) for name in CONTRACT})
