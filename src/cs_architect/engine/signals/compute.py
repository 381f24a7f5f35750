"""Run signal plans together: one ``GROUP BY account_id`` per source table, then raw values.

The result is one row per scoreable account with its accounts columns and one raw-value column
per signal (NULL where it has no data). Everything stays an Ibis expression; nothing runs until
the caller executes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

from cs_architect.engine.contract import ContractData
from cs_architect.engine.signals.kinds import plan_signal
from cs_architect.engine.signals.plan import TIME_COLUMN, Agg, Derived, Frame, SignalPlan, Window

BASE_COLUMNS = ("account_id", "name", "segment", "plan", "owner", "arr", "seats", "renewal_date",
                "start", "age_days")  # fmt: skip


def raw_column(signal_id: str) -> str:
    """Name of a signal's raw-value column in the signal frame."""
    return f"{signal_id}__raw"


@dataclass(frozen=True)
class SignalRequest:
    """One signal of the model: its id (the output column), kind, params and the account
    segments it applies to (empty: all accounts)."""

    id: str
    kind: str
    params: Mapping[str, object] = field(default_factory=dict)
    segments: tuple[str, ...] = ()


@dataclass
class SignalFrame:
    """Per-account raw values (``table``: base columns + ``<id>__raw``) and, per signal
    without data for anyone, why."""

    table: ir.Table
    no_data: dict[str, str]


def account_base(accounts: ir.Table, w: Window) -> ir.Table:
    """Accounts scored on the as-of date, with their start and age in days.

    Start = contract start, else creation date. Accounts churned by the as-of date, or not yet
    started, are not scored.
    """
    a = accounts.filter(accounts.account_id.notnull() & (accounts.churned_at.isnull() | (accounts.churned_at >= w.end)))
    a = a.mutate(start=ibis.coalesce(a.contract_start, a.created_at.date()))
    a = a.filter(a.start.isnull() | (a.start <= w.as_of))
    return a.select(*BASE_COLUMNS[:-1], age_days=w.days_since(a.start))


def segment_applies(segment: ir.StringValue, segments: Sequence[str]) -> ir.BooleanValue:
    """Whether a signal scoped to ``segments`` applies to an account of ``segment``: always
    when the list is empty; otherwise only when the account's segment is listed (an account
    without a segment is not in any listed segment)."""
    if not segments:
        return ibis.literal(True)
    return segment.isin(list(segments)).fill_null(False)


def _prepared(data: ContractData, w: Window) -> dict[str, ir.Table]:
    out = {}
    for name in data.tables:
        if name == "accounts":
            continue
        t = data.get(name)
        assert t is not None
        col = TIME_COLUMN.get(name)
        if col is not None:
            stamp = t[col].cast("timestamp")
            keep = stamp < w.end
            t = t.filter(stamp.isnull() | keep) if name == "users" else t.filter(keep)
        out[name] = t
    return out


def _no_data_reason(plan: SignalPlan, data: ContractData) -> str | None:
    for table in plan.needs:
        if not data.has(table):
            return f"no {table} data ({data.missing.get(table, 'not in sources')})"
    for ref in plan.columns:
        table, column = ref.split(".")
        t = data.tables.get(table)
        if t is not None and not t.present(column):
            return f"no {ref} column in the data"
    return None


def _groups(
    by_source: dict[str, dict[str, Agg]], prepared: dict[str, ir.Table], derived: dict[str, Derived], w: Window
) -> list[tuple[ir.Table, dict[str, Agg]]]:
    """One aggregation per source; distinct counts over recent rows get their own, on the
    source filtered to the earliest time they need (see :class:`Agg`)."""
    out = []
    for source in sorted(by_source):
        aggs = by_source[source]
        t = prepared[source] if source in prepared else derived[source].build(prepared, w)
        recent = {k: a for k, a in aggs.items() if a.since is not None and source in TIME_COLUMN}
        rest = {k: a for k, a in aggs.items() if k not in recent}
        if rest:
            out.append((t, rest))
        if recent:
            since = min(a.since for a in recent.values() if a.since is not None)
            out.append((t.filter(t[TIME_COLUMN[source]] >= since), recent))
    return out


