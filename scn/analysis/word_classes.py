"""Python's ``\\w`` and ``\\s`` (Unicode, for ``str`` patterns) as RE2 character classes, for Arrow's vectorised
regular expressions (``pyarrow.compute.*_regex``, RE2), whose own ``\\w``, ``\\s`` and ``\\b`` are ASCII-only.

The classes are read off this Python's ``re`` over every code point once per process, so a pattern built from
them matches exactly the characters the Python pattern would (surrogates left out: Arrow strings are UTF-8).
"""

from __future__ import annotations

import re
from functools import cache


def _ranges(pattern: str) -> list[tuple[int, int]]:
    """The code point ranges (first, last) of the characters ``pattern`` (one character class) matches."""
    found = []
    for start, stop in ((0, 0xD800), (0xE000, 0x110000)):  # either side of the surrogates
        block = "".join(map(chr, range(start, stop)))
        found += [(start + m.start(), start + m.end() - 1) for m in re.finditer(f"{pattern}+", block)]
    return found


def _re2_class(ranges: list[tuple[int, int]], negate: bool = False) -> str:
    body = "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


@cache
def word(negate: bool = False) -> str:
    """Python's ``\\w`` (``[^\\w]`` with ``negate``) as an RE2 class."""
    return _re2_class(_ranges(r"\w"), negate)


@cache
def alnum(negate: bool = False) -> str:
    """Python's ``[^\\W_]``: a word character but the underscore (``[\\W_]`` with ``negate``)."""
    return _re2_class(_ranges(r"[^\W_]"), negate)


@cache
def space(negate: bool = False) -> str:
    """Python's ``\\s`` (``\\S`` with ``negate``) as an RE2 class."""
    return _re2_class(_ranges(r"\s"), negate)
