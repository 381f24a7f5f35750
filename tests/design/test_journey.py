"""The customer journey: stages, touchpoints by touch model, timings, risks, ownership, rendering."""

from __future__ import annotations

import re

import pytest

from cs_architect.design.journey import DayWindow, JourneySection, design_journey
from cs_architect.design.motions import DIGITAL_CS, EXEC_SPONSOR, NAMED_CSM, POOLED_CSM
from cs_architect.design.touchpoints import PLAYS
from cs_architect.inputs.personas import Range
from cs_architect.render.markdown import render_section


def _acv(project, edit, segment: int, low: float, high: float):
    segments = list(project.personas.segments)
    segments[segment] = segments[segment].model_copy(update={"acv": Range(min=low, max=high)})
    return edit(project, "personas", segments=segments)


def _stage(section: JourneySection, stage_id: str):
    return next(s for s in section.stages if s.id == stage_id)


def _touch(section: JourneySection, stage_id: str, segment: str):
    return next(t for t in _stage(section, stage_id).touchpoints if t.segment == segment).touchpoints


def _texts(items) -> list[str]:
    return [i.text for i in items]


# --- structure ----------------------------------------------------------------------------------
def test_five_stages_in_order_with_touchpoints_per_segment(shiftwise, make_ctx):
    section = design_journey(make_ctx(shiftwise))
    assert [s.id for s in section.stages] == ["signup", "onboarding", "activation", "expansion", "renewal"]
    for stage in section.stages:
        assert stage.entry and stage.exit and stage.risks
        assert [t.segment for t in stage.touchpoints] == ["growth", "regional"]
        assert all(t.touchpoints for t in stage.touchpoints)
        for tps in stage.touchpoints:
            assert all(tp.owner and tp.trigger and tp.basis for tp in tps.touchpoints)


def test_every_play_touch_model_is_known():
    for plays in PLAYS.values():
        for play in plays:
            assert set(play.touch) <= {"self_serve", "guided", "high_touch"}


@pytest.mark.parametrize(
    ("window", "text"),
    [
        (DayWindow(first=0, last=3), "days 0-3"),
        (DayWindow(first=9, last=9), "day 9"),
        (DayWindow(first=45), "from day 45"),
        (DayWindow(anchor="renewal", first=90, last=0), "from 90 days before renewal to the renewal date"),
        (DayWindow(anchor="renewal", first=120), "120 days before renewal"),
        (DayWindow(anchor="renewal", first=90, last=30), "90 to 30 days before renewal"),
    ],
)
def test_day_window_text(window, text):
    assert window.text() == text


# --- signup and the handoff ---------------------------------------------------------------------
def test_sales_led_signup_is_the_handoff(shiftwise, make_ctx):
    signup = _stage(design_journey(make_ctx(shiftwise)), "signup")
    entry = " ".join(_texts(signup.entry))
    assert "Handoff by day 3, run by the handoff owner (Account executive)" in entry
    assert "30-minute AE-to-CSM handoff call" in entry
    assert "Signed order form, Pilot summary, Account plan draft" in entry
    assert "success criteria, stakeholders, use case, contract terms" in entry
    assert "Payroll provider named" in entry
    assert "'Proposal and contract' stage exited (Order form signed)" in entry
    handoff_tp = _touch(design_journey(make_ctx(shiftwise)), "signup", "growth")[0]
    assert handoff_tp.owner == "Account executive"
    assert handoff_tp.window.text() == "days 0-3"
    assert "within_days" in handoff_tp.basis[0].ref


def test_product_led_signup_is_self_serve_sign_up(shiftwise, make_ctx, edit):
    section = design_journey(make_ctx(edit(shiftwise, "brief", sales_motion="product-led")))
    signup = _stage(section, "signup")
    growth = [c for c in signup.entry if c.segments == ["growth"]]
    assert _texts(growth) == ["Account created through self-serve sign-up on the Team plan, starting a 14-day trial"]
    assert growth[0].basis[0].ref.startswith("pricing.yaml:")
    assert {tp.owner for tp in _touch(section, "signup", "growth")} == {DIGITAL_CS, POOLED_CSM}
    # the high-touch segment still arrives through the handoff
    assert _touch(section, "signup", "regional")[0].owner == "Account executive"
    assert section.ownership[0].owners["signup"] == DIGITAL_CS
    assert section.ownership[1].owners["signup"] == "Account executive"


