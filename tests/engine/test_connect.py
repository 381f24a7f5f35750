"""Opening the customer's data by URL: what is shown, and a mistyped DuckDB path."""

from __future__ import annotations

from pathlib import Path

import pytest

from cs_architect.engine.connect import connect_data, redact
from cs_architect.errors import DataError


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("duckdb:///tmp/x.duckdb", "duckdb:///tmp/x.duckdb"),
        ("postgresql://ann@db:5432/prod", "postgresql://ann@db:5432/prod"),
        ("postgresql://ann:s3cret@db:5432/prod", "postgresql://ann:***@db:5432/prod"),
    ],
)
def test_redact_hides_only_the_password(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_a_missing_duckdb_database_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.duckdb"
    with pytest.raises(DataError, match="no such DuckDB database"):
        connect_data(db_url=f"duckdb:///{missing}")
    assert not missing.exists()
