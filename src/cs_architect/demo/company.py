"""What the demo company sells and how its customers use it, read from an input set.

Segments (with their share of accounts, ACV range and touch model), plans (price, billing,
contract, seat limits, features), add-ons, and the product's event catalogue: the events of the
key features and value events, which plan unlocks each, how often each happens and by which day a
customer should reach it. Nothing here is random; the simulation draws from these facts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cs_architect.benchmarks import load_benchmarks
from cs_architect.demo.assumptions import FEATURE_SPACING_DAYS, OPEN_ACV_MULTIPLE, OPEN_SIZE_MULTIPLE
from cs_architect.design.context import acv_band, touch_model, typical_acv
from cs_architect.inputs.pricing import PERIODS_PER_YEAR, Plan
from cs_architect.inputs.project import Project


@dataclass(frozen=True)
class SegmentSpec:
    id: str
    name: str
    share: float
    acv_min: float
    acv_max: float
    employees_min: float
    employees_max: float
    typical_acv: float
    band: str
    touch: str

    @property
    def guided(self) -> bool:
        """Has a CSM (ACV >= 10k: guided or high-touch)."""
        return self.touch != "self_serve"

    @property
    def qbr(self) -> bool:
        """Quarterly business reviews with executives (ACV >= 50k: high-touch)."""
        return self.touch == "high_touch"


@dataclass(frozen=True)
class PlanTerms:
    """A plan as the simulation needs it; ``id`` is None when the inputs have no pricing."""

    id: str | None
    metric: str  # seat / usage / flat / hybrid
    price: float  # per billing period (per seat when seat-priced)
    period_months: int
    contract_months: int
    method: str  # card / invoice
    min_seats: int | None
    max_seats: int | None
    included_usage: float
    usage_limit: float | None
    overage_price: float
    features: frozenset[str] | None  # None = every feature

    @property
    def price_month(self) -> float:
        return self.price / self.period_months

    @property
    def seat_priced(self) -> bool:
        return self.metric in ("seat", "hybrid")

    @property
    def usage_priced(self) -> bool:
        return self.metric in ("usage", "hybrid")


@dataclass(frozen=True)
class AddOnTerms:
    id: str
    feature: str | None
    price_month: float


@dataclass(frozen=True)
class Activity:
    """One event name in the product data, with what the simulation needs to emit it.

    ``weight`` is its relative frequency, ``rank`` its place in the adoption order (0 = the
    activation event), ``start_day`` the target day by which a typical customer first does it,
    ``milestone_count`` how many must happen on that day to reach a value event (0 if none),
    ``feature`` the key feature that must be in the plan for it to happen at all, ``breadth``
    its place in the adoption order scaled to 0-1 (0 = used even by the least healthy accounts).
    """

    event: str
    feature: str | None
    weight: float
    rank: int
    start_day: float
    milestone_count: int
    value_event: str | None
    breadth: float = 0.0


@dataclass(frozen=True)
class CompanyProfile:
    company: str
    currency: str
    motion: str
    segments: tuple[SegmentSpec, ...]
    plans: tuple[PlanTerms, ...]
    segment_plans: tuple[tuple[int, ...], ...]  # per segment: indices into plans
    add_ons: tuple[AddOnTerms, ...]
    activities: tuple[Activity, ...]
    usage_event: str | None
    trial_days: int
    nps_program: bool
    discount_max_pct: float
    renewal_uplift_pct: float | None
    feature_names: dict[str, str]

    @property
    def events(self) -> list[str]:
        return [a.event for a in self.activities]


def _segment_specs(project: Project) -> tuple[SegmentSpec, ...]:
    segments = project.personas.segments
    total = sum(s.expected_accounts for s in segments)
    out = []
    for s in segments:
        share = s.expected_accounts / total if total else 1 / len(segments)
        acv = typical_acv(s)
        acv_max = s.acv.max if s.acv.max is not None else max(s.acv.min, 1.0) * OPEN_ACV_MULTIPLE
        emp_max = (
            s.company_size.max if s.company_size.max is not None else max(s.company_size.min, 1) * OPEN_SIZE_MULTIPLE
        )
        out.append(
            SegmentSpec(
                id=s.id,
                name=s.name,
                share=share,
                acv_min=s.acv.min,
                acv_max=acv_max,
                employees_min=max(s.company_size.min, 1.0),
                employees_max=max(emp_max, 1.0),
                typical_acv=acv,
                band=acv_band(acv),
                touch=touch_model(acv),
            )
        )
    return tuple(out)


def _plan_terms(project: Project, plan: Plan) -> PlanTerms:
    pricing = project.pricing
    assert pricing is not None
    return PlanTerms(
        id=plan.id,
        metric=pricing.pricing_metric,
        price=plan.price,
        period_months=12 // PERIODS_PER_YEAR[plan.billing_period],
        contract_months=pricing.contract(plan),
        method=pricing.method(plan),
        min_seats=plan.min_seats,
        max_seats=plan.max_seats,
        included_usage=plan.included_usage or 0.0,
        usage_limit=plan.usage_limit,
        overage_price=plan.overage_price or 0.0,
        features=frozenset(plan.features) if plan.features else None,
    )


def _unpriced_plan(segment: SegmentSpec) -> PlanTerms:
    # No pricing input: one flat annual contract per segment at its typical ACV; card for
    # self-serve segments, invoice where a CSM is involved (the design compiler's touch bands).
    return PlanTerms(
        id=None,
        metric="flat",
        price=segment.typical_acv,
        period_months=12,
        contract_months=12,
        method="invoice" if segment.guided else "card",
        min_seats=None,
        max_seats=None,
        included_usage=0.0,
        usage_limit=None,
        overage_price=0.0,
        features=None,
    )


def _plans(
    project: Project, segments: tuple[SegmentSpec, ...]
) -> tuple[tuple[PlanTerms, ...], tuple[tuple[int, ...], ...]]:
    pricing = project.pricing
    if pricing is None:
        plans = tuple(_unpriced_plan(s) for s in segments)
        return plans, tuple((i,) for i in range(len(segments)))
    plans = tuple(_plan_terms(project, p) for p in pricing.plans)
    by_segment = []
    for s in segments:
        own = tuple(i for i, p in enumerate(pricing.plans) if p.segment == s.id)
        shared = tuple(i for i, p in enumerate(pricing.plans) if p.segment is None)
        by_segment.append(own or shared or tuple(range(len(plans))))
    return plans, tuple(by_segment)


def _activities(project: Project, default_target_day: float) -> tuple[Activity, ...]:
    """The event catalogue, in adoption order: activation first, then the other value events by
    target day, then the remaining key features in brief order (and the billed usage event)."""
    brief = project.brief
    feature_of = {f.event: f.id for f in brief.key_features if f.event}
    activation = brief.activation_event
    values = sorted(
        brief.value_events, key=lambda v: (v is not activation, v.target_day if v.target_day is not None else 10**6)
    )
    # Relative frequency: a repeated value event ("20 clock-ins by day 30") implies its monthly
    # rate, count / target_day x 30; any other activity happens about once a month per user.
    rates = {
        v.event: max(1.0, v.count / max(v.target_day or default_target_day, 1.0) * 30) if v.count > 1 else 1.0
        for v in values
    }
    out: list[Activity] = []
    seen: set[str] = set()
    last_day = 0.0
    for v in values:
        if v.event in seen:
            continue
        day = float(v.target_day) if v.target_day is not None else default_target_day
        last_day = max(last_day, day)
        out.append(Activity(v.event, feature_of.get(v.event), rates[v.event], len(out), day, v.count, v.id))
        seen.add(v.event)
    usage_event = project.pricing.usage_event if project.pricing else None
    extra: list[str] = []
    for event in [*(f.event for f in brief.key_features if f.event), *([usage_event] if usage_event else [])]:
        if event not in seen:
            seen.add(event)
            extra.append(event)
    for k, event in enumerate(extra):
        day = last_day + FEATURE_SPACING_DAYS * (k + 1)
        out.append(Activity(event, feature_of.get(event), 1.0, len(out), day, 0, None))
    last = max(len(out) - 1, 1)
    scaled = []
    for a in out:
        if a.event == usage_event and a.value_event is None:
            # The billed usage event flows from the first day, whatever the account's health.
            scaled.append(replace(a, start_day=0.0, breadth=0.0))
        else:
            scaled.append(replace(a, breadth=a.rank / last))
    return tuple(scaled)


def _default_target_day(segments: tuple[SegmentSpec, ...]) -> float:
    """Time to first value (days) of the ACV band holding most accounts (benchmark
    ``ttfv_<band>_days``): the target day of value events whose inputs give none."""
    row = load_benchmarks()[f"ttfv_{max(segments, key=lambda s: s.share).band}_days"]
    if row.low is not None and row.high is not None:
        return (row.low + row.high) / 2
    return float(row.median or row.low or row.high or 0)


def company_profile(project: Project) -> CompanyProfile:
    """Everything the simulation reads from the inputs."""
    pricing = project.pricing
    segments = _segment_specs(project)
    default_target_day = _default_target_day(segments)
    plans, segment_plans = _plans(project, segments)
    add_ons = tuple(
        AddOnTerms(a.id, a.feature, a.price / (12 // PERIODS_PER_YEAR[a.billing_period]))
        for a in (pricing.add_ons if pricing else [])
    )
    policy = pricing.discount_policy if pricing else None
    return CompanyProfile(
        company=project.brief.company,
        currency=project.brief.currency,
        motion=project.brief.sales_motion,
        segments=segments,
        plans=plans,
        segment_plans=segment_plans,
        add_ons=add_ons,
        activities=_activities(project, default_target_day),
        usage_event=pricing.usage_event if pricing else None,
        trial_days=(pricing.trial_days or 0) if pricing else 0,
        nps_program=project.brief.nps_survey_exists is not False,
        discount_max_pct=policy.max_discount_pct if policy else 0.0,
        renewal_uplift_pct=policy.renewal_uplift_pct if policy else None,
        feature_names={f.id: f.name for f in project.brief.key_features},
    )
