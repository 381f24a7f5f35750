"""Shared demo datasets, generated once per session (small, so the whole suite stays fast).

- ``options``: the standard small run (Shiftwise, 300 accounts, 24 months, ~150k events).
- ``demo_dir``: that run written with ``--truth`` (latent health per account-month).
- ``read(dir, table)``: a table as a pyarrow Table.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_architect.demo import DemoOptions, generate
from cs_architect.inputs import load_project
from cs_architect.inputs.project import Project
from tests.conftest import EXAMPLES

END = date(2026, 6, 30)


@pytest.fixture(scope="session")
def shiftwise() -> Project:
    return load_project(EXAMPLES / "shiftwise")


@pytest.fixture(scope="session")
def options() -> DemoOptions:
    return DemoOptions(end=END, accounts=300, months=24, seed=7, events=150_000)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, shiftwise: Project, options: DemoOptions) -> Path:
    out = tmp_path_factory.mktemp("demo") / "data"
    generate(shiftwise, out, dataclasses.replace(options, truth=True))
    return out


def read(directory: Path, table: str) -> pa.Table:
    return pq.read_table(directory / f"{table}.parquet")
