"""Independent, reproducible random streams: one per (seed, purpose, block of accounts).

Each table draws from its own stream, and each block of accounts from its own sub-stream, so a
table's rows depend only on the seed and the arguments, never on which other tables were asked
for or on the order in which blocks are processed.
"""

from __future__ import annotations

import numpy as np

STREAMS = {
    "accounts": 1,
    "health": 2,
    "lifecycle": 3,
    "users": 4,
    "events": 5,
    "tickets": 6,
    "surveys": 7,
    "payments": 8,
    "touchpoints": 9,
    "sentiment": 10,
    "mess": 11,
    "names": 12,
}


def stream(seed: int, purpose: str, block: int = 0) -> np.random.Generator:
    """A generator for one purpose and block, e.g. ``stream(7, "events", 3)``."""
    return np.random.default_rng([seed, STREAMS[purpose], block])
