"""Where a number comes from: an input field, a benchmark row, or a named assumption."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cs_architect.inputs.base import Strict

BasisKind = Literal["input", "benchmark", "assumption", "data"]


class Basis(Strict):
    """The basis of a number.

    - ``input``: ``ref`` is 'file:line field.path' of the user's input (e.g. 'pricing.yaml:12 plans[0].price').
    - ``benchmark``: ``ref`` is a row id of the packaged benchmark table (data/benchmarks.yaml).
    - ``assumption``: ``ref`` is the id of an assumption listed in the playbook (stated, reviewable).
    - ``data``: ``ref`` names a table/column of the customer's data (engine outputs).
    """

    kind: BasisKind
    ref: str
    note: str = ""

    def label(self) -> str:
        return f"{self.kind}: {self.ref}" + (f" ({self.note})" if self.note else "")


def from_input(ref: str, note: str = "") -> Basis:
    return Basis(kind="input", ref=ref, note=note)


def from_benchmark(row_id: str, note: str = "") -> Basis:
    return Basis(kind="benchmark", ref=row_id, note=note)


def from_assumption(assumption_id: str, note: str = "") -> Basis:
    return Basis(kind="assumption", ref=assumption_id, note=note)


class Sourced(Strict):
    """Mixin for spec items whose numbers need a stated basis."""

    basis: list[Basis] = Field(default_factory=list, description="where the numbers of this item come from")


class Figure(Strict):
    """A number in the playbook with its unit and basis, e.g. 90 days (benchmark renewal_kickoff)."""

    value: float
    unit: str = Field(description="'days', 'hours', '%', 'accounts', 'ratio', 'score', or a currency code")
    basis: list[Basis] = Field(min_length=1)

    def text(self) -> str:
        v = f"{self.value:,.0f}" if float(self.value).is_integer() or abs(self.value) >= 100 else f"{self.value:,.2g}"
        if self.unit == "%":
            return f"{v}%"
        if self.unit == "ratio":
            return f"{self.value:.2f}"
        return f"{v} {self.unit}"
