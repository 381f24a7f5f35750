"""The onboarding flow diagram: Mermaid source (always) and SVG through Graphviz ``dot`` (when installed).

Both are drawn from the same milestones as ``operations.yaml``, so days agree everywhere. Labels
come from user inputs and are escaped for each language (Mermaid entity codes, DOT quoted
strings; ``dot`` XML-escapes them again in the SVG).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from cs_architect.spec.operations import Milestone


@dataclass(frozen=True)
class FlowNode:
    id: str
    label: str
    kind: str  # start | milestone | activation | fallback | end


@dataclass(frozen=True)
class Flow:
    nodes: tuple[FlowNode, ...]
    edges: tuple[tuple[str, str, str, bool], ...]  # (from, to, label, dashed)


def build_flow(milestones: list[Milestone], *, start_label: str, end_label: str) -> Flow:
    """Start -> milestones in day order -> end; each milestone has a dashed branch to its fallback."""
    nodes = [FlowNode("start", start_label, "start")]
    edges: list[tuple[str, str, str, bool]] = []
    prev = "start"
    for i, m in enumerate(sorted(milestones, key=lambda m: (m.day, m.id))):
        nid = f"m{i + 1}"
        check = m.verification.text or (
            f"{m.verification.count} x {m.verification.event}" if m.verification.event else m.verification.table
        )
        label = f"Day {m.day}: {m.name}\nverified: {check}\nowner: {m.owner}"
        nodes.append(FlowNode(nid, label, "activation" if m.activation else "milestone"))
        edges.append((prev, nid, "", False))
        fid = f"f{i + 1}"
        nodes.append(FlowNode(fid, f"Not reached by day {m.day}:\n{m.fallback}", "fallback"))
        edges.append((nid, fid, "missed", True))
        prev = nid
    nodes.append(FlowNode("end", end_label, "end"))
    edges.append((prev, "end", "", False))
    return Flow(tuple(nodes), tuple(edges))


def _wrap(text: str, width: int = 38) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        out.append(line)
    return out


def _mermaid_text(text: str) -> str:
    # Mermaid entity codes keep quotes, brackets and markup literal inside a quoted label.
    repl = {
        "&": "#amp;",
        '"': "#quot;",
        "<": "#lt;",
        ">": "#gt;",
        "#": "#35;",
        "`": "#96;",
        "[": "#91;",
        "]": "#93;",
        "{": "#123;",
        "}": "#125;",
        "|": "#124;",
    }
    lines = ["".join(repl.get(c, c) for c in line) for line in _wrap(text)]
    return "<br/>".join(lines)


def to_mermaid(flow: Flow, title: str) -> str:
    shapes = {
        "start": ('(["', '"])'),
        "milestone": ('["', '"]'),
        "activation": ('[["', '"]]'),
        "fallback": ('>"', '"]'),
        "end": ('(["', '"])'),
    }
    lines = ["---", f"title: {_mermaid_text(title)}", "---", "flowchart TD"]
    for n in flow.nodes:
        left, right = shapes[n.kind]
        lines.append(f"    {n.id}{left}{_mermaid_text(n.label)}{right}")
    for a, b, label, dashed in flow.edges:
        arrow = "-.->" if dashed else "-->"
        lines.append(f"    {a} {arrow}{f'|{_mermaid_text(label)}|' if label else ''} {b}")
    lines += [
        "    classDef activation fill:#e6f4ea,stroke:#1e7b34,stroke-width:2px;",
        "    classDef fallback fill:#fff4e5,stroke:#b26a00;",
    ]
    acts = [n.id for n in flow.nodes if n.kind == "activation"]
    falls = [n.id for n in flow.nodes if n.kind == "fallback"]
    if acts:
        lines.append(f"    class {','.join(acts)} activation;")
    if falls:
        lines.append(f"    class {','.join(falls)} fallback;")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    lines = [line.replace("\\", "\\\\").replace('"', '\\"') for line in _wrap(text, 34)]
    return "\\n".join(lines)


def to_dot(flow: Flow, title: str) -> str:
    style = {
        "start": 'shape=oval, style="filled", fillcolor="#eef2ff"',
        "milestone": 'shape=box, style="rounded,filled", fillcolor="#ffffff"',
        "activation": 'shape=box, style="rounded,filled,bold", fillcolor="#e6f4ea", color="#1e7b34", penwidth=2',
        "fallback": 'shape=note, style="filled", fillcolor="#fff4e5", color="#b26a00", fontsize=10',
        "end": 'shape=oval, style="filled", fillcolor="#eef2ff"',
    }
    lines = [
        "digraph onboarding {",
        f'  graph [rankdir=TB, fontname="Helvetica", labelloc=t, label="{_dot_text(title)}", nodesep=0.5];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for n in flow.nodes:
        lines.append(f'  {n.id} [label="{_dot_text(n.label)}", {style[n.kind]}];')
    for a, b, label, dashed in flow.edges:
        attrs = []
        if label:
            attrs.append(f'label="{_dot_text(label)}"')
        if dashed:
            attrs.append('style=dashed, color="#b26a00"')
        lines.append(f"  {a} -> {b}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    for a, b, _, dashed in flow.edges:
        if dashed:
            lines.append(f"  {{rank=same; {a}; {b};}}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_available() -> bool:
    return shutil.which("dot") is not None


def to_svg(dot_source: str) -> str | None:
    """Run Graphviz; None when ``dot`` is not installed. The SVG is normalised to be deterministic."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    result = subprocess.run([exe, "-Tsvg"], input=dot_source.encode(), capture_output=True, check=True)
    svg = result.stdout.decode("utf-8")
    # Drop the generator comment (carries the Graphviz version) so files compare across machines.
    svg = re.sub(r"<!-- Generated by graphviz[^>]*-->\n", "", svg)
    return svg
