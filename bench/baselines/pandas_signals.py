"""A straightforward pandas implementation of the health model's signals and scores (bench only).

What an analyst would write without a query engine: read each Parquet table with pandas
(only the columns it needs), then for every signal filter the rows it looks at and
``groupby("account_id")``. No tricks (no categoricals, no chunking, no shared passes), so it
shows the cost of the obvious approach; ``bench/score.py`` times it against ``csa score``.
Semantics follow docs/engine.md ("Signals", "Scores"); the output has the same rows and columns
as the hand-written SQL baseline (one row per account x signal).

    uv run python -m bench.baselines.pandas_signals OUT/health_model.yaml DATA_DIR 2026-06-30 out.parquet
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
from bench.baselines.model import BaselineModel, Scoring, Signal, read_model, table_files


class Tables:
    """The contract tables, each read once on first use, with rows after the as-of date dropped."""

    COLUMNS: ClassVar[dict[str, list[str]]] = {
        "accounts": ["account_id", "segment", "seats", "renewal_date", "contract_start", "created_at", "churned_at"],
        "events": ["account_id", "user_id", "ts", "event", "quantity"],
        "users": ["account_id", "created_at", "deactivated_at"],
        "tickets": ["account_id", "created_at", "priority", "first_response_at", "csat"],
        "surveys": ["account_id", "user_id", "ts", "kind", "score"],
        "payments": ["account_id", "ts", "status", "invoice_id"],
        "touchpoints": ["account_id", "ts", "kind", "with_executive"],
        "sentiment": ["account_id", "ts", "rating", "expires_at"],
    }
    TIME: ClassVar[dict[str, str]] = {
        "events": "ts",
        "tickets": "created_at",
        "surveys": "ts",
        "payments": "ts",
        "touchpoints": "ts",
        "sentiment": "ts",
    }

    def __init__(self, data_dir: Path, end: pd.Timestamp) -> None:
        self.data_dir = data_dir
        self.end = end
        self._cache: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            files = table_files(self.data_dir, name)
            parts = [pd.read_parquet(f, columns=self.COLUMNS[name]) for f in files]
            df = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
            if name in self.TIME:
                df = df[df[self.TIME[name]] < self.end]
            elif name == "users":
                df = df[df.created_at.isna() | (df.created_at < self.end)]
            self._cache[name] = df
        return self._cache[name]


def accounts_base(tables: Tables, as_of: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Accounts scored on the as-of date (not churned, started), indexed by id, with ``age_days``."""
    a = tables["accounts"]
    a = a[a.account_id.notna() & (a.churned_at.isna() | (a.churned_at >= end))].copy()
    a["start"] = pd.to_datetime(a.contract_start).fillna(a.created_at.dt.normalize())
    a = a[a.start.isna() | (a.start <= as_of)].copy()
    a["age_days"] = (as_of - a.start).dt.days
    a["renewal_date"] = pd.to_datetime(a.renewal_date)
    return a.set_index("account_id")


def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, NaN where the denominator is missing or not positive."""
    return (num / den).where(den > 0)


def days_between(earlier: pd.Series, later: pd.Timestamp) -> pd.Series:
    """Whole calendar days from the date of ``earlier`` to ``later``."""
    return (later - earlier.dt.floor("D")).dt.days


def _applies(base: pd.DataFrame, s: Signal) -> pd.Series:
    """Whether the signal applies to each account: it is scoped to no segment, or to the account's."""
    if not s.segments:
        return pd.Series(True, index=base.index)
    return base.segment.isin(list(s.segments))


