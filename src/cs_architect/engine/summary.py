"""The summary of a scoring run: accounts and ARR by band, the worst accounts and why,
the accounts falling fastest. Read back from the results store, so it shows exactly what
was stored (and the trend against earlier snapshots)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import ibis

from cs_architect.engine.execute import to_rows
from cs_architect.engine.explain import BAND_NAMES, SignalLine, account_label, fit, show_score
from cs_architect.engine.store import SIGNALS, ResultsStore, Snapshot
from cs_architect.engine.terminal import pad, printable
from cs_architect.issues import Issue
from cs_architect.spec.health_model import HealthModel
from cs_architect.spec.signals import SIGNAL_KINDS

WORST = 10
FALLING = 5
REASONS = 3


@dataclass(frozen=True)
class BandCount:
    band: str
    name: str
    accounts: int
    arr: float


@dataclass(frozen=True)
class AccountLine:
    account_id: str
    name: str | None
    owner: str | None
    segment: str | None
    arr: float | None
    score: float | None
    band: str | None
    coverage: float | None
    change_prev: float | None
    change_trend: float | None
    reasons: list[str] = field(default_factory=list)


@dataclass
class ScoreRun:
    """What ``csa score`` did: the snapshot written and what it says."""

    snapshot: Snapshot
    store: str
    trend_days: int
    bands: list[BandCount]
    worst: list[AccountLine]
    falling: list[AccountLine]
    no_data: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # shown first: what makes the scores misleading

    @property
    def as_of(self) -> date:
        return self.snapshot.as_of

    def to_text(self) -> str:
        s = self.snapshot
        cov = f"{s.mean_coverage:.0f}%" if s.mean_coverage is not None else "-"
        lines = [
            f"{s.company}: {s.accounts:,} accounts scored as of {s.as_of} (mean coverage {cov})",
            f"snapshot written to {self.store}",
            "",
        ]
        if self.notices:
            lines += [f"WARNING: {n}" for n in self.notices] + [""]
        total_arr = sum(b.arr for b in self.bands) or 0.0
        lines.append(f"{'band':<10} {'accounts':>9} {'ARR':>15} {'ARR %':>6}")
        for b in self.bands:
            share = f"{100 * b.arr / total_arr:.0f}%" if total_arr else "-"
            lines.append(f"{b.name:<10} {b.accounts:>9,} {b.arr:>15,.0f} {share:>6}")
        if self.worst:
            lines += ["", f"Worst {len(self.worst)} accounts:", _header()]
            lines += [row for a in self.worst for row in _account_rows(a)]
        if self.falling:
            lines += ["", f"Falling fastest (vs {self.trend_days} days ago):", _header()]
            lines += [row for a in self.falling for row in _account_rows(a)]
        if self.no_data:
            lines += ["", "Signals without data (their weight is redistributed):"]
            lines += [f"  - {k}: {v}" for k, v in self.no_data.items()]
        if self.issues:
            lines += ["", "Data warnings (run `csa check-data` for the full report):"]
            lines += [f"  {i}" for i in self.issues]
        return "\n".join(map(printable, lines))

    def to_dict(self) -> dict[str, object]:
        snap = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.snapshot.__dict__.items()}
        return {
            "snapshot": snap,
            "store": self.store,
            "bands": [b.__dict__ for b in self.bands],
            "worst": [a.__dict__ for a in self.worst],
            "falling": [a.__dict__ for a in self.falling],
            "no_data": self.no_data,
            "issues": [i.to_dict() for i in self.issues],
            "notices": self.notices,
        }


def _header() -> str:
    return f"  {'account':<28} {'owner':<12} {'ARR':>10} {'score':>6} {'band':<9} {'Δprev':>6} {'Δtrend':>7}"


def _delta(v: float | None) -> str:
    return f"{v:+.1f}" if v is not None else "-"


def _account_rows(a: AccountLine) -> list[str]:
    label = account_label(a.name, a.account_id, 28)
    arr = f"{a.arr:,.0f}" if a.arr is not None else "-"
    band = BAND_NAMES.get(a.band or "", "-")
    head = (
        f"  {pad(label, 28)} {pad(fit(a.owner or '-', 12), 12)} {arr:>10} {show_score(a.score):>6} {band:<9} "
        f"{_delta(a.change_prev):>6} {_delta(a.change_trend):>7}"
    )
    return [head] + [f"      {r}" for r in a.reasons]


def _reasons(store: ResultsStore, model: HealthModel, as_of: date, ids: list[str]) -> dict[str, list[str]]:
    if not ids:
        return {}
    sigs = store.rows(SIGNALS, as_of)
    rows = to_rows(
        sigs.filter(sigs.account_id.isin(ids) & (sigs.points < 0)).order_by(["account_id", "points", "signal_id"])
    )
    names = {s.id: s.name for _, s in model.signals()}
    out: dict[str, list[str]] = {}
    for r in rows:
        kind = SIGNAL_KINDS.get(r["kind"])
        line = SignalLine(
            r["signal_id"],
            names.get(r["signal_id"], r["signal_id"]),
            r["category"],
            r["kind"],
            kind.unit if kind else "",
            r["raw"],
            r["score"],
            r["weight"],
            r["points"],
            r["note"],
        )
        reasons = out.setdefault(r["account_id"], [])
        if len(reasons) < REASONS:
            reasons.append(line.reason())
    return out


def _lines(rows: list[dict[str, object]], reasons: dict[str, list[str]]) -> list[AccountLine]:
    keys = AccountLine.__dataclass_fields__
    return [
        AccountLine(
            **{k: r.get(k) for k in keys if k != "reasons"},  # type: ignore[arg-type]
            reasons=reasons.get(str(r["account_id"]), []),
        )
        for r in rows
    ]


def summarise(
    store: ResultsStore,
    model: HealthModel,
    snapshot: Snapshot,
    no_data: dict[str, str],
    issues: list[Issue],
    notices: list[str] | None = None,
) -> ScoreRun:
    """Bands, worst accounts with their top reasons, and the fastest falling, from the store.
    ``notices`` (stale data, missing heavy tables) are shown first."""
    scores = store.account_scores(snapshot.as_of, model.trend_days)
    by_band = scores.group_by("band").aggregate(accounts=ibis._.count(), arr=ibis._.arr.sum())
    counts = {r["band"]: r for r in to_rows(by_band)}
    bands = []
    for b in sorted(model.bands, key=lambda b: -b.min):
        r = counts.get(b.id, {})
        bands.append(BandCount(b.id, b.name, int(r.get("accounts") or 0), float(r.get("arr") or 0.0)))
    if None in counts:
        bands.append(BandCount("no_score", "No data", int(counts[None]["accounts"]), float(counts[None]["arr"] or 0)))
    cols = ["account_id", "name", "owner", "segment", "arr", "score", "band", "coverage", "change_prev", "change_trend"]
    worst = to_rows(scores.filter(scores.score.notnull()).order_by(["score", "account_id"]).limit(WORST).select(cols))
    falling = to_rows(
        scores.filter(scores.change_trend < 0).order_by(["change_trend", "account_id"]).limit(FALLING).select(cols)
    )
    ids = sorted({str(r["account_id"]) for r in worst + falling})
    reasons = _reasons(store, model, snapshot.as_of, ids)
    return ScoreRun(
        snapshot=snapshot,
        store=store.where,
        trend_days=model.trend_days,
        bands=bands,
        worst=_lines(worst, reasons),
        falling=_lines(falling, reasons),
        no_data=no_data,
        issues=issues,
        notices=list(notices or []),
    )
