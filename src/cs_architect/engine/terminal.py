"""Text for a terminal table: user strings on one line, and columns aligned by display width.

Names and owners come from the user's data and may hold a newline, a tab or an escape
sequence; on screen they would break a row or drive the terminal. :func:`printable` shows a
line break as ``⏎``, a tab as a space and any other control or invisible format character (a
right-to-left override, a zero-width space) as ``�`` (exports keep
the values as they are). CJK characters and most emoji take two columns, combining marks none:
:func:`display_width` counts columns, :func:`pad` pads to them.
"""

from __future__ import annotations

import unicodedata

LINE_BREAK = "⏎"
CONTROL = "\ufffd"  # �
_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_JOINERS = frozenset("\u200c\u200d")  # zero-width (non-)joiner: parts of emoji and scripts


def printable(text: str) -> str:
    """``text`` safe for one line of a terminal table.

    >>> printable("Line1\\nLine2\\tx\\x1b[31m")
    'Line1⏎Line2 x�[31m'
    """
    if text.isprintable():
        return text
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch in _BREAKS:
            out.append(LINE_BREAK)
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) == "Cc" or (unicodedata.category(ch) == "Cf" and ch not in _JOINERS):
            # Cf: invisible format characters (U+202E reverses the rest of the line, U+200B and
            # U+FEFF take no column); the joiners emoji sequences use are kept
            out.append(CONTROL)
        else:
            out.append(ch)
    return "".join(out)


def char_width(ch: str) -> int:
    """Terminal columns of one character: 2 for wide (CJK, most emoji), 0 for combining marks
    and format characters (a zero-width joiner, a variation selector), else 1."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes.

    >>> display_width("Acme"), display_width("東京"), display_width("café")
    (4, 4, 4)
    """
    return len(text) if text.isascii() else sum(char_width(ch) for ch in text)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, cut with an ellipsis when longer."""
    if display_width(text) <= width:
        return text
    room, out = max(width - 1, 0), []
    for ch in text:
        w = char_width(ch)
        if w > room:
            break
        out.append(ch)
        room -= w
    return "".join(out) + "…"


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` columns (``>``: on the left)."""
    fill = " " * max(width - display_width(text), 0)
    return fill + text if align == ">" else text + fill
