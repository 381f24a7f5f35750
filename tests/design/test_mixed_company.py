"""The newcomer's company, end to end: usage-priced, card-billed, product-led, with a self-serve, a guided
and a high-touch segment, month-to-month plans and one 12-month contract (``mixed`` in conftest).

Each test pins one inconsistency found in a full playbook: signals or warnings applied to accounts they
do not fit, texts naming roles or units the company does not have, and two sections disagreeing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from cs_architect.design.compiler import design
from cs_architect.design.context import DesignContext
from cs_architect.design.playbook import Bundle
from cs_architect.inputs.project import Project
from cs_architect.render.document import to_markdown

MakeCtx = Callable[..., DesignContext]


@pytest.fixture(scope="module")
def bundle(mixed: Project) -> Bundle:
    return design(mixed)


@pytest.fixture(scope="module")
def text(bundle: Bundle) -> str:
    return to_markdown(bundle.playbook)


def test_the_example_has_three_tiers_and_mixed_terms(bundle: Bundle) -> None:
    segments = {s.id: (s.touch_model, s.acv_band) for s in bundle.playbook.overview.segments}
    assert segments == {
        "builders": ("self_serve", "smb"),
        "scale_ups": ("guided", "smb"),
        "fulfilment": ("high_touch", "enterprise"),
    }


def test_no_claim_of_checks_the_engine_does_not_run(text: str) -> None:
    """`csa score` computes the health score; operations.yaml is machine-readable but not evaluated yet,
    and there is no `csa backtest` command."""
    for claim in ("engine checks", "Checked daily", "checks daily", "csa backtest", "checked daily by"):
        assert claim.lower() not in text.lower(), claim
    assert "machine-readable condition in `operations.yaml`" in text
    assert "Back-test the model" in text and "csa score with an as-of date" in text


def test_usage_pricing_never_talks_about_seats(text: str, bundle: Bundle) -> None:
    assert "seats active" not in text and "accounts.seats holds" not in text
    active = next(s for _c, s in bundle.health_model.signals() if s.kind == "active_user_ratio")  # type: ignore[union-attr]
    assert "the account's users" in active.why
    statement = next(a.statement for a in bundle.playbook.assumptions if a.id == "active_user_ratio_thresholds")
    assert "seats" not in statement and "the account's users" in statement


def test_self_serve_texts_name_no_pooled_csm(bundle: Bundle) -> None:
    """Hobby projects and early-stage startups are self-serve: no pooled CSM follows up on them."""
    onboarding = bundle.playbook.onboarding
    assert onboarding is not None
    builders = next(m for m in onboarding.motions if m.segment == "builders")
    assert "pooled" not in builders.description.lower() and "Digital CS programme" in builders.description
    for m in onboarding.milestones:
        # Automated onboarding serves both tiers: each gets its own fallback.
        assert "Self-serve accounts: The Digital CS programme's automated follow-up" in m.fallback
        assert "Guided accounts: The Pooled CSM" in m.fallback


def test_watch_deadlines_follow_the_tier_table(bundle: Bundle) -> None:
    churn = bundle.playbook.churn
    assert churn is not None
    watch_days = {r.watch_days for r in churn.response_times}
    for w in churn.early_warnings:
        if w.severity == "watch":
            assert w.within_hours == 24 * min(watch_days), w.id
    assert next(w for w in churn.early_warnings if w.id == "payment_failed").within_hours == 7 * 24


def test_renewal_start_agrees_between_journey_renewals_and_warnings(bundle: Bundle) -> None:
    playbook = bundle.playbook
    assert playbook.journey is not None and playbook.renewal is not None and playbook.churn is not None
    track = next(t for t in playbook.renewal.tracks if t.segments == ["fulfilment"])
    renewal_stage = next(s for s in playbook.journey.stages if s.id == "renewal")
    entry = next(e for e in renewal_stage.entry if e.segments == ["fulfilment"])
    assert entry.text.startswith(f"{track.starts_at} days before the renewal date")
    warning = next(w for w in playbook.churn.early_warnings if w.id == "renewal_at_risk")
    assert warning.condition.value == track.starts_at == 120
    # Only the contract segment has a renewal date: the warning and the health signal are scoped to it.
    assert warning.segments == ["fulfilment"]
    renewal = next(s for _c, s in bundle.health_model.signals() if s.kind == "days_to_renewal")  # type: ignore[union-attr]
    assert renewal.segments == ["fulfilment"]


def test_ttv_benchmarks_read_the_same_everywhere(text: str) -> None:
    """The product-led benchmark is 1.5 days in the onboarding table and in the metrics, never '2 days'."""
    onboarding = text[text.index("## Onboarding") : text.index("## Health score")]
    metrics = text[text.index("## CS metrics dashboard") :]
    assert "1\\.5 days *(B:ttv\\_plg\\_days)*" in onboarding
    assert "1\\.5 days *(B:ttv\\_plg\\_days)*" in metrics
    assert not re.search(r"\b2 days \*\(B:ttv\\_plg\\_days\)", text)


def test_segment_names_get_plural_verbs(text: str) -> None:
    assert "centres arrives" not in text and "Accounts in 3PL fulfilment centres arrive" in text


def test_every_signal_and_warning_scope_names_real_segments(bundle: Bundle) -> None:
    ids = {s.id for s in bundle.playbook.overview.segments}
    for _c, s in bundle.health_model.signals():  # type: ignore[union-attr]
        assert set(s.segments) <= ids, s.id
    for w in bundle.operations.early_warnings:  # type: ignore[union-attr]
        assert set(w.segments) <= ids, w.id
