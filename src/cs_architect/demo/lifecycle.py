"""Month by month: renewals, churn, expansion and contraction, billing, users and usage volume.

Vectorised over all accounts, one loop step per calendar month. In each month, for each account:

1. **Renewal** (on ``contract_start + k x contract months``, clamped to month ends), decided
   ``NOTICE_MONTHS`` ahead: the account leaves with probability ``1 - (1 - c)^(term/12)`` (``c`` =
   the segment's benchmark annual logo churn, minus the involuntary share for card billing),
   tilted by its health over the last three months, and winds down (health lowered by
   ``WIND_DOWN``) until its contract ends on the renewal date. If it stays, the renewal uplift
   applies and seat plans may contract.
2. **Mid-term churn** for contracts longer than a month: ``MIDTERM_CHURN_SHARE`` of the monthly
   hazard, same tilt.
3. **Expansion**: seat plans add 5-30 % seats, flat plans buy an add-on, usage plans drift with
   health; the monthly probability is the benchmark expansion rate / (12 x mean step), tilted.
4. **Billing** on each billing-period anniversary: card charges fail at the benchmark decline
   rate (tilted), are retried (benchmark retries over the benchmark window, per-retry success so
   that overall recovery = the benchmark median), and an unrecovered failure ends in involuntary
   churn with the probability that makes involuntary churn the benchmark share of all churn.
5. **Users**: provisioned users follow seats x (0.6-1.0 by health) with an onboarding ramp and
   turnover. The first ``KEY_USERS`` (admin, champion, sponsor) stay until the account churns; of
   the others the oldest leave first, so ``users_lo`` counts rotated-out users and the valid users
   of a month are ``[0, KEY_USERS) + [KEY_USERS + lo, hi)``; at churn everyone leaves.
6. **Usage volume**: engaged users x intensity x share of the month active x feature breadth
   (features unlocked, adopted and used at this health), the expected events per unit of rate.
"""

from __future__ import annotations

import numpy as np

from cs_architect.demo import assumptions as A
from cs_architect.demo.book import NEVER, Book
from cs_architect.demo.calendar import DAY, add_months
from cs_architect.demo.health import health01, sigmoid, tilt
from cs_architect.demo.streams import stream


def _rates(book: Book) -> dict[str, np.ndarray]:
    cal = book.calibration
    seg, plan, plans = book.seg, book.plan, book.plans
    annual = np.array([r.annual_churn.value for r in cal.segments])[seg]
    card = plans.card[plan]
    inv = cal.involuntary_share.value
    period = plans.period[plan]
    recovery = cal.dunning_recovery.value
    decline = cal.decline_rate.value
    # Per unrecovered failure: the chance it ends the account, so that card accounts lose
    # inv x annual churn a year involuntarily: 1 - (1 - decline (1 - recovery) q)^(charges/yr).
    q = (1 - (1 - inv * annual) ** (period / 12)) / (decline * (1 - recovery))
    return {
        "vol_annual": np.where(card, annual * (1 - inv), annual),
        "q_invol": np.clip(q, 0.0, 1.0),
        "expand": np.array([r.expansion_rate.value for r in cal.segments])[seg],
        "contract": np.array([r.contraction_rate.value for r in cal.segments])[seg],
    }


