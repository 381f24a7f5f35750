"""CSM touchpoints and CSM sentiment ratings, for accounts that have a CSM (ACV >= 10k).

Guided and high-touch accounts get calls, emails and meetings at a monthly rate for their tier,
more when the customer is responsive (healthy), plus training sessions in the first two months.
High-touch accounts (ACV >= 50k) are due a QBR every three months from contract start; a due QBR
happens, and an executive attends, more often when the account is healthy. CSMs also record a
1-5 sentiment rating with a reason and an expiry. Self-serve accounts have neither.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cs_architect.demo import assumptions as A
from cs_architect.demo.blocks import Block, working_times
from cs_architect.demo.calendar import DAY, add_months
from cs_architect.demo.health import tilt

I64 = NDArray[np.int64]
KINDS = ("qbr", "meeting", "call", "email", "training")
REASONS = (
    "Customer is not getting value and has gone quiet",
    "Adoption is slow; the champion is stretched",
    "Steady usage, no open risks",
    "Good adoption and an engaged champion",
    "Strong advocate; expansion conversation under way",
)


@dataclass
class Touchpoints:
    account: I64
    ts: I64
    kind: NDArray[np.int8]  # index into KINDS
    with_executive: NDArray[np.bool_]


@dataclass
class Ratings:
    account: I64
    ts: I64
    rating: NDArray[np.float64]
    expires_s: I64


def _cells(block: Block, lam: NDArray[np.float64], rng: np.random.Generator) -> tuple[I64, I64]:
    counts = rng.poisson(lam).ravel()
    cell = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    return cell // block.book.months, cell % block.book.months


def block_touchpoints(block: Block, rng: np.random.Generator) -> Touchpoints:
    """Calls, emails, meetings, trainings and QBRs of the block's CSM-led accounts."""
    book = block.book
    rows = block.rows
    segs = book.profile.segments
    guided = np.array([s.guided for s in segs])[book.seg[rows]]
    qbr_tier = np.array([s.qbr for s in segs])[book.seg[rows]]
    month_len = np.diff(book.window.month_starts)[None, :] * DAY
    share = np.clip((block.span_hi - block.span_lo) / month_len, 0.0, 1.0) * guided[:, None]
    dz = book.dz(rows)
    per_month = np.where(qbr_tier, A.HIGH_TOUCH_TOUCHES_PER_MONTH, A.GUIDED_TOUCHES_PER_MONTH)[:, None]
    a, m = _cells(block, per_month * tilt(dz, A.TOUCH_HEALTH_LINK) * share, rng)
    u = rng.random(len(a))
    kind = np.where(u < A.TOUCH_CALL_SHARE, 2, np.where(u < A.TOUCH_CALL_SHARE + A.TOUCH_EMAIL_SHARE, 3, 1))
    execs = rng.random(len(a)) < A.OTHER_EXEC_SHARE

    age = np.arange(book.months)[None, :] - book.created_month[rows, None]
    onboarding = ((age >= 0) & (age < 2)) * share * (A.ONBOARDING_TRAININGS / 2)
    ta, tm = _cells(block, onboarding, rng)

    # QBRs: due every 3 months after contract start while the account is a customer.
    quarters = book.months // 3 + 2
    q = np.arange(1, quarters + 1)
    due_day = add_months(np.repeat(book.contract_day[rows], quarters), np.tile(q * 3, block.n)).reshape(
        block.n, quarters
    )
    stop = np.minimum(book.churn_s[rows], book.window.end_s)
    qa, qk = np.nonzero((due_day * DAY < stop[:, None]) & (due_day * DAY >= book.window.start_s) & qbr_tier[:, None])
    due_s = due_day[qa, qk] * DAY
    first_month = book.window.month_starts[:-1] * DAY
    qm = np.clip(np.searchsorted(first_month, due_s, side="right") - 1, 0, book.months - 1)
    health = book.health(rows)[qa, qm]
    held = rng.random(len(qa)) < A.QBR_HELD_MIN + (A.QBR_HELD_MAX - A.QBR_HELD_MIN) * health
    qa, qm, due_s, health = qa[held], qm[held], due_s[held], health[held]
    qbr_exec = rng.random(len(qa)) < A.QBR_EXEC_MIN + (A.QBR_EXEC_MAX - A.QBR_EXEC_MIN) * health
    qbr_ts = due_s + (rng.uniform(-A.QBR_JITTER_DAYS, A.QBR_JITTER_DAYS, len(qa)) * DAY).astype(np.int64)
    qbr_ts = np.clip(qbr_ts, np.maximum(book.created_s[rows][qa], book.window.start_s), stop[qa] - 1)

    acc = np.concatenate([a, ta])
    mon = np.concatenate([m, tm])
    lo, hi = block.span_lo[acc, mon], block.span_hi[acc, mon]
    ts = lo + (rng.random(len(acc)) * np.maximum(hi - lo, 1)).astype(np.int64)
    ts = working_times(rng, ts, lo, hi)
    account = np.concatenate([acc, qa])
    ts = np.concatenate([ts, qbr_ts])
    kinds = np.concatenate([kind, np.full(len(ta), 4), np.zeros(len(qa), np.int64)]).astype(np.int8)
    with_exec = np.concatenate([execs, np.zeros(len(ta), bool), qbr_exec])
    order = np.lexsort((ts, account))
    return Touchpoints(account[order], ts[order], kinds[order], with_exec[order])


def block_ratings(block: Block, rng: np.random.Generator) -> Ratings:
    """Monthly (with probability ``CSM_RATING_SHARE``) CSM ratings: ``1 + 4 x health`` + noise."""
    book = block.book
    rows = block.rows
    guided = np.array([s.guided for s in book.profile.segments])[book.seg[rows]]
    active = (block.span_hi > block.span_lo) & guided[:, None]
    lam = active * A.CSM_RATING_SHARE
    a, m = np.nonzero(rng.random(lam.shape) < lam)
    lo, hi = block.span_lo[a, m], block.span_hi[a, m]
    ts = working_times(rng, lo + (rng.random(len(a)) * (hi - lo)).astype(np.int64), lo, hi)
    health = book.health(rows)[a, m]
    rating = np.clip(np.round(1 + 4 * health + rng.normal(0.0, A.CSM_RATING_NOISE, len(a))), 1, 5)
    expires = ts + int(A.CSM_RATING_EXPIRY_DAYS) * DAY
    order = np.lexsort((ts, a))
    return Ratings(a[order], ts[order], rating[order], expires[order])
