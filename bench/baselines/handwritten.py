"""Run the hand-written DuckDB baseline (``handwritten.sql``) on ``csa demo-data`` Parquet files.

``handwritten.sql`` is SQL written by hand per signal kind, with Jinja loops over the model's
signals of each kind (as in a dbt model); this module renders it with the values of
``health_model.yaml`` (windows as start timestamps, event lists, SLA hours, scoring rules,
weights, segments, bands) and the table files, and runs it once. It is benchmark code, not
product code: the engine never builds SQL by hand.

Values are written into the text as SQL literals rather than bound as prepared-statement
parameters: DuckDB's Python binding imports pandas the first time it converts any parameter
(about 1.3 s on the benchmark machine), a cost of the binding that a query sent from the
DuckDB CLI or any other client does not pay, and that would flatter the engine. Numbers are
written as ``CAST('0.3' AS DOUBLE)``: a bare ``0.3`` is a DECIMAL in DuckDB, which would change
the scoring arithmetic.

    uv run python -m bench.baselines.handwritten OUT/health_model.yaml DATA_DIR 2026-06-30 out.parquet
    uv run python -m bench.baselines.handwritten ... --print-sql    # the query as sent
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import jinja2
from bench.baselines.model import DEFAULTS, BaselineModel, Scoring, Signal, read_model, table_files

QUERY = Path(__file__).with_name("handwritten.sql")
# The tables each kind reads (besides accounts): a table no signal reads is not scanned.
READS = {
    "events": {"active_user_ratio", "usage_trend", "days_since_last_activity", "feature_breadth",
               "value_event_frequency", "onboarding_progress"},
    "users": {"active_user_ratio", "seat_utilisation"},
    "tickets": {"tickets_per_seat", "first_response_sla", "ticket_csat"},
    "surveys": {"nps", "detractor_share"},
    "sentiment": {"csm_sentiment"},
    "payments": {"failed_payments"},
    "touchpoints": {"days_since_touchpoint", "qbr_cadence", "executive_engagement"},
}  # fmt: skip


def literal(value: Any) -> str:
    """A Python value as a DuckDB SQL literal (strings quoted, numbers as DOUBLE, lists, structs)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"CAST('{value!r}' AS DOUBLE)"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def in_list(values: list[Any]) -> str:
    """Values for ``x IN (...)``."""
    return "(" + ", ".join(literal(v) for v in values) + ")"


def _rule(scoring: Scoring) -> dict[str, Any]:
    return {
        "linear": scoring.method == "linear",
        "bad": scoring.bad,
        "good": scoring.good,
        "higher": scoring.higher_is_better,
        "thresholds": list(scoring.thresholds),
        "scores": list(scoring.scores),
        "otherwise": scoring.otherwise,
    }


def signal_specs(model: BaselineModel) -> list[dict[str, Any]]:
    """Each signal's scoring inputs, as the list of structs the query's scoring joins on."""
    return [
        {
            "signal_id": s.id,
            "category": s.category,
            "category_weight": s.category_weight,
            "weight": s.weight,
            "segments": list(s.segments),
            "tenure_days": s.tenure_days,
            "standard": _rule(s.scoring),
            "tenure": _rule(s.tenure_scoring) if s.tenure_scoring else None,
        }
        for s in model.signals
    ]


def render(model: BaselineModel, data_dir: Path, output: Path) -> str:
    """The query for this model and data, as sent to DuckDB."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters["sql"] = literal
    env.filters["inlist"] = in_list
    template = env.from_string(QUERY.read_text(encoding="utf-8"))
    kinds: dict[str, list[Signal]] = {k: [s for s in model.signals if s.kind == k] for k in DEFAULTS}

    def since(s: Signal, windows: int = 1) -> datetime:
        """Start of ``windows`` of the signal's window_days ending with the as-of date."""
        return model.since(windows * int(s.params["window_days"]))

    def earliest(*of: str) -> datetime:
        """The earliest window start among signals of these kinds (the end when there is none)."""
        return min((since(s) for k in of for s in kinds[k]), default=model.end)

    def reads(table: str) -> bool:
        return bool(READS[table] & model.kinds)

    files = {t: table_files(data_dir, t) for t in ("accounts", *READS) if t == "accounts" or reads(t)}
    return template.render(
        kind=kinds,
        files=files,
        as_of=model.as_of,
        end=model.end,
        since=since,
        earliest=earliest,
        reads=reads,
        signals=signal_specs(model),
        bands=[{"id": b.id, "min": b.min} for b in model.bands],
        output=str(output),
    )


def handwritten_sql(model_path: Path, data_dir: Path, as_of: date, output: Path) -> str:
    """The hand-written query for this model, data and as-of date, as sent to DuckDB."""
    return render(read_model(model_path, as_of), data_dir, output)


def run_handwritten(model_path: Path, data_dir: Path, as_of: date, output: Path) -> float:
    """Run the hand-written query, writing one row per account x signal to ``output`` (Parquet).
    Returns the query's wall time in seconds (reading the model and connecting excluded)."""
    sql = handwritten_sql(model_path, data_dir, as_of, output)
    con = duckdb.connect()
    try:
        started = time.perf_counter()
        con.execute(sql)
        return time.perf_counter() - started
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="health_model.yaml")
    parser.add_argument("data", type=Path, help="folder written by csa demo-data")
    parser.add_argument("as_of", type=date.fromisoformat)
    parser.add_argument("output", type=Path, help="Parquet file to write")
    parser.add_argument("--print-sql", action="store_true", help="print the query as sent, do not run it")
    args = parser.parse_args()
    if args.print_sql:
        print(handwritten_sql(args.model, args.data, args.as_of, args.output))
        return
    print(f"query {run_handwritten(args.model, args.data, args.as_of, args.output):.3f}")


if __name__ == "__main__":
    main()
