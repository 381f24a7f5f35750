"""Onboarding: milestones, the time-to-value target, each segment's motion, the handoff checklist
and the flow the onboarding diagram is drawn from.

The rules live in small modules: :mod:`~cs_architect.design.motions` (automated or kickoff-led, by
sales motion and touch model), :mod:`~cs_architect.design.time_to_value` (the activation target
day) and :mod:`~cs_architect.design.milestones` (3-5 milestones from the brief's value events).
This module puts them together as the playbook's onboarding section.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from cs_architect.design.context import AcvBand, DesignContext, SegmentProfile, TouchModel
from cs_architect.design.cs_team import HEAD_OF_CS, join_names, seller_title
from cs_architect.design.milestones import KICKOFF_ID, MAX_MILESTONES, MIN_MILESTONES, build_milestones
from cs_architect.design.motions import (
    DIGITAL_CS,
    POOLED_CSM,
    Entry,
    Motion,
    csm_role,
    entry_path,
    handoff_owner,
    kickoff_day,
    onboarding_lead,
    segment_motion,
    tier_name,
)
from cs_architect.design.time_to_value import activation_target, ttv_benchmark
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Milestone


# --- models -------------------------------------------------------------------------------------
class SegmentOnboarding(Strict):
    """How one segment is onboarded: automated or kickoff-led, who leads, and its TTV target."""

    segment: str = Field(description="segment id")
    segment_name: str
    touch: TouchModel
    touch_name: str = Field(description="the support tier's name, e.g. 'High-touch'")
    band: AcvBand
    motion: Motion = Field(description="automated (lifecycle automation) or kickoff_led (a CSM kickoff)")
    entry: Entry = Field(description="how an account arrives: sales handoff or self-serve sign-up")
    lead: str = Field(description="role that leads onboarding for this segment")
    description: str = Field(description="the motion in one sentence, with its days")
    ttv_target: Figure = Field(description="days from start to the activation milestone for this segment")
    ttv_benchmark: Figure = Field(description="the time-to-first-value benchmark for comparison")


class HandoffItem(Strict):
    """One thing the seller must capture before CS takes over, and where it is captured."""

    item: str
    capture: str = Field(description="where and how the seller records it (from sales_process.yaml)")
    basis: list[Basis] = Field(default_factory=list)


class HandoffChecklist(Strict):
    """The sales-to-CS handoff as a checklist (from ``sales_process.handoff``)."""

    owner: str = Field(description="role that runs the handoff")
    receiver: str = Field(description="role(s) that take the account over")
    within_days: Figure | None = Field(default=None, description="days after contract signature by which it happens")
    meeting: str | None = None
    items: list[HandoffItem] = Field(default_factory=list)
    artifacts: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list, description="ids of segments that enter through the handoff")
    defined: bool = Field(default=True, description="false when sales_process.yaml has no handoff (gates overridden)")


FlowNodeKind = Literal["entry", "milestone", "fallback", "done"]
FlowEdgeKind = Literal["next", "missed", "retry"]


class FlowNode(Strict):
    """A box in the onboarding diagram.

    ``entry`` nodes (sales handoff, self-serve sign-up) start the flow; ``milestone`` nodes use the
    milestone id; each milestone has a ``fallback`` node ``<milestone id>_fallback``; ``done`` is
    the end (all milestones reached). ``segments`` empty = all segments.
    """

    id: str
    kind: FlowNodeKind
    label: str = Field(description="short plain-text label")
    detail: str = Field(default="", description="second line: verification, or what the human does")
    day: int | None = None
    owner: str | None = None
    activation: bool = False
    segments: list[str] = Field(default_factory=list)


class FlowEdge(Strict):
    """An arrow. ``next``: reached, go on; ``missed``: not reached by its day, to the fallback
    (draw dashed); ``retry``: from the fallback back to the milestone (draw dotted)."""

    source: str
    target: str
    kind: FlowEdgeKind
    label: str = ""


class OnboardingFlow(Strict):
    """Nodes in drawing order (entries, then milestones by day each followed by its fallback,
    then done) and the edges between them."""

    nodes: list[FlowNode]
    edges: list[FlowEdge]


class OnboardingSection(Strict):
    summary: str
    milestones: list[Milestone] = Field(
        min_length=MIN_MILESTONES,
        description=f"{MIN_MILESTONES}-{MAX_MILESTONES} apply to each segment (setup milestones are segment-scoped)",
    )
    activation_milestone: str = Field(description="id of the milestone that defines activation (TTV)")
    ttv_target: Figure = Field(description="days from start to the activation milestone")
    motions: list[SegmentOnboarding]
    handoff: HandoffChecklist
    flow: OnboardingFlow
    not_milestones: list[str] = Field(
        default_factory=list, description="value events left out because at most 5 milestones fit a segment"
    )

    def label(self, segments: list[str]) -> str:
        """Segment names for a list of ids ('all segments' when empty), for templates."""
        names = {m.segment: m.segment_name for m in self.motions}
        return ", ".join(names.get(s, s) for s in segments) if segments else "all segments"


def _applies(m: Milestone, segments: set[str]) -> bool:
    return not m.segments or bool(segments & set(m.segments))


def build_onboarding_flow(milestones: Sequence[Milestone], entries: Sequence[FlowNode]) -> OnboardingFlow:
    """The diagram as nodes and edges: each entry node leads through the milestones that apply to its
    segments, in day order, to ``done``; every milestone has a ``missed`` edge to its fallback and a
    ``retry`` edge back. Call again after milestones are edited (``operations.yaml``)."""
    ordered = sorted(milestones, key=lambda m: (m.day, m.id))
    all_ids = sorted({s for e in entries for s in e.segments})
    nodes: list[FlowNode] = list(entries)
    edges: list[FlowEdge] = []
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        segs = set(entry.segments or all_ids)
        chain = [entry.id, *(m.id for m in ordered if not segs or _applies(m, segs)), "done"]
        for a, b in itertools.pairwise(chain):
            if (a, b) not in seen:
                seen.add((a, b))
                edges.append(FlowEdge(source=a, target=b, kind="next", label="" if a == entry.id else "reached"))
    for m in ordered:
        nodes.append(
            FlowNode(
                id=m.id,
                kind="milestone",
                label=f"Day {m.day}: {m.name}",
                detail=f"verified: {m.verification.text}",
                day=m.day,
                owner=m.owner,
                activation=m.activation,
                segments=list(m.segments),
            )
        )
        nodes.append(
            FlowNode(
                id=f"{m.id}_fallback",
                kind="fallback",
                label=f"Not reached by day {m.day}",
                detail=m.fallback,
                day=m.day,
                owner=m.owner,
                segments=list(m.segments),
            )
        )
        edges.append(FlowEdge(source=m.id, target=f"{m.id}_fallback", kind="missed", label=f"not by day {m.day}"))
        edges.append(FlowEdge(source=f"{m.id}_fallback", target=m.id, kind="retry", label="reached after help"))
    nodes.append(FlowNode(id="done", kind="done", label="Onboarded: every milestone reached"))
    return OnboardingFlow(nodes=nodes, edges=edges)


def _entries(ctx: DesignContext) -> list[FlowNode]:
    kick = [p.id for p in ctx.segments if entry_path(ctx, p) == "sales_handoff"]
    signup = [p.id for p in ctx.segments if entry_path(ctx, p) == "self_signup"]
    out = []
    if signup:
        out.append(
            FlowNode(id="signup", kind="entry", label="Self-serve sign-up", day=0, owner=DIGITAL_CS, segments=signup)
        )
    if kick:
        day = int(kickoff_day(ctx).value)
        out.append(
            FlowNode(
                id="handoff",
                kind="entry",
                label=f"Sales handoff to CS by day {day}",
                detail=f"owner: {seller_title(ctx)}",
                day=day,
                owner=seller_title(ctx),
                segments=kick,
            )
        )
    return out


def handoff_checklist(ctx: DesignContext) -> HandoffChecklist:
    """The handoff as a checklist: the four captures, other criteria, artifacts, meeting, deadline."""
    handoff = ctx.project.sales.handoff
    segments = [p.id for p in ctx.segments if entry_path(ctx, p) == "sales_handoff"]
    receivers = " / ".join(dict.fromkeys(csm_role(p.touch) for p in ctx.segments if p.id in segments))
    receiver = receivers or POOLED_CSM
    if handoff is None:
        return HandoffChecklist(owner=handoff_owner(ctx), receiver=receiver, segments=segments, defined=False)
    items = []
    for name, label in (
        ("success_criteria", "Success criteria"),
        ("stakeholders", "Stakeholders"),
        ("use_case", "Use case"),
        ("contract_terms", "Contract terms"),
    ):
        how = getattr(handoff, name)
        if how:
            items.append(HandoffItem(item=label, capture=how, basis=[ctx.inp("sales_process", ("handoff", name))]))
    for i, criterion in enumerate(handoff.criteria):
        items.append(
            HandoffItem(
                item=criterion,
                capture="confirmed by the seller at the handoff",
                basis=[ctx.inp("sales_process", ("handoff", "criteria", i))],
            )
        )
    return HandoffChecklist(
        owner=handoff_owner(ctx),
        receiver=receiver,
        within_days=kickoff_day(ctx) if handoff.within_days is not None else None,
        meeting=handoff.meeting,
        items=items,
        artifacts=list(handoff.artifacts),
        segments=segments,
    )


def _motion(ctx: DesignContext, p: SegmentProfile, milestones: list[Milestone]) -> SegmentOnboarding:
    motion = segment_motion(ctx.motion, p.touch)
    ttv = activation_target(ctx, p)
    mine = [m for m in milestones if _applies(m, {p.id})]
    last = mine[-1].day if mine else int(ttv.value)
    act = ctx.project.brief.activation_event
    if motion == "automated":
        # Self-serve accounts have no CSM: the Digital CS programme's automation follows up on a miss.
        rescue = (
            f"the {DIGITAL_CS}'s automated follow-up emails step in"
            if p.touch == "self_serve"
            else f"the {POOLED_CSM} steps in"
        )
        description = (
            f"Automated: sign-up, in-app checklist and lifecycle emails to '{act.name}' by day "
            f"{ttv.value:g}; {rescue} when a milestone is missed; onboarded by day {last}."
        )
    else:
        csm = csm_role(p.touch)
        extra = f", with the {HEAD_OF_CS} at the kickoff as executive sponsor" if p.touch == "high_touch" else ""
        description = (
            f"Kickoff-led: after the sales handoff ({seller_title(ctx)}), the {csm} runs the kickoff by day "
            f"{_kickoff_by(ctx, milestones)}{extra}, then CRM tasks per milestone to '{act.name}' by day "
            f"{ttv.value:g}; onboarded by day {last}."
        )
    return SegmentOnboarding(
        segment=p.id,
        segment_name=p.name,
        touch=p.touch,
        touch_name=tier_name(p.touch),
        band=p.band,
        motion=motion,
        entry=entry_path(ctx, p),
        lead=onboarding_lead(ctx, p),
        description=description,
        ttv_target=ttv,
        ttv_benchmark=ttv_benchmark(ctx, p),
    )


def _kickoff_by(ctx: DesignContext, milestones: Sequence[Milestone]) -> int:
    """The kickoff milestone's day (it may sit before the handoff deadline to keep milestones ordered)."""
    kickoff = next((m for m in milestones if m.id == KICKOFF_ID), None)
    return kickoff.day if kickoff else int(kickoff_day(ctx).value)


