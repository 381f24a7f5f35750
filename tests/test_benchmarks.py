"""The packaged benchmark table: it loads, its rows are well formed, and the rows design rules cite exist."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from cs_architect.benchmarks import Benchmark, load_benchmarks
from cs_architect.yamlio import loads

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "benchmarks-2024-2026.md"

# Row ids that design steps cite by name; renaming one breaks them.
REQUIRED_IDS = [
    *(f"nrr_saas_capital_{band}" for band in ("lt12k", "12_25k", "25_50k", "50_100k", "100_250k", "gt250k")),
    *(f"grr_saas_capital_{band}" for band in ("lt12k", "12_25k", "25_50k", "50_100k", "100_250k", "gt250k")),
    "nrr_segment_smb", "nrr_segment_mid_market", "nrr_segment_enterprise",
    "nrr_private_median", "grr_aleph_2026", "grr_private_median_2025",
    "grr_segment_smb", "grr_segment_mid_market", "grr_segment_enterprise",
    "churn_monthly_recurly", "involuntary_churn_share", "card_decline_rate",
    "dunning_recovery_median", "dunning_recovery_best", "stripe_smart_retries",
    "logo_churn_enterprise", "logo_churn_mid_market", "logo_churn_smb", "logo_churn_self_serve",
    "ttv_plg_days", "activation_rate", "ttfv_smb_days", "ttfv_mid_market_days", "ttfv_enterprise_days",
    "onboarding_full_days",
    "nps_b2b_saas", "nps_smb", "nps_mid_market", "nps_enterprise", "csat_b2b_support",
    "coverage_tech_touch_lt10k", "csm_accounts_acv_50k_plus", "csm_accounts_enterprise",
    "csm_accounts_mid_market", "csm_accounts_smb_pooled", "csm_accounts_digital", "csm_arr_per_csm",
    "sla_p1_high_touch", "sla_p2_high_touch", "sla_p3_high_touch", "sla_p4_high_touch",
    "sla_standard_first_reply", "email_frt_median",
    "renewal_kickoff_standard", "renewal_kickoff_enterprise", "renewal_kickoff_red",
    "renewal_early_outreach_effect",
    "price_uplift_standard", "price_uplift_buyers", "multi_year_discount",
    "expansion_share_new_arr", "expansion_rate_smb", "expansion_rate_mid_market", "expansion_rate_enterprise",
    "health_bands_common", "health_weights_typical", "health_recalc_daily", "health_early_warning_lead",
    "cs_cost_pct_arr",
]  # fmt: skip

# Values other code and docs quote; a change here is a change of fact and must be deliberate.
PINNED = {
    "nrr_saas_capital_lt12k": {"median": 100},
    "nrr_saas_capital_gt250k": {"median": 110},
    "grr_saas_capital_lt12k": {"median": 90},
    "grr_saas_capital_gt250k": {"median": 93},
    "nrr_segment_smb": {"median": 97, "top_quartile": 105, "acv_max": 25_000},
    "nrr_segment_mid_market": {"median": 108, "top_quartile": 120, "acv_min": 25_000, "acv_max": 100_000},
    "nrr_segment_enterprise": {"median": 118, "top_quartile": 130, "acv_min": 100_000},
    "nrr_private_median": {"median": 101, "grade": "A"},
    "grr_aleph_2026": {"median": 84, "top_quartile": 91, "low": 76, "grade": "A"},
    "grr_private_median_2025": {"median": 88},
    "churn_monthly_recurly": {"median": 3.27},
    "involuntary_churn_share": {"low": 20, "high": 40},
    "dunning_recovery_median": {"median": 47.6},
    "stripe_smart_retries": {"median": 8, "unit": "retries", "grade": "A"},
    "ttv_plg_days": {"median": 1.5, "unit": "days"},
    "coverage_tech_touch_lt10k": {"low": 500, "high": 2000, "acv_max": 10_000},
    "csm_accounts_acv_50k_plus": {"low": 5, "high": 15, "acv_min": 50_000},
    "csm_arr_per_csm": {"low": 1_000_000, "high": 2_000_000, "unit": "USD_arr_per_csm"},
    "sla_p1_high_touch": {"low": 30, "high": 60, "unit": "minutes"},
    "sla_p4_high_touch": {"low": 8, "high": 16, "unit": "business_hours"},
    "renewal_kickoff_standard": {"median": 90, "unit": "days"},
    "renewal_kickoff_enterprise": {"median": 120},
    "renewal_kickoff_red": {"median": 180},
    "renewal_early_outreach_effect": {"median": 3, "unit": "x", "grade": "B"},
    "health_bands_common": {"low": 40, "high": 70, "unit": "score"},
}

SEGMENTS = {"all", "smb", "mid_market", "enterprise", "self_serve", "high_touch", "pooled", "digital"}
UNITS = {
    "%", "days", "hours", "business_hours", "minutes", "accounts_per_csm", "USD_arr_per_csm",
    "nps", "score", "retries", "x",
}  # fmt: skip
# Rows where the better (top) quartile is the smaller number: faster time to value.
LOWER_IS_BETTER = {"ttv_plg_days"}

ACV_LABEL = re.compile(r"^acv_(?:lt_(?P<lt>\d+)k|gt_(?P<gt>\d+)k|(?P<lo>\d+)k_(?P<hi>\d+)k)$")

TABLE = load_benchmarks()
ROWS = TABLE.rows


def _raw_text() -> str:
    return files("cs_architect").joinpath("data/benchmarks.yaml").read_text(encoding="utf-8")


def by_row(fn):  # type: ignore[no-untyped-def]
    """Run a check once per row, with the row id as the test id."""
    return pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])(fn)


def test_table_loads_with_rows() -> None:
    assert len(ROWS) >= len(REQUIRED_IDS)
    assert all(isinstance(r, Benchmark) for r in ROWS)


def test_ids_are_unique_in_the_file() -> None:
    raw_ids = [row["id"] for row in loads(_raw_text(), "benchmarks.yaml").data["rows"]]
    duplicates = sorted({i for i in raw_ids if raw_ids.count(i) > 1})
    assert duplicates == []


@pytest.mark.parametrize("row_id", REQUIRED_IDS)
def test_required_row_exists(row_id: str) -> None:
    assert row_id in TABLE


@pytest.mark.parametrize("row_id", sorted(PINNED))
def test_pinned_values(row_id: str) -> None:
    row = TABLE[row_id]
    for field, expected in PINNED[row_id].items():
        assert getattr(row, field) == expected, f"{row_id}.{field}"


def test_header_names_source_and_grades() -> None:
    header = "".join(line for line in _raw_text().splitlines(keepends=True) if line.startswith("#"))
    assert "benchmarks-2024-2026.md" in header
    for grade in ("A  ", "B  ", "C  "):
        assert f"#   {grade}" in header


@by_row
def test_row_has_source_url_year_grade(row: Benchmark) -> None:
    assert row.url.startswith(("http://", "https://"))
    assert re.fullmatch(r"20\d\d", row.year), row.year
    assert row.grade in {"A", "B", "C"}
    assert row.source and row.metric


@by_row
def test_row_has_a_value(row: Benchmark) -> None:
    assert any(v is not None for v in (row.median, row.top_quartile, row.low, row.high))


@by_row
def test_quartiles_ordered(row: Benchmark) -> None:
    if row.median is None or row.top_quartile is None:
        return
    if row.id in LOWER_IS_BETTER:
        assert row.top_quartile <= row.median
    else:
        assert row.median <= row.top_quartile


@by_row
def test_range_ordered(row: Benchmark) -> None:
    if row.low is not None and row.high is not None:
        assert row.low <= row.high


@by_row
def test_rule_of_thumb_is_grade_c(row: Benchmark) -> None:
    if row.rule_of_thumb:
        assert row.grade == "C"


@by_row
def test_acv_bounds_ordered(row: Benchmark) -> None:
    if row.acv_min is not None and row.acv_max is not None:
        assert row.acv_min < row.acv_max
    for bound in (row.acv_min, row.acv_max):
        assert bound is None or bound >= 0


@by_row
def test_segment_label_matches_acv_bounds(row: Benchmark) -> None:
    if row.segment in SEGMENTS:
        return
    m = ACV_LABEL.fullmatch(row.segment)
    assert m, f"unknown segment label {row.segment!r}"
    k = 1000.0
    if m["lt"]:
        assert (row.acv_min, row.acv_max) == (None, int(m["lt"]) * k)
    elif m["gt"]:
        assert (row.acv_min, row.acv_max) == (int(m["gt"]) * k, None)
    else:
        assert (row.acv_min, row.acv_max) == (int(m["lo"]) * k, int(m["hi"]) * k)


@by_row
def test_unit_and_value_ranges(row: Benchmark) -> None:
    assert row.unit in UNITS
    values = [v for v in (row.median, row.top_quartile, row.low, row.high) if v is not None]
    if row.unit == "nps":
        assert all(-100 <= v <= 100 for v in values)
    elif row.unit == "score":
        assert all(0 <= v <= 100 for v in values)
    else:
        assert all(v >= 0 for v in values)


@pytest.mark.parametrize("metric", ["nrr", "grr"])
def test_saas_capital_ladder_rises_with_acv(metric: str) -> None:
    # SaaS Capital's published medians do not fall as ACV rises; a decoding slip would show here.
    bands = ("lt12k", "12_25k", "25_50k", "50_100k", "100_250k", "gt250k")
    medians = [TABLE[f"{metric}_saas_capital_{b}"].median for b in bands]
    assert all(m is not None for m in medians)
    assert medians == sorted(medians)  # type: ignore[type-var]


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference not beside the checkout")
def test_every_url_is_in_the_reference_notes() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    missing = sorted({r.url for r in ROWS if r.url not in text})
    assert missing == []
