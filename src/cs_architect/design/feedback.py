"""The feedback loop: relationship NPS, CSAT after tickets, product feedback routing, follow-up rules.

Rules (from the inputs):

- **NPS**: relationship survey every 180 days per contact; who is asked follows the tier (champion
  and economic buyer for CSM-managed accounts, admins and active users in-app for self-serve);
  never before day 30 (self-serve) or 90 (CSM-managed), nor before the last onboarding value
  event is due, nor in the 30 days before a renewal. Targets: the segment's band median, stretch the
  B2B SaaS top quartile.
- **CSAT**: one question after each resolved ticket; top-box share; B2B support benchmark.
- **Product feedback**: every request is tagged with one of the brief's key features (or an
  integration), routed to that feature's product manager, triaged within 10 business days, and the
  outcome goes back to each requesting account.
- **Follow-up**: a detractor is called back within a time set by the tier; promoters are asked
  for a reference.
"""

from __future__ import annotations

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.contract_terms import is_contracted
from cs_architect.design.cs_team import (
    CS_OPS,
    CSM_ROLE,
    PRODUCT_MANAGER,
    SUPPORT_LEAD,
    TIER_NAMES,
    NamedSegments,
    covered,
    distinct_titles,
    join_names,
    lower_first,
    names,
    scope,
    segment_names,
    segments_by_tier,
)
from cs_architect.design.figures import blend, row_figure
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.operations import Condition

NPS_DEFINITION = (
    "Responses are integers 0-10; promoters answer 9-10, detractors 0-6. NPS = % promoters - % detractors over "
    "responses with a score, from -100 to 100, always shown with n; n = 0 gives 'no data', not 0. An average score "
    "is never called NPS. Account NPS uses each respondent's latest answer in the window."
)
CSAT_DEFINITION = (
    "Top-box share: responses of 4-5 on the 5-point scale divided by all responses (top two boxes on other scales)."
)
NPS_EVERY_DAYS = 180
NPS_QUIET_START: dict[TouchModel, int] = {"self_serve": 30, "guided": 90, "high_touch": 90}
NPS_QUIET_BEFORE_RENEWAL = 30
TRIAGE_BUSINESS_DAYS = 10
FOLLOW_UP_HOURS: dict[TouchModel, int] = {"high_touch": 24, "guided": 48, "self_serve": 72}
LOW_CSAT_HOURS = 24
DETRACTOR_WINDOW_DAYS = 30


class NpsAudience(Strict):
    segment: str
    segment_name: str
    tier: TouchModel
    who: list[str] = Field(description="titles and roles surveyed")
    channel: str
    first_survey_day: Figure


class ScoreTarget(Strict):
    segment: str = Field(description="segment id, or 'all'")
    segment_name: str
    target: Figure = Field(description="benchmark median: the yellow/green boundary")
    stretch: Figure | None = None


class NpsProgram(Strict):
    definition: str
    status: str = Field(description="what exists today and what changes")
    owner: str = Field(description="who runs the survey and loads the answers")
    every: Figure
    quiet_before_renewal: Figure
    quiet_applies_to: str = Field(description="the segments that have a renewal date, in words ('' if none)")
    no_renewal_date: str = Field(description="the month-to-month segments (no renewal date), in words ('' if none)")
    no_renewal_count: int = 0
    audiences: list[NpsAudience]
    targets: list[ScoreTarget]


class CsatProgram(Strict):
    definition: str
    trigger: str
    question: str
    owner: str
    low_score_rule: str
    targets: list[ScoreTarget]


class FeedbackRoute(Strict):
    tag: str
    area: str
    owner: str


class ProductFeedback(Strict):
    sources: list[str]
    routes: list[FeedbackRoute]
    triage_within: Figure
    weighting: str
    close_the_loop: list[str]


class FollowUpRule(Strict):
    name: str
    condition: Condition
    owner: str
    action: str
    within: Figure | None = None
    segments: list[str] = Field(default_factory=list, description="empty = all segments")
    basis: list[Basis] = Field(default_factory=list)


class FeedbackSection(NamedSegments):
    summary: str
    nps: NpsProgram
    csat: CsatProgram
    product_feedback: ProductFeedback
    follow_ups: list[FollowUpRule]


