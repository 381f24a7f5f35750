"""Support tiers: which segments get self-serve, guided or high-touch support, who covers them, and SLAs.

Rules (all from the inputs):

- a segment's **tier** is its touch model (from its typical ACV, see ``design.context``);
- **accounts per CSM** for a segment = the ARR a CSM of that tier can carry ÷ the segment's typical
  ACV, held inside the tier's published accounts-per-CSM range (named high-touch: enterprise or
  $50k+ rows; guided: mid-market or pooled SMB rows; self-serve: digital row). ARR per CSM is the
  low end of ``csm_arr_per_csm`` for high-touch, its midpoint for guided, its high end for
  self-serve (high-touch about $1M, low-touch about $2M);
- **CSM headcount** = Σ over segments of expected accounts ÷ accounts per CSM (FTE), rounded up;
- **SLAs** by priority and tier (``design.slas``).

The CS team's role names and tier helpers live in ``design.cs_team`` (re-exported here).
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel

# The CS team's vocabulary and the figure helpers live in cs_team and figures; the later steps may
# import them from here too (explicit re-exports).
from cs_architect.design.cs_team import CS_OPS as CS_OPS
from cs_architect.design.cs_team import (
    CSM_ROLE,
    HEAD_OF_CS,
    SUPPORT_LEAD,
    TIER_NAMES,
    distinct_titles,
    join_names,
    segments_by_tier,
)
from cs_architect.design.cs_team import DEFAULT_SELLER as DEFAULT_SELLER
from cs_architect.design.cs_team import PRODUCT_MANAGER as PRODUCT_MANAGER
from cs_architect.design.cs_team import NamedSegments as NamedSegments
from cs_architect.design.cs_team import names as names
from cs_architect.design.cs_team import scope as scope
from cs_architect.design.cs_team import segment_names as segment_names
from cs_architect.design.cs_team import seller_role as seller_role
from cs_architect.design.cs_team import seller_title as seller_title
from cs_architect.design.figures import BenchField as BenchField
from cs_architect.design.figures import acv_row as acv_row
from cs_architect.design.figures import figure, row_figure
from cs_architect.design.slas import PRIORITY_DATA_VALUE as PRIORITY_DATA_VALUE
from cs_architect.design.slas import RCA_BUSINESS_DAYS, Sla, priority_meanings, resolution_basis, tier_slas
from cs_architect.design.slas import RESOLUTION_HOURS as RESOLUTION_HOURS
from cs_architect.design.slas import Priority as Priority
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure

# --- the section ------------------------------------------------------------------------------------
ArrCheck = Literal["within", "above", "below"]


class Coverage(Strict):
    """How one segment is covered: the book of accounts a CSM carries and the FTE it needs."""

    segment: str
    segment_name: str
    accounts_per_csm: Figure
    book_arr: Figure = Field(description="accounts per CSM × typical ACV")
    arr_check: ArrCheck = Field(description="the book ARR against the ARR-per-CSM range")
    arr_note: str = Field(default="", description="why the book sits outside the ARR-per-CSM range, and what to do")
    expected_accounts: Figure
    csm_fte: Figure


class SupportTier(Strict):
    id: TouchModel
    name: str
    segments: list[str]
    segment_names: list[str]
    csm_model: str
    channels: list[str]
    hours: str
    hours_basis: list[Basis]
    coverage: list[Coverage]
    fte: Figure = Field(description="FTE the tier needs: Σ expected accounts ÷ accounts per CSM over its segments")
    slas: list[Sla]


class EscalationStep(Strict):
    level: int = Field(ge=1)
    trigger: str
    owner: str
    action: str
    within: str


class SupportSection(Strict):
    summary: str
    tiers: list[SupportTier]
    csm_headcount: Figure = Field(description="CS FTE (rounded up) for the expected accounts of every segment")
    arr_per_csm: str = Field(description="the ARR-per-CSM range books are checked against, in words")
    sla_meanings: dict[str, str] = Field(description="priority -> what it means for this product")
    resolution_basis: list[Basis]
    escalation: list[EscalationStep]
    notes: list[str] = Field(default_factory=list, description="conflicts with the inputs a reader must resolve")

    def tier(self, tier_id: TouchModel) -> SupportTier | None:
        """The tier with this touch model, if any segment has it."""
        return next((t for t in self.tiers if t.id == tier_id), None)

    def tier_of(self, segment_id: str) -> SupportTier | None:
        """The tier that covers a segment."""
        return next((t for t in self.tiers if segment_id in t.segments), None)

    def coverage_of(self, segment_id: str) -> Coverage | None:
        """How a segment is covered (accounts per CSM, FTE)."""
        tier = self.tier_of(segment_id)
        return next((c for c in tier.coverage if c.segment == segment_id), None) if tier else None

    def sla_hours(self, tier_id: TouchModel) -> dict[str, float]:
        """``tickets.priority`` value -> first-response hours, for the ``first_response_sla`` signal."""
        tier = self.tier(tier_id)
        return {s.data_value: s.first_response_hours for s in tier.slas} if tier else {}

    def sla_rows(self) -> list[tuple[str, str, list[Sla]]]:
        """(priority, data value, the SLA of each tier in tier order): one row of the SLA matrix."""
        out: list[tuple[str, str, list[Sla]]] = []
        for i, sla in enumerate(self.tiers[0].slas if self.tiers else []):
            out.append((sla.priority, sla.data_value, [t.slas[i] for t in self.tiers]))
        return out


# --- coverage ---------------------------------------------------------------------------------------
def coverage_row(profile: SegmentProfile) -> str:
    """The accounts-per-CSM row for a segment's tier and ACV band."""
    if profile.touch == "high_touch":
        return "csm_accounts_enterprise" if profile.band == "enterprise" else "csm_accounts_acv_50k_plus"
    if profile.touch == "guided":
        return "csm_accounts_mid_market" if profile.band != "smb" else "csm_accounts_smb_pooled"
    return "csm_accounts_digital"


