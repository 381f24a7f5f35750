"""The CS metrics dashboard: what is measured, how (GLOSSARY definition and formula), by whom, how often,
from which tables, cut by which dimensions, and against which targets.

Targets per segment come from benchmark rows for the segment's ACV band: the median is the target
(the yellow/green boundary), the top quartile (or the better end of a published range) the stretch.
Where a segment row is a rule of thumb, a measured row for the segment's ACV is used as a cross-check.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile
from cs_architect.design.expansion import ExpansionSection
from cs_architect.design.feedback import CSAT_DEFINITION, NPS_DEFINITION
from cs_architect.design.support import CS_OPS, HEAD_OF_CS, SUPPORT_LEAD, BenchField, acv_row, row_figure
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Figure

Direction = Literal["higher", "lower"]


class MetricTarget(Strict):
    segment: str = Field(description="segment id, or 'all'")
    segment_name: str
    target: Figure = Field(description="benchmark median or the typical end of a range: yellow/green boundary")
    stretch: Figure | None = None


class Metric(Strict):
    id: str
    name: str
    definition: str = Field(description="the GLOSSARY definition")
    formula: str
    variants: list[str] = Field(default_factory=list, description="other definitions offered, and when to use them")
    cadence: str
    owner: str
    data: list[str] = Field(description="data-contract table.column the metric reads")
    direction: Direction
    targets: list[MetricTarget] = Field(default_factory=list)
    reference: list[Figure] = Field(default_factory=list, description="thresholds or context figures")
    note: str = ""


class MetricsSection(Strict):
    summary: str
    cuts: list[str] = Field(description="dimensions every metric can be cut by")
    metrics: list[Metric]

    def metric(self, metric_id: str) -> Metric:
        return next(m for m in self.metrics if m.id == metric_id)


def _with_segment(ctx: DesignContext, fig: Figure, profile: SegmentProfile) -> Figure:
    return fig.model_copy(update={"basis": [*fig.basis, ctx.segment_basis(profile)]})


# --- revenue ----------------------------------------------------------------------------------------------
def _nrr(ctx: DesignContext, expansion: ExpansionSection) -> Metric:
    targets = [
        MetricTarget(segment=t.segment, segment_name=t.segment_name, target=t.floor, stretch=t.stretch)
        for t in expansion.targets
    ]
    targets.append(
        MetricTarget(segment="all", segment_name="All segments", target=row_figure(ctx, "nrr_private_median", "median"))
    )
    return Metric(
        id="nrr",
        name="Net revenue retention (trailing 12 months)",
        definition="The cohort of accounts with MRR > 0 twelve months ago: their MRR now divided by their MRR then.",
        formula="NRR = Σ MRR(now) ÷ Σ MRR(12 months ago), over accounts with MRR > 0 twelve months ago",
        variants=[
            "Monthly NRR for month-by-month charts: over accounts active in the previous month, (opening - "
            "contraction - churn + expansion) ÷ opening; reactivation and new are excluded"
        ],
        cadence="Monthly, after the month's MRR is closed",
        owner=HEAD_OF_CS,
        data=["mrr.account_id", "mrr.month", "mrr.mrr", "accounts.segment"],
        direction="higher",
        targets=targets,
        reference=[expansion.expansion_share],
        note="The expansion share of new ARR is shown beside NRR: expansion should bring about that share.",
    )


def _grr_targets(ctx: DesignContext) -> list[MetricTarget]:
    """Target = the segment's GRR row; stretch = the measured median for its ACV when that is higher."""
    out = []
    for p in ctx.segments:
        target = _with_segment(ctx, row_figure(ctx, f"grr_segment_{p.band}", "median"), p)
        cross = acv_row(ctx, "grr_saas_capital_", p.acv)
        stretch = None
        if cross and (ctx.benchmarks[cross].median or 0) > target.value:
            stretch = row_figure(ctx, cross, "median", "measured median for this ACV")
        out.append(MetricTarget(segment=p.id, segment_name=p.name, target=target, stretch=stretch))
    out.append(
        MetricTarget(
            segment="all",
            segment_name="All segments",
            target=row_figure(ctx, "grr_aleph_2026", "median"),
            stretch=row_figure(ctx, "grr_aleph_2026", "top_quartile"),
        )
    )
    return out


def _grr(ctx: DesignContext) -> Metric:
    return Metric(
        id="grr",
        name="Gross revenue retention (trailing 12 months)",
        definition="The cohort of accounts with MRR > 0 twelve months ago: the part of their MRR then that they "
        "still pay, without expansion.",
        formula="GRR = Σ min(MRR now, MRR then) ÷ Σ MRR then, over accounts with MRR > 0 twelve months ago",
        variants=["Monthly GRR: over accounts active in the previous month, (opening - contraction - churn) ÷ opening"],
        cadence="Monthly, after the month's MRR is closed",
        owner=HEAD_OF_CS,
        data=["mrr.account_id", "mrr.month", "mrr.mrr", "accounts.segment"],
        direction="higher",
        targets=_grr_targets(ctx),
    )


