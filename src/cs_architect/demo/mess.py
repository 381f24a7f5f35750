"""Realistic imperfections, kept within what a data check warns about (never an error).

With ``--mess`` (the default): a few late-arriving event and ticket rows (written after all the
others, out of time order), some optional values left empty (event user and quantity, ticket
priority, survey respondent, payment invoice id, executive flag), tickets exported without their
first response time, and users without a role. Required columns, ids, money and timestamps stay
valid. ``--no-mess`` writes clean data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cs_architect.demo import assumptions as A
from cs_architect.demo.streams import stream

TABLE_CODES = {"users": 1, "events": 2, "tickets": 3, "surveys": 4, "payments": 5, "touchpoints": 6, "accounts": 7}


@dataclass
class Mess:
    rng: np.random.Generator | None  # None = clean data

    @classmethod
    def for_table(cls, enabled: bool, seed: int, table: str, block: int) -> Mess:
        return cls(stream(seed, "mess", block * 16 + TABLE_CODES[table]) if enabled else None)

    def nulls(self, n: int, share: float = A.NULL_SHARE) -> NDArray[np.bool_] | None:
        """Rows whose optional value is left empty (None = none)."""
        if self.rng is None:
            return None
        return self.rng.random(n) < share

    def late(self, n: int) -> NDArray[np.bool_] | None:
        """Rows that arrive late and are written at the end, out of order (None = none)."""
        if self.rng is None:
            return None
        return self.rng.random(n) < A.LATE_ROW_SHARE


def merge(a: NDArray[np.bool_] | None, b: NDArray[np.bool_] | None) -> NDArray[np.bool_] | None:
    if a is None:
        return b
    return a if b is None else a | b
