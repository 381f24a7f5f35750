"""Touchpoints: who does what, when, at each journey stage, by touch model.

:data:`PLAYS` is the table a CS lead reads: per stage, which touch models (and entry path or
onboarding motion) get which touchpoint, through which channel, run by whom, on which trigger and
in which day window. Self-serve is automated in-app and email; guided is a pooled CSM plus
automation; high touch is a named CSM with a kickoff and an executive sponsor.

Day windows sit on one timeline per segment (:func:`segment_timeline`):

- start: day 0 at sign-up, or the kickoff milestone's day (the handoff's ``within_days``) for
  accounts that arrive through the sales handoff;
- activation: the activation value event's ``target_day``, else the time-to-value benchmark of the
  segment (an assumption; :func:`cs_architect.design.time_to_value.activation_target`);
- onboarded: the segment's last onboarding milestone (the activation day when activation is the
  last one), the same day the onboarding section and diagram call "onboarded";
- renewal: work starts when the renewal section's track for the segment starts
  (:func:`cs_architect.design.renewal_milestones.renewal_start`: ``renewal_kickoff_enterprise`` days
  before the renewal date for high-touch accounts, the standard kickoff for guided ones, the automated
  notice for self-serve ones, earlier by the extra days of a longer notice period).
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.milestones import KICKOFF_ID
from cs_architect.design.motions import (
    DIGITAL_CS,
    EXEC_SPONSOR,
    NAMED_CSM,
    POOLED_CSM,
    Entry,
    Motion,
    csm_role,
    entry_path,
    kickoff_day,
    onboarding_lead,
    segment_motion,
)
from cs_architect.design.renewal_milestones import renewal_start
from cs_architect.design.time_to_value import activation_target
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Milestone

StageId = Literal["signup", "onboarding", "activation", "expansion", "renewal"]
Term = Literal["contract", "monthly"]  # a renewal date months away, or month to month (every charge renews)
Channel = Literal["in-app", "email", "call", "meeting", "crm-task"]
WindowKind = Literal[
    "handoff", "signup", "start", "onboarding", "nudge", "activation", "activated", "onboarded", "growth",
    "renewal", "renewal_day", "charge", "as_it_happens",
]  # fmt: skip


# --- models -------------------------------------------------------------------------------------
class DayWindow(Strict):
    """When a touchpoint happens, in days.

    ``anchor='start'``: days after contract start (sign-up for self-serve), from ``first`` to
    ``last`` (``None``: open-ended, until the next stage). ``anchor='renewal'``: days before the
    renewal date, from ``first`` down to ``last`` (``None``: on that day only). ``anchor='charge'``:
    before each monthly charge (month-to-month plans); ``anchor='trigger'``: when the trigger fires.
    """

    anchor: Literal["start", "renewal", "charge", "trigger"] = "start"
    first: int = Field(ge=0)
    last: int | None = Field(default=None, ge=0)

    def text(self) -> str:
        if self.anchor == "charge":
            return "before each monthly charge"
        if self.anchor == "trigger":
            return "as soon as the trigger fires"
        if self.anchor == "renewal":
            if self.last is None or self.last == self.first:
                return f"{self.first} days before renewal"
            if self.last == 0:
                return f"from {self.first} days before renewal to the renewal date"
            return f"{self.first} to {self.last} days before renewal"
        if self.last is None:
            return f"from day {self.first}"
        if self.last == self.first:
            return f"day {self.first}"
        return f"days {self.first}-{self.last}"


class Touchpoint(Strict):
    name: str = Field(description="what happens, plain text")
    channel: Channel
    owner: str = Field(description="role that runs it")
    trigger: str = Field(description="what starts it")
    window: DayWindow
    basis: list[Basis] = Field(default_factory=list, description="where the window's days come from")


class SegmentTouchpoints(Strict):
    segment: str
    segment_name: str
    touch: TouchModel
    touchpoints: list[Touchpoint]


# --- timeline -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Timeline:
    """The days that anchor one segment's journey (each a Figure with its basis)."""

    profile: SegmentProfile
    motion: Motion
    entry: Entry
    lead: str  # who leads onboarding
    csm: str  # the human CS role for the segment's touch model
    start: Figure  # handoff done and kickoff held (handoff entry), or sign-up (day 0)
    activation: Figure
    onboarded: Figure
    renewal: Figure  # days before the renewal date when renewal work starts
    milestones: tuple[Milestone, ...]  # the onboarding milestones that apply to the segment
    term: Term = "contract"
    term_basis: tuple[Basis, ...] = ()

    @property
    def activation_milestone(self) -> Milestone:
        return next(m for m in self.milestones if m.activation)


