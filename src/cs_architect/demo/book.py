"""The book of accounts: who the demo customers are and what they bought (before any month runs).

Accounts are spread over segments by ``expected_accounts``, created uniformly over the window,
given a plan of their segment, a size drawn from the segment's ACV range (seats = ACV / seat price,
kept between the plan's min and max seats), a discount within the policy, add-ons, a CSM for
guided and high-touch segments, and a latent health path. :mod:`cs_architect.demo.lifecycle` then
runs the months: renewals, churn, expansion, billing, users and usage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from cs_architect.demo import assumptions as A
from cs_architect.demo.calendar import DAY, Window, month_index
from cs_architect.demo.calibration import Calibration
from cs_architect.demo.company import CompanyProfile
from cs_architect.demo.health import health01, segment_mean, simulate_health, tilt
from cs_architect.demo.names import account_names, csm_names
from cs_architect.demo.streams import stream

NEVER = np.int64(2**62)  # "no such time" for churn and adoption timestamps (seconds)
I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


@dataclass
class PlanTable:
    """Per-plan facts as arrays, indexed by plan number."""

    fixed_month: F64
    seat_month: F64
    period: I64
    term: I64
    card: NDArray[np.bool_]
    min_seats: F64
    max_seats: F64
    included: F64
    limit: F64
    overage: F64
    seat_priced: NDArray[np.bool_]
    usage_priced: NDArray[np.bool_]
    available: NDArray[np.bool_]  # [plan, activity]: the plan unlocks the activity's feature

    @classmethod
    def build(cls, profile: CompanyProfile) -> PlanTable:
        plans = profile.plans
        acts = profile.activities
        available = np.array(
            [[a.feature is None or p.features is None or a.feature in p.features for a in acts] for p in plans],
            dtype=bool,
        )
        max_seats = [
            p.max_seats
            if p.max_seats is not None
            else (p.min_seats * A.OPEN_SEATS_MULTIPLE if p.min_seats is not None else math.inf)
            for p in plans
        ]
        return cls(
            fixed_month=np.array([0.0 if p.seat_priced else p.price_month for p in plans]),
            seat_month=np.array([p.price_month if p.seat_priced else 0.0 for p in plans]),
            period=np.array([p.period_months for p in plans], dtype=np.int64),
            term=np.array([p.contract_months for p in plans], dtype=np.int64),
            card=np.array([p.method == "card" for p in plans]),
            min_seats=np.array([float(p.min_seats or 1) for p in plans]),
            max_seats=np.array(max_seats, dtype=np.float64),
            included=np.array([p.included_usage for p in plans]),
            limit=np.array([p.usage_limit if p.usage_limit is not None else math.inf for p in plans]),
            overage=np.array([p.overage_price for p in plans]),
            seat_priced=np.array([p.seat_priced for p in plans]),
            usage_priced=np.array([p.usage_priced for p in plans]),
            available=available,
        )


@dataclass
class Book:
    """Every account and its monthly state. Arrays are ``[account]`` or ``[account, month]``.

    Filled in two steps: :func:`open_book` (who the accounts are) and
    :func:`cs_architect.demo.lifecycle.run_months` (what happens to them month by month).
    """

    window: Window
    profile: CompanyProfile
    calibration: Calibration
    plans: PlanTable
    account_ids: list[str]
    names: list[str]
    seg: NDArray[np.int16]
    plan: NDArray[np.int16]
    created_s: I64
    contract_day: I64
    contract_month: I64  # month index of contract_start in the window
    created_month: I64
    discount: F64
    fixed_month: F64  # the plan's fixed monthly fee (without pricing input: the account's ACV / 12)
    seats0: F64
    usage0: F64
    user_cap: F64  # users to provision per account when the plan is not seat-priced
    addon_mask: I64
    addon_seat: F64  # monthly per-seat price of owned add-ons
    addon_flat: F64  # monthly per-account price of owned add-ons
    owner: NDArray[np.int32]
    owners: list[str]
    mu_seg: F64  # mean latent health of each account's segment
    z: NDArray[np.float32]
    adopt_s: I64  # [account, activity]: when the activity first happens (NEVER if not)
    # --- filled by lifecycle.run_months -----------------------------------------------------
    churn_s: I64 = field(default_factory=lambda: np.empty(0, np.int64))
    churn_kind: NDArray[np.int8] = field(default_factory=lambda: np.empty(0, np.int8))  # 1 vol, 2 invol
    renewal_day: I64 = field(default_factory=lambda: np.empty(0, np.int64))
    seats: NDArray[np.int32] = field(default_factory=lambda: np.empty((0, 0), np.int32))
    usage: NDArray[np.float32] = field(default_factory=lambda: np.empty((0, 0), np.float32))
    mrr: NDArray[np.float32] = field(default_factory=lambda: np.empty((0, 0), np.float32))
    users_hi: NDArray[np.int32] = field(default_factory=lambda: np.empty((0, 0), np.int32))
    users_lo: NDArray[np.int32] = field(default_factory=lambda: np.empty((0, 0), np.int32))
    engaged: NDArray[np.int32] = field(default_factory=lambda: np.empty((0, 0), np.int32))
    volume: NDArray[np.float32] = field(default_factory=lambda: np.empty((0, 0), np.float32))
    charge_fails: NDArray[np.int8] = field(default_factory=lambda: np.empty((0, 0), np.int8))  # -1 no charge
    contracted_mrr: F64 = field(default_factory=lambda: np.empty(0))  # at the end (or at churn)
    event_rate: float = 0.0  # events per unit of volume (set by the generator from --events)

    @property
    def n(self) -> int:
        return len(self.account_ids)

    @property
    def months(self) -> int:
        return self.window.months

    def health(self, rows: slice | NDArray[np.int64] = slice(None)) -> F64:
        """0-1 health of ``[account, month]`` for the given account rows."""
        return health01(self.z[rows])

    def dz(self, rows: slice | NDArray[np.int64] = slice(None)) -> F64:
        """Latent health relative to the segment mean (what rates are tilted by)."""
        return self.z[rows].astype(np.float64) - self.mu_seg[rows, None]

    def span(self, rows: slice) -> tuple[I64, I64]:
        """Active span ``[lo, hi)`` in seconds of each account-month (hi <= lo: not active)."""
        ms, me = self.window.month_bounds_s()
        lo = np.maximum(ms[None, :], self.created_s[rows, None])
        hi = np.minimum(me[None, :], self.churn_s[rows, None])
        return lo, hi


def _segment_counts(shares: list[float], n: int) -> NDArray[np.int64]:
    """Accounts per segment in proportion to ``shares`` (largest remainder, sums to n)."""
    raw = np.array(shares) * n
    counts = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


def _log_uniform(rng: np.random.Generator, lo: F64, hi: F64) -> F64:
    lo = np.maximum(lo, 1e-9)
    hi = np.maximum(hi, lo)
    return np.exp(rng.uniform(np.log(lo), np.log(hi)))


def open_book(profile: CompanyProfile, calibration: Calibration, window: Window, n: int, seed: int) -> Book:
    """Draw the accounts: segment, plan, dates, size, price, add-ons, owner and health path."""
    rng = stream(seed, "accounts")
    plans = PlanTable.build(profile)
    segs = profile.segments
    counts = _segment_counts([s.share for s in segs], n)
    seg = np.repeat(np.arange(len(segs), dtype=np.int16), counts)
    rng.shuffle(seg)
    created_s = np.sort(rng.integers(window.start_s, window.end_s, n, dtype=np.int64))
    width = max(6, len(str(n)))
    account_ids = [f"A{i + 1:0{width}d}" for i in range(n)]

    plan = np.empty(n, dtype=np.int16)
    for s, choices in enumerate(profile.segment_plans):
        idx = np.flatnonzero(seg == s)
        plan[idx] = np.array(choices, dtype=np.int16)[rng.integers(0, len(choices), len(idx))]

    acv_lo = np.array([max(s.acv_min, s.acv_max * A.ACV_FLOOR_SHARE, 1.0) for s in segs])[seg]
    acv_hi = np.array([s.acv_max for s in segs])[seg]
    acv = _log_uniform(rng, acv_lo, acv_hi)
    employees = _log_uniform(
        rng, np.array([s.employees_min for s in segs])[seg], np.array([s.employees_max for s in segs])[seg]
    )
    guided = np.array([s.guided for s in segs])[seg]
    discount = np.where(
        guided & (rng.random(n) < A.DISCOUNTED_SHARE), rng.uniform(0, profile.discount_max_pct / 100, n), 0.0
    )

    # Seats: the ACV bought at the plan's seat price, within the plan's seat limits.
    seat_month = plans.seat_month[plan]
    hybrid = plans.seat_priced[plan] & plans.usage_priced[plan]
    seat_acv = acv / np.where(hybrid, 1 + A.HYBRID_USAGE_SHARE, 1.0)
    by_price = seat_acv / np.maximum(12 * seat_month * (1 - discount), 1e-9)
    by_people = employees * A.USER_SHARE_OF_EMPLOYEES
    raw_seats = np.where(seat_month > 0, by_price, by_people)
    seats0 = np.where(
        plans.seat_priced[plan], np.clip(np.round(raw_seats), plans.min_seats[plan], plans.max_seats[plan]), 0.0
    )
    user_cap = np.where(plans.seat_priced[plan], seats0, np.maximum(1.0, np.round(by_people)))

    # Usage: the ACV not covered by the fixed fee, bought at the overage price.
    overage = plans.overage[plan]
    known = [p.overage_price for p in profile.plans if p.overage_price > 0]
    unit_price = float(np.median(known)) if known else 1.0
    included = plans.included[plan]
    extra = np.maximum(acv / 12 - plans.fixed_month[plan], 0.0)
    usage_metric = plans.usage_priced[plan] & ~plans.seat_priced[plan]
    usage0 = np.where(
        overage > 0,
        included + extra / np.maximum(overage, 1e-12),
        np.where(included > 0, included * rng.uniform(A.CAPPED_USAGE_MIN, 1.0, n), acv / 12 / unit_price),
    )
    hybrid_usage = included + np.where(
        overage > 0, A.HYBRID_USAGE_SHARE * seats0 * seat_month / np.maximum(overage, 1e-12), 0.0
    )
    usage0 = np.where(usage_metric, usage0, np.where(hybrid, hybrid_usage, 0.0))
    usage0 = np.minimum(usage0, plans.limit[plan])

    unpriced = np.array([p.id is None for p in profile.plans])[plan]
    fixed_month = np.where(unpriced, np.round(acv / 12, 2), plans.fixed_month[plan])

    trial = plans.card[plan] & (profile.trial_days > 0)
    created_day = created_s // DAY
    contract_day = created_day + np.where(trial, profile.trial_days, 0)
    contract_month = month_index(contract_day, window.first_month)
    created_month = month_index(created_day, window.first_month)

    # Latent health, and its segment means from the benchmark churn of each segment.
    mu_by_seg = np.array([segment_mean(r.annual_churn.value) for r in calibration.segments])
    mu_seg = mu_by_seg[seg]
    z = simulate_health(stream(seed, "health"), mu_seg, window.months)
    z0 = z[np.arange(n), np.clip(created_month, 0, window.months - 1)]
    dz0 = z0 - mu_seg

    # Add-ons for features the plan lacks, bought at signing (healthier accounts buy more).
    addon_mask = np.zeros(n, dtype=np.int64)
    addon_seat, addon_flat = np.zeros(n), np.zeros(n)
    feature_index = {a.feature: j for j, a in enumerate(profile.activities) if a.feature}
    for k, addon in enumerate(profile.add_ons):
        j = feature_index.get(addon.feature) if addon.feature else None
        lacks = ~plans.available[plan, j] if j is not None else np.zeros(n, dtype=bool)
        buy = lacks & (rng.random(n) < A.ADDON_TAKE_RATE * tilt(dz0, A.EXPANSION_HEALTH_LINK))
        addon_mask |= np.where(buy, np.int64(1) << k, 0)
        per_seat = addon_per_seat(addon.price_month, plans, plan)
        addon_seat += np.where(buy & per_seat, addon.price_month, 0.0)
        addon_flat += np.where(buy & ~per_seat, addon.price_month, 0.0)

    adopt_s = adoption_times(rng, profile, plans, plan, addon_mask, created_s, dz0)
    owner, owners = _owners(rng, profile, calibration, seg)
    return Book(
        window=window,
        profile=profile,
        calibration=calibration,
        plans=plans,
        account_ids=account_ids,
        names=account_names(stream(seed, "names"), n),
        seg=seg,
        plan=plan,
        created_s=created_s,
        contract_day=contract_day,
        contract_month=contract_month,
        created_month=created_month,
        discount=discount,
        fixed_month=fixed_month,
        seats0=seats0,
        usage0=usage0,
        user_cap=user_cap,
        addon_mask=addon_mask,
        addon_seat=addon_seat,
        addon_flat=addon_flat,
        owner=owner,
        owners=owners,
        mu_seg=mu_seg,
        z=z,
        adopt_s=adopt_s,
    )


def addon_per_seat(price_month: float, plans: PlanTable, plan: NDArray[np.int16]) -> NDArray[np.bool_]:
    """Whether an add-on is charged per seat: on seat-priced plans, when it costs no more than a
    seat (a 2/month add-on on a 10/seat plan is per seat; 1,500/month on a 10/seat plan is not).
    The pricing input does not say; this is the simulation's reading of the prices."""
    return plans.seat_priced[plan] & (price_month <= plans.seat_month[plan])


