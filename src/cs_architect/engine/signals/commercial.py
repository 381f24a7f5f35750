"""Commercial signals: seats used, failed payments, MRR change, days to renewal."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from cs_architect.engine.signals.plan import Agg, Derived, Frame, Params, SignalPlan, Window, ratio


def seat_utilisation(params: Params, w: Window) -> SignalPlan:
    """Users active at the as-of date (created by then, not deactivated) ÷ seats purchased.

    Example: 8 active users on 10 seats -> 0.8. No seat count: no data.
    """

    def active(t: ir.Table) -> ir.Value:
        # one row per user (check-data reports duplicate ids): a count, not a distinct count
        return t.count(where=t.deactivated_at.isnull() | (t.deactivated_at >= w.end))

    return SignalPlan(
        needs=("users",), aggs={"active": Agg("users", active, 0)}, raw=lambda f: ratio(f.agg("active"), f.seats)
    )


def _unpaid_invoices(days: int) -> Derived:
    """One row per (account, invoice) with a failed payment in the last ``days``: whether the
    invoice is paid by the as-of date (a 'succeeded' row of the same invoice_id by then)."""

    def build(tables: Mapping[str, ir.Table], w: Window) -> ir.Table:
        p = tables["payments"]  # rows after the as-of date are already gone
        p = p.filter(p.invoice_id.notnull())
        status = p.status.lower()
        per_invoice = p.group_by(["account_id", "invoice_id"]).aggregate(
            failed=p.count(where=(status == "failed") & w.within(p.ts, days)),
            paid=p.count(where=status == "succeeded"),
        )
        return per_invoice.filter((per_invoice.failed > 0) & (per_invoice.paid == 0))

    return Derived(key=f"payments_unpaid_{days}", needs=("payments",), build=build)


def failed_payments(params: Params, w: Window) -> SignalPlan:
    """Failed payments in the window that are still unpaid at the as-of date.

    One failed payment is one invoice, however often it was retried: the count is of distinct
    ``invoice_id`` with a row of status 'failed' (case-insensitive) in the window and no row of
    status 'succeeded' for the same invoice by the as-of date. A failed row without an
    invoice_id cannot be matched to a retry or a later payment and counts as one on its own.
    Example: an invoice retried 9 times then paid -> 0; an invoice failed twice, unpaid -> 1.
    """
    days = params.whole("window_days", 90)
    unpaid = _unpaid_invoices(days)

    def loose(t: ir.Table) -> ir.Value:
        return t.count(where=t.invoice_id.isnull() & (t.status.lower() == "failed") & w.within(t.ts, days))

    return SignalPlan(
        needs=("payments",),
        derived=(unpaid,),
        aggs={"unpaid": Agg(unpaid.key, lambda t: t.count(), 0), "loose": Agg("payments", loose, 0)},
        raw=lambda f: (f.agg("unpaid") + f.agg("loose")).cast("float64"),
    )


def _month_index(month: ir.DateValue) -> ir.IntegerValue:
    return month.year() * 12 + month.month()


def mrr_change(params: Params, w: Window) -> SignalPlan:
    """MRR in the latest month on record (up to the as-of date) ÷ MRR ``months`` earlier.

    "Latest month on record" is the last month any account has MRR rows for, so an account
    without a row that month has MRR 0 then (churned or lapsed). No MRR back then: no baseline,
    no data. Example: 900 now, 1,000 three months ago -> 0.9.
    """
    months = params.whole("months", 3)

    def at(offset: int):
        def agg(t: ir.Table) -> ir.Value:
            latest = _month_index(t.month).max().as_scalar()
            return t.mrr.sum(where=_month_index(t.month) == latest - offset)

        return agg

    return SignalPlan(
        needs=("mrr",),
        aggs={"now": Agg("mrr", at(0), 0), "then": Agg("mrr", at(months), 0)},
        raw=lambda f: ratio(f.agg("now"), f.agg("then")),
    )


def days_to_renewal(params: Params, w: Window) -> SignalPlan:
    """Days from the as-of date to the account's ``renewal_date`` (negative once it has passed)."""

    def raw(f: Frame) -> ir.Value:
        return f.renewal_date.delta(ibis.literal(w.as_of), unit="day").cast("float64")

    return SignalPlan(needs=(), columns=("accounts.renewal_date",), aggs={}, raw=raw)
