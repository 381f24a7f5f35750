"""The bundled example input sets and the `csa init` starter set.

Each example exists to exercise a different part of the design rules, so these tests pin down
what makes each one different. They check that it loads, how the gates treat it, the ACV band and
touch model of its segments, and its pricing and motion. They also check that the starter and
docs/inputs.md cover every field of the input schema.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from importlib.resources import files
from pathlib import Path

import pytest
from pydantic import BaseModel

from cs_architect.design.context import DesignContext
from cs_architect.design.gates import check_gates
from cs_architect.inputs import Brief, Personas, Pricing, Project, SalesProcess, load_project
from cs_architect.inputs.rules import check_project

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs" / "inputs.md"
STARTER_FILES = ("brief.yaml", "personas.yaml", "sales_process.yaml", "pricing.yaml")
DOCUMENT_MODELS: dict[str, type[BaseModel]] = {
    "brief.yaml": Brief,
    "personas.yaml": Personas,
    "sales_process.yaml": SalesProcess,
    "pricing.yaml": Pricing,
}

# The gate outcome each example was written for. A new example must be added here.
GATE_OUTCOME = {
    "shiftwise": "ready",
    "pipestream": "ready",
    "vaultline": "ready",
    "posthog": "ready",
    "tallyhive": "queued",
    "brightdesk": "refused",
}

# (ACV band, touch model) of each segment, in file order: the differences the examples exist for.
SEGMENT_PROFILES = {
    "pipestream": {"builders": ("smb", "self_serve"), "scale_ups": ("smb", "guided")},
    "vaultline": {"enterprise": ("enterprise", "high_touch"), "mid_market": ("mid_market", "guided")},
    "posthog": {
        "self_serve": ("smb", "self_serve"),
        "onboarding": ("smb", "guided"),
        "managed": ("mid_market", "high_touch"),
        "enterprise": ("enterprise", "high_touch"),
    },
    "tallyhive": {"small_firms": ("smb", "self_serve"), "growing_firms": ("smb", "guided")},
    "brightdesk": {"independent": ("smb", "self_serve"), "portfolio": ("mid_market", "guided")},
    "starter": {"small_teams": ("smb", "guided"), "larger_teams": ("mid_market", "high_touch")},
}


def _example_dirs() -> list[str]:
    return sorted(p.parent.name for p in EXAMPLES.glob("*/brief.yaml"))


@pytest.fixture(scope="module")
def starter_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter set copied out of the installed package, the way `csa init` writes it."""
    out = tmp_path_factory.mktemp("starter")
    starter = files("cs_architect").joinpath("data/starter")
    for name in STARTER_FILES:
        (out / name).write_text(starter.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    return out


def _load(name: str, starter_dir: Path) -> Project:
    return load_project(starter_dir if name == "starter" else EXAMPLES / name)


def _outcome(project: Project) -> str:
    gate = check_gates(project)
    if gate.queued:
        return "queued"
    return "refused" if gate.refused else "ready"


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The model and every model nested in its fields (lists, optionals), depth first."""
    found = [model]

    def walk(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found.extend(m for m in _models(annotation) if m not in found)
            return
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
            for arg in typing.get_args(annotation):
                walk(arg)

    for info in model.model_fields.values():
        walk(info.annotation)
    return found


# --- every set loads ---------------------------------------------------------------------------


def test_every_example_has_a_declared_outcome() -> None:
    assert _example_dirs() == sorted(GATE_OUTCOME)


@pytest.mark.parametrize("name", [*sorted(GATE_OUTCOME), "starter"])
def test_loads_without_issues(name: str, starter_dir: Path) -> None:
    project = _load(name, starter_dir)
    issues = check_project(project)
    if name == "starter":  # the starter's only issues are its placeholders, one warning per file
        assert {i.file for i in issues} == {"brief.yaml", "personas.yaml", "sales_process.yaml", "pricing.yaml"}
        assert all(i.level == "warning" and "placeholder" in i.message for i in issues)
    else:
        assert issues == []
    assert project.pricing is not None


@pytest.mark.parametrize("name", [*sorted(GATE_OUTCOME), "starter"])
def test_one_explicit_activation_event(name: str, starter_dir: Path) -> None:
    brief = _load(name, starter_dir).brief
    assert [v.id for v in brief.value_events if v.activation] == [brief.activation_event.id]


# --- gates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GATE_OUTCOME))
def test_gate_outcome(name: str, starter_dir: Path) -> None:
    assert _outcome(_load(name, starter_dir)) == GATE_OUTCOME[name]


def test_starter_is_ready_unchanged(starter_dir: Path) -> None:
    project = load_project(starter_dir)
    assert _outcome(project) == "ready"
    assert project.brief.company == "Your Company"


def test_brightdesk_refusal_lists_exactly_what_is_missing() -> None:
    missing = check_gates(load_project(EXAMPLES / "brightdesk")).missing
    assert len(missing) == 4
    assert "complete is not true" in missing[0]
    for name, item in zip(("success_criteria", "contract_terms", "artifacts"), missing[1:], strict=True):
        assert f"handoff.{name}:" in item


def test_brightdesk_is_otherwise_complete() -> None:
    """Filling in the four missing items is all it takes to get a playbook."""
    project = load_project(EXAMPLES / "brightdesk")
    assert project.sales.handoff is not None
    handoff = project.sales.handoff.model_copy(
        update={
            "success_criteria": "CRM field 'Success criteria'",
            "contract_terms": "Order form: term, renewal date, price",
            "artifacts": ["Signed order form"],
        }
    )
    sales = project.sales.model_copy(update={"complete": True, "handoff": handoff})
    assert _outcome(dataclasses.replace(project, sales=sales)) == "ready"


def test_tallyhive_is_queued_only_by_its_stage() -> None:
    project = load_project(EXAMPLES / "tallyhive")
    gate = check_gates(project)
    assert gate.queued and gate.missing == []
    brief = project.brief
    assert (brief.stage, brief.paying_customers, brief.beta_users) == ("pre-revenue", 0, 0)
    with_beta = dataclasses.replace(project, brief=brief.model_copy(update={"beta_users": 3}))
    assert _outcome(with_beta) == "ready"


# --- what makes each example different ---------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEGMENT_PROFILES))
def test_segment_bands_and_touch_models(name: str, starter_dir: Path) -> None:
    profiles = DesignContext(_load(name, starter_dir)).segments
    assert {p.id: (p.band, p.touch) for p in profiles} == SEGMENT_PROFILES[name]
    # every segment has a plan sold to it, except PostHog's onboarding segment (pay-as-you-go
    # customers past 500 USD/month, whose plan is listed under self_serve)
    without_plan = {p.id for p in profiles if not p.plans}
    assert without_plan == ({"onboarding"} if name == "posthog" else set())


def test_pipestream_is_product_led_usage_priced_on_monthly_cards() -> None:
    project = load_project(EXAMPLES / "pipestream")
    ctx = DesignContext(project)
    pricing = project.pricing
    assert pricing is not None
    assert ctx.motion == "product-led"
    assert ctx.pricing_metric == "usage" and pricing.usage_unit and pricing.usage_event
    assert pricing.free_tier
    assert ctx.payment_methods == {"card"}
    assert {p.billing_period for p in pricing.plans} == {"monthly"}
    assert all(p.annual_price("usage") < 25_000 for p in pricing.plans)
    assert any(p.overage_price for p in pricing.plans) and any(p.usage_limit for p in pricing.plans)
    assert all(p.touch != "high_touch" for p in ctx.segments)


def test_vaultline_is_sales_led_multi_year_on_invoices() -> None:
    project = load_project(EXAMPLES / "vaultline")
    ctx = DesignContext(project)
    pricing = project.pricing
    assert pricing is not None and pricing.discount_policy is not None
    assert ctx.motion == "sales-led"
    assert ctx.pricing_metric in ("hybrid", "flat")
    assert ctx.payment_methods == {"invoice"}
    top = max(pricing.plans, key=lambda p: p.annual_price(pricing.pricing_metric))
    assert pricing.contract(top) == 36
    assert pricing.discount_policy.approver and pricing.discount_policy.multi_year_discount_pct
    assert any(p.acv >= 100_000 and p.touch == "high_touch" for p in ctx.segments)
    assert any(p.band == "mid_market" for p in ctx.segments)
    assert (project.sales.average_sales_cycle_days or 0) >= 90
    handoff = project.sales.handoff
    assert handoff is not None
    artifacts = " ".join(handoff.artifacts).lower()
    assert "mutual success plan" in artifacts and "security review" in artifacts


def test_posthog_pricing_and_segments_follow_published_thresholds() -> None:
    project = load_project(EXAMPLES / "posthog")
    pricing = project.pricing
    assert pricing is not None and pricing.discount_policy is not None
    assert pricing.pricing_metric == "usage" and pricing.free_tier
    methods = {p.id: pricing.method(p) for p in pricing.plans}
    assert methods["pay_as_you_go"] == "card" and methods["annual_credits"] == "invoice"
    edges = {s.id: (s.acv.min, s.acv.max) for s in project.personas.segments}
    # 500 USD/month onboarding coverage, 20k/year named owner, 100k/year TAM early
    assert edges == {
        "self_serve": (0, 6000),
        "onboarding": (6000, 20000),
        "managed": (20000, 100000),
        "enterprise": (100000, None),
    }
    assert pricing.discount_policy.annual_prepay_discount_pct == 20
    assert pricing.discount_policy.multi_year_discount_pct == 5
    targets = {v.id: v.target_day for v in project.brief.value_events}
    assert targets["sdk_validated"] == 2 and targets["custom_events_defined"] == 3
    assert targets["flags_and_groups"] == 5 and targets["team_trained"] == 7


def test_posthog_files_cite_their_sources() -> None:
    for name in STARTER_FILES:
        text = (EXAMPLES / "posthog" / name).read_text(encoding="utf-8")
        assert "posthog.com" in text or ".md@" in text, name
    brief = (EXAMPLES / "posthog" / "brief.yaml").read_text(encoding="utf-8")
    assert "ASSUMPTION" in brief


def test_examples_cover_every_pricing_metric_and_motion() -> None:
    projects = [load_project(EXAMPLES / name) for name in GATE_OUTCOME]
    assert {p.pricing.pricing_metric for p in projects if p.pricing} == {"seat", "usage", "flat", "hybrid"}
    assert {p.brief.sales_motion for p in projects} == {"product-led", "sales-led", "hybrid"}


# --- starter and reference docs cover the whole schema -----------------------------------------


@pytest.mark.parametrize("file_name", STARTER_FILES)
def test_starter_shows_every_field(file_name: str, starter_dir: Path) -> None:
    text = (starter_dir / file_name).read_text(encoding="utf-8")
    for model in _models(DOCUMENT_MODELS[file_name]):
        for field in model.model_fields:
            assert f"{field}:" in text, f"{file_name} does not show {model.__name__}.{field}"


def test_reference_documents_every_field_and_example() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for root in DOCUMENT_MODELS.values():
        for model in _models(root):
            for field in model.model_fields:
                assert f"| `{field}` |" in text, f"docs/inputs.md does not document {model.__name__}.{field}"
    for name in GATE_OUTCOME:
        assert f"`examples/{name}/`" in text
