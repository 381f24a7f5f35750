"""The health model in words: the signal table, each category's formula, the calculation and a
worked example of missing data.

Rows and formulas are derived from a :class:`~cs_architect.spec.health_model.HealthModel` alone, so
they are rebuilt the same way from the designed model and from an edited ``health_model.yaml``.
A signal scoped to some segments shows its share of the score for the accounts it applies to
(:func:`~cs_architect.design.health_data.segment_shares`).
"""

from __future__ import annotations

from pydantic import Field

from cs_architect.design.cs_team import join_names
from cs_architect.design.health_data import KIND_COLUMNS, segment_shares
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis
from cs_architect.spec.health_model import BandScoring, CategorySpec, HealthModel, LinearScoring, Signal
from cs_architect.spec.signals import SIGNAL_KINDS, Category

SOURCE_EVENTS_SHOWN = 3
CATEGORY_NAMES: dict[Category, str] = {
    "usage": "Usage",
    "adoption": "Adoption",
    "support": "Support",
    "sentiment": "Sentiment",
    "commercial": "Commercial",
    "engagement": "Engagement",
}


class SignalRow(Strict):
    """One line of the signal table."""

    category: Category
    category_name: str
    id: str
    name: str
    measures: str
    source: str
    weight_in_category: float = Field(
        description="% of the category's weight, among the signals that apply to the same accounts"
    )
    effective_weight: float = Field(
        description="% of the health score for the accounts it applies to (the highest, when it differs by segment)"
    )
    effective_weight_min: float | None = Field(
        default=None, description="the lowest share across the segments it applies to, when it differs"
    )
    segments: list[str] = Field(default_factory=list, description="segment ids it applies to; empty = all")
    applies_to: str = Field(default="all segments", description="the segments it applies to, by name")
    scoring: str
    why: str
    basis: list[Basis]


# --- scoring in words ---------------------------------------------------------------------------
def _value(x: float, unit: str) -> str:
    if unit == "per_seat":
        return f"{x:g} per seat ({x * 100:g} per 100 seats)"
    if unit == "ratio":
        return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"
    if unit == "days":
        return f"{x:g} days"
    if unit == "nps":
        return f"{x:+g}"
    return f"{x:g}"


def describe_scoring(scoring: LinearScoring | BandScoring, unit: str) -> str:
    """A scoring rule in words, e.g. 'linear: 0 at 30%, 100 at 80%'."""
    if isinstance(scoring, LinearScoring):
        return f"linear: 0 at {_value(scoring.bad, unit)}, 100 at {_value(scoring.good, unit)}"
    cmp = ">=" if scoring.higher_is_better else "<="
    steps = "; ".join(f"{cmp} {_value(s.threshold, unit)}: {s.score:g}" for s in scoring.steps)
    return f"bands: {steps}; otherwise {scoring.otherwise:g}"


def _scoring_text(signal: Signal) -> str:
    unit = "per_seat" if signal.kind == "tickets_per_seat" else SIGNAL_KINDS[signal.kind].unit
    text = describe_scoring(signal.scoring, unit)
    if signal.tenure is not None:
        text += f"; first {signal.tenure.days} days: {describe_scoring(signal.tenure.scoring, unit)}"
    return text


def _measures(signal: Signal) -> str:
    kind = SIGNAL_KINDS[signal.kind]
    kinds = signal.params.get("kinds")
    if signal.kind == "days_since_touchpoint" and isinstance(kinds, list) and kinds:
        # The catalogue says 'CSM touchpoint'; the kinds say which touchpoints this signal counts.
        return f"days since the last touchpoint of kind {', '.join(str(k) for k in kinds)}"
    details = []
    for key in ("window_days", "months", "cadence_days"):
        if key in signal.params:
            details.append(f"{key.replace('_', ' ')}: {signal.params[key]}")
    return kind.description + (f" ({', '.join(details)})" if details else "")


def _source(signal: Signal) -> str:
    tables = KIND_COLUMNS[signal.kind]
    names = [t for t in tables if t != "accounts"] or ["accounts"]
    text = ", ".join(names)
    events = signal.params.get("events") or signal.params.get("features")
    if isinstance(events, list):
        # The full list is in health_model.yaml; a table cell names the first few.
        shown = ", ".join(str(e) for e in events[:SOURCE_EVENTS_SHOWN])
        more = len(events) - SOURCE_EVENTS_SHOWN
        text += f" ({shown}{f' and {more} more' if more > 0 else ''})"
    if signal.kind == "onboarding_progress":
        ms = signal.params.get("milestones")
        if isinstance(ms, list):
            text += " (" + ", ".join(str(m["event"]) for m in ms if isinstance(m, dict)) + ")"
    return text


