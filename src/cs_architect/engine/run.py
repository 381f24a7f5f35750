"""Score every account: data -> contract -> check -> signals -> scores -> results store.

:func:`score_accounts` is the single entry point (the CLI and the benchmarks call it). The
whole scoring is one Ibis expression run where the data lives; only the per-account results
(one row per account, signal and category) travel to the results store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from cs_architect.engine.checks import DataReport, check_data
from cs_architect.engine.connect import DataSource, connect_data
from cs_architect.engine.contract import ContractData, load_contract, unbound_contract
from cs_architect.engine.execute import to_arrow, to_sql
from cs_architect.engine.model import model_digest, tables_needed
from cs_architect.engine.readiness import (
    heavy_gaps,
    no_scoreable_accounts,
    require_accounts,
    segment_issues,
    stale_tables,
)
from cs_architect.engine.scoring import category_column, points_column, score_column, score_table, weight_column
from cs_architect.engine.signals import SignalRequest, compute_signals, raw_column
from cs_architect.engine.store import ResultsStore, Snapshot
from cs_architect.engine.summary import ScoreRun, summarise
from cs_architect.errors import BackendError, DataError
from cs_architect.issues import Issue
from cs_architect.spec.health_model import HealthModel

Progress = Callable[[str], None]
NO_ACCOUNT_DATA = "no data for this account"


@dataclass
class Scoring:
    """The scoring expression of a model on some data, and the signals nobody has data for."""

    expr: ir.Table
    no_data: dict[str, str] = field(default_factory=dict)


def build_scoring(model: HealthModel, data: ContractData, as_of: date) -> Scoring:
    """The full scoring as one Ibis expression: one row per scoreable account with raw values,
    signal scores, effective weights, points, category scores, score, band and coverage."""
    requests = [SignalRequest(s.id, s.kind, s.params, tuple(s.segments)) for _, s in model.signals()]
    frame = compute_signals(data, requests, as_of)
    return Scoring(score_table(frame.table, model), frame.no_data)


def scoring_sql(
    model: HealthModel,
    as_of: date,
    *,
    data_dir: Path | None = None,
    db_url: str | None = None,
    dialect: str | None = None,
    account: str | None = None,
) -> str:
    """The SQL of the whole scoring (``csa scores --explain``).

    With data (``data_dir`` or ``db_url``) it is exactly what ``score_accounts`` sends, in that
    backend's dialect; without, it is compiled against contract-shaped tables (DuckDB dialect
    unless ``dialect`` is given). With ``account``, the same scoring filtered to that account
    (the outer ``WHERE``; the database pushes it down where it can).
    """

    def sql(data: ContractData, default: str) -> str:
        expr = build_scoring(model, data, as_of).expr
        if account is not None:
            expr = expr.filter(expr.account_id == account)
        return to_sql(expr, dialect or default)

    if data_dir is None and db_url is None:
        return sql(unbound_contract(), "duckdb")
    source = connect_data(data_dir=data_dir, db_url=db_url, timezone=model.sources.timezone)
    try:
        data = load_contract(source, model.sources, tables_needed(model))
        if "accounts" in data.missing:
            raise DataError(f"the accounts table is required: {data.missing['accounts']}")
        return sql(data, source.backend)
    finally:
        source.close()


def out_of_segment(segments: list[str]) -> str:
    """The note of a signal on an account outside the segments it is scoped to."""
    plural = "s" if len(segments) > 1 else ""
    return f"only for segment{plural} {', '.join(segments)}: not this account's segment"


def _split(
    result: pa.Table, model: HealthModel, no_data: dict[str, str], as_of: date
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Wide per-account result -> store rows (accounts, categories, signals)."""
    result = result.combine_chunks()  # one chunk: columns combine element-wise below
    n = result.num_rows
    day = pa.array([as_of] * n, pa.date32())
    ids = result.column("account_id")
    accounts = pa.table(
        {
            "as_of": day,
            **{
                c: result.column(c)
                for c in (
                    "account_id",
                    "name",
                    "segment",
                    "plan",
                    "owner",
                    "arr",
                    "seats",
                    "age_days",
                    "score",
                    "band",
                    "coverage",
                )
            },
        }
    )
    cat_parts, sig_parts = [], []
    for cat in model.categories:
        weights = [result.column(weight_column(s.id)) for s in cat.signals]
        total = weights[0]
        for w in weights[1:]:
            total = pc.add(total, w)
        cat_parts.append(
            pa.table(
                {
                    "as_of": day,
                    "account_id": ids,
                    "category": pa.array([cat.id] * n, pa.string()),
                    "score": result.column(category_column(cat.id)),
                    "weight": total,
                }
            )
        )
        for s in cat.signals:
            raw = result.column(raw_column(s.id))
            reason = pa.scalar(no_data.get(s.id, NO_ACCOUNT_DATA))
            if s.segments and s.id not in no_data:
                scoped = pc.fill_null(pc.is_in(result.column("segment"), value_set=pa.array(s.segments)), False)
                reason = pc.if_else(scoped, reason, pa.scalar(out_of_segment(s.segments)))
            note = pc.if_else(pc.is_null(raw), reason, pa.scalar(None, pa.string()))
            sig_parts.append(
                pa.table(
                    {
                        "as_of": day,
                        "account_id": ids,
                        "signal_id": pa.array([s.id] * n, pa.string()),
                        "category": pa.array([cat.id] * n, pa.string()),
                        "kind": pa.array([s.kind] * n, pa.string()),
                        "raw": raw,
                        "score": result.column(score_column(s.id)),
                        "weight": result.column(weight_column(s.id)),
                        "points": result.column(points_column(s.id)),
                        "note": note,
                    }
                )
            )
    return accounts, pa.concat_tables(cat_parts), pa.concat_tables(sig_parts)