class Signals:
    """Raw value of each signal kind for the accounts of ``base`` (a Series per kind)."""

    def __init__(self, model: BaselineModel, tables: Tables, base: pd.DataFrame) -> None:
        self.model = model
        self.t = tables
        self.base = base
        self.end = pd.Timestamp(model.end)
        self.as_of = pd.Timestamp(model.as_of)

    def _per_account(self, values: pd.Series, fill: float | None = 0) -> pd.Series:
        out = values.reindex(self.base.index)
        return out.fillna(fill) if fill is not None else out

    def _since(self, s: Signal, name: str = "window_days") -> pd.Timestamp:
        return pd.Timestamp(self.model.since(int(s.params[name])))

    def active_user_ratio(self, s: Signal) -> pd.Series:
        ev = self.t["events"]
        rows = ev[(ev.ts >= self._since(s)) & ev.event.isin(s.params["events"])]
        active = self._per_account(rows.groupby("account_id").user_id.nunique())
        users = self.t["users"]
        now = users[users.deactivated_at.isna() | (users.deactivated_at >= self.end)]
        user_count = self._per_account(now.groupby("account_id").size(), fill=None)
        seats = self.base.seats.astype("float64")
        return ratio(active, seats.where(seats > 0, user_count))

    def usage_trend(self, s: Signal) -> pd.Series:
        ev = self.t["events"]
        days = int(s.params["window_days"])
        cur, prev = pd.Timestamp(self.model.since(days)), pd.Timestamp(self.model.since(2 * days))
        named = ev[ev.event.isin(s.params["events"])]
        qty = named.quantity.fillna(1)
        current = self._per_account(qty[named.ts >= cur].groupby(named.account_id[named.ts >= cur]).sum())
        earlier = (named.ts >= prev) & (named.ts < cur)
        previous = self._per_account(qty[earlier].groupby(named.account_id[earlier]).sum())
        return ratio(current, previous)

    def days_since_last_activity(self, s: Signal) -> pd.Series:
        ev = self.t["events"]
        last = self._per_account(ev[ev.event.isin(s.params["events"])].groupby("account_id").ts.max(), fill=None)
        return days_between(last, self.as_of).fillna(self.base.age_days).astype("float64")

    def feature_breadth(self, s: Signal) -> pd.Series:
        ev = self.t["events"]
        features = s.params["features"]
        rows = ev[(ev.ts >= self._since(s)) & ev.event.isin(features)]
        return self._per_account(rows.groupby("account_id").event.nunique()) / len(features)

    def value_event_frequency(self, s: Signal) -> pd.Series:
        ev = self.t["events"]
        rows = ev[(ev.ts >= self._since(s)) & ev.event.isin(s.params["events"])]
        return self._per_account(rows.groupby("account_id").size())

    def onboarding_progress(self, s: Signal) -> pd.Series:
        ev = self.t["events"]
        age = self.base.age_days
        due_n = pd.Series(0, index=self.base.index)
        done_n = pd.Series(0, index=self.base.index)
        for m in s.params["milestones"]:
            count = self._per_account(ev[ev.event == m["event"]].groupby("account_id").size())
            due = age >= int(m["day"])
            if m.get("segments"):  # a milestone for some segments is never due for the others
                due &= self.base.segment.isin(list(m["segments"]))
            due_n += due.astype(int)
            done_n += (due & (count >= int(m.get("count", 1)))).astype(int)
        progress = (done_n / due_n).where(due_n > 0, 1.0)
        return progress.where(age.notna())

    def tickets_per_seat(self, s: Signal) -> pd.Series:
        tk = self.t["tickets"]
        opened = self._per_account(tk[tk.created_at >= self._since(s)].groupby("account_id").size())
        return ratio(opened, self.base.seats.astype("float64"))

    def first_response_sla(self, s: Signal) -> pd.Series:
        tk = self.t["tickets"]
        sla = {str(k).lower(): float(v) for k, v in s.params["sla_hours"].items()}
        limit = tk.priority.str.lower().map(sla).astype("float64")
        answered = tk.first_response_at.notna() & (tk.first_response_at < self.end)
        hours = (tk.first_response_at - tk.created_at).dt.total_seconds() / 3600.0
        overdue = (self.end - tk.created_at).dt.total_seconds() / 3600.0 >= limit
        counted_base = (tk.created_at >= self._since(s)) & limit.notna()
        met = self._per_account((counted_base & answered & (hours <= limit)).groupby(tk.account_id).sum())
        counted = self._per_account((counted_base & (answered | overdue)).groupby(tk.account_id).sum())
        return ratio(met, counted)

    def ticket_csat(self, s: Signal) -> pd.Series:
        tk = self.t["tickets"]
        rated = tk[(tk.created_at >= self._since(s)) & tk.csat.notna()]
        top = float(s.params["scale_max"]) - 1
        n = self._per_account(rated.groupby("account_id").size())
        good = self._per_account(rated[rated.csat >= top].groupby("account_id").size())
        return ratio(good, n)

    def _latest_answers(self, s: Signal) -> pd.DataFrame:
        sv = self.t["surveys"]
        valid = (
            (sv.kind.isna() | (sv.kind.str.lower() == "nps"))
            & (sv.ts >= self._since(s))
            & sv.score.between(0, 10)
            & (sv.score == sv.score.round())
        )
        answers = sv[valid].assign(who=lambda d: d.user_id.fillna(d.ts.astype(str)))
        answers = answers.sort_values(["ts", "score"], ascending=False)
        return answers.drop_duplicates(["account_id", "who"])

    def nps(self, s: Signal) -> pd.Series:
        latest = self._latest_answers(s)
        n = self._per_account(latest.groupby("account_id").size(), fill=None)
        promoters = self._per_account(latest[latest.score >= 9].groupby("account_id").size())
        detractors = self._per_account(latest[latest.score <= 6].groupby("account_id").size())
        return ratio((promoters - detractors) * 100.0, n)

    def detractor_share(self, s: Signal) -> pd.Series:
        latest = self._latest_answers(s)
        n = self._per_account(latest.groupby("account_id").size(), fill=None)
        detractors = self._per_account(latest[latest.score <= 6].groupby("account_id").size())
        return ratio(detractors, n)

    def csm_sentiment(self, s: Signal) -> pd.Series:
        st = self.t["sentiment"]
        valid = st.rating.between(0, float(s.params["scale_max"])) & (
            st.expires_at.isna() | (st.expires_at >= self.end)
        )
        latest = st[valid].sort_values(["ts", "rating"], ascending=[False, True]).drop_duplicates("account_id")
        return self._per_account(latest.set_index("account_id").rating, fill=None)

    def seat_utilisation(self, s: Signal) -> pd.Series:
        users = self.t["users"]
        now = users[users.deactivated_at.isna() | (users.deactivated_at >= self.end)]
        return ratio(self._per_account(now.groupby("account_id").size()), self.base.seats.astype("float64"))

    def failed_payments(self, s: Signal) -> pd.Series:
        pay = self.t["payments"]
        status = pay.status.str.lower()
        failed = (pay.ts >= self._since(s)) & (status == "failed")
        # an invoice is one failed payment however often it was retried, and none once paid
        invoices = pay.assign(failed=failed, paid=status == "succeeded").groupby(["account_id", "invoice_id"])
        per_invoice = invoices[["failed", "paid"]].sum()
        unpaid = per_invoice[(per_invoice.failed > 0) & (per_invoice.paid == 0)].groupby("account_id").size()
        loose = pay[failed & pay.invoice_id.isna()].groupby("account_id").size()  # no invoice id: one each
        return (self._per_account(unpaid) + self._per_account(loose)).astype("float64")

    def days_to_renewal(self, s: Signal) -> pd.Series:
        return (self.base.renewal_date - self.as_of).dt.days.astype("float64")

    def _days_since_touch(self, rows: pd.DataFrame) -> pd.Series:
        last = self._per_account(rows.groupby("account_id").ts.max(), fill=None)
        return days_between(last, self.as_of).fillna(self.base.age_days).astype("float64")

    def days_since_touchpoint(self, s: Signal) -> pd.Series:
        tp = self.t["touchpoints"]
        kinds = [str(k).lower() for k in s.params["kinds"]]
        return self._days_since_touch(tp[tp.kind.str.lower().isin(kinds)])

    def executive_engagement(self, s: Signal) -> pd.Series:
        tp = self.t["touchpoints"]
        rows = tp[(tp.ts >= self._since(s)) & tp.with_executive.fillna(False).astype(bool)]
        return self._per_account(rows.groupby("account_id").size()).astype("float64")

    def qbr_cadence(self, s: Signal) -> pd.Series:
        tp = self.t["touchpoints"]
        since = self._days_since_touch(tp[tp.kind.str.lower() == "qbr"])
        cadence = float(s.params["cadence_days"])
        return cadence / np.maximum(since, cadence)  # NaN stays NaN: no start, no QBR -> no value

    def raw(self, s: Signal) -> pd.Series:
        """The signal's raw values; NaN for accounts outside the segments it is scoped to."""
        compute: Callable[[Signal], pd.Series] = getattr(self, s.kind)
        return compute(s).astype("float64").where(_applies(self.base, s))


