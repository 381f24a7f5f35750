"""Why an account has its score: every signal's raw value, score and points, and what changed.

Points: each signal can cost at most its effective weight (its share of the health score,
out of 100 for all signals with data); points = effective weight × (score − 100) / 100, so
health = 100 + Σ points. The top detractors are the signals that cost the most points;
"what changed" compares each signal's points with the previous snapshot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from cs_architect.engine.execute import to_rows
from cs_architect.engine.store import ACCOUNTS, CATEGORIES, SIGNALS, ResultsStore
from cs_architect.engine.terminal import cut, display_width, pad, printable
from cs_architect.errors import InputError
from cs_architect.spec.health_model import HealthModel
from cs_architect.spec.signals import SIGNAL_KINDS

BAND_NAMES = {"healthy": "Healthy", "at_risk": "At risk", "critical": "Critical"}


def show_score(score: float | None) -> str:
    """A score for people: one decimal, truncated so a shown score never sits across a band
    boundary from the account's band (39.99 shows as 39.9, not 40.0)."""
    if score is None:
        return "-"
    return f"{math.floor(score * 10 + 1e-9) / 10:.1f}"


def fit(text: str, width: int) -> str:
    """``text`` on one line (see :func:`.terminal.printable`) in at most ``width`` terminal
    columns, cut with an ellipsis when longer."""
    return cut(printable(text), width)


def account_label(name: str | None, account_id: str, width: int) -> str:
    """'Name (id)' in at most ``width`` terminal columns, on one line. The id is never cut (it
    is what people search for and pass to ``--account``): the name is shortened with an
    ellipsis, or left out when there is no room; an id longer than ``width`` is shown whole."""
    account_id = printable(account_id)
    if not name:
        return account_id
    full = f"{printable(name)} ({account_id})"
    if display_width(full) <= width:
        return full
    room = width - display_width(account_id) - 3  # ' (' and ')'
    return f"{fit(name, room)} ({account_id})" if room >= 2 else account_id


def show_raw(value: float | None, unit: str) -> str:
    """A raw value in its unit: ratios as 0.00, days and counts as whole numbers."""
    if value is None:
        return "no data"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "days":
        return f"{value:,.0f} days"
    if unit in ("count", "nps"):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.2f}"


@dataclass(frozen=True)
class SignalLine:
    signal_id: str
    name: str
    category: str
    kind: str
    unit: str
    raw: float | None
    score: float | None
    weight: float
    points: float
    note: str | None
    change: float | None = None  # points now − points at the previous snapshot

    def reason(self) -> str:
        """One line: 'Active users (30 days): 0.12 → score 20 (−9.6 pts)'."""
        if self.score is None:
            return f"{self.name}: {self.note or 'no data'}"
        return f"{self.name}: {show_raw(self.raw, self.unit)} → score {self.score:.0f} ({self.points:+.1f} pts)"


