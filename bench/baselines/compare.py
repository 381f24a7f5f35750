"""Do a baseline and the engine agree? Compare a baseline's output with an engine snapshot.

The engine's results store (``results.duckdb``) holds one row per account x signal
(``csa_signal_values``: raw, score, effective weight, points) and per account
(``csa_account_scores``: score, band, coverage); the baselines write the same per account x
signal rows to Parquet. Raw values and scores must match (floating-point tolerance); so that
the benchmark compares the same work, ``bench/score.py`` reports any difference.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb

RAW_TOLERANCE = 1e-9  # relative: raw values are the same arithmetic on the same rows
# Scores and points are rounded to 6 decimals: sums in another order may round a tie the other
# way, one unit (1e-6) apart, so the tolerance is one unit and a half.
SCORE_TOLERANCE = 1.5e-6
POINTS_TOLERANCE = 1.5e-6


@dataclass(frozen=True)
class Agreement:
    """How a baseline's output differs from the engine's snapshot."""

    engine_rows: int  # account x signal rows in the snapshot
    baseline_rows: int
    unmatched: int  # rows present on one side only
    null_mismatches: int  # raw value NULL on one side only
    raw_mismatches: int  # |a - b| > RAW_TOLERANCE * max(1, |a|)
    max_raw_diff: float
    score_mismatches: int  # signal scores beyond SCORE_TOLERANCE, or points beyond theirs
    max_score_diff: float  # over signal and health scores
    health_mismatches: int  # accounts whose health score or coverage differs beyond SCORE_TOLERANCE
    band_mismatches: int  # accounts in another band
    worst_signals: tuple[str, ...]  # signals with mismatches, worst first

    @property
    def ok(self) -> bool:
        return (
            self.engine_rows == self.baseline_rows
            and not self.unmatched
            and not self.null_mismatches
            and not self.raw_mismatches
            and not self.score_mismatches
            and not self.health_mismatches
            and not self.band_mismatches
        )

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}

    def describe(self) -> str:
        if self.ok:
            return f"agree on {self.engine_rows:,} account x signal rows (max raw diff {self.max_raw_diff:.1e})"
        return (
            f"DISAGREE: {self.unmatched} unmatched rows, {self.null_mismatches} NULL mismatches, "
            f"{self.raw_mismatches} raw (max {self.max_raw_diff:.3g}), {self.score_mismatches} scores "
            f"(max {self.max_score_diff:.3g}), {self.health_mismatches} health scores, {self.band_mismatches} bands; "
            f"signals: {', '.join(self.worst_signals) or '-'}"
        )


def compare(store: Path, as_of: date, baseline: Path) -> Agreement:
    """Compare ``baseline`` (Parquet, one row per account x signal) with the engine's snapshot of
    ``as_of`` in the DuckDB results store ``store``."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{store}' AS engine (READ_ONLY)")
        con.execute(
            f"""
            CREATE TEMP VIEW engine_rows AS
            SELECT v.account_id, v.signal_id, v.raw, v.score AS signal_score, v.points,
                   a.score, a.band, a.coverage
            FROM engine.csa_signal_values AS v
            JOIN engine.csa_account_scores AS a USING (as_of, account_id)
            WHERE v.as_of = DATE '{as_of.isoformat()}'
            """
        )
        con.execute(f"CREATE TEMP VIEW baseline_rows AS SELECT * FROM read_parquet('{baseline}')")
        engine_rows = con.execute("SELECT count(*) FROM engine_rows").fetchone()[0]  # type: ignore[index]
        baseline_rows = con.execute("SELECT count(*) FROM baseline_rows").fetchone()[0]  # type: ignore[index]
        per_signal = con.execute(
            f"""
            SELECT coalesce(e.signal_id, b.signal_id) AS signal_id,
                   count(*) FILTER (WHERE e.account_id IS NULL OR b.account_id IS NULL) AS unmatched,
                   count(*) FILTER (WHERE (e.raw IS NULL) <> (b.raw IS NULL)) AS nulls,
                   count(*) FILTER (WHERE abs(e.raw - b.raw) > {RAW_TOLERANCE} * greatest(1.0, abs(e.raw))) AS raws,
                   coalesce(max(abs(e.raw - b.raw)), 0.0) AS max_raw,
                   count(*) FILTER (WHERE abs(e.signal_score - b.signal_score) > {SCORE_TOLERANCE}
                                       OR (e.signal_score IS NULL) <> (b.signal_score IS NULL)
                                       OR abs(e.points - b.points) > {POINTS_TOLERANCE}) AS scores,
                   coalesce(max(abs(e.signal_score - b.signal_score)), 0.0) AS max_score
            FROM engine_rows AS e
            FULL JOIN baseline_rows AS b ON e.account_id = b.account_id AND e.signal_id = b.signal_id
            GROUP BY ALL
            """
        ).fetchall()
        # account level: every signal row of an account carries its health score, coverage and band
        accounts = con.execute(
            f"""
            SELECT count(DISTINCT account_id) FILTER (WHERE abs(e.score - b.score) > {SCORE_TOLERANCE}
                                                         OR (e.score IS NULL) <> (b.score IS NULL)
                                                         OR abs(e.coverage - b.coverage) > {SCORE_TOLERANCE}),
                   coalesce(max(abs(e.score - b.score)), 0.0),
                   count(DISTINCT account_id) FILTER (WHERE e.band IS DISTINCT FROM b.band)
            FROM engine_rows AS e JOIN baseline_rows AS b USING (account_id, signal_id)
            """
        ).fetchone()
        assert accounts is not None
    finally:
        con.close()
    bad = sorted((r for r in per_signal if any(r[1:4]) or r[5]), key=lambda r: -(r[1] + r[2] + r[3] + r[5]))
    return Agreement(
        engine_rows=int(engine_rows),
        baseline_rows=int(baseline_rows),
        unmatched=sum(int(r[1]) for r in per_signal),
        null_mismatches=sum(int(r[2]) for r in per_signal),
        raw_mismatches=sum(int(r[3]) for r in per_signal),
        max_raw_diff=max((float(r[4]) for r in per_signal), default=0.0),
        score_mismatches=sum(int(r[5]) for r in per_signal),
        max_score_diff=max([float(accounts[1]), *(float(r[6]) for r in per_signal)]),
        health_mismatches=int(accounts[0]),
        band_mismatches=int(accounts[2]),
        worst_signals=tuple(str(r[0]) for r in bad),
    )
