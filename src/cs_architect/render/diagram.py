"""The onboarding flow diagram: Mermaid source (always) and SVG through Graphviz ``dot`` (when installed).

Both draw the onboarding section's :class:`OnboardingFlow`, which is built from the same milestones as
``operations.yaml``, so days agree everywhere. Labels come from user inputs and are escaped for each
language (Mermaid entity codes; DOT quoted strings, which ``dot`` XML-escapes again in the SVG).
Node ids are prefixed so that no milestone id can collide with a Mermaid keyword such as ``end``.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from cs_architect.design.onboarding import FlowNode, OnboardingFlow

MAX_DETAIL = 110


def _short(text: str, limit: int = MAX_DETAIL) -> str:
    """The first clause of a long instruction, for a diagram box (the playbook has the full text)."""
    first = text.split(";")[0].strip()
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


def _lines(node: FlowNode) -> str:
    parts = [node.label]
    if node.detail:
        parts.append(_short(node.detail) if node.kind == "fallback" else node.detail)
    if node.owner and node.kind == "milestone":
        parts.append(f"owner: {node.owner}")
    return "\n".join(parts)


def _wrap(text: str, width: int) -> list[str]:
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


def _kind(node: FlowNode) -> str:
    return "activation" if node.activation else node.kind


_MERMAID_ENTITIES = {
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


def _mermaid_text(text: str, width: int = 40) -> str:
    return "<br/>".join("".join(_MERMAID_ENTITIES.get(c, c) for c in line) for line in _wrap(text, width))


def to_mermaid(flow: OnboardingFlow, title: str) -> str:
    shapes = {
        "entry": ('(["', '"])'),
        "milestone": ('["', '"]'),
        "activation": ('[["', '"]]'),
        "fallback": ('>"', '"]'),
        "done": ('(["', '"])'),
    }
    # The front-matter title is not entity-decoded by Mermaid: drop markup characters instead.
    title_text = re.sub(r'[<>"`#]', "", title)
    lines = ["---", f'title: "{title_text}"', "---", "flowchart TD"]
    for n in flow.nodes:
        left, right = shapes[_kind(n)]
        lines.append(f"    n_{n.id}{left}{_mermaid_text(_lines(n))}{right}")
    arrows = {"next": "-->", "missed": "-.->", "retry": "-.->"}
    for e in flow.edges:
        label = f"|{_mermaid_text(e.label)}|" if e.label else ""
        lines.append(f"    n_{e.source} {arrows[e.kind]}{label} n_{e.target}")
    lines += [
        "    classDef activation fill:#e6f4ea,stroke:#1e7b34,stroke-width:2px;",
        "    classDef fallback fill:#fff4e5,stroke:#b26a00;",
    ]
    for cls in ("activation", "fallback"):
        ids = [f"n_{n.id}" for n in flow.nodes if _kind(n) == cls]
        if ids:
            lines.append(f"    class {','.join(ids)} {cls};")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in _wrap(text, 34))


_DOT_STYLE = {
    "entry": 'shape=oval, style="filled", fillcolor="#eef2ff"',
    "milestone": 'shape=box, style="rounded,filled", fillcolor="#ffffff"',
    "activation": 'shape=box, style="rounded,filled,bold", fillcolor="#e6f4ea", color="#1e7b34", penwidth=2',
    "fallback": 'shape=note, style="filled", fillcolor="#fff4e5", color="#b26a00", fontsize=10',
    "done": 'shape=oval, style="filled", fillcolor="#eef2ff"',
}
_DOT_EDGE = {"next": "", "missed": 'style=dashed, color="#b26a00"', "retry": 'style=dotted, color="#b26a00"'}


def to_dot(flow: OnboardingFlow, title: str) -> str:
    lines = [
        "digraph onboarding {",
        f'  graph [rankdir=TB, fontname="Helvetica", labelloc=t, label="{_dot_text(title)}", nodesep=0.4];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for n in flow.nodes:
        lines.append(f'  n_{n.id} [label="{_dot_text(_lines(n))}", {_DOT_STYLE[_kind(n)]}];')
    for e in flow.edges:
        attrs = [a for a in (f'label="{_dot_text(e.label)}"' if e.label else "", _DOT_EDGE[e.kind]) if a]
        if e.kind == "retry":
            attrs.append("constraint=false")
        lines.append(f"  n_{e.source} -> n_{e.target}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    for e in flow.edges:
        if e.kind == "missed":
            lines.append(f"  {{rank=same; n_{e.source}; n_{e.target};}}")
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
    # Drop the generator comment (it names the Graphviz version) so files compare across machines.
    return re.sub(r"<!-- Generated by graphviz[^>]*-->\n", "", svg)