def segment_timeline(ctx: DesignContext, profile: SegmentProfile, milestones: Sequence[Milestone]) -> Timeline:
    """A segment's anchor days: start, activation, onboarded and renewal start (module docstring)."""
    entry = entry_path(ctx, profile)
    mine = tuple(m for m in milestones if not m.segments or profile.id in m.segments)
    kickoff = next((m for m in mine if m.id == KICKOFF_ID), None)
    if entry == "sales_handoff":
        # The kickoff milestone's day: the handoff deadline, unless it moved earlier to keep milestones ordered.
        start = Figure(value=kickoff.day, unit="days", basis=kickoff.basis) if kickoff else kickoff_day(ctx)
    else:
        start = Figure(value=0, unit="days", basis=[ctx.inp("brief", ("sales_motion",), "starts at sign-up")])
    activation = activation_target(ctx, profile)
    later = [m for m in mine if m.day > activation.value]
    onboarded = Figure(value=later[-1].day, unit="days", basis=later[-1].basis) if later else activation
    term, term_basis = segment_term(ctx, profile)
    return Timeline(
        profile=profile,
        motion=segment_motion(ctx.motion, profile.touch),
        entry=entry,
        lead=onboarding_lead(ctx, profile),
        csm=csm_role(profile.touch),
        start=start,
        activation=activation,
        onboarded=onboarded,
        renewal=renewal_start(ctx, profile),
        milestones=mine,
        term=term,
        term_basis=tuple(term_basis),
    )


def segment_term(ctx: DesignContext, profile: SegmentProfile) -> tuple[Term, list[Basis]]:
    """Month to month when every plan the segment buys (every plan, if none is its own) runs at most one
    month; else a contract with a renewal date. Without a pricing model: a contract."""
    pricing = ctx.project.pricing
    if pricing is None:
        return "contract", []
    plans = list(profile.plans) or list(pricing.plans)
    if not plans or any(pricing.contract(p) > 1 for p in plans):
        return "contract", []
    basis = []
    for plan in plans:
        i = pricing.plans.index(plan)
        where = ("plans", i, "contract_months") if plan.contract_months else ("contract_months",)
        b = ctx.inp("pricing", where)
        if b not in basis:
            basis.append(b)
    return "monthly", basis


# --- the plays ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Play:
    """A touchpoint template. ``{field}`` placeholders are filled per segment (:func:`play_fields`)."""

    touch: tuple[TouchModel, ...]  # touch models that get it
    name: str
    channel: Channel
    owner: str
    trigger: str
    window: WindowKind
    entry: Entry | None = None  # only accounts that arrive this way
    motion: Motion | None = None  # only this onboarding motion
    term: Term | None = None  # only segments on this contract term


ALL: tuple[TouchModel, ...] = ("self_serve", "guided", "high_touch")
LOW: tuple[TouchModel, ...] = ("self_serve", "guided")
SELF: tuple[TouchModel, ...] = ("self_serve",)
GUIDED: tuple[TouchModel, ...] = ("guided",)
HIGH: tuple[TouchModel, ...] = ("high_touch",)
CSM: tuple[TouchModel, ...] = ("guided", "high_touch")
HANDOFF: Entry = "sales_handoff"

