"""Load and validate an input set: a folder with one YAML file per document, or one combined file.

Folder layout: ``brief.yaml``, ``personas.yaml``, ``sales_process.yaml`` and optionally
``pricing.yaml``. A combined file has the top-level keys ``brief``, ``personas``,
``sales_process`` and ``pricing``. Every problem is reported with file, line and field path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cs_architect.errors import InputError
from cs_architect.inputs.brief import Brief
from cs_architect.inputs.personas import Personas
from cs_architect.inputs.pricing import Pricing
from cs_architect.inputs.project import Project
from cs_architect.inputs.rules import check_project
from cs_architect.inputs.sales import SalesProcess
from cs_architect.issues import Issue, errors
from cs_architect.yamlio import Located, format_path, load

DOCUMENTS: dict[str, tuple[str, type[BaseModel], bool]] = {
    # key: (file name, model, required)
    "brief": ("brief.yaml", Brief, True),
    "personas": ("personas.yaml", Personas, True),
    "sales_process": ("sales_process.yaml", SalesProcess, True),
    "pricing": ("pricing.yaml", Pricing, False),
}


def _hint(err_type: str, expected: str) -> str | None:
    hints = {
        "missing": "add this field",
        "extra_forbidden": "remove it, or check its spelling against `csa schema`",
        "literal_error": f"use one of: {expected}" if expected else None,
        "string_pattern_mismatch": "use lower_snake_case, e.g. 'mid_market'",
        "bool_type": "write true or false (yes/no/on/off are not booleans here)",
        "int_type": "write a whole number without quotes, e.g. 140",
        "float_type": "write a number without quotes, e.g. 12000",
        "string_type": "quote it if it should be text",
    }
    return hints.get(err_type)


def validation_issues(exc: ValidationError, located: Located, prefix: tuple[str | int, ...] = ()) -> list[Issue]:
    """Flatten a pydantic error into located issues: 'file:line: path: message (hint)'."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        path = (*prefix, *loc)
        expected = ""
        if err["type"] == "literal_error":
            expected = str(err.get("ctx", {}).get("expected", ""))
        message = err["msg"]
        if (
            err["type"] not in ("missing", "extra_forbidden")
            and "input" in err
            and not isinstance(err["input"], dict | list)
        ):
            message += f" (got {err['input']!r})"
        out.append(
            Issue(
                "error",
                message,
                file=located.file,
                line=located.line_of(path),
                path=format_path(loc) or "(top level)",
                hint=_hint(err["type"], expected),
            )
        )
    return out


def _parse(model: type[BaseModel], located: Located, prefix: tuple[str | int, ...] = ()) -> tuple[Any, list[Issue]]:
    data = located.data
    for p in prefix:
        data = data[p]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            Issue(
                "error",
                "expected a mapping of fields",
                file=located.file,
                line=located.line_of(prefix),
            )
        ]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, validation_issues(exc, located, prefix)


def load_project(path: Path) -> Project:
    """Read, validate and cross-check an input set. Raises :class:`InputError` listing every issue."""
    path = Path(path)
    sources: dict[str, Located] = {}
    parsed: dict[str, Any] = {}
    issues: list[Issue] = []
    if path.is_dir():
        for key, (name, model, required) in DOCUMENTS.items():
            file = path / name
            if not file.exists():
                alt = file.with_suffix(".yml")
                if alt.exists():
                    file = alt
                elif required:
                    issues.append(
                        Issue(
                            "error",
                            f"{name} is missing",
                            file=str(path / name),
                            hint="run `csa init DIR` to see a starter set",
                        )
                    )
                    continue
                else:
                    continue
            located = load(file, display=file.name)
            sources[key] = located
            parsed[key], found = _parse(model, located)
            issues += found
    elif path.is_file():
        located = load(path, display=path.name)
        if not isinstance(located.data, dict):
            raise InputError(
                f"{path.name}: expected a mapping with brief, personas, sales_process, pricing",
                [Issue("error", "not a mapping", file=path.name, line=1)],
            )
        unknown = sorted(set(located.data) - set(DOCUMENTS))
        for key in unknown:
            issues.append(
                Issue(
                    "error",
                    f"unknown section '{key}'",
                    file=path.name,
                    line=located.line_of((key,)),
                    hint="use brief, personas, sales_process, pricing",
                )
            )
        for key, (_name, model, required) in DOCUMENTS.items():
            if key not in located.data:
                if required:
                    issues.append(Issue("error", f"section '{key}' is missing", file=path.name, line=1))
                continue
            sources[key] = located
            parsed[key], found = _parse(model, located, (key,))
            issues += found
    else:
        raise InputError(
            f"{path}: no such file or folder",
            [
                Issue(
                    "error",
                    "no such file or folder",
                    file=str(path),
                    hint="pass a folder made by `csa init`",
                )
            ],
        )
    if errors(issues):
        raise InputError(f"{path}: the inputs are not valid", issues)
    project = Project(
        brief=parsed["brief"],
        personas=parsed["personas"],
        sales=parsed["sales_process"],
        pricing=parsed.get("pricing"),
        sources=sources,
    )
    found = check_project(project)
    if errors(found):
        raise InputError(f"{path}: the inputs are not consistent", found)
    return project
