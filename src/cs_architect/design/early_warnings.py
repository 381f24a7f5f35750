"""Early warnings: 8-10 structured conditions, most important first.

Each is a health band or drop, a signal of the health model crossing a threshold (the thresholds
the model scores with), or a combination (renewal near *and* health at risk), written as a
machine-readable condition in ``operations.yaml`` built on the signals and health scores that
``csa score`` computes. Which apply depends on the inputs: seat pricing watches seat utilisation,
usage pricing billed usage and usage revenue, card billing failed payments, contracts of a year or
more renewals (for the segments that sign them), high-touch tiers executive contact. A warning that
only fits some segments carries their ids in ``segments``; its first deadline is the fastest of
their tiers'.
"""

from __future__ import annotations

from collections.abc import Callable

from cs_architect.design.churn_facts import ChurnFacts, bad_threshold, churn_facts, watch_basis
from cs_architect.design.context import DesignContext
from cs_architect.design.cs_team import SUPPORT_LEAD, TIER_NAMES, distinct_titles, scope, seller_title
from cs_architect.design.dunning import FINANCE_BILLING, card_tiers
from cs_architect.design.health import TOUCH_OWNERS, HealthSection, band_response_basis
from cs_architect.design.health_facts import CADENCE_WINDOWS, recurring_value_event
from cs_architect.design.motions import in_sentence
from cs_architect.design.renewal_milestones import renewal_start
from cs_architect.spec.basis import Basis
from cs_architect.spec.operations import Condition, EarlyWarning

MAX_WARNINGS = 10
MIN_WARNINGS = 8
USAGE_DROP = 0.7  # billed usage below 70% of the previous window
REVENUE_DROP = 0.9  # MRR below 90% of three months ago


Rule = Callable[[DesignContext, ChurnFacts], list[EarlyWarning]]


