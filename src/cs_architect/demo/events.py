"""Product events of a block of accounts, fully vectorised (no per-event Python).

For each account-month the number of events is ``Poisson(rate x volume)`` (volume from the
lifecycle: engaged users x intensity x active share x feature breadth). Each event gets:

- a **user** among the month's engaged users, long-tenured users first (``POWER_USER_SKEW``);
- a **time** inside both the account's active span and the user's tenure, in business hours;
- an **event name** drawn from the account's unlocked, adopted features, weighted by each
  activity's frequency and by how likely an account of this health is to use it (breadth);
  events before the feature's adoption time are dropped;
- a **quantity**: 1, or for the billed usage event the month's usage split over its events.

Value-event milestones add their ``count`` events on the day the account reaches them, so the
onboarding milestones are verifiable in the data and healthier accounts reach them earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cs_architect.demo import assumptions as A
from cs_architect.demo.blocks import Block, working_times
from cs_architect.demo.book import NEVER
from cs_architect.demo.calendar import DAY
from cs_architect.demo.health import sigmoid

I64 = NDArray[np.int64]


@dataclass
class Events:
    account: I64  # local account index in the block
    user: I64  # position in block.users
    ts: I64
    event: NDArray[np.int16]  # index into profile.activities
    quantity: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, idx: NDArray[np.integer] | NDArray[np.bool_]) -> Events:
        return Events(self.account[idx], self.user[idx], self.ts[idx], self.event[idx], self.quantity[idx])


def _feature_weights(block: Block) -> NDArray[np.float64]:
    """``[account, month, activity]`` weights: frequency x adopted by month end x breadth(health)."""
    book, acts = block.book, block.book.profile.activities
    weights = np.array([a.weight for a in acts])
    thresholds = np.array([A.BREADTH_FIRST + (A.BREADTH_LAST - A.BREADTH_FIRST) * a.breadth for a in acts])
    health = book.health(block.rows)  # [b, M]
    adopted = book.adopt_s[block.rows][:, None, :] < block.span_hi[:, :, None]
    use = sigmoid((health[:, :, None] - thresholds[None, None, :]) / A.BREADTH_STEEPNESS)
    return weights[None, None, :] * adopted * use


def regular_events(block: Block, rng: np.random.Generator) -> Events:
    """Day-to-day usage events (everything but the milestone bursts)."""
    book = block.book
    months = book.months
    lam = book.event_rate * book.volume[block.rows].astype(np.float64)
    counts = rng.poisson(lam).ravel()
    cell = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    a, m = cell // months, cell % months
    engaged = book.engaged[block.rows].astype(np.int64).ravel()
    user = block.pick_users(rng, cell, engaged[cell], A.POWER_USER_SKEW)

    # Activity: inverse CDF over the flattened cumulative weights of each account-month.
    w = _feature_weights(block)
    n_act = w.shape[2]
    cum = np.cumsum(w.reshape(-1))
    total = w.sum(axis=2).ravel()
    base = np.concatenate([[0.0], cum])[cell * n_act]
    x = base + rng.random(len(cell)) * total[cell]
    act = np.searchsorted(cum, x, side="right") - cell * n_act
    act = np.clip(act, 0, n_act - 1)

    users = block.users
    lo = np.maximum(block.span_lo.ravel()[cell], users.created_s[user])
    hi = np.minimum(block.span_hi.ravel()[cell], users.deactivated_s[user])
    lo = np.maximum(lo, book.adopt_s[block.rows].ravel()[a * n_act + act])
    keep = (hi > lo) & (total[cell] > 0)
    a, m, user, act, lo, hi = a[keep], m[keep], user[keep], act[keep], lo[keep], hi[keep]
    ts = lo + (rng.random(len(lo)) * (hi - lo)).astype(np.int64)
    ts = working_times(rng, ts, lo, hi)
    return Events(a, user, ts, act.astype(np.int16), np.ones(len(ts)))


def milestone_events(block: Block, rng: np.random.Generator) -> Events:
    """``count`` events of each value event on the day the account reaches it."""
    book = block.book
    acts = book.profile.activities
    adopt = book.adopt_s[block.rows]
    stop = np.minimum(book.churn_s[block.rows], book.window.end_s)
    parts_a, parts_j = [], []
    for col, act in enumerate(acts):
        if act.milestone_count <= 0:
            continue
        reached = np.flatnonzero(adopt[:, col] < stop)
        parts_a.append(np.repeat(reached, act.milestone_count))
        parts_j.append(np.full(len(reached) * act.milestone_count, col, dtype=np.int64))
    if not parts_a:
        none = np.empty(0, np.int64)
        return Events(none, none, none, np.empty(0, np.int16), np.empty(0))
    a = np.concatenate(parts_a)
    j = np.concatenate(parts_j)
    t0 = adopt[a, j]
    first_month = book.window.month_starts[:-1] * DAY
    m = np.clip(np.searchsorted(first_month, t0, side="right") - 1, 0, book.months - 1)
    cell = a * book.months + m
    user = block.pick_users(rng, cell, book.engaged[block.rows].astype(np.int64).ravel()[cell], A.POWER_USER_SKEW)
    users = block.users
    # A user who was not there at that moment hands the milestone to the account's first user
    # (who signed up at creation and stays until churn).
    there = (users.created_s[user] <= t0) & (users.deactivated_s[user] > t0)
    user = np.where(there, user, users.offset[a])
    hi = np.minimum(np.minimum(t0 + DAY, stop[a]), users.deactivated_s[user])
    ts = t0 + (rng.random(len(a)) * np.maximum(hi - t0, 1)).astype(np.int64)
    return Events(a, user, ts, j.astype(np.int16), np.ones(len(a)))


def usage_quantities(block: Block, ev: Events, rng: np.random.Generator) -> None:
    """Spread each account-month's billed usage over its usage events (in place)."""
    profile = block.book.profile
    if profile.usage_event is None:
        return
    j = profile.events.index(profile.usage_event)
    book = block.book
    is_usage = ev.event == j
    if not is_usage.any():
        return
    months = book.months
    first_month = book.window.month_starts[:-1] * DAY
    m = np.clip(np.searchsorted(first_month, ev.ts[is_usage], side="right") - 1, 0, months - 1)
    cell = ev.account[is_usage] * months + m
    per_cell = np.bincount(cell, minlength=block.n * months)
    usage = book.usage[block.rows].astype(np.float64).ravel()
    priced = book.plans.usage_priced[book.plan[block.rows]][ev.account[is_usage]]
    noise = np.exp(rng.normal(0.0, A.USAGE_REPORT_SPREAD, len(cell)) - A.USAGE_REPORT_SPREAD**2 / 2)
    share = usage[cell] / np.maximum(per_cell[cell], 1) * noise
    ev.quantity[is_usage] = np.where(priced, np.round(share, 3), 1.0)


def block_events(block: Block, rng: np.random.Generator) -> Events:
    """All events of the block, sorted by account then time."""
    reg = regular_events(block, rng)
    ms = milestone_events(block, rng)
    ev = Events(
        *(
            np.concatenate([x, y])
            for x, y in zip(
                (reg.account, reg.user, reg.ts, reg.event, reg.quantity),
                (ms.account, ms.user, ms.ts, ms.event, ms.quantity),
                strict=True,
            )
        )
    )
    key = (ev.account << 36) | (ev.ts - block.book.window.start_s)  # account, then time
    ev = ev.take(np.argsort(key, kind="stable"))
    usage_quantities(block, ev, rng)
    return ev


def expected_milestone_events(book_adopt: I64, churn_s: I64, end_s: int, counts: list[int]) -> int:
    """Milestone events the whole book will emit (to calibrate the regular event rate)."""
    stop = np.minimum(churn_s, end_s)
    return int(sum(c * int((book_adopt[:, j] < stop).sum()) for j, c in enumerate(counts) if c > 0))


__all__ = ["NEVER", "Events", "block_events", "expected_milestone_events"]
