"""One safe spelling of a name or value shown on one line (file names, audit log fields, error messages)."""

from __future__ import annotations

import unicodedata

# control and format characters (zero-width, bidirectional overrides such as U+202E) and the line / paragraph
# separators: a value holding one could break a line, or show other text than it holds
_ESCAPED = frozenset(("Cc", "Cf", "Zl", "Zp"))


def printable(text: object) -> str:
    """``text`` as valid, one-line UTF-8 shown as it is: bytes a file name could not decode (surrogate escapes)
    and control, format and separator characters become backslash escapes (``bad\\xffname.csv``,
    ``a\\u202ecsv.exe``). Idempotent on ordinary text (letters, marks, symbols, spaces of every script)."""
    s = str(text)
    if s.isprintable():
        return s
    try:
        s = s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte (from a JSON \\ud800 escape)
        s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _ESCAPED else c
                   for c in s)
