"""Score every account: data -> contract -> check -> signals -> scores -> results store.

:func:`score_accounts` is the single entry point (the CLI and the benchmarks call it). The
whole scoring is one Ibis expression run where the data lives; only the per-account results
(one row per account, signal and category) travel to the results store.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import ibis
import ibis.expr.types as ir

from cs_architect.engine.checks import DataReport, check_data
from cs_architect.engine.connect import DataSource, connect_data
from cs_architect.engine.contract import ContractData, load_contract, unbound_contract
from cs_architect.engine.execute import scalar, staged_sql, stop_if_interrupted, to_arrow, to_rows, to_sql
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
from cs_architect.engine.signals.compute import account_base
from cs_architect.engine.signals.plan import Window, check_as_of
from cs_architect.engine.store import ResultsStore, Snapshot
from cs_architect.engine.summary import ScoreRun, summarise
from cs_architect.errors import BackendError, DataError
from cs_architect.issues import Issue
from cs_architect.spec.health_model import HealthModel

Progress = Callable[[str], None]
T = TypeVar("T")
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

    check_as_of(as_of)

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
        text = sql(data, source.backend)
    finally:
        source.close()
    if data_dir is None:
        return text
    # The SQL reads the files through views of the session; say what they are so it can be rerun.
    views = [f"--   src_{name}: {t.origin} in {data_dir}".replace("\n", " ") for name, t in sorted(data.tables.items())]
    return "\n".join(
        [
            "-- tables: DuckDB views of the files (CREATE VIEW src_<table> AS FROM read_parquet/read_csv(...));",
            "-- CSV tables are converted first, into temporary tables csa_contract_<table>",
            *views,
            text,
        ]
    )


def out_of_segment(segments: list[str]) -> str:
    """The note of a signal on an account outside the segments it is scoped to."""
    plural = "s" if len(segments) > 1 else ""
    return f"only for segment{plural} {', '.join(segments)}: not this account's segment"


ACCOUNT_COLUMNS = (
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
SCORING_TABLE = "_csa_scoring"  # the wide per-account result, a temporary table of the session


def snapshot_rows(
    wide: ir.Table, model: HealthModel, no_data: dict[str, str], as_of: date
) -> tuple[ir.Table, ir.Table, ir.Table]:
    """Wide per-account result -> the store's rows (accounts, categories, signals), as Ibis tables."""
    day = ibis.literal(as_of, "date")
    accounts = wide.select(day.name("as_of"), *ACCOUNT_COLUMNS)
    categories, signals = [], []
    for cat in model.categories:
        weights = [wide[weight_column(s.id)] for s in cat.signals]
        categories.append(
            wide.select(
                as_of=day,
                account_id=wide.account_id,
                category=ibis.literal(cat.id, "string"),
                score=wide[category_column(cat.id)],
                weight=functools.reduce(operator.add, weights),
            )
        )
        for s in cat.signals:
            raw = wide[raw_column(s.id)]
            reason: ir.StringValue = ibis.literal(no_data.get(s.id, NO_ACCOUNT_DATA), "string")
            if s.segments and s.id not in no_data:
                scoped = wide.segment.isin(s.segments).fill_null(False)
                reason = scoped.ifelse(reason, ibis.literal(out_of_segment(s.segments), "string"))
            signals.append(
                wide.select(
                    as_of=day,
                    account_id=wide.account_id,
                    signal_id=ibis.literal(s.id, "string"),
                    category=ibis.literal(cat.id, "string"),
                    kind=ibis.literal(s.kind, "string"),
                    raw=raw.cast("float64"),
                    score=wide[score_column(s.id)],
                    weight=wide[weight_column(s.id)],
                    points=wide[points_column(s.id)],
                    note=raw.isnull().ifelse(reason, ibis.null("string")),
                )
            )
    return accounts, ibis.union(*categories), ibis.union(*signals)


