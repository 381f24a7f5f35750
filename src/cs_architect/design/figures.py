"""Figures built from benchmark rows, and the units they are shown in.

A :class:`Figure` carries a value, a unit and its basis. The helpers here read one value of a
benchmark row (its median, top quartile, or the low or high end of a range), pick the row whose ACV
band holds a segment's ACV, and keep units readable ('1 business hour', not '1 business hours').
"""

from __future__ import annotations

import math
from typing import Literal

from cs_architect.design.context import DesignContext
from cs_architect.spec.basis import Basis, Figure

BenchField = Literal["median", "top_quartile", "low", "high"]
_UNITS = {
    "business_hours": "business hours",
    "accounts_per_csm": "accounts per CSM",
    "USD_arr_per_csm": "USD ARR per CSM",
    "nps": "NPS",
}
# Plural unit -> singular, for figures whose value is exactly 1.
_SINGULAR = {
    "days": "day",
    "hours": "hour",
    "minutes": "minute",
    "business hours": "business hour",
    "business days": "business day",
    "accounts": "account",
    "accounts per CSM": "account per CSM",
    "CSMs": "CSM",
    "months": "month",
}


def unit_for(value: float, unit: str) -> str:
    """The unit in the singular when the value is exactly 1 ('1 business hour')."""
    return _SINGULAR.get(unit, unit) if value == 1 else unit


def figure(value: float, unit: str, basis: list[Basis]) -> Figure:
    """A Figure whose unit agrees with its value (singular for 1)."""
    return Figure(value=value, unit=unit_for(value, unit), basis=basis)


def row_figure(ctx: DesignContext, row_id: str, field: BenchField, note: str = "") -> Figure:
    """A Figure holding one value of a benchmark row (its median, top quartile, low or high end)."""
    row = ctx.benchmarks[row_id]
    value = getattr(row, field)
    if value is None:
        raise KeyError(f"benchmark row '{row_id}' has no {field}")
    label = {"median": "median", "top_quartile": "top quartile", "low": "low end", "high": "high end"}[field]
    return figure(value, _UNITS.get(row.unit, row.unit), [ctx.bench(row_id, note or label)])


def acv_row(ctx: DesignContext, prefix: str, acv: float) -> str | None:
    """Id of the benchmark row with this id prefix whose ACV band (min inclusive, max exclusive) holds ``acv``."""
    for row in ctx.benchmarks:
        if (
            row.id.startswith(prefix)
            and (row.acv_min is None or acv >= row.acv_min)
            and (row.acv_max is None or acv < row.acv_max)
        ):
            return row.id
    return None


def quantity(value: float) -> str:
    """A large count in words a reader can say: 66.7 million, 27,700, 40."""
    if value >= 1_000_000_000:
        return f"{value / 1_000_000_000:.3g} billion"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g} million"
    return f"{value:,.0f}"


def round_sig(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant figures (thresholds read as 27,700, not 27,666,667)."""
    if value == 0:
        return 0.0
    magnitude = math.floor(math.log10(abs(value))) + 1
    return float(round(value, digits - magnitude))


def blend(parts: list[tuple[Figure, float]], note: str, extra: list[Basis]) -> Figure | None:
    """The weighted mean of per-segment figures: Σ value × weight ÷ Σ weight.

    A company-wide target is the blend of its segment targets (NRR by ARR, logo churn by accounts),
    so it never contradicts them. The basis is every part's basis plus ``extra`` (the weights'
    inputs), with ``note`` on the first benchmark. None when the weights sum to 0.
    """
    total = sum(w for _, w in parts)
    if total <= 0 or not parts:
        return None
    value = sum(f.value * w for f, w in parts) / total
    # The parts' own inputs are cited on their rows; the blend cites their benchmark rows and the weights.
    basis: list[Basis] = []
    for f, _ in parts:
        basis += [b for b in f.basis if b.kind != "input" and b not in basis]
    basis += [b for b in extra if b not in basis]
    basis[0] = basis[0].model_copy(update={"note": note})
    rounded = round(value) if abs(value) >= 10 else round(value, 1)
    return figure(rounded, parts[0][0].unit, basis)
