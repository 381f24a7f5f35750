"""The design compiler: inputs -> gates -> ten design steps -> Bundle. Pure and deterministic."""

from __future__ import annotations

from cs_architect import __version__
from cs_architect.design.churn import design_churn
from cs_architect.design.context import DesignContext
from cs_architect.design.expansion import design_expansion
from cs_architect.design.feedback import design_feedback
from cs_architect.design.gates import QUEUE_TRIGGER_CUSTOMERS, check_gates
from cs_architect.design.health import design_health
from cs_architect.design.journey import design_journey
from cs_architect.design.metrics import design_metrics
from cs_architect.design.onboarding import design_onboarding
from cs_architect.design.playbook import Bundle, Overview, Playbook, QueuedPlan, SegmentSummary
from cs_architect.design.qbr import design_qbr
from cs_architect.design.renewal import design_renewal
from cs_architect.design.support import design_support
from cs_architect.errors import GateRefused
from cs_architect.inputs.project import Project
from cs_architect.issues import Issue
from cs_architect.spec.operations import Operations

GENERATOR = f"cs-architect {__version__}"


def _overview(ctx: DesignContext) -> Overview:
    p = ctx.project
    return Overview(
        company=p.brief.company,
        product=p.brief.product,
        value_proposition=p.brief.value_proposition,
        stage=p.brief.stage,
        sales_motion=p.brief.sales_motion,
        pricing_metric=ctx.pricing_metric,
        currency=ctx.currency,
        paying_customers=p.brief.paying_customers,
        arr=p.brief.arr,
        segments=[
            SegmentSummary(
                id=s.id,
                name=s.name,
                typical_acv=s.acv,
                acv_band=s.band,
                touch_model=s.touch,
                expected_accounts=s.segment.expected_accounts,
                plans=[pl.name for pl in s.plans],
                basis=[
                    ctx.segment_basis(s),
                    ctx.bench("nrr_segment_mid_market", "ACV band cut-offs"),
                    ctx.bench(
                        "coverage_tech_touch_lt10k" if s.touch == "self_serve" else "csm_accounts_acv_50k_plus",
                        "touch model cut-offs",
                    ),
                ],
            )
            for s in ctx.segments
        ],
        activation_event=p.brief.activation_event.name,
        handoff_owner=p.sales.handoff.owner if p.sales.handoff else None,
        inputs=sorted({loc.file for loc in p.sources.values()}),
    )


def _queued(ctx: DesignContext, missing: list[str]) -> QueuedPlan:
    """What to prepare before the first customers: only what the inputs do not already settle."""
    project = ctx.project
    brief = project.brief
    value = brief.activation_event
    prepare = [
        f"Instrument the product so that '{value.name}' (event '{value.event}') and the other value events are "
        "recorded per account and user from day one: they become the onboarding milestones and adoption signals.",
    ]
    if missing:
        prepare.append("Finish the sales-to-CS handoff in sales_process.yaml (the items listed below).")
    if project.pricing is None:
        prepare.append(
            "Decide the pricing model (metric, plans, billing, payment method) and write pricing.yaml: it decides "
            "renewals, dunning or collections, and upsell triggers."
        )
    prepare += [
        "Set up a support inbox that tags every ticket with its account, and a way to send an NPS survey.",
        f"Recruit design partners among {', '.join(s.name for s in project.personas.segments)} and agree "
        "one measurable success criterion with each.",
        f"Run csa design again when the first {QUEUE_TRIGGER_CUSTOMERS} customers (paying or beta) are live.",
    ]
    return QueuedPlan(
        reason="pre-revenue with no beta users and no paying customers (brief.stage, brief.beta_users, "
        "brief.paying_customers)",
        trigger=f"first {QUEUE_TRIGGER_CUSTOMERS} customers",
        trigger_customers=QUEUE_TRIGGER_CUSTOMERS,
        prepare_now=prepare,
        missing_handoff=missing,
    )


def design(project: Project, *, ignore_gates: bool = False) -> Bundle:
    """Compile a validated input set into a :class:`Bundle`.

    Raises :class:`GateRefused` (exit 3) when the sales handoff is not defined, unless
    ``ignore_gates``. A pre-revenue company with no beta users gets a queued plan (status 'queued').
    """
    gate = check_gates(project)
    overridden: list[str] = []
    if gate.queued and not ignore_gates:
        ctx = DesignContext(project)
        playbook = Playbook(
            generator=GENERATOR,
            status="queued",
            overview=_overview(ctx),
            queued=_queued(ctx, gate.missing),
            benchmarks=list(ctx.benchmarks_used.values()),
        )
        return Bundle(playbook=playbook)
    if gate.refused:
        if not ignore_gates:
            raise GateRefused(
                "no playbook until the sales handoff is defined: the sales process is incomplete",
                [
                    Issue(
                        "error",
                        m,
                        hint="complete sales_process.yaml, or pass --ignore-gates to draft anyway",
                    )
                    for m in gate.missing
                ],
            )
        overridden.append("sales handoff not defined: " + "; ".join(gate.missing))
    if gate.queued:
        overridden.append(f"queued until the first {QUEUE_TRIGGER_CUSTOMERS} customers: {gate.queue_reason}")

    ctx = DesignContext(project)
    overview = _overview(ctx)
    journey = design_journey(ctx)
    onboarding = design_onboarding(ctx)
    health = design_health(ctx, onboarding)
    churn = design_churn(ctx, health)
    expansion = design_expansion(ctx)
    support = design_support(ctx)
    qbr = design_qbr(ctx, support)
    feedback = design_feedback(ctx)
    renewal = design_renewal(ctx, support)
    metrics = design_metrics(ctx, expansion)
    operations = Operations(
        company=project.brief.company,
        milestones=onboarding.milestones,
        early_warnings=churn.early_warnings,
        interventions=churn.interventions,
        dunning=churn.dunning,
        expansion_triggers=expansion.triggers,
        renewals=renewal.renewals,
    )
    playbook = Playbook(
        generator=GENERATOR,
        status="ready",
        gates_overridden=overridden,
        overview=overview,
        journey=journey,
        onboarding=onboarding,
        health=health,
        churn=churn,
        expansion=expansion,
        support=support,
        qbr=qbr,
        feedback=feedback,
        renewal=renewal,
        metrics=metrics,
        assumptions=list(ctx.assumptions.values()),
        open_questions=[a.question for a in ctx.assumptions.values() if a.question],
        benchmarks=sorted(ctx.benchmarks_used.values(), key=lambda b: b.id),
    )
    return Bundle(playbook=playbook, health_model=health.model, operations=operations)
