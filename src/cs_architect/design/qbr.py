"""Business reviews: cadence by support tier, the agenda, and the preparation checklist.

Rules (from the support tiers, so from ACV):

- **high-touch**: a quarterly business review (QBR) with the customer's economic buyer and our
  executive sponsor;
- **guided**: a semi-annual one-to-one business review while the pooled CSM's book allows it
  (accounts per CSM × 2 reviews a year ≤ the reviews one CSM can run in a year); past that, a
  quarterly pooled webinar replaces it;
- **self-serve**: an automated in-product value report every quarter.

The agenda measures value with the company's own value events and key features; attendees come
from the personas (champion, economic buyer, executive sponsor titles).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.contract_terms import is_contracted
from cs_architect.design.cs_team import (
    CS_OPS,
    CSM_ROLE,
    HEAD_OF_CS,
    PRODUCT_MANAGER,
    SUPPORT_LEAD,
    covered,
    distinct_titles,
    join_names,
    role_in_sentence,
    seller_title,
)
from cs_architect.design.figures import row_figure
from cs_architect.design.support import SupportSection, segment_coverage
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure

ReviewFormat = Literal["qbr", "business_review", "pooled_webinar", "automated_report"]
FORMAT_NAMES: dict[ReviewFormat, str] = {
    "qbr": "Quarterly business review with executive sponsors",
    "business_review": "Semi-annual business review (one to one)",
    "pooled_webinar": "Quarterly pooled business-review webinar",
    "automated_report": "Automated in-product value report",
}
SHORT_NAMES: dict[ReviewFormat, str] = {
    "qbr": "QBR",
    "business_review": "business review",
    "pooled_webinar": "pooled webinar",
    "automated_report": "value report",
}
FORMAT_PHRASES: dict[ReviewFormat, str] = {
    "qbr": "a quarterly business review with executives on both sides",
    "business_review": "a one-to-one business review twice a year",
    "pooled_webinar": "a quarterly pooled webinar in place of one-to-one reviews",
    "automated_report": "an automated value report in the product every quarter",
}
CADENCE_DAYS: dict[ReviewFormat, int] = {
    "qbr": 90,
    "business_review": 180,
    "pooled_webinar": 90,
    "automated_report": 90,
}
FORMAT_RULES: dict[ReviewFormat, str] = {
    "qbr": "high-touch accounts meet quarterly with executives on both sides",
    "business_review": "guided accounts get a one-to-one review twice a year",
    "pooled_webinar": "guided accounts whose CSM's book is too large for one-to-one reviews join a quarterly "
    "pooled webinar",
    "automated_report": "self-serve accounts get a quarterly automated value report",
}
# Formats recorded as touchpoint kind 'qbr' (what the qbr_cadence signal counts); webinars are logged
# as 'training' and value reports as 'email'.
LOGGED_AS_QBR: tuple[ReviewFormat, ...] = ("qbr", "business_review")
REVIEWS_PER_CSM_YEAR = 130  # about 3 a week over 44 working weeks
# The review doubles as the renewal review inside the renewal section's kickoff window for its tier.
RENEWAL_WINDOW_ROW: dict[ReviewFormat, str] = {
    "qbr": "renewal_kickoff_enterprise",
    "business_review": "renewal_kickoff_standard",
}


class ReviewCadence(Strict):
    tier: TouchModel
    format: ReviewFormat
    name: str
    segments: list[str]
    segment_names: list[str]
    every: Figure
    owner: str
    customer_attendees: list[str]
    our_attendees: list[str]
    logged_as: str = Field(description="how the review is recorded in the touchpoints table")


class AgendaItem(Strict):
    topic: str
    content: str
    owner: str
    formats: list[ReviewFormat]
    basis: list[Basis] = Field(default_factory=list)


class PrepStep(Strict):
    day: int = Field(description="days relative to the review: negative before, positive after")
    task: str
    owner: str
    formats: list[ReviewFormat]


class QbrSection(Strict):
    summary: str
    cadences: list[ReviewCadence]
    format_names: dict[str, str] = Field(default_factory=dict, description="review format -> short name")
    agenda: list[AgendaItem]
    preparation: list[PrepStep]
    preparation_basis: list[Basis]

    def cadence_of(self, segment_id: str) -> ReviewCadence | None:
        """The review cadence of a segment."""
        return next((c for c in self.cadences if segment_id in c.segments), None)


def _format_for_book(touch: TouchModel, book: float) -> ReviewFormat:
    if touch == "high_touch":
        return "qbr"
    if touch == "self_serve":
        return "automated_report"
    per_year = 365 // CADENCE_DAYS["business_review"]
    return "business_review" if book * per_year <= REVIEWS_PER_CSM_YEAR else "pooled_webinar"


def review_format(profile: SegmentProfile, support: SupportSection) -> ReviewFormat:
    """The review format of a segment, from its support tier and its CSMs' book size."""
    coverage = support.coverage_of(profile.id)
    return _format_for_book(profile.touch, coverage.accounts_per_csm.value if coverage else 0)


