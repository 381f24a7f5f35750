"""Design step *metrics*: the CS dashboard spec (definitions, owners, data, targets); plus a run of the six
commercial steps (expansion, support, qbr, feedback, renewal, metrics) over every bundled example."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from cs_architect.design.context import DesignContext
from cs_architect.design.expansion import design_expansion
from cs_architect.design.feedback import design_feedback
from cs_architect.design.metrics import MetricsSection, design_metrics
from cs_architect.design.qbr import design_qbr
from cs_architect.design.renewal import design_renewal
from cs_architect.design.support import design_support
from cs_architect.inputs import load_project
from cs_architect.inputs.personas import Range
from cs_architect.inputs.project import Project
from cs_architect.render.markdown import render_section

Edit = Callable[..., Project]
MakeCtx = Callable[..., DesignContext]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONTRACT_TABLES = {"accounts", "mrr", "users", "events", "tickets", "surveys", "payments", "touchpoints"}


def metrics(make_ctx: MakeCtx, project: Project) -> tuple[MetricsSection, DesignContext]:
    ctx = make_ctx(project)
    return design_metrics(ctx, design_expansion(ctx)), ctx


def with_acv(project: Project, segment_id: str, low: float, high: float | None) -> Project:
    segs = [
        s.model_copy(update={"acv": Range(min=low, max=high)}) if s.id == segment_id else s
        for s in project.personas.segments
    ]
    return dataclasses.replace(project, personas=project.personas.model_copy(update={"segments": segs}))


def target(section: MetricsSection, metric: str, segment: str):  # type: ignore[no-untyped-def]
    return next(t for t in section.metric(metric).targets if t.segment == segment)


def test_dashboard_has_every_metric_with_owner_cadence_and_data(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = metrics(make_ctx, shiftwise)
    assert [m.id for m in section.metrics] == [
        "nrr",
        "grr",
        "logo_churn",
        "revenue_churn",
        "ttv",
        "health_distribution",
        "nps",
        "csat",
    ]
    for m in section.metrics:
        assert m.definition and m.formula and m.cadence and m.owner and m.data
        tables = {d.split(".")[0] for d in m.data if "." in d}
        assert tables <= CONTRACT_TABLES, (m.id, tables)
    assert "growth = Growing multi-site operators" in section.cuts[0] and "team = Team" in section.cuts[1]
    assert "Growing multi-site operators" in section.summary


def test_nrr_is_trailing_12_months_with_a_monthly_variant(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = metrics(make_ctx, shiftwise)
    nrr = section.metric("nrr")
    assert "twelve months ago" in nrr.definition and "Monthly NRR" in nrr.variants[0]
    expansion = design_expansion(make_ctx(shiftwise))
    for t in expansion.targets:
        assert target(section, "nrr", t.segment).target == t.floor
    assert section.metric("nrr").reference[0].basis[0].ref == "nrr_private_median"  # shown beside, not the target


def test_company_targets_blend_the_segment_targets(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = metrics(make_ctx, shiftwise)
    arr = {p.id: p.segment.expected_accounts * p.acv for p in ctx.segments}
    for metric_id in ("nrr", "grr"):
        seg = {p.id: target(section, metric_id, p.id).target.value for p in ctx.segments}
        blended = sum(seg[k] * arr[k] for k in arr) / sum(arr.values())
        assert target(section, metric_id, "all").target.value == round(blended)
        assert min(seg.values()) <= target(section, metric_id, "all").target.value <= max(seg.values())
    assert target(section, "revenue_churn", "all").target.value == 100 - target(section, "grr", "all").target.value
    # more accounts in the enterprise-priced segment pull the company NRR target toward its floor
    segs = [
        s.model_copy(update={"expected_accounts": 1}) if s.id == "growth" else s for s in shiftwise.personas.segments
    ]
    ent = with_acv(edit(shiftwise, "personas", segments=segs), "regional", 150_000, 300_000)
    moved, ctx2 = metrics(make_ctx, ent)
    assert target(moved, "nrr", "all").target.value > target(section, "nrr", "all").target.value
    assert abs(target(moved, "nrr", "all").target.value - ctx2.benchmarks["nrr_segment_enterprise"].median) <= 1
    logo = {p.id: target(section, "logo_churn", p.id).target.value for p in ctx.segments}
    accounts = {p.id: p.segment.expected_accounts for p in ctx.segments}
    expected = sum(logo[k] * accounts[k] for k in logo) / sum(accounts.values())
    assert target(section, "logo_churn", "all").target.value == round(expected)
    assert target(section, "nps", "all").target == design_feedback(make_ctx(shiftwise)).nps.targets[-1].target


def test_segment_band_changes_targets(shiftwise: Project, make_ctx: MakeCtx) -> None:
    base, _ = metrics(make_ctx, shiftwise)
    ent, ctx = metrics(make_ctx, with_acv(shiftwise, "growth", 150_000, 300_000))
    assert target(ent, "nrr", "growth").target.value == ctx.benchmarks["nrr_segment_enterprise"].median
    assert target(ent, "grr", "growth").target.value == ctx.benchmarks["grr_segment_enterprise"].median
    assert target(ent, "logo_churn", "growth").target.value < target(base, "logo_churn", "growth").target.value
    assert target(ent, "nps", "growth").target.value == ctx.benchmarks["nps_enterprise"].median


def test_grr_and_revenue_churn_are_consistent(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = metrics(make_ctx, shiftwise)
    growth = target(section, "grr", "growth")
    assert growth.target.value == ctx.benchmarks["grr_segment_mid_market"].median
    assert growth.stretch and growth.stretch.basis[0].ref == "grr_saas_capital_25_50k"
    for g in section.metric("grr").targets:
        churn = target(section, "revenue_churn", g.segment)
        assert churn.target.value == 100 - g.target.value
        assert (churn.stretch is None) == (g.stretch is None)


def test_logo_churn_row_follows_acv(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = metrics(make_ctx, shiftwise)
    assert target(section, "logo_churn", "growth").target.basis[0].ref == "logo_churn_mid_market"
    small, _ = metrics(make_ctx, with_acv(shiftwise, "growth", 2000, 6000))
    t = target(small, "logo_churn", "growth")
    assert t.target.basis[0].ref == "logo_churn_smb" and t.stretch and t.stretch.value < t.target.value
    refs = [f.basis[0].ref for f in section.metric("logo_churn").reference]
    assert "churn_monthly_recurly" in refs  # Team bills monthly


def test_every_benchmark_uses_the_segments_acv_band(pipestream: Project, make_ctx: MakeCtx) -> None:
    """Scale-ups (typical ACV 15,000) are smb: smb rows for NRR, GRR and logo churn alike, although the
    logo-churn rows' own ACV ranges would put 15,000 in mid-market."""
    section, ctx = metrics(make_ctx, pipestream)
    band = next(p.band for p in ctx.segments if p.id == "scale_ups")
    assert band == "smb"
    for metric, prefix in (("nrr", "nrr_segment_"), ("grr", "grr_segment_"), ("logo_churn", "logo_churn_")):
        refs = [b.ref for b in target(section, metric, "scale_ups").target.basis if b.kind == "benchmark"]
        assert refs == [f"{prefix}{band}"], metric


