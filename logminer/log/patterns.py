"""The grammar's terminals as regexes of their own: how entries, REQUEST headers and the elements of
flat dumps are found fast.

Mining finds them with the grammar's own terminals, compiled as Lark compiles them (kept in
``terminals.py`` for this grammar and Lark version, so the LALR parser need not be built to read
them); the header's fields are groups cut into the REQUEST_HEADER terminal (``header.py`` reads them).
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

GRAMMAR_PATH = Path(__file__).with_name("runtime.lark")

PATTERN_TERMINALS = ("ENTRY", "REQUEST_HEADER", "FLAT_DUMP", "FLAT_REQUESTS")


class GrammarPatterns:
    """The grammar's terminals that find entries and elements, compiled as regexes of their own:
    most of a log is mined with these, and the LALR parser is built only for what they leave.

    ``terminals`` maps each name of PATTERN_TERMINALS to its regex as Lark compiles it.
    """

    def __init__(self, terminals: dict[str, str]) -> None:
        self._terminals = terminals
        # An entry as the grammar defines it: what matches it at a line start is a header.
        self.header_regex = terminals["ENTRY"]
        self._entry = re.compile("^" + self.header_regex, re.MULTILINE)
        request = self.request_regex = terminals["REQUEST_HEADER"]
        # The grammar's _HEADER_START (`[dd-Mon-yyyy hh:mm:ss+zzzz] [`), which both of these begin with.
        common = _common_start(self.header_regex, request)
        self.header_start_regex = common[: common.rindex(r"\] \[") + len(r"\] \[")]
        self.top_element = re.compile(possessive(_top_element_regex(terminals["FLAT_DUMP"])))
        self.request_fields_regex = _request_fields_regex(self.header_start_regex, request)
        self._request_lines = re.compile("^" + request, re.MULTILINE)

    def terminal_regex(self, name: str) -> str:
        """The regular expression of one of PATTERN_TERMINALS, as Lark's lexer compiles it."""
        return self._terminals[name]

    def next_header(self, text: str, position: int) -> int:
        """Offset of the first header line starting at or after ``position``, or -1."""
        found = self._entry.search(text, position)
        return found.start() if found else -1

    def request_lines(self, text: str) -> Iterator[re.Match]:
        """Every REQUEST header line of ``text``."""
        return self._request_lines.finditer(text)


def possessive(regex: str) -> str:
    """A flat terminal's regex with its repeats made possessive (Python 3.11 and later).

    Every repeat in the flat terminals is of whole lines that the next part of the pattern can
    never begin with (a continuation line is never a key line or a `)`), so giving back lines
    never lets a match succeed: possessive repeats match the same, without keeping a backtracking
    point per line, which for a value of millions of lines costs more memory than the value.
    """
    if sys.version_info < (3, 11):
        return regex
    return re.sub(r"(?<!\\)\)\*(?!\+)", ")*+", regex)


def _common_start(first: str, second: str) -> str:
    length = 0
    while length < min(len(first), len(second)) and first[length] == second[length]:
        length += 1
    return first[:length]


def _request_fields_regex(header_start: str, request: str) -> str:
    """The REQUEST_HEADER terminal with groups: the whole line (without its newline), its time,
    component, number and path: `[time] [component/#number] REQUEST: path`."""
    rest = request[len(header_start) :]
    component, separator, after = rest.partition(r"\/#")
    number, bracket, after = after.partition(r"\] ")
    word, request_word, path = after.partition("REQUEST: ")
    opening, closing = r"\[", r"\] \["
    if not (separator and bracket and request_word and not word and path.endswith("\n")):  # pragma: no cover
        raise RuntimeError("runtime.lark: REQUEST_HEADER no longer has the shape header.py reads it by")
    stamp = header_start[len(opening) : -len(closing)]
    line = (
        f"{opening}({stamp}){closing}({component}){separator}({number}){bracket}{request_word}({path[:-1]})"
    )
    return f"({line})\n"


def _top_element_regex(flat_dump: str) -> str:
    """One top-level element of the grammar's FLAT_DUMP, with the key and the value's lines
    captured: the FLAT_DUMP terminal's own element pattern, so that values are cut up exactly as
    the terminal matched them (a nested block, continuation lines and all)."""
    head, tail, key = "Array\n\\(\n(?:", ")*\\)\n(?:\n)?", "    \\[[^\n]*?\\] => "
    if not (flat_dump.startswith(head + key) and flat_dump.endswith(tail)):  # pragma: no cover
        raise RuntimeError("runtime.lark: FLAT_DUMP no longer has the shape _grammar.py reads it by")
    element = flat_dump[len(head) + len(key) : -len(tail)]
    return "    \\[([^\n]*?)\\] => (" + element + ")"


_PATTERNS: GrammarPatterns | None = None


def shared_patterns() -> GrammarPatterns:
    """The process's grammar patterns, made on first use (see ``grammar_terminals``)."""
    global _PATTERNS
    if _PATTERNS is None:
        _PATTERNS = GrammarPatterns(grammar_terminals())
    return _PATTERNS


def grammar_terminals() -> dict[str, str]:
    """PATTERN_TERMINALS as Lark compiles the grammar: kept in ``terminals`` for this very
    grammar and Lark version (building the parser costs more than most small logs take to mine);
    from the parser whenever the grammar or Lark differ from those it was made with."""
    from . import terminals

    grammar = hashlib.sha256(GRAMMAR_PATH.read_bytes()).hexdigest()
    if grammar == terminals.GRAMMAR_SHA256 and _lark_version() == terminals.LARK_VERSION:
        return dict(terminals.TERMINALS)
    from .grammar import terminals_from_parser

    return terminals_from_parser()


def _lark_version() -> str:
    """The installed Lark's version, read without importing Lark (which takes a while)."""
    from importlib.metadata import version

    return version("lark")
