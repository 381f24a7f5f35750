"""Whether the data can give a trustworthy snapshot, checked around the scoring query.

- **No accounts** (the accounts table is empty, or nothing is left after ``sources.accounts.where``)
  and **no scoreable account** (every account churned or not started by the as-of date) stop the
  run with a :class:`DataError` before anything is written: an empty snapshot would replace a
  good one of the same date and say nothing.
- **Stale data**: when the newest row of an activity table is older than its expected pace
  (:data:`STALE_DAYS`) at the as-of date, signals see a customer base that went quiet; the
  summary says so at the top and suggests the as-of date the export supports.
- **Heavy gaps**: a missing table that carries at least :data:`HEAVY_SHARE` % of the model's
  weight is named at the top of the summary, with the share and the coverage it leaves.

Each check is one small aggregate query (or none, when the counts are already known).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from cs_architect.engine.checks import DataReport
from cs_architect.engine.contract import ContractData
from cs_architect.engine.execute import to_rows
from cs_architect.engine.scoring import nominal_weights
from cs_architect.errors import DataError
from cs_architect.issues import Issue
from cs_architect.spec.health_model import HealthModel
from cs_architect.spec.sources import Sources, TableSource

# Activity tables and the days without a row after which their data looks stale. Events come
# from daily product use (any active customer base logs some every week); tickets and payments
# come at a slower pace (a monthly billing cycle, plus a few days of retries).
ACTIVITY_TIME = {"events": "ts", "tickets": "created_at", "payments": "ts"}
STALE_DAYS = {"events": 7, "tickets": 30, "payments": 35}
NOUNS = {"events": "event", "tickets": "ticket", "payments": "payment"}
HEAVY_SHARE = 30.0  # % of the model's weight: a missing table above this is announced first


def _table_spec(sources: Sources, name: str) -> TableSource:
    present = sources.present()
    return present[name] if name in present else TableSource.model_validate({"file": f"{name}.*", "table": name})


def require_accounts(report: DataReport, data: ContractData, sources: Sources) -> None:
    """Raise :class:`DataError` when the accounts table has no rows (after ``where``).

    The row count comes from the data check (it always counts the accounts), so this costs no
    query.
    """
    accounts = data.tables.get("accounts")
    status = next((t for t in report.tables if t.name == "accounts"), None)
    if accounts is None or status is None or status.rows is None or status.rows > 0:
        return
    spec = _table_spec(sources, "accounts")
    after = f" left after sources.accounts.where {spec.where}" if spec.where else ""
    message = f"{accounts.origin} has no accounts{after}: nothing was written"
    hint = "loosen sources.accounts.where" if spec.where else "check the accounts export"
    raise DataError(
        message,
        [
            Issue(
                "error",
                f"0 account rows{after}; the results store is left as it was",
                file=accounts.origin,
                path="sources.accounts.where" if spec.where else "accounts",
                hint=hint,
            )
        ],
    )


def no_scoreable_accounts(data: ContractData, as_of: date) -> DataError:
    """The error for a run where no account is scoreable on ``as_of``, saying why: how many
    accounts start after it (and the earliest start), churned by then, or have no id."""
    accounts = data.tables["accounts"]
    a = accounts.table
    end = datetime.combine(as_of + timedelta(days=1), time(0))
    start = ibis.coalesce(a.contract_start, a.created_at.date())
    churned = a.account_id.notnull() & (a.churned_at < end)
    counts = to_rows(
        a.aggregate(
            rows=a.count(),
            no_id=a.count(where=a.account_id.isnull()),
            churned=a.count(where=churned),
            later=a.count(where=a.account_id.notnull() & ~churned.fill_null(False) & (start > as_of)),
            earliest=start.min(where=a.account_id.notnull() & (a.churned_at.isnull() | (a.churned_at >= end))),
            last_churn=a.churned_at.max(where=churned),
        )
    )[0]
    why = []
    if counts["later"]:
        why.append(f"{counts['later']:,} start after it")
    if counts["churned"]:
        why.append(f"{counts['churned']:,} churned by then")
    if counts["no_id"]:
        why.append(f"{counts['no_id']:,} have no id")
    earliest, last_churn = counts["earliest"], counts["last_churn"]
    hint = "check accounts.account_id, churned_at and the start dates (contract_start, created_at)"
    if isinstance(earliest, date) and earliest > as_of:
        hint = f"the earliest contract start or creation is {earliest}: pass --as-of {earliest} or later"
    elif counts["churned"] and not counts["later"] and isinstance(last_churn, datetime):
        before = last_churn.date() - timedelta(days=1)
        last = last_churn.date()
        hint = f"every account with an id churned by then (the last on {last}): pass --as-of {before} or earlier"
    message = (
        f"none of the {counts['rows']:,} accounts in {accounts.origin} can be scored as of {as_of}"
        f"{': ' + ', '.join(why) if why else ''}; nothing was written"
    )
    detail = "no account is active on this date (started, not churned, with an id); the results store is left as it was"
    return DataError(message, [Issue("error", detail, file=accounts.origin, path="accounts", hint=hint)])


@dataclass(frozen=True)
class Staleness:
    """An activity table whose newest row is ``days`` old at the as-of date (``newest`` None:
    the table has no rows at all)."""

    table: str
    origin: str
    newest: date | None
    days: int | None

    unnamed: str | None = None  # a column signals filter on, empty in every row
    later: int = 0  # rows, all of them dated after the as-of date (``newest`` is then None)

    def message(self, as_of: date) -> str:
        if self.later:
            return (
                f"all {self.later:,} rows of {self.origin} are dated after the as-of date {as_of}: signals reading "
                f"{self.table} see no activity at all (is --as-of right?)"
            )
        if self.unnamed is not None:
            return (
                f"{self.origin}: no row has a value in {self.table}.{self.unnamed}: signals that look for "
                f"particular {self.unnamed} names see no activity at all (check sources.{self.table}.columns)"
            )
        if self.newest is None:
            return f"{self.origin} has no rows: signals reading {self.table} see no activity at all"
        effect = (
            "usage signals will look worse than they are"
            if self.table == "events"
            else f"signals reading {self.table} see nothing after it"
        )
        return (
            f"the newest {NOUNS[self.table]} is {self.newest}, {self.days} days before the as-of date "
            f"{as_of}: {effect}; if the export ends there, pass --as-of {self.newest}"
        )


NAME_COLUMN = {"events": "event", "touchpoints": "kind"}  # what signals filter activity rows by


def newest_rows(data: ContractData, as_of: date, tables: Iterable[str]) -> dict[str, tuple[date | None, int, int]]:
    """Table -> (date of its newest row on or before ``as_of``, its row count, how many of its
    rows are dated after ``as_of``) for the activity tables among ``tables`` that are present.

    Rows after the as-of date do not count as recent: the scoring ignores them. One query of a
    plain ``max`` and count per table (a Parquet file answers them from its statistics), and a
    second, filtered one only for the tables with rows after the as-of date.
    """
    end = datetime.combine(as_of + timedelta(days=1), time(0))
    found = {n: t for n in sorted(set(tables) & set(ACTIVITY_TIME)) if (t := data.get(n)) is not None}
    stamps = {n: t[ACTIVITY_TIME[n]].cast("timestamp") for n, t in found.items()}

    def run(parts: dict[str, ir.Table]) -> list[dict[str, Any]]:
        labelled = [part.mutate(table=ibis.literal(n)) for n, part in parts.items()]
        return to_rows(labelled[0] if len(labelled) == 1 else ibis.union(*labelled)) if labelled else []

    out: dict[str, tuple[date | None, int, int]] = {}
    for r in run({n: t.aggregate(newest=stamps[n].max(), rows=t.count()) for n, t in found.items()}):
        out[r["table"]] = (_day(r["newest"]), int(r["rows"] or 0), 0)
    later = {n: found[n] for n, (newest, _, _) in out.items() if newest is not None and newest > as_of}
    filtered = {n: t.aggregate(newest=stamps[n].max(where=stamps[n] < end), later=t.count(where=stamps[n] >= end))
                for n, t in later.items()}  # fmt: skip
    for r in run(filtered):
        out[r["table"]] = (_day(r["newest"]), out[r["table"]][1], int(r["later"] or 0))
    return out


def _day(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else value if isinstance(value, date) else None


def unnamed_tables(data: ContractData, tables: Iterable[str]) -> list[str]:
    """Activity tables (of ``tables``) with rows but no row with a name (:data:`NAME_COLUMN`).

    One query of a ``LIMIT 1`` per table: the database stops at the first named row, so the
    usual case reads a few rows, not the table (a count of named rows took 0.65 s at 50M events).
    """
    parts: dict[str, ir.Table] = {}
    for name in sorted(set(tables) & set(NAME_COLUMN)):
        t = data.get(name)
        if t is not None and data.tables[name].present(NAME_COLUMN[name]):
            parts[name] = t.filter(t[NAME_COLUMN[name]].notnull()).limit(1).select(table=ibis.literal(name))
    if not parts:
        return []
    union = ibis.union(*parts.values()) if len(parts) > 1 else next(iter(parts.values()))
    named = {r["table"] for r in to_rows(union)}
    return [name for name in parts if name not in named]


def stale_tables(data: ContractData, as_of: date, tables: Iterable[str]) -> list[Staleness]:
    """Activity tables (of ``tables``) whose newest row is more than :data:`STALE_DAYS` days
    before ``as_of``, that have no rows, or none with an event name (touchpoint kind)."""
    out = []
    newest_of = newest_rows(data, as_of, tables)
    with_rows = [name for name, (newest, rows, _) in newest_of.items() if rows and newest is not None]
    unnamed = set(unnamed_tables(data, with_rows))
    for name, (newest, rows, later) in sorted(newest_of.items()):
        origin = data.tables[name].origin
        if rows and newest is None and later:
            out.append(Staleness(name, origin, None, None, later=later))
            continue
        if rows == 0 or newest is None:
            out.append(Staleness(name, origin, None, None))
            continue
        if name in unnamed:
            out.append(Staleness(name, origin, newest, None, NAME_COLUMN[name]))
            continue
        days = (as_of - newest).days
        if days > STALE_DAYS[name]:
            out.append(Staleness(name, origin, newest, days))
    return out


def heavy_gaps(model: HealthModel, data: ContractData, no_data: Mapping[str, str], coverage: float | None) -> list[str]:
    """One line per missing (or unusable) table whose signals carry at least
    :data:`HEAVY_SHARE` % of the model's weight, e.g. "events table not found (sources.events.file
    'events.*' in exports): 45% of the model's weight has no data; coverage 55%"."""
    nominal = nominal_weights(model)
    source = data.source
    lines = []
    for name, reason in data.missing.items():
        if name == "accounts":
            continue
        share = sum(w for sid, w in nominal.items() if no_data.get(sid, "").startswith(f"no {name} data"))
        if share < HEAVY_SHARE:
            continue
        spec = _table_spec(model.sources, name)
        if reason.startswith("unusable"):
            what = f"{name} table unusable ({reason.removeprefix('unusable: ')})"
        elif source is not None and source.kind == "database":
            what = f"{name} table not found (sources.{name}.table '{spec.table or name}' in {source.where})"
        else:
            where = f" in {source.where}" if source is not None else ""
            what = f"{name} table not found (sources.{name}.file '{spec.file}'{where})"
        cov = f"; coverage {coverage:.0f}%" if coverage is not None else ""
        lines.append(f"{what}: {share:.0f}% of the model's weight has no data{cov}")
    return lines


def segment_issues(model: HealthModel, segments: Iterable[str | None]) -> list[Issue]:
    """Warnings for signals scoped to segments that no scored account belongs to (a typo in
    ``segments``, or segment ids that differ from ``accounts.segment``)."""
    seen = {s for s in segments if s is not None}
    issues = []
    for ci, cat in enumerate(model.categories):
        for si, s in enumerate(cat.signals):
            if s.segments and not seen & set(s.segments):
                known = ", ".join(sorted(seen)[:10]) or "none"
                issues.append(
                    Issue(
                        "warning",
                        f"signal '{s.id}' applies to segments {', '.join(s.segments)}, which no scored account "
                        f"has (accounts.segment values: {known}); it has no data for anyone",
                        path=f"categories[{ci}].signals[{si}].segments",
                    )
                )
    return issues
