"""Usage signals: who is active, is usage growing, when was the last activity (``events``)."""

from __future__ import annotations

import ibis

from cs_architect.engine.signals.plan import Agg, Frame, Params, SignalPlan, Window, named, ratio


def active_user_ratio(params: Params, w: Window) -> SignalPlan:
    """Distinct users with activity in the last ``window_days`` ÷ seats.

    When an account's seat count is unknown, its active (not deactivated) users from the
    ``users`` table are the denominator instead; with neither, the signal has no data.
    Example: 6 users active in 30 days on 10 seats -> 0.6.
    """
    days = params.whole("window_days", 30)
    names = params.names("events")

    def raw(f: Frame) -> ibis.Value:
        seats = f.seats.cast("float64")
        den = (seats > 0).ifelse(seats, f.agg("users"))
        return ratio(f.agg("active"), den)

    return SignalPlan(
        needs=("events",),
        columns=("events.user_id",),
        aggs={
            "active": Agg(
                "events",
                lambda t: t.user_id.nunique(where=w.within(t.ts, days) & named(t.event, names)),
                0,
                since=w.start(days),
            ),
            # users has one row per user (check-data reports duplicate ids): a count suffices
            "users": Agg(
                "users", lambda t: t.count(where=t.deactivated_at.isnull() | (t.deactivated_at >= w.end)), optional=True
            ),
        },
        raw=raw,
    )


def usage_trend(params: Params, w: Window) -> SignalPlan:
    """Event quantity in the last ``window_days`` ÷ quantity in the window before (1.0 = flat).

    Quantity defaults to 1 per event. No usage in the earlier window gives no baseline: no data.
    Example: 80 events now vs 100 before -> 0.8.
    """
    days = params.whole("window_days", 30)
    names = params.names("events")
    prev_start, cur_start = w.start(2 * days), w.start(days)

    def qty(t: ibis.Table) -> ibis.Value:
        return t.quantity.fill_null(1)

    return SignalPlan(
        needs=("events",),
        aggs={
            "current": Agg("events", lambda t: qty(t).sum(where=(t.ts >= cur_start) & named(t.event, names)), 0),
            "previous": Agg(
                "events",
                lambda t: qty(t).sum(where=(t.ts >= prev_start) & (t.ts < cur_start) & named(t.event, names)),
                0,
            ),
        },
        raw=lambda f: ratio(f.agg("current"), f.agg("previous")),
    )


def days_since_last_activity(params: Params, w: Window) -> SignalPlan:
    """Days from the account's last event (of ``events``, default any) to the as-of date.

    An account with no event at all counts from its start (contract start, else creation):
    it has been inactive all its life, which is data, not missing data.
    """
    names = params.names("events")
    return SignalPlan(
        needs=("events",),
        aggs={"last": Agg("events", lambda t: t.ts.max(where=named(t.event, names)))},
        raw=lambda f: ibis.coalesce(w.days_since(f.agg("last")), f.age_days).cast("float64"),
    )
