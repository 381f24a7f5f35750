"""Adoption signals: breadth of key features, value events, onboarding milestones (``events``)."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from cs_architect.engine.signals.plan import Agg, Derived, Frame, ParamError, Params, SignalPlan, Window, named


def feature_breadth(params: Params, w: Window) -> SignalPlan:
    """Share of the key ``features`` (one event name each) used at least once in the window.

    Example: 3 of 4 features used in the last 30 days -> 0.75.
    """
    days = params.whole("window_days", 30)
    features = params.names("features", required=True)
    return SignalPlan(
        needs=("events",),
        aggs={
            "used": Agg(
                "events",
                lambda t: t.event.nunique(where=w.within(t.ts, days) & t.event.isin(features)),
                0,
                since=w.start(days),
            )
        },
        raw=lambda f: f.agg("used").cast("float64") / len(features),
    )


def value_event_frequency(params: Params, w: Window) -> SignalPlan:
    """Value ``events`` that occurred in the window: a count of rows (occurrences).

    A value event is something that happened (a rota published, a report shared): how often it
    happened is the signal, whatever its ``quantity`` says (items in it, minutes ...), which is
    usage and belongs to ``usage_trend``. Example: 2 reports and 1 export in 30 days -> 3.
    """
    days = params.whole("window_days", 30)
    names = params.names("events", required=True)
    return SignalPlan(
        needs=("events",),
        aggs={"value": Agg("events", lambda t: t.count(where=w.within(t.ts, days) & named(t.event, names)), 0)},
        raw=lambda f: f.agg("value").cast("float64"),
    )


_Milestone = tuple[str, int, int, bool, list[str], list[str]]  # event, day, count, distinct, segments, roles


def _milestones(params: Params) -> list[_Milestone]:
    out = []
    for i, m in enumerate(params.records("milestones")):
        event, day = m.get("event"), m.get("day")
        count, distinct = m.get("count", 1), m.get("distinct_users", False)
        segments, roles = m.get("segments", []), m.get("roles", [])
        if not isinstance(event, str) or not event:
            raise ParamError("milestones", f"milestones[{i}].event must be an event name")
        if isinstance(day, bool) or not isinstance(day, int) or day < 0:
            raise ParamError("milestones", f"milestones[{i}].day must be a whole number of days >= 0")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ParamError("milestones", f"milestones[{i}].count must be a whole number >= 1")
        if not isinstance(distinct, bool):
            raise ParamError("milestones", f"milestones[{i}].distinct_users must be true or false")
        if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
            raise ParamError("milestones", f"milestones[{i}].segments must be a list of segment ids")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ParamError("milestones", f"milestones[{i}].roles must be a list of user roles")
        out.append((event, day, count, distinct, list(segments), [r.lower() for r in roles]))
    return out


def _events_with_role(tables: Mapping[str, ir.Table], w: Window) -> ir.Table:
    """Events with the role of the user who did them (users.role, lower case)."""
    users = tables["users"].select(_uid="user_id", _role=tables["users"].role.lower())
    events = tables["events"]
    joined = events.left_join(users, events.user_id == users._uid)
    return joined.select("account_id", "user_id", "event", role="_role")


EVENTS_WITH_ROLE = Derived(key="events_with_role", needs=("events", "users"), build=_events_with_role)


def onboarding_progress(params: Params, w: Window) -> SignalPlan:
    """Milestones done ÷ milestones due by the account's age (1.0 when none is due yet).

    A milestone ``{event, count, day}`` is due once the account is ``day`` days old and done
    when ``event`` has occurred ``count`` times (distinct users if ``distinct_users``; only by
    users of ``roles`` if given, which needs the users table) by the as-of date, late or not.
    Milestones with ``segments`` apply to those segments only. Example: 3 due, 2 done -> 0.667.
    """
    milestones = _milestones(params)
    aggs = {}
    with_roles = any(m[5] for m in milestones)
    for i, (event, _day, _count, distinct, _segs, roles) in enumerate(milestones):
        source = EVENTS_WITH_ROLE.key if roles else "events"

        def agg(t: ir.Table, e: str = event, d: bool = distinct, r: list[str] = roles) -> ir.Value:
            where = (t.event == e) & (t.role.isin(r) if r else True)
            return t.user_id.nunique(where=where) if d else t.count(where=where)

        aggs[f"m{i}"] = Agg(source, agg, 0)

    def raw(f: Frame) -> ibis.Value:
        due_n = ibis.literal(0)
        done_n = ibis.literal(0)
        for i, (_event, day, count, _distinct, segments, _roles) in enumerate(milestones):
            applies = f.segment.isin(segments) if segments else ibis.literal(True)
            due = applies & (f.age_days >= day)
            done = due & (f.agg(f"m{i}") >= count)
            due_n = due_n + due.ifelse(1, 0)
            done_n = done_n + done.ifelse(1, 0)
        progress = (due_n > 0).ifelse(done_n.cast("float64") / due_n.cast("float64"), 1.0)
        return f.age_days.isnull().ifelse(ibis.null("float64"), progress)

    if with_roles:
        return SignalPlan(
            needs=("events", "users"), columns=("users.role",), aggs=aggs, raw=raw, derived=(EVENTS_WITH_ROLE,)
        )
    return SignalPlan(needs=("events",), aggs=aggs, raw=raw)