def _revenue_churn(ctx: DesignContext, grr: Metric) -> Metric:
    targets = []
    for t in grr.targets:

        def inverse(fig: Figure) -> Figure:
            return Figure(
                value=100 - fig.value,
                unit="%",
                basis=[b.model_copy(update={"note": "100 - GRR"}) if b.kind == "benchmark" else b for b in fig.basis],
            )

        targets.append(
            MetricTarget(
                segment=t.segment,
                segment_name=t.segment_name,
                target=inverse(t.target),
                stretch=inverse(t.stretch) if t.stretch else None,
            )
        )
    return Metric(
        id="revenue_churn",
        name="Revenue churn rate",
        definition="Churned plus contraction MRR in the period divided by the MRR at its start.",
        formula="revenue churn = (churned MRR + contraction MRR) ÷ opening MRR; annual target = 100% - GRR",
        variants=[
            "Monthly, from the MRR movements (new, reactivation, expansion, contraction, churn) that add up "
            "from opening to closing MRR every month"
        ],
        cadence="Monthly",
        owner=HEAD_OF_CS,
        data=["mrr.account_id", "mrr.month", "mrr.mrr"],
        direction="lower",
        targets=targets,
    )


def _logo_churn(ctx: DesignContext) -> Metric:
    targets = []
    for p in ctx.segments:
        row_id = acv_row(ctx, "logo_churn_", p.acv)
        if row_id is None:
            continue
        targets.append(
            MetricTarget(
                segment=p.id,
                segment_name=p.name,
                target=_with_segment(ctx, row_figure(ctx, row_id, "high", "typical range, upper end"), p),
                stretch=row_figure(ctx, row_id, "low", "typical range, lower end"),
            )
        )
    targets.append(
        MetricTarget(
            segment="all", segment_name="All segments", target=row_figure(ctx, "logo_churn_b2b_median", "median")
        )
    )
    variants, reference = [], []
    if ctx.project.pricing and any(p.billing_period == "monthly" for p in ctx.project.pricing.plans):
        variants.append("Monthly logo churn for monthly-billed plans, against the monthly reference below")
        reference.append(row_figure(ctx, "churn_monthly_recurly", "median", "monthly subscriber churn, all industries"))
    return Metric(
        id="logo_churn",
        name="Logo churn rate",
        definition="Accounts that churned in the period divided by the accounts active at its start (trial-only "
        "accounts excluded).",
        formula="logo churn = accounts churned in the period ÷ accounts active at the start",
        variants=variants,
        reference=reference,
        cadence="Monthly, reported as a trailing-12-month rate",
        owner=HEAD_OF_CS,
        data=["accounts.account_id", "accounts.churned_at", "accounts.contract_start", "accounts.segment"],
        direction="lower",
        targets=targets,
    )


# --- customers ---------------------------------------------------------------------------------------------
def _ttv(ctx: DesignContext) -> Metric:
    brief = ctx.project.brief
    activation = brief.activation_event
    idx = brief.value_events.index(activation)
    targets = []
    reference: dict[str, Figure] = {}
    for p in ctx.segments:
        stretch_field: BenchField
        target_field: BenchField
        if p.touch == "self_serve":
            row_id, stretch_field, target_field = "ttv_plg_days", "top_quartile", "median"
        else:
            row_id, stretch_field, target_field = f"ttfv_{p.band}_days", "low", "high"
        stretch = row_figure(ctx, row_id, stretch_field)
        reference.setdefault(
            row_id,
            row_figure(
                ctx,
                row_id,
                target_field,
                f"typical for {p.band.replace('_', '-')}" if p.touch != "self_serve" else "product-led median",
            ),
        )
        if activation.target_day is not None:
            target = Figure(
                value=activation.target_day, unit="days", basis=[ctx.inp("brief", ("value_events", idx, "target_day"))]
            )
        else:
            target = _with_segment(ctx, row_figure(ctx, row_id, target_field), p)
        targets.append(
            MetricTarget(
                segment=p.id,
                segment_name=p.name,
                target=target,
                stretch=stretch if stretch.value < target.value else None,
            )
        )
    return Metric(
        id="ttv",
        name="Time to value",
        definition=f"Days from contract start (self-serve: sign-up) to the first time the activation milestone "
        f"('{activation.name}', event {activation.event}) is verified in data. Never negative; an account "
        "not yet activated has no TTV and is shown as 'not yet' with its age.",
        formula=f"TTV = the day the account's '{activation.event}' events reach {activation.count} - "
        "accounts.contract_start (accounts.created_at for self-serve)",
        variants=["Median and 80th percentile per cohort month; the share activated by the target day"],
        cadence="Weekly, per cohort of new accounts",
        owner="Onboarding lead",
        data=["events.account_id", "events.event", "events.ts", "accounts.contract_start", "accounts.created_at"],
        direction="lower",
        targets=targets,
        reference=list(reference.values()),
    )


