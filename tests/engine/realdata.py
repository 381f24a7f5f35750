"""The three real datasets in ../shared/realdata and what the tests and docs/realdata.md need
from them: `csa score` run as each README says, scores as of any date without storing them, the
outcomes each dataset records (churn events, ended subscriptions, the peer's own health score,
the last subscription term), and the statistics that compare them (Spearman's ρ, Welch's t,
ROC AUC).

``uv run python -m tests.engine.realdata [ravenstack|r3n0va|fightchurn]`` prints the figures of
docs/realdata.md over every month of each dataset (about a minute).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from cs_architect.cli import main
from cs_architect.engine import ResultsStore, build_scoring, load_health_model
from cs_architect.engine.connect import connect_data
from cs_architect.engine.contract import ContractData, load_contract
from cs_architect.engine.execute import to_rows
from cs_architect.engine.model import tables_needed
from cs_architect.engine.scoring import category_column, score_column
from cs_architect.engine.store import ACCOUNTS, SIGNALS
from cs_architect.spec.health_model import HealthModel
from tests.conftest import EXAMPLES, REALDATA

MODELS = EXAMPLES / "realdata"


@dataclass(frozen=True)
class Dataset:
    name: str  # examples/realdata/<name>
    folder: str  # ../shared/realdata/<folder>
    as_of: date  # the as-of date of the README's command

    @property
    def data(self) -> Path:
        return REALDATA / self.folder

    def csv(self, name: str, **types: pa.DataType) -> pa.Table:
        """A file of the dataset, with the given column types (dates as date32)."""
        options = pacsv.ConvertOptions(column_types=types)
        return pacsv.read_csv(self.data / name, convert_options=options)


RAVENSTACK = Dataset("ravenstack", "ravenstack", date(2024, 12, 31))
R3N0VA = Dataset("r3n0va", "r3n0va-saas", date(2026, 6, 30))
FIGHTCHURN = Dataset("fightchurn", "fightchurn-socialnet", date(2020, 6, 30))


# -- running the model ---------------------------------------------------------------------------
@dataclass
class Scored:
    """`csa score` run as the README says, in a temporary bundle folder, and what it stored."""

    ds: Dataset
    out: Path
    text: str
    model: HealthModel
    accounts: list[dict[str, Any]]
    signals: list[dict[str, Any]]


def score_with_cli(ds: Dataset, out: Path) -> Scored:
    """Copy the example's health_model.yaml to ``out`` and run `csa score` on the dataset."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(MODELS / ds.name / "health_model.yaml", out / "health_model.yaml")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        main(["score", str(out), "--data", str(ds.data), "--as-of", ds.as_of.isoformat(), "--quiet"])
    store = ResultsStore.open(None, out, create=False)
    try:
        accounts = to_rows(store.rows(ACCOUNTS, ds.as_of))
        signals = to_rows(store.rows(SIGNALS, ds.as_of))
    finally:
        store.close()
    return Scored(ds, out, printed.getvalue(), load_health_model(out), accounts, signals)


def scores_at(model: HealthModel, data: ContractData, as_of: date) -> dict[str, dict[str, Any]]:
    """account id -> score, band, coverage and category scores, as of a date (nothing stored)."""
    expr = build_scoring(model, data, as_of).expr
    columns = {c.id: expr[category_column(c.id)] for c in model.categories}
    rows = to_rows(expr.select("account_id", "score", "band", "coverage", **columns))
    return {r["account_id"]: r for r in rows}


@contextlib.contextmanager
def contract(ds: Dataset) -> Iterator[tuple[HealthModel, ContractData]]:
    """The example's model and the dataset mapped onto the contract (read once, scored often)."""
    model = load_health_model(MODELS / ds.name)
    data = load_contract(connect_data(data_dir=ds.data), model.sources, tables_needed(model))
    try:
        yield model, data
    finally:
        assert data.source is not None
        data.source.close()


