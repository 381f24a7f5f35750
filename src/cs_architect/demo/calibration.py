"""Published rates the demo company is calibrated to, read from the packaged benchmark table.

Per segment (chosen by its typical ACV): annual logo churn, expansion rate, gross revenue
retention (which leaves the contraction rate), NPS, first-response targets and CSM coverage.
For the whole company: card declines, dunning retries and recovery, the involuntary share of
churn, support CSAT and the standard renewal uplift. Every value keeps the id of its row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cs_architect.benchmarks import Benchmark, BenchmarkTable, load_benchmarks
from cs_architect.demo.assumptions import MIN_CONTRACTION_RATE
from cs_architect.demo.company import SegmentSpec

PRIORITIES = ("urgent", "high", "normal", "low")


@dataclass(frozen=True)
class Rate:
    value: float
    basis: str  # "benchmark:<row id>", "input:<field>" or "assumption:<name>"

    def __float__(self) -> float:
        return self.value


def _mid(row: Benchmark) -> float:
    if row.median is not None:
        return row.median
    if row.low is not None and row.high is not None:
        return (row.low + row.high) / 2
    value = row.low if row.low is not None else row.high
    if value is None:
        raise ValueError(f"benchmark row {row.id} has no value")
    return value


def _row(table: BenchmarkTable, row_id: str, scale: float = 1.0) -> Rate:
    return Rate(_mid(table[row_id]) * scale, f"benchmark:{row_id}")


def _logo_churn_row(table: BenchmarkTable, acv: float) -> str:
    """The logo-churn row whose ACV range holds ``acv`` (rows are cut at 1k / 10k / 100k)."""
    for row in table:
        if row.id.startswith("logo_churn_") and (row.acv_min is not None or row.acv_max is not None):
            lo = row.acv_min if row.acv_min is not None else 0.0
            hi = row.acv_max if row.acv_max is not None else math.inf
            if lo <= acv < hi:
                return row.id
    return "logo_churn_b2b_median"


@dataclass(frozen=True)
class SegmentRates:
    annual_churn: Rate
    expansion_rate: Rate
    contraction_rate: Rate
    nps: Rate
    first_response_hours: tuple[Rate, ...]  # per priority, PRIORITIES order
    accounts_per_csm: Rate | None
    ttfv_days: Rate


@dataclass(frozen=True)
class Calibration:
    segments: tuple[SegmentRates, ...]
    decline_rate: Rate
    retries: Rate
    retry_window_days: Rate
    dunning_recovery: Rate
    involuntary_share: Rate
    csat_top_box: Rate
    renewal_uplift: Rate
    extra: dict[str, Rate] = field(default_factory=dict)

    def to_dict(self, segment_ids: list[str]) -> dict[str, object]:
        """Values with their basis, for the manifest."""

        def show(rate: Rate | None) -> object:
            return None if rate is None else {"value": round(rate.value, 6), "basis": rate.basis}

        segments: dict[str, object] = {}
        for sid, s in zip(segment_ids, self.segments, strict=True):
            segments[sid] = {
                "annual_churn": show(s.annual_churn),
                "expansion_rate": show(s.expansion_rate),
                "contraction_rate": show(s.contraction_rate),
                "nps": show(s.nps),
                "first_response_hours": {p: show(r) for p, r in zip(PRIORITIES, s.first_response_hours, strict=True)},
                "accounts_per_csm": show(s.accounts_per_csm),
                "ttfv_days": show(s.ttfv_days),
            }
        return {
            "segments": segments,
            "decline_rate": show(self.decline_rate),
            "retries": show(self.retries),
            "retry_window_days": show(self.retry_window_days),
            "dunning_recovery": show(self.dunning_recovery),
            "involuntary_share": show(self.involuntary_share),
            "csat_top_box": show(self.csat_top_box),
            "renewal_uplift": show(self.renewal_uplift),
        }


def _first_response(table: BenchmarkTable, touch: str) -> tuple[Rate, ...]:
    if touch == "high_touch":
        p1 = _row(table, "sla_p1_high_touch", 1 / 60)  # minutes -> hours
        return (p1, *(_row(table, f"sla_p{i}_high_touch") for i in (2, 3, 4)))
    if touch == "guided":
        return (_row(table, "sla_standard_first_reply"),) * 4
    return (_row(table, "email_frt_median"),) * 4


def _segment_rates(table: BenchmarkTable, seg: SegmentSpec) -> SegmentRates:
    churn = _row(table, _logo_churn_row(table, seg.typical_acv), 0.01)
    grr = _row(table, f"grr_segment_{seg.band}", 0.01)
    contraction = 1 - grr.value - churn.value
    contraction_rate = (
        Rate(contraction, f"{grr.basis} - {churn.basis}")
        if contraction >= MIN_CONTRACTION_RATE
        else Rate(float(MIN_CONTRACTION_RATE), "assumption:min_contraction_rate")
    )
    csm = None
    if seg.touch == "high_touch":
        csm = _row(table, "csm_accounts_acv_50k_plus")
    elif seg.touch == "guided":
        csm = _row(table, "csm_accounts_mid_market")
    return SegmentRates(
        annual_churn=churn,
        expansion_rate=_row(table, f"expansion_rate_{seg.band}", 0.01),
        contraction_rate=contraction_rate,
        nps=_row(table, f"nps_{seg.band}"),
        first_response_hours=_first_response(table, seg.touch),
        accounts_per_csm=csm,
        ttfv_days=_row(table, f"ttfv_{seg.band}_days"),
    )


def calibrate(
    segments: tuple[SegmentSpec, ...], renewal_uplift_pct: float | None, table: BenchmarkTable | None = None
) -> Calibration:
    """Benchmark rates for each segment and for the company."""
    table = table or load_benchmarks()
    uplift = (
        Rate(renewal_uplift_pct / 100, "input:pricing.discount_policy.renewal_uplift_pct")
        if renewal_uplift_pct is not None
        else _row(table, "price_uplift_standard", 0.01)
    )
    return Calibration(
        segments=tuple(_segment_rates(table, s) for s in segments),
        decline_rate=_row(table, "subscribers_at_risk_declines", 0.01),
        retries=_row(table, "stripe_smart_retries"),
        retry_window_days=_row(table, "stripe_smart_retries_window"),
        dunning_recovery=_row(table, "dunning_recovery_median", 0.01),
        involuntary_share=_row(table, "involuntary_churn_share", 0.01),
        csat_top_box=_row(table, "csat_b2b_support", 0.01),
        renewal_uplift=uplift,
    )
