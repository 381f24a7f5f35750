"""From raw signal values to signal, category and health scores, as Ibis expressions.

Definitions (GLOSSARY, Health):

- **signal score** (0-100): ``linear``: 0 at ``bad``, 100 at ``good``, straight between,
  clamped; ``bands``: the first step reached; while an account is younger than
  ``tenure.days`` its ``tenure.scoring`` applies instead. No raw value: no score.
- **category score** = Σ wₛ·scoreₛ / Σ wₛ over its signals with data (``redistribute``), or
  over all its signals with a missing score counted as ``neutral_score`` (``fixed``). A signal
  scoped to ``segments`` that do not include the account's has no data for it; under ``fixed``
  it is left out (never counted as neutral), since it does not apply.
- **health score** = Σ W_c·category_c / Σ W_c over categories with data (``redistribute``) or
  all categories (``fixed``). Worked example: weights 20/15/22, scores 47/59/21 ->
  (20·47 + 15·59 + 22·21) / 57 = 40.12.
- **effective weight** of a signal (points) = 100 · W_c/ΣW · wₛ/Σw over what had data; they
  sum to 100, and **points** = effective weight · (score − 100) / 100, so
  health = 100 + Σ points: what each signal cost the account against a perfect score.
- **coverage** (%) = share of the model's weight that had data, Σ_c W_c · (Σ wₛ with data / Σ wₛ
  applicable) / Σ_c W_c over categories with an applicable signal; a signal scoped to other
  segments does not apply to the account, so coverage is as if the model did not have it.
- **band**: the highest band whose minimum the score reaches (lower bound inclusive),
  on the score rounded to 6 decimals so that float noise never moves an account across.
"""

from __future__ import annotations

import functools

import ibis
import ibis.expr.types as ir

from cs_architect.engine.signals import raw_column, segment_applies
from cs_architect.spec.health_model import BandScoring, CategorySpec, HealthModel, LinearScoring, Scoring, Signal

ROUND = 6


def score_column(signal_id: str) -> str:
    return f"{signal_id}__score"


def points_column(signal_id: str) -> str:
    return f"{signal_id}__points"


def weight_column(signal_id: str) -> str:
    return f"{signal_id}__weight"


def category_column(category: str) -> str:
    return f"cat_{category}__score"


@functools.cache
def num(value: float) -> ir.FloatingValue:
    """A number for SQL, typed DOUBLE on every backend.

    A bare ``0.0`` is NUMERIC in PostgreSQL (a CASE of such literals returns decimals), and
    ``33.333333333333336`` is a DECIMAL in DuckDB that overflows when multiplied; the text of
    the number cast to DOUBLE is exact and the same everywhere. Expressions are immutable, so
    each number is built once (a model has about 500 of them).
    """
    return ibis.literal(repr(float(value))).cast("float64")


def apply_scoring(raw: ir.NumericValue, scoring: Scoring) -> ir.FloatingValue:
    """Map a raw value to 0-100 with a linear or banded rule; NULL stays NULL.

    Linear: (raw − bad) × 100 / (good − bad), clamped to 0-100 (works for either direction).
    Bands: the score of the first step reached, else ``otherwise``.
    """
    none = ibis.null("float64")
    if isinstance(scoring, LinearScoring):
        scaled = (raw.cast("float64") - num(scoring.bad)) * num(100.0 / (scoring.good - scoring.bad))
        value = ibis.cases(
            (raw.isnull(), none), (scaled <= num(0), num(0)), (scaled >= num(100), num(100)), else_=scaled
        )
        return value.cast("float64")
    assert isinstance(scoring, BandScoring)
    branches: list[tuple[ir.BooleanValue, ir.Value]] = [(raw.isnull(), none)]
    for step in scoring.steps:
        reached = raw >= num(step.threshold) if scoring.higher_is_better else raw <= num(step.threshold)
        branches.append((reached, num(step.score)))
    return ibis.cases(*branches, else_=num(scoring.otherwise)).cast("float64")


def signal_score(raw: ir.NumericValue, signal: Signal, age_days: ir.IntegerValue) -> ir.FloatingValue:
    """The signal's score, using its tenure scoring while the account is younger than ``tenure.days``."""
    standard = apply_scoring(raw, signal.scoring)
    if signal.tenure is None:
        return standard
    young = age_days.notnull() & (age_days < signal.tenure.days)
    return young.ifelse(apply_scoring(raw, signal.tenure.scoring), standard)


def _sum(values: list[ir.Value]) -> ir.Value:
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def nominal_weights(model: HealthModel) -> dict[str, float]:
    """Each signal's share of the health score (points out of 100) when every signal has data."""
    out: dict[str, float] = {}
    for cat in model.categories:
        total = sum(s.weight for s in cat.signals)
        for s in cat.signals:
            out[s.id] = cat.weight * s.weight / total
    return out


def _present(value: ir.Value, weight: float) -> ir.FloatingValue:
    """``weight`` where ``value`` has data, else 0."""
    return value.isnull().ifelse(num(0), num(weight))


