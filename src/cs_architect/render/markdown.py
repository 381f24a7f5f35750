"""Markdown rendering with Jinja templates.

Every string value printed by a template is Markdown-escaped (``finalize``), so text from the
user's inputs cannot break tables or inject markup; template text itself is not escaped. Filters:

- ``cite``: a list of :class:`Basis` as short references (``pricing.yaml:19``, ``B:nrr_segment_smb``,
  ``A:csm_capacity``) that the appendix resolves.
- ``fig``: a :class:`Figure` as "90 days" followed by its references.
- ``money``: a number with thousands separators; ``pct``: a number as a percentage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from cs_architect.spec.basis import Basis, Figure

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")


def md_escape(text: str) -> str:
    """Escape Markdown syntax in plain text so it renders literally (also in table cells)."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("\r\n", " ").replace("\n", " ")
    # A leading '+', '-' or 'N.' would start a list; a leading '=' could make a heading underline.
    return re.sub(
        r"^([+\-=]|\d+\.)",
        lambda m: "\\" + m.group(1) if not m.group(1)[0].isdigit() else m.group(1)[:-1] + "\\.",
        text,
    )


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return md_escape(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def cite_one(b: Basis) -> str:
    if b.kind == "input":
        return b.ref.split(" ")[0]
    if b.kind == "benchmark":
        return f"B:{b.ref}"
    if b.kind == "assumption":
        return f"A:{b.ref}"
    return f"data:{b.ref}"


def cite(basis: Iterable[Basis] | Basis | None) -> Markup:
    if basis is None:
        return Markup("")
    items = [basis] if isinstance(basis, Basis) else list(basis)
    refs: list[str] = []
    for b in items:
        ref = cite_one(b)
        if ref not in refs:
            refs.append(ref)
    if not refs:
        return Markup("")
    return Markup("*(" + "; ".join(md_escape(r) for r in refs) + ")*")


def fig(figure: Figure) -> Markup:
    return Markup(md_escape(figure.text()) + " " + cite(figure.basis))


def url(value: str) -> Markup:
    """A link destination: only http(s) URLs, with characters that would end the link encoded."""
    if not value.startswith(("http://", "https://")):
        return Markup("#")
    return Markup(
        value.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
        .replace("\\", "%5C")
    )


def money(value: float | None, currency: str = "") -> str:
    if value is None:
        return "n/a"
    text = f"{value:,.0f}"
    return f"{text} {currency}".strip()


def pct(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}%"


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cs_architect.render", "templates"),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(cite=cite, fig=fig, money=money, pct=pct, md=md_escape, url=url)
    return env


@cache
def env() -> Environment:
    """The shared environment (templates compile once per process)."""
    return environment()


def render_section(step: str, section: Any, **extra: Any) -> str:
    """Render one playbook section with ``templates/sections/<step>.md.j2`` (``s`` is the section)."""
    text = env().get_template(f"sections/{step}.md.j2").render(s=section, **extra)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
