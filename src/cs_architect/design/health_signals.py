"""Choosing and parametrising the health model's usage, adoption, sentiment and engagement signals.

Each ``<category>_signals`` function returns the 1-4 :class:`Signal` objects of one category, with
parameters taken from the inputs (value events, key features, onboarding milestones, pricing,
touch models) and every threshold carrying its basis. Support and commercial signals live in
:mod:`~cs_architect.design.health_support` and :mod:`~cs_architect.design.health_commercial`.
"""

from __future__ import annotations

from cs_architect.design.context import DesignContext
from cs_architect.design.health_facts import (
    DIGITAL_TOUCHPOINTS,
    HUMAN_TOUCHPOINTS,
    QBR_CADENCE_DAYS,
    TOUCH_CADENCE_DAYS,
    HealthFacts,
    tenure_scoring,
    unique,
    weights_basis,
)
from cs_architect.spec.basis import Basis
from cs_architect.spec.health_model import LinearScoring, Signal


# --- usage ----------------------------------------------------------------------------------------
def usage_signals(ctx: DesignContext, facts: HealthFacts) -> list[Signal]:
    """Active-user ratio, usage trend and days since last activity, windows set by usage cadence."""
    w = facts.windows
    usage_priced = ctx.pricing_metric in ("usage", "hybrid")
    seat_priced = ctx.pricing_metric in ("seat", "hybrid")
    usage_event = ctx.project.pricing.usage_event if ctx.project.pricing else None
    trend_events = [usage_event] if usage_priced and usage_event else facts.activity_events
    trend_basis = (
        [ctx.inp("pricing", ("usage_event",))]
        if usage_priced and usage_event
        else [ctx.inp("brief", ("value_events",)), ctx.inp("brief", ("key_features",))]
    )
    active_basis = ctx.assume(
        "active_user_ratio_thresholds",
        "80% or more of seats active in the window scores 100; 30% or less scores 0 (linear between).",
        "Practitioner health scorecards treat at least 80% of licensed users active as green and under 30-50% as red.",
        "What active share did your renewed accounts have in the quarter before renewal?",
    )
    trend_assumption = ctx.assume(
        "usage_trend_thresholds",
        "Usage at or above the previous window's level scores 100; half of it scores 0. New accounts: "
        "75% or more scores 100, 25% or less scores 0.",
        "A halving of usage from one window to the next is the pattern of an account winding down; new "
        "accounts roll out in steps, so their usage is lumpy.",
        "How far did usage fall in the two months before your churned accounts left?",
    )
    company = ctx.project.brief.company
    priced_by = {
        "seat": "each seat is paid for",
        "hybrid": "seats and usage are paid for",
        "usage": "usage is what the customer pays for",
        "flat": "the plan is paid whatever the use",
        "": "no pricing model ties the price to use",
    }
    trend_days = max(facts.tenure_days, 2 * w["trend_window"])
    return [
        Signal(
            id="active_user_ratio",
            kind="active_user_ratio",
            name="Active users as a share of seats" if seat_priced else "Active users as a share of all users",
            weight=30 if usage_priced else 50,
            params={"window_days": w["active_window"], "events": facts.activity_events},
            scoring=LinearScoring(bad=0.3, good=0.8),
            why=(
                f"{company} is used {facts.cadence}; {priced_by[ctx.pricing_metric or '']}, and seats nobody "
                f"uses in a {w['active_window']}-day window are the first to be questioned at renewal."
                if seat_priced
                else f"{company} is used {facts.cadence} and {priced_by[ctx.pricing_metric or '']}: an account "
                f"whose people stop using it in a {w['active_window']}-day window stops getting value before its "
                "bill shows it (accounts.seats holds the account's users)."
            ),
            basis=[*facts.cadence_basis, *facts.windows_basis, active_basis, weights_basis(ctx)],
        ),
        Signal(
            id="usage_trend",
            kind="usage_trend",
            name="Billed usage trend" if usage_priced and usage_event else "Usage trend",
            weight=50 if usage_priced else 30,
            params={"window_days": w["trend_window"], "events": trend_events},
            scoring=LinearScoring(bad=0.5, good=1.0),
            tenure=tenure_scoring(trend_days, LinearScoring(bad=0.25, good=0.75)),
            why=(
                f"Usage of {', '.join(trend_events)} compared with the {w['trend_window']} days before: "
                + (
                    "for usage pricing, falling usage is falling revenue."
                    if usage_priced and usage_event
                    else f"a {company} account winding down uses the product less before it says so."
                )
                + f" New accounts are judged leniently for {trend_days} days (two full windows, or "
                f"until activation if later)."
            ),
            basis=[*trend_basis, *facts.windows_basis, trend_assumption, *facts.tenure_basis],
        ),
        Signal(
            id="days_since_last_activity",
            kind="days_since_last_activity",
            name="Days since last activity",
            weight=20,
            params={"events": facts.activity_events},
            scoring=LinearScoring(bad=w["quiet_bad"], good=w["quiet_good"]),
            why=(
                f"For a product used {facts.cadence}, {w['quiet_bad']} days without any value event or "
                f"key-feature use means the account has stopped working in {company}."
            ),
            basis=[*facts.cadence_basis, *facts.windows_basis],
        ),
    ]


