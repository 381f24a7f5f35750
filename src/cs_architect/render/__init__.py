"""Renderers: Markdown, HTML, JSON, Mermaid/Graphviz diagram. They read models; they compute nothing."""
