"""Exports: CSV cells that could run as spreadsheet formulas are neutralised (GLOSSARY); files are
written atomically without changing their permissions or replacing a symlink."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from cs_architect.engine.explain import show_score
from cs_architect.engine.export import safe_cell, to_csv, to_json, write_atomically
from cs_architect.errors import OutputError


def test_formula_cells_are_prefixed() -> None:
    for text in ("=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Acme") == "Acme" and safe_cell(-3.5) == -3.5 and safe_cell(None) is None


def test_csv_export_keeps_numbers_and_guards_text() -> None:
    rows = pa.table({"as_of": [date(2024, 6, 30)], "name": ['=HYPERLINK("http://x")'], "change": [-2.5]})
    parsed = list(csv.reader(io.StringIO(to_csv(rows))))
    assert parsed == [["as_of", "name", "change"], ["2024-06-30", '\'=HYPERLINK("http://x")', "-2.5"]]


def test_shown_scores_never_cross_a_band_boundary() -> None:
    assert show_score(39.999) == "39.9" and show_score(70.0) == "70.0" and show_score(None) == "-"


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("old")
    path.chmod(0o640)
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["scores.csv"]  # no temporary file left


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomically(tmp_path / "new.csv", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "scores.json"
    target.write_text("old")
    target.chmod(0o644)
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    assert write_atomically(link, b"{}") == target
    assert link.is_symlink() and target.read_bytes() == b"{}" and stat.S_IMODE(target.stat().st_mode) == 0o644
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "real" / "later.json")
    write_atomically(dangling, b"[]")
    assert dangling.is_symlink() and (tmp_path / "real" / "later.json").read_bytes() == b"[]"


def test_a_folder_in_the_way_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file")
    with pytest.raises(OutputError, match="cannot write"):
        write_atomically(tmp_path / "blocker" / "scores.csv", b"x")


def test_json_export_writes_null_for_non_finite_numbers() -> None:
    rows = pa.table({"account_id": ["a", "b", "c"], "arr": [float("inf"), float("nan"), 1.5], "score": [1.0, 2.0, 3.0]})
    text = to_json(rows)
    assert "Infinity" not in text and "NaN" not in text
    assert [r["arr"] for r in json.loads(text)] == [None, None, 1.5]
    nested = json.loads(to_json({"account": {"arr": float("-inf")}, "signals": [{"raw": float("nan")}]}))
    assert nested == {"account": {"arr": None}, "signals": [{"raw": None}]}
