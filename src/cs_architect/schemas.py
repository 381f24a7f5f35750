"""JSON Schemas of the input documents and the generated specs (what `csa schema` writes)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def all_schemas() -> dict[str, dict[str, Any]]:
    from cs_architect.design.playbook import Playbook
    from cs_architect.inputs import Brief, Personas, Pricing, SalesProcess
    from cs_architect.spec.health_model import HealthModel
    from cs_architect.spec.operations import Operations

    models: dict[str, type[BaseModel]] = {
        "brief.schema.json": Brief,
        "personas.schema.json": Personas,
        "sales_process.schema.json": SalesProcess,
        "pricing.schema.json": Pricing,
        "health_model.schema.json": HealthModel,
        "operations.schema.json": Operations,
        "playbook.schema.json": Playbook,
    }
    out = {}
    for name, model in models.items():
        doc = model.model_json_schema(mode="validation")
        doc = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://cs-architect.dev/schemas/{name}",
            **doc,
        }
        out[name] = doc
    return out
