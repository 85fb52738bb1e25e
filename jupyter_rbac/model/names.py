"""The one rule for names of users, groups and roles, and the one set of control characters no
text of the policy may hold.

Names become path segments (`home/{user}`) and filter values, so they stay plain. The OpenAPI
spec carries the same pattern. Matched with `\\Z`, not `$`: Python's `$` also matches before a
final newline, and "bob\\n" is no name.
"""

from __future__ import annotations

import re

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_@+\-][A-Za-z0-9_.@+\-]{0,127}\Z")
NAME_RULE = "1-128 letters, digits and . _ @ + - (not starting with '.')"


def is_plain_name(name: object) -> bool:
    """Whether `name` may be a user, group or role name (and so a path segment)."""
    return isinstance(name, str) and NAME_PATTERN.match(name) is not None


# What a terminal or a page may act on instead of showing: C0 and C1 controls (escape sequences),
# line and paragraph separators, and the bidirectional overrides and isolates that reorder text
# ("Trojan Source"). Other format characters (zero-width joiners of emoji and scripts) are text.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
