"""Design step *support*: tiers, CSM coverage and headcount, SLAs by priority, escalation; and their sensitivity."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from cs_architect.design.context import DesignContext
from cs_architect.design.cs_team import distinct_titles, join_names, role_in_sentence, seller_role, seller_title
from cs_architect.design.figures import quantity, round_sig
from cs_architect.design.support import (
    CSM_ROLE,
    SupportSection,
    coverage_row,
    design_support,
)
from cs_architect.inputs.personas import Range
from cs_architect.inputs.project import Project
from cs_architect.render.markdown import render_section

Edit = Callable[..., Project]
MakeCtx = Callable[..., DesignContext]


def with_acv(project: Project, segment_id: str, low: float, high: float | None) -> Project:
    segs = [
        s.model_copy(update={"acv": Range(min=low, max=high)}) if s.id == segment_id else s
        for s in project.personas.segments
    ]
    return dataclasses.replace(project, personas=project.personas.model_copy(update={"segments": segs}))


def support(make_ctx: MakeCtx, project: Project) -> tuple[SupportSection, DesignContext]:
    ctx = make_ctx(project)
    return design_support(ctx), ctx


def test_segments_map_to_tiers_by_touch_model(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = support(make_ctx, shiftwise)
    assert [(t.id, t.segments) for t in section.tiers] == [("guided", ["growth"]), ("high_touch", ["regional"])]
    assert "named CSM" in section.tier_of("regional").csm_model  # type: ignore[union-attr]
    assert "11 accounts" in section.tier_of("regional").csm_model  # type: ignore[union-attr]
    assert "Shiftwise" in section.summary and "Regional chains" in section.summary


def test_accounts_per_csm_is_arr_per_csm_over_acv_within_the_row_range(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, ctx = support(make_ctx, shiftwise)
    arr = ctx.benchmarks["csm_arr_per_csm"]
    assert arr.low is not None and arr.high is not None
    growth, regional = ctx.segments
    # guided carries the midpoint of the ARR-per-CSM range, high-touch the low end
    assert section.coverage_of("growth").accounts_per_csm.value == round((arr.low + arr.high) / 2 / growth.acv)  # type: ignore[union-attr]
    assert section.coverage_of("regional").accounts_per_csm.value == round(arr.low / regional.acv)  # type: ignore[union-attr]
    refs = {b.ref for b in section.coverage_of("regional").accounts_per_csm.basis}  # type: ignore[union-attr]
    assert {"csm_accounts_acv_50k_plus", "csm_arr_per_csm"} <= refs


def test_acv_band_changes_the_csm_ratio(shiftwise: Project, make_ctx: MakeCtx) -> None:
    base, _ = support(make_ctx, shiftwise)
    small, ctx_small = support(make_ctx, with_acv(shiftwise, "growth", 2000, 6000))
    big, ctx_big = support(make_ctx, with_acv(shiftwise, "growth", 200_000, 400_000))
    ratio = {
        name: s.coverage_of("growth").accounts_per_csm.value  # type: ignore[union-attr]
        for name, s in (("base", base), ("small", small), ("big", big))
    }
    assert ratio["small"] > ratio["base"] > ratio["big"]
    assert small.tier_of("growth").id == "self_serve"  # type: ignore[union-attr]
    assert "csm_accounts_digital" in ctx_small.benchmarks_used
    assert big.tier_of("growth").id == "high_touch"  # type: ignore[union-attr]
    assert "csm_accounts_enterprise" in ctx_big.benchmarks_used


def test_headcount_follows_expected_accounts(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = support(make_ctx, shiftwise)
    fte = [c.csm_fte.value for t in section.tiers for c in t.coverage]
    assert section.csm_headcount.value == math.ceil(round(sum(fte), 1))
    kinds = {b.kind for b in section.csm_headcount.basis}
    assert kinds == {"input", "benchmark"}
    segs = [s.model_copy(update={"expected_accounts": s.expected_accounts * 3}) for s in shiftwise.personas.segments]
    tripled, _ = support(make_ctx, edit(shiftwise, "personas", segments=segs))
    assert tripled.csm_headcount.value > section.csm_headcount.value


def test_slas_are_stricter_for_high_touch(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = support(make_ctx, shiftwise)
    guided, high = section.tier("guided"), section.tier("high_touch")
    assert guided and high
    for g, h in zip(guided.slas, high.slas, strict=True):
        assert g.priority == h.priority
        assert h.first_response_hours < g.first_response_hours
        assert h.resolution.value <= g.resolution.value
        assert h.first_response.basis[0].ref == f"sla_{h.priority.lower()}_high_touch"
    assert [s.priority for s in high.slas] == ["P1", "P2", "P3", "P4"]
    assert high.slas[0].first_response.unit == "minutes"


def test_acv_band_changes_slas(shiftwise: Project, make_ctx: MakeCtx) -> None:
    base, _ = support(make_ctx, shiftwise)
    moved, _ = support(make_ctx, with_acv(shiftwise, "growth", 60_000, 90_000))
    assert moved.tier_of("growth").id == "high_touch"  # type: ignore[union-attr]
    before = base.tier_of("growth").slas[0].first_response_hours  # type: ignore[union-attr]
    after = moved.tier_of("growth").slas[0].first_response_hours  # type: ignore[union-attr]
    assert after < before
    self_serve, _ = support(make_ctx, with_acv(shiftwise, "growth", 2000, 6000))
    assert self_serve.tier_of("growth").slas[0].first_response_hours > before  # type: ignore[union-attr]


def test_enterprise_accounts_get_24x7_p1(shiftwise: Project, make_ctx: MakeCtx) -> None:
    base, _ = support(make_ctx, shiftwise)
    assert "24x7" not in base.tier("high_touch").hours  # type: ignore[union-attr]
    ent, _ = support(make_ctx, with_acv(shiftwise, "regional", 150_000, 300_000))
    assert "24x7" in ent.tier("high_touch").hours  # type: ignore[union-attr]


def test_support_hours_come_from_the_brief_or_an_assumption(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, ctx = support(make_ctx, shiftwise)
    assert section.tiers[0].hours == shiftwise.brief.support_hours
    assert section.tiers[0].hours_basis[0].kind == "input"
    assert "support_hours" not in ctx.assumptions
    missing, ctx2 = support(make_ctx, edit(shiftwise, "brief", support_hours=None))
    assert missing.tiers[0].hours_basis[0].ref == "support_hours"
    assert ctx2.assumptions["support_hours"].question


def test_channels_follow_integrations(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    section, _ = support(make_ctx, shiftwise)
    assert any("Slack" in c for c in section.tier("high_touch").channels)  # type: ignore[union-attr]
    no_slack, _ = support(make_ctx, edit(shiftwise, "brief", integrations=["ADP"]))
    assert not any("Slack" in c for c in no_slack.tier("high_touch").channels)  # type: ignore[union-attr]


def test_escalation_names_champions_and_buyers(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = support(make_ctx, shiftwise)
    levels = [e.level for e in section.escalation]
    assert levels == list(range(1, len(levels) + 1))
    text = " ".join(e.action for e in section.escalation)
    assert "Head of workforce management" in text and "VP Operations" in text
    assert all(e.owner and e.within for e in section.escalation)


def test_sla_hours_map_for_the_first_response_signal(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = support(make_ctx, shiftwise)
    hours = section.sla_hours("high_touch")
    assert set(hours) == {"urgent", "high", "normal", "low"}
    assert hours["urgent"] == 0.5
    assert section.sla_hours("self_serve") == {}


def test_render(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = support(make_ctx, shiftwise)
    text = render_section("support", section)
    assert text.startswith("## Support tiers\n")
    for needle in (
        "**P1** (urgent)",
        "Regional chains",
        CSM_ROLE["guided"],
        "### Escalation path",
        "B:sla\\_p1\\_high\\_touch",
        "CS headcount",
    ):
        assert needle in text


@settings(max_examples=40, deadline=None)
@given(low=st.floats(min_value=0, max_value=900_000, allow_nan=False), span=st.floats(min_value=0, max_value=500_000))
def test_ratio_always_inside_the_tier_range(shiftwise: Project, low: float, span: float) -> None:
    ctx = DesignContext(with_acv(shiftwise, "growth", low, low + span))
    section = design_support(ctx)
    profile = ctx.segments[0]
    row = ctx.benchmarks[coverage_row(profile)]
    cov = section.coverage_of("growth")
    assert cov is not None and row.low is not None and row.high is not None
    assert row.low <= cov.accounts_per_csm.value <= row.high
    assert cov.csm_fte.value >= 0
    assert section.csm_headcount.value >= 0


def test_units_agree_with_their_values(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = support(make_ctx, shiftwise)
    high = section.tier("high_touch")
    assert high is not None
    p2 = next(s for s in high.slas if s.priority == "P2")
    assert p2.first_response.value == 1 and p2.first_response.unit == "business hour"
    assert "1 business hours" not in render_section("support", section)


def test_book_outside_the_arr_range_is_explained_for_its_tier(shiftwise: Project, make_ctx: MakeCtx) -> None:
    base, _ = support(make_ctx, shiftwise)
    assert {c.arr_check for t in base.tiers for c in t.coverage} == {"within"}
    assert not [c.arr_note for t in base.tiers for c in t.coverage if c.arr_note]
    big, _ = support(make_ctx, with_acv(shiftwise, "regional", 250_000, 400_000))
    cov = big.coverage_of("regional")
    assert cov is not None and cov.arr_check == "above"
    assert "each account is large" in cov.arr_note and "automation" not in cov.arr_note
    capped, _ = support(make_ctx, with_acv(shiftwise, "regional", 55_000, 65_000))
    small_book = capped.coverage_of("regional")
    assert small_book is not None and small_book.arr_check == "below" and "cap of" in small_book.arr_note


def test_24x7_is_not_repeated_and_stated_response_times_are_flagged(
    shiftwise: Project, make_ctx: MakeCtx, edit: Edit
) -> None:
    ent = with_acv(shiftwise, "regional", 150_000, 300_000)
    stated, _ = support(make_ctx, edit(ent, "brief", support_hours="24x7 for P1; first response 4 h otherwise"))
    hours = stated.tier("high_touch").hours  # type: ignore[union-attr]
    assert hours.count("24x7") == 1
    assert stated.notes and "first response 4 h" in stated.notes[0]
    base, _ = support(make_ctx, shiftwise)
    assert base.notes == []


def test_summary_names_books_and_the_fte_split(shiftwise: Project, make_ctx: MakeCtx) -> None:
    section, _ = support(make_ctx, shiftwise)
    assert "Regional chains (30 accounts, 11 per CSM)" in section.summary
    assert "4.6 CS FTE (1.9 guided and 2.7 high-touch), so 5 people" in section.summary
    assert [t.fte.value for t in section.tiers] == [1.9, 2.7]


def test_cs_team_vocabulary(shiftwise: Project, make_ctx: MakeCtx, edit: Edit) -> None:
    assert distinct_titles(["CTO", "VP Engineering or CTO", "cto", "CISO"]) == ["VP Engineering or CTO", "CISO"]
    assert join_names(["A"]) == "A" and join_names(["A", "B", "C"]) == "A, B and C"
    assert role_in_sentence("Account executive") == "account executive"
    assert role_in_sentence("Technical Account Executive") == "Technical Account Executive"
    assert role_in_sentence("CFO") == "CFO"
    assert shiftwise.sales.handoff is not None
    handoff = shiftwise.sales.handoff.model_copy(update={"owner": "Account executive, with the solutions engineer"})
    ctx = make_ctx(edit(shiftwise, "sales", handoff=handoff))
    assert seller_title(ctx) == "Account executive"
    assert seller_role(ctx) == "Account executive, with the solutions engineer"


def test_figures_helpers() -> None:
    assert quantity(66_666_667) == "66.7 million" and quantity(27_700) == "27,700"
    assert round_sig(27_666_667) == 27_700_000 and round_sig(5080) == 5080 and round_sig(0.1234) == 0.123
