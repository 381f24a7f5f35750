"""The four input documents (brief, personas, sales process, pricing), their loader and rules."""

from cs_architect.inputs.brief import Brief
from cs_architect.inputs.loader import load_project
from cs_architect.inputs.personas import Personas
from cs_architect.inputs.pricing import Pricing
from cs_architect.inputs.project import Project
from cs_architect.inputs.sales import SalesProcess

__all__ = ["Brief", "Personas", "Pricing", "Project", "SalesProcess", "load_project"]
