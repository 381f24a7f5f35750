"""Calibration helpers: benchmark rows per segment, solved NPS level and CSAT intercept."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cs_architect.demo import assumptions as A
from cs_architect.demo.book import _segment_counts
from cs_architect.demo.calibration import calibrate
from cs_architect.demo.company import company_profile
from cs_architect.demo.health import SPREAD, tilt
from cs_architect.demo.surveys import score_level
from cs_architect.demo.tickets import csat_intercept
from cs_architect.inputs.project import Project


def test_segment_rates_come_from_benchmarks(shiftwise: Project) -> None:
    profile = company_profile(shiftwise)
    cal = calibrate(profile.segments, profile.renewal_uplift_pct)
    growth = cal.segments[0]
    assert growth.annual_churn.basis == "benchmark:logo_churn_mid_market"
    assert math.isclose(growth.annual_churn.value, 0.10)
    assert growth.expansion_rate.basis == "benchmark:expansion_rate_mid_market"
    assert cal.renewal_uplift.basis == "input:pricing.discount_policy.renewal_uplift_pct"
    assert math.isclose(cal.renewal_uplift.value, 0.05)
    regional = cal.segments[1]
    assert (
        regional.accounts_per_csm is not None
        and regional.accounts_per_csm.basis == "benchmark:csm_accounts_acv_50k_plus"
    )


@given(st.floats(-60, 80))
def test_score_level_gives_the_target_nps(nps: float) -> None:
    rng = np.random.default_rng(0)
    level = score_level(nps)
    w = math.hypot(A.NPS_HEALTH_LINK * SPREAD, A.NPS_NOISE)
    scores = np.clip(np.round(rng.normal(level, w, 200_000)), 0, 10)
    got = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
    assert abs(got - nps) < 1.0


def test_csat_intercept_gives_the_target_mean() -> None:
    rng = np.random.default_rng(1)
    c = csat_intercept(0.78)
    dz = rng.normal(0, SPREAD, 400_000)
    late = rng.random(400_000) < 0.5 * math.erfc(
        math.log(1 / A.RESPONSE_MEDIAN_OF_SLA) / A.RESPONSE_SPREAD / math.sqrt(2)
    )
    p = 1 / (1 + np.exp(-(c + A.CSAT_HEALTH_LINK * dz - A.CSAT_SLOW_PENALTY * late)))
    assert abs(p.mean() - 0.78) < 0.005


def test_tilt_preserves_the_mean() -> None:
    dz = np.random.default_rng(2).normal(0, SPREAD, 1_000_000)
    assert abs(tilt(dz, 1.0).mean() - 1) < 0.01
    assert abs(tilt(dz, -1.3).mean() - 1) < 0.02


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6).filter(lambda s: sum(s) > 0), st.integers(1, 5000))
def test_segment_counts_sum_and_follow_shares(shares: list[float], n: int) -> None:
    total = sum(shares)
    counts = _segment_counts([s / total for s in shares], n)
    assert counts.sum() == n and (counts >= 0).all()
    assert np.all(np.abs(counts - np.array(shares) / total * n) < 1 + 1e-9)
