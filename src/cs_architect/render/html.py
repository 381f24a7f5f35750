"""Render the playbook Markdown to one self-contained, printable HTML page (diagram inline).

Markdown is parsed with raw HTML disabled, so any markup in user text is shown as text; the only
HTML we add is our own frame, the table of contents, and the SVG produced by Graphviz (whose labels
Graphviz XML-escapes).
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

from cs_architect.render.document import DIAGRAM_MARKER

CSS = """
:root { --ink:#1d2433; --muted:#5b6475; --line:#d9dee8; --accent:#2f5bd3; --bg:#ffffff; --soft:#f5f7fb; }
* { box-sizing: border-box; }
body { font: 15px/1.55 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       background: var(--bg); margin: 0; }
.layout { display: grid; grid-template-columns: 240px minmax(0, 1fr); max-width: 1280px; margin: 0 auto; }
nav.toc { position: sticky; top: 0; align-self: start; height: 100vh; overflow: auto; padding: 28px 16px;
          border-right: 1px solid var(--line); font-size: 13px; }
nav.toc a { display: block; color: var(--muted); text-decoration: none; padding: 3px 0; }
nav.toc a:hover { color: var(--accent); }
main { padding: 28px 40px 80px; min-width: 0; }
h1 { font-size: 28px; margin: 0 0 8px; }
h2 { font-size: 21px; margin: 40px 0 10px; padding-top: 12px; border-top: 2px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
p, li { max-width: 80ch; }
em { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; margin: 12px 0 18px; width: 100%; font-size: 13px; display: block;
        overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
tr:nth-child(even) td { background: #fbfcfe; }
blockquote { margin: 16px 0; padding: 10px 16px; border-left: 4px solid #d97706; background: #fff7ed; }
code { background: var(--soft); padding: 1px 4px; border-radius: 3px; font-size: 12px; }
figure.diagram { margin: 16px 0; padding: 12px; border: 1px solid var(--line); border-radius: 6px;
                 overflow-x: auto; background: #fff; }
figure.diagram svg { max-width: 100%; height: auto; }
figure.diagram figcaption { color: var(--muted); font-size: 12px; margin-top: 6px; }
@media print {
  .layout { display: block; } nav.toc { display: none; } main { padding: 0; }
  h2 { break-before: page; border-top: none; } table { display: table; font-size: 10px; }
  tr, figure { break-inside: avoid; } a { color: inherit; text-decoration: none; }
}
"""


def _slug(text: str, seen: dict[str, int]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", html.unescape(text).lower()).strip("-") or "section"
    n = seen.get(base, 0)
    seen[base] = n + 1
    return base if n == 0 else f"{base}-{n}"


def _strip_svg_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""


def to_html(markdown: str, *, title: str, svg: str | None) -> str:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    body = md.render(markdown)
    seen: dict[str, int] = {}
    toc: list[tuple[str, str]] = []

    def add_id(m: re.Match[str]) -> str:
        inner = m.group(1)
        text = re.sub(r"<[^>]+>", "", inner)
        slug = _slug(text, seen)
        toc.append((slug, text))
        return f'<h2 id="{slug}">{inner}</h2>'

    body = re.sub(r"<h2>(.*?)</h2>", add_id, body)
    marker = f"<p>{html.escape(DIAGRAM_MARKER, quote=False)}</p>"
    if svg is not None:
        figure = (
            f'<figure class="diagram">{_strip_svg_prolog(svg)}<figcaption>Onboarding flow '
            "(also in onboarding_flow.svg and onboarding_flow.mmd)</figcaption></figure>"
        )
    else:
        figure = (
            '<figure class="diagram"><figcaption>Graphviz was not installed when this page was rendered; '
            "the flow is in onboarding_flow.mmd (Mermaid).</figcaption></figure>"
        )
    body = body.replace(marker, figure)
    nav = "\n".join(f'<a href="#{slug}">{text}</a>' for slug, text in toc)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="cs-architect">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<div class="layout">\n<nav class="toc">\n{nav}\n</nav>\n<main>\n{body}</main>\n</div>\n</body>\n</html>\n'
    )