# -- statistics ----------------------------------------------------------------------------------
def ranks(values: list[float]) -> np.ndarray:
    """Ranks 1..n, ties sharing their mean rank."""
    v = np.asarray(values, dtype=float)
    order = np.argsort(v, kind="mergesort")
    rank = np.empty(len(v))
    rank[order] = np.arange(1, len(v) + 1)
    _, group, size = np.unique(v, return_inverse=True, return_counts=True)
    return np.bincount(group, weights=rank)[group] / size[group]


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation: Pearson's correlation of the ranks (ties share ranks); NaN
    when either side is constant."""
    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def mean(values: list[float]) -> float:
    """The mean, NaN for no values."""
    return statistics.fmean(values) if values else float("nan")


def roc_auc(risk: list[float], churned: list[bool]) -> float:
    """ROC AUC of ``risk`` for ``churned``: the chance that a random churner has a higher risk
    than a random account that stays, ties counting half (Mann-Whitney U ÷ n₁n₀)."""
    r, y = ranks(risk), np.asarray(churned, dtype=bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def welch_t(a: list[float], b: list[float]) -> float:
    """Welch's t statistic of mean(a) − mean(b): the difference in units of its standard error."""
    se = (statistics.variance(a) / len(a) + statistics.variance(b) / len(b)) ** 0.5
    return (statistics.fmean(a) - statistics.fmean(b)) / se


def month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def months_before(day: date, n: int) -> date:
    """The first day of the month ``n`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


# -- outcomes --------------------------------------------------------------------------------------
def ravenstack_churn_dates() -> dict[str, list[date]]:
    """account id -> its churn_date values in ravenstack_churn_events.csv."""
    events = RAVENSTACK.csv("ravenstack_churn_events.csv", churn_date=pa.date32())
    out: dict[str, list[date]] = {}
    for account, day in zip(events["account_id"].to_pylist(), events["churn_date"].to_pylist(), strict=True):
        out.setdefault(account, []).append(day)
    return out


def ravenstack_churn_split(
    model: HealthModel, data: ContractData, as_of: date, horizon: int = 180
) -> tuple[list[float], list[float]]:
    """Scores of accounts with a churn event in the ``horizon`` days after ``as_of``, and of
    accounts that never have one."""
    churns = ravenstack_churn_dates()
    churned, retained = [], []
    for account, row in scores_at(model, data, as_of).items():
        days = churns.get(account, [])
        if any(as_of < d <= as_of + timedelta(days=horizon) for d in days):
            churned.append(row["score"])
        elif not days:
            retained.append(row["score"])
    return churned, retained


def r3n0va_ended() -> dict[str, date]:
    """account id -> ended_date of its churned subscription."""
    subs = R3N0VA.csv("subscriptions.csv", ended_date=pa.date32())
    return {
        a: d
        for a, d in zip(subs["account_id"].to_pylist(), subs["ended_date"].to_pylist(), strict=True)
        if d is not None
    }


def r3n0va_peer_health() -> dict[tuple[str, date], dict[str, Any]]:
    """(account id, month) -> the peer's own health row (peer_reports/account_health.csv)."""
    peer = R3N0VA.csv("peer_reports/account_health.csv", health_month=pa.date32())
    return {(r["account_id"], r["health_month"]): r for r in peer.to_pylist()}


def r3n0va_churn_dates() -> list[date]:
    """One as-of date per churned subscription: the last day of the month three months before
    its end (its subscription ends on a month end), so each churner is scored a quarter ahead."""
    return sorted({month_end(months_before(end, 3)) for end in r3n0va_ended().values()})


# Our category -> the peer's part it is closest to. The peer has no adoption or sentiment part,
# but its NPS answers are drawn from its health score of the month, so our sentiment category
# (NPS only) must rank like it: a check that accounts and months are matched right.
PEER_PARTS = {
    "usage": "usage_score",
    "support": "support_score",
    "commercial": "payment_score",
    "sentiment": "health_score",
}


@dataclass
class PeerComparison:
    n: int  # account-months scored by both
    rho: float  # Spearman: our health score vs the peer's, same accounts and months
    parts: dict[str, float]  # Spearman: our category score vs the peer's closest part (3+ pairs)
    churned: int  # churner-months compared (up to 183 days before the subscription ends)
    churned_ours: float
    retained_ours: float
    churned_peer: float
    retained_peer: float


def r3n0va_compare(model: HealthModel, data: ContractData, dates: list[date]) -> PeerComparison:
    """Our score and the peer's for the same accounts and months, and both for churners
    (scored before the month their subscription ends) against accounts that never churn.

    Month m of the peer's history is computed from that month's data, so it is compared with
    our score as of the last day of m.
    """
    peer, ended = r3n0va_peer_health(), r3n0va_ended()
    pairs: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in ("health", *PEER_PARTS)}
    churned: tuple[list[float], list[float]] = ([], [])
    retained: tuple[list[float], list[float]] = ([], [])
    for as_of in dates:
        for account, row in scores_at(model, data, as_of).items():
            theirs = peer.get((account, as_of.replace(day=1)))
            if theirs is None or row["score"] is None:
                continue
            for key, (ours, their) in pairs.items():
                value = row["score"] if key == "health" else row[key]
                if value is not None:
                    ours.append(value)
                    their.append(theirs["health_score" if key == "health" else PEER_PARTS[key]])
            end = ended.get(account)
            group = retained if end is None else churned if (end - as_of).days <= 183 else None
            if group is not None:
                group[0].append(row["score"])
                group[1].append(theirs["health_score"])
    return PeerComparison(
        n=len(pairs["health"][0]),
        rho=spearman(*pairs["health"]),
        parts={k: spearman(*pairs[k]) for k in PEER_PARTS if len(pairs[k][0]) >= 3},
        churned=len(churned[0]),
        churned_ours=mean(churned[0]),
        retained_ours=mean(retained[0]),
        churned_peer=mean(churned[1]),
        retained_peer=mean(retained[1]),
    )


