"""Engagement signals: CSM touchpoints, executive engagement, QBRs held on cadence (``touchpoints``)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cs_architect.engine.signals.plan import Agg, Frame, Params, SignalPlan, Window


def _kinds(t: ir.Table, kinds: list[str]) -> ir.BooleanValue:
    return t.kind.lower().isin(kinds) if kinds else ibis.literal(True)


def days_since_touchpoint(params: Params, w: Window) -> SignalPlan:
    """Days from the last touchpoint (of ``kinds``, default any) to the as-of date.

    An account never touched counts from its start (contract start, else creation).
    """
    kinds = [k.lower() for k in params.names("kinds")]
    return SignalPlan(
        needs=("touchpoints",),
        aggs={"last": Agg("touchpoints", lambda t: t.ts.max(where=_kinds(t, kinds)))},
        raw=lambda f: ibis.coalesce(w.days_since(f.agg("last")), f.age_days).cast("float64"),
    )


def executive_engagement(params: Params, w: Window) -> SignalPlan:
    """Touchpoints with an executive (``with_executive`` true) in the window."""
    days = params.whole("window_days", 180)
    return SignalPlan(
        needs=("touchpoints",),
        columns=("touchpoints.with_executive",),
        aggs={
            "exec": Agg(
                "touchpoints", lambda t: t.count(where=w.within(t.ts, days) & t.with_executive.fill_null(False)), 0
            )
        },
        raw=lambda f: f.agg("exec").cast("float64"),
    )


def qbr_cadence(params: Params, w: Window) -> SignalPlan:
    """cadence ÷ days since the last QBR, capped at 1 (1.0 = on time).

    Days since the last touchpoint of kind 'qbr'; an account that never had one counts from
    its start, so a young account is on time. Example: cadence 90, last QBR 135 days ago -> 0.667.
    """
    cadence = params.whole("cadence_days", 90)

    def raw(f: Frame) -> ir.Value:
        since = ibis.coalesce(w.days_since(f.agg("last")), f.age_days).cast("float64")
        return since.isnull().ifelse(ibis.null("float64"), cadence / ibis.greatest(since, ibis.literal(float(cadence))))

    return SignalPlan(
        needs=("touchpoints",),
        aggs={"last": Agg("touchpoints", lambda t: t.ts.max(where=t.kind.lower() == "qbr"))},
        raw=raw,
    )


def active_role_users(params: Params, w: Window) -> SignalPlan:
    """Users with one of ``roles`` (default champion; case-insensitive) who are active at the
    as-of date. 0 means, for example, that the champion has left."""
    roles = [r.lower() for r in params.names("roles")] or ["champion"]

    def agg(t: ir.Table) -> ir.Value:
        active = t.deactivated_at.isnull() | (t.deactivated_at >= w.end)
        return t.count(where=active & t.role.lower().isin(roles))  # one row per user

    return SignalPlan(
        needs=("users",),
        columns=("users.role",),
        aggs={"n": Agg("users", agg, 0)},
        raw=lambda f: f.agg("n").cast("float64"),
    )
