"""Typed access to the packaged benchmark table (``data/benchmarks.yaml``).

Every row has a metric, a segment or ACV band, values, year, source URL and a reliability grade
(A primary dataset, B secondary write-up of a named primary, C rule of thumb). Design rules cite a
row by id; the playbook lists every row it used.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Literal

from pydantic import Field, TypeAdapter

from cs_architect.inputs.base import Strict
from cs_architect.yamlio import loads

Grade = Literal["A", "B", "C"]


class Benchmark(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    metric: str
    segment: str = Field(description="all, smb, mid_market, enterprise, self_serve, or an ACV band label")
    acv_min: float | None = None
    acv_max: float | None = None
    median: float | None = None
    top_quartile: float | None = None
    low: float | None = Field(None, description="low end of a published range")
    high: float | None = Field(None, description="high end of a published range")
    unit: str
    year: str = Field(description="publication year (data year in note)")
    source: str
    url: str
    grade: Grade
    rule_of_thumb: bool = Field(False, description="practitioner heuristic, not a measured benchmark")
    note: str = ""

    def cite(self) -> str:
        kind = "rule of thumb" if self.rule_of_thumb else f"grade {self.grade}"
        return f"{self.source} ({self.year}, {kind})"


class BenchmarkTable:
    def __init__(self, rows: list[Benchmark]) -> None:
        self.rows = rows
        self._by_id = {r.id: r for r in rows}
        if len(self._by_id) != len(rows):
            raise ValueError("benchmark ids must be unique")

    def __getitem__(self, row_id: str) -> Benchmark:
        try:
            return self._by_id[row_id]
        except KeyError:
            raise KeyError(f"no benchmark row '{row_id}' in data/benchmarks.yaml") from None

    def __contains__(self, row_id: str) -> bool:
        return row_id in self._by_id

    def __iter__(self) -> Iterator[Benchmark]:
        return iter(self.rows)


@cache
def load_benchmarks() -> BenchmarkTable:
    text = files("cs_architect").joinpath("data/benchmarks.yaml").read_text(encoding="utf-8")
    data = loads(text, "benchmarks.yaml").data
    rows = TypeAdapter(list[Benchmark]).validate_python(data["rows"])
    return BenchmarkTable(rows)