def _health_distribution(ctx: DesignContext) -> Metric:
    healthy = row_figure(ctx, "health_bands_common", "high", "healthy from")
    at_risk = row_figure(ctx, "health_bands_common", "low", "at risk from")
    return Metric(
        id="health_distribution",
        name="Health distribution",
        definition="Share of accounts, and of ARR, in each health band: healthy if score >= 70, at risk if 40 <= "
        "score < 70, critical if < 40, with the coverage of each score shown beside it.",
        formula="share in band = accounts (or ARR) in the band ÷ all scored accounts (or ARR)",
        variants=["By ARR as well as by account count; with the change since the previous week"],
        cadence="Weekly (scores are computed daily)",
        owner=CS_OPS,
        data=["health scores (engine results store)", "accounts.arr", "accounts.segment"],
        direction="higher",
        reference=[healthy, at_risk],
        note="No published benchmark for the distribution exists; the trend of ARR in the critical band is the "
        "number to watch.",
    )


def _nps(ctx: DesignContext) -> Metric:
    targets = [
        MetricTarget(
            segment=p.id,
            segment_name=p.name,
            target=_with_segment(ctx, row_figure(ctx, f"nps_{p.band}", "median"), p),
            stretch=row_figure(ctx, "nps_b2b_saas", "top_quartile"),
        )
        for p in ctx.segments
    ]
    targets.append(
        MetricTarget(
            segment="all",
            segment_name="All segments",
            target=row_figure(ctx, "nps_b2b_saas", "median"),
            stretch=row_figure(ctx, "nps_b2b_saas", "top_quartile"),
        )
    )
    return Metric(
        id="nps",
        name="Net Promoter Score (relationship)",
        definition=NPS_DEFINITION,
        formula="NPS = % of respondents scoring 9-10 - % scoring 0-6 (each respondent's latest answer in the window)",
        variants=["Account NPS (for health) over 180 days; company NPS per survey wave"],
        cadence="Per survey wave, and a rolling 180 days",
        owner=CS_OPS,
        data=["surveys.account_id", "surveys.user_id", "surveys.ts", "surveys.kind", "surveys.score"],
        direction="higher",
        targets=targets,
    )


def _csat(ctx: DesignContext) -> Metric:
    return Metric(
        id="csat",
        name="CSAT (support)",
        definition=CSAT_DEFINITION,
        formula="CSAT = responses of 4-5 ÷ all responses",
        variants=["By support tier and ticket priority"],
        cadence="Weekly, over the last 90 days",
        owner=SUPPORT_LEAD,
        data=["tickets.csat", "tickets.priority", "tickets.resolved_at", "surveys.kind = csat"],
        direction="higher",
        targets=[
            MetricTarget(
                segment="all",
                segment_name="All segments",
                target=row_figure(ctx, "csat_b2b_support", "median"),
                stretch=row_figure(ctx, "csat_b2b_support", "top_quartile"),
            )
        ],
    )


def design_metrics(ctx: DesignContext, expansion: ExpansionSection) -> MetricsSection:
    """The CS dashboard: NRR, GRR, logo and revenue churn, TTV, health distribution, NPS and CSAT."""
    grr = _grr(ctx)
    metrics = [
        _nrr(ctx, expansion),
        grr,
        _logo_churn(ctx),
        _revenue_churn(ctx, grr),
        _ttv(ctx),
        _health_distribution(ctx),
        _nps(ctx),
        _csat(ctx),
    ]
    pricing = ctx.project.pricing
    cuts = [f"segment (accounts.segment: {', '.join(p.id for p in ctx.segments)})"]
    if pricing:
        cuts.append(f"plan (accounts.plan: {', '.join(p.id for p in pricing.plans)})")
    cuts += ["CSM (accounts.owner)", "cohort month (accounts.contract_start)", "billing (accounts.billing)"]
    nrr = ", ".join(f"{t.segment_name} {t.floor.value:.0f}%" for t in expansion.targets)
    summary = (
        f"{ctx.project.brief.company}'s CS dashboard tracks {len(metrics)} metrics with one definition each, "
        f"cut by segment ({', '.join(p.name for p in ctx.segments)}). NRR targets: {nrr}."
    )
    return MetricsSection(summary=summary, cuts=cuts, metrics=metrics)