def segment_review_format(ctx: DesignContext, profile: SegmentProfile) -> ReviewFormat:
    """The same format as :func:`review_format`, from the inputs alone (the support rules' book size,
    :func:`~cs_architect.design.support.segment_coverage`), for steps that run before support."""
    book = segment_coverage(ctx, profile).accounts_per_csm.value if profile.touch == "guided" else 0
    return _format_for_book(profile.touch, book)


def review_cadence_days(ctx: DesignContext, profile: SegmentProfile) -> int:
    """Days between a segment's business reviews (the QBR section's cadence for its format)."""
    return CADENCE_DAYS[segment_review_format(ctx, profile)]


def review_cadence_basis(ctx: DesignContext) -> Basis:
    """The stated assumption behind the review cadences, worded from the formats the segments get."""
    formats = {segment_review_format(ctx, p) for p in ctx.segments}
    used = [f for f in FORMAT_RULES if f in formats]
    return ctx.assume(
        "review_cadence",
        "; ".join(FORMAT_RULES[f] for f in used).capitalize() + ".",
        "Common CS practice; there is no measured benchmark for business-review cadence.",
        "How often do your largest customers want to review the relationship?",
    )


def review_capacity_basis(ctx: DesignContext) -> Basis:
    """The stated assumption behind the guided format: how many reviews one CSM can run a year."""
    return ctx.assume(
        "review_capacity",
        f"One CSM can prepare and run about {REVIEWS_PER_CSM_YEAR} business reviews a year (about 3 a week).",
        "Each review takes about a day of preparation, meeting and follow-up.",
        "How many reviews a week can a CSM run next to their other work?",
    )


