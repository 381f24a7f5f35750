"""Where files go: chosen tables only, previous demo runs replaced, other folders never touched."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from cs_architect.demo import DemoOptions, generate
from cs_architect.errors import InputError, OutputError
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
    # --force writes anyway and replaces only the files it writes: the user's events.parquet stays.
    result = generate(shiftwise, out, small, force=True)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["accounts.parquet", "events.parquet", "manifest.json", "notes.txt", "users.parquet"]
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / "events.parquet").read_text() == "an old export"
    assert result.kept == ["events.parquet"] and result.removed == []
    # The next run (now a demo-data folder) still leaves it alone: no manifest lists it.
    result = generate(shiftwise, out, dataclasses.replace(small, tables=("accounts",)))
    assert (out / "events.parquet").read_text() == "an old export"
    assert result.removed == ["users.parquet"] and not (out / "users.parquet").exists()


def test_force_never_removes_tables_it_does_not_write(tmp_path: Path, shiftwise: Project, options: DemoOptions) -> None:
    # The break test: a user's exports, then `--tables accounts --force` (and `--events 0`).
    out = tmp_path / "exports"
    out.mkdir()
    (out / "events.parquet").write_bytes(b"user events")
    (out / "users.parquet").write_bytes(b"user users")
    (out / "truth").mkdir()
    (out / "truth" / "mine.txt").write_text("mine")
    small = dataclasses.replace(options, accounts=5, events=0, months=2)
    generate(shiftwise, out, dataclasses.replace(small, tables=("accounts",)), force=True)
    generate(shiftwise, out, small, force=True)
    assert (out / "events.parquet").read_bytes() == b"user events"
    assert (out / "truth" / "mine.txt").read_text() == "mine"
    assert (out / "users.parquet").read_bytes() != b"user users"  # written by this run, as --force says


def test_rerun_removes_only_what_the_previous_manifest_lists(
    tmp_path: Path, shiftwise: Project, options: DemoOptions
) -> None:
    out = tmp_path / "data"
    small = dataclasses.replace(options, accounts=5, events=1000, months=2)
    generate(shiftwise, out, dataclasses.replace(small, truth=True))
    (out / "truth" / "notes.txt").write_text("mine")
    result = generate(shiftwise, out, dataclasses.replace(small, events=0))
    assert not (out / "events.parquet").exists() and not (out / "truth" / "latent_health.parquet").exists()
    assert result.removed == ["events.parquet", "truth/latent_health.parquet"]
    assert (out / "truth" / "notes.txt").read_text() == "mine"
    # A manifest edited to list a file demo-data never writes removes nothing but its own tables.
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["tables"]["accounts"]["file"] = "../precious.txt"
    (out / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "precious.txt").write_text("keep")
    generate(shiftwise, out, dataclasses.replace(small, events=0, tables=("accounts",)))
    assert (tmp_path / "precious.txt").read_text() == "keep"


def test_unknown_table_is_an_error() -> None:
    with pytest.raises(OutputError, match="invoices"):
        DemoOptions(end=date(2026, 1, 1), tables=("accounts", "invoices"))


@pytest.mark.parametrize(
    ("end", "months", "match"),
    [
        (date(1, 2, 1), 1, "outside the supported range"),
        (date(9999, 12, 31), 1, "outside the supported range"),
        (date(1970, 6, 30), 1, "outside the supported range"),
        (date(1971, 1, 1), 13, "would start in 1969-12"),
    ],
)
def test_generation_dates_outside_the_supported_range_are_errors(end: date, months: int, match: str) -> None:
    with pytest.raises(InputError, match=match):
        DemoOptions(end=end, months=months)


def test_generation_dates_at_the_edges_of_the_range(tmp_path: Path, shiftwise: Project) -> None:
    for end, months in [(date(1971, 1, 1), 12), (date(2999, 12, 31), 2)]:
        out = tmp_path / str(end.year)
        generate(shiftwise, out, DemoOptions(end=end, accounts=3, months=months, events=200))
        assert json.loads((out / "manifest.json").read_text())["start"] >= "1970-01-01"