# --- adoption -------------------------------------------------------------------------------------
def _plan_feature_share(ctx: DesignContext) -> tuple[float, list[Basis]] | None:
    """Smallest share of the tracked key features that any plan includes (None if plans don't say)."""
    pricing = ctx.project.pricing
    if pricing is None:
        return None
    brief = ctx.project.brief
    tracked = {f.id for f in brief.key_features if f.event}
    shares = [(len(tracked & set(p.features)) / len(tracked), i) for i, p in enumerate(pricing.plans) if p.features]
    if not shares or not tracked:
        return None
    share, i = min(shares)
    if share <= 0:
        return None
    return share, [
        ctx.inp(
            "pricing",
            ("plans", i, "features"),
            note=f"plan '{pricing.plans[i].name}' includes {share:.0%} of the tracked features",
        )
    ]


def adoption_signals(ctx: DesignContext, facts: HealthFacts) -> list[Signal]:
    """Feature breadth over key features, value-event frequency, onboarding milestone progress."""
    brief = ctx.project.brief
    signals: list[Signal] = []
    n = len(facts.feature_events)
    if n >= 2:
        plan_share = _plan_feature_share(ctx)
        if plan_share is not None:
            good, good_basis = plan_share
            good_text = "every tracked feature in the smallest plan"
        else:
            good = 0.8
            good_text = "80% of the tracked features"
            good_basis = [
                ctx.assume(
                    "feature_breadth_good",
                    "Using 80% of the key features in a 30-day window scores 100.",
                    "The plans do not list which key features they include.",
                    "Which key features does each plan include?",
                )
            ]
        bad = 1 / n if 1 / n < good else 0.0
        names = ", ".join(f.name for f in brief.key_features if f.event)
        breadth_days = max(facts.tenure_days, 30)
        signals.append(
            Signal(
                id="feature_breadth",
                kind="feature_breadth",
                name="Key features in use",
                weight=35,
                params={"window_days": 30, "features": facts.feature_events},
                scoring=LinearScoring(bad=round(bad, 4), good=round(good, 4)),
                tenure=tenure_scoring(breadth_days, LinearScoring(bad=0.0, good=round(good / 2, 4))),
                why=(
                    f"Share of {names} used in the last 30 days: {good_text} scores 100, a single feature "
                    f"scores 0. Accounts that use one feature replace it more easily."
                ),
                basis=[ctx.inp("brief", ("key_features",)), *good_basis, *facts.tenure_basis, weights_basis(ctx)],
            )
        )
    good_count = sum(v.count for v in brief.value_events)
    names = ", ".join(f"{v.name} ({v.event})" for v in brief.value_events)
    signals.append(
        Signal(
            id="value_event_frequency",
            kind="value_event_frequency",
            name="Value events in the last 30 days",
            weight=40,
            params={"window_days": 30, "events": facts.value_events},
            scoring=LinearScoring(bad=0, good=good_count),
            why=(
                f"Counts {names}. {good_count} in 30 days (each value event's own target count, reached again "
                f"every month) scores 100: the customer keeps getting the value it bought."
            ),
            basis=[
                ctx.inp("brief", ("value_events",)),
                ctx.assume(
                    "value_event_frequency_good",
                    "A healthy account reaches each value event's target count again every 30 days.",
                    "The brief's value-event counts define 'got value' once; repeating them monthly is the "
                    "simplest steady-state reading.",
                    "How many value events does a typical renewed account produce in a month?",
                ),
            ],
        )
    )
    if facts.milestones:
        ms = [{"event": m.verification.event, "count": m.verification.count, "day": m.day} for m in facts.milestones]
        text = "; ".join(f"{m.name} by day {m.day}" for m in facts.milestones)
        signals.append(
            Signal(
                id="onboarding_progress",
                kind="onboarding_progress",
                name="Onboarding milestones on time",
                weight=25,
                params={"milestones": ms},
                scoring=LinearScoring(bad=0, good=1),
                why=(
                    f"Share of the onboarding milestones due by the account's age that are done ({text}); "
                    f"every milestone missed costs the same share of the score."
                ),
                basis=[ctx.inp("brief", ("value_events",)), *(b for m in facts.milestones for b in m.basis)],
            )
        )
    return signals