def run_months(book: Book, seed: int) -> None:
    """Simulate every month of the window and store the results on ``book``."""
    rng = stream(seed, "lifecycle")
    n, months, win = book.n, book.months, book.window
    plans, plan, cal, prof = book.plans, book.plan, book.calibration, book.profile
    ms, me = win.month_bounds_s()
    month_len = np.diff(win.month_starts) * DAY
    end_day, end_s = win.end_day, win.end_s
    rates = _rates(book)
    term, period = plans.term[plan], plans.period[plan]
    seat_priced, usage_priced = plans.seat_priced[plan], plans.usage_priced[plan]
    flat = ~seat_priced & ~usage_priced
    lo_seats, hi_seats = plans.min_seats[plan], plans.max_seats[plan]
    limit, included, overage = plans.limit[plan], plans.included[plan], plans.overage[plan]
    card = plans.card[plan]
    retries = int(cal.retries.value)
    per_retry = 1 - (1 - cal.dunning_recovery.value) ** (1 / retries)
    exp_step = (A.EXPANSION_STEP_MIN + A.EXPANSION_STEP_MAX) / 2
    con_step = (A.CONTRACTION_STEP_MIN + A.CONTRACTION_STEP_MAX) / 2
    uplift = cal.renewal_uplift.value
    key = int(A.KEY_USERS)
    weights = np.array([a.weight for a in prof.activities])
    thresholds = np.array([A.BREADTH_FIRST + (A.BREADTH_LAST - A.BREADTH_FIRST) * a.breadth for a in prof.activities])
    feature_cols = {
        f: [j for j, a in enumerate(prof.activities) if a.feature == f]
        for f in {a.feature for a in prof.add_ons if a.feature}
    }
    addon_locked = [
        ~plans.available[plan, feature_cols[a.feature][0]]
        if a.feature and feature_cols.get(a.feature)
        else np.zeros(n, dtype=bool)
        for a in prof.add_ons
    ]

    seats = book.seats0.copy()
    usage = book.usage0.copy()
    renewals = np.zeros(n, dtype=np.int64)
    next_renew = add_months(book.contract_day, term)
    churn_s = np.full(n, NEVER, dtype=np.int64)
    kind = np.zeros(n, dtype=np.int8)
    addon_mask, addon_flat = book.addon_mask.copy(), book.addon_flat.copy()
    hi_prev = np.zeros(n, dtype=np.int64)
    lo_prev = np.zeros(n, dtype=np.int64)
    out_seats = np.zeros((n, months), dtype=np.int32)
    out_usage = np.zeros((n, months), dtype=np.float32)
    out_mrr = np.zeros((n, months), dtype=np.float32)
    out_hi = np.zeros((n, months), dtype=np.int32)
    out_lo = np.zeros((n, months), dtype=np.int32)
    out_engaged = np.zeros((n, months), dtype=np.int32)
    out_volume = np.zeros((n, months), dtype=np.float32)
    out_fails = np.full((n, months), -1, dtype=np.int8)

    decided = np.zeros(n, dtype=bool)  # the coming renewal has been decided (and is kept)
    for m in range(months):
        lo_s, hi_s = int(ms[m]), int(me[m])
        day0, day1 = int(win.month_starts[m]), min(int(win.month_starts[m + 1]), end_day)
        dz3 = book.z[:, max(0, m - 2) : m + 1].mean(axis=1) - book.mu_seg
        age = m - book.created_month
        started = book.contract_day < day1
        open_ = (book.created_s < hi_s) & (churn_s == NEVER) & started

        # 1. renewals: decided NOTICE_MONTHS ahead on recent health; leavers wind down until then
        horizon = min(int(win.month_starts[min(m + int(A.NOTICE_MONTHS) + 1, months)]), end_day)
        deciding = open_ & ~decided & (next_renew < horizon)
        p_term = 1 - (1 - rates["vol_annual"]) ** (term / 12)
        p_term = np.where(term > 1, p_term * (1 - A.MIDTERM_CHURN_SHARE), p_term)
        leave = deciding & (rng.random(n) < np.clip(p_term * tilt(dz3, -A.CHURN_HEALTH_LINK), 0, 0.95))
        churn_s = np.where(leave, next_renew * DAY, churn_s)
        kind[leave] = 1
        decided |= deciding & ~leave
        book.z[leave, m:] -= np.float32(A.WIND_DOWN)
        dz = book.z[:, m].astype(np.float64) - book.mu_seg
        health = health01(book.z[:, m])
        stay = open_ & decided & (next_renew >= day0) & (next_renew < day1)
        decided &= ~stay
        renewals += stay
        p_shrink = rates["contract"] * term / 12 / con_step * tilt(dz3, -A.CONTRACTION_HEALTH_LINK)
        shrink = stay & seat_priced & (rng.random(n) < np.clip(p_shrink, 0, 0.9))
        cut = rng.uniform(A.CONTRACTION_STEP_MIN, A.CONTRACTION_STEP_MAX, n)
        seats = np.where(shrink, np.clip(np.round(seats * (1 - cut)), lo_seats, hi_seats), seats)
        next_renew = np.where(stay, add_months(book.contract_day, term * (renewals + 1)), next_renew)

        # 2. mid-term churn (early termination) of contracts longer than a month
        p_mid = A.MIDTERM_CHURN_SHARE * (1 - (1 - rates["vol_annual"]) ** (1 / 12)) * tilt(dz3, -A.CHURN_HEALTH_LINK)
        mid = open_ & ~deciding & ~stay & (term > 1) & (churn_s == NEVER) & (rng.random(n) < p_mid)
        start = np.maximum(lo_s, book.contract_day * DAY)
        when = start + (rng.random(n) * np.maximum(min(hi_s, end_s) - start, 1)).astype(np.int64)
        churn_s = np.where(mid, when, churn_s)
        kind[mid] = 1

        # 3. expansion
        grow_ok = open_ & (churn_s == NEVER) & (age >= A.EXPANSION_MIN_AGE_MONTHS)
        p_grow = rates["expand"] / (12 * exp_step) * tilt(dz, A.EXPANSION_HEALTH_LINK)
        grow = grow_ok & (rng.random(n) < np.clip(p_grow, 0, 0.9))
        step = rng.uniform(A.EXPANSION_STEP_MIN, A.EXPANSION_STEP_MAX, n)
        more = np.minimum(seats + np.maximum(1, np.round(seats * step)), hi_seats)
        seats = np.where(grow & seat_priced, more, seats)
        buy_time = lo_s + (rng.random(n) * (hi_s - lo_s)).astype(np.int64)
        shopping = grow & flat
        for k, addon in enumerate(prof.add_ons):
            buy = shopping & addon_locked[k] & ((addon_mask >> k) & 1 == 0)
            if not buy.any():
                continue
            addon_mask |= np.where(buy, np.int64(1) << k, 0)
            addon_flat += np.where(buy, addon.price_month, 0.0)  # flat plans: add-ons per account
            for j in feature_cols.get(addon.feature or "", []):
                book.adopt_s[buy, j] = buy_time[buy]
            shopping &= ~buy
        drift = (
            np.log1p(rates["expand"]) * tilt(dz, A.EXPANSION_HEALTH_LINK)
            + np.log1p(-rates["contract"]) * tilt(dz, -A.CONTRACTION_HEALTH_LINK)
        ) / 12
        drift = drift + rng.normal(0.0, A.USAGE_DRIFT_SD, n)
        # With an overage price the billed part (above the included amount) moves at the
        # expansion/contraction rates; without one the whole volume does (MRR unchanged).
        moved = np.where(
            overage > 0, included + np.maximum(usage - included, 0.0) * np.exp(drift), usage * np.exp(drift)
        )
        usage = np.where(usage_priced & open_ & (age >= 1), np.minimum(moved, limit), usage)

        # 4. MRR of the month
        listed = book.fixed_month + plans.seat_month[plan] * seats
        mrr_now = (
            listed * (1 - book.discount) * (1 + uplift) ** renewals
            + overage * np.maximum(0.0, np.minimum(usage, limit) - included)
            + book.addon_seat * seats
            + addon_flat
        )
        billed = (book.created_s < hi_s) & started & (churn_s > np.maximum(lo_s, book.contract_day * DAY))
        out_mrr[:, m] = np.where(billed, mrr_now, 0.0)

        # 5. billing-period charges, card failures, dunning and involuntary churn
        k_month = m - book.contract_month
        charge_day = add_months(book.contract_day, np.maximum(k_month, 0))
        charge = (
            billed
            & (k_month >= 0)
            & (k_month % period == 0)
            & (mrr_now > 0)
            & (charge_day < end_day)
            & (charge_day * DAY < churn_s)
        )
        failed = charge & card & (rng.random(n) < cal.decline_rate.value * tilt(dz, -A.FAILURE_HEALTH_LINK))
        tries = rng.geometric(per_retry, n)  # attempt (after the first) that finally succeeds
        fails = np.where(failed, np.minimum(tries, retries + 1), 0)
        out_fails[:, m] = np.where(charge, fails, -1)
        lost = failed & (tries > retries) & (rng.random(n) < rates["q_invol"])
        gone = charge_day * DAY + int((cal.retry_window_days.value + 1) * DAY) + rng.integers(0, DAY, n)
        lost &= (gone < churn_s) & (gone < end_s)
        churn_s = np.where(lost, gone, churn_s)
        kind[lost] = 2

        # 6. users: provisioned = seats (or the logins cap) x health, ramped, with turnover
        exists = (book.created_s < hi_s) & (churn_s > lo_s)
        churning = exists & (churn_s <= hi_s)  # everyone left at churn; lo counts rotations only
        cap = np.where(seat_priced, seats, book.user_cap)
        ramp = np.where(age == 0, A.RAMP_MONTH_0, np.where(age == 1, A.RAMP_MONTH_1, 1.0))
        target = np.maximum(1, np.round(cap * (A.PROVISIONED_MIN + (1 - A.PROVISIONED_MIN) * health) * ramp))
        existing = hi_prev - lo_prev
        movable = np.maximum(existing - np.minimum(hi_prev, key), 0)  # key users never rotate out
        turnover = rng.binomial(movable, A.USER_TURNOVER)
        add = np.where(exists, np.maximum(target - existing, 0) + turnover, 0).astype(np.int64)
        rem = np.where(exists & ~churning, np.minimum(np.maximum(existing - target, 0) + turnover, movable), 0)
        hi = hi_prev + add
        lo = lo_prev + rem.astype(np.int64)

        # 7. engaged users and expected usage volume
        span_lo = np.maximum(lo_s, book.created_s)
        span_hi = np.minimum(hi_s, churn_s)
        share = np.clip((span_hi - span_lo) / month_len[m], 0.0, 1.0)
        valid = np.minimum(hi, key) + np.maximum(hi - key - lo_prev, 0)
        engaged = np.where(exists, np.maximum(1, np.round(valid * (A.ENGAGED_MIN + A.ENGAGED_RANGE * health))), 0)
        adopted = book.adopt_s < span_hi[:, None]
        used = weights[None, :] * adopted * sigmoid((health[:, None] - thresholds[None, :]) / A.BREADTH_STEEPNESS)
        breadth = used.sum(axis=1) / weights.sum()
        intensity = A.INTENSITY_MIN + A.INTENSITY_RANGE * health
        out_volume[:, m] = engaged * intensity * share * breadth
        out_engaged[:, m] = engaged
        out_seats[:, m] = np.where(seat_priced, seats, 0)
        out_usage[:, m] = usage
        out_hi[:, m], out_lo[:, m] = hi, lo
        hi_prev, lo_prev = hi, lo

    book.churn_s, book.churn_kind, book.renewal_day = churn_s, kind, next_renew
    book.addon_mask, book.addon_flat = addon_mask, addon_flat
    book.contracted_mrr = mrr_now  # state is frozen after churn: churned accounts keep their last
    book.seats, book.usage, book.mrr = out_seats, out_usage, out_mrr
    book.users_hi, book.users_lo = out_hi, out_lo
    book.engaged, book.volume, book.charge_fails = out_engaged, out_volume, out_fails
