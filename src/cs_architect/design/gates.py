"""The gates: no playbook until the sales handoff is defined; pre-revenue without beta users waits.

``check_gates`` returns what blocks a playbook (refusal) and whether the playbook is queued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cs_architect.inputs.project import Project

Status = Literal["ready", "queued"]
QUEUE_TRIGGER_CUSTOMERS = 5


@dataclass(frozen=True)
class GateResult:
    missing: list[str] = field(default_factory=list)  # what the sales process lacks (refusal)
    queued: bool = False
    queue_reason: str = ""

    @property
    def refused(self) -> bool:
        return bool(self.missing)


def sales_handoff_missing(project: Project) -> list[str]:
    """Everything the sales process must still define before CS can take over."""
    sales = project.sales
    file = project.sources["sales_process"].file if "sales_process" in project.sources else "sales_process.yaml"
    missing = []
    if not sales.complete:
        missing.append(f"{file}: complete is not true (the sales process is not documented end to end)")
    if not sales.stages:
        missing.append(f"{file}: stages: no sales stages are listed")
    handoff = sales.handoff
    if handoff is None:
        missing.append(f"{file}: handoff: the sales-to-CS handoff is not defined")
        return missing
    for name, label in (
        ("owner", "who runs the handoff"),
        ("success_criteria", "how the customer's success criteria are captured"),
        ("stakeholders", "how stakeholders (champion, economic buyer, users) are captured"),
        ("use_case", "how the use case is captured"),
        (
            "contract_terms",
            "how contract terms (term, renewal date, price, seats/usage) are captured",
        ),
    ):
        if not getattr(handoff, name):
            missing.append(f"{file}: handoff.{name}: {label}")
    if not handoff.artifacts:
        missing.append(f"{file}: handoff.artifacts: the documents handed over (e.g. account plan, order form)")
    return missing


def check_gates(project: Project) -> GateResult:
    missing = sales_handoff_missing(project)
    brief = project.brief
    if brief.stage == "pre-revenue" and brief.beta_users == 0 and brief.paying_customers == 0:
        return GateResult(missing, True, "pre-revenue with no beta users")
    return GateResult(missing)