# --- touchpoints follow the touch model ---------------------------------------------------------
def test_touchpoints_follow_the_touch_model(shiftwise, make_ctx, edit):
    # growth becomes self-serve (ACV 2-6k) in a product-led company: automated only
    project = _acv(edit(shiftwise, "brief", sales_motion="product-led"), edit, 0, 2_000, 6_000)
    section = design_journey(make_ctx(project))
    assert {tp.owner for tp in _touch(section, "onboarding", "growth")} == {DIGITAL_CS}
    assert {tp.channel for tp in _touch(section, "onboarding", "growth")} <= {"in-app", "email"}
    # guided (shiftwise growth): pooled CSM plus automation
    section = design_journey(make_ctx(shiftwise))
    assert {tp.owner for tp in _touch(section, "onboarding", "growth")} == {DIGITAL_CS, POOLED_CSM}
    # high touch (shiftwise regional): named CSM, kickoff, executive sponsor
    regional = _touch(section, "onboarding", "regional")
    assert {tp.owner for tp in regional} == {NAMED_CSM, EXEC_SPONSOR}
    assert any(tp.name.startswith("Kickoff meeting") for tp in regional)


def test_raising_acv_changes_touchpoints_and_renewal_timing(shiftwise, make_ctx, edit):
    base = design_journey(make_ctx(shiftwise))
    bigger = design_journey(make_ctx(_acv(shiftwise, edit, 0, 120_000, 200_000)))  # growth -> enterprise
    assert _touch(base, "onboarding", "growth") != _touch(bigger, "onboarding", "growth")
    assert EXEC_SPONSOR in {tp.owner for tp in _touch(bigger, "renewal", "growth")}
    assert _touch(base, "renewal", "growth")[0].window.first == 90
    bigger_renewal = _touch(bigger, "renewal", "growth")[0]
    assert bigger_renewal.window.first == 120
    assert "renewal_kickoff_enterprise" in {b.ref for b in bigger_renewal.basis}
    assert bigger.ownership[0].owners["renewal"] == NAMED_CSM


# --- timing -------------------------------------------------------------------------------------
def test_onboarding_window_runs_from_kickoff_to_target_day(shiftwise, make_ctx):
    section = design_journey(make_ctx(shiftwise))
    checklist = next(tp for tp in _touch(section, "onboarding", "growth") if tp.channel == "in-app")
    assert (checklist.window.first, checklist.window.last) == (3, 14)
    refs = [b.ref for b in checklist.basis]
    assert any("within_days" in r for r in refs) and any("target_day" in r for r in refs)
    nudge = next(
        tp
        for tp in _touch(section, "onboarding", "growth")
        if tp.owner == POOLED_CSM and tp.channel == "call" and "check-in" in tp.name
    )
    assert nudge.window.first == 9  # halfway between day 3 and day 14, rounded up


def test_missing_target_day_uses_the_band_benchmark_per_segment(shiftwise, make_ctx, edit):
    events = [v.model_copy(update={"target_day": None}) for v in shiftwise.brief.value_events]
    project = _acv(edit(shiftwise, "brief", value_events=events), edit, 1, 150_000, 300_000)
    ctx = make_ctx(project)
    section = design_journey(ctx)
    exits = {tuple(c.segments): c.text for c in _stage(section, "onboarding").exit}
    assert "by day 28" in exits[("growth",)]
    assert "by day 84" in exits[("regional",)]
    assert {"ttv_target_mid_market", "ttv_target_enterprise"} <= set(ctx.assumptions)
    assert ctx.assumptions["ttv_target_enterprise"].question


# --- risk indicators ----------------------------------------------------------------------------
def test_risks_name_the_company_value_events_and_features(shiftwise, make_ctx):
    section = design_journey(make_ctx(shiftwise))
    onboarding = _texts(_stage(section, "onboarding").risks)
    assert "No 'First rota published to staff' by day 14 (event 'rota.published' recorded once)" in onboarding
    activation = _texts(_stage(section, "activation").risks)
    assert any("'Staff clocking in through the app' by day 30" in r for r in activation)
    assert "None of Shift swaps, Labour forecast used by day 45" in activation
    signals = [r.signal for r in _stage(section, "onboarding").risks]
    assert "events: rota.published" in signals