# --- NPS ----------------------------------------------------------------------------------------------
def _nps_timing(ctx: DesignContext) -> Basis:
    by_day: dict[int, list[str]] = {}
    for tier, day in NPS_QUIET_START.items():
        if any(s.touch == tier for s in ctx.segments):
            by_day.setdefault(day, []).append(TIER_NAMES[tier].lower())
    starts = " and ".join(f"day {d} for {', '.join(tiers)} accounts" for d, tiers in sorted(by_day.items()))
    return ctx.assume(
        "nps_timing",
        f"Relationship NPS reaches each contact every {NPS_EVERY_DAYS} days; the first survey waits until {starts}, "
        f"and until the last onboarding value event is due; no survey in the {NPS_QUIET_BEFORE_RENEWAL} days before "
        "a renewal.",
        "Answers during onboarding measure the set-up, not the relationship, and answers during a renewal "
        "negotiation measure the price.",
        "When do your customers know enough to judge the product?",
    )


def _audience(ctx: DesignContext, profile: SegmentProfile, timing: Basis) -> NpsAudience:
    seg = profile.segment
    personas = [p for p in ctx.project.personas.personas if profile.id in p.segments]
    sample = lower_first(seg.end_users)
    if profile.touch == "self_serve":
        who = ["Account admins", f"a sample of users active in the last 30 days ({sample})"]
        channel = "In-app survey"
    else:
        who = [f"{seg.champion} (champion)", f"a sample of end users ({sample})"]
        if profile.touch == "high_touch":
            who.insert(1, f"{seg.economic_buyer} (economic buyer)")
            sponsors = distinct_titles(p.title for p in personas if p.role == "executive_sponsor")
            who += [f"{t} (executive sponsor)" for t in sponsors if not covered(t, [seg.economic_buyer, seg.champion])]
            channel = f"Email from the {CSM_ROLE['high_touch']}'s own address, with an in-app reminder"
        else:
            channel = "Email, with an in-app reminder"
    start = NPS_QUIET_START[profile.touch]
    basis = [timing]
    last = max(
        ((i, v) for i, v in enumerate(ctx.project.brief.value_events) if v.target_day is not None),
        key=lambda iv: (iv[1].target_day or 0, -iv[0]),
        default=None,
    )
    if last is not None and last[1].target_day is not None and last[1].target_day > start:
        start = last[1].target_day
        basis.append(ctx.inp("brief", ("value_events", last[0], "target_day"), f"{last[1].name} due"))
    return NpsAudience(
        segment=profile.id,
        segment_name=profile.name,
        tier=profile.touch,
        who=who,
        channel=channel,
        first_survey_day=Figure(value=start, unit="days", basis=basis),
    )


def nps_targets(ctx: DesignContext) -> list[ScoreTarget]:
    """Per segment: target = the band's NPS median, stretch = the B2B SaaS top quartile.

    All segments: the segment targets weighted by expected accounts (so the company target agrees
    with them), else the B2B SaaS median when no accounts are expected.
    """
    out = []
    for p in ctx.segments:
        target = row_figure(ctx, f"nps_{p.band}", "median")
        out.append(
            ScoreTarget(
                segment=p.id,
                segment_name=p.name,
                target=target.model_copy(update={"basis": [*target.basis, ctx.segment_basis(p)]}),
                stretch=row_figure(ctx, "nps_b2b_saas", "top_quartile"),
            )
        )
    weights = [ctx.inp("personas", ("segments",), "expected accounts per segment")]
    blended = blend(
        [(t.target, p.segment.expected_accounts) for t, p in zip(out, ctx.segments, strict=True)],
        "segment targets weighted by expected accounts",
        weights,
    )
    out.append(
        ScoreTarget(
            segment="all",
            segment_name="All segments",
            target=blended or row_figure(ctx, "nps_b2b_saas", "median"),
            stretch=row_figure(ctx, "nps_b2b_saas", "top_quartile"),
        )
    )
    return out


def _nps_status(ctx: DesignContext) -> str:
    exists = ctx.project.brief.nps_survey_exists
    if exists is None:
        ctx.assume(
            "nps_survey_unknown",
            "No relationship NPS survey runs today.",
            "brief.yaml does not say whether an NPS survey exists.",
            "Do you run an NPS survey today?",
        )
        return "Assumed: no survey runs today. Launch the program below and load answers into the surveys table."
    if exists:
        return (
            "A survey exists (brief.yaml): keep it, align its scoring and timing with this program, and load "
            "answers into the surveys table (kind 'nps')."
        )
    return "No survey runs today (brief.yaml): launch the program below; answers go to the surveys table (kind 'nps')."