def _unique(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item.lower() not in {o.lower() for o in out}:
            out.append(item)
    return out


def _customer_attendees(ctx: DesignContext, profiles: list[SegmentProfile], fmt: ReviewFormat) -> list[str]:
    personas = ctx.project.personas.personas
    ids = {p.id for p in profiles}
    champions = distinct_titles(p.segment.champion for p in profiles)
    buyers = distinct_titles(p.segment.economic_buyer for p in profiles)
    sponsors = [
        t
        for t in distinct_titles(
            pe.title
            for pe in personas
            if ids & set(pe.segments) and pe.role in ("executive_sponsor", "technical_buyer")
        )
        if not covered(t, [*buyers, *champions])
    ]
    if fmt == "qbr":
        return _unique(
            [
                *(f"{b} (economic buyer)" for b in buyers),
                *(f"{c} (champion)" for c in champions),
                *(f"{s} (sponsor)" for s in sponsors),
            ]
        )
    if fmt == "business_review":
        return _unique([*(f"{c} (champion)" for c in champions), *(f"{b} (invited)" for b in buyers)])
    if fmt == "pooled_webinar":
        return _unique([*(f"{c} (champion)" for c in champions), *(p.segment.end_users for p in profiles)])
    return _unique([*(f"{c} (champion, by email)" for c in champions), "Account admins (in the product)"])


def _our_attendees(ctx: DesignContext, fmt: ReviewFormat) -> list[str]:
    seller = seller_title(ctx)
    return {
        "qbr": [CSM_ROLE["high_touch"], seller, f"{HEAD_OF_CS} (executive sponsor)"],
        "business_review": [CSM_ROLE["guided"], f"{seller} when the renewal or an expansion is on the agenda"],
        "pooled_webinar": [f"{CSM_ROLE['guided']} team", PRODUCT_MANAGER],
        "automated_report": [f"{CS_OPS} (owns the report)"],
    }[fmt]


def _cadences(
    ctx: DesignContext, support: SupportSection, basis: list[Basis], capacity: list[Basis]
) -> list[ReviewCadence]:
    groups: dict[tuple[TouchModel, ReviewFormat], list[SegmentProfile]] = {}
    for profile in ctx.segments:
        if support.tier_of(profile.id) is None:
            continue
        groups.setdefault((profile.touch, review_format(profile, support)), []).append(profile)
    order = {"self_serve": 0, "guided": 1, "high_touch": 2}
    out = []
    for (tier, fmt), profiles in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        extra: list[Basis] = list(capacity) if tier == "guided" else []
        if tier == "guided":
            for p in profiles:
                cov = support.coverage_of(p.id)
                if cov:
                    extra += [b for b in cov.accounts_per_csm.basis if b not in extra]
        out.append(
            ReviewCadence(
                tier=tier,
                format=fmt,
                name=FORMAT_NAMES[fmt],
                segments=[p.id for p in profiles],
                segment_names=[p.name for p in profiles],
                every=Figure(value=CADENCE_DAYS[fmt], unit="days", basis=[*basis, *extra]),
                owner=CS_OPS if fmt == "automated_report" else CSM_ROLE[tier],
                customer_attendees=_customer_attendees(ctx, profiles, fmt),
                our_attendees=_our_attendees(ctx, fmt),
                logged_as=(
                    "touchpoint kind 'qbr', with_executive true when an executive attends"
                    if fmt in LOGGED_AS_QBR
                    else "touchpoint kind 'training' per attending account"
                    if fmt == "pooled_webinar"
                    else "touchpoint kind 'email' per account the report reaches"
                ),
            )
        )
    return out


def _commercial_view(ctx: DesignContext) -> str:
    pricing = ctx.project.pricing
    metric = ctx.pricing_metric
    if metric in ("seat", "hybrid"):
        view = "seats in use against seats purchased"
        if metric == "hybrid" and pricing and pricing.usage_unit:
            view += f", and {pricing.usage_unit} against the included amount"
        return view
    if metric == "usage" and pricing and pricing.usage_unit:
        return f"{pricing.usage_unit} used against the plan's included amount"
    if metric == "flat":
        return "which plan features are used, and whether the next plan fits"
    return "how far the account has rolled out across its teams"


def _renewal_item(ctx: DesignContext, formats: dict[str, ReviewFormat], managed: list[ReviewFormat]) -> AgendaItem:
    """The commercial item: the renewal where the segment has a contract, the plan and bill where it has not."""
    seller = seller_title(ctx)
    windows: list[str] = []
    basis: list[Basis] = []
    for fmt in managed:
        contracted = [p for p in ctx.segments if formats.get(p.id) == fmt and is_contracted(ctx, p)]
        if contracted:
            window = row_figure(ctx, RENEWAL_WINDOW_ROW[fmt], "median", "the renewal kickoff window")
            windows.append(f"{window.value:.0f} days ({SHORT_NAMES[fmt]})")
            basis += window.basis
    if windows:
        return AgendaItem(
            topic="Renewal and expansion",
            owner=seller,
            formats=managed,
            content=f"Renewal date and terms; {_commercial_view(ctx)}; expansion triggers that fired. The review "
            f"doubles as the renewal review when it falls within {' or '.join(windows)} of the renewal date",
            basis=basis,
        )
    return AgendaItem(
        topic="Plan and expansion",
        owner=seller,
        formats=managed,
        content=f"Plan fit and the monthly bill (the plan renews every month); {_commercial_view(ctx)}; "
        "expansion triggers that fired",
    )


def _agenda(ctx: DesignContext, formats: dict[str, ReviewFormat]) -> list[AgendaItem]:
    brief = ctx.project.brief
    handoff = ctx.project.sales.handoff
    events = "; ".join(v.name for v in brief.value_events)
    features = join_names(f.name for f in brief.key_features)
    managed: list[ReviewFormat] = ["qbr", "business_review"]
    every: list[ReviewFormat] = ["qbr", "business_review", "pooled_webinar", "automated_report"]
    criteria = (
        f", against the success criteria captured at handoff ({handoff.success_criteria})"
        if handoff and handoff.success_criteria
        else ""
    )
    criteria_basis = [ctx.inp("sales_process", ("handoff", "success_criteria"))] if criteria else []
    reviewed = [p for p in ctx.segments if formats.get(p.id) != "automated_report" and p.segment.needs]
    needs = "; ".join(f"{p.name}: '{p.segment.needs[0]}'" for p in reviewed)
    return [
        AgendaItem(
            topic="Value delivered",
            owner=f"CSM ({CS_OPS} for the value report)",
            formats=every,
            content=f"{events}: counts this period against the last, from the events table{criteria}",
            basis=[ctx.inp("brief", ("value_events",)), *criteria_basis],
        ),
        AgendaItem(
            topic="Adoption",
            owner="CSM",
            formats=every,
            content=f"Use of {features}: which are used and by how many users; the one to roll out next",
            basis=[ctx.inp("brief", ("key_features",))],
        ),
        AgendaItem(
            topic="Health",
            owner="CSM",
            formats=managed,
            content="Health score, band and trend; the two weakest categories and the plan to lift them",
        ),
        AgendaItem(
            topic="Support",
            owner=f"CSM with the {SUPPORT_LEAD.lower()}",
            formats=managed,
            content="Tickets by priority, first-response SLA attainment and CSAT since the last review",
        ),
        AgendaItem(
            topic="Roadmap",
            owner=f"CSM ({PRODUCT_MANAGER.lower()} in webinars)",
            formats=["qbr", "business_review", "pooled_webinar"],
            content=f"Releases that answer the segment's main need ({needs}); feature requests and their status"
            if needs
            else "Releases since the last review; feature requests and their status",
            basis=[ctx.inp("personas", ("segments", p.index, "needs")) for p in reviewed],
        ),
        _renewal_item(ctx, formats, managed),
        AgendaItem(
            topic="Next period",
            owner="CSM and the customer's champion",
            formats=managed,
            content="One to three goals with an owner on each side, written into the account plan",
        ),
        AgendaItem(
            topic="Recommended next step",
            owner=CS_OPS,
            formats=["automated_report", "pooled_webinar"],
            content="The key feature the account does not use yet, with a link to its guide and a "
            "booking link for office hours",
        ),
    ]


def _preparation(ctx: DesignContext) -> tuple[list[PrepStep], list[Basis]]:
    basis = [
        ctx.assume(
            "review_preparation",
            "Business reviews are prepared from 14 days before (data pull) to 2 days before (agenda sent), with a "
            "recap 2 days after; the automated report is checked 3 days before it is sent.",
            "A review built on fresh data and a pre-read runs shorter and ends with commitments.",
            "How long does your team need to prepare a business review?",
        )
    ]
    seller = seller_title(ctx)
    both: list[ReviewFormat] = ["qbr", "business_review"]
    steps = [
        PrepStep(
            day=-14,
            task="Pull value-event counts, adoption, health trend and tickets for the period",
            owner=f"{CS_OPS} for the CSM",
            formats=[*both, "pooled_webinar"],
        ),
        PrepStep(
            day=-14,
            task="Pick the webinar theme from common tickets and feature requests; invite accounts",
            owner=f"{CSM_ROLE['guided']} team",
            formats=["pooled_webinar"],
        ),
        PrepStep(day=-10, task="Confirm attendees, including the economic buyer", owner="CSM", formats=both),
        PrepStep(
            day=-7,
            task=f"Draft the deck; the {role_in_sentence(seller)} adds the renewal and expansion view",
            owner="CSM",
            formats=both,
        ),
        PrepStep(
            day=-5,
            task="Internal pre-brief with our executive sponsor: goals, risks, the ask",
            owner="Named CSM",
            formats=["qbr"],
        ),
        PrepStep(
            day=-3,
            task="Check the report's data for every account (no missing events, no stale scores)",
            owner=CS_OPS,
            formats=["automated_report"],
        ),
        PrepStep(day=-2, task="Send the agenda and a one-page pre-read to the champion", owner="CSM", formats=both),
        PrepStep(
            day=0,
            task="Send the report in the product and by email to the champion",
            owner=CS_OPS,
            formats=["automated_report"],
        ),
        PrepStep(
            day=2,
            task="Send the recap with owners and dates; log the touchpoint; update the account plan",
            owner="CSM",
            formats=[*both, "pooled_webinar"],
        ),
    ]
    return steps, basis


def design_qbr(ctx: DesignContext, support: SupportSection) -> QbrSection:
    """Review cadence per tier, a company-specific agenda, and the preparation checklist."""
    formats = [review_format(p, support) for p in ctx.segments if support.tier_of(p.id) is not None]
    used = [f for f in FORMAT_RULES if f in formats]
    cadence_basis = [review_cadence_basis(ctx)]
    capacity: list[Basis] = []
    if any(s.touch == "guided" for s in ctx.segments):
        capacity.append(review_capacity_basis(ctx))
    cadences = _cadences(ctx, support, cadence_basis, capacity)
    by_segment = {p.id: review_format(p, support) for p in ctx.segments if support.tier_of(p.id) is not None}
    steps, prep_basis = _preparation(ctx)
    agenda = [a.model_copy(update={"formats": [f for f in a.formats if f in used]}) for a in _agenda(ctx, by_segment)]
    agenda = [a for a in agenda if a.formats]
    if "pooled_webinar" not in used:  # no webinar, so no product manager presenting one
        agenda = [a.model_copy(update={"owner": "CSM"}) if a.topic == "Roadmap" else a for a in agenda]
    steps = [s.model_copy(update={"formats": [f for f in s.formats if f in used]}) for s in steps]
    steps = [s for s in steps if s.formats]
    return QbrSection(
        summary=_summary(ctx, support, cadences),
        cadences=cadences,
        format_names={f: SHORT_NAMES[f] for f in used},
        agenda=agenda,
        preparation=steps,
        preparation_basis=prep_basis,
    )


def _summary(ctx: DesignContext, support: SupportSection, cadences: list[ReviewCadence]) -> str:
    """Who gets which review, and why the guided format fits the pooled CSMs' books."""
    runner = {
        "qbr": "their named CSM",
        "business_review": "their pooled CSM",
        "pooled_webinar": "the pooled CSM team",
        "automated_report": CS_OPS,
    }
    parts = [f"{join_names(c.segment_names)}: {FORMAT_PHRASES[c.format]}, run by {runner[c.format]}" for c in cadences]
    why = []
    per_year = 365 // CADENCE_DAYS["business_review"]
    for c in cadences:
        if c.tier != "guided":
            continue
        for sid in c.segments:
            cov = support.coverage_of(sid)
            if cov is None:
                continue
            book = int(cov.accounts_per_csm.value)
            fits = "within" if c.format == "business_review" else "more than"
            so = "" if c.format == "business_review" else ", hence the webinar"
            why.append(
                f"a pooled CSM's book of {book} {cov.segment_name} accounts means {book * per_year} one-to-one reviews "
                f"a year, {fits} the {REVIEWS_PER_CSM_YEAR} one CSM can run{so}"
            )
    text = f"{ctx.project.brief.company} reviews value per segment. " + "; ".join(parts) + "."
    if why:
        text += " " + "; ".join(why)[0].upper() + "; ".join(why)[1:] + "."
    return text