def _arr_per_csm(ctx: DesignContext, tier: TouchModel) -> Figure:
    row = ctx.benchmarks["csm_arr_per_csm"]
    if tier == "high_touch":
        return row_figure(ctx, "csm_arr_per_csm", "low", "high-touch CSMs carry the low end")
    if tier == "self_serve":
        return row_figure(ctx, "csm_arr_per_csm", "high", "low-touch coverage carries the high end")
    assert row.low is not None and row.high is not None
    mid = row_figure(ctx, "csm_arr_per_csm", "low")
    return Figure(
        value=(row.low + row.high) / 2,
        unit=mid.unit,
        basis=[ctx.bench("csm_arr_per_csm", "midpoint for pooled coverage")],
    )


def _short_money(ctx: DesignContext, amount: float) -> str:
    if amount >= 1_000_000:
        return f"{amount / 1_000_000:.1f}M {ctx.currency}"
    return ctx.money(amount)


def _arr_note(ctx: DesignContext, profile: SegmentProfile, check: ArrCheck, ratio: float) -> str:
    """Why a book sits outside the ARR range, in the terms of the segment's tier."""
    if check == "within":
        return ""
    book = f"{ratio:,.0f} accounts"
    if check == "above":
        if profile.touch == "self_serve":
            return (
                f"{profile.name}: the digital programme's cap of {book} binds before the ARR does; automation "
                "carries most of the work"
            )
        return (
            f"{profile.name}: each account is large, so even the smallest book the tier's range allows ({book}) "
            "carries more ARR; pair the CSM with support engineering on the largest accounts rather than "
            "shrinking the book further"
        )
    return (
        f"{profile.name}: the tier's cap of {book} per CSM binds before the ARR does; keep the book at {book} "
        "and let digital programmes carry routine contact"
    )


def segment_coverage(ctx: DesignContext, profile: SegmentProfile) -> Coverage:
    """Accounts per CSM = ARR per CSM ÷ typical ACV, clamped to the tier row's range; FTE = accounts ÷ that."""
    row_id = coverage_row(profile)
    row = ctx.row(row_id)
    assert row.low is not None and row.high is not None
    arr = _arr_per_csm(ctx, profile.touch)
    raw = arr.value / profile.acv if profile.acv >= 1 else row.high  # a free segment has no ARR to divide
    ratio = float(min(max(round(raw), row.low), row.high))
    seg_basis = ctx.segment_basis(profile)
    ratio_fig = figure(
        ratio,
        "accounts per CSM",
        [ctx.bench(row_id, f"range {row.low:,.0f}-{row.high:,.0f}"), *arr.basis, seg_basis],
    )
    book = ratio * profile.acv
    arr_row = ctx.benchmarks["csm_arr_per_csm"]
    assert arr_row.low is not None and arr_row.high is not None
    check: ArrCheck = "below" if book < arr_row.low else "above" if book > arr_row.high else "within"
    expected = profile.segment.expected_accounts
    expected_fig = figure(expected, "accounts", [ctx.inp("personas", ("segments", profile.index, "expected_accounts"))])
    fte = Figure(value=round(expected / ratio, 1), unit="CSM FTE", basis=[*expected_fig.basis, *ratio_fig.basis])
    return Coverage(
        segment=profile.id,
        segment_name=profile.name,
        accounts_per_csm=ratio_fig,
        book_arr=Figure(value=round(book), unit=ctx.currency, basis=[*ratio_fig.basis]),
        arr_check=check,
        arr_note=_arr_note(ctx, profile, check, ratio),
        expected_accounts=expected_fig,
        csm_fte=fte,
    )


