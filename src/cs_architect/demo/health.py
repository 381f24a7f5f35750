"""The latent health of each demo account: the hidden state every other table is drawn from.

Per account, a monthly AR(1) process on the logit scale around the account's own mean, which in
turn scatters around its segment's mean::

    mu_a      = mu_segment + N(0, ACCOUNT_EFFECT_SD)
    z[a, 0]   = mu_a + N(0, HEALTH_SHOCK_SD / sqrt(1 - phi^2))          (stationary start)
    z[a, m]   = mu_a + phi * (z[a, m-1] - mu_a) + N(0, HEALTH_SHOCK_SD)

``health01(z) = 1 / (1 + exp(-z))`` is the 0-1 health the dynamics read (x100 = a 0-100 score).
Rates that depend on health are *tilted* by ``exp(k * dz - k^2 * sd^2 / 2)`` with
``dz = z - mu_segment``: a mean-preserving multiplier, so the segment's average rate stays at its
benchmark while healthier accounts get more (k > 0) or less (k < 0) of it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from cs_architect.demo.assumptions import (
    ACCOUNT_EFFECT_SD,
    HEALTH_PERSISTENCE,
    HEALTH_SHOCK_SD,
    SEGMENT_MEAN_SCALE,
)

Floats = NDArray[np.float64]

# sd of z around its segment mean: account effect plus the stationary AR(1) deviation.
SPREAD = math.sqrt(ACCOUNT_EFFECT_SD**2 + HEALTH_SHOCK_SD**2 / (1 - HEALTH_PERSISTENCE**2))


def segment_mean(annual_churn: float) -> float:
    """Mean latent health of a segment: ``SEGMENT_MEAN_SCALE * logit(1 - annual churn)``."""
    keep = min(max(1 - annual_churn, 0.01), 0.99)
    return SEGMENT_MEAN_SCALE * math.log(keep / (1 - keep))


def simulate_health(rng: np.random.Generator, mu_segment: Floats, months: int) -> NDArray[np.float32]:
    """Latent health paths ``z[account, month]`` (float32 to keep 100k x months small)."""
    n = len(mu_segment)
    mu = mu_segment + rng.normal(0.0, ACCOUNT_EFFECT_SD, n)
    z = np.empty((n, months), dtype=np.float32)
    dev = rng.normal(0.0, HEALTH_SHOCK_SD / math.sqrt(1 - HEALTH_PERSISTENCE**2), n)
    for m in range(months):
        if m:
            dev = HEALTH_PERSISTENCE * dev + rng.normal(0.0, HEALTH_SHOCK_SD, n)
        z[:, m] = mu + dev
    return z


def health01(z: NDArray[np.floating]) -> Floats:
    """Health on a 0-1 scale (logistic of the latent value)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


def tilt(dz: NDArray[np.floating], link: float) -> Floats:
    """Mean-preserving multiplier ``exp(link * dz - link^2 * SPREAD^2 / 2)``, clipped to [0.02, 50]."""
    out = np.exp(link * np.asarray(dz, dtype=np.float64) - 0.5 * (link * SPREAD) ** 2)
    return np.clip(out, 0.02, 50.0)


def sigmoid(x: NDArray[np.floating]) -> Floats:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))
