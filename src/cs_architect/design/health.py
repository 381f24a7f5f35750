"""Design step *health*: the health score model (``health_model.yaml``) and how to read it.

Six categories with the default weights usage 40 / adoption 15 / support 15 / sentiment 15 /
commercial 10 / engagement 5, recalculated daily, cut into bands healthy >= 70 / at risk >= 40 /
critical < 40; missing data is redistributed. Signals are chosen and parametrised from the inputs
(:mod:`cs_architect.design.health_signals`). The section adds what a CS lead needs to trust and run
the model: a table of signals with effective weights, the calculation with its formula, who acts
when an account enters each band, and which data tables the model reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from pydantic import Field

from cs_architect.design.context import DesignContext, TouchModel
from cs_architect.design.cs_team import HEAD_OF_CS, TIER_NAMES, TIER_ORDER, distinct_titles, join_names
from cs_architect.design.health_commercial import commercial_signals
from cs_architect.design.health_data import DataRequirement, data_requirements
from cs_architect.design.health_facts import HealthFacts, UsageCadence, health_facts
from cs_architect.design.health_signals import (
    adoption_signals,
    engagement_signals,
    sentiment_signals,
    usage_signals,
)
from cs_architect.design.health_support import support_signals
from cs_architect.design.health_table import CATEGORY_NAMES as CATEGORY_NAMES
from cs_architect.design.health_table import SignalRow as SignalRow
from cs_architect.design.health_table import calculation, formula, signal_rows, worked_example
from cs_architect.design.health_table import describe_scoring as describe_scoring
from cs_architect.design.motions import DIGITAL_CS, NAMED_CSM, POOLED_CSM, tier_name, tier_owner
from cs_architect.inputs.base import Strict
from cs_architect.spec.basis import Basis, Figure
from cs_architect.spec.health_model import (
    Band,
    CategorySpec,
    HealthModel,
    MissingData,
)
from cs_architect.spec.operations import Milestone
from cs_architect.spec.signals import CATEGORIES, DEFAULT_CATEGORY_WEIGHTS, Category
from cs_architect.spec.sources import default_sources

BandId = Literal["healthy", "at_risk", "critical"]
CATEGORY_QUESTIONS: dict[Category, str] = {
    "usage": "Do they use it, as often as a healthy customer does?",
    "adoption": "Do they use what they bought and reach the value events?",
    "support": "Is support helping or is the product getting in their way?",
    "sentiment": "What do their people say?",
    "commercial": "Is the contract growing, shrinking or at risk of not being paid?",
    "engagement": "Are we in touch with the people who decide?",
}
# Who owns an account's health by touch model: the support tiers' roles (one name per role).
TOUCH_OWNERS: dict[TouchModel, str] = {t: tier_owner(t) for t in TIER_ORDER}
# Days to act after an account enters a band, by band and touch model (assumption 'band_response_days');
# the churn step's interventions and early warnings use the same days.
BAND_RESPONSE_DAYS: dict[BandId, dict[TouchModel, int]] = {
    "healthy": {"self_serve": 30, "guided": 30, "high_touch": 30},
    "at_risk": {"self_serve": 1, "guided": 5, "high_touch": 2},
    "critical": {"self_serve": 2, "guided": 2, "high_touch": 1},
}
TREND_DAYS = 30


class HasMilestones(Protocol):
    """What health reads from the onboarding step: its milestones."""

    @property
    def milestones(self) -> Sequence[Milestone]: ...


class CategoryRow(Strict):
    id: Category
    name: str
    question: str
    weight: Figure
    formula: str


class BandAction(Strict):
    """What happens when an account in one touch tier enters a band."""

    touch: TouchModel
    touch_name: str
    segments: list[str]
    owner: str
    action: str
    within_days: int
    basis: list[Basis]


class BandPlan(Strict):
    id: BandId
    name: str
    range: str
    min: Figure
    meaning: str
    actions: list[BandAction]


class HealthSection(Strict):
    summary: str
    model: HealthModel
    usage_cadence: UsageCadence
    usage_cadence_reason: str
    usage_cadence_basis: list[Basis]
    recalculation: Figure
    tenure_days: Figure
    categories: list[CategoryRow]
    signals: list[SignalRow]
    calculation: list[str]
    worked_example: list[str]
    bands: list[BandPlan]
    data_requirements: list[DataRequirement]
    calibration: list[str]
    segment_names: dict[str, str] = Field(default_factory=dict, description="segment id -> name")


# --- the model ----------------------------------------------------------------------------------
def _categories(ctx: DesignContext, facts: HealthFacts) -> list[CategorySpec]:
    weight_basis = [
        ctx.assume(
            "default_category_weights",
            "Category weights start at the tool's defaults: usage 40, adoption 15, support 15, "
            "sentiment 15, commercial 10, engagement 5.",
            "Usage is the earliest and most objective sign of value; the defaults are a starting "
            "point, to be calibrated by back-testing on the company's own renewals and churn.",
            "After 6-12 months of scores, which weights best separate churned from renewed accounts in a back-test?",
        ),
        ctx.bench("health_weights_typical", "usage-type inputs weigh most in typical scores"),
    ]
    builders = {
        "usage": usage_signals,
        "adoption": adoption_signals,
        "support": support_signals,
        "sentiment": sentiment_signals,
        "commercial": commercial_signals,
        "engagement": engagement_signals,
    }
    return [
        CategorySpec(id=c, weight=DEFAULT_CATEGORY_WEIGHTS[c], signals=builders[c](ctx, facts), basis=weight_basis)
        for c in CATEGORIES
    ]


def _bands(ctx: DesignContext) -> tuple[list[Band], list[Basis]]:
    row = ctx.row("health_bands_common")
    if row.low is None or row.high is None:
        raise ValueError("benchmark row health_bands_common needs low and high")
    basis = [ctx.bench("health_bands_common")]
    return [
        Band(id="healthy", name="Healthy", min=row.high),
        Band(id="at_risk", name="At risk", min=row.low),
        Band(id="critical", name="Critical", min=0),
    ], basis


def _band_plans(ctx: DesignContext, model: HealthModel, facts: HealthFacts, bands_basis: list[Basis]) -> list[BandPlan]:
    response_basis = band_response_basis(ctx)
    b = {band.id: band.min for band in model.bands}
    ranges = {
        "healthy": f"{b['healthy']:g} to 100",
        "at_risk": f"{b['at_risk']:g} to below {b['healthy']:g}",
        "critical": f"0 to below {b['at_risk']:g}",
    }
    act = ctx.project.brief.activation_event.name
    meaning = {
        "healthy": f"Uses {model.company} at the {facts.cadence} rhythm of a healthy account and keeps reaching "
        f"'{act}': the time to ask for references and to act on expansion triggers.",
        "at_risk": "At least one category is slipping (the score breakdown shows which): find the cause before "
        "the customer raises it.",
        "critical": "Likely to churn or cut back at the next renewal unless the cause is fixed now.",
    }
    plans = []
    for band in ("healthy", "at_risk", "critical"):
        actions = []
        for touch, profiles in facts.tiers.items():
            champions = " / ".join(distinct_titles(p.segment.champion for p in profiles))
            buyers = " / ".join(distinct_titles(p.segment.economic_buyer for p in profiles))
            actions.append(
                BandAction(
                    touch=touch,
                    touch_name=tier_name(touch),
                    segments=[p.name for p in profiles],
                    owner=TOUCH_OWNERS[touch],
                    action=_band_action(band, touch, champions, buyers),
                    within_days=BAND_RESPONSE_DAYS[band][touch],
                    basis=[response_basis],
                )
            )
        plans.append(
            BandPlan(
                id=band,
                name=next(x.name for x in model.bands if x.id == band),
                range=ranges[band],
                min=Figure(value=b[band], unit="score", basis=bands_basis),
                meaning=meaning[band],
                actions=actions,
            )
        )
    return plans


def band_response_basis(ctx: DesignContext) -> Basis:
    """The assumption behind :data:`BAND_RESPONSE_DAYS`, worded from the table itself."""

    def days(n: int) -> str:
        return f"{n} day{'s' if n != 1 else ''}"

    parts = [
        f"{band.replace('_', ' ')}: "
        + ", ".join(f"{TIER_NAMES[t].lower()} within {days(d)}" for t, d in BAND_RESPONSE_DAYS[band].items())
        for band in ("at_risk", "critical")
    ]
    review = sorted(set(BAND_RESPONSE_DAYS["healthy"].values()))
    return ctx.assume(
        "band_response_days",
        f"Response times after an account enters a band ({'; '.join(parts)}); healthy accounts are reviewed at "
        f"least every {' or '.join(str(d) for d in review)} days.",
        "Higher-value accounts get a faster human response; self-serve accounts get an automated response the "
        "next day and a person when it does not help; a pooled CSM's larger book needs more time than a "
        "named CSM's.",
        "How quickly can your CS team act on a newly at-risk or critical account today?",
    )


def _band_action(band: BandId, touch: TouchModel, champion: str, buyer: str) -> str:
    if band == "healthy":
        return {
            "self_serve": "Lifecycle emails and in-app tips on key features not yet used; NPS survey on "
            "schedule; invite promoters to reviews.",
            "guided": f"Review at the next scheduled touchpoint with the {champion}; check expansion "
            "triggers; ask promoters for a reference.",
            "high_touch": f"Keep the business-review cadence with the {buyer}; plan expansion; ask for a case study.",
        }[touch]
    if band == "at_risk":
        return {
            "self_serve": "Automated: in-app guide and email sequence aimed at the lowest-scoring "
            f"category; the {DIGITAL_CS} reviews the at-risk list weekly.",
            "guided": f"Find the lowest-scoring category, call the {champion}, agree a recovery plan "
            "with dates; rate CSM sentiment with a reason.",
            "high_touch": f"Call the {champion}, agree a written recovery plan, tell the account "
            "executive; add the account to the weekly risk review.",
        }[touch]
    return {
        "self_serve": f"A person from the {DIGITAL_CS} emails the account admin with a call offer and "
        "the one fix most likely to restore value.",
        "guided": f"{POOLED_CSM} and the {HEAD_OF_CS} hold a rescue call with the {champion} and inform the "
        f"{buyer}; start the critical intervention.",
        "high_touch": f"{NAMED_CSM} and the {HEAD_OF_CS} open a rescue plan; executive-to-executive call with "
        f"the {buyer}.",
    }[touch]


TUNED = " It is tuned for"  # where the design-time part of the summary starts (kept by with_model)


def _sentence_case(name: str) -> str:
    """'Active users ...' -> 'active users ...' inside a sentence; acronyms ('NPS ...') stay."""
    return name[0].lower() + name[1:] if name[1:2].islower() else name


def _headline(model: HealthModel, signals: Sequence[SignalRow]) -> str:
    """The part of the summary that follows the model (recomputed after an edit)."""
    top = max(signals, key=lambda r: r.effective_weight)
    heaviest = max(model.categories, key=lambda c: c.weight)
    scoped = (
        " (each account is scored on the ones that apply to its segment)" if any(r.segments for r in signals) else ""
    )
    return (
        f"{model.company}'s health score combines {len(signals)} signals{scoped} in {len(model.categories)} categories "
        f"and is recalculated {model.cadence}. {CATEGORY_NAMES[heaviest.id]} carries {heaviest.weight:g}% of the "
        f"score; the heaviest single signal is {_sentence_case(top.name)} ({top.effective_weight:g}%)."
    )


def _tuning(ctx: DesignContext, facts: HealthFacts) -> str:
    """The part of the summary that follows the inputs: usage rhythm, tenure, SLA tier, owners."""
    owners = "; ".join(f"{tier_owner(t)} for {join_names(p.name for p in ps)}" for t, ps in facts.tiers.items())
    tiers = list(facts.tiers)
    sla = (
        f"the first-response targets of the {TIER_NAMES[tiers[0]].lower()} tier"
        if len(tiers) == 1
        else "each support tier's own first-response targets"
    )
    scoped = (
        " Signals that need a CSM (touchpoints, business reviews, CSM sentiment) apply only to the segments a "
        "CSM covers."
        if facts.csm_tiers and "self_serve" in facts.tiers
        else ""
    )
    return (
        f"{TUNED} {facts.cadence} use of {ctx.project.brief.company}, judges new accounts leniently until day "
        f"{facts.tenure_days} (activation) and checks {sla}. Who acts on a band change: {owners}.{scoped}"
    )


def design_health(ctx: DesignContext, onboarding: HasMilestones) -> HealthSection:
    """Design the health score model for the company in ``ctx``.

    Six categories (default weights 40/15/15/15/10/5), signals chosen from the inputs, daily
    recalculation, bands from benchmark ``health_bands_common``, missing data redistributed:
    ``category = sum(w_i * s_i) / sum(w_i)`` over signals with data, ``health = sum(W_c * category_c)
    / sum(W_c)`` over categories with data.
    """
    brief = ctx.project.brief
    facts = health_facts(ctx, onboarding.milestones)
    categories = _categories(ctx, facts)
    bands, bands_basis = _bands(ctx)
    daily = ctx.bench("health_recalc_daily")
    model = HealthModel(
        company=brief.company,
        cadence="daily",
        categories=categories,
        bands=bands,
        missing_data=MissingData(policy="redistribute", neutral_score=50),
        trend_days=TREND_DAYS,
        sources=default_sources(),
    )
    names = {p.id: p.name for p in ctx.segments}
    signals = signal_rows(model, names)
    summary = _headline(model, signals) + _tuning(ctx, facts)
    return HealthSection(
        summary=summary,
        model=model,
        usage_cadence=facts.cadence,
        usage_cadence_reason=facts.cadence_reason,
        usage_cadence_basis=facts.cadence_basis,
        recalculation=Figure(value=1, unit="days", basis=[daily]),
        tenure_days=Figure(value=facts.tenure_days, unit="days", basis=facts.tenure_basis),
        categories=[
            CategoryRow(
                id=c.id,
                name=CATEGORY_NAMES[c.id],
                question=CATEGORY_QUESTIONS[c.id],
                weight=Figure(value=c.weight, unit="%", basis=c.basis),
                formula=formula(c),
            )
            for c in model.categories
        ],
        signals=signals,
        calculation=calculation(model),
        worked_example=worked_example(model),
        bands=_band_plans(ctx, model, facts, bands_basis),
        data_requirements=data_requirements(model, list(names)),
        segment_names=names,
        calibration=[
            "Back-test the model once 6-12 months of history exist: score every account as it was 90 days "
            "before each renewal or churn (csa score with an as-of date, on the data up to that day) and compare "
            "the bands with what happened: churned and contracted accounts should sit in at risk or critical, "
            "renewed ones in healthy.",
            "Move a weight or threshold in health_model.yaml only when that comparison improves; every "
            "threshold's basis names the question that would replace it with your own number.",
            "Revisit the model at least once a year, and whenever pricing, plans or the product's value events change.",
        ],
    )


def _edited(original: Figure, value: float, ref: str) -> Figure:
    """Keep a figure's basis while its value is unchanged; an edited value is based on the edit."""
    if original.value == value:
        return original
    return Figure(value=value, unit=original.unit, basis=[Basis(kind="input", ref=ref)])


