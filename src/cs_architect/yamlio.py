"""YAML in and out, safely and with provenance.

Loading keeps every scalar that is not plainly a number, ``true``/``false`` or ``null`` as a string
(YAML 1.1's ``yes``/``no``/``on``/``off``, dates and ``02142`` stay strings), rejects duplicate
keys, and records the line of every field path so errors can point at ``file:line``.
Dumping is deterministic: stable key order as given, block style, no aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cs_architect.errors import InputError
from cs_architect.issues import Issue

PathKey = tuple[str | int, ...]


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parser when available: ~10x faster


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2-style core resolvers only."""


_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*))$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


@dataclass
class Located:
    """Parsed YAML data plus the line of each field path (1-based)."""

    data: Any
    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)


def format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _walk(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], file: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise InputError(
                    f"{file}: duplicate key '{key}'",
                    [
                        Issue(
                            "error",
                            f"key '{key}' appears twice (first on line {seen[key]})",
                            file=file,
                            line=key_node.start_mark.line + 1,
                            path=format_path((*path, key)),
                            hint="keep one of them",
                        )
                    ],
                )
            seen[key] = key_node.start_mark.line + 1
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, file)


def loads(text: str, file: str = "<string>") -> Located:
    """Parse YAML text; raise :class:`InputError` naming the file and line on a syntax error."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return Located({}, file, {})
            lines: dict[PathKey, int] = {}
            _walk(node, (), lines, file)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(
            f"{file}: not valid YAML",
            [
                Issue(
                    "error",
                    str(exc.problem or exc),
                    file=file,
                    line=line,
                    hint="check indentation and quoting near this line",
                )
            ],
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{file}: not valid YAML", [Issue("error", str(exc), file=file)]) from None
    return Located(data, file, lines)


def load(path: Path, display: str | None = None) -> Located:
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: file not found", [Issue("error", "file not found", file=name)]) from None
    except UnicodeDecodeError:
        raise InputError(
            f"{name}: not UTF-8 text",
            [Issue("error", "file is not UTF-8 text", file=name, hint="save it as UTF-8")],
        ) from None
    return loads(text, name)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    node = dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)
    return node


def _float_representer(dumper: yaml.SafeDumper, data: float) -> yaml.ScalarNode:
    # 40.0 reads better as 40 in a file people edit; it loads back as a number either way.
    if data.is_integer() and abs(data) < 1e15:
        return dumper.represent_int(int(data))
    return dumper.represent_float(data)


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(float, _float_representer)


def prune(data: Any) -> Any:
    """Drop keys whose value is None, '' or {} (all defaults in our specs) to keep YAML readable."""
    if isinstance(data, dict):
        return {k: prune(v) for k, v in data.items() if v is not None and v != "" and v != {}}
    if isinstance(data, list):
        return [prune(v) for v in data]
    return data


def dumps(data: Any, header: str | None = None) -> str:
    """Deterministic YAML: keys in the order given, block style, strings quoted when ambiguous."""
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    if header:
        body = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) + body
    return body