def test_value_event_change_moves_the_risk(shiftwise, make_ctx, edit):
    events = [
        shiftwise.brief.value_events[0].model_copy(update={"name": "First schedule live", "target_day": 10}),
        *shiftwise.brief.value_events[1:],
    ]
    section = design_journey(make_ctx(edit(shiftwise, "brief", value_events=events)))
    assert any("No 'First schedule live' by day 10" in r for r in _texts(_stage(section, "onboarding").risks))


def test_pricing_metric_drives_expansion(shiftwise, make_ctx, edit):
    seat = design_journey(make_ctx(shiftwise))
    assert any("Seat utilisation" in r for r in _texts(_stage(seat, "expansion").risks))
    offer = _touch(seat, "expansion", "growth")[0]
    assert "more seats" in offer.name and "Labour forecasting add-on" in offer.name
    assert offer.trigger == "active users approach the seats bought"
    usage = design_journey(make_ctx(edit(shiftwise, "pricing", pricing_metric="usage", usage_unit="shifts")))
    assert not any("Seat utilisation" in r for r in _texts(_stage(usage, "expansion").risks))
    assert any("Billed usage" in r for r in _texts(_stage(usage, "expansion").risks))
    assert _touch(usage, "expansion", "growth")[0].trigger == "shifts approach the amount included in the plan"


def test_payment_method_drives_renewal_risks(shiftwise, make_ctx, edit):
    section = design_journey(make_ctx(shiftwise))
    risks = {r.text: r.segments for r in _stage(section, "renewal").risks}
    assert risks["Failed card payment on the renewal charge"] == ["growth"]  # Team plan pays by card
    assert risks["Renewal invoice unpaid after its due date"] == ["regional"]
    assert "Objection to the 5% renewal uplift" in risks
    plans = [p.model_copy(update={"payment_method": None}) for p in shiftwise.pricing.plans]
    section = design_journey(make_ctx(edit(shiftwise, "pricing", plans=plans)))
    assert not any("card" in r.text for r in _stage(section, "renewal").risks)


def test_trial_ending_before_activation_is_a_risk_for_self_serve(shiftwise, make_ctx, edit):
    project = _acv(edit(shiftwise, "brief", sales_motion="product-led"), edit, 0, 2_000, 6_000)
    events = [shiftwise.brief.value_events[0].model_copy(update={"target_day": 20}), *shiftwise.brief.value_events[1:]]
    section = design_journey(make_ctx(edit(project, "brief", value_events=events)))
    assert any(r.startswith("Trial ends on day 14") for r in _texts(_stage(section, "onboarding").risks))


# --- ownership, determinism, rendering ----------------------------------------------------------
def test_ownership_per_segment(shiftwise, make_ctx):
    section = design_journey(make_ctx(shiftwise))
    growth, regional = section.ownership
    assert growth.owners == {
        "signup": "Account executive",
        "onboarding": POOLED_CSM,
        "activation": POOLED_CSM,
        "expansion": f"{POOLED_CSM}, with sales for upgrades",
        "renewal": POOLED_CSM,
    }
    assert regional.owners["onboarding"] == NAMED_CSM


def test_journey_is_deterministic_and_specific(shiftwise, make_ctx):
    a, b = design_journey(make_ctx(shiftwise)), design_journey(make_ctx(shiftwise))
    assert a == b
    assert "Shiftwise" in a.summary and "Regional chains" in a.summary and "First rota published" in a.summary


def test_render_journey(shiftwise, make_ctx):
    text = render_section("journey", design_journey(make_ctx(shiftwise)))
    assert text.startswith("## Customer journey\n")
    assert "| Growing multi-site operators | Guided | sales handoff | Account executive | Pooled CSM |" in text
    assert "### 2. Onboarding" in text and "\n- Handoff accepted and the kickoff booked\n" in text
    assert (
        "|  | Executive sponsor joins the kickoff | meeting | Head of Customer Success (executive sponsor) | day 3"
        in text
    )
    # Criteria and risks are lists, not semicolon-joined table cells.
    assert "- *Regional chains:* The Named CSM accepts the handoff" in text
    assert not any(line.startswith("| **") for line in text.splitlines())
    assert "B:renewal\\_kickoff\\_standard" in text
    width = None
    for line in text.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        pipes = len(re.findall(r"(?<!\\)\|", line))
        width = width or pipes
        assert pipes == width and line.rstrip().endswith("|"), line


