"""How the shell prints: tables, `label: value` fields and JSON, with user-given text escaped.

Names, notes and descriptions come from users: their control characters (escape sequences,
bidirectional overrides) are written out as `\\x1b`, `\\u202e` so they never act on a terminal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from ..store import CONTROL_CHARACTERS


def shown(text: str) -> str:
    """`text` safe for a terminal: control characters (escape sequences, bidirectional
    overrides) as Python writes them, `\\x1b`, `\\u202e`, so they show and never act."""
    return CONTROL_CHARACTERS.sub(_escaped, text)


def _escaped(found: re.Match) -> str:
    return found.group().encode("unicode_escape").decode("ascii")


def say(text: str, file=None) -> None:
    """Print one line that may hold user-given text, escaped (see `shown`)."""
    print(shown(text), file=file)


def print_json(data: object) -> None:
    print(json.dumps(data, indent=2))  # json escapes every control character itself


def print_table(headers: list[str], rows: Iterable[list[str]]) -> None:
    # one line each, escaped: names, notes and descriptions are user-given
    rows = [headers, *([shown(" ".join(cell.split())) for cell in row] for row in rows)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        print("  ".join(cells).rstrip())


def print_fields(fields: list[tuple[str, str | list[str]]]) -> None:
    """`label: value` lines; a list prints one item a line, aligned."""
    width = max(len(label) for label, _ in fields) + 2
    for label, value in fields:
        lines = (value if isinstance(value, list) else value.splitlines()) or ["-"]
        say(f"{label}:".ljust(width) + lines[0])
        for line in lines[1:]:
            say(" " * width + line)


def joined(names: Iterable[str]) -> str:
    return ", ".join(names) or "-"
