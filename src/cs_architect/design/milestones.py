"""Onboarding milestones: 3-5 steps from setup to activation and beyond, each verified in data.

Rules (each reads the inputs named in brackets):

- **Setup milestone** [sales motion, touch model, handoff]: kickoff-led segments get "Kickoff held
  and champion invited" by the handoff's ``within_days``, verified by an admin or champion user in
  ``users`` and owned by the CSM; automated segments get "Workspace set up" on day 0, verified by
  the first product event and owned by the Digital CS programme (lifecycle automation).
- **Value milestones** [value_events]: each value event becomes a milestone verified by ``count``
  occurrences of its ``event`` in ``events``, due on its ``target_day``. The activation event's
  missing day is the time-to-value target (:func:`cs_architect.design.time_to_value.reference_ttv`);
  another missing day is placed evenly between its known neighbours (brief order), or one
  time-to-value period after the last one. Each missing day is an assumption with an open question.
- **Count and order**: 3-5 milestones apply to each segment (a setup milestone applies to the
  segments of its motion only, so the list as a whole may hold one more). The brief's value events
  come first: the activation milestone always stays, the earliest others fill the segment's five
  places, and value events beyond five are left out (and reported). The setup milestone takes a
  place only when one is left (stated as an assumption when it is not); a short list is filled with
  the first use of a key feature no value event covers. Setups come first, then value milestones by
  day; days strictly increase (a clash moves the later milestone, stated as an assumption).
- **Owner, automation, fallback** [motion, touch, handoff owner, champions, features]: automated
  segments get an in-app checklist item and a lifecycle email halfway to the target day; when a
  milestone is missed, the Digital CS programme's automated follow-up reaches self-serve accounts
  and a pooled CSM's personal email guided ones. Kickoff-led segments get a CRM task for the CSM
  halfway, and the CSM's call with the champion as fallback, escalated to the executive sponsor
  (named CSM) or the Head of Customer Success (pooled CSM).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cs_architect.design.context import DesignContext, SegmentProfile
from cs_architect.design.cs_team import HEAD_OF_CS, distinct_titles, join_names, seller_title
from cs_architect.design.motions import (
    DIGITAL_CS,
    NAMED_CSM,
    POOLED_CSM,
    Motion,
    csm_role,
    kickoff_day,
    onboarding_lead,
    segment_motion,
)
from cs_architect.design.time_to_value import reference_ttv
from cs_architect.inputs.brief import Feature, ValueEvent
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Milestone, Verification

MIN_MILESTONES = 3
MAX_MILESTONES = 5
MAX_DAY = 365  # Milestone.day upper bound
CHAMPION_ROLES = ["admin", "champion"]  # users.role values of the data contract
KICKOFF_ID = "kickoff"
SETUP_ID = "workspace_setup"


@dataclass
class _Draft:
    """A milestone before its final day is fixed and its texts are written."""

    id: str
    name: str
    kind: Literal["setup", "kickoff", "value", "feature"]
    rank: int  # order among setups, or brief order among value events
    day: int | None
    basis: list[Basis]
    verification: Verification
    segments: list[SegmentProfile]
    activation: bool = False
    feature: Feature | None = None
    extra_basis: list[Basis] = field(default_factory=list)


def _feature_for(ctx: DesignContext, event: str | None) -> Feature | None:
    return next((f for f in ctx.project.brief.key_features if event and f.event == event), None)


def _value_verification(v: ValueEvent) -> Verification:
    times = "once" if v.count == 1 else f"at least {v.count} times"
    return Verification(table="events", event=v.event, count=v.count, text=f"event '{v.event}' recorded {times}")


def _setup_drafts(ctx: DesignContext) -> list[_Draft]:
    automated = [p for p in ctx.segments if segment_motion(ctx.motion, p.touch) == "automated"]
    kickoff = [p for p in ctx.segments if segment_motion(ctx.motion, p.touch) == "kickoff_led"]
    drafts = []
    if automated:
        same_day = ctx.assume(
            "self_serve_setup_day",
            "self-serve accounts finish setup on the day they sign up (day 0)",
            "self-serve first value comes within about a day and a half (B:ttv_plg_days), so setup has to "
            "happen in the first session",
            "Does setup need anything (data import, an integration) that takes longer than the first session?",
        )
        drafts.append(
            _Draft(
                SETUP_ID,
                "Workspace set up",
                "setup",
                0,
                0,
                [same_day, ctx.bench("ttv_plg_days")],
                Verification(table="events", count=1, text="any product event from the account after sign-up"),
                automated,
            )
        )
    if kickoff:
        day = kickoff_day(ctx)
        drafts.append(
            _Draft(
                KICKOFF_ID,
                "Kickoff held and champion invited",
                "kickoff",
                1,
                int(day.value),
                list(day.basis),
                Verification(
                    table="users",
                    count=1,
                    roles=list(CHAMPION_ROLES),
                    text="a user with role admin or champion exists for the account",
                ),
                kickoff,
            )
        )
    return drafts


def _value_drafts(ctx: DesignContext, anchor: int, ttv: Figure) -> list[_Draft]:
    """One draft per value event, in brief order, with every missing day filled in."""
    brief = ctx.project.brief
    act = brief.activation_event
    drafts = []
    for i, v in enumerate(brief.value_events):
        if v == act:
            day, basis = int(ttv.value), list(ttv.basis)
        elif v.target_day is not None:
            day, basis = v.target_day, [ctx.inp("brief", ("value_events", i, "target_day"))]
        else:
            day, basis = None, []
        drafts.append(
            _Draft(
                v.id, v.name, "value", i, day, basis, _value_verification(v), [], v == act, _feature_for(ctx, v.event)
            )
        )
    _fill_days(ctx, drafts, anchor, ttv)
    return drafts


def _fill_days(ctx: DesignContext, drafts: Sequence[_Draft], anchor: int, ttv: Figure) -> None:
    """Place drafts without a day: evenly between the known days before and after them (brief order),
    or one time-to-value period apart after the last known day."""
    i = 0
    while i < len(drafts):
        if drafts[i].day is not None:
            i += 1
            continue
        j = i
        while j < len(drafts) and drafts[j].day is None:
            j += 1
        before = [d for d in drafts[:i] if d.day is not None]
        prev_day = max((d.day for d in before if d.day is not None), default=anchor)
        prev_name = max(before, key=lambda d: d.day or 0).name if before else "setup"
        after = drafts[j] if j < len(drafts) else None
        run = drafts[i:j]
        for k, d in enumerate(run):
            if after is not None and after.day is not None and after.day - prev_day > len(run):
                d.day = prev_day + round((after.day - prev_day) * (k + 1) / (len(run) + 1))
                how = f"placed between '{prev_name}' (day {prev_day}) and '{after.name}' (day {after.day})"
            else:
                d.day = min(MAX_DAY, prev_day + _step(ttv) * (k + 1))
                how = f"placed {k + 1} time-to-value period(s) of {_step(ttv)} days after '{prev_name}'"
            d.basis = [_missing_day(ctx, d, how), *ttv.basis]
        i = j


def _step(ttv: Figure) -> int:
    """Spacing for milestones without a day: one time-to-value period (at least a day)."""
    return max(1, int(ttv.value))


def _missing_day(ctx: DesignContext, d: _Draft, how: str) -> Basis:
    subject = "value event" if d.kind == "value" else "key feature"
    return ctx.assume(
        f"milestone_day_{d.id}",
        f"accounts should reach '{d.name}' by day {d.day}",
        f"the brief gives no target day for it; {how}",
        f"By which day should accounts reach '{d.name}'? Set target_day on {subject} '{d.id}' in brief.yaml."
        if d.kind == "value"
        else f"By which day should accounts first use '{d.feature.name if d.feature else d.name}'?",
    )


def _filler_drafts(ctx: DesignContext, used_events: set[str], need: int, after: int, ttv: Figure) -> list[_Draft]:
    """First use of key features no value event covers, to reach the minimum milestone count."""
    out: list[_Draft] = []
    for f in ctx.project.brief.key_features:
        if len(out) == need:
            break
        if f.event is None or f.event in used_events:
            continue
        d = _Draft(
            f"{f.id}_first_use",
            f"First use of {f.name}",
            "feature",
            100 + len(out),
            None,
            [],
            Verification(table="events", event=f.event, count=1, text=f"event '{f.event}' recorded once"),
            [],
            feature=f,
        )
        d.day = min(MAX_DAY, after + _step(ttv) * (len(out) + 1))
        d.basis = [
            _missing_day(ctx, d, f"placed one time-to-value period ({_step(ttv)} days) after the previous milestone"),
            *ttv.basis,
        ]
        out.append(d)
    if len(out) < need:
        # A brief whose only feature is its only value event: a second active person shows spread.
        d = _Draft(
            "second_user_active",
            "A second person active",
            "feature",
            199,
            None,
            [],
            Verification(
                table="events",
                count=2,
                distinct_users=True,
                text="events from at least 2 distinct users of the account",
            ),
            [],
        )
        d.day = min(MAX_DAY, after + _step(ttv) * (len(out) + 1))
        d.basis = [_missing_day(ctx, d, "placed one time-to-value period after the previous milestone"), *ttv.basis]
        out.append(d)
    return out


def _order(ctx: DesignContext, setups: list[_Draft], values: list[_Draft]) -> list[_Draft]:
    """Setups first (each before the first value milestone), then by day; days strictly increase.

    A clash moves the later milestone a day later; near the day-365 cap, earlier ones move back
    instead. Every moved day is stated as an assumption.
    """
    first_value = min(d.day for d in values if d.day is not None)
    ordered = sorted(setups, key=lambda d: (d.day or 0, d.rank)) + sorted(values, key=lambda d: (d.day or 0, d.rank))
    wanted = [d.day or 0 for d in ordered]
    days = [
        min(day, max(0, first_value - 1)) if d.kind in ("setup", "kickoff") else day
        for d, day in zip(ordered, wanted, strict=True)
    ]
    for i in range(1, len(days)):
        days[i] = max(days[i], days[i - 1] + 1)
    for i in reversed(range(len(days))):
        days[i] = min(days[i], MAX_DAY if i == len(days) - 1 else days[i + 1] - 1)
    for d, old, new in zip(ordered, wanted, days, strict=True):
        if new != old:
            d.extra_basis.append(
                ctx.assume(
                    f"milestone_order_{d.id}",
                    f"'{d.name}' is due by day {new} instead of day {old}",
                    "each milestone needs its own day, and setup comes before the first value milestone",
                    f"Which should come first, and on which days: '{d.name}' or the milestone next to it?",
                )
            )
        d.day = new
    return ordered


def _select(values: list[_Draft], capacity: int) -> tuple[list[_Draft], list[_Draft]]:
    """Keep the activation milestone and the earliest others; return (kept, left out)."""
    act = [d for d in values if d.activation]
    others = sorted((d for d in values if not d.activation), key=lambda d: (d.day or 0, d.rank))
    keep = {id(d) for d in act + others[: max(0, capacity - len(act))]}
    return [d for d in values if id(d) in keep], [d for d in values if id(d) not in keep]


# --- texts ----------------------------------------------------------------------------------------
def _names(profiles: Iterable[SegmentProfile]) -> str:
    return join_names(p.name for p in profiles)


def _champions(profiles: Iterable[SegmentProfile]) -> str:
    return " / ".join(distinct_titles(p.segment.champion for p in profiles))


def _groups(ctx: DesignContext, profiles: list[SegmentProfile]) -> dict[Motion, list[SegmentProfile]]:
    """Segments grouped by onboarding motion, in segment order."""
    groups: dict[Motion, list[SegmentProfile]] = {}
    for p in profiles:
        groups.setdefault(segment_motion(ctx.motion, p.touch), []).append(p)
    return groups


def _csm(profiles: list[SegmentProfile]) -> str:
    roles = list(dict.fromkeys(csm_role(p.touch) for p in profiles))
    return roles[0] if len(roles) == 1 else "account's CSM"


def _escalation(profiles: list[SegmentProfile]) -> str:
    """Who is told when a milestone slips twice: the executive sponsor for named-CSM accounts
    (they call the economic buyer), the Head of Customer Success for pooled ones."""
    named = [p for p in profiles if csm_role(p.touch) == NAMED_CSM]
    pooled = [p for p in profiles if csm_role(p.touch) != NAMED_CSM]
    buyers = " / ".join(distinct_titles(p.segment.economic_buyer for p in named))
    sponsor = f"the executive sponsor ({HEAD_OF_CS}) calls the economic buyer ({buyers})"
    lead = f"the {HEAD_OF_CS} reviews the account"
    if not pooled:
        return sponsor
    if not named:
        return lead
    return f"{sponsor} for {_names(named)}, and {lead} for {_names(pooled)}"


MOTION_LABELS: dict[Motion, str] = {"automated": "Automated onboarding", "kickoff_led": "Kickoff-led onboarding"}


def _per_group(groups: dict[Motion, list[SegmentProfile]], text: dict[Motion, str]) -> str:
    """One text per motion group, prefixed with the motion when there are several (the onboarding
    section's motion table says which segments follow which motion)."""
    if len(groups) == 1:
        return text[next(iter(groups))]
    return " ".join(f"{MOTION_LABELS[motion]}: {text[motion]}" for motion in groups)


def _automated_fallback(profiles: list[SegmentProfile], digital: str, pooled: str) -> str:
    """The fallback of automated onboarding by tier: self-serve accounts have no CSM, so the Digital CS
    programme's automation follows up; guided accounts have a pooled CSM who writes personally."""
    tiers = {p.touch for p in profiles}
    if "guided" not in tiers and "high_touch" not in tiers:
        return digital
    if "self_serve" not in tiers:
        return pooled
    return f"Self-serve accounts: {digital} Guided accounts: {pooled}"


def _owner(ctx: DesignContext, profiles: list[SegmentProfile]) -> str:
    return " / ".join(dict.fromkeys(onboarding_lead(ctx, p) for p in profiles))


def _previous_day(earlier: Sequence[_Draft], profiles: list[SegmentProfile]) -> int:
    """Day of the last earlier milestone that applies to any of these segments (0 if none)."""
    ids = {p.id for p in profiles}
    days = [e.day for e in earlier if e.day is not None and (not e.segments or ids & {p.id for p in e.segments})]
    return max(days, default=0)


def _write(ctx: DesignContext, d: _Draft, earlier: Sequence[_Draft], next_names: list[str]) -> Milestone:
    """The milestone with its owner, automation (what fires, on which day) and fallback (what a human
    does when it is missed), worded for the motions of the segments it applies to."""
    profiles = d.segments or list(ctx.segments)
    assert d.day is not None
    seller = seller_title(ctx)
    groups = _groups(ctx, profiles)
    kick = groups.get("kickoff_led", [])
    csm = _csm(kick)
    # Reminders fire halfway between the group's previous milestone and this one.
    prev = {motion: _previous_day(earlier, ps) for motion, ps in groups.items()}
    nudge = {motion: math.ceil((day + d.day) / 2) for motion, day in prev.items()}
    guide = f"a how-to for {d.feature.name}" if d.feature else "a how-to"
    session = f" and a working session on {d.feature.name}" if d.feature else ""
    if d.kind == "setup":
        upcoming = f" listing {', '.join(repr(n) for n in next_names)}" if next_names else ""
        automation = (
            f"Welcome email and in-app setup checklist{upcoming} at sign-up; a lifecycle email "
            f"on day {d.day + 1} if there is no activity yet."
        )
        fallback = _automated_fallback(
            groups["automated"],
            f"The {DIGITAL_CS}'s automated follow-up emails the person who signed up a setup guide and an "
            "office-hours invitation.",
            f"The {POOLED_CSM} emails the person who signed up, offering a short setup call.",
        )
    elif d.kind == "kickoff":
        automation = (
            f"When the handoff owner ({seller}) closes the handoff, the champion gets a kickoff booking link and "
            f"the {csm} a CRM task; a reminder on day {d.day} if no admin or champion user exists yet."
        )
        fallback = (
            f"The handoff owner ({seller}) and the {csm} call the champion ({_champions(kick)}) together to book the "
            f"kickoff; if it is still not held, {_escalation(kick)}."
        )
    else:
        reached = "the next checklist item" if not next_names else f"the next step ('{next_names[0]}')"
        texts: dict[Motion, tuple[str, str]] = {}
        if "automated" in groups:
            texts["automated"] = (
                f"In-app checklist item from day {prev['automated']}; lifecycle email with {guide} on day "
                f"{nudge['automated']} if not reached yet; in-app confirmation and {reached} when reached.",
                _automated_fallback(
                    groups["automated"],
                    f"The {DIGITAL_CS}'s automated follow-up emails the account admin {guide} and an office-hours "
                    "invitation.",
                    f"The {POOLED_CSM} emails the account admin personally with {guide} and an office-hours "
                    "invitation.",
                ),
            )
        if kick:
            texts["kickoff_led"] = (
                f"CRM task for the {csm} on day {nudge['kickoff_led']} if not reached yet; when reached the "
                "onboarding plan advances and the champion gets a progress note.",
                f"The {csm} calls the champion ({_champions(kick)}) to find what blocks it and agrees a new "
                f"date{session}; if it slips again, {_escalation(kick)}.",
            )
        automation = _per_group(groups, {m: t[0] for m, t in texts.items()})
        fallback = _per_group(groups, {m: t[1] for m, t in texts.items()})
    all_segments = len(profiles) == len(ctx.segments)
    return Milestone(
        id=d.id,
        name=d.name,
        day=d.day,
        owner=_owner(ctx, profiles),
        verification=d.verification,
        automation=automation,
        fallback=fallback,
        activation=d.activation,
        segments=[] if all_segments else [p.id for p in profiles],
        basis=[*d.basis, *d.extra_basis],
    )


# --- the step -----------------------------------------------------------------------------------
def build_milestones(ctx: DesignContext) -> tuple[list[Milestone], list[str]]:
    """The onboarding milestones in day order (3-5 per segment), and the names of value events left out.

    The brief's value events first (activation always kept, then the earliest, up to five), then the
    setup milestone of each segment's motion when a place is left, and first use of a key feature
    only when a segment would have fewer than 3. Days strictly increase.
    """
    ttv = reference_ttv(ctx)
    kickoff_led = any(segment_motion(ctx.motion, p.touch) == "kickoff_led" for p in ctx.segments)
    # Value days missing from the brief are placed after setup, which ends on the kickoff day at the latest.
    anchor = int(kickoff_day(ctx).value) if kickoff_led else 0
    values, left_out = _select(_value_drafts(ctx, anchor, ttv), MAX_MILESTONES)
    # Every segment has exactly one setup milestone (its motion's), so one place per segment is enough.
    setups = _setup_drafts(ctx) if len(values) < MAX_MILESTONES else []
    if not setups:
        _setup_left_out(ctx, len(values))
    need = MIN_MILESTONES - len(values) - (1 if setups else 0)
    if need > 0:
        used = {v.event for v in ctx.project.brief.value_events}
        values += _filler_drafts(ctx, used, need, max(d.day or 0 for d in values), ttv)
    ordered = _order(ctx, setups, values)
    milestones = []
    for i, d in enumerate(ordered):
        next_names = [n.name for n in ordered[i + 1 :] if n.kind not in ("setup", "kickoff")]
        milestones.append(_write(ctx, d, ordered[:i], next_names))
    return milestones, [d.name for d in left_out]


def _setup_left_out(ctx: DesignContext, values: int) -> None:
    """State why no setup milestone is listed: the value events fill every segment's places."""
    ctx.assume(
        "setup_not_a_milestone",
        f"Setup (the first session or the kickoff) is not an onboarding milestone: the brief's {values} value "
        f"events fill the {MAX_MILESTONES} milestones each segment has room for.",
        "The company's own value events say more about value than an added setup step; the first session and "
        "the kickoff stay in the journey's touchpoints.",
        "Should a value event give way to a setup milestone (first session or kickoff)?",
    )
