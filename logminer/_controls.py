"""Characters from a log that could drive the terminal they are printed on, and how to write them visibly.

A log value is whatever a web form sent, so it can hold ESC (``\\x1b[2J`` clears the screen, an OSC
sequence retitles the window or writes a link), other C0 and C1 controls, DEL, or Unicode bidi
overrides that make text read differently from what it holds (the "Trojan Source" characters).
Everything logminer prints for a person goes through ``visible``; JSON goes through ``json_safe``,
which escapes the same characters the JSON way, so the document still decodes to the same data.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the bidi embeddings, overrides and isolates.
_CONTROLS = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(code: int) -> str:
    char = chr(code)
    if char in _SHORT:
        return _SHORT[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_VISIBLE = {code: _escape(code) for code in _CONTROLS}
# In JSON text these characters can only stand inside strings (never in its syntax), where
# a \\uXXXX escape means the same character: JSON with ensure_ascii=False leaves DEL, C1 and
# bidi characters raw (C0 it escapes already).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every control and bidi character written as an escape: ``\\x1b``, ``\\n``, ``\\u202e``.

    >>> visible("a\\x1b[31mb\\r\\n\\u202e")
    'a\\\\x1b[31mb\\\\r\\\\n\\\\u202e'
    """
    return text.translate(_VISIBLE)


def json_safe(text: str) -> str:
    """JSON ``text`` (from ``json.dumps``) with DEL, C1 and bidi characters escaped as ``\\uXXXX``.

    The result decodes to the same data, and shows no raw control on a terminal.
    """
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
