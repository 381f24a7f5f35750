"""`csa demo-data` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES

CSA = [sys.executable, "-m", "cs_architect"]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CSA, *map(str, args)], capture_output=True, text=True)


def test_demo_data_writes_tables_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "data"
    r = run(
        "demo-data",
        out,
        "--inputs",
        EXAMPLES / "tallyhive",
        "--accounts",
        "40",
        "--months",
        "6",
        "--events",
        "5000",
        "--end",
        "2026-03-01",
        "--seed",
        "2",
        "--tables",
        "events,users",
    )
    assert r.returncode == 0, r.stderr
    assert "events" in r.stdout and "rows" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "accounts.parquet",
        "events.parquet",
        "manifest.json",
        "users.parquet",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["company"] == "Tallyhive" and manifest["end"] == "2026-03-01"


def test_demo_data_errors_are_messages(tmp_path: Path) -> None:
    r = run("demo-data", tmp_path / "x", "--inputs", tmp_path / "missing", "--end", "2026-03-01")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "no such file" in r.stderr
    r = run("demo-data", tmp_path / "x", "--inputs", EXAMPLES / "shiftwise", "--tables", "events,bogus")
    assert r.returncode == 2 and "bogus" in r.stderr
    r = run("demo-data", tmp_path / "x", "--inputs", EXAMPLES / "shiftwise", "--end", "0001-02-01")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "1971-01-01 to 2999-12-31" in r.stderr
    assert not (tmp_path / "x").exists()


def test_demo_data_force_keeps_files_it_does_not_write(tmp_path: Path) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    (out / "events.parquet").write_bytes(b"mine")
    args = ("--inputs", EXAMPLES / "shiftwise", "--accounts", "5", "--months", "2", "--end", "2026-06-30")
    r = run("demo-data", out, *args, "--tables", "accounts", "--force")
    assert r.returncode == 0, r.stderr
    assert (out / "events.parquet").read_bytes() == b"mine"
    assert "kept as they were (not written by demo-data): events.parquet" in r.stdout


def test_demo_data_stages_in_a_fresh_folder_never_a_fixed_name(tmp_path: Path) -> None:
    neighbour = tmp_path / ".exports.demo-tmp"  # the fixed staging name of an earlier version
    neighbour.mkdir()
    (neighbour / "thesis.txt").write_text("precious")
    args = ("--inputs", EXAMPLES / "shiftwise", "--accounts", "5", "--months", "2", "--end", "2026-06-30")
    r = run("demo-data", tmp_path / "exports", *args, "--tables", "accounts")
    assert r.returncode == 0, r.stderr
    assert (neighbour / "thesis.txt").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".exports.demo-tmp", "exports"]  # staging removed