def design_nps(ctx: DesignContext) -> NpsProgram:
    """The relationship NPS program: who is asked, when, through which channel, against which target."""
    timing = _nps_timing(ctx)
    monthly = [p for p in ctx.segments if not is_contracted(ctx, p)]
    return NpsProgram(
        definition=NPS_DEFINITION,
        status=_nps_status(ctx),
        owner=f"{CS_OPS} (sends the survey, loads the answers, reports NPS per segment)",
        quiet_applies_to=names(p for p in ctx.segments if is_contracted(ctx, p)),
        no_renewal_date=names(monthly),
        no_renewal_count=len(monthly),
        every=Figure(value=NPS_EVERY_DAYS, unit="days", basis=[timing]),
        quiet_before_renewal=Figure(value=NPS_QUIET_BEFORE_RENEWAL, unit="days", basis=[timing]),
        audiences=[_audience(ctx, p, timing) for p in ctx.segments],
        targets=nps_targets(ctx),
    )


# --- CSAT ---------------------------------------------------------------------------------------------
def _follow_up_basis(ctx: DesignContext) -> Basis:
    hours = ", ".join(
        f"{h} h ({TIER_NAMES[t].lower()})"
        for t, h in FOLLOW_UP_HOURS.items()
        if any(s.touch == t for s in ctx.segments)
    )
    return ctx.assume(
        "feedback_follow_up_hours",
        f"A detractor hears from a person within {hours}; a CSAT rating of 1-2 is reviewed within {LOW_CSAT_HOURS} h.",
        "A fast, personal reply turns a complaint into a conversation; later replies read as a form letter.",
        "How fast can your team call back an unhappy customer?",
    )


def design_csat(ctx: DesignContext) -> CsatProgram:
    """CSAT after each resolved ticket: question, owner, low-score rule and the B2B support target."""
    _follow_up_basis(ctx)
    tiers: tuple[TouchModel, ...] = ("guided", "high_touch")
    managed = [t for t in tiers if any(s.touch == t for s in ctx.segments)]
    notify = (
        f"; on {' and '.join(TIER_NAMES[t].lower() for t in managed)} accounts the CSM is told the same day"
        if managed
        else ""
    )
    return CsatProgram(
        definition=CSAT_DEFINITION,
        trigger="A ticket is resolved (tickets.resolved_at is set): one survey per ticket, by email and in the ticket",
        question=f"How satisfied are you with how {ctx.project.brief.company} handled this request? (1-5)",
        owner=SUPPORT_LEAD,
        low_score_rule=f"A rating of 1-2 is reviewed by the {SUPPORT_LEAD.lower()} within {LOW_CSAT_HOURS} h, who "
        f"replies to the customer and reopens the ticket if it is not solved{notify}",
        targets=[
            ScoreTarget(
                segment="all",
                segment_name="All segments",
                target=row_figure(ctx, "csat_b2b_support", "median"),
                stretch=row_figure(ctx, "csat_b2b_support", "top_quartile"),
            )
        ],
    )


# --- product feedback -----------------------------------------------------------------------------------
def design_product_feedback(ctx: DesignContext) -> ProductFeedback:
    """Feedback sources, one route per key feature (and integrations), triage time and how the loop closes."""
    brief = ctx.project.brief
    routes = [FeedbackRoute(tag=f.id, area=f.name, owner=f"{PRODUCT_MANAGER} for {f.name}") for f in brief.key_features]
    if brief.integrations:
        routes.append(
            FeedbackRoute(
                tag="integrations",
                area="Integrations (" + ", ".join(brief.integrations) + ")",
                owner=f"{PRODUCT_MANAGER} for integrations",
            )
        )
    routes.append(
        FeedbackRoute(
            tag="new_capability",
            area="Anything outside the features above",
            owner=f"Head of product (reviewed monthly with {CS_OPS})",
        )
    )
    triage = ctx.assume(
        "feedback_triage",
        f"Product triages each tagged request within {TRIAGE_BUSINESS_DAYS} business days.",
        "Requests that wait longer than two weeks without an answer stop being raised.",
        "How often does product review incoming requests?",
    )
    tiers = segments_by_tier(ctx)
    managed = [p for t in ("guided", "high_touch") for p in tiers.get(t, [])]
    digital = tiers.get("self_serve", [])
    loop = []
    if managed:
        loop.append(
            f"For {names(managed)}, the account's CSM tells the requester the outcome (planned, declined with the "
            "reason, shipped) and notes it in the account plan"
        )
    if digital:
        loop.append(f"For {names(digital)}, the requester hears the outcome by email, in-app message and release note")
    loop += [
        "Shipped requests are shown in the next business review or value report",
        f"{CS_OPS} sends product a monthly top-requests report by tag, account count and ARR",
    ]
    return ProductFeedback(
        sources=[
            "Support tickets marked as feature requests (P4)",
            "CSM call and business-review notes",
            "NPS and CSAT comments",
            "Cancellation and downgrade reasons",
        ],
        routes=routes,
        triage_within=Figure(value=TRIAGE_BUSINESS_DAYS, unit="business days", basis=[triage]),
        weighting=f"Each request counts once per account and carries the account's ARR and segment "
        f"({names(ctx.segments)}), so product sees demand by segment and by revenue",
        close_the_loop=loop,
    )