# --- tiers ---------------------------------------------------------------------------------------------
def _hours(ctx: DesignContext, tier: TouchModel, profiles: list[SegmentProfile]) -> tuple[str, list[Basis]]:
    brief = ctx.project.brief
    if brief.support_hours:
        hours, basis = brief.support_hours, [ctx.inp("brief", ("support_hours",))]
    else:
        hours = "business hours, Monday to Friday, in the company's time zone"
        basis = [
            ctx.assume(
                "support_hours",
                f"Support works {hours}.",
                "brief.yaml does not give support_hours.",
                "What are your support hours and time zone?",
            )
        ]
    # Enterprise P1 policies are 24x7; say so unless the company's own hours already do.
    around_the_clock = any(k in hours.lower() for k in ("24x7", "24/7", "around the clock"))
    enterprise = [p for p in profiles if p.band == "enterprise"]
    if tier == "high_touch" and enterprise and not around_the_clock:
        hours += f"; add a 24x7 on-call for P1 on {names(enterprise)} accounts"
        basis = [*basis, ctx.bench("sla_p1_high_touch", "enterprise P1 policies are 24x7")]
    return hours, basis


def _channels(ctx: DesignContext, tier: TouchModel) -> list[str]:
    brief = ctx.project.brief
    if tier == "self_serve":
        out = ["Help centre and in-app guides", "Email and in-app ticket form"]
        if ctx.motion != "sales-led":
            out.append("In-app chat: bot first, an agent in support hours")
        return out
    if tier == "guided":
        return [
            "Email and in-app chat",
            "Pooled CSM desk (shared inbox, one team for the segment)",
            "Monthly group office hours",
        ]
    shared = (
        "Shared Slack channel with the account team"
        if any(i.lower() == "slack" for i in brief.integrations)
        else "Shared email alias for the account team"
    )
    return ["Named CSM (email, scheduled calls)", shared, "Phone line for P1 incidents"]


def _csm_model(tier: TouchModel, coverage: list[Coverage]) -> str:
    books = join_names(f"{c.accounts_per_csm.value:,.0f} ({c.segment_name})" for c in coverage)
    book = books if len(coverage) > 1 else f"{coverage[0].accounts_per_csm.value:,.0f}"
    if tier == "high_touch":
        return f"A named CSM owns each account end to end; a book of {book} accounts"
    if tier == "guided":
        return f"A pooled CSM team shares the accounts, about {book} per CSM; product signals route the work"
    return (
        f"Digital programme (in-app guides, lifecycle emails, value reports) run by CS staff at about {book} "
        "accounts per FTE; no named contact"
    )


def _escalation(ctx: DesignContext, tiers: list[SupportTier]) -> list[EscalationStep]:
    by_tier = {t.id: t for t in tiers}
    champions = distinct_titles(s.segment.champion for s in ctx.segments if s.touch != "self_serve")
    buyers = distinct_titles(s.segment.economic_buyer for s in ctx.segments if s.touch == "high_touch")
    steps = [
        EscalationStep(
            level=1,
            trigger="A ticket's first-response target is about to be missed",
            owner=SUPPORT_LEAD,
            action="Reassign the ticket and reply; review the queue's staffing weekly",
            within="before the tier's first-response target",
        ),
        EscalationStep(
            level=2,
            trigger="A P1 or P2 with no workaround reaches half its resolution target",
            owner="Support engineer",
            action="Escalate to the engineering on-call with the reproduction and the account's impact",
            within="at half the resolution target",
        ),
    ]
    managed = [t for t in ("guided", "high_touch") if t in by_tier]
    if managed:
        who = f" ({join_names(champions)})" if champions else ""
        steps.append(
            EscalationStep(
                level=3,
                trigger=f"A P1 or P2 opens on a {' or '.join(TIER_NAMES[t].lower() for t in managed)} account",
                owner=" / ".join(CSM_ROLE[t] for t in managed),
                action=f"Tell the champion{who} what is happening and when the next update comes; post every update",
                within="the same business day",
            )
        )
    exec_part = f"; our executive sponsor calls the economic buyer ({join_names(buyers)})" if buyers else ""
    steps.append(
        EscalationStep(
            level=len(steps) + 1,
            trigger="A P1 passes its resolution target, or an account has a second P1 within 30 days",
            owner=f"{HEAD_OF_CS} with the head of engineering",
            action=f"Run the incident review and agree a recovery plan with the account{exec_part}; "
            "send the root-cause summary",
            within=f"root-cause summary within {RCA_BUSINESS_DAYS} business days",
        )
    )
    return steps


