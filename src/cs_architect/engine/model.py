"""Load ``health_model.yaml`` from a bundle and check that the engine can run it.

Two tiers, like the inputs: the pydantic model checks shape (weights, bands, known signal
kinds); then every signal's params are tried against its engine function (windows are whole
numbers, event lists are lists ...). Every problem is reported as ``file:line: path: message``
and raises :class:`InputError` (exit 2).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from cs_architect.engine.signals import ParamError, Window, plan_signal
from cs_architect.errors import InputError
from cs_architect.inputs.loader import validation_issues
from cs_architect.issues import Issue
from cs_architect.spec.health_model import HealthModel
from cs_architect.spec.signals import SIGNAL_KINDS
from cs_architect.spec.sources import CONTRACT
from cs_architect.yamlio import Located, format_path, load

MODEL_FILE = "health_model.yaml"


def model_path(out: Path) -> Path:
    """``OUT/health_model.yaml`` for a bundle folder; a file path is taken as given."""
    out = Path(out)
    return out / MODEL_FILE if out.is_dir() or not out.suffix else out


def param_issues(model: HealthModel, located: Located | None = None) -> list[Issue]:
    """Signals whose params the engine cannot use (missing event lists, windows that are not
    whole numbers ...), located in the YAML when ``located`` is given."""
    issues = []
    window = Window(date(2000, 1, 1))
    for ci, cat in enumerate(model.categories):
        for si, signal in enumerate(cat.signals):
            try:
                plan_signal(signal.kind, signal.params, window)
            except ParamError as exc:
                where = ("kind",) if exc.param == "kind" else ("params", exc.param)
                path = ("categories", ci, "signals", si, *where)
                issues.append(
                    Issue(
                        "error",
                        f"signal '{signal.id}' ({signal.kind}): {exc}",
                        file=located.file if located else None,
                        line=located.line_of(path) if located else None,
                        path=format_path(path),
                        hint=f"params of {signal.kind}: "
                        + "; ".join(f"{k}: {v}" for k, v in SIGNAL_KINDS[signal.kind].params.items()),
                    )
                )
    return issues


def load_health_model(out: Path) -> HealthModel:
    """Read and validate ``OUT/health_model.yaml``; raise :class:`InputError` listing every issue."""
    path = model_path(out)
    if not path.exists():
        raise InputError(
            f"{path}: no health model here",
            [
                Issue(
                    "error",
                    "file not found",
                    file=str(path),
                    hint="run `csa design INPUTS -o OUT` first, or pass the folder that holds it",
                )
            ],
        )
    located = load(path, display=str(path))
    if not isinstance(located.data, dict):
        raise InputError(f"{path}: expected a mapping", [Issue("error", "not a mapping", file=str(path), line=1)])
    try:
        model = HealthModel.model_validate(located.data)
    except ValidationError as exc:
        raise InputError(f"{path}: the health model is not valid", validation_issues(exc, located)) from None
    issues = param_issues(model, located)
    if issues:
        raise InputError(f"{path}: the engine cannot run some signals", issues)
    return model


def model_digest(model: HealthModel) -> str:
    """A short fingerprint of the model, stored with each snapshot to tell model changes apart."""
    return hashlib.sha256(model.model_dump_json().encode()).hexdigest()[:16]


def tables_needed(model: HealthModel) -> dict[str, list[str]]:
    """Contract table -> ids of the model's signals that read it (or may, like the users
    fallback of active_user_ratio)."""
    out: dict[str, list[str]] = {}
    window = Window(date(2000, 1, 1))
    for _, signal in model.signals():
        plan = plan_signal(signal.kind, signal.params, window)
        tables = {
            *plan.needs,
            *(t for d in plan.derived for t in d.needs),
            *(a.source for a in plan.aggs.values() if a.source in CONTRACT),
        }
        for table in sorted(tables):
            out.setdefault(table, []).append(signal.id)
    return out
