"""Same arguments give byte-identical files; another seed gives other data."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cs_architect.demo import DemoOptions, generate
from cs_architect.inputs.project import Project


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def test_same_arguments_same_bytes(tmp_path: Path, shiftwise: Project, options: DemoOptions, demo_dir: Path) -> None:
    again = tmp_path / "again"
    generate(shiftwise, again, dataclasses.replace(options, truth=True))  # as demo_dir was made
    first, second = _files(demo_dir), _files(again)
    assert _files(demo_dir / "truth") == _files(again / "truth")
    assert first.keys() == second.keys()
    assert "events.parquet" in first and "manifest.json" in first
    for name in first:
        assert first[name] == second[name], name


@pytest.mark.parametrize("change", [{"seed": 8}, {"events": 140_000}])
def test_other_arguments_other_data(
    tmp_path: Path, shiftwise: Project, options: DemoOptions, demo_dir: Path, change: dict[str, int]
) -> None:
    other = tmp_path / "other"
    generate(shiftwise, other, dataclasses.replace(options, **change))
    assert (other / "events.parquet").read_bytes() != (demo_dir / "events.parquet").read_bytes()
    if "seed" in change:
        assert (other / "accounts.parquet").read_bytes() != (demo_dir / "accounts.parquet").read_bytes()
