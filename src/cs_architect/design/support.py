"""Support tiers: which segments get self-serve, guided or high-touch support, who covers them, and SLAs.

Rules (all from the inputs):

- a segment's **tier** is its touch model (from its typical ACV, see ``design.context``);
- **accounts per CSM** for a segment = the ARR a CSM of that tier can carry ÷ the segment's typical
  ACV, held inside the tier's published accounts-per-CSM range (named high-touch: enterprise or
  $50k+ rows; guided: mid-market or pooled SMB rows; self-serve: digital row). ARR per CSM is the
  low end of ``csm_arr_per_csm`` for high-touch, its midpoint for guided, its high end for
  self-serve (high-touch about $1M, low-touch about $2M);
- **CSM headcount** = Σ over segments of expected accounts ÷ accounts per CSM (FTE), rounded up;
- **SLAs**: first response by priority from the vendor-policy rows, strict end for high-touch, lenient
  end for guided; for self-serve the standard first-reply norm (P1, P2), the measured email median (P3)
  and the lenient end (P4).

This module also holds the CS team's role names and the tier helpers the later steps share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure

# --- shared vocabulary for the CS team -------------------------------------------------------------
TIER_ORDER: tuple[TouchModel, ...] = ("self_serve", "guided", "high_touch")
TIER_NAMES: dict[TouchModel, str] = {"self_serve": "Self-serve", "guided": "Guided", "high_touch": "High-touch"}
CSM_ROLE: dict[TouchModel, str] = {
    "high_touch": "Named CSM",
    "guided": "Pooled CSM",
    "self_serve": "Digital CS programme",
}
HEAD_OF_CS = "Head of Customer Success"
SUPPORT_LEAD = "Support lead"
CS_OPS = "CS operations"
PRODUCT_MANAGER = "Product manager"
DEFAULT_SELLER = "Account executive"

BenchField = Literal["median", "top_quartile", "low", "high"]
_UNITS = {
    "business_hours": "business hours",
    "accounts_per_csm": "accounts per CSM",
    "USD_arr_per_csm": "USD ARR per CSM",
    "nps": "NPS",
}


def row_figure(ctx: DesignContext, row_id: str, field: BenchField, note: str = "") -> Figure:
    """A Figure holding one value of a benchmark row (its median, top quartile, low or high end)."""
    row = ctx.benchmarks[row_id]
    value = getattr(row, field)
    if value is None:
        raise KeyError(f"benchmark row '{row_id}' has no {field}")
    label = {"median": "median", "top_quartile": "top quartile", "low": "low end", "high": "high end"}[field]
    return Figure(value=value, unit=_UNITS.get(row.unit, row.unit), basis=[ctx.bench(row_id, note or label)])


def acv_row(ctx: DesignContext, prefix: str, acv: float) -> str | None:
    """Id of the benchmark row with this id prefix whose ACV band (min inclusive, max exclusive) holds ``acv``."""
    for row in ctx.benchmarks:
        if (
            row.id.startswith(prefix)
            and (row.acv_min is None or acv >= row.acv_min)
            and (row.acv_max is None or acv < row.acv_max)
        ):
            return row.id
    return None


def seller_role(ctx: DesignContext) -> str:
    """The seller role from the sales handoff (who hands accounts to CS), e.g. 'Account executive'."""
    handoff = ctx.project.sales.handoff
    return handoff.owner if handoff and handoff.owner else DEFAULT_SELLER


def segments_by_tier(ctx: DesignContext) -> dict[TouchModel, list[SegmentProfile]]:
    """Segments grouped by touch model, tiers in self-serve, guided, high-touch order (empty tiers left out)."""
    out: dict[TouchModel, list[SegmentProfile]] = {}
    for tier in TIER_ORDER:
        members = [s for s in ctx.segments if s.touch == tier]
        if members:
            out[tier] = members
    return out


def scope(ctx: DesignContext, segment_ids: Iterable[str]) -> list[str]:
    """Segment ids for a ``segments`` field: empty when the list covers every segment (means 'all')."""
    ids = [s.id for s in ctx.segments if s.id in set(segment_ids)]
    return [] if len(ids) == len(ctx.segments) else ids


def segment_names(ctx: DesignContext) -> dict[str, str]:
    """Segment id -> name, in input order (sections carry it so templates can name a ``segments`` list)."""
    return {p.id: p.name for p in ctx.segments}


class NamedSegments(Strict):
    """Mixin for sections whose items carry ``segments`` id lists: names them for the renderers."""

    segment_names: dict[str, str] = Field(description="segment id -> name")

    def label(self, segment_ids: list[str]) -> str:
        """'all segments' for an empty list, else the segments' names."""
        if not segment_ids:
            return "all segments"
        return ", ".join(self.segment_names.get(s, s) for s in segment_ids)