def signal_rows(model: HealthModel, segment_names: dict[str, str]) -> list[SignalRow]:
    """One row per signal of the table; shares follow :func:`~cs_architect.design.health_data.segment_shares`, so a
    signal scoped to some segments shows its share for the accounts it applies to."""
    shares = segment_shares(model, list(segment_names))
    rows = []
    for cat in model.categories:
        for s in cat.signals:
            mine = [v for k, v in shares[s.id].items() if not s.segments or k in s.segments]
            high, low = round(max(mine, default=0.0), 2), round(min(mine, default=0.0), 2)
            # Share inside the category, among the signals that apply to the same accounts.
            peers = [x for x in cat.signals if not x.segments or not s.segments or set(x.segments) & set(s.segments)]
            rows.append(
                SignalRow(
                    category=cat.id,
                    category_name=CATEGORY_NAMES[cat.id],
                    id=s.id,
                    name=s.name,
                    measures=_measures(s),
                    source=_source(s),
                    weight_in_category=round(100 * s.weight / sum(x.weight for x in peers), 1),
                    effective_weight=high,
                    effective_weight_min=low if low != high else None,
                    segments=list(s.segments),
                    applies_to=join_names(segment_names.get(x, x) for x in s.segments)
                    if s.segments
                    else "all segments",
                    scoring=_scoring_text(s),
                    why=s.why,
                    basis=s.basis,
                )
            )
    return rows


def formula(cat: CategorySpec) -> str:
    """A category score as a formula of its signals' weights."""
    terms = " + ".join(f"{s.weight:g} x {s.id}" for s in cat.signals)
    total = sum(s.weight for s in cat.signals)
    scoped = any(s.segments for s in cat.signals)
    over = (
        "over the signals with data (a signal scoped to other segments has none)"
        if scoped
        else "over the signals with data"
    )
    return f"{cat.id} = ({terms}) / {total:g}, {over}"


def calculation(model: HealthModel) -> list[str]:
    """How the score is calculated, step by step, with this model's weights and bands."""
    weights = " + ".join(f"{c.weight:g} x {c.id}" for c in model.categories)
    b = {band.id: band.min for band in model.bands}
    return [
        "Each signal's raw value (a ratio, a count or days) is turned into a 0-100 score by its scoring "
        "rule: linear rules give 0 at the 'bad' value and 100 at the 'good' value, straight in between "
        "and clamped; band rules give a fixed score per step. Accounts younger than a signal's tenure "
        "days use its lenient tenure rule instead.",
        "A category score is the weighted mean of its signals that have data; a signal without data is "
        "left out and its weight shared among the others in the category. A signal scoped to some segments "
        "(its 'segments' in health_model.yaml) has no data for the other accounts, so each tier is scored on "
        "the signals that fit how it is served.",
        f"The health score is the weighted mean of the categories with data: ({weights}) / the sum of "
        f"the weights of categories with data.",
        "Coverage is the share of the total weight that had data; it is shown beside every score so a "
        "score from half the model is never mistaken for a full one.",
        f"Bands: healthy at {b['healthy']:g} or more, at risk from {b['at_risk']:g} to below "
        f"{b['healthy']:g}, critical below {b['at_risk']:g} (lower bounds inclusive). The trend compares "
        f"each score with the previous snapshot and with {model.trend_days} days ago.",
    ]


def worked_example(model: HealthModel) -> list[str]:
    """Redistribution in numbers: what each category weighs when the largest optional one has no data."""
    cats = model.categories
    missing = next((c for c in cats if c.id == "support"), cats[-1])
    rest = [c for c in cats if c is not missing]
    total = sum(c.weight for c in rest)
    shares = ", ".join(f"{c.id} {c.weight:g}/{total:g} = {100 * c.weight / total:.1f}%" for c in rest)
    return [
        *(formula(c) for c in cats),
        f"health = ({' + '.join(f'{c.weight:g} x {c.id}' for c in cats)}) / 100 when every category has data.",
        f"If no {missing.id} data is connected, {missing.id}'s {missing.weight:g} points are "
        f"redistributed: the score is taken over {total:g} points, so {shares}; coverage is "
        f"{total:g}%.",
    ]
