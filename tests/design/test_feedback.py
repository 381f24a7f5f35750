"""Design step *feedback*: NPS program, CSAT, product feedback routing, follow-up rules; and their sensitivity."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from cs_architect.design.context import DesignContext
from cs_architect.design.feedback import FeedbackSection, design_feedback
from cs_architect.inputs.personas import Range
from cs_architect.inputs.project import Project
from cs_architect.render.markdown import render_section
from cs_architect.spec.signals import SIGNAL_KINDS

Edit = Callable[..., Project]
MakeCtx = Callable[..., DesignContext]


def feedback(make_ctx: MakeCtx, project: Project) -> tuple[FeedbackSection, DesignContext]:
    ctx = make_ctx(project)
    return design_feedback(ctx), ctx


def with_acv(project: Project, segment_id: str, low: float, high: float | None) -> Project:
    segs = [
        s.model_copy(update={"acv": Range(min=low, max=high)}) if s.id == segment_id else s
        for s in project.personas.segments
    ]
    return dataclasses.replace(project, personas=project.personas.model_copy(update={"segments": segs}))


def test_nps_targets_follow_the_segment_band(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = feedback(make_ctx, shiftwise)
    by_segment = {t.segment: t for t in section.nps.targets}
    assert by_segment["growth"].target.value == ctx.benchmarks["nps_mid_market"].median
    assert by_segment["all"].stretch and by_segment["all"].stretch.value == ctx.benchmarks["nps_b2b_saas"].top_quartile
    ent, ctx2 = feedback(make_ctx, with_acv(shiftwise, "growth", 150_000, 300_000))
    assert (
        next(t for t in ent.nps.targets if t.segment == "growth").target.value
        == ctx2.benchmarks["nps_enterprise"].median
    )


def test_nps_uses_the_glossary_definition(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = feedback(make_ctx, shiftwise)
    for phrase in ("promoters answer 9-10", "detractors 0-6", "with n", "no data"):
        assert phrase in section.nps.definition
    assert "top-box" in section.csat.definition.lower() or "Top-box" in section.csat.definition


def test_who_is_surveyed_follows_personas_and_tier(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = feedback(make_ctx, shiftwise)
    regional = next(a for a in section.nps.audiences if a.segment == "regional")
    growth = next(a for a in section.nps.audiences if a.segment == "growth")
    assert "VP Operations (economic buyer)" in regional.who
    assert "Head of workforce management (champion)" in regional.who
    assert not any("economic buyer" in w for w in growth.who)
    small, _ = feedback(make_ctx, with_acv(shiftwise, "growth", 2000, 6000))
    assert next(a for a in small.nps.audiences if a.segment == "growth").channel == "In-app survey"


def test_first_survey_avoids_onboarding(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = feedback(make_ctx, shiftwise)
    assert {a.first_survey_day.value for a in section.nps.audiences} == {90}
    # a self-serve segment may be asked from day 30, but not before its last value event (day 45) is due
    small, _ = feedback(make_ctx, with_acv(shiftwise, "growth", 2000, 6000))
    growth = next(a for a in small.nps.audiences if a.segment == "growth")
    assert growth.first_survey_day.value == 45
    assert growth.first_survey_day.basis[-1].kind == "input"
    events = [
        v.model_copy(update={"target_day": 120}) if v.id == "first_payroll_export" else v
        for v in shiftwise.brief.value_events
    ]
    late, _ = feedback(make_ctx, edit(shiftwise, "brief", value_events=events))
    assert {a.first_survey_day.value for a in late.nps.audiences} == {120}


def test_existing_survey_changes_the_status(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    unknown, ctx = feedback(make_ctx, shiftwise)
    assert "nps_survey_unknown" in ctx.assumptions and unknown.nps.status.startswith("Assumed")
    exists, ctx2 = feedback(make_ctx, edit(shiftwise, "brief", nps_survey_exists=True))
    assert "keep it" in exists.nps.status and "nps_survey_unknown" not in ctx2.assumptions
    none, _ = feedback(make_ctx, edit(shiftwise, "brief", nps_survey_exists=False))
    assert none.nps.status.startswith("No survey runs today")


def test_csat_targets_and_rules(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = feedback(make_ctx, shiftwise)
    target = section.csat.targets[0]
    row = ctx.benchmarks["csat_b2b_support"]
    assert (target.target.value, target.stretch.value if target.stretch else None) == (row.median, row.top_quartile)
    assert "Shiftwise" in section.csat.question
    assert "CSM is told" in section.csat.low_score_rule


def test_feedback_routes_follow_key_features(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = feedback(make_ctx, shiftwise)
    tags = [r.tag for r in section.product_feedback.routes]
    assert tags == [f.id for f in shiftwise.brief.key_features] + ["integrations", "new_capability"]
    assert section.product_feedback.triage_within.basis[0].ref == "feedback_triage"
    bare, _ = feedback(make_ctx, edit(shiftwise, "brief", integrations=[]))
    assert "integrations" not in [r.tag for r in bare.product_feedback.routes]


def test_detractor_follow_up_by_tier(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = feedback(make_ctx, shiftwise)
    rules = {r.segments[0]: r for r in section.follow_ups if r.name.startswith("Detractor")}
    assert set(rules) == {"growth", "regional"}
    assert rules["regional"].within and rules["growth"].within
    assert rules["regional"].within.value < rules["growth"].within.value
    assert rules["regional"].owner == "Named CSM"
    for r in section.follow_ups:
        assert r.condition.kind in SIGNAL_KINDS
        assert set(r.condition.params) <= set(SIGNAL_KINDS[r.condition.kind].params)
    promoter = section.follow_ups[-1]
    assert promoter.condition.kind == "nps" and promoter.basis[0].ref == "nps_b2b_saas"


def test_render(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = feedback(make_ctx, shiftwise)
    text = render_section("feedback", section)
    assert text.startswith("## Feedback loop\n")
    for needle in (
        "### Relationship NPS",
        "### CSAT after each ticket",
        "### Product feedback routing",
        "### Follow-up rules",
        "rota\\_builder",
        "B:nps\\_mid\\_market",
        "Regional chains",
    ):
        assert needle in text


def test_quiet_period_only_for_segments_with_a_renewal_date(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = feedback(make_ctx, shiftwise)
    assert section.nps.quiet_applies_to == "Growing multi-site operators and Regional chains"
    assert section.nps.no_renewal_date == ""
    assert shiftwise.pricing is not None
    team, business = shiftwise.pricing.plans
    monthly = edit(shiftwise, "pricing", plans=[team.model_copy(update={"contract_months": 1}), business])
    changed, _ = feedback(make_ctx, monthly)
    assert changed.nps.quiet_applies_to == "Regional chains"
    assert changed.nps.no_renewal_date == "Growing multi-site operators"
    assert "renews month to month" in render_section("feedback", changed)


def test_company_nps_target_blends_the_segments(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = feedback(make_ctx, with_acv(shiftwise, "growth", 2000, 6000))
    by = {t.segment: t.target.value for t in section.nps.targets}
    weights = {p.id: p.segment.expected_accounts for p in ctx.segments}
    expected = sum(by[k] * w for k, w in weights.items()) / sum(weights.values())
    assert by["growth"] != by["regional"]  # smb and mid-market medians differ
    assert by["all"] == round(expected) and min(by["growth"], by["regional"]) <= by["all"] <= max(by.values())