def test_ttv_target_comes_from_the_activation_event(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = metrics(make_ctx, shiftwise)
    assert target(section, "ttv", "growth").target.value == 14
    assert target(section, "ttv", "growth").target.basis[0].kind == "input"
    assert "rota.published" in section.metric("ttv").definition
    events = [v.model_copy(update={"target_day": None}) if v.activation else v for v in shiftwise.brief.value_events]
    fallback, ctx = metrics(make_ctx, edit(shiftwise, "brief", value_events=events))
    t = target(fallback, "ttv", "growth")
    assert t.target.value == ctx.benchmarks["ttfv_mid_market_days"].high
    assert t.stretch and t.stretch.value == ctx.benchmarks["ttfv_mid_market_days"].low


def test_ttv_targets_and_benchmarks_agree_with_onboarding(pipestream: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    """One formatting for a benchmark (1.5 days, as published) and one rounding for a target derived from
    it (whole days, as onboarding sets it)."""
    from cs_architect.design.onboarding import design_onboarding

    events = [v.model_copy(update={"target_day": None}) if v.activation else v for v in pipestream.brief.value_events]
    for project in (pipestream, edit(pipestream, "brief", value_events=events)):
        section, ctx = metrics(make_ctx, project)
        onboarding = design_onboarding(ctx)
        refs = {f.basis[0].ref: f.value for f in section.metric("ttv").reference}
        for m in onboarding.motions:
            assert refs[m.ttv_benchmark.basis[0].ref] == m.ttv_benchmark.value
            assert target(section, "ttv", m.segment).target.value == m.ttv_target.value
        builders = next(m for m in onboarding.motions if m.segment == "builders")
        assert builders.ttv_benchmark.value == 1.5  # not rounded up to 2 days


def test_health_nps_csat_definitions(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = metrics(make_ctx, shiftwise)
    health = section.metric("health_distribution")
    assert [f.value for f in health.reference] == [70, 40]
    assert "score >= 70" in health.definition
    assert "promoters answer 9-10" in section.metric("nps").definition
    csat = section.metric("csat").targets[0]
    assert (csat.target.value, csat.stretch.value if csat.stretch else None) == (78, 85)


def test_render(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = metrics(make_ctx, shiftwise)
    text = render_section("metrics", section)
    assert text.startswith("## CS metrics dashboard\n")
    for needle in (
        "### Net revenue retention (trailing 12 months)",
        "### Time to value",
        "Head of Customer Success",
        "mrr.mrr",
        "B:grr\\_aleph\\_2026",
        "Regional chains",
    ):
        assert needle in text


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if (p / "brief.yaml").exists()))
def test_examples_compile_render_and_stay_deterministic(example: str, make_ctx: MakeCtx) -> None:
    project = load_project(EXAMPLES / example)

    def run() -> dict[str, object]:
        ctx = make_ctx(project)
        support = design_support(ctx)
        expansion = design_expansion(ctx)
        sections = {
            "expansion": expansion,
            "support": support,
            "qbr": design_qbr(ctx, support),
            "feedback": design_feedback(ctx),
            "renewal": design_renewal(ctx, support),
            "metrics": design_metrics(ctx, expansion),
        }
        for step, section in sections.items():
            text = render_section(step, section)
            assert text.startswith("## ") and project.brief.company in section.summary  # type: ignore[attr-defined]
        for b in ctx.benchmarks_used:
            assert b in ctx.benchmarks
        return {k: v.model_dump() for k, v in sections.items()}  # type: ignore[attr-defined]

    assert run() == run()
