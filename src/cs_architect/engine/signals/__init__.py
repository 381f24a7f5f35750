"""The signal library: one function per signal kind of the catalogue (:mod:`cs_architect.spec.signals`).

Each kind is ``(params, window) -> SignalPlan`` (see :mod:`.plan`); :func:`compute_signals`
runs many signals together with one aggregation per source table, and :func:`signal_table`
runs one signal alone, giving ``Table[account_id, raw]``.
"""

from __future__ import annotations

from cs_architect.engine.signals.compute import (
    SignalFrame,
    SignalRequest,
    account_base,
    compute_signals,
    raw_column,
    segment_applies,
    signal_table,
)
from cs_architect.engine.signals.kinds import KINDS, SignalFunction, plan_signal
from cs_architect.engine.signals.plan import ParamError, Params, SignalPlan, Window

__all__ = [
    "KINDS",
    "ParamError",
    "Params",
    "SignalFrame",
    "SignalFunction",
    "SignalPlan",
    "SignalRequest",
    "Window",
    "account_base",
    "compute_signals",
    "plan_signal",
    "raw_column",
    "segment_applies",
    "signal_table",
]
