"""Located issues: what is wrong, where (file:line, field path), how bad, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in the user's inputs, spec or data.

    >>> str(Issue("error", "segment 'smb' is not defined", file="personas.yaml", line=14,
    ...           path="personas[0].segment", hint="fix the id"))
    "personas.yaml:14: error: personas[0].segment: segment 'smb' is not defined (hint: fix the id)"
    """

    level: Level
    message: str
    file: str | None = None
    line: int | None = None
    path: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        field = f"{self.path}: " if self.path else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}{self.level}: {field}{self.message}{hint}"

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.level == "error"]