def round6(values: pd.Series) -> pd.Series:
    """Round to 6 decimals half away from zero, as SQL ``ROUND`` does (pandas rounds half to even)."""
    return np.sign(values) * np.floor(np.abs(values) * 1e6 + 0.5) / 1e6


def score_values(raw: pd.Series, scoring: Scoring) -> pd.Series:
    """Vectorised :meth:`Scoring.score`; NaN stays NaN."""
    if scoring.method == "linear":
        scaled = (raw - scoring.bad) * (100.0 / (scoring.good - scoring.bad))
        return scaled.clip(0.0, 100.0)
    reached = [(raw >= t) if scoring.higher_is_better else (raw <= t) for t in scoring.thresholds]
    picked = np.select(reached, list(scoring.scores), default=scoring.otherwise)
    return pd.Series(picked, index=raw.index).where(raw.notna())


def score_accounts(model: BaselineModel, base: pd.DataFrame, raws: dict[str, pd.Series]) -> pd.DataFrame:
    """Signal, category and health scores (redistribute), effective weights, points, band and
    coverage; one row per account x signal, like the hand-written SQL's output."""
    age = base.age_days
    scores: dict[str, pd.Series] = {}
    for s in model.signals:
        score = score_values(raws[s.id], s.scoring)
        if s.tenure_scoring is not None and s.tenure_days is not None:
            score = score_values(raws[s.id], s.tenure_scoring).where(age < s.tenure_days, score)
        scores[s.id] = score
    categories = list(dict.fromkeys(s.category for s in model.signals))
    cat_score: dict[str, pd.Series] = {}
    cat_present: dict[str, pd.Series] = {}
    cat_weight = {s.category: s.category_weight for s in model.signals}
    for c in categories:
        members = [s for s in model.signals if s.category == c]
        present = sum(scores[s.id].notna() * s.weight for s in members)
        total = sum(scores[s.id].fillna(0.0) * s.weight for s in members)
        cat_present[c] = present
        cat_score[c] = (total / present).where(present > 0)
    cats_present = sum(cat_score[c].notna() * cat_weight[c] for c in categories)
    health = (sum(cat_score[c].fillna(0.0) * cat_weight[c] for c in categories) / cats_present).where(cats_present > 0)
    health = round6(health)
    # coverage: the share of the weight that applies to the account (its segment) that had data
    cov_num = pd.Series(0.0, index=base.index)
    cov_den = pd.Series(0.0, index=base.index)
    for c in categories:
        members = [s for s in model.signals if s.category == c]
        applicable = sum(_applies(base, s) * s.weight for s in members)
        had = sum(scores[s.id].notna() * s.weight for s in members)
        cov_num += (cat_weight[c] * had / applicable).where(applicable > 0, 0.0)
        cov_den += pd.Series(cat_weight[c], index=base.index).where(applicable > 0, 0.0)
    coverage = round6((100.0 * cov_num / cov_den).where(cov_den > 0, 0.0))
    band = pd.Series(model.bands[-1].id, index=base.index, dtype="object")
    for b in reversed(model.bands[:-1]):  # the highest band whose minimum the score reaches wins
        band = band.mask(health >= b.min, b.id)
    band = band.where(health.notna())
    parts = []
    for s in model.signals:
        c = s.category
        effective = (100.0 * cat_weight[c] / cats_present * s.weight / cat_present[c]).where(scores[s.id].notna(), 0.0)
        effective = effective.fillna(0.0)
        points = round6(effective * (scores[s.id].fillna(100.0) - 100.0) / 100.0)
        parts.append(
            pd.DataFrame(
                {
                    "account_id": base.index,
                    "signal_id": s.id,
                    "category": c,
                    "raw": raws[s.id].to_numpy(),
                    "signal_score": scores[s.id].to_numpy(),
                    "effective_weight": effective.to_numpy(),
                    "points": points.to_numpy(),
                    "category_score": cat_score[c].to_numpy(),
                    "score": health.to_numpy(),
                    "band": band.to_numpy(),
                    "coverage": coverage.to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def compute(model: BaselineModel, data_dir: Path) -> pd.DataFrame:
    """Read the tables and compute every signal and score of ``model``."""
    end, as_of = pd.Timestamp(model.end), pd.Timestamp(model.as_of)
    tables = Tables(data_dir, end)
    base = accounts_base(tables, as_of, end)
    signals = Signals(model, tables, base)
    raws = {s.id: signals.raw(s) for s in model.signals}
    return score_accounts(model, base, raws)


def run_pandas(model_path: Path, data_dir: Path, as_of: date, output: Path) -> float:
    """Compute the model with pandas and write the result to ``output`` (Parquet).
    Returns the wall time in seconds (reading the model excluded, reading the data included)."""
    model = read_model(model_path, as_of)
    started = time.perf_counter()
    compute(model, data_dir).to_parquet(output, index=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="health_model.yaml")
    parser.add_argument("data", type=Path, help="folder written by csa demo-data")
    parser.add_argument("as_of", type=date.fromisoformat)
    parser.add_argument("output", type=Path, help="Parquet file to write")
    args = parser.parse_args()
    print(f"compute {run_pandas(args.model, args.data, args.as_of, args.output):.3f}")


if __name__ == "__main__":
    main()