def _execute(expr: ir.Table, source: DataSource) -> pa.Table:
    try:
        return to_arrow(expr)
    except Exception as exc:  # the database's own message is the most useful thing to show
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        error = DataError if source.kind == "files" else BackendError
        raise error(
            f"scoring failed in {source.backend}: {text}",
            [Issue("error", text, file=source.where, hint="run `csa check-data` for a data report")],
        ) from None


def check_customer_data(
    model: HealthModel, *, data_dir: Path | None = None, db_url: str | None = None, as_of: date
) -> DataReport:
    """The full data check (``csa check-data``) of the tables the model reads."""
    source = connect_data(data_dir=data_dir, db_url=db_url, timezone=model.sources.timezone)
    try:
        needed = tables_needed(model)
        data = load_contract(source, model.sources, needed)
        return check_data(data, as_of, deep=True, needed=needed)
    finally:
        source.close()


def score_accounts(
    model: HealthModel,
    *,
    data_dir: Path | None = None,
    db_url: str | None = None,
    as_of: date,
    store_url: str | None = None,
    out_dir: Path,
    progress: Progress | None = None,
    deep_check: bool = False,
) -> ScoreRun:
    """Score every account of the data as of ``as_of`` and write the snapshot to the store.

    Data: ``data_dir`` (CSV/Parquet files, embedded DuckDB) or ``db_url`` (any Ibis backend).
    Store: ``store_url``, else ``out_dir/results.duckdb``. Data problems that make scoring
    impossible raise :class:`DataError` with located issues; warnings travel in the result.
    ``deep_check`` runs the full data check first (``csa check-data``), which reads every
    table once more.
    """
    say = progress or (lambda _msg: None)
    say(f"connecting to {data_dir or 'the database'}")
    source = connect_data(data_dir=data_dir, db_url=db_url, timezone=model.sources.timezone)
    try:
        needed = tables_needed(model)
        data = load_contract(source, model.sources, needed)
        say("checking the data")
        report = check_data(data, as_of, deep=deep_check, needed=needed)
        if not report.ok:
            problems = [i for i in report.issues if i.level != "info"]
            raise DataError(f"the data in {source.where} cannot be scored", problems)
        require_accounts(report, data, model.sources)
        say(f"computing {sum(1 for _ in model.signals())} signals and scores in {source.backend}")
        scoring = build_scoring(model, data, as_of)
        result = _execute(scoring.expr, source)
        if result.num_rows == 0:  # never replace a snapshot with an empty one
            raise no_scoreable_accounts(data, as_of)
        say("checking how recent the data is")
        stale = stale_tables(data, as_of, needed)
        say(f"writing the snapshot of {result.num_rows:,} accounts")
        accounts, categories, signals = _split(result, model, scoring.no_data, as_of)
        scored = accounts.filter(pc.is_valid(accounts.column("score"))).num_rows
        coverage = pc.mean(accounts.column("coverage")).as_py()
        snapshot = Snapshot(
            as_of=as_of,
            company=model.company,
            model_digest=model_digest(model),
            data_source=source.where,
            backend=source.backend,
            accounts=result.num_rows,
            scored=scored,
            mean_coverage=coverage,
        )
        notices = heavy_gaps(model, data, scoring.no_data, coverage) + [s.message(as_of) for s in stale]
        issues = [i for i in report.issues if i.level == "warning"]
        issues += segment_issues(model, pc.unique(result.column("segment")).to_pylist())
        store = ResultsStore.open(store_url, out_dir)
        try:
            store.write_snapshot(snapshot, accounts, categories, signals)
            say("summarising")
            return summarise(store, model, snapshot, scoring.no_data, issues, notices)
        finally:
            store.close()
    finally:
        source.close()
