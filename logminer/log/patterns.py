"""What the grammar says about finding things fast: its terminals as regexes, and the header's layout.

Mining finds entries, REQUEST headers and the elements of flat dumps with the grammar's own terminals,
compiled as Lark compiles them (kept in ``terminals.py`` for this grammar and Lark version, so the
LALR parser need not be built to read them). The header line's fields and its time are read here
too, from the REQUEST_HEADER terminal: the only place that knows the header's layout.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

GRAMMAR_PATH = Path(__file__).with_name("runtime.lark")

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ),
        1,
    )
}


_MINUTES: dict[str, datetime] = {}


_LAST: list = ["", None]  # the last stamp read and its datetime: neighbours share their second


def parse_timestamp(text: str) -> datetime:
    """``20-Jan-2012 17:32:06+0200`` as an aware datetime (minutes cached: entries share them)."""
    if text == _LAST[0]:
        return _LAST[1]
    moment = _parse_cached(text)  # raises for an impossible time, which is then not remembered
    _LAST[0], _LAST[1] = text, moment
    return moment


def _parse_cached(text: str) -> datetime:
    key = text[:17] + text[20:]
    minute = _MINUTES.get(key)
    if minute is None:
        if len(_MINUTES) > 4096:
            _MINUTES.clear()
        minute = _MINUTES[key] = _parse_timestamp(text[:18] + "00" + text[20:])
    seconds = text[18:20]
    return minute if seconds == "00" else minute.replace(second=int(seconds))


def _parse_timestamp(text: str) -> datetime:
    offset = int(text[21:23]) * 60 + int(text[23:25])
    if text[20] == "-":
        offset = -offset
    return datetime(
        int(text[7:11]),
        _MONTHS[text[3:6]],
        int(text[0:2]),
        int(text[12:14]),
        int(text[15:17]),
        int(text[18:20]),
        tzinfo=_timezone(offset),
    )


_TIMEZONES: dict[int, timezone] = {}


def _timezone(minutes: int) -> timezone:
    zone = _TIMEZONES.get(minutes)
    if zone is None:
        zone = _TIMEZONES[minutes] = timezone(timedelta(minutes=minutes))
    return zone


def split_request_header(text: str) -> tuple[str, str, int, str]:
    """``[ts] [component/#n] REQUEST: path`` (and whatever follows) -> (ts, component, n, path)."""
    component_end = text.index("/#", 29)
    number_end = text.index("] REQUEST: ", component_end)
    return (
        text[1:26],
        text[29:component_end],
        int(text[component_end + 2 : number_end]),
        text[number_end + 11 : text.index("\n", number_end)],
    )


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
    """The REQUEST_HEADER terminal with groups: the whole line, its time, component and path."""
    rest = request[len(header_start) :]
    component, number, after = rest.partition(r"\/#")
    middle, word, path = after.partition("REQUEST: ")
    opening, closing = r"\[", r"\] \["
    if not (number and word and path.endswith("\n") and header_start.startswith(opening)):  # pragma: no cover
        raise RuntimeError("runtime.lark: REQUEST_HEADER no longer has the shape _grammar.py reads it by")
    stamp = header_start[len(opening) : -len(closing)]
    return f"({opening}({stamp}){closing}({component}){number}{middle}{word}({path[:-1]})\n)"


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
