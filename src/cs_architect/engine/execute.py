"""Running engine expressions: every query the engine sends goes through here.

The engine builds its tables in stages (split text dates into fields, validate, convert;
aggregate, raw values, scores, weights). Ibis normally fuses consecutive projections into one
SELECT by inlining expressions, which repeats an expression each time a later stage uses it;
for the scoring that grows the SQL to hundreds of kilobytes. With fusing off each stage stays a
subquery that later stages refer to by column name: the SQL grows linearly and the database
optimiser still flattens what it can.

A table that several stages read (the prepared events: every row for sums and last-seen times,
the recent rows for distinct counts) becomes a CTE, and DuckDB, like PostgreSQL 12+, materialises
a CTE that is read more than once: every event row held in memory (3 GB of a 4.1 GB peak at 50M
events, bench/README.md). On those two backends the engine marks its CTEs ``NOT MATERIALIZED``,
so each reader scans the source with its own filters pushed down; the results are identical.

PostgreSQL goes the other way with subqueries in ``FROM``: it pulls simple ones up into the
query above, substituting each stage's expressions wherever the next stage uses them, so the
scoring's expressions multiply from stage to stage (at 184 accounts: 2.1 s to plan, 8.6 s to run,
92 MB of ``EXPLAIN VERBOSE``). ``OFFSET 0`` keeps a subquery as it is written; every derived
table of a PostgreSQL query gets one: 26 ms to plan, 0.3 s to run, the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ibis
import ibis.backends.sql.compilers as sc
import ibis.expr.types as ir
import pyarrow as pa
import sqlglot.expressions as sge
from ibis.backends import BaseBackend
from ibis.backends.sql.compilers.base import SQLGlotCompiler
from ibis.common.exceptions import IbisError

from cs_architect.errors import interrupted

SHAPED = ("duckdb", "postgres")  # dialects with `AS NOT MATERIALIZED`


def stop_if_interrupted(exc: BaseException) -> None:
    """Re-raise the user's Ctrl-C as KeyboardInterrupt, which handlers of database errors would
    otherwise report as bad data or an unreachable database."""
    if interrupted(exc):
        raise KeyboardInterrupt from None


@contextmanager
def staged_sql() -> Iterator[None]:
    """Compile with each projection kept as its own subquery (``ibis.options.sql.fuse_selects``)."""
    before = ibis.options.sql.fuse_selects
    ibis.options.sql.fuse_selects = False
    try:
        yield
    finally:
        ibis.options.sql.fuse_selects = before


def inline_ctes(query: sge.Expression) -> sge.Expression:
    """Mark every CTE of ``query`` ``NOT MATERIALIZED`` (in place).

    Ibis puts all CTEs in the outermost ``WITH``; only that is looked at (walking the whole
    tree of the scoring query would cost more than the rest of this).
    """
    with_ = query.args.get("with") or query.args.get("with_")
    for cte in with_.expressions if with_ is not None else ():
        cte.set("materialized", False)
    return query


def fence_subqueries(query: sge.Expression) -> sge.Expression:
    """Give every derived table without a LIMIT or OFFSET an ``OFFSET 0`` (in place), which
    keeps PostgreSQL from pulling it up into the query above."""
    for sub in query.find_all(sge.Subquery):
        select = sub.this
        if isinstance(select, sge.Select) and not select.args.get("limit") and not select.args.get("offset"):
            select.set("offset", sge.Offset(expression=sge.Literal.number(0)))
    return query


_engine_compilers: dict[type, type] = {}


def _engine_compiler(compiler: SQLGlotCompiler) -> SQLGlotCompiler:
    """A compiler of the same class whose queries are shaped for the engine (see the module)."""
    base = type(compiler)
    if base not in _engine_compilers:
        fence = issubclass(base, sc.PostgresCompiler)

        class Engine(base):  # type: ignore[valid-type, misc]
            def to_sqlglot(self, expr: ir.Expr, **kwargs: Any) -> sge.Expression:
                query = inline_ctes(super().to_sqlglot(expr, **kwargs))
                return fence_subqueries(query) if fence else query

        Engine.__name__ = Engine.__qualname__ = f"Engine{base.__name__}"
        _engine_compilers[base] = Engine
    return _engine_compilers[base]()


def use_engine_compiler(con: BaseBackend) -> None:
    """Make every query compiled for this connection take the engine's shape: CTEs inlined
    (DuckDB and PostgreSQL), derived tables fenced (PostgreSQL).

    The tree Ibis builds is changed before it is rendered: re-parsing the rendered scoring SQL
    would cost about a second. Only this connection's compiler changes.
    """
    compiler = getattr(con, "compiler", None)
    if compiler is not None and con.name in SHAPED:
        con.compiler = _engine_compiler(compiler)


def _run(expr: ir.Expr) -> Any:
    """Run ``expr`` and return Arrow: a table, or a scalar for a scalar expression."""
    with staged_sql():
        backend = expr._find_backend(use_default=True)
        if backend.name != "duckdb":
            return expr.to_pyarrow()
        # DuckDB's own `to_pyarrow` imports pandas for its type mapper (0.2 s of every run);
        # the generic Arrow mapper gives the same types for everything the engine returns.
        table = expr.as_table()
        backend._run_pre_execute_hooks(table)
        arrow = backend.con.sql(backend.compile(table)).to_arrow_table()
        return expr.__pyarrow_result__(arrow)


def to_arrow(expr: ir.Expr) -> pa.Table:
    """Run a table expression and return its rows as Arrow."""
    result: pa.Table = _run(expr)
    return result


def to_rows(expr: ir.Table) -> list[dict[str, Any]]:
    """Run a table expression and return its rows as dicts (values typed by the database)."""
    return to_arrow(expr).to_pylist()


def scalar(expr: ir.Scalar) -> Any:
    """Run a scalar expression (a count, a maximum) and return its Python value."""
    return _run(expr).as_py()


def to_sql(expr: ir.Expr, dialect: str | None = None) -> str:
    """The SQL the engine would send for ``expr`` (for ``--explain``), pretty-printed.

    ``dialect`` defaults to the backend of ``expr`` (DuckDB for unbound tables).
    """
    if dialect is None:
        try:
            dialect = expr._find_backend(use_default=True).name
        except IbisError:
            dialect = "duckdb"
    compiler = getattr(sc, dialect).compiler
    if dialect in SHAPED:
        compiler = _engine_compiler(compiler)
    with staged_sql():
        query = compiler.to_sqlglot(expr.unbind())
    return str(query.sql(dialect=compiler.dialect, pretty=True))
