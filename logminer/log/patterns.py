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
        flat_dump = terminals["FLAT_DUMP"]
        self.top_element = re.compile(possessive(_element_regex(flat_dump, TOP_INDENT)))
        # The elements of nested blocks, level by level (keys at columns 12, 20, 28...): each cut
        # as the terminal cuts it, (key, the value's lines).
        self.block_elements = [
            re.compile(possessive(_element_regex(flat_dump, indent)))
            for indent in range(TOP_INDENT + NEST_INDENT, 256, NEST_INDENT)
            if _element_start(flat_dump, indent) >= 0
        ]
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


# print_r puts a top-level key at column 4 and each nested level's keys 8 columns further right.
TOP_INDENT = 4
NEST_INDENT = 8


def _element_start(flat_dump: str, indent: int) -> int:
    """Where the FLAT_DUMP terminal's group of one element with its key at column ``indent`` starts."""
    return flat_dump.find("(?:" + " " * indent + _KEY)


def _element_regex(flat_dump: str, indent: int) -> str:
    """One element of the grammar's FLAT_DUMP with its key at column ``indent``, with the key and the
    value's lines captured: the terminal's own element pattern (its group, found by its brackets),
    so that values are cut up exactly as the terminal matched them (nested blocks, continuation
    lines and all)."""
    start = _element_start(flat_dump, indent)
    if start < 0:  # pragma: no cover
        raise RuntimeError("runtime.lark: FLAT_DUMP no longer has the shape patterns.py reads it by")
    body = flat_dump[start + len("(?:") : _group_end(flat_dump, start)]
    key = " " * indent + _KEY
    return " " * indent + "\\[([^\n]*?)\\] => (" + body[len(key) :] + ")"


_KEY = "\\[[^\n]*?\\] => "


def _group_end(regex: str, start: int) -> int:
    """Where the group opened at ``regex[start]`` closes (escapes and character classes skipped)."""
    depth, index, in_class = 0, start, False
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if regex.startswith("[^]", index) or regex.startswith("[]", index):
                index += 2 if regex[index + 1] == "]" else 3
                continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise RuntimeError("runtime.lark: FLAT_DUMP has unbalanced groups")  # pragma: no cover


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