# --- follow-up rules ------------------------------------------------------------------------------------
def design_follow_ups(ctx: DesignContext) -> list[FollowUpRule]:
    """A detractor follow-up per tier (owner and hours by tier) and the promoter reference ask."""
    basis = _follow_up_basis(ctx)
    out = []
    for tier, profiles in segments_by_tier(ctx).items():
        owner = CSM_ROLE[tier] if tier != "self_serve" else f"{SUPPORT_LEAD} (a named person, not a no-reply address)"
        action = (
            "Call the respondent, log the reason against a key-feature tag, and open a save plan if the "
            "respondent is the champion or economic buyer"
            if tier != "self_serve"
            else "Email the respondent personally, ask what went wrong, and route the reason to product feedback"
        )
        out.append(
            FollowUpRule(
                name=f"Detractor follow-up ({TIER_NAMES[tier].lower()})",
                condition=Condition(
                    kind="detractor_share",
                    params={"window_days": DETRACTOR_WINDOW_DAYS},
                    op=">",
                    value=0,
                    text=f"someone at the account answered 0-6 in the last {DETRACTOR_WINDOW_DAYS} days",
                ),
                owner=owner,
                action=action,
                within=Figure(value=FOLLOW_UP_HOURS[tier], unit="hours", basis=[basis]),
                segments=scope(ctx, [p.id for p in profiles]),
                basis=[basis],
            )
        )
    top = row_figure(ctx, "nps_b2b_saas", "top_quartile", "promoter-heavy accounts")
    out.append(
        FollowUpRule(
            name="Promoter reference ask",
            condition=Condition(
                kind="nps",
                params={"window_days": NPS_EVERY_DAYS},
                op=">=",
                value=top.value,
                text=f"account NPS over the last {NPS_EVERY_DAYS} days is at or above the top quartile "
                f"({top.value:.0f})",
            ),
            owner="Marketing, with the account's CSM",
            action="Ask the promoters for a review, a reference call or a case study; never during an open P1 or "
            "renewal negotiation",
            basis=top.basis,
        )
    )
    return out


def design_feedback(ctx: DesignContext) -> FeedbackSection:
    """NPS program, CSAT after tickets, product feedback routing and follow-up rules."""
    nps = design_nps(ctx)
    csat = design_csat(ctx)
    product = design_product_feedback(ctx)
    follow_ups = design_follow_ups(ctx)
    targets = "; ".join(f"{t.segment_name} {t.target.value:+.0f}" for t in nps.targets if t.segment != "all")
    features = join_names(f.name for f in ctx.project.brief.key_features)
    within = sorted({int(f.within.value) for f in follow_ups if f.within})
    hours = f"{within[0]}-{within[-1]}" if len(within) > 1 else f"{within[0]}"
    csat_target = csat.targets[0].target.value
    summary = (
        f"{ctx.project.brief.company} asks each customer contact for relationship NPS every {NPS_EVERY_DAYS} days "
        f"(targets: {targets}) and for CSAT after every resolved ticket (target {csat_target:.0f}%). Feature "
        f"requests go to the product manager of the feature they concern ({features}) and are triaged within "
        f"{product.triage_within.value:.0f} business days; detractors hear from a person within {hours} hours."
    )
    return FeedbackSection(
        summary=summary,
        segment_names=segment_names(ctx),
        nps=nps,
        csat=csat,
        product_feedback=product,
        follow_ups=follow_ups,
    )