# --- sentiment ------------------------------------------------------------------------------------
def sentiment_signals(ctx: DesignContext, facts: HealthFacts) -> list[Signal]:
    """NPS and detractor share; the CSM's rating only where CSMs cover accounts."""
    nps_row = ctx.row("nps_b2b_saas")
    good = nps_row.top_quartile if nps_row.top_quartile is not None else 50
    median = nps_row.median if nps_row.median is not None else 36
    nps_bad = ctx.assume(
        "nps_bad_anchor",
        "An account NPS of -20 or lower scores 0; new accounts: -50 scores 0 and the B2B median scores 100.",
        "-20 means clearly more detractors than promoters; new accounts answer during onboarding friction.",
        "What account NPS did your churned accounts give in their last year?",
    )
    csm = bool(facts.csm_tiers)
    signals = [
        Signal(
            id="nps",
            kind="nps",
            name="Account NPS (180 days)",
            weight=50,
            params={"window_days": 180},
            scoring=LinearScoring(bad=-20, good=good),
            tenure=tenure_scoring(facts.tenure_days, LinearScoring(bad=-50, good=median)),
            why=(
                "What the account's users say when asked; B2B SaaS top-quartile NPS scores 100. "
                + {
                    True: "Answers come from the NPS survey already in place.",
                    False: "Needs an NPS survey, which the feedback programme sets up (none is in place yet).",
                    None: "Needs an NPS survey; the brief does not say whether one exists.",
                }[ctx.project.brief.nps_survey_exists]
            ),
            basis=[
                ctx.bench("nps_b2b_saas", "top quartile = good; median for new accounts"),
                nps_bad,
                *facts.tenure_basis,
            ],
        ),
        Signal(
            id="detractor_share",
            kind="detractor_share",
            name="Share of detractors (180 days)",
            weight=20 if csm else 30,
            params={"window_days": 180},
            scoring=LinearScoring(bad=0.5, good=0.1),
            why="One loud detractor (often the champion or a site lead) can outweigh a neutral average.",
            basis=[
                ctx.assume(
                    "detractor_share_thresholds",
                    "10% or fewer detractors scores 100; half of respondents detractors scores 0.",
                    "At the B2B median NPS of about +36, detractors are typically 10-20% of respondents.",
                    "",
                )
            ],
        ),
    ]
    if csm:
        tiers = " and ".join(p.name for t in facts.csm_tiers for p in facts.tiers[t])
        signals.append(
            Signal(
                id="csm_sentiment",
                kind="csm_sentiment",
                name="CSM sentiment rating",
                weight=30,
                params={"scale_max": 5},
                scoring=LinearScoring(bad=1, good=5),
                why=(
                    f"CSMs covering {tiers} hear what data does not show (a reorganisation, a new COO); the "
                    f"rating needs a reason and expires, so it cannot go stale."
                ),
                basis=[*(ctx.segment_basis(p) for t in facts.csm_tiers for p in facts.tiers[t])],
            )
        )
    return signals


