"""Involuntary churn: card dunning and invoice collections schedules.

Card billing gets a dunning schedule (automatic retries over the retry window, emails, an in-app
banner, the card updater, then read-only and cancellation); invoice billing gets collections
(reminders around the due date, escalation to the account's CSM and finance, a suspension policy);
a company that uses both gets both. Without a pricing model the payment method is inferred from the
sales motion and stated as an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.cs_team import CSM_ROLE, HEAD_OF_CS, distinct_titles
from cs_architect.design.motions import DIGITAL_CS
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Dunning, DunningStep

# Finance roles (the company's own; CS roles come from the CS team vocabulary).
BILLING_SYSTEM = "Billing system (automated)"
FINANCE_BILLING = "Finance (billing)"
ACCOUNTS_RECEIVABLE = "Finance (accounts receivable)"
FINANCE_LEAD = "Finance lead"
DEFAULT_NET_TERMS_DAYS = 30
CANCEL_AFTER_DAYS = 30  # a failed card subscription is cancelled this many days after the failure
MOTION_METHODS: dict[str, tuple[str, ...]] = {
    "product-led": ("card",),
    "sales-led": ("invoice",),
    "hybrid": ("card", "invoice"),
}


class InvoluntaryContext(Strict):
    """Why failed payments matter, in benchmark numbers."""

    share_low: Figure
    share_high: Figure
    decline_rate: Figure
    recovery_median: Figure
    recovery_best_low: Figure
    text: str


class DunningPlan(Strict):
    dunning: Dunning
    summary: str
    card_plans: list[str]
    invoice_plans: list[str]
    retries: Figure | None
    retry_window: Figure | None
    net_terms: Figure | None
    suspension_policy: str
    recovery_target: Figure | None
    context: InvoluntaryContext


@dataclass(frozen=True)
class _Billing:
    methods: tuple[str, ...]
    card_plans: list[str]
    invoice_plans: list[str]
    card_touches: set[TouchModel]
    basis: list[Basis]


def _billing(ctx: DesignContext) -> _Billing:
    pricing = ctx.project.pricing
    if pricing is None:
        methods = MOTION_METHODS[ctx.motion]
        basis = [
            ctx.inp("brief", ("sales_motion",)),
            ctx.assume(
                "payment_method_from_motion",
                f"With no pricing model, a {ctx.motion} company is assumed to bill by "
                f"{' and '.join(methods)}: product-led by card, sales-led by invoice, hybrid both.",
                "pricing.yaml was not given, so the payment method is unknown.",
                "Do customers pay by card, by invoice, or both (and on which plans)?",
            ),
        ]
        touches = {p.touch for p in ctx.segments} if "card" in methods else set()
        return _Billing(methods, [], [], touches, basis)
    card = [p for p in pricing.plans if pricing.method(p) == "card"]
    invoice = [p for p in pricing.plans if pricing.method(p) == "invoice"]
    touch = {p.id: p.touch for p in ctx.segments}
    card_touches = {touch[p.segment] for p in card if p.segment in touch} or (
        {p.touch for p in ctx.segments} if card else set()
    )
    basis = [ctx.inp("pricing", ("payment_method",))]
    basis += [
        ctx.inp("pricing", ("plans", i, "payment_method")) for i, p in enumerate(pricing.plans) if p.payment_method
    ]
    methods = tuple(m for m in ("card", "invoice") if m in ctx.payment_methods)
    return _Billing(methods, [p.name for p in card], [p.name for p in invoice], card_touches, basis)


def _card_steps(ctx: DesignContext, billing: _Billing) -> tuple[list[DunningStep], Figure, Figure, list[Basis]]:
    retries_row, window_row = ctx.row("stripe_smart_retries"), ctx.row("stripe_smart_retries_window")
    retries, window = int(retries_row.median or 0), int(window_row.median or 0)
    csm_tiers = [t for t in ("guided", "high_touch") if t in billing.card_touches]
    csm = bool(csm_tiers)
    csm_roles = " / ".join(CSM_ROLE[t] for t in csm_tiers)
    plans = ", ".join(billing.card_plans) or "card-paid plans"
    final = max(1, window - 4)
    cancel = max(CANCEL_AFTER_DAYS, window + 7)
    steps = [
        DunningStep(
            day=0,
            action=f"Payment fails: automatic smart retries start ({retries} retries over "
            f"{window} days); email 1 to the billing contact with a secure "
            "update-card link",
            channel="email",
            owner=BILLING_SYSTEM,
        ),
        DunningStep(
            day=1,
            action="Banner for account admins until the card is updated or a retry succeeds",
            channel="in-app banner",
            owner=BILLING_SYSTEM,
        ),
        DunningStep(
            day=3,
            action="Email 2: the payment is still failing; one click to update the card",
            channel="email",
            owner=BILLING_SYSTEM,
        ),
        DunningStep(
            day=5,
            action="Card updater / network token check for a replaced or renewed card; retry with the new details",
            channel="card updater",
            owner=BILLING_SYSTEM,
        ),
        DunningStep(
            day=7,
            action=(
                "Email 3 to the billing contact and the champion"
                + ("; the account's CSM messages the champion personally" if csm else "")
            ),
            channel="email" + (" + CSM" if csm else ""),
            owner=csm_roles or BILLING_SYSTEM,
        ),
        DunningStep(
            day=final,
            action=f"Final notice: access becomes read-only on day {window} unless the card is updated",
            channel="email + in-app banner",
            owner=BILLING_SYSTEM,
        ),
        DunningStep(
            day=window,
            action="Retry window over: account becomes read-only (data kept, admins can "
            "still update the card and restore access at once)",
            channel="product",
            owner=FINANCE_BILLING,
        ),
        DunningStep(
            day=cancel,
            action="Still unpaid: subscription cancelled and counted as involuntary "
            "churn; win-back email offers one-click reactivation with data intact",
            channel="email",
            owner=f"{FINANCE_BILLING}, with the {DIGITAL_CS} for the win-back",
        ),
    ]
    basis = [
        ctx.bench("stripe_smart_retries"),
        ctx.bench("stripe_smart_retries_window"),
        ctx.assume(
            "dunning_schedule",
            "Between the first failure and the end of the retry window, customers hear on days 0, 1 (banner), 3, "
            "5 (card updater), 7 and 4 days before the end; access becomes read-only when the window ends and "
            "the subscription is cancelled 30 days after the failure (a week after a longer window).",
            "Several reminders over different channels recover more than one email; read-only keeps the "
            "customer's data and a reason to pay, cancellation closes the books within a month.",
            "What may an unpaid account still do (read-only, downgrade to a free tier, or nothing)?",
        ),
    ]
    plans_note = f"card plans: {plans}"
    return (
        steps,
        Figure(value=retries, unit="retries", basis=[ctx.bench(retries_row.id, plans_note)]),
        Figure(value=window, unit="days", basis=[ctx.bench(window_row.id)]),
        basis,
    )


def _invoice_segments(ctx: DesignContext) -> list[SegmentProfile]:
    """Segments billed by invoice (all segments when plans do not say)."""
    pricing = ctx.project.pricing
    if pricing is None:
        return list(ctx.segments)
    ids = {p.segment for p in pricing.plans if pricing.method(p) == "invoice"}
    return [p for p in ctx.segments if p.id in ids] or list(ctx.segments)


def _collection_steps(ctx: DesignContext) -> tuple[list[DunningStep], Figure, list[Basis]]:
    terms = DEFAULT_NET_TERMS_DAYS
    terms_basis = ctx.assume(
        "net_terms_30",
        f"Invoices are payable net {terms} days.",
        "The pricing model does not state payment terms; net 30 is the common B2B default.",
        "What payment terms do your order forms set (net 15, 30, 45, 60)?",
    )
    segments = _invoice_segments(ctx)
    buyers = " / ".join(distinct_titles(p.segment.economic_buyer for p in segments))
    champions = " / ".join(distinct_titles(p.segment.champion for p in segments))
    # Invoice accounts without a CSM (self-serve) are followed up by the Digital CS programme.
    csms = " / ".join(dict.fromkeys(CSM_ROLE[p.touch] for p in segments))
    steps = [
        DunningStep(
            day=-7,
            action="Reminder with the invoice and PO number to the billing contact and the accounts-payable mailbox",
            channel="email",
            owner=ACCOUNTS_RECEIVABLE,
        ),
        DunningStep(
            day=1,
            action="Overdue notice with a payment link and remittance details",
            channel="email",
            owner=ACCOUNTS_RECEIVABLE,
        ),
        DunningStep(
            day=7,
            action=f"Second notice; the account's CSM is told and checks with the {champions} "
            "for a dispute, a missing PO or a changed billing contact",
            channel="email + CSM",
            owner=f"{ACCOUNTS_RECEIVABLE}, with the {csms}",
        ),
        DunningStep(
            day=14,
            action="Call the billing contact; agree a payment date in writing",
            channel="phone",
            owner=ACCOUNTS_RECEIVABLE,
        ),
        DunningStep(
            day=30,
            action=f"Escalation: the account's CSM and the finance lead write to the {buyers}",
            channel="email + call",
            owner=f"{csms} and the {FINANCE_LEAD.lower()}",
        ),
        DunningStep(
            day=45,
            action="Written notice that access will be suspended in 15 days, as the contract allows",
            channel="letter / email",
            owner=f"{FINANCE_LEAD} and the {HEAD_OF_CS}",
        ),
        DunningStep(
            day=60,
            action=f"Suspend access (read-only) if unpaid and undisputed; both the {HEAD_OF_CS} and the finance "
            "lead approve",
            channel="product",
            owner=f"{HEAD_OF_CS} and the {FINANCE_LEAD.lower()}",
        ),
    ]
    basis = [
        terms_basis,
        ctx.assume(
            "collections_schedule",
            "Collections remind 7 days before the due date, then on days 1, 7, 14 and 30 after it (escalating to "
            "the account's CSM and the finance lead), give written notice on day 45 and suspend on day 60.",
            "Late invoices are mostly missing POs or changed contacts, fixed by a nudge; a relationship-level "
            "escalation at 30 days and a notice period protect renewals.",
            "Do your contracts allow suspension for non-payment, and after how many days?",
        ),
    ]
    return steps, Figure(value=terms, unit="days", basis=[terms_basis]), basis


def _context(ctx: DesignContext, card: bool) -> InvoluntaryContext:
    share = ctx.row("involuntary_churn_share")
    decline = ctx.row("card_decline_rate")
    median = ctx.row("dunning_recovery_median")
    best = ctx.row("dunning_recovery_best")
    fig = {
        "share_low": Figure(value=share.low or 0, unit="%", basis=[ctx.bench(share.id)]),
        "share_high": Figure(value=share.high or 0, unit="%", basis=[ctx.bench(share.id)]),
        "decline_rate": Figure(value=decline.median or 0, unit="%", basis=[ctx.bench(decline.id)]),
        "recovery_median": Figure(value=median.median or 0, unit="%", basis=[ctx.bench(median.id)]),
        "recovery_best_low": Figure(value=best.low or 0, unit="%", basis=[ctx.bench(best.id)]),
    }
    if card:
        text = (
            f"Failed payments cause {share.low:g}-{share.high:g}% of subscription churn; about "
            f"{decline.median:g}% of recurring card charges are declined in a month. The median business "
            f"recovers {median.median:g}% of failed payments; the best recover {best.low:g}-{best.high:g}%."
        )
    else:
        text = (
            "Involuntary churn benchmarks come from card billing; on invoices the same risk shows as "
            "overdue invoices, which collections turn into paid ones before they turn into churn."
        )
    return InvoluntaryContext(text=text, **fig)


def card_tiers(ctx: DesignContext) -> set[TouchModel]:
    """The touch tiers whose accounts pay by card (all tiers when the plans do not say)."""
    return _billing(ctx).card_touches


def design_dunning(ctx: DesignContext) -> DunningPlan:
    """Dunning (card), collections (invoice) or both, with a recovery target for card failures.

    Recovery target = the low end of best-in-class recovery (benchmark ``dunning_recovery_best``),
    above the median (``dunning_recovery_median``) that retries alone tend to reach.
    """
    billing = _billing(ctx)
    card, invoice = "card" in billing.methods, "invoice" in billing.methods
    mode: Literal["dunning", "collections", "both", "none"] = (
        "both" if card and invoice else "dunning" if card else "collections" if invoice else "none"
    )
    basis = list(billing.basis)
    steps: list[DunningStep] = []
    collections: list[DunningStep] = []
    retries = window = terms = target = None
    policy = []
    if card:
        steps, retries, window, card_basis = _card_steps(ctx, billing)
        basis += card_basis
        best = ctx.row("dunning_recovery_best")
        target = Figure(
            value=best.low or 0,
            unit="%",
            basis=[ctx.bench(best.id, "low end as the target"), ctx.bench("dunning_recovery_median", "floor")],
        )
        policy.append(
            f"Card: read-only on day {int(window.value)} (end of the retry window), cancelled on day "
            f"{steps[-1].day}; paying restores access at once."
        )
    if invoice:
        collections, terms, coll_basis = _collection_steps(ctx)
        basis += coll_basis
        policy.append(
            "Invoice: written notice on day 45 after the due date, suspension (read-only) on day 60 "
            f"if unpaid and undisputed, approved by the {HEAD_OF_CS} and the finance lead."
        )
    card_text = f"card ({', '.join(billing.card_plans)})" if billing.card_plans else "card"
    invoice_text = f"invoice ({', '.join(billing.invoice_plans)})" if billing.invoice_plans else "invoice"
    summary = {
        "both": f"Plans are paid by {card_text} and by {invoice_text}: card failures go through dunning, "
        "overdue invoices through collections.",
        "dunning": f"Plans are paid by {card_text}: failed payments go through dunning.",
        "collections": f"Plans are paid by {invoice_text}: overdue invoices go through collections.",
        "none": "No payment method applies, so there is no dunning or collections schedule.",
    }[mode]
    dunning = Dunning(
        mode=mode,
        steps=steps,
        collections_steps=collections,
        recovery_target_pct=target.value if target else None,
        basis=basis,
    )
    return DunningPlan(
        dunning=dunning,
        summary=summary,
        card_plans=billing.card_plans,
        invoice_plans=billing.invoice_plans,
        retries=retries,
        retry_window=window,
        net_terms=terms,
        suspension_policy=" ".join(policy),
        recovery_target=target,
        context=_context(ctx, card),
    )
