"""The five journey stages (signup, onboarding, activation, expansion, renewal), built per segment.

Each stage has entry and exit criteria, the segment's touchpoints (:mod:`~cs_architect.design.touchpoints`)
and risk indicators that name the company's own value events, features, plans and people:

- signup: the sales handoff (owner, meeting, captures, artifacts, ``within_days``) for accounts that
  arrive through it, else self-serve sign-up (plans, trial);
- onboarding: kickoff or first session to the activation value event by its target day;
- activation: the activation event to the last onboarding milestone; unused key features;
- expansion: the offer follows the pricing metric (seats, usage, add-ons); champion loss;
- renewal: from the start of the segment's renewal track (the renewal section's days); card or invoice
  by the segment's plans; the renewal uplift. Month-to-month segments renew at every monthly charge
  instead (cancellation, downgrade and failed charges are the risks).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile
from cs_architect.design.cs_team import seller_title
from cs_architect.design.health_facts import recurring_value_event
from cs_architect.design.touchpoints import (
    SegmentTouchpoints,
    StageId,
    Timeline,
    play_fields,
    segment_touchpoints,
)
from cs_architect.inputs.base import Strict
from cs_architect.inputs.pricing import Plan
from cs_architect.spec.basis import Basis
from cs_architect.spec.operations import Milestone

STAGE_NAMES: dict[StageId, str] = {
    "signup": "Sign-up",
    "onboarding": "Onboarding",
    "activation": "Activation",
    "expansion": "Expansion",
    "renewal": "Renewal",
}


class Criterion(Strict):
    """An entry or exit condition; ``segments`` empty = every segment."""

    text: str
    segments: list[str] = Field(default_factory=list)
    basis: list[Basis] = Field(default_factory=list)


class RiskIndicator(Strict):
    """Something that shows an account is slipping in this stage, and where it shows."""

    text: str
    signal: str = Field(description="where it shows: a data table and event or field, or the CRM")
    segments: list[str] = Field(default_factory=list, description="empty = every segment")
    basis: list[Basis] = Field(default_factory=list)


class JourneyStage(Strict):
    id: StageId
    name: str
    entry: list[Criterion]
    exit: list[Criterion]
    touchpoints: list[SegmentTouchpoints] = Field(description="one entry per segment, in segment order")
    risks: list[RiskIndicator]


_Rows = dict[Any, tuple[list[str], list[Basis]]]


@dataclass
class _Stage:
    """Collects one stage segment by segment; identical texts merge into one row listing segments."""

    id: StageId
    ids: list[str]
    entries: _Rows = field(default_factory=dict)
    exits: _Rows = field(default_factory=dict)
    risks: _Rows = field(default_factory=dict)
    touch: list[SegmentTouchpoints] = field(default_factory=list)

    @staticmethod
    def _add(rows: _Rows, key: object, seg: str, basis: Sequence[Basis]) -> None:
        segs, bases = rows.setdefault(key, ([], []))
        if seg not in segs:
            segs.append(seg)
        bases += [b for b in basis if b not in bases]

    def entry(self, seg: str, text: str, basis: Sequence[Basis] = ()) -> None:
        self._add(self.entries, text, seg, basis)

    def exit(self, seg: str, text: str, basis: Sequence[Basis] = ()) -> None:
        self._add(self.exits, text, seg, basis)

    def risk(self, seg: str, text: str, signal: str, basis: Sequence[Basis] = ()) -> None:
        self._add(self.risks, (text, signal), seg, basis)

    def plays(self, tl: Timeline, fields: dict[str, str], extra: dict[str, list[Basis]] | None = None) -> None:
        self.touch.append(segment_touchpoints(self.id, tl, fields, extra or {}))

    def build(self) -> JourneyStage:
        def segs(s: list[str]) -> list[str]:
            return [] if s == self.ids else s

        return JourneyStage(
            id=self.id,
            name=STAGE_NAMES[self.id],
            entry=[Criterion(text=t, segments=segs(s), basis=b) for t, (s, b) in self.entries.items()],
            exit=[Criterion(text=t, segments=segs(s), basis=b) for t, (s, b) in self.exits.items()],
            touchpoints=self.touch,
            risks=[RiskIndicator(text=t, signal=g, segments=segs(s), basis=b) for (t, g), (s, b) in self.risks.items()],
        )


def _plans(ctx: DesignContext, p: SegmentProfile) -> list[Plan]:
    pricing = ctx.project.pricing
    if pricing is None:
        return []
    return list(p.plans) or list(pricing.plans)


def _missed(m: Milestone, day: int) -> str:
    return f"No '{m.name}' by day {day} ({m.verification.text})"


def _signal(m: Milestone) -> str:
    v = m.verification
    what = v.event or ("role " + "/".join(v.roles) if v.roles else "any")
    return f"{v.table}: {what}"


def _shared(ctx: DesignContext) -> dict[str, str]:
    handoff = ctx.project.sales.handoff
    return {
        "seller": seller_title(ctx),
        "act": ctx.project.brief.activation_event.name,
        "meeting": f" ({handoff.meeting})" if handoff and handoff.meeting else "",
    }


# --- the stages ---------------------------------------------------------------------------------
def signup_stage(ctx: DesignContext, tls: Sequence[Timeline]) -> JourneyStage:
    """Sign-up: the sales handoff (owner, meeting, captures, artifacts, within_days) or self-serve sign-up."""
    sales, pricing = ctx.project.sales, ctx.project.pricing
    handoff, shared = sales.handoff, _shared(ctx)
    st = _Stage("signup", [t.profile.id for t in tls])
    for tl in tls:
        p, sid, k, start = tl.profile, tl.profile.id, int(tl.start.value), tl.start
        if tl.entry == "sales_handoff":
            if sales.stages:
                last = sales.stages[-1]
                done = "; ".join(last.exit_criteria) or "closed won"
                where = ctx.inp("sales_process", ("stages", len(sales.stages) - 1))
                st.entry(sid, f"Deal closed: '{last.name}' stage exited ({done})", [where])
            meeting = f": {handoff.meeting}" if handoff and handoff.meeting else ""
            st.entry(sid, f"Handoff by day {k}, run by the handoff owner ({shared['seller']}){meeting}", start.basis)
            if handoff is not None:
                fields = (
                    ("success criteria", handoff.success_criteria),
                    ("stakeholders", handoff.stakeholders),
                    ("use case", handoff.use_case),
                    ("contract terms", handoff.contract_terms),
                )
                captured = ", ".join(name for name, value in fields if value)
                also = f"; also: {'; '.join(handoff.criteria)}" if handoff.criteria else ""
                if captured:
                    st.entry(sid, f"Captured at handoff: {captured}{also}", [ctx.inp("sales_process", ("handoff",))])
                if handoff.artifacts:
                    where = ctx.inp("sales_process", ("handoff", "artifacts"))
                    st.entry(sid, f"Handed over: {', '.join(handoff.artifacts)}", [where])
            accept = (
                f"The {tl.csm} accepts the handoff: account plan in the CRM and the kickoff with the champion "
                f"({p.segment.champion}) booked by day {k}"
            )
            st.exit(sid, accept, start.basis)
            st.risk(sid, f"Handoff not held by day {k}", "CRM: handoff date", start.basis)
            st.risk(
                sid,
                "Handoff with an empty success-criteria or stakeholder field",
                "CRM: handoff fields",
                [ctx.inp("sales_process", ("handoff",))],
            )
            st.risk(
                sid,
                f"Economic buyer ({p.segment.economic_buyer}) not among the captured stakeholders",
                "CRM: contact roles",
                [ctx.inp("personas", ("segments", p.index, "economic_buyer"))],
            )
        else:
            plans = [pl.name for pl in _plans(ctx, p)]
            on = f" on the {' or '.join(plans)} plan" if plans else ""
            trial, trial_basis = "", []
            if pricing is not None and pricing.trial_days:
                trial = f", starting a {pricing.trial_days}-day trial"
                trial_basis = [ctx.inp("pricing", ("trial_days",))]
            st.entry(sid, f"Account created through self-serve sign-up{on}{trial}", trial_basis)
            st.exit(sid, "First session: any product event from the account on the sign-up day", start.basis)
            st.risk(sid, "No product event on the sign-up day", "events: any", start.basis)
        st.plays(tl, play_fields(tl, shared))
    return st.build()


def onboarding_stage(ctx: DesignContext, tls: Sequence[Timeline]) -> JourneyStage:
    """Onboarding: from the kickoff or first session to the activation value event by its target day."""
    act, pricing, shared = ctx.project.brief.activation_event, ctx.project.pricing, _shared(ctx)
    st = _Stage("onboarding", [t.profile.id for t in tls])
    for tl in tls:
        sid, k, a, target = tl.profile.id, int(tl.start.value), int(tl.activation.value), tl.activation
        handoff = tl.entry == "sales_handoff"
        st.entry(sid, "Handoff accepted and the kickoff booked" if handoff else "First session done (workspace set up)")
        st.exit(
            sid, f"'{act.name}' verified in data by day {a} ({tl.activation_milestone.verification.text})", target.basis
        )
        if handoff:
            st.risk(
                sid,
                f"Kickoff not held by day {k}, or no admin or champion user",
                "users: role admin/champion",
                tl.start.basis,
            )
        for m in tl.milestones:
            if m.activation:
                st.risk(sid, _missed(m, a), _signal(m), target.basis)
            elif k < m.day < a and m.verification.table == "events":
                st.risk(sid, _missed(m, m.day), _signal(m), m.basis)
        if not handoff and pricing is not None and pricing.trial_days and pricing.trial_days <= a:
            st.risk(
                sid,
                f"Trial ends on day {pricing.trial_days} before '{act.name}' is reached",
                f"events: {act.event}",
                [ctx.inp("pricing", ("trial_days",)), *target.basis],
            )
        st.plays(tl, play_fields(tl, shared))
    return st.build()


def _breadth_day(ctx: DesignContext, activation: int, onboarded: int) -> tuple[int, list[Basis]]:
    """By when an account should use more than its onboarding features: the onboarded day when milestones
    follow activation, else the full-onboarding benchmark (breadth takes longer than one value event)."""
    full = ctx.benchmarks["onboarding_full_days"].median
    if onboarded > activation or full is None or full <= onboarded:
        return onboarded, []
    return math.ceil(full), [ctx.bench("onboarding_full_days", "time to onboard a B2B customer fully")]


def activation_stage(ctx: DesignContext, tls: Sequence[Timeline]) -> JourneyStage:
    """Activation: from the activation value event until every onboarding milestone is reached."""
    brief, shared = ctx.project.brief, _shared(ctx)
    act = brief.activation_event
    st = _Stage("activation", [t.profile.id for t in tls])
    for tl in tls:
        sid, a, o, done = tl.profile.id, int(tl.activation.value), int(tl.onboarded.value), tl.onboarded
        later = [m for m in tl.milestones if m.day > a]
        st.entry(sid, f"'{act.name}' reached ({tl.activation_milestone.verification.text})")
        if later:
            names = ", ".join(f"'{m.name}'" for m in later)
            st.exit(sid, f"Onboarded: every onboarding milestone reached ({names}), the last by day {o}", done.basis)
        else:
            st.exit(sid, f"Onboarded on day {a}: '{act.name}' is the last onboarding milestone", done.basis)
        for m in later:
            st.risk(sid, _missed(m, m.day), _signal(m), m.basis)
        covered = {m.verification.event for m in tl.milestones}
        unused = [f for f in brief.key_features if f.event and f.event not in covered]
        if unused:
            events = ", ".join(f.event for f in unused if f.event)
            names = ", ".join(f.name for f in unused)
            by, basis = _breadth_day(ctx, a, o)
            st.risk(sid, f"None of {names} used by day {by}", f"events: {events}", basis or done.basis)
        st.plays(tl, play_fields(tl, shared))
    return st.build()


def expansion_lever(ctx: DesignContext) -> tuple[str, str, str]:
    """(what is bought more of, the limit that triggers an offer, the usage signal) by pricing metric."""
    pricing = ctx.project.pricing
    unit = pricing.usage_unit if pricing and pricing.usage_unit else "usage"
    event = pricing.usage_event if pricing and pricing.usage_event else unit
    seats = "active users approach the seats bought"
    match ctx.pricing_metric:
        case "seat":
            return "seats", seats, "users: active users vs accounts.seats"
        case "usage":
            return unit, f"{unit} approach the amount included in the plan", f"events: {event}"
        case "hybrid":
            return f"seats or {unit}", f"{seats}, or {unit} approach the amount included", f"events: {event}"
    return "a higher plan", "the account uses every key feature of its plan", "events: key feature events"


def expansion_stage(ctx: DesignContext, tls: Sequence[Timeline]) -> JourneyStage:
    """Expansion: from onboarded until the renewal window; the offer follows the pricing metric."""
    pricing = ctx.project.pricing
    more, limit, usage_signal = expansion_lever(ctx)
    add_ons = [a.name for a in pricing.add_ons] if pricing else []
    offer = f"more {more}"
    if len(add_ons) == 1:
        offer += f" or the {add_ons[0]} add-on"
    elif add_ons:
        offer += f", or one of the add-ons {', '.join(add_ons[:-1])} or {add_ons[-1]}"
    metric = [ctx.inp("pricing", ("pricing_metric",))] if pricing else []
    shared = {**_shared(ctx), "offer": offer, "limit": limit}
    # The product's routine value event (one expected 3+ times); a one-off event cannot "happen less often".
    recurring = recurring_value_event(ctx.project.brief)
    routine = (
        (recurring[2].name, recurring[2].event, [ctx.inp("brief", ("value_events", recurring[1], "event"))])
        if recurring
        else None
    )
    st = _Stage("expansion", [t.profile.id for t in tls])
    for tl in tls:
        p, sid, done = tl.profile, tl.profile.id, tl.onboarded
        st.entry(sid, f"Onboarded (by day {done.value:g}) with the health score in the healthy band", done.basis)
        if tl.term == "monthly":
            st.exit(
                sid,
                f"An expansion closes ({offer}); month to month, the stage lasts as long as the account stays",
                metric,
            )
        else:
            st.exit(
                sid,
                f"An expansion closes ({offer}), or the renewal window opens {tl.renewal.value:g} days before renewal",
                [*metric, *tl.renewal.basis],
            )
        if ctx.pricing_metric in ("seat", "hybrid"):
            st.risk(
                sid,
                "Seat utilisation falling: fewer active users than seats bought",
                "users: active users vs accounts.seats",
                metric,
            )
        if ctx.pricing_metric in ("usage", "hybrid"):
            st.risk(sid, "Billed usage falling month over month", usage_signal, metric)
        if routine is not None:
            name, event, basis = routine
            st.risk(sid, f"'{name}' happening less often month over month", f"events: {event}", basis)
        st.risk(
            sid,
            f"Champion ({p.segment.champion}) leaves or stops using the product",
            "users: champion deactivated or inactive",
            [ctx.inp("personas", ("segments", p.index, "champion"))],
        )
        st.plays(tl, play_fields(tl, shared), {"offer": metric, "limit": metric})
    return st.build()


def renewal_stage(ctx: DesignContext, tls: Sequence[Timeline]) -> JourneyStage:
    """Renewal: from the start of the segment's renewal track to the renewal date; payment by plan."""
    pricing = ctx.project.pricing
    policy = pricing.discount_policy if pricing else None
    pct = policy.renewal_uplift_pct if policy else None
    uplift = [ctx.inp("pricing", ("discount_policy", "renewal_uplift_pct"))] if pct else []
    shared = {**_shared(ctx), "uplift": f" with the {pct:g}% renewal uplift" if pct else ""}
    warn = ctx.row("health_early_warning_lead")
    paid = {"card": "the renewal charge succeeds on the card", "invoice": "the renewal invoice is signed and paid"}
    st = _Stage("renewal", [t.profile.id for t in tls])
    for tl in tls:
        p, sid, r, renewal = tl.profile, tl.profile.id, int(tl.renewal.value), tl.renewal
        methods = sorted({pricing.method(pl) for pl in _plans(ctx, p)}) if pricing else []
        paying = [ctx.inp("pricing", ("payment_method",))] if pricing else []
        card = " and a card-expiry check" if "card" in methods else ""
        if tl.term == "monthly":
            _monthly_renewal(st, tl, [pl.name for pl in _plans(ctx, p)], methods, paying)
            st.plays(tl, play_fields(tl, {**shared, "card": card}), {"card": paying})
            continue
        st.entry(sid, f"{r} days before the renewal date (from the contract terms captured at handoff)", renewal.basis)
        done = " / ".join(paid[m] for m in methods) or "the renewal is signed"
        st.exit(sid, f"Renewed: {done}; or churn recorded with its reason", paying)
        st.risk(
            sid,
            f"Health score at risk or critical when the renewal window opens (a health score flags churn "
            f"about {warn.low:g}-{warn.high:g} days ahead)",
            "health score and band",
            [*renewal.basis, ctx.bench("health_early_warning_lead")],
        )
        if p.touch != "self_serve":
            st.risk(
                sid,
                f"No touchpoint with the economic buyer ({p.segment.economic_buyer}) in the renewal window",
                "touchpoints: with_executive",
                renewal.basis,
            )
        if "card" in methods:
            st.risk(sid, "Failed card payment on the renewal charge", "payments: status failed", paying)
        if "invoice" in methods:
            st.risk(sid, "Renewal invoice unpaid after its due date", "payments: no succeeded payment", paying)
        if pct and p.touch != "self_serve":
            st.risk(sid, f"Objection to the {pct:g}% renewal uplift", "CRM: renewal opportunity notes", uplift)
        st.plays(tl, play_fields(tl, {**shared, "card": card}), {"uplift": uplift, "card": paying})
    return st.build()


def _monthly_renewal(st: _Stage, tl: Timeline, plans: list[str], methods: list[str], paying: list[Basis]) -> None:
    """Month to month: every charge renews the account, so the renewal stage is each monthly charge."""
    sid = tl.profile.id
    on = f" on {' or '.join(plans)}" if plans else ""
    st.entry(sid, f"Month to month{on}: every monthly charge renews the account, which can cancel at any charge",
             list(tl.term_basis))  # fmt: skip
    st.exit(sid, "Each monthly charge succeeds; or the account cancels, with the reason recorded", paying)
    st.risk(sid, "Health score at risk or critical before a monthly charge", "health score and band")
    st.risk(sid, "Cancellation or downgrade started", "billing: subscription changes", list(tl.term_basis))
    if "card" in methods:
        st.risk(sid, "Failed card payment on a monthly charge", "payments: status failed", paying)


STAGE_BUILDERS: tuple[Callable[[DesignContext, Sequence[Timeline]], JourneyStage], ...] = (
    signup_stage,
    onboarding_stage,
    activation_stage,
    expansion_stage,
    renewal_stage,
)
