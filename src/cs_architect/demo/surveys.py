"""Relational NPS surveys: promoters in healthy accounts, detractors in struggling ones.

Each account is surveyed on day ``NPS_FIRST_DAY`` after sign-up and every ``NPS_EVERY_DAYS``
after that, while it is a customer. ``NPS_INVITES`` users are invited, each answers with
probability ``NPS_RESPONSE_RATE`` within ``NPS_ANSWER_DAYS``. A respondent's score is
``round(level + NPS_HEALTH_LINK x dz + N(0, NPS_NOISE))`` clipped to 0-10, where ``level`` is
solved per segment so that the segment's NPS equals its benchmark at average health.
Written only when the company runs an NPS survey (``nps_survey_exists`` is not false).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cs_architect.demo import assumptions as A
from cs_architect.demo.blocks import Block
from cs_architect.demo.book import Book
from cs_architect.demo.calendar import DAY
from cs_architect.demo.health import SPREAD

I64 = NDArray[np.int64]
CATEGORIES = ("detractor", "passive", "promoter")


@dataclass
class Responses:
    account: I64
    user: I64  # position in block.users
    ts: I64
    score: NDArray[np.float64]
    comment: NDArray[np.int16]  # -1 none, else category * 3 + template


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def score_level(nps: float) -> float:
    """Mean latent score whose rounded, clipped answers give ``nps`` (-100..100) on average.

    Scores are ``N(level, w)`` with ``w^2 = (NPS_HEALTH_LINK x SPREAD)^2 + NPS_NOISE^2``;
    promoters answer 9-10 (latent >= 8.5), detractors 0-6 (latent < 6.5). Solved by bisection.
    """
    w = math.hypot(A.NPS_HEALTH_LINK * SPREAD, A.NPS_NOISE)
    target = nps / 100
    lo, hi = -5.0, 20.0
    for _ in range(80):
        mid = (lo + hi) / 2
        value = (1 - _phi((8.5 - mid) / w)) - _phi((6.5 - mid) / w)
        lo, hi = (mid, hi) if value < target else (lo, mid)
    return (lo + hi) / 2


def segment_levels(book: Book) -> NDArray[np.float64]:
    """:func:`score_level` of each segment's benchmark NPS."""
    return np.array([score_level(r.nps.value) for r in book.calibration.segments])


def block_surveys(block: Block, rng: np.random.Generator, levels: NDArray[np.float64]) -> Responses:
    """NPS answers of the block's accounts (``levels``: per-segment score level from :func:`score_level`)."""
    book = block.book
    rows = block.rows
    created = book.created_s[rows]
    stop = np.minimum(book.churn_s[rows], book.window.end_s)
    waves = int(book.window.months * 31 / A.NPS_EVERY_DAYS) + 2
    k = np.arange(waves)
    wave_s = created[:, None] + ((A.NPS_FIRST_DAY + A.NPS_EVERY_DAYS * k) * DAY)[None, :].astype(np.int64)
    a, w = np.nonzero(wave_s < stop[:, None])
    t0 = wave_s[a, w]
    first_month = book.window.month_starts[:-1] * DAY
    m = np.clip(np.searchsorted(first_month, t0, side="right") - 1, 0, book.months - 1)
    valid = block.valid[a, m]
    invited = np.minimum(valid, int(A.NPS_INVITES))
    answers = rng.binomial(invited, A.NPS_RESPONSE_RATE)
    idx = np.repeat(np.arange(len(a)), answers)
    a, m, t0 = a[idx], m[idx], t0[idx]
    user = block.pick_users(rng, a * book.months + m, valid[idx], 1.0)
    users = block.users
    lo = np.maximum(t0, users.created_s[user])
    hi = np.minimum(np.minimum(t0 + int(A.NPS_ANSWER_DAYS) * DAY, stop[a]), users.deactivated_s[user])
    keep = hi > lo
    a, m, user, lo, hi = a[keep], m[keep], user[keep], lo[keep], hi[keep]
    ts = lo + (rng.random(len(a)) * (hi - lo)).astype(np.int64)
    dz = book.dz(rows)[a, m]
    level = levels[book.seg[rows][a]]
    score = np.clip(np.round(level + A.NPS_HEALTH_LINK * dz + rng.normal(0.0, A.NPS_NOISE, len(a))), 0, 10)
    category = np.where(score >= 9, 2, np.where(score >= 7, 1, 0))
    has_comment = rng.random(len(a)) < A.COMMENT_SHARE
    comment = np.where(has_comment, category * 3 + rng.integers(0, 3, len(a)), -1).astype(np.int16)
    order = np.lexsort((ts, a))
    return Responses(a[order], user[order], ts[order], score[order], comment[order])
