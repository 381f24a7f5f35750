"""Choosing and parametrising the health model's usage, adoption, sentiment and engagement signals.

Each ``<category>_signals`` function returns the 1-4 :class:`Signal` objects of one category, with
parameters taken from the inputs (value events, key features, onboarding milestones, pricing,
touch models) and every threshold carrying its basis. Support and commercial signals live in
:mod:`~cs_architect.design.health_support` and :mod:`~cs_architect.design.health_commercial`.
"""

from __future__ import annotations

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.cs_team import TIER_NAMES, join_names
from cs_architect.design.health_facts import (
    DIGITAL_TOUCHPOINTS,
    HUMAN_TOUCHPOINTS,
    RECURRING_WINDOW_DAYS,
    TOUCH_CADENCE_DAYS,
    HealthFacts,
    ids_per_tier,
    recurring_value_events,
    tenure_scoring,
    tier_scope,
    unique,
    weights_basis,
)
from cs_architect.design.qbr import (
    FORMAT_NAMES,
    LOGGED_AS_QBR,
    review_cadence_basis,
    review_cadence_days,
    review_capacity_basis,
    segment_review_format,
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
    # The engine divides by accounts.seats when it is filled, else by the account's users (users table):
    # seats are what a seat-priced customer buys; otherwise the denominator is simply its people.
    base = "purchased seats" if seat_priced else "the account's users"
    active_basis = ctx.assume(
        "active_user_ratio_thresholds",
        f"80% or more of {base} active in the window scores 100; 30% or less scores 0 (linear between).",
        "Practitioner health scorecards treat at least 80% of licensed users active as green and under 30-50% as "
        "red; the same share of an account's people applies when nobody buys seats.",
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
                "bill shows it. The share is of the account's users: accounts.seats, when filled, must hold the "
                "number of users (nothing is bought per seat); when empty, the active users in the users table count."
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
    frequency = _value_event_frequency(ctx)
    if frequency is not None:
        signals.append(frequency)
    if facts.milestones:
        ms: list[dict[str, object]] = [
            {"event": m.verification.event, "count": m.verification.count, "day": m.day}
            | ({"segments": list(m.segments)} if m.segments else {})
            for m in facts.milestones
        ]
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


def _value_event_frequency(ctx: DesignContext) -> Signal | None:
    """Occurrences of the value events that recur, against the pace the brief expects of them.

    The engine counts rows (each occurrence once, whatever its quantity), so one-off steps (a first
    connection, a second teammate) would cap the count, and a billed usage event's quantity is not a
    count of value; only value events expected :data:`~cs_architect.design.health_facts.MIN_ROUTINE_COUNT`
    or more times count. good = Σ count × window ÷ target_day over them (each at the pace expected by
    its target day, kept up in every window; count itself when no target day is given), rounded to whole
    occurrences. None when no value event recurs.
    """
    brief = ctx.project.brief
    recurring = recurring_value_events(brief)
    if not recurring:
        return None
    window = RECURRING_WINDOW_DAYS
    parts = []
    basis: list[Basis] = []
    good = 0.0
    for i, v in recurring:
        per_window = v.count * window / v.target_day if v.target_day else float(v.count)
        good += per_window
        pace = f"{v.count} by day {v.target_day}" if v.target_day else f"{v.count}, no target day"
        parts.append(f"{v.name} ({v.event}: {pace}, so {per_window:.3g} per {window} days)")
        basis += [ctx.inp("brief", ("value_events", i, "count"))]
        if v.target_day:
            basis.append(ctx.inp("brief", ("value_events", i, "target_day")))
    good = float(max(1, round(good)))  # rows are whole occurrences
    kept = {i for i, _v in recurring}
    one_off = [v.name for i, v in enumerate(brief.value_events) if i not in kept]
    left = f" One-off steps are left out ({'; '.join(one_off)}): they happen once per account." if one_off else ""
    return Signal(
        id="value_event_frequency",
        kind="value_event_frequency",
        name=f"Recurring value events in the last {window} days",
        weight=40,
        params={"window_days": window, "events": unique([v.event for _i, v in recurring])},
        scoring=LinearScoring(bad=0, good=good),
        why=(
            f"Counts occurrences (rows, whatever their quantity) of the value events that recur: "
            f"{'; '.join(parts)}. {good:g} in {window} days, the pace the brief expects during onboarding kept "
            f"up every month, scores 100; none scores 0.{left}"
        ),
        basis=[
            *basis,
            ctx.assume(
                "value_event_frequency_good",
                f"A healthy account keeps producing its recurring value events at the pace the brief expects by "
                f"their target days: count × {window} / target day in every {window}-day window.",
                "The brief's value-event counts say what 'got value' looks like in onboarding; a routine that "
                "slows after onboarding is the value fading.",
                f"How many of these value events does a typical renewed account produce in {window} days?",
            ),
        ],
    )


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
        covered = [p for t in facts.csm_tiers for p in facts.tiers[t]]
        others = [p for p in ctx.segments if p not in covered]
        nobody = (
            f" {join_names(p.name for p in others)} have no CSM, so no rating is asked for there." if others else ""
        )
        signals.append(
            Signal(
                id="csm_sentiment",
                kind="csm_sentiment",
                name="CSM sentiment rating",
                weight=30,
                params={"scale_max": 5},
                scoring=LinearScoring(bad=1, good=5),
                segments=tier_scope(ctx, covered),
                why=(
                    f"CSMs covering {join_names(p.name for p in covered)} hear what data does not show (a "
                    f"reorganisation, a new COO); the rating needs a reason and expires, so it cannot go stale."
                    f"{nobody}"
                ),
                basis=[*(ctx.segment_basis(p) for t in facts.csm_tiers for p in facts.tiers[t])],
            )
        )
    return signals


# --- engagement -----------------------------------------------------------------------------------
def engagement_signals(ctx: DesignContext, facts: HealthFacts) -> list[Signal]:
    """Per tier, scoped to its segments: digital touchpoints for self-serve accounts (no CSM meets
    them); CSM touchpoints at the tier's cadence and business reviews at the QBR section's cadence for
    guided and high-touch accounts; executive contact for high-touch accounts."""
    signals: list[tuple[TouchModel, Signal]] = []
    if "self_serve" in facts.tiers:
        signals.append(("self_serve", _digital_touchpoints(ctx, facts)))
    touch_basis = ctx.assume(
        "touch_cadence_by_tier",
        "Guided accounts get a CSM touchpoint at least every 45 days and high-touch accounts every 30 days; "
        "business reviews follow the QBR section's cadence.",
        "Pooled CSMs cannot meet every account monthly; named CSMs stay in monthly contact.",
        "What contact cadence does each CSM tier commit to?",
    )
    for tier in facts.csm_tiers:
        profiles = facts.tiers[tier]
        signals.append((tier, _csm_touchpoints(ctx, tier, profiles, touch_basis)))
        reviewed = [p for p in profiles if segment_review_format(ctx, p) in LOGGED_AS_QBR]
        if reviewed:
            signals.append((tier, _business_reviews(ctx, tier, reviewed)))
    if "high_touch" in facts.tiers:
        signals.append(("high_touch", _executive_contact(ctx, facts.tiers["high_touch"], touch_basis)))
    return ids_per_tier(signals)


def _digital_touchpoints(ctx: DesignContext, facts: HealthFacts) -> Signal:
    profiles = facts.tiers["self_serve"]
    alone = facts.all_self_serve
    who = (
        "Every segment is self-serve, so no CSM meets accounts"
        if alone
        else f"{join_names(p.name for p in profiles)} are self-serve: no CSM meets them"
    )
    return Signal(
        id="days_since_touchpoint",
        kind="days_since_touchpoint",
        name="Days since last digital touchpoint",
        weight=100 if alone else 40,
        params={"kinds": DIGITAL_TOUCHPOINTS},
        scoring=LinearScoring(bad=90, good=30),
        segments=tier_scope(ctx, profiles),
        why=(
            f"{who}; engagement counts the customer's responses to email, in-app messages and webinars "
            "(record only touchpoints the customer engaged with)."
        ),
        basis=[
            *(ctx.segment_basis(p) for p in profiles),
            ctx.assume(
                "digital_touchpoint_thresholds",
                "A digital touchpoint the customer engaged with in the last 30 days scores 100; none in 90 days "
                "scores 0.",
                "A monthly lifecycle programme gives every account a chance to respond each month.",
                "Which lifecycle emails and in-app messages do you send, and do you record responses?",
            ),
        ],
    )


def _csm_touchpoints(ctx: DesignContext, tier: TouchModel, profiles: list[SegmentProfile], basis: Basis) -> Signal:
    good = TOUCH_CADENCE_DAYS[tier]
    webinar = [p for p in profiles if segment_review_format(ctx, p) == "pooled_webinar"]
    note = (
        f"; attending the {FORMAT_NAMES['pooled_webinar'].lower()} of {join_names(p.name for p in webinar)} is "
        "logged as a 'training' touchpoint and counts here"
        if webinar
        else ""
    )
    return Signal(
        id="days_since_touchpoint",
        kind="days_since_touchpoint",
        name=f"Days since last CSM touchpoint ({TIER_NAMES[tier].lower()})",
        weight=40,
        params={"kinds": HUMAN_TOUCHPOINTS},
        scoring=LinearScoring(bad=3 * good, good=good),
        segments=tier_scope(ctx, profiles),
        why=(
            f"Cadence of the {TIER_NAMES[tier].lower()} tier ({join_names(p.name for p in profiles)}): a call, "
            f"meeting, training or review within {good} days scores 100, none in {3 * good} scores 0{note}."
        ),
        basis=[basis, *(ctx.segment_basis(p) for p in profiles)],
    )


def _business_reviews(ctx: DesignContext, tier: TouchModel, profiles: list[SegmentProfile]) -> Signal:
    # Within a tier the reviews logged as 'qbr' share one format (QBR for high touch, the one-to-one
    # review for guided), so one cadence.
    cadence = review_cadence_days(ctx, profiles[0])
    fmt = FORMAT_NAMES[segment_review_format(ctx, profiles[0])]
    capacity = [review_capacity_basis(ctx)] if tier == "guided" else []
    return Signal(
        id="qbr_cadence",
        kind="qbr_cadence",
        name=f"Business review on schedule ({TIER_NAMES[tier].lower()})",
        weight=35,
        params={"cadence_days": cadence},
        scoring=LinearScoring(bad=0.5, good=1.0),
        segments=tier_scope(ctx, profiles),
        why=(
            f"{fmt} for {join_names(p.name for p in profiles)} every {cadence} days, as in the QBR section (logged "
            "as touchpoint kind 'qbr'): on time scores 100, twice overdue scores 0."
        ),
        basis=[review_cadence_basis(ctx), *capacity, *(ctx.segment_basis(p) for p in profiles)],
    )


def _executive_contact(ctx: DesignContext, profiles: list[SegmentProfile], basis: Basis) -> Signal:
    buyers = ", ".join(unique([p.segment.economic_buyer for p in profiles]))
    cadence = review_cadence_days(ctx, profiles[0])
    window = 180
    good = window // cadence
    return Signal(
        id="executive_engagement",
        kind="executive_engagement",
        name=f"Executive touchpoints ({window} days)",
        weight=25,
        params={"window_days": window},
        scoring=LinearScoring(bad=0, good=good),
        segments=tier_scope(ctx, profiles),
        why=(
            f"High-touch accounts renew on the say of the {buyers}: {good} executive touchpoints in {window} days "
            f"(one per {cadence}-day business review) scores 100, none scores 0."
        ),
        basis=[
            basis,
            review_cadence_basis(ctx),
            *(ctx.inp("personas", ("segments", p.index, "economic_buyer")) for p in profiles),
        ],
    )
