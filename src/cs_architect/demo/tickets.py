"""Support tickets: more, and more urgent, when health is low; answered against the tier's target.

Per account-month: ``Poisson(TICKETS_PER_ACCOUNT_MONTH x (users / median users)^0.5 x
tilt(-TICKET_HEALTH_LINK) x active share)``, boosted in the first two months. Priority shares
shift toward urgent/high as health falls. First response is lognormal around a share of the
segment's benchmark first-response target for that priority; resolution follows. Timestamps
after the generation end stay empty (the ticket is still open). A resolved ticket is rated with
probability ``CSAT_RESPONSE_RATE``; the top-box chance rises with health and falls when the first
response was late, centred so that the average equals the benchmark support CSAT.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cs_architect.demo import assumptions as A
from cs_architect.demo.blocks import Block, working_times
from cs_architect.demo.calibration import PRIORITIES
from cs_architect.demo.health import SPREAD, tilt

I64 = NDArray[np.int64]
HOUR = 3600
_RESOLVE_HOURS = (A.RESOLVE_HOURS_URGENT, A.RESOLVE_HOURS_HIGH, A.RESOLVE_HOURS_NORMAL, A.RESOLVE_HOURS_LOW)


@dataclass
class Tickets:
    account: I64
    number: I64  # 1-based within the account (the block holds whole accounts)
    created_s: I64
    priority: NDArray[np.int8]  # index into PRIORITIES
    first_response_s: I64  # -1 = none
    resolved_s: I64  # -1 = open
    csat: NDArray[np.float64]  # NaN = not rated


def csat_intercept(top_box: float) -> float:
    """Log-odds intercept ``c`` with ``E[sigmoid(c + L dz - P late)] = top_box`` over
    ``dz ~ N(0, SPREAD^2)`` and the share of late first responses (so the company's average
    top-box CSAT equals the benchmark). Gauss-Hermite quadrature, then bisection."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    p_late = 0.5 * math.erfc(math.log(1 / A.RESPONSE_MEDIAN_OF_SLA) / A.RESPONSE_SPREAD / math.sqrt(2))
    spread = A.CSAT_HEALTH_LINK * SPREAD * nodes

    def mean(c: float) -> float:
        on_time = 1 / (1 + np.exp(-(c + spread)))
        late = 1 / (1 + np.exp(-(c + spread - A.CSAT_SLOW_PENALTY)))
        return float(weights @ ((1 - p_late) * on_time + p_late * late))

    lo, hi = -10.0, 10.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mean(mid) < top_box else (lo, mid)
    return (lo + hi) / 2


def block_tickets(block: Block, rng: np.random.Generator, median_users: float) -> Tickets:
    """Tickets of the block's accounts, sorted by account and time (numbered per account)."""
    book = block.book
    months = book.months
    rows = block.rows
    end_s = book.window.end_s
    dz = book.dz(rows)
    users_now = np.maximum(book.users_hi[rows] - book.users_lo[rows], 1).astype(np.float64)
    month_len = np.diff(book.window.month_starts)[None, :] * 86_400
    share = np.clip((block.span_hi - block.span_lo) / month_len, 0.0, 1.0)
    age = np.arange(months)[None, :] - book.created_month[rows, None]
    boost = np.where((age >= 0) & (age < 2), A.ONBOARDING_TICKET_BOOST, 1.0)
    lam = (
        A.TICKETS_PER_ACCOUNT_MONTH
        * (users_now / median_users) ** A.TICKET_SIZE_EXPONENT
        * tilt(dz, -A.TICKET_HEALTH_LINK)
        * share
        * boost
    )
    counts = rng.poisson(lam).ravel()
    cell = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    a, m = cell // months, cell % months
    lo, hi = block.span_lo[a, m], block.span_hi[a, m]
    created = lo + (rng.random(len(cell)) * np.maximum(hi - lo, 1)).astype(np.int64)
    created = working_times(rng, created, lo, hi)

    # Priority: urgent and high shares tilt up as health falls; low keeps its share.
    d = dz[a, m]
    urgent = A.URGENT_SHARE * tilt(d, -A.PRIORITY_HEALTH_LINK)
    high = A.HIGH_SHARE * tilt(d, -A.PRIORITY_HEALTH_LINK)
    scale = np.minimum(1.0, (1 - A.LOW_SHARE) / (urgent + high))
    urgent, high = urgent * scale, high * scale
    u = rng.random(len(cell))
    priority = np.where(u < urgent, 0, np.where(u < urgent + high, 1, np.where(u < 1 - A.LOW_SHARE, 2, 3))).astype(
        np.int8
    )

    seg = book.seg[rows][a]
    targets = np.array([[r.value for r in s.first_response_hours] for s in book.calibration.segments])
    target_h = targets[seg, priority]
    resp_h = target_h * A.RESPONSE_MEDIAN_OF_SLA * np.exp(rng.normal(0.0, A.RESPONSE_SPREAD, len(cell)))
    first = created + np.maximum((resp_h * HOUR).astype(np.int64), 60)  # a reply takes a minute at least
    resolve_h = np.array(_RESOLVE_HOURS)[priority] * np.exp(rng.normal(0.0, A.RESOLVE_SPREAD, len(cell)))
    resolved = first + (resolve_h * HOUR).astype(np.int64)
    first = np.where(first < end_s, first, -1)
    resolved = np.where(resolved < end_s, resolved, -1)

    base = csat_intercept(book.calibration.csat_top_box.value)
    late = resp_h > target_h
    p_top = 1 / (1 + np.exp(-(base + A.CSAT_HEALTH_LINK * d - A.CSAT_SLOW_PENALTY * late)))
    rated = (resolved >= 0) & (rng.random(len(cell)) < A.CSAT_RESPONSE_RATE)
    top = rng.random(len(cell)) < p_top
    five = rng.random(len(cell)) < A.CSAT_FIVE_OF_TOP_BOX
    score = np.where(top, np.where(five, 5.0, 4.0), rng.integers(1, 4, len(cell)).astype(float))
    csat = np.where(rated, score, np.nan)

    order = np.lexsort((created, a))
    a = a[order]
    starts = np.searchsorted(a, np.arange(block.n))
    number = np.arange(len(a)) - starts[a] + 1
    return Tickets(a, number, created[order], priority[order], first[order], resolved[order], csat[order])


__all__ = ["PRIORITIES", "Tickets", "block_tickets"]
