"""Design step *qbr*: review cadence by support tier, agenda, preparation checklist; and their sensitivity."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from cs_architect.design.context import DesignContext
from cs_architect.design.qbr import CADENCE_DAYS, QbrSection, design_qbr
from cs_architect.design.support import design_support
from cs_architect.inputs.personas import Range
from cs_architect.inputs.pricing import Plan
from cs_architect.inputs.project import Project
from cs_architect.render.markdown import render_section

Edit = Callable[..., Project]
MakeCtx = Callable[..., DesignContext]


def qbr(make_ctx: MakeCtx, project: Project) -> tuple[QbrSection, DesignContext]:
    ctx = make_ctx(project)
    return design_qbr(ctx, design_support(ctx)), ctx


def with_acv(project: Project, segment_id: str, low: float, high: float | None) -> Project:
    segs = [
        s.model_copy(update={"acv": Range(min=low, max=high)}) if s.id == segment_id else s
        for s in project.personas.segments
    ]
    return dataclasses.replace(project, personas=project.personas.model_copy(update={"segments": segs}))


def test_cadence_follows_support_tiers(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = qbr(make_ctx, shiftwise)
    regional, growth = section.cadence_of("regional"), section.cadence_of("growth")
    assert regional and growth
    assert (regional.format, regional.every.value) == ("qbr", 90)
    assert (growth.format, growth.every.value) == ("business_review", 180)
    assert "Head of Customer Success (executive sponsor)" in regional.our_attendees
    assert "Regional chains" in section.summary


@pytest.mark.parametrize(
    ("low", "high", "fmt"),
    [
        (12_000, 20_000, "pooled_webinar"),  # smb band: pooled book of 100+ accounts is too big for 1:1 reviews
        (2_000, 6_000, "automated_report"),  # self-serve
        (60_000, 90_000, "qbr"),  # high-touch
    ],
)
def test_acv_band_changes_the_cadence(shiftwise: Project, make_ctx: MakeCtx, low: float, high: float, fmt: str) -> None:
    section, _ = qbr(make_ctx, with_acv(shiftwise, "growth", low, high))
    cadence = section.cadence_of("growth")
    assert cadence is not None and cadence.format == fmt
    assert cadence.every.value == CADENCE_DAYS[cadence.format]


def test_guided_cadence_cites_the_csm_book(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = qbr(make_ctx, shiftwise)
    refs = {b.ref for b in section.cadence_of("growth").every.basis}  # type: ignore[union-attr]
    assert {"review_cadence", "review_capacity", "csm_accounts_mid_market"} <= refs
    assert "review_capacity" not in {b.ref for b in section.cadence_of("regional").every.basis}  # type: ignore[union-attr]


def test_attendees_come_from_personas(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = qbr(make_ctx, shiftwise)
    regional = section.cadence_of("regional")
    assert regional is not None
    assert regional.customer_attendees[:2] == [
        "VP Operations (economic buyer)",
        "Head of workforce management (champion)",
    ]
    segs = [
        s.model_copy(update={"economic_buyer": "Chief Operating Officer"}) if s.id == "regional" else s
        for s in shiftwise.personas.segments
    ]
    changed, _ = qbr(make_ctx, edit(shiftwise, "personas", segments=segs))
    assert "Chief Operating Officer (economic buyer)" in changed.cadence_of("regional").customer_attendees  # type: ignore[union-attr]


def test_agenda_measures_the_company_s_value_events(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = qbr(make_ctx, shiftwise)
    value = section.agenda[0]
    assert value.topic == "Value delivered"
    assert "First rota published to staff" in value.content and "Success criteria" in value.content
    commercial = next(a for a in section.agenda if a.topic == "Renewal and expansion")
    assert "seats" in commercial.content and commercial.owner == "Account executive"
    events = [v.model_copy(update={"name": f"{v.name} (renamed)"}) for v in shiftwise.brief.value_events]
    renamed, _ = qbr(make_ctx, edit(shiftwise, "brief", value_events=events))
    assert "(renamed)" in renamed.agenda[0].content
    usage, _ = qbr(make_ctx, edit(shiftwise, "pricing", pricing_metric="usage", usage_unit="clocked shifts"))
    assert "clocked shifts" in next(a for a in usage.agenda if a.topic == "Renewal and expansion").content


def test_only_formats_in_use_appear(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = qbr(make_ctx, shiftwise)
    used = {c.format for c in section.cadences}
    assert all(set(a.formats) <= used for a in section.agenda)
    assert all(set(p.formats) <= used and p.formats for p in section.preparation)
    assert not [a for a in section.agenda if a.topic == "Recommended next step"]
    assert ctx.assumptions["review_preparation"].question


def test_preparation_checklist_is_ordered_with_owners(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = qbr(make_ctx, shiftwise)
    days = [p.day for p in section.preparation]
    assert days == sorted(days) and days[0] < 0 < days[-1]
    assert all(p.owner and p.task for p in section.preparation)
    assert section.preparation_basis[0].ref == "review_preparation"


def test_all_self_serve_has_reports_and_no_capacity_assumption(shiftwise: Project, make_ctx: MakeCtx) -> None:
    project = with_acv(with_acv(shiftwise, "growth", 1000, 5000), "regional", 2000, 8000)
    section, ctx = qbr(make_ctx, project)
    assert {c.format for c in section.cadences} == {"automated_report"}
    assert "review_capacity" not in ctx.assumptions
    assert [a.topic for a in section.agenda] == ["Value delivered", "Adoption", "Recommended next step"]


def test_render(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = qbr(make_ctx, shiftwise)
    text = render_section("qbr", section)
    assert text.startswith("## QBR cadence\n")
    for needle in (
        "### Agenda",
        "### Preparation checklist",
        "T-14",
        "T+2",
        "90 days",
        "VP Operations",
        "A:review\\_cadence",
    ):
        assert needle in text


def test_renewal_item_follows_the_tier_window_and_the_contract(
    shiftwise: Project, make_ctx: MakeCtx, edit: Edit
) -> None:
    section, ctx = qbr(make_ctx, shiftwise)
    item = next(a for a in section.agenda if a.topic == "Renewal and expansion")
    standard = ctx.benchmarks["renewal_kickoff_standard"].median
    enterprise = ctx.benchmarks["renewal_kickoff_enterprise"].median
    assert f"{enterprise:.0f} days (QBR)" in item.content and f"{standard:.0f} days (business review)" in item.content
    assert {b.ref for b in item.basis} == {"renewal_kickoff_standard", "renewal_kickoff_enterprise"}
    # month-to-month plans have no renewal date: the item talks about the plan and the bill instead
    monthly, _ = qbr(make_ctx, edit(shiftwise, "pricing", contract_months=1, plans=_monthly(shiftwise)))
    topics = [a.topic for a in monthly.agenda]
    assert "Renewal and expansion" not in topics and "Plan and expansion" in topics


def _monthly(project: Project) -> list[Plan]:
    assert project.pricing is not None
    return [p.model_copy(update={"contract_months": None}) for p in project.pricing.plans]


def test_summary_explains_the_guided_format_by_the_csm_book(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = qbr(make_ctx, shiftwise)
    assert "58 Growing multi-site operators accounts means 116 one-to-one reviews a year, within the 130" in (
        section.summary
    )
    pooled, _ = qbr(make_ctx, with_acv(shiftwise, "growth", 12_000, 20_000))
    assert "hence the webinar" in pooled.summary


def test_attendees_are_not_repeated(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    segs = [
        s.model_copy(update={"economic_buyer": "VP Operations or COO"}) if s.id == "regional" else s
        for s in shiftwise.personas.segments
    ]
    personas = [
        p.model_copy(update={"title": "COO", "role": "executive_sponsor", "segments": ["regional"]})
        for p in shiftwise.personas.personas[:1]
    ]
    project = edit(edit(shiftwise, "personas", segments=segs), "personas", personas=personas)
    section, _ = qbr(make_ctx, project)
    regional = section.cadence_of("regional")
    assert regional is not None
    assert not [a for a in regional.customer_attendees if a.startswith("COO")]  # covered by 'VP Operations or COO'
    assert section.format_names == {"business_review": "business review", "qbr": "QBR"}
