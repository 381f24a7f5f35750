"""Read the user-edited specs (health_model.yaml, operations.yaml) with located errors."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from cs_architect.errors import InputError
from cs_architect.inputs.loader import validation_issues
from cs_architect.issues import Issue
from cs_architect.spec.health_model import HealthModel
from cs_architect.yamlio import load

M = TypeVar("M", bound=BaseModel)


def load_spec(path: Path, model: type[M]) -> M:
    """Load a YAML spec with located validation errors (file:line: field: message)."""
    located = load(path, display=path.name)
    if not isinstance(located.data, dict):
        raise InputError(
            f"{path.name}: expected a mapping",
            [Issue("error", "not a mapping", file=path.name, line=1)],
        )
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        raise InputError(f"{path.name} is not valid", validation_issues(exc, located)) from None


def load_health_model(out: Path) -> HealthModel:
    path = out / "health_model.yaml" if out.is_dir() else out
    return load_spec(path, HealthModel)