PLAYS: dict[StageId, tuple[Play, ...]] = {
    "signup": (
        Play(ALL, "Sales-to-CS handoff{meeting}", "meeting", "{seller}", "order form signed", "handoff", HANDOFF),
        Play(SELF, "Welcome email with login and setup checklist", "email", DIGITAL_CS, "handoff closed",
             "handoff", HANDOFF),
        Play(GUIDED, "Welcome email from the pooled CSM with a kickoff booking link", "email", POOLED_CSM,
             "handoff closed", "handoff", HANDOFF),
        Play(HIGH, "Named CSM introduced to the champion ({champion}) and the economic buyer ({buyer})", "email",
             NAMED_CSM, "handoff closed", "handoff", HANDOFF),
        Play(HIGH, "Welcome note from the executive sponsor to the {buyer}", "email", EXEC_SPONSOR, "handoff closed",
             "handoff", HANDOFF),
        Play(ALL, "Welcome email and in-app setup checklist", "email", DIGITAL_CS, "sign-up", "signup", "self_signup"),
        Play(GUIDED, "CRM task: the pooled CSM reviews the new account and sends a personal welcome", "crm-task",
             POOLED_CSM, "sign-up", "signup", "self_signup"),
    ),
    "onboarding": (
        Play(HIGH, "Kickoff meeting with the champion ({champion}) and the economic buyer ({buyer}): agree the "
             "success plan from the handoff's success criteria", "meeting", NAMED_CSM, "handoff accepted", "start",
             HANDOFF),
        Play(HIGH, "Executive sponsor joins the kickoff", "meeting", EXEC_SPONSOR, "kickoff booked", "start", HANDOFF),
        Play(LOW, "Kickoff call with the champion ({champion}): confirm the success criteria and the plan to '{act}'",
             "call", "{csm}", "handoff accepted", "start", HANDOFF),
        Play(HIGH, "Onboarding check-in with the champion on milestone days ({days})", "call", NAMED_CSM,
             "milestone due", "onboarding"),
        Play(LOW, "In-app checklist and milestone emails toward '{act}'", "in-app", DIGITAL_CS, "{first_step}",
             "onboarding"),
        Play(SELF, "Lifecycle email with a how-to for '{act}'", "email", DIGITAL_CS, "'{act}' not reached by day {mid}",
             "nudge", motion="automated"),
        Play(SELF, "Pooled CSM check-in call if '{act}' is not reached", "call", POOLED_CSM,
             "'{act}' not reached by day {mid}", "nudge", motion="kickoff_led"),
        Play(GUIDED, "Pooled CSM check-in call if '{act}' is not reached", "call", POOLED_CSM,
             "'{act}' not reached by day {mid}", "nudge"),
    ),
    "activation": (
        Play(HIGH, "Success-plan review with the champion ({champion}): {success} against results so far", "meeting",
             NAMED_CSM, "last milestone due", "onboarded"),
        Play(HIGH, "Executive sponsor check-in with the {buyer}", "call", EXEC_SPONSOR, "onboarding complete",
             "onboarded"),
        Play(LOW, "In-app confirmation of '{act}' and {after_activation}", "in-app", DIGITAL_CS,
             "'{act}' reached", "activated"),
        Play(GUIDED, "Value check with the champion ({champion}): {success} against results so far", "call",
             POOLED_CSM, "'{act}' reached", "activation"),
    ),
    "expansion": (
        Play(HIGH, "Business review with the {buyer}: value delivered against the success criteria and the next "
             "roll-out (cadence in the QBR section)", "meeting", NAMED_CSM, "onboarding complete", "growth"),
        Play(HIGH, "Expansion opportunity opened with sales ({seller}): {offer}", "crm-task", NAMED_CSM, "{limit}",
             "growth"),
        Play(LOW, "In-app offer of {offer}", "in-app", DIGITAL_CS, "{limit}", "growth"),
        Play(GUIDED, "Pooled CSM qualifies expansion signals and passes them to sales ({seller})", "crm-task",
             POOLED_CSM, "{limit}", "growth"),
    ),
    "renewal": (
        Play(SELF, "Automated renewal notice{card}", "email", DIGITAL_CS, "renewal window opens", "renewal_day",
             term="contract"),
        Play(GUIDED, "Renewal check: health, usage and the renewal quote{uplift}", "call", POOLED_CSM,
             "renewal window opens", "renewal", term="contract"),
        Play(HIGH, "Renewal plan: internal review, then the renewal proposal to the {buyer}{uplift}", "meeting",
             NAMED_CSM, "renewal window opens", "renewal", term="contract"),
        Play(HIGH, "Executive sponsor call with the {buyer} before the proposal", "call", EXEC_SPONSOR,
             "renewal window opens", "renewal", term="contract"),
        Play(ALL, "Usage summary against the plan{card}", "email", DIGITAL_CS, "monthly charge due", "charge",
             term="monthly"),
        Play(CSM, "Save call: the reason, then a fix, a downgrade or a pause", "call", "{csm}",
             "cancellation or downgrade started", "as_it_happens", term="monthly"),
    ),
}  # fmt: skip