def _execute(run: Callable[[], T], source: DataSource) -> T:
    """Run the scoring query; its failure is reported as a data (files) or backend error."""
    try:
        with staged_sql():
            return run()
    except Exception as exc:  # the database's own message is the most useful thing to show
        stop_if_interrupted(exc)
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
    check_as_of(as_of)
    source = connect_data(data_dir=data_dir, db_url=db_url, timezone=model.sources.timezone)
    try:
        needed = tables_needed(model)
        data = load_contract(source, model.sources, needed)
        report = check_data(data, as_of, deep=True, needed=needed)
        if report.ok:  # what `csa score` would refuse or warn about beyond the data check
            report.issues += readiness_issues(model, data, report, as_of, needed)
        return report
    finally:
        source.close()


def readiness_issues(
    model: HealthModel, data: ContractData, report: DataReport, as_of: date, needed: Iterable[str]
) -> list[Issue]:
    """The refusals and warnings of ``csa score`` that the data check alone does not give, as
    issues: no account rows, none scoreable on ``as_of``, activity tables without recent rows."""
    try:
        require_accounts(report, data, model.sources)
        accounts = data.get("accounts")
        if accounts is not None and scalar(account_base(accounts, Window(as_of)).count()) == 0:
            raise no_scoreable_accounts(data, as_of)
    except DataError as exc:
        message = exc.message.removesuffix("; nothing was written").removesuffix(": nothing was written")
        return [Issue("error", message, file=i.file, path=i.path, hint=i.hint) for i in exc.issues[:1]]
    return [Issue("warning", s.message(as_of), file=s.origin, path=s.table) for s in stale_tables(data, as_of, needed)]


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
    check_as_of(as_of)
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
        # Files read by the engine's own DuckDB session and a DuckDB file store: the wide result
        # stays in the session and goes into the attached store file with INSERT ... SELECT.
        # Otherwise (a database, which may be read-only or the store itself) it travels once, as
        # Arrow, to a temporary table of the store's connection. Either way the rows are built there.
        in_session = source.kind == "files" and (store_url is None or "://" not in store_url)
        if in_session:
            wide = _execute(lambda: source.con.create_table(SCORING_TABLE, scoring.expr, temp=True), source)
            rows = scalar(wide.count())
        else:
            result = _execute(lambda: to_arrow(scoring.expr), source)
            rows = result.num_rows
        if rows == 0:  # never replace a snapshot with an empty one
            raise no_scoreable_accounts(data, as_of)
        say("checking how recent the data is")
        stale = stale_tables(data, as_of, needed)
        say(f"writing the snapshot of {rows:,} accounts")
        store = ResultsStore.open(store_url, out_dir, attach_to=source.con if in_session else None)
        try:
            if store.con is not source.con:
                if in_session:  # the store file could not be attached (it is the --db file): move the rows
                    result = to_arrow(wide)
                wide = store.con.create_table(SCORING_TABLE, result, temp=True)
            counts = to_rows(wide.aggregate(scored=wide.score.count(), coverage=wide.coverage.mean()))[0]
            snapshot = Snapshot(
                as_of=as_of,
                company=model.company,
                model_digest=model_digest(model),
                data_source=source.where,
                backend=source.backend,
                accounts=rows,
                scored=counts["scored"],
                mean_coverage=counts["coverage"],
            )
            notices = heavy_gaps(model, data, scoring.no_data, snapshot.mean_coverage)
            notices += [s.message(as_of) for s in stale]
            issues = [i for i in report.issues if i.level == "warning"]
            issues += segment_issues(model, [r["segment"] for r in to_rows(wide.select("segment").distinct())])
            store.write_snapshot(snapshot, *snapshot_rows(wide, model, scoring.no_data, as_of))
            say("summarising")
            return summarise(store, model, snapshot, scoring.no_data, issues, notices)
        finally:
            store.close()
    finally:
        source.close()
