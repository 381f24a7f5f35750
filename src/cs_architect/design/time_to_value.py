"""Time-to-value targets: by which day an account should reach the activation value event.

TTV (GLOSSARY) is measured from contract start, or from sign-up for self-serve accounts. The target
is the activation event's ``target_day`` from the brief. When the brief gives none, it is the
time-to-first-value benchmark of the segment: ``ttv_plg_days`` for self-serve accounts that sign up
themselves, else ``ttfv_<band>_days`` for the segment's ACV band; the upper end of a published range
(or the published figure) rounded up to whole days, stated as an assumption with an open question.
"""

from __future__ import annotations

import math

from cs_architect.benchmarks import Benchmark
from cs_architect.design.context import DesignContext, SegmentProfile
from cs_architect.design.figures import BenchField, row_figure
from cs_architect.design.motions import segment_motion
from cs_architect.spec.basis import Figure

# Benchmark rows from fastest to slowest time to first value (ties between segments go to the faster).
TTV_ROWS = ("ttv_plg_days", "ttfv_smb_days", "ttfv_mid_market_days", "ttfv_enterprise_days")


def ttv_benchmark_row(ctx: DesignContext, profile: SegmentProfile) -> str:
    """The time-to-first-value row for a segment: product-led self-serve, else its ACV band."""
    if profile.touch == "self_serve" and segment_motion(ctx.motion, profile.touch) == "automated":
        return "ttv_plg_days"
    return f"ttfv_{profile.band}_days"


def benchmark_days(row: Benchmark) -> int:
    """Whole days from a time-to-value row: the upper end of a published range, else the published
    figure, rounded up (a target must not be tighter than the benchmark)."""
    value = row.high if row.high is not None else row.median
    if value is None:
        raise ValueError(f"benchmark row '{row.id}' has neither high nor median")
    if row.unit == "hours":
        value /= 24
    elif row.unit != "days":
        raise ValueError(f"benchmark row '{row.id}' is in {row.unit}, not days")
    return max(1, math.ceil(value))


def _published(row: Benchmark) -> str:
    if row.low is not None and row.high is not None:
        return f"{row.low:g}-{row.high:g} days, upper end"
    return f"{row.median:g} days, rounded up"


def _kind_label(row: Benchmark) -> str:
    return "self-serve" if row.segment == "self_serve" else row.segment.replace("_", "-")


def _start_word(row_id: str) -> str:
    return "sign-up" if row_id == "ttv_plg_days" else "contract start"


def ttv_benchmark(ctx: DesignContext, profile: SegmentProfile) -> Figure:
    """The benchmark time to first value a segment's target is compared with, as published (one
    formatting wherever it is shown): the upper end of the ACV band's range, else the published figure
    (the product-led median). Targets derived from it are whole days (:func:`benchmark_days`)."""
    row_id = ttv_benchmark_row(ctx, profile)
    row = ctx.benchmarks[row_id]
    field: BenchField = "high" if row.high is not None else "median"
    note = "product-led median" if row_id == "ttv_plg_days" else f"typical for {_kind_label(row)}, upper end"
    return row_figure(ctx, row_id, field, note)


def _benchmark_target(ctx: DesignContext, row_id: str) -> Figure:
    row = ctx.benchmarks[row_id]
    days = benchmark_days(row)
    event = ctx.project.brief.activation_event
    kind, start = _kind_label(row), _start_word(row_id)
    assumption = ctx.assume(
        f"ttv_target_{row.segment}",
        f"{kind} accounts should reach '{event.name}' ({event.event}) by day {days} after {start}",
        f"the brief gives no target_day for the activation event; day {days} is the benchmark time to "
        f"first value for {kind} accounts ({_published(row)})",
        f"By which day after {start} should a {kind} account reach '{event.name}'? "
        f"Set target_day on value event '{event.id}' in brief.yaml.",
    )
    return Figure(value=days, unit="days", basis=[ctx.bench(row_id, _published(row)), assumption])


def _activation_input(ctx: DesignContext) -> Figure | None:
    brief = ctx.project.brief
    event = brief.activation_event
    if event.target_day is None:
        return None
    i = brief.value_events.index(event)
    return Figure(value=event.target_day, unit="days", basis=[ctx.inp("brief", ("value_events", i, "target_day"))])


def activation_target(ctx: DesignContext, profile: SegmentProfile) -> Figure:
    """Day by which a segment's accounts should reach the activation value event (its TTV target).

    The activation event's ``target_day`` when the brief gives one; otherwise the segment's
    time-to-first-value benchmark (:func:`ttv_benchmark_row`: upper end of the range, rounded up),
    stated as an assumption with an open question.
    """
    return _activation_input(ctx) or _benchmark_target(ctx, ttv_benchmark_row(ctx, profile))


def reference_ttv(ctx: DesignContext) -> Figure:
    """The activation day the shared milestone list uses.

    The brief's target_day when given. Otherwise the benchmark of the segments' band; when segments
    fall under different benchmark rows, the row covering the most expected accounts (ties: the
    faster row), recorded as an assumption.
    """
    given = _activation_input(ctx)
    if given is not None:
        return given
    accounts: dict[str, int] = {}
    for p in ctx.segments:
        row_id = ttv_benchmark_row(ctx, p)
        accounts[row_id] = accounts.get(row_id, 0) + p.segment.expected_accounts
    row_id = max(accounts, key=lambda r: (accounts[r], -TTV_ROWS.index(r)))
    figure = _benchmark_target(ctx, row_id)
    if len(accounts) == 1:
        return figure
    names = [p.name for p in ctx.segments if ttv_benchmark_row(ctx, p) == row_id]
    total = sum(accounts.values())
    why = ctx.assume(
        "onboarding_reference_segments",
        f"the shared onboarding milestones follow {', '.join(names)} ({accounts[row_id]} of {total} "
        "expected accounts); each segment's own time-to-value target is listed with its motion",
        "segments fall under different time-to-value benchmarks and one milestone list serves all",
        "Should each segment get its own onboarding milestone days?",
    )
    sized = [ctx.inp("personas", ("segments", p.index, "expected_accounts")) for p in ctx.segments]
    return Figure(value=figure.value, unit="days", basis=[*figure.basis, why, *sized])