def _window(kind: WindowKind, tl: Timeline) -> tuple[DayWindow, tuple[Figure, ...]]:
    """The day window of a play and the figures its days come from."""
    start, act, done, renewal = tl.start, tl.activation, tl.onboarded, tl.renewal
    s, a, o, r = (int(f.value) for f in (start, act, done, renewal))
    mid = math.ceil((s + a) / 2)
    windows: dict[WindowKind, tuple[DayWindow, tuple[Figure, ...]]] = {
        "handoff": (DayWindow(first=0, last=s), (start,)),
        "signup": (DayWindow(first=0, last=0), (start,)),
        "start": (DayWindow(first=s, last=s), (start,)),
        "onboarding": (DayWindow(first=s, last=a), (start, act)),
        "nudge": (DayWindow(first=mid, last=mid), (start, act)),
        "activation": (DayWindow(first=a, last=a), (act,)),
        "activated": (DayWindow(first=a, last=o if o > a else None), (act, done)),
        "onboarded": (DayWindow(first=o, last=o), (done,)),
        "growth": (DayWindow(first=o), (done,)),
        "renewal": (DayWindow(anchor="renewal", first=r, last=0), (renewal,)),
        "renewal_day": (DayWindow(anchor="renewal", first=r), (renewal,)),
        "charge": (DayWindow(anchor="charge", first=0), ()),
        "as_it_happens": (DayWindow(anchor="trigger", first=0), ()),
    }
    return windows[kind]


def play_fields(tl: Timeline, shared: Mapping[str, str]) -> dict[str, str]:
    """Placeholder values for one segment: its people and days, plus the company-wide ``shared``."""
    seg = tl.profile.segment
    s, a = int(tl.start.value), int(tl.activation.value)
    handoff = tl.entry == "sales_handoff"
    return {
        **shared,
        "champion": seg.champion,
        "buyer": seg.economic_buyer,
        "csm": tl.csm,
        "mid": str(math.ceil((s + a) / 2)),  # halfway check between start and the activation target
        "days": ", ".join(str(m.day) for m in tl.milestones if s < m.day <= a) or str(a),
        "first_step": "kickoff held" if handoff else "first session",
        "after_activation": "emails toward the next milestones"
        if any(m.day > a for m in tl.milestones)
        else "tips on the key features not used yet",
        "success": "the handoff's success criteria" if handoff else "the account's use case",
    }


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def segment_touchpoints(
    stage: StageId, tl: Timeline, fields: Mapping[str, str], extra: Mapping[str, list[Basis]]
) -> SegmentTouchpoints:
    """The plays of ``stage`` that fit the segment, filled in. ``extra`` adds a basis to each play that
    uses a placeholder (e.g. the pricing metric behind ``{offer}``)."""
    out = []
    for play in PLAYS[stage]:
        if tl.profile.touch not in play.touch or play.entry not in (None, tl.entry):
            continue
        if play.motion not in (None, tl.motion) or play.term not in (None, tl.term):
            continue
        window, figures = _window(play.window, tl)
        basis: list[Basis] = []
        used = _placeholders(play.name) | _placeholders(play.trigger)
        term = [list(tl.term_basis)] if play.term == "monthly" else []
        for group in [*(f.basis for f in figures), *term, *(extra[k] for k in sorted(used) if k in extra)]:
            basis += [b for b in group if b not in basis]
        out.append(
            Touchpoint(
                name=play.name.format(**fields),
                channel=play.channel,
                owner=play.owner.format(**fields),
                trigger=play.trigger.format(**fields),
                window=window,
                basis=basis,
            )
        )
    p = tl.profile
    return SegmentTouchpoints(segment=p.id, segment_name=p.name, touch=p.touch, touchpoints=out)