def test_render_product_led_journey(shiftwise, make_ctx, edit):
    text = render_section("journey", design_journey(make_ctx(edit(shiftwise, "brief", sales_motion="product-led"))))
    assert "| Growing multi-site operators | Guided | self-serve sign-up | Digital CS programme |" in text
    assert "Account created through self-serve sign-up on the Team plan, starting a 14-day trial" in text


# --- consistency with onboarding, contract terms, role names -------------------------------------
def _value_events(project, **days):
    return [v.model_copy(update={"target_day": days.get(v.id, v.target_day)}) for v in project.brief.value_events]


def test_onboarded_day_is_the_last_milestone_as_in_onboarding(shiftwise, make_ctx, edit):
    from cs_architect.design.onboarding import design_onboarding

    ctx = make_ctx(shiftwise)
    section, onboarding = design_journey(ctx), design_onboarding(ctx)
    last = onboarding.milestones[-1].day
    assert f"Onboarded (by day {last})" in _texts(_stage(section, "expansion").entry)[0]
    assert all(f"onboarded by day {last}" in m.description for m in onboarding.motions)
    # Activation as the last milestone: onboarded on the activation day, and the breadth risk waits for
    # the full-onboarding benchmark instead of the activation day.
    late = edit(shiftwise, "brief", value_events=_value_events(shiftwise, first_rota_published=60))
    section = design_journey(make_ctx(late))
    assert "Onboarded (by day 60)" in _texts(_stage(section, "expansion").entry)[0]
    assert _texts(_stage(section, "activation").exit) == [
        "Onboarded on day 60: 'First rota published to staff' is the last onboarding milestone"
    ]
    breadth = next(r for r in _stage(section, "activation").risks if r.text.startswith("None of"))
    assert breadth.text.endswith("used by day 100") and breadth.basis[0].ref == "onboarding_full_days"


def test_month_to_month_segments_renew_at_every_charge(shiftwise, make_ctx, edit):
    assert shiftwise.pricing is not None
    plans = [p.model_copy(update={"contract_months": None}) for p in shiftwise.pricing.plans]
    monthly = edit(shiftwise, "pricing", contract_months=1, plans=plans)
    section = design_journey(make_ctx(monthly))
    assert "Accounts in every segment run month to month: every monthly charge is a renewal." in section.summary
    assert "Renewal work starts" not in section.summary
    renewal = _stage(section, "renewal")
    assert all(e.text.startswith("Month to month on ") for e in renewal.entry)
    assert "Cancellation or downgrade started" in _texts(renewal.risks)
    assert not any("uplift" in r for r in _texts(renewal.risks))
    windows = {tp.window.anchor for t in renewal.touchpoints for tp in t.touchpoints}
    assert windows == {"charge", "trigger"}
    assert all("renewal window" not in e.text for e in _stage(section, "expansion").exit)
    # Annual contracts keep a renewal window: 90 days for the guided segment, 120 for the high-touch one.
    annual = design_journey(make_ctx(shiftwise))
    starts = {e.segments[0]: e.text for e in _stage(annual, "renewal").entry}
    assert starts["growth"].startswith("90 days before the renewal date")
    assert starts["regional"].startswith("120 days before the renewal date")


def test_routine_value_event_drives_the_expansion_risk(shiftwise, make_ctx, edit):
    risks = _texts(_stage(design_journey(make_ctx(shiftwise)), "expansion").risks)
    assert "'Staff clocking in through the app' happening less often month over month" in risks
    # 'First rota published' happens once; with no event expected 3+ times there is no routine to watch.
    events = [v.model_copy(update={"count": 1}) for v in shiftwise.brief.value_events]
    risks = _texts(_stage(design_journey(make_ctx(edit(shiftwise, "brief", value_events=events))), "expansion").risks)
    assert not any("less often" in r for r in risks)