def names(profiles: Iterable[SegmentProfile]) -> str:
    return ", ".join(p.name for p in profiles)


# --- the section ------------------------------------------------------------------------------------
Priority = Literal["P1", "P2", "P3", "P4"]
PRIORITY_DATA_VALUE: dict[Priority, str] = {"P1": "urgent", "P2": "high", "P3": "normal", "P4": "low"}


class Sla(Strict):
    priority: Priority
    data_value: str = Field(description="the value of tickets.priority in the customer's data")
    meaning: str
    first_response: Figure
    resolution: Figure = Field(description="target resolution (best effort, not contracted)")

    @property
    def first_response_hours(self) -> float:
        """First response in hours (minutes / 60; business hours counted as hours)."""
        v = self.first_response.value
        return v / 60 if self.first_response.unit == "minutes" else v


class Coverage(Strict):
    """How one segment is covered: the book of accounts a CSM carries and the FTE it needs."""

    segment: str
    segment_name: str
    accounts_per_csm: Figure
    book_arr: Figure = Field(description="accounts per CSM × typical ACV")
    arr_check: str = Field(description="the book ARR against the ARR-per-CSM range")
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
    csm_headcount: Figure = Field(description="CSMs (FTE, rounded up) for the expected accounts of every segment")
    escalation: list[EscalationStep]

    def tier(self, tier_id: TouchModel) -> SupportTier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)

    def tier_of(self, segment_id: str) -> SupportTier | None:
        return next((t for t in self.tiers if segment_id in t.segments), None)

    def coverage_of(self, segment_id: str) -> Coverage | None:
        tier = self.tier_of(segment_id)
        return next((c for c in tier.coverage if c.segment == segment_id), None) if tier else None

    def sla_hours(self, tier_id: TouchModel) -> dict[str, float]:
        """``tickets.priority`` value -> first-response hours, for the ``first_response_sla`` signal."""
        tier = self.tier(tier_id)
        return {s.data_value: s.first_response_hours for s in tier.slas} if tier else {}


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
    return Figure(
        value=(row.low + row.high) / 2,
        unit=_UNITS.get(row.unit, row.unit),
        basis=[ctx.bench("csm_arr_per_csm", "midpoint for pooled coverage")],
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
    ratio_fig = Figure(
        value=ratio,
        unit="accounts per CSM",
        basis=[ctx.bench(row_id, f"range {row.low:,.0f}-{row.high:,.0f}"), *arr.basis, seg_basis],
    )
    book = ratio * profile.acv
    arr_row = ctx.benchmarks["csm_arr_per_csm"]
    assert arr_row.low is not None and arr_row.high is not None
    if book < arr_row.low:
        check = (
            f"below the {arr_row.low:,.0f}-{arr_row.high:,.0f} ARR-per-CSM range: the accounts-per-CSM "
            "range caps the book; cover part of it with digital programmes"
        )
    elif book > arr_row.high:
        check = (
            f"above the {arr_row.low:,.0f}-{arr_row.high:,.0f} ARR-per-CSM range: the account count, not "
            "the ARR, limits the book, so automation carries most of the work"
        )
    else:
        check = f"within the {arr_row.low:,.0f}-{arr_row.high:,.0f} ARR-per-CSM range"
    expected = profile.segment.expected_accounts
    expected_fig = Figure(
        value=expected, unit="accounts", basis=[ctx.inp("personas", ("segments", profile.index, "expected_accounts"))]
    )
    fte = Figure(value=round(expected / ratio, 1), unit="CSM FTE", basis=[*expected_fig.basis, *ratio_fig.basis])
    return Coverage(
        segment=profile.id,
        segment_name=profile.name,
        accounts_per_csm=ratio_fig,
        book_arr=Figure(value=round(book), unit=ctx.currency, basis=[*ratio_fig.basis]),
        arr_check=check,
        expected_accounts=expected_fig,
        csm_fte=fte,
    )


# --- SLAs ---------------------------------------------------------------------------------------------
# Target resolution by tier and priority, in business hours. No measured benchmark exists for resolution
# (vendor policies commit to first response only), so the ladder is a stated assumption.
RESOLUTION_HOURS: dict[TouchModel, dict[Priority, int]] = {
    "high_touch": {"P1": 4, "P2": 8, "P3": 16, "P4": 40},
    "guided": {"P1": 8, "P2": 16, "P3": 16, "P4": 40},
    "self_serve": {"P1": 16, "P2": 24, "P3": 40, "P4": 40},
}
RCA_BUSINESS_DAYS = 5


def _resolution_basis(ctx: DesignContext) -> Basis:
    ladder = "; ".join(
        f"{TIER_NAMES[t]} " + ", ".join(f"{p} {h} h" for p, h in RESOLUTION_HOURS[t].items()) for t in TIER_ORDER
    )
    return ctx.assume(
        "sla_resolution_targets",
        f"Target resolution in business hours (best effort, not contracted): {ladder}; a root-cause summary "
        f"follows every P1 within {RCA_BUSINESS_DAYS} business days.",
        "No measured benchmark for resolution times exists; vendor policies contract the first response and "
        "treat resolution as best effort (a standard tier resolves in about 2 business days).",
        "What resolution times per priority can your support and engineering teams commit to?",
    )


def _meanings(ctx: DesignContext) -> dict[Priority, str]:
    features = [f.name for f in ctx.project.brief.key_features]
    core = " or ".join(features[:2])
    return {
        "P1": f"{ctx.project.brief.company} down or {core} unusable for the whole account, or data loss",
        "P2": f"A key feature ({', '.join(features)}) broken for some users, with no workaround",
        "P3": "A problem with a workaround, or a question that blocks one user",
        "P4": "How-to question, cosmetic issue or feature request (routed to product feedback)",
    }


def tier_slas(ctx: DesignContext, tier: TouchModel) -> list[Sla]:
    """First response and target resolution for P1-P4, stricter the higher the touch."""
    resolution = _resolution_basis(ctx)
    meanings = _meanings(ctx)
    out = []
    for priority in ("P1", "P2", "P3", "P4"):
        row_id = f"sla_{priority.lower()}_high_touch"
        if tier == "high_touch":
            first = row_figure(ctx, row_id, "low", "strict end for named accounts")
        elif tier == "guided":
            first = row_figure(ctx, row_id, "high", "lenient end for pooled accounts")
        elif priority in ("P1", "P2"):
            first = row_figure(ctx, "sla_standard_first_reply", "median", "standard tier first reply")
        elif priority == "P3":
            first = row_figure(ctx, "email_frt_median", "median", "never slower than the measured email median")
        else:
            first = row_figure(ctx, row_id, "high", "low priority: same as the pooled tier")
        out.append(
            Sla(
                priority=priority,
                data_value=PRIORITY_DATA_VALUE[priority],
                meaning=meanings[priority],
                first_response=first,
                resolution=Figure(value=RESOLUTION_HOURS[tier][priority], unit="business hours", basis=[resolution]),
            )
        )
    return out


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
    if tier == "high_touch" and any(p.band == "enterprise" for p in profiles):
        hours += "; P1 around the clock (24x7 on-call) for enterprise accounts"
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


CSM_MODELS: dict[TouchModel, str] = {
    "high_touch": "Named CSM owns a small book of accounts end to end",
    "guided": "Pooled CSM team shares the segment's accounts; product signals route work to it",
    "self_serve": "Digital CS programme: in-app guides, lifecycle emails and reports; one CSM-equivalent runs it",
}


def _escalation(ctx: DesignContext, tiers: list[SupportTier]) -> list[EscalationStep]:
    by_tier = {t.id: t for t in tiers}
    champions = sorted({s.segment.champion for s in ctx.segments if s.touch != "self_serve"})
    buyers = sorted({s.segment.economic_buyer for s in ctx.segments if s.touch == "high_touch"})
    steps = [
        EscalationStep(
            level=1,
            trigger="A ticket's first-response target is about to be missed",
            owner=SUPPORT_LEAD,
            action="Reassign the ticket and reply; review the queue's staffing weekly",
            within="before the tier's first-response target (see the SLA tables)",
        ),
        EscalationStep(
            level=2,
            trigger="P1 or P2 with no workaround at half its resolution target",
            owner="Support engineer",
            action="Escalate to the engineering on-call with the reproduction and account impact",
            within="at half the resolution target",
        ),
    ]
    managed = [t for t in ("guided", "high_touch") if t in by_tier]
    if managed:
        who = f" ({', '.join(champions)})" if champions else ""
        steps.append(
            EscalationStep(
                level=3,
                trigger=f"P1 or P2 open on a {' or '.join(TIER_NAMES[t].lower() for t in managed)} account",
                owner=" / ".join(CSM_ROLE[t] for t in managed),
                action=f"Tell the champion{who} what is happening and when the next update comes; post every update",
                within="the same business day",
            )
        )
    exec_part = f"; the executive sponsor calls the economic buyer ({', '.join(buyers)})" if buyers else ""
    steps.append(
        EscalationStep(
            level=len(steps) + 1,
            trigger="P1 past its resolution target, or a second P1 on the same account in 30 days",
            owner=f"{HEAD_OF_CS} with the head of engineering",
            action=f"Run the incident review and agree a recovery plan with the account{exec_part}; "
            "send the root-cause summary",
            within=f"root-cause summary within {RCA_BUSINESS_DAYS} business days",
        )
    )
    return steps


def design_support(ctx: DesignContext) -> SupportSection:
    """Support tiers (segments, channels, hours, coverage, SLAs), CSM headcount and the escalation path."""
    groups = segments_by_tier(ctx)
    tiers: list[SupportTier] = []
    for tier, profiles in groups.items():
        hours, hours_basis = _hours(ctx, tier, profiles)
        tiers.append(
            SupportTier(
                id=tier,
                name=TIER_NAMES[tier],
                segments=[p.id for p in profiles],
                segment_names=[p.name for p in profiles],
                csm_model=CSM_MODELS[tier],
                channels=_channels(ctx, tier),
                hours=hours,
                hours_basis=hours_basis,
                coverage=[segment_coverage(ctx, p) for p in profiles],
                slas=tier_slas(ctx, tier),
            )
        )
    coverage = [c for t in tiers for c in t.coverage]
    total = sum(c.csm_fte.value for c in coverage)
    basis: list[Basis] = []
    for c in coverage:
        basis += [b for b in c.csm_fte.basis if b not in basis]
    headcount = Figure(value=math.ceil(round(total, 1)), unit="CSMs", basis=basis)
    parts = [f"{TIER_NAMES[t.id].lower()} for {', '.join(t.segment_names)}" for t in tiers]
    books = "; ".join(f"{c.segment_name} {c.accounts_per_csm.value:,.0f} accounts per CSM" for c in coverage)
    csms = "CSM" if headcount.value == 1 else "CSMs"
    summary = (
        f"{ctx.project.brief.company} runs {len(tiers)} support tier{'s' if len(tiers) > 1 else ''}: "
        f"{'; '.join(parts)}. Coverage: {books}, which needs {headcount.value:,.0f} {csms} for the "
        f"{sum(int(c.expected_accounts.value) for c in coverage):,} accounts expected in 12 months."
    )
    return SupportSection(summary=summary, tiers=tiers, csm_headcount=headcount, escalation=_escalation(ctx, tiers))
