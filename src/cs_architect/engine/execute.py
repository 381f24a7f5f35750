"""Running engine expressions: every query the engine sends goes through here.

The engine builds its tables in stages (split text dates into fields, validate, convert;
aggregate, raw values, scores, weights). Ibis normally fuses consecutive projections into one
SELECT by inlining expressions, which repeats an expression each time a later stage uses it;
for the scoring that grows the SQL to hundreds of kilobytes. With fusing off each stage stays a
subquery that later stages refer to by column name: the SQL grows linearly and the database
optimiser still flattens what it can.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa


@contextmanager
def staged_sql() -> Iterator[None]:
    """Compile with each projection kept as its own subquery (``ibis.options.sql.fuse_selects``)."""
    before = ibis.options.sql.fuse_selects
    ibis.options.sql.fuse_selects = False
    try:
        yield
    finally:
        ibis.options.sql.fuse_selects = before


def to_arrow(expr: ir.Expr) -> pa.Table:
    """Run a table expression and return its rows as Arrow."""
    with staged_sql():
        return expr.to_pyarrow()


def to_rows(expr: ir.Table) -> list[dict[str, Any]]:
    """Run a table expression and return its rows as dicts (values typed by the database)."""
    return to_arrow(expr).to_pylist()


def scalar(expr: ir.Scalar) -> Any:
    """Run a scalar expression (a count, a maximum) and return its Python value."""
    with staged_sql():
        return expr.to_pyarrow().as_py()


def to_sql(expr: ir.Expr, dialect: str | None = None) -> str:
    """The SQL the engine would send for ``expr`` (for ``--explain``)."""
    with staged_sql():
        return str(ibis.to_sql(expr, dialect=dialect))
