"""Scoring: signal scores, weighted means, redistribution, coverage, bands, points.

Scores are computed by the engine's Ibis expressions on DuckDB and compared with the
definitions written out in plain Python here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ibis.backends import BaseBackend

from cs_architect.engine.execute import to_rows
from cs_architect.engine.scoring import apply_scoring, category_column, nominal_weights, score_table
from cs_architect.engine.signals import raw_column
from cs_architect.spec.health_model import (
    BandScoring,
    CategorySpec,
    HealthModel,
    LinearScoring,
    MissingData,
    Signal,
    Step,
    TenureScoring,
)
from tests.engine.conftest import BANDS

IDENTITY = LinearScoring(bad=0, good=100)  # raw value = score, to test the weighting alone
REVERSED = LinearScoring(bad=100, good=0)  # lower is better
KIND_OF = {"usage": "usage_trend", "adoption": "feature_breadth", "support": "tickets_per_seat",
           "sentiment": "nps", "commercial": "failed_payments", "engagement": "executive_engagement"}  # fmt: skip


def make_model(
    categories: Mapping[str, tuple[float, Sequence[float]]],
    policy: str = "redistribute",
    scoring: Any = IDENTITY,
    neutral: float = 50,
    mixed: bool = False,
) -> HealthModel:
    """categories: id -> (category weight, [signal weights]); signals are named <cat>_<i>.
    ``mixed``: odd-numbered signals are lower-is-better."""
    cats = [
        CategorySpec(
            id=cat,
            weight=w,
            signals=[
                Signal(
                    id=f"{cat}_{i}",
                    kind=KIND_OF[cat],
                    name=f"{cat} {i}",
                    weight=sw,
                    params={"features": ["a"]} if cat == "adoption" else {},
                    scoring=REVERSED if mixed and i % 2 else scoring,
                )
                for i, sw in enumerate(weights)
            ],
        )
        for cat, (w, weights) in categories.items()
    ]
    return HealthModel(
        company="T", categories=cats, bands=BANDS, missing_data=MissingData(policy=policy, neutral_score=neutral)
    )


def run(
    model: HealthModel, rows: list[dict[str, float | None]], age: int | None = 400, con: BaseBackend | None = None
) -> list[dict[str, Any]]:
    """Score rows of raw values (signal id -> raw) with the engine (in DuckDB, or in ``con``)."""
    ids = [s.id for _, s in model.signals()]
    data: dict[str, list[Any]] = {"account_id": [str(i) for i in range(len(rows))], "age_days": [age] * len(rows)}
    for sid in ids:
        data[raw_column(sid)] = [r.get(sid) for r in rows]
    schema = ibis.schema({"account_id": "string", "age_days": "int64"} | {raw_column(s): "float64" for s in ids})
    if con is None:
        table = ibis.memtable(data, schema=schema)
    else:
        name = f"raw_{uuid.uuid4().hex[:8]}"
        con.create_table(name, schema=schema, temp=True)
        con.insert(name, pa.table(data, schema=schema.to_pyarrow()))
        table = con.table(name)
    return to_rows(score_table(table, model).order_by(ibis._.account_id.cast("int64")))


def reference(model: HealthModel, raw: dict[str, float | None]) -> float | None:
    """The GLOSSARY definition in plain Python (identity scoring)."""
    fixed = model.missing_data.policy == "fixed"
    num = den = 0.0
    for cat in model.categories:
        scores = [(s.weight, raw.get(s.id)) for s in cat.signals]
        if fixed:
            scores = [(w, model.missing_data.neutral_score if v is None else v) for w, v in scores]
        present = [(w, min(100.0, max(0.0, v))) for w, v in scores if v is not None]
        if not present:
            continue
        cat_score = sum(w * v for w, v in present) / sum(w for w, _ in present)
        num += cat.weight * cat_score
        den += cat.weight
    return num / den if den > 0 else None


def test_worked_example_signal_weights() -> None:
    model = make_model({"usage": (100, [20, 15, 22])})
    [row] = run(model, [{"usage_0": 47, "usage_1": 59, "usage_2": 21}])
    assert round(row["score"], 2) == 40.12
    assert row[category_column("usage")] == pytest.approx((20 * 47 + 15 * 59 + 22 * 21) / 57)


def test_worked_example_category_weights_with_redistribution() -> None:
    # sentiment has no data: its 43 points are redistributed over 20/15/22
    model = make_model({"usage": (20, [1]), "adoption": (15, [1]), "support": (22, [1]), "sentiment": (43, [1])})
    [row] = run(model, [{"usage_0": 47, "adoption_0": 59, "support_0": 21}])
    assert round(row["score"], 2) == 40.12
    assert row["coverage"] == pytest.approx(57.0)
    assert row["sentiment_0__weight"] == 0 and row["sentiment_0__points"] == 0
    assert row["usage_0__weight"] == pytest.approx(100 * 20 / 57)


def test_fixed_policy_counts_missing_as_neutral() -> None:
    model = make_model({"usage": (50, [1, 1]), "support": (50, [1])}, policy="fixed", neutral=50)
    [row] = run(model, [{"usage_0": 100, "support_0": None}])
    # usage = (100 + 50) / 2 = 75, support = 50 -> 62.5; coverage: only usage_0 (25 points)
    assert row["score"] == pytest.approx(62.5)
    assert row["coverage"] == pytest.approx(25.0)


def test_no_data_at_all_gives_no_score_and_no_band() -> None:
    [row] = run(make_model({"usage": (100, [1])}), [{"usage_0": None}])
    assert row["score"] is None and row["band"] is None and row["coverage"] == 0


@pytest.mark.parametrize(
    ("score", "band"),
    [(70, "healthy"), (69.999, "at_risk"), (40, "at_risk"), (39.999, "critical"), (0, "critical"), (100, "healthy")],
)
def test_band_boundaries_lower_bound_inclusive(score: float, band: str) -> None:
    [row] = run(make_model({"usage": (100, [1])}), [{"usage_0": score}])
    assert row["band"] == band


def test_band_ignores_float_noise_at_a_boundary() -> None:
    # 0.1 + 0.2 style noise: three signals whose exact mean is 70
    model = make_model({"usage": (100, [0.1, 0.2, 0.7])})
    [row] = run(model, [{"usage_0": 70.0, "usage_1": 70.0, "usage_2": 70.0}])
    assert row["band"] == "healthy"


def _score_of(scoring: Any, raw: float | None, age: int | None = 400, tenure: TenureScoring | None = None) -> Any:
    model = HealthModel(
        company="T",
        bands=BANDS,
        categories=[
            CategorySpec(
                id="usage",
                weight=100,
                signals=[Signal(id="x", kind="usage_trend", name="x", weight=1, scoring=scoring, tenure=tenure)],
            )
        ],
    )
    return run(model, [{"x": raw}], age=age)[0]["x__score"]


@pytest.mark.parametrize(("raw", "want"), [(0.1, 0), (0.05, 0), (0.35, 50), (0.6, 100), (2.0, 100), (None, None)])
def test_linear_scoring_higher_is_better(raw: float | None, want: float | None) -> None:
    assert _score_of(LinearScoring(bad=0.1, good=0.6), raw) == (pytest.approx(want) if want is not None else None)


@pytest.mark.parametrize(("raw", "want"), [(30, 0), (45, 0), (16, 50), (2, 100), (0, 100)])
def test_linear_scoring_lower_is_better(raw: float, want: float) -> None:
    assert _score_of(LinearScoring(bad=30, good=2), raw) == pytest.approx(want)


@pytest.mark.parametrize(("raw", "want"), [(5, 100), (3, 100), (2, 60), (1.5, 60), (1, 10), (None, None)])
def test_band_scoring(raw: float | None, want: float | None) -> None:
    scoring = BandScoring(steps=[Step(threshold=3, score=100), Step(threshold=1.5, score=60)], otherwise=10)
    assert _score_of(scoring, raw) == want


@pytest.mark.parametrize(("raw", "want"), [(0, 100), (1, 100), (2, 40), (5, 0)])
def test_band_scoring_lower_is_better(raw: float, want: float) -> None:
    scoring = BandScoring(higher_is_better=False, steps=[Step(threshold=1, score=100), Step(threshold=2, score=40)])
    assert _score_of(scoring, raw) == want


def test_tenure_scoring_applies_while_the_account_is_young() -> None:
    tenure = TenureScoring(days=90, scoring=LinearScoring(bad=0, good=0.3))
    standard = LinearScoring(bad=0.1, good=0.6)
    assert _score_of(standard, 0.3, age=30, tenure=tenure) == pytest.approx(100)
    assert _score_of(standard, 0.3, age=89, tenure=tenure) == pytest.approx(100)
    assert _score_of(standard, 0.3, age=90, tenure=tenure) == pytest.approx(40)
    assert _score_of(standard, 0.3, age=None, tenure=tenure) == pytest.approx(40)


def test_apply_scoring_is_an_expression() -> None:
    sql = ibis.to_sql(apply_scoring(ibis.literal(0.5).name("x"), LinearScoring(bad=0, good=1)))
    assert "CASE" in sql.upper()


# -- properties ----------------------------------------------------------------------------
category_ids = st.lists(st.sampled_from(list(KIND_OF)), min_size=1, max_size=4, unique=True)
raw_value = st.one_of(st.none(), st.floats(min_value=-50, max_value=150, allow_nan=False))


@st.composite
def models_and_rows(
    draw: st.DrawFn, policy: str = "redistribute", mixed: bool = False
) -> tuple[HealthModel, list[dict[str, Any]]]:
    cats = draw(category_ids)
    shares = [draw(st.integers(min_value=1, max_value=50)) for _ in cats]
    weights = [100 * s / sum(shares) for s in shares]
    weights[-1] = 100 - sum(weights[:-1])
    spec = {
        c: (w, [draw(st.integers(min_value=1, max_value=30)) for _ in range(draw(st.integers(1, 3)))])
        for c, w in zip(cats, weights, strict=True)
    }
    model = make_model(spec, policy=policy, mixed=mixed)
    ids = [s.id for _, s in model.signals()]
    rows = draw(st.lists(st.fixed_dictionaries({i: raw_value for i in ids}), min_size=1, max_size=12))
    return model, rows


@settings(max_examples=10, deadline=None, derandomize=True)
@given(models_and_rows())
def test_scores_match_the_definition_and_stay_in_range(case: tuple[HealthModel, list[dict[str, Any]]]) -> None:
    model, rows = case
    nominal = nominal_weights(model)
    for raw, row in zip(rows, run(model, rows), strict=True):
        want = reference(model, raw)
        if want is None:
            assert row["score"] is None
            continue
        assert 0 <= row["score"] <= 100
        assert row["score"] == pytest.approx(want, abs=1e-5)
        # redistribution = renormalised weights: effective weights of signals with data sum to 100
        weights = {s.id: row[f"{s.id}__weight"] for _, s in model.signals()}
        assert sum(weights.values()) == pytest.approx(100)
        assert all(weights[k] == 0 for k, v in raw.items() if v is None)
        # points explain the score exactly: 100 + sum of points
        assert 100 + sum(row[f"{s.id}__points"] for _, s in model.signals()) == pytest.approx(row["score"], abs=1e-4)
        assert row["coverage"] == pytest.approx(sum(nominal[k] for k, v in raw.items() if v is not None), abs=1e-5)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(models_and_rows(policy="fixed"))
def test_fixed_policy_matches_the_definition(case: tuple[HealthModel, list[dict[str, Any]]]) -> None:
    model, rows = case
    for raw, row in zip(rows, run(model, rows), strict=True):
        assert row["score"] == pytest.approx(reference(model, raw), abs=1e-5)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(models_and_rows(mixed=True), st.data())
def test_score_is_monotonic_in_each_signal(case: tuple[HealthModel, list[dict[str, Any]]], data: st.DataObject) -> None:
    """Raising a raw value never lowers the score of a higher-is-better signal, never raises
    it for a lower-is-better one, whatever the other signals are."""
    model, rows = case
    better = {s.id: s.scoring.higher_is_better for _, s in model.signals()}
    base = rows[0]
    higher = []
    for sid in base:
        up = dict(base)
        start = base[sid] if base[sid] is not None else data.draw(st.floats(-50, 150))
        up[sid] = start + data.draw(st.floats(min_value=0, max_value=100))
        higher.append((dict(base, **{sid: start}), up))
    flat = [r for pair in higher for r in pair]
    scored = run(model, flat)
    for (sid, _), i in zip(higher_ids := [(k, None) for k in base], range(0, len(scored), 2), strict=True):
        before, after = scored[i]["score"], scored[i + 1]["score"]
        if better[sid]:
            assert after >= before - 1e-6, (sid, before, after)
        else:
            assert after <= before + 1e-6, (sid, before, after)
    assert len(higher_ids) == len(higher)
