"""The CS metrics dashboard: what is measured, how (GLOSSARY definition and formula), by whom, how often,
from which tables, cut by which dimensions, and against which targets.

Targets per segment come from benchmark rows for the segment's ACV band: the median is the target
(the yellow/green boundary), the top quartile (or the better end of a published range) the stretch.
Where a segment row is a rule of thumb, a measured row for the segment's ACV is used as a cross-check.
The company-wide ('all segments') target is the blend of the segment targets, weighted by expected
ARR (NRR, GRR, revenue churn) or expected accounts (logo churn, NPS), so it never contradicts them;
the published all-company median is shown beside it as a reference.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile
from cs_architect.design.cs_team import CS_OPS, HEAD_OF_CS, SUPPORT_LEAD
from cs_architect.design.expansion import ExpansionSection
from cs_architect.design.feedback import CSAT_DEFINITION, NPS_DEFINITION, nps_targets
from cs_architect.design.figures import BenchField, acv_row, blend, figure, row_figure
from cs_architect.design.time_to_value import activation_target, ttv_benchmark, ttv_benchmark_row
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure

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
    better_when: str = Field(default="", description="what 'better' means when the direction alone does not say")
    targets: list[MetricTarget] = Field(default_factory=list)
    reference: list[Figure] = Field(default_factory=list, description="thresholds or context figures")
    note: str = ""


class MetricsSection(Strict):
    summary: str
    cuts: list[str] = Field(description="dimensions every metric can be cut by")
    metrics: list[Metric]

    def metric(self, metric_id: str) -> Metric:
        """The metric with this id."""
        return next(m for m in self.metrics if m.id == metric_id)

    def company_target(self, metric_id: str) -> MetricTarget | None:
        """The 'all segments' target of a metric, if it has one."""
        return next((t for t in self.metric(metric_id).targets if t.segment == "all"), None)


def _reference(fig: Figure, note: str) -> Figure:
    """A context figure with the note the dashboard shows beside it."""
    first = fig.basis[0].model_copy(update={"note": note})
    return fig.model_copy(update={"basis": [first, *fig.basis[1:]]})


def _weights(ctx: DesignContext, by: str) -> tuple[list[float], list[Basis]]:
    """Per segment: expected accounts ('accounts') or expected ARR = accounts × typical ACV ('arr')."""
    weights = [p.segment.expected_accounts * (p.acv if by == "arr" else 1.0) for p in ctx.segments]
    note = "expected accounts and ACV per segment" if by == "arr" else "expected accounts per segment"
    return weights, [ctx.inp("personas", ("segments",), note)]


def _company(
    ctx: DesignContext, targets: list[MetricTarget], by: str, fallback: Figure, fallback_stretch: Figure | None = None
) -> MetricTarget:
    """The all-segments target: the segment targets (and stretches) blended by ``by``; ``fallback`` if no weight."""
    weights, basis = _weights(ctx, by)
    w = dict(zip((p.id for p in ctx.segments), weights, strict=True))
    note = f"segment targets weighted by expected {'ARR' if by == 'arr' else 'accounts'}"
    target = blend([(t.target, w[t.segment]) for t in targets], note, basis)
    stretch = None
    if all(t.stretch for t in targets):
        stretch = blend([(t.stretch, w[t.segment]) for t in targets if t.stretch], note, basis)
    if target is None:
        return MetricTarget(segment="all", segment_name="All segments", target=fallback, stretch=fallback_stretch)
    return MetricTarget(segment="all", segment_name="All segments", target=target, stretch=stretch)


def _with_segment(ctx: DesignContext, fig: Figure, profile: SegmentProfile) -> Figure:
    return fig.model_copy(update={"basis": [*fig.basis, ctx.segment_basis(profile)]})


# --- revenue ----------------------------------------------------------------------------------------------
def _nrr(ctx: DesignContext, expansion: ExpansionSection) -> Metric:
    targets = [
        MetricTarget(segment=t.segment, segment_name=t.segment_name, target=t.floor, stretch=t.stretch)
        for t in expansion.targets
    ]
    private = row_figure(ctx, "nrr_private_median", "median")
    targets.append(_company(ctx, targets, "arr", private))
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
        reference=[
            _reference(private, "median NRR of private SaaS companies"),
            _reference(expansion.expansion_share, "share of new ARR that expansion should bring"),
        ],
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
        _company(
            ctx,
            out,
            "arr",
            row_figure(ctx, "grr_aleph_2026", "median"),
            row_figure(ctx, "grr_aleph_2026", "top_quartile"),
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
        reference=[_reference(row_figure(ctx, "grr_aleph_2026", "median"), "median GRR across SaaS companies")],
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
        # The segment's ACV band, as for NRR and GRR, so one segment is never smb for one metric and
        # mid-market for another.
        row_id = f"logo_churn_{p.band}"
        targets.append(
            MetricTarget(
                segment=p.id,
                segment_name=p.name,
                target=_with_segment(ctx, row_figure(ctx, row_id, "high", "typical range, upper end"), p),
                stretch=row_figure(ctx, row_id, "low", "typical range, lower end"),
            )
        )
    b2b = row_figure(ctx, "logo_churn_b2b_median", "median")
    targets.append(_company(ctx, targets, "accounts", b2b))
    variants, reference = [], [_reference(b2b, "median annual logo churn, B2B SaaS")]
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
def _days_or_hours(fig: Figure) -> Figure:
    """Under a day reads better in hours (0.17 days -> 4 hours)."""
    if fig.unit == "days" and fig.value < 1:
        return figure(round(fig.value * 24), "hours", fig.basis)
    return fig


def _in_days(fig: Figure) -> float:
    return fig.value / 24 if fig.unit.startswith("hour") else fig.value


def _ttv(ctx: DesignContext) -> Metric:
    brief = ctx.project.brief
    activation = brief.activation_event
    targets = []
    reference: dict[str, Figure] = {}
    typical: dict[str, Figure] = {}
    for p in ctx.segments:
        # The onboarding section's target and benchmark for the segment, so the two sections agree.
        row_id = ttv_benchmark_row(ctx, p)
        stretch_field: BenchField = "top_quartile" if row_id == "ttv_plg_days" else "low"
        stretch = _days_or_hours(row_figure(ctx, row_id, stretch_field))
        typical[p.id] = reference.setdefault(row_id, ttv_benchmark(ctx, p))
        target = activation_target(ctx, p)
        targets.append(
            MetricTarget(
                segment=p.id,
                segment_name=p.name,
                target=target,
                stretch=stretch if _in_days(stretch) < target.value else None,
            )
        )
    note = ""
    if activation.target_day is not None:
        # One activation target day for every segment, so the company target is that day.
        targets.append(MetricTarget(segment="all", segment_name="All segments", target=targets[0].target))
        slow = [
            (p.name, typical[p.id].value)
            for p in ctx.segments
            if p.id in typical and typical[p.id].value < activation.target_day
        ]
        if slow:
            note = (
                f"The day-{activation.target_day} activation target is slower than typical for "
                + "; ".join(f"{n} ({v:g} days)" for n, v in slow)
                + "; review their onboarding milestones against it."
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
        note=note,
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
        better_when="more accounts and ARR in the healthy band",
        reference=[healthy, at_risk],
        note="No published benchmark for the distribution exists; the trend of ARR in the critical band is the "
        "number to watch.",
    )


def _nps(ctx: DesignContext) -> Metric:
    # The same targets as the feedback loop's NPS program, so the two sections agree.
    targets = [
        MetricTarget(segment=t.segment, segment_name=t.segment_name, target=t.target, stretch=t.stretch)
        for t in nps_targets(ctx)
    ]
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
    cuts = ["segment (accounts.segment: " + "; ".join(f"{p.id} = {p.name}" for p in ctx.segments) + ")"]
    if pricing:
        cuts.append("plan (accounts.plan: " + "; ".join(f"{p.id} = {p.name}" for p in pricing.plans) + ")")
    cuts += ["CSM (accounts.owner)", "cohort month (accounts.contract_start)", "billing (accounts.billing)"]
    return MetricsSection(summary=_summary(ctx, expansion, metrics), cuts=cuts, metrics=metrics)


def _summary(ctx: DesignContext, expansion: ExpansionSection, metrics: list[Metric]) -> str:
    brief = ctx.project.brief
    by_id = {m.id: m for m in metrics}
    nrr_all = next(t for t in by_id["nrr"].targets if t.segment == "all")
    floors = "; ".join(f"{t.segment_name} {t.floor.value:.0f}%" for t in expansion.targets)
    activation = brief.activation_event
    due = f" by day {activation.target_day}" if activation.target_day is not None else ""
    return (
        f"{brief.company} steers CS by net revenue retention: {nrr_all.target.value:.0f}% across the company, "
        f"blended from the segment floors ({floors}), with GRR and logo and revenue churn beside it. Time to "
        f"'{activation.name}'{due}, the health distribution, NPS and CSAT are the leading indicators. The "
        f"{HEAD_OF_CS} reviews the dashboard monthly once MRR is closed; {CS_OPS} owns the data and the "
        "definitions below."
    )