def _name_tests(t: ir.Table, exprs: Iterable[ir.Value]) -> list[ops.Node]:
    """The tests of a text column of ``t`` against names (``event IN (...)``, ``kind = 'qbr'``)
    in ``exprs``, in a stable order."""
    found: dict[ops.Node, None] = {}
    for e in exprs:
        for node in e.op().find((ops.InValues, ops.Equals), filter=ops.Value, ordered=True):
            if isinstance(node, ops.InValues):
                column = node.value
            else:
                column, other = (
                    (node.left, node.right) if isinstance(node.right, ops.Literal) else (node.right, node.left)
                )
                if not isinstance(other, ops.Literal):
                    continue
            if isinstance(column, ops.Field) and column.rel == t.op() and column.dtype.is_string():
                found[node] = None
    return list(found)


def _aggregate(t: ir.Table, aggs: Mapping[str, Agg]) -> ir.Table:
    """``GROUP BY account_id`` of every aggregate on ``t``, each name test computed once per row.

    Signals filter the same rows by the same event names (value events in three windows, the
    last value event, each milestone's event): written as they are, the database compares the
    text of every row once per aggregate. Each distinct test becomes a boolean column of the
    rows first, which the aggregates' filters read (at 10M events: 0.83 s -> 0.50 s for the
    events aggregation in DuckDB).
    """
    tests = _name_tests(t, (a.expr(t) for a in aggs.values()))
    if not tests:
        return t.group_by("account_id").aggregate(**{col: agg.expr(t) for col, agg in aggs.items()})
    columns = {f"_csa_test{i}": test.to_expr() for i, test in enumerate(tests)}
    flagged = t.mutate(**columns)
    rebased = {
        test.replace({t.op(): flagged.op()}): flagged[name].op() for test, name in zip(tests, columns, strict=True)
    }
    return flagged.group_by("account_id").aggregate(
        **{col: agg.expr(flagged).op().replace(rebased).to_expr() for col, agg in aggs.items()}
    )


def compute_signals(data: ContractData, signals: Sequence[SignalRequest], as_of: date) -> SignalFrame:
    """Raw values of ``signals`` for every scoreable account, as one Ibis table.

    Aggregates of all signals that read the same source are computed in one grouped
    aggregation (so ``events`` is scanned once), then joined to the accounts.
    """
    w = Window(as_of)
    accounts = data.get("accounts")
    if accounts is None:
        raise ValueError("the accounts table is required")
    base = account_base(accounts, w)
    prepared = _prepared(data, w)
    active: dict[str, SignalPlan] = {}
    no_data: dict[str, str] = {}
    derived: dict[str, Derived] = {}
    by_source: dict[str, dict[str, Agg]] = {}
    for req in signals:
        plan = plan_signal(req.kind, req.params, w)
        reason = _no_data_reason(plan, data)
        if reason:
            no_data[req.id] = reason
            continue
        active[req.id] = plan
        for d in plan.derived:
            derived[d.key] = d
        for name, agg in plan.aggs.items():
            if agg.source in prepared or agg.source in derived:
                by_source.setdefault(agg.source, {})[f"{req.id}__{name}"] = agg

    wide = base
    for t, aggs in _groups(by_source, prepared, derived, w):
        grouped = _aggregate(t, aggs)
        joined = wide.left_join(grouped, "account_id")
        wide = joined.select(*[c for c in joined.columns if c != "account_id_right"])

    present = set(prepared) | set(derived)
    raws: dict[str, ir.Value] = {}
    for req in signals:
        if req.id in active:
            value = active[req.id].raw(Frame(wide, req.id, active[req.id], w, present)).cast("float64")
            if req.segments:  # other segments get no data: the signal's weight is redistributed for them
                value = segment_applies(wide.segment, req.segments).ifelse(value, ibis.null("float64"))
            raws[raw_column(req.id)] = value
        else:
            raws[raw_column(req.id)] = ibis.null("float64")
    return SignalFrame(table=wide.select(*BASE_COLUMNS, **raws), no_data=no_data)


def signal_table(data: ContractData, kind: str, params: Mapping[str, object], as_of: date) -> ir.Table:
    """One signal alone: ``Table[account_id, raw]`` for every scoreable account."""
    frame = compute_signals(data, [SignalRequest("raw", kind, params)], as_of)
    return frame.table.select("account_id", raw=frame.table[raw_column("raw")])
