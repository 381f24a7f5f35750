"""Support signals: ticket load, open urgent tickets, first response vs SLA, ticket CSAT (``tickets``)."""

from __future__ import annotations

import ibis

from cs_architect.engine.signals.plan import Agg, Frame, Params, SignalPlan, Window, ratio


def tickets_per_seat(params: Params, w: Window) -> SignalPlan:
    """Tickets opened in the window ÷ seats (no data without a seat count). 3 on 10 seats -> 0.3."""
    days = params.whole("window_days", 30)
    return SignalPlan(
        needs=("tickets",),
        aggs={"opened": Agg("tickets", lambda t: t.count(where=w.within(t.created_at, days)), 0)},
        raw=lambda f: ratio(f.agg("opened"), f.seats),
    )


def open_high_priority_tickets(params: Params, w: Window) -> SignalPlan:
    """Tickets of a high ``priorities`` value opened by the as-of date and not resolved by then.

    Priorities compare case-insensitively (default urgent and high).
    """
    priorities = [p.lower() for p in params.names("priorities")] or ["urgent", "high"]

    def agg(t: ibis.Table) -> ibis.Value:
        open_at_end = t.resolved_at.isnull() | (t.resolved_at >= w.end)
        return t.count(where=t.priority.lower().isin(priorities) & open_at_end)

    return SignalPlan(
        needs=("tickets",),
        columns=("tickets.priority",),
        aggs={"open": Agg("tickets", agg, 0)},
        raw=lambda f: f.agg("open").cast("float64"),
    )


def first_response_sla(params: Params, w: Window) -> SignalPlan:
    """Share of tickets opened in the window whose first response met the SLA of their priority.

    ``sla_hours`` maps priority -> hours (case-insensitive); other priorities are not counted.
    A ticket still unanswered counts as missed once its SLA has passed by the end of the as-of
    date, and is not counted before. No countable ticket: no data. 9 of 10 met -> 0.9.
    """
    days = params.whole("window_days", 90)
    sla = {k.lower(): v for k, v in params.mapping("sla_hours").items()}

    def hours(later: ibis.Value, earlier: ibis.Value) -> ibis.Value:
        return (later.epoch_seconds() - earlier.epoch_seconds()) / 3600.0

    def parts(t: ibis.Table) -> tuple[ibis.Value, ibis.Value]:
        limit = t.priority.lower().substitute(sla, else_=ibis.null("float64"))
        answered = t.first_response_at.notnull() & (t.first_response_at < w.end)
        met = answered & (hours(t.first_response_at, t.created_at) <= limit)
        overdue = hours(ibis.literal(w.end), t.created_at) >= limit
        base = w.within(t.created_at, days) & limit.notnull()
        return base & met, base & (answered | overdue)

    return SignalPlan(
        needs=("tickets",),
        columns=("tickets.priority", "tickets.first_response_at"),
        aggs={
            "met": Agg("tickets", lambda t: t.count(where=parts(t)[0]), 0),
            "counted": Agg("tickets", lambda t: t.count(where=parts(t)[1]), 0),
        },
        raw=lambda f: ratio(f.agg("met"), f.agg("counted")),
    )


def ticket_csat(params: Params, w: Window) -> SignalPlan:
    """Top-box share of ticket CSAT ratings in the window: ratings >= ``scale_max`` - 1.

    On the default 5-point scale 4 and 5 count (GLOSSARY: top two). No rating: no data.
    """
    days = params.whole("window_days", 90)
    top = params.number("scale_max", 5) - 1

    def rated(t: ibis.Table) -> ibis.Value:
        return w.within(t.created_at, days) & t.csat.notnull()

    def raw(f: Frame) -> ibis.Value:
        return ratio(f.agg("top"), f.agg("rated"))

    return SignalPlan(
        needs=("tickets",),
        columns=("tickets.csat",),
        aggs={
            "rated": Agg("tickets", lambda t: t.count(where=rated(t)), 0),
            "top": Agg("tickets", lambda t: t.count(where=rated(t) & (t.csat >= top)), 0),
        },
        raw=raw,
    )