# fight-churn: an account is a run of monthly terms without gaps (signal_check.json:
# subscription_gaps 0); it starts with its first term and churned at the end of its last when
# that is on or before the simulation's end (PROVENANCE.md). The mapping cannot say this (see
# examples/realdata/fightchurn/health_model.yaml), so the tests take it from the file.
FIGHTCHURN_END = date(2020, 7, 1)
FIGHTCHURN_BACKTEST = [date(2020, m, 1) for m in (3, 4, 5, 6)]


def fightchurn_terms() -> dict[str, tuple[date, date]]:
    """account id -> (its first start_date, its last end_date) in subscriptions.csv."""
    subs = FIGHTCHURN.csv("subscriptions.csv", account_id=pa.string(), start_date=pa.date32(), end_date=pa.date32())
    out: dict[str, tuple[date, date]] = {}
    for a, start, end in zip(*(subs[c].to_pylist() for c in ("account_id", "start_date", "end_date")), strict=True):
        first, last = out.get(a, (start, end))
        out[a] = (min(first, start), max(last, end))
    return out


def fightchurn_churn_labels(terms: dict[str, tuple[date, date]], as_of: date, horizon: int = 30) -> dict[str, bool]:
    """Accounts subscribed on ``as_of`` (first term started by then, last one ends after it) ->
    whether they churn in the next ``horizon`` days (their last term ends by then)."""
    until = min(as_of + timedelta(days=horizon), FIGHTCHURN_END)
    return {a: last <= until for a, (first, last) in terms.items() if first <= as_of < last}


@dataclass
class Backtest:
    """How well (100 − score) ranks the accounts that churn in the next 30 days above those that
    stay, over the accounts subscribed on each as-of date."""

    dates: dict[date, tuple[int, int, float]]  # as-of date -> (accounts, churners, AUC)
    n: int  # account-dates, pooled
    churners: int
    auc: float  # pooled over the dates
    auc_tenure_28: float  # pooled, accounts subscribed for 28 days or more (PROVENANCE.md's basis)
    categories: dict[str, float]  # pooled AUC of (100 − category score), where it has data


def fightchurn_backtest(scores: dict[date, dict[str, dict[str, Any]]], terms: dict[str, tuple[date, date]]) -> Backtest:
    """The back-test of ``scores`` (as-of date -> :func:`scores_at`) against churn labels from
    subscriptions.csv."""
    per_date: dict[date, tuple[int, int, float]] = {}
    risk: list[float] = []
    churned: list[bool] = []
    tenured: list[bool] = []
    parts: dict[str, tuple[list[float], list[bool]]] = {}
    for as_of, rows in sorted(scores.items()):
        labels = fightchurn_churn_labels(terms, as_of)
        r = [100 - rows[a]["score"] for a in labels]
        per_date[as_of] = (len(labels), sum(labels.values()), roc_auc(r, list(labels.values())))
        risk += r
        churned += labels.values()
        tenured += [(as_of - terms[a][0]).days >= 28 for a in labels]
        for a, y in labels.items():
            for key, value in rows[a].items():
                if key not in ("account_id", "score", "band", "coverage") and value is not None:
                    parts.setdefault(key, ([], []))[0].append(100 - value)
                    parts[key][1].append(y)
    old = [i for i, t in enumerate(tenured) if t]
    return Backtest(
        dates=per_date,
        n=len(risk),
        churners=sum(churned),
        auc=roc_auc(risk, churned),
        auc_tenure_28=roc_auc([risk[i] for i in old], [churned[i] for i in old]),
        categories={k: roc_auc(*v) for k, v in sorted(parts.items())},
    )