def design_onboarding(ctx: DesignContext) -> OnboardingSection:
    """Design onboarding: milestones (with data verification, automation and fallback), the TTV target,
    each segment's motion, the handoff checklist and the diagram flow. See the module docstring."""
    milestones, left_out = build_milestones(ctx)
    activation = next(m for m in milestones if m.activation)
    motions = [_motion(ctx, p, milestones) for p in ctx.segments]
    ttv = Figure(value=activation.day, unit="days", basis=activation.basis)
    brief = ctx.project.brief
    act = brief.activation_event
    automated = [m.segment_name for m in motions if m.motion == "automated"]
    kickoff = [m.segment_name for m in motions if m.motion == "kickoff_led"]
    how = []
    if automated:
        how.append(f"{join_names(automated)} through automated in-product setup run by the {DIGITAL_CS}")
    if kickoff:
        how.append(
            f"{join_names(kickoff)} through a CSM kickoff by day {_kickoff_by(ctx, milestones)} after the sales "
            f"handoff ({seller_title(ctx)})"
        )
    summary = (
        f"{brief.company} onboards {'; '.join(how)}. Activation is '{act.name}' "
        f"({activation.verification.text}), targeted by day {activation.day}; {len(milestones)} "
        f"milestones run to day {milestones[-1].day}."
    )
    return OnboardingSection(
        summary=summary,
        milestones=milestones,
        activation_milestone=activation.id,
        ttv_target=ttv,
        motions=motions,
        handoff=handoff_checklist(ctx),
        flow=build_onboarding_flow(milestones, _entries(ctx)),
        not_milestones=left_out,
    )
