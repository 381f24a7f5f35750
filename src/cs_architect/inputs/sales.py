"""The sales process and the sales-to-CS handoff."""

from __future__ import annotations

from pydantic import Field

from cs_architect.inputs.base import Input

Ident = Field(pattern=r"^[a-z][a-z0-9_]*$", description="lower_snake_case identifier")


class SalesStage(Input):
    id: str = Ident
    name: str
    exit_criteria: list[str] = Field(default_factory=list)


class Handoff(Input):
    """What must be true and captured before CS takes over an account.

    The four captures (success criteria, stakeholders, use case, contract terms) say *where and how*
    the seller records each one (e.g. "CRM opportunity field 'Success criteria', 1-3 measurable goals").
    """

    owner: str | None = Field(None, description="who runs the handoff (role)")
    success_criteria: str | None = None
    stakeholders: str | None = None
    use_case: str | None = None
    contract_terms: str | None = None
    criteria: list[str] = Field(default_factory=list, description="other conditions that must hold")
    artifacts: list[str] = Field(default_factory=list, description="documents handed over")
    meeting: str | None = Field(None, description="the handoff meeting, e.g. '30-minute AE->CSM call'")
    within_days: int | None = Field(None, ge=0, le=60, description="days after close by which the handoff happens")


class SalesProcess(Input):
    owner: str | None = None
    complete: bool = Field(False, description="true once the process is documented end to end")
    stages: list[SalesStage] = Field(default_factory=list)
    handoff: Handoff | None = None
    average_sales_cycle_days: int | None = Field(None, ge=0)
