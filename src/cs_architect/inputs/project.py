"""The four inputs together, with where each field came from (file and line)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cs_architect.inputs.brief import Brief
from cs_architect.inputs.personas import Personas
from cs_architect.inputs.pricing import Pricing
from cs_architect.inputs.sales import SalesProcess
from cs_architect.yamlio import Located, PathKey


@dataclass(frozen=True)
class Project:
    """A validated input set. ``sources`` maps each document to its parsed YAML (for file:line)."""

    brief: Brief
    personas: Personas
    sales: SalesProcess
    pricing: Pricing | None
    sources: dict[str, Located] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, doc: str, path: PathKey) -> int | None:
        """Line of a document's field; in a combined file the document's fields sit under its key."""
        located = self.sources.get(doc)
        if located is None:
            return None
        if isinstance(located.data, dict) and {"brief", "personas"} <= set(located.data):
            path = (doc, *path)
        return located.line_of(path)

    def where(self, doc: str, path: PathKey) -> str:
        """'file:line' of a field, for bases and messages (file name only, no directories)."""
        located = self.sources.get(doc)
        if located is None:
            return doc
        line = self.line_of(doc, path)
        return f"{located.file}:{line}" if line else located.file
