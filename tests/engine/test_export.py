"""Exports: CSV cells that could run as spreadsheet formulas are neutralised (GLOSSARY)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pyarrow as pa

from cs_architect.engine.explain import show_score
from cs_architect.engine.export import safe_cell, to_csv


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
