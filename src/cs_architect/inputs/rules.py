"""Cross-document rules: meaning that no single file's schema can check."""

from __future__ import annotations

from collections import Counter

from cs_architect.inputs.project import Project
from cs_architect.issues import Issue, Level
from cs_architect.yamlio import PathKey, format_path


def _issue(project: Project, doc: str, path: PathKey, message: str, hint: str, level: Level = "error") -> Issue:
    located = project.sources.get(doc)
    file = located.file if located else doc
    return Issue(level, message, file=file, line=project.line_of(doc, path), path=format_path(path), hint=hint)


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(k for k, n in Counter(ids).items() if n > 1)


PLACEHOLDER = "REPLACE:"


def _walk(data: object, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, dict):
        return [hit for k, v in data.items() for hit in _walk(v, (*path, k))]
    if isinstance(data, list):
        return [hit for i, v in enumerate(data) for hit in _walk(v, (*path, i))]
    return [(path, data)] if isinstance(data, str) else []


def placeholder_issues(project: Project) -> list[Issue]:
    """One warning per file that still holds starter-set placeholders ('REPLACE: ...')."""
    issues = []
    seen: set[int] = set()
    for located in project.sources.values():
        if id(located) in seen:
            continue
        seen.add(id(located))
        hits = [path for path, text in _walk(located.data) if PLACEHOLDER in text]
        if hits:
            issues.append(
                Issue(
                    "warning",
                    f"{len(hits)} field(s) still hold a starter placeholder '{PLACEHOLDER} ...'",
                    file=located.file,
                    line=located.line_of(hits[0]),
                    path=format_path(hits[0]),
                    hint="replace each with your company's own fact; the playbook quotes them",
                )
            )
    return issues


def check_project(project: Project) -> list[Issue]:
    """Return every cross-file issue (errors and warnings), in file order."""
    issues: list[Issue] = placeholder_issues(project)
    segment_ids = [s.id for s in project.personas.segments]
    known = set(segment_ids)
    for dup in _duplicates(segment_ids):
        i = segment_ids.index(dup)
        issues.append(
            _issue(
                project,
                "personas",
                ("segments", i, "id"),
                f"segment id '{dup}' is used twice",
                "give each segment its own id",
            )
        )
    for i, persona in enumerate(project.personas.personas):
        for j, seg in enumerate(persona.segments):
            if seg not in known:
                issues.append(
                    _issue(
                        project,
                        "personas",
                        ("personas", i, "segments", j),
                        f"persona '{persona.id}' names segment '{seg}', which is not defined",
                        f"use one of: {', '.join(segment_ids)}",
                    )
                )
    brief = project.brief
    for kind, ids in (
        ("value event", [v.id for v in brief.value_events]),
        ("feature", [f.id for f in brief.key_features]),
    ):
        for dup in _duplicates(ids):
            issues.append(_issue(project, "brief", (), f"{kind} id '{dup}' is used twice", "give each its own id"))
    pricing = project.pricing
    if pricing is not None:
        feature_ids = {f.id for f in brief.key_features}
        for dup in _duplicates([p.id for p in pricing.plans]):
            issues.append(
                _issue(
                    project,
                    "pricing",
                    ("plans",),
                    f"plan id '{dup}' is used twice",
                    "give each plan its own id",
                )
            )
        if pricing.currency != brief.currency:
            issues.append(
                _issue(
                    project,
                    "pricing",
                    ("currency",),
                    f"pricing currency {pricing.currency} differs from the brief's {brief.currency}",
                    "use one reporting currency in both files",
                )
            )
        for i in range(len(pricing.plans)):
            issues += _plan_issues(project, i, segment_ids, feature_ids)
        for i, add_on in enumerate(pricing.add_ons):
            if add_on.feature and add_on.feature not in feature_ids:
                issues.append(
                    _issue(
                        project,
                        "pricing",
                        ("add_ons", i, "feature"),
                        f"add-on '{add_on.id}' names feature '{add_on.feature}', which the brief does not define",
                        f"use one of: {', '.join(sorted(feature_ids))}",
                    )
                )
    return issues


def _plan_issues(project: Project, i: int, segment_ids: list[str], feature_ids: set[str]) -> list[Issue]:
    """A plan's own checks (seats, features) and, when it names a segment, its price vs the segment's ACV."""
    pricing = project.pricing
    assert pricing is not None
    plan = pricing.plans[i]
    issues: list[Issue] = []
    if plan.min_seats and plan.max_seats and plan.max_seats < plan.min_seats:
        issues.append(
            _issue(project, "pricing", ("plans", i, "max_seats"), "max_seats is below min_seats", "swap or fix them")
        )
    for j, fid in enumerate(plan.features):
        if fid not in feature_ids:
            issues.append(
                _issue(
                    project,
                    "pricing",
                    ("plans", i, "features", j),
                    f"plan '{plan.id}' lists feature '{fid}', which the brief does not define",
                    f"use one of: {', '.join(sorted(feature_ids))}",
                )
            )
    if plan.segment is None:
        return issues
    if plan.segment not in segment_ids:
        issues.append(
            _issue(
                project,
                "pricing",
                ("plans", i, "segment"),
                f"plan '{plan.id}' names segment '{plan.segment}', which is not defined",
                f"use one of: {', '.join(segment_ids)}",
            )
        )
        return issues
    seg = project.personas.segment(plan.segment)
    annual = plan.annual_price(pricing.pricing_metric)
    if not seg.acv.contains(annual):
        upper = "no upper limit" if seg.acv.max is None else f"{seg.acv.max:,.0f}"
        issues.append(
            _issue(
                project,
                "pricing",
                ("plans", i, "price"),
                f"plan '{plan.id}' costs {annual:,.0f} {pricing.currency} a year at its minimum size, outside "
                f"segment '{seg.id}' ACV range {seg.acv.min:,.0f} to {upper}",
                "fix the price, min_seats or billing_period, or the segment's acv range in personas.yaml",
            )
        )
    return issues