def unlocked(profile: CompanyProfile, plans: PlanTable, plan: NDArray[np.int16], addon_mask: I64) -> NDArray[np.bool_]:
    """``[account, activity]``: the account's plan or add-ons unlock the activity."""
    ok = plans.available[plan].copy()
    for j, act in enumerate(profile.activities):
        for k, addon in enumerate(profile.add_ons):
            if addon.feature is not None and addon.feature == act.feature:
                ok[:, j] |= (addon_mask >> k) & 1 == 1
    return ok


def adoption_times(
    rng: np.random.Generator,
    profile: CompanyProfile,
    plans: PlanTable,
    plan: NDArray[np.int16],
    addon_mask: I64,
    created_s: I64,
    dz0: F64,
) -> I64:
    """When each account first does each activity: the activity's target day, earlier for
    accounts that start healthy (``exp(-MILESTONE_HEALTH_LINK * dz0)``), with lognormal spread."""
    n, f = len(plan), len(profile.activities)
    start_day = np.array([a.start_day for a in profile.activities])
    speed = np.exp(-A.MILESTONE_HEALTH_LINK * dz0)[:, None]
    spread = np.exp(rng.normal(0.0, A.MILESTONE_DISPERSION, (n, f)))
    days = start_day[None, :] * speed * spread
    adopt = created_s[:, None] + (days * DAY).astype(np.int64)
    return np.where(unlocked(profile, plans, plan, addon_mask), adopt, NEVER)


def _owners(
    rng: np.random.Generator, profile: CompanyProfile, calibration: Calibration, seg: NDArray[np.int16]
) -> tuple[NDArray[np.int32], list[str]]:
    """A CSM for each account of a guided or high-touch segment, books sized by the benchmark
    accounts-per-CSM ratio of its tier; self-serve accounts have no owner (-1)."""
    owner = np.full(len(seg), -1, dtype=np.int32)
    total = 0
    for s, rates in enumerate(calibration.segments):
        if rates.accounts_per_csm is None or not profile.segments[s].guided:
            continue
        idx = np.flatnonzero(seg == s)
        pool = max(1, math.ceil(len(idx) / rates.accounts_per_csm.value))
        owner[idx] = total + rng.integers(0, pool, len(idx))
        total += pool
    return owner, csm_names(total)
