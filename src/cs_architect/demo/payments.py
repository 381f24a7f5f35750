"""Payments: card charges with failures and dunning retries; invoices paid on terms, or late.

One charge per billing period (the lifecycle decides which charges fail and how many attempts
fail). Card: each failed attempt is a ``failed`` row, retries are spread evenly over the
benchmark retry window, and the charge ends with a ``succeeded`` row, or (after every retry
failed) a manual settlement within ``MANUAL_RECOVERY_DAYS``, unless it ended the account
(involuntary churn). Invoice: one ``succeeded`` row when the invoice is paid: healthy accounts a
little before the Net-30 due date, struggling ones later (exponential delay tilted by health).
Unpaid invoices at the generation end have no row yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cs_architect.demo import assumptions as A
from cs_architect.demo.blocks import Block
from cs_architect.demo.calendar import DAY, add_months
from cs_architect.demo.health import tilt

I64 = NDArray[np.int64]


@dataclass
class Payments:
    account: I64
    ts: I64
    amount: NDArray[np.float64]
    failed: NDArray[np.bool_]
    period: I64  # month index of the charge (names the invoice)


def block_payments(block: Block, rng: np.random.Generator) -> Payments:
    """Payment attempts of the block's charges, sorted by account and time."""
    book = block.book
    rows = block.rows
    cal = book.calibration
    fails = book.charge_fails[rows].astype(np.int64)
    a, m = np.nonzero(fails >= 0)
    f = fails[a, m]
    plan = book.plan[rows][a]
    period = book.plans.period[plan]
    card = book.plans.card[plan]
    k = m - book.contract_month[rows][a]
    charge_day = add_months(book.contract_day[rows][a], k)
    charge_s = charge_day * DAY + (rng.random(len(a)) * A.BILLING_RUN_HOURS * 3600).astype(np.int64)
    amount = np.round(book.mrr[rows][a, m].astype(np.float64) * period, 2)

    retries = int(cal.retries.value)
    gap = cal.retry_window_days.value * DAY / retries
    # The charge that ended an account: its last charge whose every attempt failed.
    invol = book.churn_kind[rows][a] == 2
    all_failed = f == retries + 1
    last = np.zeros(len(a), dtype=bool)
    if (invol & all_failed).any():
        cand = np.flatnonzero(invol & all_failed)
        key = a[cand] * book.months + m[cand]
        order = np.argsort(key)
        cand, key = cand[order], key[order]
        final = np.r_[a[cand][1:] != a[cand][:-1], True]
        last[cand[final]] = True

    # Failed attempts: f rows per charge, at charge_s + i * gap (card only; invoices never fail).
    n_fail = np.where(card, f, 0)
    idx = np.repeat(np.arange(len(a)), n_fail)
    attempt = np.arange(len(idx)) - np.repeat(np.cumsum(n_fail) - n_fail, n_fail)
    fail_ts = charge_s[idx] + (attempt * gap).astype(np.int64)

    # The settling payment.
    manual = rng.uniform(1, A.MANUAL_RECOVERY_DAYS, len(a)) * DAY
    card_ok = np.where(all_failed, charge_s + retries * gap + manual, charge_s + f * gap)
    dz = book.dz(rows)[a, m]
    early = rng.random(len(a)) * A.EARLY_PAY_DAYS * book.health(rows)[a, m]
    late = rng.exponential(A.LATE_DAYS_MEAN * tilt(dz, -A.LATE_HEALTH_LINK))
    invoice_ok = charge_s + (A.NET_TERMS_DAYS - early + late) * DAY
    ok_ts = np.where(card, card_ok, invoice_ok).astype(np.int64)
    settled = ~(card & last)

    account = np.concatenate([a[idx], a[settled]])
    ts = np.concatenate([fail_ts, ok_ts[settled]])
    amt = np.concatenate([amount[idx], amount[settled]])
    failed = np.concatenate([np.ones(len(idx), bool), np.zeros(int(settled.sum()), bool)])
    months = np.concatenate([m[idx], m[settled]])
    keep = ts < book.window.end_s
    order = np.lexsort((ts[keep], account[keep]))
    return Payments(account[keep][order], ts[keep][order], amt[keep][order], failed[keep][order], months[keep][order])