def _tier(ctx: DesignContext, tier: TouchModel, profiles: list[SegmentProfile]) -> SupportTier:
    hours, hours_basis = _hours(ctx, tier, profiles)
    coverage = [segment_coverage(ctx, p) for p in profiles]
    basis: list[Basis] = []
    for c in coverage:
        basis += [b for b in c.csm_fte.basis if b not in basis]
    return SupportTier(
        id=tier,
        name=TIER_NAMES[tier],
        segments=[p.id for p in profiles],
        segment_names=[p.name for p in profiles],
        csm_model=_csm_model(tier, coverage),
        channels=_channels(ctx, tier),
        hours=hours,
        hours_basis=hours_basis,
        coverage=coverage,
        fte=Figure(value=round(sum(c.csm_fte.value for c in coverage), 1), unit="FTE", basis=basis),
        slas=tier_slas(ctx, tier),
    )


def _summary(ctx: DesignContext, tiers: list[SupportTier], headcount: Figure) -> str:
    how = {
        "high_touch": "named CSMs cover",
        "guided": "a pooled CSM team covers",
        "self_serve": "a digital programme covers",
    }
    parts = []
    for t in tiers:
        books = join_names(
            f"{c.segment_name} ({c.expected_accounts.value:,.0f} accounts, {c.accounts_per_csm.value:,.0f} per "
            f"{'FTE' if t.id == 'self_serve' else 'CSM'})"
            for c in t.coverage
        )
        parts.append(f"{how[t.id]} {books}")
    accounts = sum(int(c.expected_accounts.value) for t in tiers for c in t.coverage)
    split = join_names(f"{t.fte.value:g} {TIER_NAMES[t.id].lower()}" for t in tiers)
    total = round(sum(t.fte.value for t in tiers), 1)
    fte = "" if len(tiers) == 1 else f" ({split})"
    people = "person" if headcount.value == 1 else "people"
    return (
        f"At {ctx.project.brief.company}, {'; '.join(parts)}. That is {total:g} CS FTE{fte}, so "
        f"{headcount.value:,.0f} {people}, for the {accounts:,} accounts expected in the next 12 months."
    )


def design_support(ctx: DesignContext) -> SupportSection:
    """Support tiers (segments, channels, hours, coverage, SLAs), CSM headcount and the escalation path.

    Headcount = ⌈Σ over segments of expected accounts ÷ accounts per CSM⌉ (digital programme staff
    included, counted at the digital row's accounts per FTE).
    """
    tiers = [_tier(ctx, tier, profiles) for tier, profiles in segments_by_tier(ctx).items()]
    total = sum(t.fte.value for t in tiers)
    basis: list[Basis] = []
    for t in tiers:
        basis += [b for b in t.fte.basis if b not in basis]
    headcount = figure(math.ceil(round(total, 1)), "CS FTE", basis)
    arr_row = ctx.benchmarks["csm_arr_per_csm"]
    assert arr_row.low is not None and arr_row.high is not None
    return SupportSection(
        summary=_summary(ctx, tiers, headcount),
        tiers=tiers,
        csm_headcount=headcount,
        arr_per_csm=f"an ARR of {_short_money(ctx, arr_row.low)} to {_short_money(ctx, arr_row.high)}",
        sla_meanings={str(k): v for k, v in priority_meanings(ctx).items()},
        resolution_basis=[resolution_basis(ctx)],
        escalation=_escalation(ctx, tiers),
        notes=_notes(ctx),
    )


def _notes(ctx: DesignContext) -> list[str]:
    """Where the company states its own response times, the tables below must be reconciled with them."""
    hours = ctx.project.brief.support_hours or ""
    if re.search(r"response|reply", hours, re.IGNORECASE):
        return [
            f"brief.yaml states its own response times ('{hours}'); the first-response targets below are the "
            "recommended ones per tier: publish one set, not both"
        ]
    return []
