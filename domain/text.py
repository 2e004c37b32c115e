"""Text from outside: what may be stored, and how to echo it back.

Free text (a reason, a summary, a name) is stored for years and printed to operators'
terminals: a control character in it (`ESC ]0;...BEL`, `ESC [2J`) would retitle or clear
the terminal of whoever reads the history. U+0000 cannot be stored by PostgreSQL at all.
So every string a command or a file brings is checked for both, wherever it sits; tabs and
line breaks are ordinary text. And a value echoed back in a refusal is cut short: a 100 KB
argument must not become 500 lines of error.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 control characters and DEL: everything of Unicode's Cc but tab, LF and CR."""


def forbidden_at(value: Any) -> tuple[tuple[str | int, ...], str] | None:
    """Where in `value` the first string (or key) with a forbidden character is, and the
    character; None if there is none."""
    if isinstance(value, str):
        found = FORBIDDEN.search(value)
        return None if found is None else ((), found.group(0))
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list | tuple | frozenset | set):
        items = list(enumerate(value))
    for key, item in items:
        in_key = FORBIDDEN.search(str(key))
        if in_key is not None:
            return (key,), in_key.group(0)
        inside = forbidden_at(item)
        if inside is not None:
            return (key, *inside[0]), inside[1]
    return None


def forbidden_problem(where: str, character: str) -> str:
    """What is wrong with the text at `where`, and what to do, for a refusal."""
    if character == "\x00":
        return f"{where} contains the NUL character (U+0000), which cannot be stored; remove it"
    return (
        f"{where} contains the control character U+{ord(character):04X}, which could take "
        "over a terminal that shows it; remove it"
    )


def shown(value: str, limit: int = 60) -> str:
    """`value` quoted for a message, cut to `limit` characters with a marker."""
    if len(value) <= limit:
        return repr(value)
    return repr(value[:limit]) + f"… ({len(value):,} characters)"


VISIBLE = {**{code: f"\\x{code:02x}" for code in range(0x20)}, 0x7F: "\\x7f"}


def printable(text: str) -> str:
    """`text` with every control or bidirectional-override character made visible, for a
    terminal: what was stored before control characters were refused prints harmlessly."""
    return "".join(
        char
        if char in "\n\t" or (not FORBIDDEN.match(char) and unicodedata.category(char) != "Cf")
        else VISIBLE.get(ord(char), f"\\u{ord(char):04x}")
        for char in text
    )
