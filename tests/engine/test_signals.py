"""Every signal kind against hand-computed values (fixtures/signals.yaml)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from cs_architect.engine.contract import ContractData
from cs_architect.engine.execute import to_rows
from cs_architect.engine.signals import KINDS, ParamError, SignalRequest, compute_signals, plan_signal, signal_table
from cs_architect.engine.signals.plan import Window
from cs_architect.spec.signals import SIGNAL_KINDS
from tests.engine.conftest import AS_OF, company_data, signal_cases

CASES = signal_cases()


@pytest.fixture(scope="module")
def data(company: ContractData) -> ContractData:
    return company


def _close(got: float | None, want: float | None) -> bool:
    if want is None or got is None:
        return got is None and want is None
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)


def test_every_kind_has_a_hand_computed_case() -> None:
    assert {c["kind"] for c in CASES} == set(SIGNAL_KINDS) == set(KINDS)


def test_all_signals_in_one_pass_match_the_hand_computed_values(data: ContractData) -> None:
    """All cases together (the fused plan the runner uses), one query."""
    requests = [SignalRequest(f"s{i}", c["kind"], c["params"]) for i, c in enumerate(CASES)]
    frame = compute_signals(data, requests, AS_OF)
    rows = {r["account_id"]: r for r in to_rows(frame.table)}
    assert sorted(rows) == ["acme", "beta", "cyan"]  # 'gone' churned, 'zed' is unknown
    wrong = []
    for i, case in enumerate(CASES):
        for account, want in case["expect"].items():
            got = rows[account][f"s{i}__raw"]
            if not _close(got, want):
                wrong.append(f"{case['kind']} {case['params']} {account}: got {got}, want {want}")
    assert not wrong, "\n".join(wrong)
    assert frame.no_data == {}


@pytest.mark.parametrize("kind", ["nps", "mrr_change", "first_response_sla"])
def test_one_signal_alone(data: ContractData, kind: str) -> None:
    case = next(c for c in CASES if c["kind"] == kind)
    rows = {r["account_id"]: r["raw"] for r in to_rows(signal_table(data, kind, case["params"], AS_OF))}
    assert all(_close(rows[a], v) for a, v in case["expect"].items())


def test_a_missing_table_means_no_data_for_its_signals(tmp_path, data: ContractData) -> None:
    for name in ("accounts", "events"):
        (tmp_path / f"{name}.csv").write_text((data.source.data_dir / f"{name}.csv").read_text())
    small = company_data(tmp_path)
    frame = compute_signals(
        small, [SignalRequest("t", "tickets_per_seat"), SignalRequest("a", "days_since_last_activity")], AS_OF
    )
    assert "tickets" in frame.no_data["t"]
    rows = {r["account_id"]: r for r in to_rows(frame.table)}
    assert rows["acme"]["t__raw"] is None and rows["acme"]["a__raw"] == 1.0


def test_windows_end_with_the_as_of_date(data: ContractData) -> None:
    # On 2024-06-29 the 06-29 23:59 export is the same day: 0 days; the June window still
    # starts 30 days back, on 05-31, so the 06-01 login counts.
    rows = {
        r["account_id"]: r["raw"]
        for r in to_rows(signal_table(data, "days_since_last_activity", {}, date(2024, 6, 29)))
    }
    assert rows["acme"] == 0.0


@pytest.mark.parametrize(
    ("kind", "params", "param"),
    [
        ("feature_breadth", {}, "features"),
        ("value_event_frequency", {"events": []}, "events"),
        ("active_user_ratio", {"window_days": "thirty"}, "window_days"),
        ("active_user_ratio", {"window_days": 0}, "window_days"),
        ("first_response_sla", {"sla_hours": {"urgent": -1}}, "sla_hours"),
        ("onboarding_progress", {"milestones": [{"event": "x"}]}, "milestones"),
        ("usage_trend", {"events": {"a": 1}}, "events"),
    ],
)
def test_unusable_params_are_reported(kind: str, params: dict, param: str) -> None:
    with pytest.raises(ParamError) as err:
        plan_signal(kind, params, Window(AS_OF))
    assert err.value.param == param
