"""What the baselines read from ``health_model.yaml``: each signal's kind, params and scoring.

The baselines re-implement the model's signals by hand (SQL in ``handwritten.sql``, pandas in
``pandas_signals.py``) so that ``bench/score.py`` can compare the engine with them on the same
work. They read the YAML directly (not through the engine) and cover the signal kinds the
compiler writes for the bundled examples (any number of signals per kind, each with its own
params and segments); a model with another kind is refused with a message rather than scored
differently.

Window semantics are the engine's (docs/engine.md): windows are whole days ending with the
as-of date, so a ``d``-day window is ``[end - d days, end)`` with ``end`` = the day after the
as-of date at 00:00, and rows dated at or after ``end`` do not exist for the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

# Kinds the hand-written baselines compute, with the engine's catalogue defaults
# (src/cs_architect/spec/signals.py) for params a model may leave out.
DEFAULTS: dict[str, dict[str, Any]] = {
    "active_user_ratio": {"window_days": 30},
    "usage_trend": {"window_days": 30},
    "days_since_last_activity": {},
    "feature_breadth": {"window_days": 30},
    "value_event_frequency": {"window_days": 30},
    "onboarding_progress": {},
    "tickets_per_seat": {"window_days": 30},
    "first_response_sla": {"window_days": 90},
    "ticket_csat": {"window_days": 90, "scale_max": 5},
    "nps": {"window_days": 180},
    "detractor_share": {"window_days": 180},
    "csm_sentiment": {"scale_max": 5},
    "seat_utilisation": {},
    "failed_payments": {"window_days": 90},
    "days_to_renewal": {},
    "days_since_touchpoint": {},
    "executive_engagement": {"window_days": 180},
    "qbr_cadence": {"cadence_days": 90},
}
# Params that name events or kinds: the baselines need them spelled out (the engine reads an
# empty list as "any", which the compiled model never uses for these kinds).
NAME_LISTS = {
    "active_user_ratio": "events",
    "usage_trend": "events",
    "days_since_last_activity": "events",
    "feature_breadth": "features",
    "value_event_frequency": "events",
    "days_since_touchpoint": "kinds",
}


class BaselineModelError(ValueError):
    """The model uses something the hand-written baselines do not cover."""


@dataclass(frozen=True)
class Scoring:
    """A signal's raw value -> 0-100 rule: ``linear`` (bad, good) or ``bands`` (steps)."""

    method: str
    bad: float = 0.0
    good: float = 0.0
    higher_is_better: bool = True
    thresholds: tuple[float, ...] = ()
    scores: tuple[float, ...] = ()
    otherwise: float = 0.0

    def score(self, raw: float) -> float:
        """Score of one raw value (the reference the vectorised versions follow)."""
        if self.method == "linear":
            scaled = (raw - self.bad) * (100.0 / (self.good - self.bad))
            return min(max(scaled, 0.0), 100.0)
        for threshold, score in zip(self.thresholds, self.scores, strict=True):
            if (raw >= threshold) if self.higher_is_better else (raw <= threshold):
                return score
        return self.otherwise


@dataclass(frozen=True)
class Signal:
    """One signal of the model with its params (catalogue defaults filled in)."""

    id: str
    kind: str
    category: str
    weight: float  # inside its category
    category_weight: float
    params: dict[str, Any]
    segments: tuple[str, ...]  # the account segments it applies to (empty: all)
    scoring: Scoring
    tenure_days: int | None
    tenure_scoring: Scoring | None


@dataclass(frozen=True)
class Band:
    id: str
    min: float


@dataclass(frozen=True)
class BaselineModel:
    """The parts of a health model the baselines need, and the as-of window."""

    signals: tuple[Signal, ...]
    bands: tuple[Band, ...]  # highest minimum first
    as_of: date

    @property
    def end(self) -> datetime:
        """The end of the as-of date (exclusive): the day after at 00:00."""
        return datetime.combine(self.as_of + timedelta(days=1), time(0))

    def since(self, days: int) -> datetime:
        """Start of a window of ``days`` whole days ending with the as-of date."""
        return self.end - timedelta(days=days)

    @property
    def kinds(self) -> set[str]:
        return {s.kind for s in self.signals}


def _scoring(spec: dict[str, Any], where: str) -> Scoring:
    method = spec.get("method", "linear")
    if method == "linear":
        return Scoring("linear", bad=float(spec["bad"]), good=float(spec["good"]))
    if method == "bands":
        steps = spec["steps"]
        return Scoring(
            "bands",
            higher_is_better=bool(spec.get("higher_is_better", True)),
            thresholds=tuple(float(s["threshold"]) for s in steps),
            scores=tuple(float(s["score"]) for s in steps),
            otherwise=float(spec.get("otherwise", 0)),
        )
    raise BaselineModelError(f"{where}: scoring method {method!r} is not covered by the baselines")


def read_model(path: Path, as_of: date) -> BaselineModel:
    """Read ``health_model.yaml`` for the baselines; raise :class:`BaselineModelError` when it
    uses a kind (or a policy) the hand-written baselines do not cover."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    policy = (doc.get("missing_data") or {}).get("policy", "redistribute")
    if policy != "redistribute":
        raise BaselineModelError(f"missing_data.policy {policy!r}: the baselines implement 'redistribute' only")
    signals: list[Signal] = []
    for cat in doc["categories"]:
        for s in cat["signals"]:
            where = f"{path.name}: signal {s['id']}"
            if s["kind"] not in DEFAULTS:
                raise BaselineModelError(f"{where}: kind {s['kind']!r} has no hand-written baseline")
            params = {**DEFAULTS[s["kind"]], **(s.get("params") or {})}
            names = NAME_LISTS.get(s["kind"])
            if names and not params.get(names):
                raise BaselineModelError(f"{where}: the baselines need an explicit '{names}' list")
            for m in params.get("milestones", []):
                if m.get("distinct_users") or m.get("roles"):
                    raise BaselineModelError(f"{where}: milestones with distinct_users or roles are not covered")
            tenure = s.get("tenure")
            signals.append(
                Signal(
                    id=s["id"],
                    kind=s["kind"],
                    category=cat["id"],
                    weight=float(s["weight"]),
                    category_weight=float(cat["weight"]),
                    params=params,
                    segments=tuple(s.get("segments") or ()),
                    scoring=_scoring(s["scoring"], where),
                    tenure_days=int(tenure["days"]) if tenure else None,
                    tenure_scoring=_scoring(tenure["scoring"], where + " tenure") if tenure else None,
                )
            )
    bands = tuple(sorted((Band(b["id"], float(b["min"])) for b in doc["bands"]), key=lambda b: -b.min))
    return BaselineModel(tuple(signals), bands, as_of)


def table_files(data_dir: Path, table: str) -> list[str]:
    """The Parquet file(s) of a contract table as ``csa demo-data`` writes them:
    ``<table>.parquet`` or a folder ``<table>/`` of parts."""
    single = data_dir / f"{table}.parquet"
    if single.is_file():
        return [str(single)]
    parts = sorted(str(p) for p in (data_dir / table).glob("*.parquet"))
    if not parts:
        raise FileNotFoundError(f"no {table}.parquet or {table}/*.parquet in {data_dir}")
    return parts
