"""The published JSON Schemas in schemas/ are current (regenerate: `csa schema -o schemas`)."""

from __future__ import annotations

import json

from cs_architect.schemas import all_schemas
from tests.conftest import REPO


def test_published_schemas_are_current() -> None:
    for name, doc in all_schemas().items():
        published = REPO / "schemas" / name
        assert published.exists(), f"run `csa schema -o schemas` ({name} is missing)"
        assert json.loads(published.read_text()) == doc, f"{name} is stale: run `csa schema -o schemas`"


def test_input_schemas_forbid_unknown_fields() -> None:
    schemas = all_schemas()
    for name in ("brief.schema.json", "personas.schema.json", "sales_process.schema.json", "pricing.schema.json"):
        assert schemas[name]["additionalProperties"] is False