def test_summary_names_every_segment_and_groups_them(shiftwise, make_ctx, edit):
    section = design_journey(make_ctx(shiftwise))
    assert section.summary.startswith(
        "Shiftwise: Accounts in both segments (Growing multi-site operators and Regional chains) arrive through "
        "the sales handoff."
    )
    mixed = design_journey(make_ctx(edit(shiftwise, "brief", sales_motion="product-led")))
    assert "Accounts in Growing multi-site operators arrive through self-serve sign-up." in mixed.summary
    assert "Accounts in Regional chains arrive through the sales handoff." in mixed.summary


def test_segment_names_read_as_plurals(mixed, make_ctx):
    """A plural segment name ('3PL fulfilment centres') never gets a singular verb: every sentence is about
    the accounts in a segment."""
    summary = design_journey(make_ctx(mixed)).summary
    assert "Accounts in 3PL fulfilment centres arrive through the sales handoff." in summary
    assert "centres arrives" not in summary and "centres runs" not in summary
    assert (
        "Accounts in Hobby projects and early-stage startups and in Scale-ups with an on-call rotation run month to "
        "month" in summary
    )


def test_journey_renewal_starts_when_the_renewal_track_does(pipestream, make_ctx):
    """A high-touch segment below the enterprise band starts renewal work when its renewal track does
    (T-120, renewal_kickoff_enterprise), in the journey as in the renewals section."""
    from tests.design.conftest import high_touch_segment, with_high_touch_contract

    from cs_architect.design.renewal import design_renewal
    from cs_architect.design.support import design_support

    project = with_high_touch_contract(pipestream, high_touch_segment(55_000, 90_000))  # typical ACV 72,500
    ctx = make_ctx(project)
    profile = next(p for p in ctx.segments if p.id == "fulfilment")
    assert (profile.band, profile.touch) == ("mid_market", "high_touch")
    journey = design_journey(ctx)
    renewal = design_renewal(ctx, design_support(ctx))
    track = next(t for t in renewal.tracks if "fulfilment" in t.segments)
    entry = next(e for e in _stage(journey, "renewal").entry if e.segments == ["fulfilment"])
    assert entry.text.startswith(f"{track.starts_at} days before the renewal date")
    assert track.starts_at == 120 and entry.basis[0].ref == "renewal_kickoff_enterprise"
    assert "Renewal work starts 120 days before the renewal date for accounts in 3PL fulfilment centres" in (
        journey.summary
    )


ROLE_WORDS = ("Lifecycle automation", "scaled CS", "Head of CS", "CS lead reviews", "with the CS lead", "CS lead hold")


@pytest.mark.parametrize("example", ["shiftwise", "pipestream", "vaultline", "posthog"])
def test_one_name_per_role_across_the_four_sections(example, make_ctx):
    from pathlib import Path

    from cs_architect.design.churn import design_churn
    from cs_architect.design.cs_team import CSM_ROLE, HEAD_OF_CS, seller_title
    from cs_architect.design.health import design_health
    from cs_architect.design.onboarding import design_onboarding
    from cs_architect.inputs import load_project

    ctx = make_ctx(load_project(Path(__file__).resolve().parents[2] / "examples" / example))
    journey, onboarding = design_journey(ctx), design_onboarding(ctx)
    health = design_health(ctx, onboarding)
    churn = design_churn(ctx, health)
    roles = {*CSM_ROLE.values(), EXEC_SPONSOR, seller_title(ctx)}
    owners = {tp.owner for st in journey.stages for t in st.touchpoints for tp in t.touchpoints}
    owners |= {o for row in journey.ownership for o in row.owners.values()}
    owners |= {m.lead for m in onboarding.motions}
    owners |= {a.owner for b in health.bands for a in b.actions}
    owners |= {i.owner for i in churn.interventions} | {r.owner for r in churn.response_times}
    assert {o.removesuffix(", with sales for upgrades") for o in owners} <= roles
    for m in onboarding.milestones:
        assert set(m.owner.split(" / ")) <= set(CSM_ROLE.values())
    assert HEAD_OF_CS in EXEC_SPONSOR
    text = "\n".join(
        render_section(name, s)
        for name, s in (("journey", journey), ("onboarding", onboarding), ("health", health), ("churn", churn))
    )
    for word in ROLE_WORDS:
        assert word not in text, word