def score_table(signals: ir.Table, model: HealthModel) -> ir.Table:
    """Add scores to a signal frame (base columns + ``<id>__raw``): per signal score, effective
    weight and points; per category score; ``score``, ``band`` and ``coverage`` per account.

    Built in stages, each a projection over the one before (:mod:`cs_architect.engine.execute`),
    so that every intermediate value (a signal's weight with data, a category's total weight,
    the total over categories) is computed once and referred to by name: written as one
    expression the totals repeat inside every effective weight, and the SQL is 4x larger.
    """
    fixed = model.missing_data.policy == "fixed"
    neutral = num(model.missing_data.neutral_score)
    none = ibis.null("float64")
    t = signals.mutate(
        **{score_column(s.id): signal_score(signals[raw_column(s.id)], s, signals.age_days) for _, s in model.signals()}
    )

    # Per signal: its weight inside its category for this account (``__w``), its weighted score
    # (``__x``) and, for coverage, its weight when it has data (``__has``) and when it applies.
    per_signal: dict[str, ir.Value] = {}
    for _, s in model.signals():
        score = t[score_column(s.id)]
        applies = segment_applies(t.segment, s.segments) if s.segments else None
        if fixed:
            part, weight = score.fill_null(neutral) * num(s.weight), num(s.weight)
            if applies is not None:  # a signal scoped to other segments does not apply: left out, never neutral
                part, weight = applies.ifelse(part, num(0)), applies.ifelse(weight, num(0))
            per_signal[f"{s.id}__has"] = _present(score, s.weight)
        else:
            part, weight = score.isnull().ifelse(num(0), score * num(s.weight)), _present(score, s.weight)
        per_signal[f"{s.id}__w"] = weight
        per_signal[f"{s.id}__x"] = part
        if applies is not None:
            per_signal[f"{s.id}__applies"] = applies.ifelse(num(s.weight), num(0))
    t = t.mutate(**per_signal)

    def has(s: Signal) -> ir.Value:
        return t[f"{s.id}__has"] if fixed else t[f"{s.id}__w"]

    def applicable(s: Signal) -> ir.Value:
        return t[f"{s.id}__applies"] if s.segments else num(s.weight)

    # Per category: score = Σ weighted scores / Σ weights over what counts; its total weight
    # (``__den``), and its share of coverage: weight × had data / applicable, when any applies.
    per_cat: dict[str, ir.Value] = {}
    for cat in model.categories:
        den = _sum([t[f"{s.id}__w"] for s in cat.signals])
        per_cat[category_column(cat.id)] = (den > num(0)).ifelse(
            _sum([t[f"{s.id}__x"] for s in cat.signals]) / den, none
        )
        per_cat[f"cat_{cat.id}__den"] = den
        app = _sum([applicable(s) for s in cat.signals])
        had = _sum([has(s) for s in cat.signals])
        per_cat[f"cat_{cat.id}__cov"] = (app > num(0)).ifelse(num(cat.weight) * had / app, num(0))
        per_cat[f"cat_{cat.id}__covw"] = (app > num(0)).ifelse(num(cat.weight), num(0))
    t = t.mutate(**per_cat)

    # Under ``fixed`` a category score is NULL only when none of its signals applies to the
    # account's segment: then it is left out like a category without data.
    cat_weights = {c.id: _present(t[category_column(c.id)], c.weight) for c in model.categories}
    t = t.mutate(
        _all__w=_sum(list(cat_weights.values())),
        _all__x=_sum([t[category_column(c.id)].fill_null(num(0)) * cat_weights[c.id] for c in model.categories]),
        _all__cov=_sum([t[f"cat_{c.id}__cov"] for c in model.categories]),
        _all__covw=_sum([t[f"cat_{c.id}__covw"] for c in model.categories]),
        **{f"cat_{c.id}__weight": w for c, w in zip(model.categories, cat_weights.values(), strict=True)},
    )
    total = t["_all__w"]
    overall = (total > num(0)).ifelse(t["_all__x"] / total, none).round(ROUND)
    # Coverage is measured against the model that applies to the account: a signal scoped to other
    # segments is not missing data for it (as if the model did not have it), so inside a category
    # the applicable signals share its weight, and a category with none applicable is left out.
    coverage = (t["_all__covw"] > num(0)).ifelse(num(100) * t["_all__cov"] / t["_all__covw"], num(0))

    def effective(c: CategorySpec, s: Signal) -> ir.Value:
        den = t[f"cat_{c.id}__den"]
        inner = (den > num(0)).ifelse(t[f"{s.id}__w"] / den, num(0))
        return (total > num(0)).ifelse(num(100) * t[f"cat_{c.id}__weight"] / total * inner, num(0))

    t = t.mutate(
        score=overall,
        coverage=coverage.round(ROUND),
        **{weight_column(s.id): effective(c, s) for c, s in model.signals()},
    )

    def points(s: Signal) -> ir.Value:
        score = t[score_column(s.id)].fill_null(neutral if fixed else num(100))
        return (t[weight_column(s.id)] * (score - num(100)) / num(100)).round(ROUND)

    bands = sorted(model.bands, key=lambda b: -b.min)
    band = ibis.cases(
        (t.score.isnull(), ibis.null("string")),
        *[(t.score >= num(b.min), b.id) for b in bands[:-1]],
        else_=bands[-1].id,
    )
    keep = [c for c in signals.columns] + [score_column(s.id) for _, s in model.signals()]
    keep += [category_column(c.id) for c in model.categories] + ["score", "coverage"]
    keep += [weight_column(s.id) for _, s in model.signals()]
    return t.select(*keep, band=band, **{points_column(s.id): points(s) for _, s in model.signals()})
