"""Render a Playbook to Markdown (the printable source of the HTML)."""

from __future__ import annotations

from markupsafe import Markup

from cs_architect.benchmarks import Benchmark
from cs_architect.design.playbook import Playbook
from cs_architect.render.markdown import env, render_section

SECTIONS = (
    "journey",
    "onboarding",
    "health",
    "churn",
    "expansion",
    "support",
    "qbr",
    "feedback",
    "renewal",
    "metrics",
)
DIAGRAM_MARKER = "Onboarding flow diagram: onboarding_flow.svg (Mermaid source: onboarding_flow.mmd)."


def benchmark_value(b: Benchmark) -> str:
    unit = "" if b.unit in ("%",) else f" {b.unit.replace('_', ' ')}"
    pct = "%" if b.unit == "%" else ""

    def n(x: float) -> str:
        return f"{x:,.2f}".rstrip("0").rstrip(".")

    parts = []
    if b.median is not None:
        parts.append(f"median {n(b.median)}{pct}")
    if b.top_quartile is not None:
        parts.append(f"top quartile {n(b.top_quartile)}{pct}")
    if b.low is not None or b.high is not None:
        lo = n(b.low) if b.low is not None else "…"
        hi = n(b.high) if b.high is not None else "…"
        parts.append(f"{lo}–{hi}{pct}")
    return (", ".join(parts) or "—") + unit


def to_markdown(playbook: Playbook) -> str:
    if playbook.status == "queued":
        text = env().get_template("queued.md.j2").render(p=playbook)
    else:
        rendered = {
            name: Markup(render_section(name, getattr(playbook, name)))
            for name in SECTIONS
            if getattr(playbook, name) is not None
        }
        text = (
            env()
            .get_template("playbook.md.j2")
            .render(
                p=playbook,
                sections=[s for s in SECTIONS if s in rendered],
                rendered=rendered,
                diagram_marker=Markup(DIAGRAM_MARKER),
                value=benchmark_value,
            )
        )
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:  # collapse runs of blank lines
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"
