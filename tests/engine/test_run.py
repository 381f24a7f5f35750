"""End to end: score the fixture company, store snapshots, explain, re-run idempotently."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cs_architect.engine import ResultsStore, ScoreRun, explain_account, score_accounts
from cs_architect.engine.execute import to_rows
from cs_architect.engine.store import ACCOUNTS, CATEGORIES, SIGNALS
from cs_architect.errors import DataError
from cs_architect.spec.health_model import HealthModel
from tests.engine.conftest import AS_OF, full_model, small_model
from tests.engine.test_contract import write


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory, company_parquet: Path) -> tuple[Path, HealthModel]:
    """Snapshots of 06-15 and 06-30 of the full model."""
    out = tmp_path_factory.mktemp("out")
    model = full_model()
    score_accounts(model, data_dir=company_parquet, as_of=date(2024, 6, 15), out_dir=out)
    return out, model


@pytest.fixture(scope="module")
def run_0630(scored: tuple[Path, HealthModel], company_parquet: Path) -> ScoreRun:
    out, model = scored
    return score_accounts(model, data_dir=company_parquet, as_of=AS_OF, out_dir=out)


def test_score_summary(run_0630: ScoreRun) -> None:
    run = run_0630
    assert run.snapshot.accounts == 3 and run.snapshot.scored == 3
    assert run.no_data == {}
    assert sum(b.accounts for b in run.bands) == 3
    assert sum(b.arr for b in run.bands) == 12000 + 6000 + 3000
    scores = [a.score for a in run.worst]
    assert scores == sorted(scores)
    assert all(a.reasons for a in run.worst if a.score is not None and a.score < 100)
    text = run.to_text()
    assert "Fixture Co: 3 accounts scored as of 2024-06-30" in text and "Worst 3 accounts" in text
    # the 06-15 snapshot exists: every account has a change vs the previous snapshot
    assert all(a.change_prev is not None for a in run.worst)


def test_explanation_points_add_up(scored: tuple[Path, HealthModel], run_0630: ScoreRun) -> None:
    out, model = scored
    store = ResultsStore.open(None, out)
    ex = explain_account(store, model, "beta", AS_OF)
    assert ex.score is not None
    assert 100 + sum(s.points for s in ex.signals) == pytest.approx(ex.score, abs=1e-4)
    assert sum(s.weight for s in ex.signals) == pytest.approx(100)
    # beta has no seat count: seat-based signals have no data and no weight
    missing = {s.signal_id for s in ex.signals if s.score is None}
    assert missing == {"tickets_per_seat", "seat_utilisation", "mrr_change"}
    assert ex.top_detractors()[0].points == min(s.points for s in ex.signals)
    assert ex.previous == date(2024, 6, 15)
    text = ex.to_text()
    assert "Beta GmbH (beta) as of 2024-06-30" in text and "Top detractors" in text and "Without data" in text


def test_rerunning_a_date_replaces_its_snapshot_and_keeps_history(tmp_path: Path, company_parquet: Path) -> None:
    model = small_model()

    def snapshot(as_of: date) -> tuple[list[tuple[str, float]], int, int]:
        store = ResultsStore.open(None, tmp_path)
        scores = sorted((r["account_id"], r["score"]) for r in to_rows(store.rows(ACCOUNTS, as_of)))
        counts = len(to_rows(store.rows(SIGNALS, as_of))), len(to_rows(store.rows(CATEGORIES, as_of)))
        store.close()
        return scores, *counts

    score_accounts(model, data_dir=company_parquet, as_of=date(2024, 5, 31), out_dir=tmp_path)
    score_accounts(model, data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path)
    first = snapshot(AS_OF)
    assert len(first[0]) == 3 and first[1:] == (3 * 5, 3 * 3)
    score_accounts(model, data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path)
    assert snapshot(AS_OF) == first  # idempotent
    # a changed weight, same date: the snapshot is replaced, not appended
    cats = [
        c.model_copy(update={"weight": {"usage": 20, "support": 20, "commercial": 60}[c.id]}) for c in model.categories
    ]
    score_accounts(small_model(categories=cats), data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path)
    second = snapshot(AS_OF)
    assert second[1:] == first[1:] and second[0] != first[0]
    store = ResultsStore.open(None, tmp_path)
    assert [s.as_of for s in store.snapshots()] == [date(2024, 5, 31), AS_OF]
    trend = {r["account_id"]: r for r in to_rows(store.account_scores(AS_OF, 30))}
    assert trend["acme"]["change_prev"] is not None and trend["acme"]["change_trend"] is not None
    store.close()


def test_data_errors_stop_scoring_before_anything_is_written(tmp_path: Path) -> None:
    write(tmp_path / "data", "accounts.csv", "account_id\na1\na1")
    with pytest.raises(DataError) as err:
        score_accounts(full_model(), data_dir=tmp_path / "data", as_of=AS_OF, out_dir=tmp_path / "out")
    assert "appear more than once" in str(err.value)
    assert not (tmp_path / "out" / "results.duckdb").exists()


def test_only_accounts_is_enough(tmp_path: Path) -> None:
    write(tmp_path / "data", "accounts.csv", "account_id,renewal_date\na1,2024-12-31\na2,")
    run = score_accounts(small_model(), data_dir=tmp_path / "data", as_of=AS_OF, out_dir=tmp_path / "out")
    assert run.snapshot.accounts == 2 and run.snapshot.scored == 1  # a2 has no data at all
    assert "events" in run.no_data["active_user_ratio"] and "tickets" in run.no_data["open_high_priority_tickets"]
    assert [b.band for b in run.bands][-1] == "no_score"
