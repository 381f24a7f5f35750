"""A block of consecutive accounts, generated and written together so memory stays bounded.

A block carries what every activity table of those accounts needs: each account-month's active
span and the account's users (the first ``KEY_USERS`` stay until churn, the others rotate out
oldest-first, so the users valid in a month are two contiguous ranges). Helpers place
timestamps in business hours and pick the user behind an action.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cs_architect.demo import assumptions as A
from cs_architect.demo.book import NEVER, Book
from cs_architect.demo.calendar import DAY, weekday
from cs_architect.demo.streams import stream

I64 = NDArray[np.int64]
KEY = int(A.KEY_USERS)
ROLES = ("admin", "champion", "executive", "member")


@dataclass
class Users:
    """The block's users, grouped by account (``offset[a]:offset[a+1]``) in creation order."""

    offset: I64
    account: I64  # local account index
    number: I64  # 1-based number within the account
    created_s: I64
    deactivated_s: I64  # NEVER if still active
    role: NDArray[np.int8]  # index into ROLES


@dataclass
class Block:
    """Accounts ``start:stop`` of the book, with what their activity tables share."""

    index: int
    start: int
    stop: int
    book: Book
    span_lo: I64  # [account, month]
    span_hi: I64
    users: Users
    hi: I64  # [account, month] users created by the month's end
    lo_prev: I64  # [account, month] users rotated out before the month starts
    valid: I64  # [account, month] users valid at some time in the month

    @property
    def n(self) -> int:
        return self.stop - self.start

    @property
    def rows(self) -> slice:
        return slice(self.start, self.stop)

    def pick_users(self, rng: np.random.Generator, cell: I64, pool: I64, skew: float) -> I64:
        """Position (in ``users``) of the user behind each action in account-month ``cell``
        (``account * months + month``), drawn from the first ``pool`` valid users: key users
        first, then by tenure, with ``rank ~ U^skew``."""
        hi = self.hi.ravel()[cell]
        keys = np.minimum(hi, KEY)
        size = np.maximum(np.minimum(pool, self.valid.ravel()[cell]), 1)
        r = (size * rng.random(len(cell)) ** skew).astype(np.int64)
        k = np.where(r < keys, r, KEY + self.lo_prev.ravel()[cell] + (r - keys))
        k = np.clip(k, 0, np.maximum(hi - 1, 0))
        return self.users.offset[cell // self.book.months] + k


def build_block(book: Book, index: int, start: int, stop: int, seed: int) -> Block:
    """Accounts ``start:stop`` with their spans and users (users drawn from the block's own stream)."""
    rows = slice(start, stop)
    span_lo, span_hi = book.span(rows)
    users = _users(book, rows, span_lo, span_hi, stream(seed, "users", index))
    hi = book.users_hi[rows].astype(np.int64)
    lo = book.users_lo[rows].astype(np.int64)
    lo_prev = np.concatenate([np.zeros((stop - start, 1), np.int64), lo[:, :-1]], axis=1)
    # Valid in a month: the key users plus the not-yet-rotated others.
    valid = np.minimum(hi, KEY) + np.maximum(hi - KEY - lo_prev, 0)
    return Block(index, start, stop, book, span_lo, span_hi, users, hi, lo_prev, valid)


def _grouped_times(rng: np.random.Generator, group: I64, lo: I64, hi: I64) -> I64:
    """Uniform times in ``[lo, hi)``, sorted within each (already contiguous, ascending) group."""
    t = lo + (rng.random(len(group)) * np.maximum(hi - lo, 1)).astype(np.int64)
    if not len(t):
        return t
    base = int(t.min())
    # One sort of (group, time) packed in an int64; the input is sorted by group already, so
    # the stable sort (timsort) only has to merge short runs.
    key = np.sort((group << 36) | (t - base), kind="stable")
    return (key & ((1 << 36) - 1)) + base


def _users(book: Book, rows: slice, span_lo: I64, span_hi: I64, rng: np.random.Generator) -> Users:
    hi = book.users_hi[rows].astype(np.int64)
    lo = book.users_lo[rows].astype(np.int64)
    b, months = hi.shape
    adds = np.diff(hi, axis=1, prepend=0)
    rems = np.diff(lo, axis=1, prepend=0)
    totals = hi[:, -1]
    offset = np.concatenate([[0], np.cumsum(totals)])
    cells = np.arange(b * months)
    made = np.repeat(cells, adds.ravel())
    account = made // months
    created = _grouped_times(rng, made, span_lo.ravel()[made], span_hi.ravel()[made])
    first = offset[:-1][totals > 0]
    created[first] = book.created_s[rows][totals > 0]  # the first user signs the account up
    number = np.arange(len(made)) - offset[account] + 1

    # Rotations: the oldest non-key users, in order, at sorted times within the month.
    deactivated = np.full(len(made), NEVER, dtype=np.int64)
    gone = np.repeat(cells, rems.ravel())
    if len(gone):
        gone_account = gone // months
        rem_offset = np.concatenate([[0], np.cumsum(lo[:, -1])])
        pos = offset[gone_account] + KEY + np.arange(len(gone)) - rem_offset[gone_account]
        when = _grouped_times(rng, gone, span_lo.ravel()[gone], span_hi.ravel()[gone])
        deactivated[pos] = np.maximum(when, created[pos] + 1)
    # Churn: everyone still there leaves with the account.
    churn = book.churn_s[rows][account]
    deactivated = np.where((deactivated == NEVER) & (churn < NEVER), np.maximum(churn, created + 1), deactivated)

    guided = np.array([s.guided for s in book.profile.segments])[book.seg[rows]][account]
    role = np.full(len(made), 3, dtype=np.int8)
    role[rng.random(len(made)) < A.ADMIN_SHARE] = 0
    role[(number == 3) & guided] = 2
    role[number == 2] = 1
    role[number == 1] = 0
    return Users(offset, account, number, created, deactivated, role)


def working_times(rng: np.random.Generator, t: I64, lo: I64, hi: I64) -> I64:
    """Move times into business hours on weekdays, keeping each inside its ``[lo, hi)``.

    The hour is drawn around ``WORK_HOUR_MEAN`` UTC; ``WEEKEND_SHIFT`` of weekend times move to
    the nearest weekday. A time that would leave its span keeps its original value.
    """
    day = t // DAY
    dow = weekday(day)
    back = rng.random(len(t)) < 0.5
    move = rng.random(len(t)) < A.WEEKEND_SHIFT
    shift = np.where(dow == 5, np.where(back, -1, 2), np.where(dow == 6, np.where(back, -2, 1), 0))
    shift = np.where(move, shift, 0)
    hour = np.clip(rng.normal(A.WORK_HOUR_MEAN, A.WORK_HOUR_SD, len(t)), 0.0, 23.999)
    shaped = (day + shift) * DAY + (hour * 3600).astype(np.int64)
    ok = (shaped >= lo) & (shaped < hi)
    return np.where(ok, shaped, t)