# --- engagement -----------------------------------------------------------------------------------
def engagement_signals(ctx: DesignContext, facts: HealthFacts) -> list[Signal]:
    """CSM touchpoints, business reviews and executive contact; digital touchpoints if no CSMs."""
    touch_basis = ctx.assume(
        "touch_cadence_by_tier",
        "Guided accounts get a CSM touchpoint at least every 45 days and a business review every 180; "
        "high-touch accounts every 30 days and a quarterly (90-day) business review.",
        "Pooled CSMs cannot meet every account monthly; named CSMs run quarterly business reviews.",
        "What contact cadence does each CSM tier commit to?",
    )
    main = facts.main_csm_tier()
    if main is None:
        return [
            Signal(
                id="days_since_touchpoint",
                kind="days_since_touchpoint",
                name="Days since last digital touchpoint",
                weight=100,
                params={"kinds": DIGITAL_TOUCHPOINTS},
                scoring=LinearScoring(bad=90, good=30),
                why=(
                    "Every segment is self-serve, so no CSM meets accounts; engagement is kept minimal "
                    "(5% of the score) and counts the customer's responses to email, in-app messages and "
                    "webinars (record only touchpoints the customer engaged with)."
                ),
                basis=[
                    *(ctx.segment_basis(p) for p in ctx.segments),
                    ctx.assume(
                        "digital_touchpoint_thresholds",
                        "A digital touchpoint the customer engaged with in the last 30 days scores 100; none in 90 "
                        "days scores 0.",
                        "A monthly lifecycle programme gives every account a chance to respond each month.",
                        "Which lifecycle emails and in-app messages do you send, and do you record responses?",
                    ),
                ],
            )
        ]
    names = ", ".join(p.name for p in facts.tiers[main])
    kinds = HUMAN_TOUCHPOINTS + (["email"] if "self_serve" in facts.tiers else [])
    good = TOUCH_CADENCE_DAYS[main]
    mixed = "; self-serve accounts are reached by email, so emails count too" if "self_serve" in facts.tiers else ""
    signals = [
        Signal(
            id="days_since_touchpoint",
            kind="days_since_touchpoint",
            name="Days since last CSM touchpoint",
            weight=40,
            params={"kinds": kinds},
            scoring=LinearScoring(bad=3 * good, good=good),
            why=(
                f"Cadence of the {main.replace('_', '-')} tier ({names}, most CSM-covered accounts): "
                f"{good} days scores 100, {3 * good} scores 0{mixed}."
            ),
            basis=[touch_basis, *(ctx.segment_basis(p) for p in facts.tiers[main])],
        ),
        Signal(
            id="qbr_cadence",
            kind="qbr_cadence",
            name="Business review on schedule",
            weight=35,
            params={"cadence_days": QBR_CADENCE_DAYS[main]},
            scoring=LinearScoring(bad=0.5, good=1.0),
            why=(
                f"A business review every {QBR_CADENCE_DAYS[main]} days keeps the economic buyer "
                f"seeing results; twice overdue scores 0."
            ),
            basis=[touch_basis],
        ),
    ]
    if "high_touch" in facts.tiers:
        buyers = ", ".join(unique([p.segment.economic_buyer for p in facts.tiers["high_touch"]]))
        signals.append(
            Signal(
                id="executive_engagement",
                kind="executive_engagement",
                name="Executive touchpoints (180 days)",
                weight=25,
                params={"window_days": 180},
                scoring=LinearScoring(bad=0, good=2),
                why=(
                    f"High-touch accounts renew on the say of the {buyers}: two executive touchpoints in six "
                    f"months (one per quarterly review) scores 100, none scores 0."
                ),
                basis=[
                    touch_basis,
                    *(ctx.inp("personas", ("segments", p.index, "economic_buyer")) for p in facts.tiers["high_touch"]),
                ],
            )
        )
    return signals