def with_model(section: HealthSection, model: HealthModel) -> HealthSection:
    """The section re-derived from an edited ``health_model.yaml`` (what `csa render` shows).

    Tables, formulas, the worked example, band ranges and data requirements follow the edited model;
    band actions and the reasoning text stay as designed.
    """
    old_weights = {c.id: c.weight for c in section.categories}
    categories = [
        CategoryRow(
            id=c.id,
            name=CATEGORY_NAMES[c.id],
            question=CATEGORY_QUESTIONS[c.id],
            weight=_edited(old_weights[c.id], c.weight, f"health_model.yaml categories[{i}].weight")
            if c.id in old_weights
            else Figure(
                value=c.weight, unit="%", basis=[Basis(kind="input", ref=f"health_model.yaml categories[{i}]")]
            ),
            formula=formula(c),
        )
        for i, c in enumerate(model.categories)
    ]
    b = {band.id: band.min for band in model.bands}
    ranges = {
        "healthy": f"{b['healthy']:g} to 100",
        "at_risk": f"{b['at_risk']:g} to below {b['healthy']:g}",
        "critical": f"0 to below {b['at_risk']:g}",
    }
    bands = [
        plan.model_copy(
            update={
                "range": ranges[plan.id],
                "min": _edited(plan.min, b[plan.id], "health_model.yaml bands"),
                "name": next(x.name for x in model.bands if x.id == plan.id),
            }
        )
        for plan in section.bands
    ]
    signals = signal_rows(model, section.segment_names)
    tail = section.summary[section.summary.find(TUNED) :] if TUNED in section.summary else ""
    summary = _headline(model, signals) + tail
    return section.model_copy(
        update={
            "summary": summary,
            "model": model,
            "categories": categories,
            "signals": signals,
            "calculation": calculation(model),
            "worked_example": worked_example(model),
            "bands": bands,
            "data_requirements": data_requirements(model, list(section.segment_names)),
        }
    )
