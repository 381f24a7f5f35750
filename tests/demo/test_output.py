"""Where files go: chosen tables only, previous demo runs replaced, other folders never touched."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from cs_architect.demo import DemoOptions, generate
from cs_architect.errors import OutputError
from cs_architect.inputs.project import Project


def test_tables_option_and_rerun(tmp_path: Path, shiftwise: Project, options: DemoOptions) -> None:
    out = tmp_path / "data"
    small = dataclasses.replace(options, accounts=50, events=10_000)
    generate(shiftwise, out, small)
    assert (out / "touchpoints.parquet").exists()
    generate(shiftwise, out, dataclasses.replace(small, tables=("accounts", "events")))
    assert sorted(p.name for p in out.iterdir()) == ["accounts.parquet", "events.parquet", "manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["tables"]) == {"accounts", "events"}
    assert "touchpoints" in manifest["not_written"]
    assert not list(tmp_path.glob(".*demo-tmp*"))


def test_refuses_a_folder_it_did_not_write(tmp_path: Path, shiftwise: Project, options: DemoOptions) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    (out / "events.parquet").write_text("an old export")
    small = dataclasses.replace(options, accounts=10, events=1000, tables=("accounts", "users"))
    with pytest.raises(OutputError, match="--force"):
        generate(shiftwise, out, small)
    assert sorted(p.name for p in out.iterdir()) == ["events.parquet", "notes.txt"]
    # --force writes anyway, replaces files named like contract tables, keeps everything else.
    generate(shiftwise, out, small, force=True)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["accounts.parquet", "manifest.json", "notes.txt", "users.parquet"]
    assert (out / "notes.txt").read_text() == "keep me"


def test_unknown_table_is_an_error() -> None:
    with pytest.raises(OutputError, match="invoices"):
        DemoOptions(end=date(2026, 1, 1), tables=("accounts", "invoices"))