def _critical_health(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    return [
        EarlyWarning(
            id="health_critical",
            name="Health score critical",
            condition=Condition(
                kind="health_band",
                op="==",
                value="critical",
                text=f"Health score below {f.at_risk_min:g} (critical band)",
            ),
            severity="critical",
            owner=f.owner(),
            response="Start the critical intervention (below). "
            + f.by_tier(
                f"Rescue call with the {f.csm_champions} and a written save plan.",
                "A named person writes to the admin with a call offer and the one fix most likely to restore value.",
            ),
            within_hours=f.hours("critical"),
            basis=[ctx.bench("health_bands_common"), band_response_basis(ctx)],
        )
    ]


def _health_drop(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    drop = (f.healthy_min - f.at_risk_min) / 2
    days = f.health.model.trend_days
    return [
        EarlyWarning(
            id="health_drop",
            name="Sharp fall in health",
            condition=Condition(
                kind="health_drop",
                params={"days": days},
                op=">=",
                value=drop,
                text=f"Health score down {drop:g} points or more within {days} days",
            ),
            severity="at_risk",
            owner=f.owner(),
            response="Find the category that fell (the score breakdown shows it) and confirm the cause with the "
            "customer before it reaches the next band.",
            within_hours=f.hours("at_risk"),
            basis=[
                ctx.bench("health_bands_common"),
                band_response_basis(ctx),
                ctx.assume(
                    "health_drop_half_band",
                    f"A fall of half the at-risk band's width ({drop:g} points on {f.at_risk_min:g}-"
                    f"{f.healthy_min:g}) within the trend window is an early warning even if the band has not changed.",
                    "A falling 75 can be riskier than a stable 60; half a band is a move no daily noise makes.",
                    "How much do your healthy accounts' scores move in a normal month?",
                ),
            ],
        )
    ]


def _renewal_at_risk(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    renewal = f.signal("days_to_renewal")
    if renewal is None:
        return []
    # Only the segments on contracts (the renewal signal's scope) have a renewal date; month-to-month
    # accounts renew at every charge. The earliest renewal start among them, so no window opens unwatched.
    contracted = [p for p in ctx.segments if not renewal.segments or p.id in renewal.segments]
    start = max((renewal_start(ctx, p) for p in contracted), key=lambda fig: fig.value)
    days = start.value
    tiers = f.tiers_of(renewal.segments)
    buyers = " / ".join(distinct_titles(p.segment.economic_buyer for p in contracted if p.touch != "self_serve"))
    return [
        EarlyWarning(
            id="renewal_at_risk",
            name="Renewal near with health at risk",
            condition=Condition(
                kind="days_to_renewal",
                op="<=",
                value=days,
                all_of=[
                    Condition(kind="health_score", op="<", value=f.healthy_min, text=f"health below {f.healthy_min:g}")
                ],
                text=f"Renewal within {days:g} days and health below {f.healthy_min:g}",
            ),
            severity="critical",
            owner=f"{f.owner(only=tiers)}, with the {in_sentence(seller_title(ctx))}",
            response=f.by_tier(
                f"Open the renewal now: meet the {buyers} with results against the success criteria "
                "captured at handoff, and a plan for what is not working.",
                "Email the admin before the renewal charge with what the account uses and the one fix most "
                "likely to restore value; offer a call.",
                only=tiers,
            ),
            within_hours=f.hours("critical", only=tiers),
            segments=list(renewal.segments),
            basis=[*start.basis, ctx.bench("health_bands_common"), band_response_basis(ctx)],
        )
    ]


def _activation_overdue(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    progress = f.signal("onboarding_progress")
    if progress is None:
        return []
    raw = progress.params.get("milestones")
    milestones = [m for m in raw if isinstance(m, dict)] if isinstance(raw, list) else []
    if not milestones:
        return []
    activation = ctx.project.brief.activation_event
    first = next((m for m in milestones if m.get("event") == activation.event), milestones[0])
    name = activation.name if first.get("event") == activation.event else str(first.get("event"))
    return [
        EarlyWarning(
            id="activation_overdue",
            name="Activation milestone overdue",
            condition=Condition(
                kind="onboarding_progress",
                params={"milestones": [first]},
                op="<",
                value=1,
                text=f"'{name}' ({first['event']}) not reached by day {first['day']}",
            ),
            severity="at_risk",
            owner=f.owner(),
            response=f.by_tier(
                f"Book a working session with the {f.csm_champions} to reach '{name}' together this week; "
                "remove the blocker (data import, integration, training).",
                f"Send the step-by-step guide to '{name}' by email and in-app checklist; invite the admin to the "
                "next group onboarding session.",
            ),
            within_hours=f.hours("at_risk"),
            basis=[*progress.basis, band_response_basis(ctx)],
        )
    ]


def _value_event_stopped(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    # The heartbeat of an active account: the repeated value event, else the activation event.
    name, event, basis = _heartbeat(ctx)
    window = CADENCE_WINDOWS[f.health.usage_cadence]["stop_window"]
    return [
        EarlyWarning(
            id="value_event_stopped",
            name=f"{name[0].upper()}{name[1:]} stopped",
            condition=Condition(
                kind="value_event_frequency",
                params={"window_days": window, "events": [event]},
                op="==",
                value=0,
                text=f"No {event} events in the last {window} days",
            ),
            severity="at_risk",
            owner=f.owner(),
            response=f.by_tier(
                f"Ask the {f.csm_champions} what changed (a team reorganised, a new tool, a leaver) and agree how "
                f"{name} restarts.",
                f"Automated re-engagement: email and in-app message showing how to restart {name}; a person "
                "follows up if nothing happens within a week.",
            ),
            within_hours=f.hours("at_risk"),
            basis=[*f.health.usage_cadence_basis, *basis, band_response_basis(ctx)],
        )
    ]


def _heartbeat(ctx: DesignContext) -> tuple[str, str, list[Basis]]:
    """The event whose silence means an account stopped working: the brief's routine value event, else
    the billed usage event (usage pricing), else the activation event. (name for a sentence, event, basis)"""
    brief, pricing = ctx.project.brief, ctx.project.pricing
    recurring = recurring_value_event(brief)
    if recurring is not None:
        _pace, i, v = recurring
        return f"'{v.name}'", v.event, [ctx.inp("brief", ("value_events", i, "event"))]
    if ctx.pricing_metric in ("usage", "hybrid") and pricing is not None and pricing.usage_event:
        unit = pricing.usage_unit or "usage"
        return f"billed {unit}", pricing.usage_event, [ctx.inp("pricing", ("usage_event",))]
    act = brief.activation_event
    return f"'{act.name}'", act.event, [ctx.inp("brief", ("value_events", brief.value_events.index(act), "event"))]


def _commercial(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    metric = ctx.pricing_metric
    out = []
    seats = f.signal("seat_utilisation")
    if metric in ("seat", "hybrid") and seats is not None:
        bad = bad_threshold(seats, 0.5)
        out.append(
            EarlyWarning(
                id="seats_unused",
                name="Seats paid for but unused",
                condition=Condition(
                    kind="seat_utilisation",
                    op="<",
                    value=bad,
                    text=f"Fewer than {bad:.0%} of purchased seats held by active users",
                ),
                severity="at_risk",
                owner=f.owner(),
                response="Plan the roll-out of the unused seats with the champion (next sites or teams, invites, "
                "training) well before renewal, so the renewal is not a seat cut.",
                within_hours=f.hours("at_risk"),
                basis=[*seats.basis, band_response_basis(ctx)],
            )
        )
    pricing = ctx.project.pricing
    if metric in ("usage", "hybrid") and pricing is not None:
        unit = pricing.usage_unit or "usage"
        events = (
            [pricing.usage_event]
            if pricing.usage_event
            else list(dict.fromkeys(v.event for v in ctx.project.brief.value_events))
        )
        out.append(
            EarlyWarning(
                id="usage_drop",
                name=f"Billed {unit} falling",
                condition=Condition(
                    kind="usage_trend",
                    params={"window_days": 30, "events": events},
                    op="<",
                    value=USAGE_DROP,
                    text=f"Billed {unit} ({', '.join(events)}) in the last 30 days below "
                    f"{USAGE_DROP:.0%} of the 30 days before",
                ),
                severity="at_risk",
                owner=f.owner(),
                response=f"Usage is revenue here: find which team or workflow stopped producing {unit} and whether "
                "it moved to another tool.",
                within_hours=f.hours("at_risk"),
                basis=[
                    ctx.inp("pricing", ("usage_unit",)),
                    ctx.assume(
                        "usage_drop_30pct",
                        "A 30% fall in billed usage from one 30-day window to the next is an early warning.",
                        "Usage-priced revenue moves with usage; a third less is beyond seasonal "
                        "noise for most B2B workloads.",
                        "How much does a healthy account's usage vary month to month?",
                    ),
                    band_response_basis(ctx),
                ],
            )
        )
    if metric in ("usage", "flat") or metric is None:
        label = "Usage revenue contracting" if metric == "usage" else "MRR contracting"
        out.append(
            EarlyWarning(
                id="revenue_contracting",
                name=label,
                condition=Condition(
                    kind="mrr_change",
                    params={"months": 3},
                    op="<",
                    value=REVENUE_DROP,
                    text=f"MRR below {REVENUE_DROP:.0%} of its level 3 months ago",
                ),
                severity="at_risk",
                owner=f.owner(),
                response="Review the plan and usage history with the customer; a downgrade often precedes a "
                "cancellation by one or two billing periods.",
                within_hours=f.hours("at_risk"),
                basis=[
                    *(f.signal("mrr_change").basis if f.signal("mrr_change") else []),  # type: ignore[union-attr]
                    ctx.assume(
                        "mrr_drop_10pct",
                        "MRR 10% or more below its level 3 months ago is an early warning.",
                        "Half the 20% drop that scores 0 in the health model: early enough to act.",
                        "",
                    ),
                    band_response_basis(ctx),
                ],
            )
        )
    return out


def _failed_payment(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    payments = f.signal("failed_payments")
    if payments is None or "card" not in ctx.payment_methods:
        return []
    csms = [t for t in f.csm_tiers if t in card_tiers(ctx)]  # CSM tiers with card-paid plans
    return [
        EarlyWarning(
            id="payment_failed",
            name="Card payment failed",
            condition=Condition(
                kind="failed_payments",
                params={"window_days": 14},
                op=">=",
                value=1,
                text="A card payment failed in the last 14 days",
            ),
            severity="watch",
            owner=FINANCE_BILLING
            + (f"; the {' or '.join(TOUCH_OWNERS[t] for t in csms)} from dunning day 7" if csms else ""),
            response="Dunning runs automatically (schedule below)"
            + ("; if the card is not updated by day 7 the account's CSM contacts the champion." if csms else "."),
            # A watch-level warning: the tiers' watch deadline (dunning itself starts at once).
            within_hours=f.hours("watch"),
            basis=[ctx.bench("involuntary_churn_share"), ctx.bench("stripe_smart_retries_window"), watch_basis(ctx)],
        )
    ]


def _champion_left(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    return [
        EarlyWarning(
            id="champion_left",
            name="Champion left",
            condition=Condition(
                kind="active_role_users",
                params={"roles": ["champion"]},
                op="<",
                value=1,
                text=f"No active user with the champion role: the {f.champions} was deactivated or left",
            ),
            severity="at_risk",
            owner=f.owner(),
            response=f.by_tier(
                f"Ask the {f.csm_buyers} who now owns {f.company}; meet the new champion within two weeks and "
                "repeat the handoff (success criteria, use case).",
                "Email the remaining admins to name a new owner, and give them the admin onboarding guide.",
            ),
            within_hours=f.hours("at_risk"),
            basis=[
                *(ctx.inp("personas", ("segments", p.index, "champion")) for p in ctx.segments),
                band_response_basis(ctx),
            ],
        )
    ]


def _urgent_tickets(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    return [
        EarlyWarning(
            id="urgent_tickets_open",
            name="Urgent problems unresolved",
            condition=Condition(
                kind="open_high_priority_tickets",
                params={"priorities": ["urgent", "high"]},
                op=">=",
                value=2,
                text="Two or more urgent or high-priority tickets open",
            ),
            severity="at_risk",
            owner=SUPPORT_LEAD
            + (f", with the account's {' or '.join(TOUCH_OWNERS[t] for t in f.csm_tiers)}" if f.csm else ""),
            response=f"The {SUPPORT_LEAD.lower()} reviews both tickets the same day"
            + ("; the account's CSM tells the customer who is on it and when to expect a fix." if f.csm else "."),
            within_hours=24,
            basis=[
                ctx.assume(
                    "urgent_tickets_two",
                    "Two open urgent or high-priority tickets at once is an early warning.",
                    "One blocking problem is support's job; two at once usually means the product is failing the "
                    "customer's main workflow.",
                    "",
                )
            ],
        )
    ]


def _detractor(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    return [
        EarlyWarning(
            id="nps_negative",
            name="Detractors outnumber promoters",
            condition=Condition(
                kind="nps",
                params={"window_days": 90},
                op="<",
                value=0,
                text="Account NPS below 0 over the last 90 days",
            ),
            severity="at_risk",
            owner=f.owner(),
            response=f.by_tier(
                "Close the loop: reply to each detractor's comment, call the most senior one, log the reason as "
                "product feedback.",
                "Reply personally to each detractor's comment and log the reason as product feedback.",
            ),
            within_hours=f.hours("at_risk"),
            basis=[ctx.bench("nps_b2b_saas", "median +36: below 0 is far off"), band_response_basis(ctx)],
        )
    ]


def _gone_quiet(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    quiet = f.signal("days_since_last_activity")
    days = bad_threshold(quiet, CADENCE_WINDOWS["weekly"]["quiet_bad"])
    return [
        EarlyWarning(
            id="gone_quiet",
            name="Account gone quiet",
            condition=Condition(
                kind="days_since_last_activity",
                params=dict(quiet.params) if quiet else {},
                op=">=",
                value=days,
                text=f"No activity for {days:g} days",
            ),
            severity="at_risk",
            owner=f.owner(),
            response=f.by_tier(
                "Reach the champion on a second channel (phone or a colleague) and find out why.",
                f"Automated win-back email with what changed since the last login; the {TOUCH_OWNERS['self_serve']} "
                "reviews the list weekly.",
            ),
            within_hours=f.hours("at_risk"),
            basis=[*(quiet.basis if quiet else []), band_response_basis(ctx)],
        )
    ]


def _executive_gone(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    if not f.high_touch:
        return []
    buyers = " / ".join(distinct_titles(p.segment.economic_buyer for p in f.tiers["high_touch"]))
    return [
        EarlyWarning(
            id="executive_silent",
            name=f"No contact with the {buyers}",
            condition=Condition(
                kind="executive_engagement",
                params={"window_days": 180},
                op="<",
                value=1,
                text=f"No touchpoint with an executive ({buyers}) in 180 days",
            ),
            severity="watch",
            owner=TOUCH_OWNERS["high_touch"],
            response=f"Book a business review with the {buyers} within the month.",
            within_hours=f.hours("watch", only=["high_touch"]),
            segments=scope(ctx, [p.id for p in f.tiers["high_touch"]]),
            basis=[
                *(ctx.inp("personas", ("segments", p.index, "economic_buyer")) for p in f.tiers["high_touch"]),
                watch_basis(ctx),
            ],
        )
    ]


def _qbr_overdue(ctx: DesignContext, f: ChurnFacts) -> list[EarlyWarning]:
    """One warning per business-review signal (one per tier whose reviews are logged as QBRs)."""
    reviews = [s for _c, s in f.health.model.signals() if s.kind == "qbr_cadence"]
    out = []
    for qbr in reviews:
        raw = qbr.params.get("cadence_days")
        cadence = int(raw) if isinstance(raw, int | float) else 90  # the signal kind's default
        tiers = f.tiers_of(qbr.segments)
        which = f" ({', '.join(TIER_NAMES[t].lower() for t in tiers)})" if len(reviews) > 1 else ""
        out.append(
            EarlyWarning(
                id="business_review_overdue" + qbr.id.removeprefix("qbr_cadence"),
                name=f"Business review overdue{which}",
                condition=Condition(
                    kind="qbr_cadence",
                    params=dict(qbr.params),
                    op="<",
                    value=0.5,
                    text=f"Last business review more than {2 * cadence} days ago (twice the {cadence}-day cadence)",
                ),
                severity="watch",
                owner=f.owner(only=tiers),
                response="Schedule the review and send the agenda.",
                within_hours=f.hours("watch", only=tiers),
                segments=list(qbr.segments),
                basis=[*qbr.basis, watch_basis(ctx)],
            )
        )
    return out


# In priority order: the first MAX_WARNINGS that apply are kept.
RULES: tuple[Rule, ...] = (
    _critical_health,
    _health_drop,
    _renewal_at_risk,
    _activation_overdue,
    _value_event_stopped,
    _commercial,
    _failed_payment,
    _champion_left,
    _urgent_tickets,
    _executive_gone,
    _detractor,
    _gone_quiet,
    _qbr_overdue,
)


def early_warnings(ctx: DesignContext, health: HealthSection) -> list[EarlyWarning]:
    """The 8-10 early warnings that apply to this company, most important first."""
    f = churn_facts(ctx, health)
    out = [w for rule in RULES for w in rule(ctx, f)][:MAX_WARNINGS]
    if len(out) < MIN_WARNINGS:
        raise ValueError(f"only {len(out)} early warnings apply; the rules must give at least {MIN_WARNINGS}")
    return out