@dataclass
class AccountExplanation:
    as_of: date
    account: dict[str, object]
    categories: list[dict[str, object]]
    signals: list[SignalLine]
    previous: date | None = None
    previous_score: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float | None:
        return self.account.get("score")  # type: ignore[return-value]

    def top_detractors(self, n: int = 3) -> list[SignalLine]:
        """The ``n`` signals that cost the most points (only those that cost any)."""
        costly = [s for s in self.signals if s.points < -1e-9]
        return sorted(costly, key=lambda s: (s.points, s.signal_id))[:n]

    def changes(self, n: int = 5) -> list[SignalLine]:
        """Signals whose points moved most since the previous snapshot."""
        moved = [s for s in self.signals if s.change is not None and abs(s.change) >= 0.05]
        return sorted(moved, key=lambda s: (-abs(s.change or 0), s.signal_id))[:n]

    def to_text(self) -> str:
        a = self.account
        band = BAND_NAMES.get(str(a.get("band")), "no score")
        lines = [
            f"{a['name'] or a['account_id']} ({a['account_id']}) as of {self.as_of}",
            f"Health {show_score(self.score)} ({band}), "
            f"coverage {float(a['coverage'] or 0):.0f}% of the weight had data",  # type: ignore[arg-type]
        ]
        if self.previous is not None:
            delta = None if self.score is None or self.previous_score is None else self.score - self.previous_score
            change = f"{delta:+.1f}" if delta is not None else "n/a"
            lines.append(f"Change since {self.previous}: {change} (was {show_score(self.previous_score)})")
        lines += ["", f"{'category':<12} {'score':>6} {'weight':>7}"]
        for c in self.categories:
            score = c["score"]
            category = pad(printable(str(c["category"])), 12)
            lines.append(f"{category} {show_score(score):>6} {float(c['weight'] or 0):>7.1f}")  # type: ignore[arg-type]
        lines += ["", f"{'signal':<34} {'raw':>14} {'score':>6} {'weight':>7} {'points':>7}"]
        for s in self.signals:
            score = f"{s.score:.0f}" if s.score is not None else "-"
            name = pad(fit(s.name, 34), 34)
            lines.append(f"{name} {show_raw(s.raw, s.unit):>14} {score:>6} {s.weight:>7.1f} {s.points:>+7.1f}")
        top = self.top_detractors()
        if top:
            lines += ["", "Top detractors:"] + [f"  - {s.reason()}" for s in top]
        moved = self.changes()
        if moved:
            lines += ["", f"Changed since {self.previous}:"]
            lines += [f"  - {s.name}: {s.change:+.1f} pts (now {show_raw(s.raw, s.unit)})" for s in moved]
        missing = [s for s in self.signals if s.score is None]
        if missing:
            lines += ["", "Without data:"]
            lines += [f"  - {s.name}: {s.note or 'no data'}" for s in missing]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(map(printable, lines))

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "account": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.account.items()},
            "previous": self.previous.isoformat() if self.previous else None,
            "previous_score": self.previous_score,
            "categories": self.categories,
            "signals": [s.__dict__ for s in self.signals],
            "top_detractors": [s.signal_id for s in self.top_detractors()],
        }


def explain_account(
    store: ResultsStore, model: HealthModel, account_id: str, as_of: date | None = None
) -> AccountExplanation:
    """Explain one account's score from a stored snapshot (the latest when ``as_of`` is None)."""
    snap = store.resolve(as_of)
    rows = store.account_scores(snap.as_of, model.trend_days)
    found = to_rows(rows.filter(rows.account_id == account_id))
    if not found:
        raise InputError(f"account '{account_id}' is not in the snapshot of {snap.as_of}")
    account = found[0]
    cats = store.rows(CATEGORIES, snap.as_of)
    categories = cats.filter(cats.account_id == account_id).select("category", "score", "weight")
    sigs = store.rows(SIGNALS, snap.as_of)
    current = to_rows(sigs.filter(sigs.account_id == account_id))
    previous = store.previous(snap.as_of)
    before: dict[str, float] = {}
    prev_score = None
    if previous is not None:
        old = store.rows(SIGNALS, previous)
        for r in to_rows(old.filter(old.account_id == account_id).select("signal_id", "points")):
            before[r["signal_id"]] = r["points"]
        acc = store.rows(ACCOUNTS, previous)
        prev = to_rows(acc.filter(acc.account_id == account_id).select("score"))
        prev_score = prev[0]["score"] if prev else None
    names = {s.id: s.name for _, s in model.signals()}
    order = {s.id: i for i, (_, s) in enumerate(model.signals())}
    lines = [
        SignalLine(
            signal_id=r["signal_id"],
            name=names.get(r["signal_id"], r["signal_id"]),
            category=r["category"],
            kind=r["kind"],
            unit=SIGNAL_KINDS[r["kind"]].unit if r["kind"] in SIGNAL_KINDS else "",
            raw=r["raw"],
            score=r["score"],
            weight=r["weight"] or 0.0,
            points=r["points"] or 0.0,
            note=r["note"],
            change=((r["points"] or 0.0) - before[r["signal_id"]]) if r["signal_id"] in before else None,
        )
        for r in current
    ]
    lines.sort(key=lambda s: (order.get(s.signal_id, len(order)), s.signal_id))
    notes = []
    if snap.model_digest and names and set(names) != {s.signal_id for s in lines}:
        notes.append("the health model has changed since this snapshot; names are from the current model")
    if model.missing_data.policy == "fixed":
        notes.append(f"missing signals count as {model.missing_data.neutral_score:g} (missing_data: fixed)")
    cat_order = {c.id: i for i, c in enumerate(model.categories)}
    cat_rows = sorted(to_rows(categories), key=lambda c: cat_order.get(c["category"], 99))
    return AccountExplanation(
        as_of=snap.as_of,
        account=account,
        categories=cat_rows,
        signals=lines,
        previous=previous,
        previous_score=prev_score,
        notes=notes,
    )