def scoreable(ds: Dataset) -> int:
    """Accounts the data says exist and have not churned by the as-of date, counted from the
    raw files: RavenStack accounts signed up by then; r3n0va subscriptions started by then and
    not ended."""
    if ds is RAVENSTACK:
        accounts = ds.csv("ravenstack_accounts.csv", signup_date=pa.date32())
        return sum(d <= ds.as_of for d in accounts["signup_date"].to_pylist())
    subs = ds.csv("subscriptions.csv", subscription_start_date=pa.date32(), ended_date=pa.date32())
    rows = zip(subs["subscription_start_date"].to_pylist(), subs["ended_date"].to_pylist(), strict=True)
    return sum(start <= ds.as_of and (end is None or end > ds.as_of) for start, end in rows)


# -- the figures of docs/realdata.md ---------------------------------------------------------------
USAGE_PROXIES = """
with daily as (
    select account_id, date_trunc('month', activity_date) as month, avg(active_users) as active
    from read_csv('{d}/account_usage_daily.csv') group by all),
users as (select account_id, count(*) as n from read_csv('{d}/users.csv') group by all),
seats as (
    select s.account_id, i.effective_start, i.effective_end, i.quantity
    from read_csv('{d}/subscription_items.csv') i join read_csv('{d}/subscriptions.csv') s using (subscription_id)
    where i.item_type = 'plan'),
events as (
    select account_id, date_trunc('month', event_at) as month, count(distinct user_id) as n
    from read_csv('{d}/product_events.csv') group by all)
select p.usage_score, d.active / s.quantity as per_seat, d.active / u.n as per_user,
       coalesce(e.n, 0) / u.n as event_users
from read_csv('{d}/peer_reports/account_health.csv') p
join daily d on d.account_id = p.account_id and d.month = p.health_month
join users u on u.account_id = p.account_id
join seats s on s.account_id = p.account_id and p.health_month between s.effective_start and s.effective_end
left join events e on e.account_id = p.account_id and e.month = p.health_month
"""


def r3n0va_usage_proxies() -> dict[str, float]:  # pragma: no cover - run by hand
    """Spearman ρ of the peer's monthly usage score with what the data shows of its main input
    (monthly active users ÷ paid seats): sampled daily active users ÷ the plan's seats that
    month, ÷ the account's users, and distinct users in product events ÷ users."""
    import duckdb

    rows = duckdb.sql(USAGE_PROXIES.format(d=R3N0VA.data)).fetchall()
    usage = [r[0] for r in rows]
    return {name: spearman(usage, [r[i] for r in rows]) for i, name in enumerate(("per_seat", "per_user"), 1)} | {
        "event_users": spearman(usage, [r[3] for r in rows]),
        "n": len(rows),
    }


def _report(ds: Dataset) -> None:  # pragma: no cover - run by hand
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        run = score_with_cli(ds, Path(tmp))
        print(f"{ds.name}: `csa score` in-process {time.perf_counter() - start:.1f} s")
    print(run.text.split("\nWorst")[0])
    with_data = Counter(s["signal_id"] for s in run.signals if s["raw"] is not None)
    print("accounts with data per signal:", {s.id: with_data[s.id] for _, s in run.model.signals()})
    with contract(ds) as (model, data):
        if ds is RAVENSTACK:
            pooled: tuple[list[float], list[float]] = ([], [])
            print("as_of, churning in 180 days (n, mean), never churning (n, mean), Welch t")
            for as_of in [month_end(date(2023, m, 1)) for m in range(6, 13)] + [
                month_end(date(2024, m, 1)) for m in range(1, 7)
            ]:
                churned, retained = ravenstack_churn_split(model, data, as_of)
                pooled[0].extend(churned)
                pooled[1].extend(retained)
                print(
                    as_of,
                    len(churned),
                    f"{statistics.fmean(churned):.2f}",
                    len(retained),
                    f"{statistics.fmean(retained):.2f}",
                    f"{welch_t(churned, retained):+.2f}",
                )
            print("pooled", len(pooled[0]), f"{statistics.fmean(pooled[0]):.2f}", len(pooled[1]),
                  f"{statistics.fmean(pooled[1]):.2f}")  # fmt: skip
        elif ds is FIGHTCHURN:
            _fightchurn_report(model, data)
        else:
            months = [month_end(date(y, m, 1)) for y in (2024, 2025, 2026) for m in range(1, 13)]
            months = [d for d in months if date(2024, 3, 1) <= d <= R3N0VA.as_of]
            print("all months:", r3n0va_compare(model, data, months))
            print("a quarter before each churn:", r3n0va_compare(model, data, r3n0va_churn_dates()))
            for as_of in (date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31), R3N0VA.as_of):
                c = r3n0va_compare(model, data, [as_of])
                print(as_of, c.n, f"{c.rho:+.2f}")
            print("the peer's usage score vs what the data shows of its input:", r3n0va_usage_proxies())


def without(model: HealthModel, signals: tuple[str, ...] = (), categories: tuple[str, ...] = ()) -> HealthModel:
    """The model without some signals or categories, category weights scaled back to 100."""
    spec = model.model_dump()
    kept = [c for c in spec["categories"] if c["id"] not in categories]
    total = sum(c["weight"] for c in kept)
    for c in kept:
        c["weight"] *= 100 / total
        c["signals"] = [s for s in c["signals"] if s["id"] not in signals]
    return HealthModel.model_validate({**spec, "categories": kept})


FIGHTCHURN_ANCHORS = """
with e as (select account_id::varchar as a, event_time::timestamp as ts, event_type as ev
           from read_csv('{d}/events.csv.gz')),
terms as (select account_id::varchar as a, min(start_date) as f, max(end_date) as l
          from read_csv('{d}/subscriptions.csv') group by all),
subscribed as (select a from terms where f <= date '2020-06-01' and l > date '2020-06-01'),
month as (
    select s.a, count(e.a) as events,
           count(e.a) filter (where ev in ('newfriend', 'message', 'reply')) as value,
           count(e.a) filter (where ev in ('unfriend', 'dislike')) as negative,
           count(distinct ev) filter (where ev in ('post', 'newfriend', 'like', 'message', 'reply')) as kinds
    from subscribed s left join e on e.a = s.a
         and e.ts >= date '2020-05-03' and e.ts < date '2020-06-02' group by all),
days as (select distinct a, ts::date as day from e),
gaps as (select day - lag(day) over (partition by a order by day) as gap from days)
select (select quantile_cont(events, [0.1, 0.5, 0.9]) from month) as events,
       (select quantile_cont(value, [0.1, 0.25, 0.5, 0.75, 0.9]) from month) as value,
       (select quantile_cont(negative, [0.25, 0.5, 0.9]) from month) as negative,
       (select histogram(kinds) from month) as kinds,
       (select quantile_cont(gap, [0.5, 0.9, 0.99]) from gaps where gap is not null) as gaps
"""


def _fightchurn_report(model: HealthModel, data: ContractData) -> None:  # pragma: no cover - run by hand
    import duckdb

    print("30 days to 2020-06-01, accounts subscribed then (the scoring anchors; percentiles):")
    row = duckdb.sql(FIGHTCHURN_ANCHORS.format(d=FIGHTCHURN.data)).fetchone()
    assert row is not None
    print(dict(zip(("events", "value", "negative", "kinds", "gaps between active days"), row, strict=True)))
    terms = fightchurn_terms()
    labels = [fightchurn_churn_labels(terms, d) for d in [date(2020, m, 1) for m in range(2, 7)]]
    print("Feb-Jun 1 labels (signal_check.json churn_30/all_active):", sum(map(len, labels)),
          sum(sum(x.values()) for x in labels))  # fmt: skip
    scores = {d: scores_at(model, data, d) for d in FIGHTCHURN_BACKTEST}
    print("the model:", fightchurn_backtest(scores, terms))
    signals: dict[date, dict[str, dict[str, Any]]] = {}
    for d in FIGHTCHURN_BACKTEST:
        expr = build_scoring(model, data, d).expr
        picked = {s.id: expr[score_column(s.id)] for _, s in model.signals()}
        signals[d] = {r["account_id"]: r for r in to_rows(expr.select("account_id", "score", **picked))}
    print("per signal (pooled AUC of 100 - signal score):", fightchurn_backtest(signals, terms).categories)
    variants = {  # evaluated on the same dates: in-sample, not a model to ship
        "without negative_events": without(model, signals=("negative_events",)),
        "without commercial": without(model, categories=("commercial",)),
        "without both": without(model, signals=("negative_events",), categories=("commercial",)),
    }
    for name, variant in variants.items():
        b = fightchurn_backtest({d: scores_at(variant, data, d) for d in FIGHTCHURN_BACKTEST}, terms)
        print(f"variant {name}: pooled AUC {b.auc:.4f}, per date", {d: round(x[2], 4) for d, x in b.dates.items()})


if __name__ == "__main__":  # pragma: no cover
    for dataset in (RAVENSTACK, R3N0VA, FIGHTCHURN):
        if dataset.data.is_dir() and (len(sys.argv) < 2 or dataset.name in sys.argv[1:]):
            _report(dataset)
