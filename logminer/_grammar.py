"""The Lark parser of the runtime log: grammar, indentation postlexer and value-building transformer.

The grammar (``runtime.lark``) says what a log is; this module only supplies what Lark needs to run
it: the postlexer that applies print_r's column rules, and callbacks that build Python values while
parsing (LALR with ``transformer=``, so no tree is kept).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import lark
from lark import Lark, Token, Transformer

GRAMMAR_PATH = Path(__file__).with_name("runtime.lark")

# print_r puts an element's key 4 columns right of its parenthesis, a nested block 8 columns right.
_KEY_INDENT = 4
_NEST_INDENT = 8

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


class Recursion:
    """print_r's ``*RECURSION*``: the place where a value contained itself (use ``RECURSION``)."""

    def __repr__(self) -> str:
        return "RECURSION"


RECURSION = Recursion()


class PhpObject(dict):
    """A ``ClassName Object`` block: its properties, visibility stripped from their names."""

    def __init__(self, class_name: str, properties: dict) -> None:
        super().__init__(properties)
        self.class_name = class_name

    def __repr__(self) -> str:
        return f"PhpObject({self.class_name!r}, {dict.__repr__(self)})"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _opens_block(items: str) -> bool:
    """Whether the last value of an ITEMS run (``Array``, ``Foo Object``) can open a nested block."""
    last = items.rfind("\n", 0, len(items) - 1) + 1
    value = items[items.index("] => ", last) + 5 : -1]
    return value == "Array" or value.endswith(" Object") or " Enum" in value


class PrintRIndenter:
    """Keeps a print_r terminal only where print_r would have put it; elsewhere the line is TEXT.

    The stack holds the column of each open ``(``. Inside a block at column c, an element's key
    stands at c+4, a nested ``(`` at c+8 right after an ``Array``/``Object`` value, and the block's
    own ``)`` at c. Any other line is the next line of a multi-line string value.
    """

    always_accept = ()

    def __init__(self) -> None:
        self.entry_start: Token | None = None

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        """Yield the lexer's tokens, with misplaced print_r lines turned into TEXT."""
        columns: list[int] = []
        # Column at which the next `(` may open a block, or None when none may open.
        open_at: int | None = None
        for token in stream:
            kind = token.type
            if kind == "ITEMS":
                if columns and _indent(token) == columns[-1] + _KEY_INDENT:
                    open_at = columns[-1] + _NEST_INDENT if _opens_block(token) else None
                    yield token
                    continue
                token.type = "TEXT"
            elif kind == "OPEN":
                if open_at is not None and len(token) - 2 == open_at:
                    columns.append(open_at)
                    open_at = None
                    yield token
                    continue
                token.type = "TEXT"
            elif kind == "CLOSE":
                if columns and len(token) - 2 == columns[-1]:
                    columns.pop()
                    open_at = None
                    yield token
                    continue
                token.type = "TEXT"
            elif kind == "BLOCK":
                column = _indent(token)
                if open_at == column:
                    open_at = None
                    yield token
                    continue
                if columns and column == columns[-1]:
                    # `(` at the current block's column after a value that opens nothing: it is
                    # that value's next line, and the rest are the current block's last keys and `)`.
                    yield from _split_block(token)
                    columns.pop()
                    open_at = None
                    continue
                token.type = "TEXT"
            elif kind == "RECURSION":
                if open_at is not None:
                    open_at = None
                    yield token
                    continue
                token.type = "TEXT"
            elif kind == "TYPE":
                open_at = 0
            elif kind == "REQUEST_HEADER" or kind == "ENTRY" or kind == "FLAT_REQUESTS":
                self.entry_start = token
                columns.clear()
                open_at = None
            open_at = None if kind == "TEXT" else open_at
            yield token


def _split_block(block: Token) -> Iterator[Token]:
    """A BLOCK token read line by line, as TEXT `(`, ITEMS, CLOSE and BLANK."""
    lines = block.split("\n")  # `(`, the key lines, `)`, "", ""
    yield Token.new_borrow_pos("TEXT", lines[0] + "\n", block)
    if len(lines) > 4:
        yield Token.new_borrow_pos("ITEMS", "\n".join(lines[1:-3]) + "\n", block)
    yield Token.new_borrow_pos("CLOSE", lines[-3] + "\n", block)
    yield Token.new_borrow_pos("BLANK", "\n", block)


def _pair(line: str) -> tuple[str, str]:
    """``    [key] => value`` (no newline) -> (key, value)."""
    start = line.index("[") + 1
    arrow = line.index("] => ", start - 1)
    return line[start:arrow], line[arrow + 5 :]


def _items(run: str, last_value: str | None = None) -> list[tuple[str, object]]:
    """The (key, value) pairs of an ITEMS run; ``last_value`` replaces the last line's value."""
    pairs = [_pair(line) for line in run[:-1].split("\n")]
    if last_value is not None:
        pairs[-1] = (pairs[-1][0], last_value)
    return pairs


def top_elements(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, str]]:
    """The top-level elements of the FLAT_DUMP in ``text[start:end]`` (``start`` at its `Array`
    line) as (key, the value's lines, each with its newline); see ``element_value``."""
    return shared_patterns().top_element.findall(text, start, len(text) if end is None else end)


def element_value(lines: str) -> str | dict | list:
    """The value of a FLAT_DUMP's top-level element from its lines: a string of one line or more,
    or the nested block of an `Array` (the grammar reads a block wherever one can open)."""
    if lines.startswith("Array\n        (\n"):
        return _flat_block(lines.split("\n"), 1, 8)[0]
    return lines[:-1]


def _flat_dump(text: str, start: int = 0, end: int | None = None) -> dict | list:
    """The value of the FLAT_DUMP in ``text[start:end]``, whose shape the terminal guarantees: keys
    at column 4, each value one or more lines, or an `Array` whose block stands 8 columns deeper.
    """
    pairs: list[tuple[str, object]] = []
    for key, lines in top_elements(text, start, end):
        pairs.append((key, element_value(lines)))
    if pairs and pairs[0][0] != "0":
        return dict(pairs)
    return _block_value("Array", [pairs])


def _flat_block(lines: list[str], index: int, column: int) -> tuple[dict | list, int]:
    """A nested block of a FLAT_DUMP whose `(` is ``lines[index]`` at ``column``; returns its value
    and the index of the line after its blank line. The terminal guarantees the shape: keys at
    column+4, each value one or more lines, or an `Array` whose block stands 8 columns deeper."""
    close, opening = " " * column + ")", " " * (column + 8) + "("
    key_start = " " * (column + 4) + "["
    after_key = len(key_start)
    pairs: list[tuple[str, object]] = []
    index += 1
    while lines[index] != close:
        key, value = _pair(lines[index])
        index += 1
        if value == "Array" and lines[index] == opening:
            value, index = _flat_block(lines, index, column + 8)
        else:
            first = index
            while lines[index] != close and not (
                lines[index].startswith(key_start) and lines[index].find("] => ", after_key) >= 0
            ):
                index += 1
            if index > first:
                value = "\n".join([value, *lines[first:index]])  # type: ignore[list-item]
        pairs.append((key, value))
    return _block_value("Array", [pairs]), index + 2


def _block_value(type_line: str, groups: list[list[tuple[str, object]]]) -> dict | list:
    """Build a PHP array as a list (keys 0..n-1 in order) or a dict; an object as a PhpObject."""
    elements = [pair for group in groups for pair in group]
    if type_line.endswith(" Object") or " Enum" in type_line:
        properties = {}
        for key, value in elements:
            # `[prop:protected]`, `[prop:Class:private]`: visibility is not part of the name.
            if key.endswith(":protected"):
                key = key[: -len(":protected")]
            elif key.endswith(":private"):
                key = key[: key.rfind(":", 0, len(key) - len(":private"))]
            properties[key] = value
        return PhpObject(type_line.split(" ", 1)[0], properties)
    if elements and elements[0][0] != "0":
        return dict(elements)
    if all(key == str(position) for position, (key, _) in enumerate(elements)):
        return [value for _, value in elements]
    return dict(elements)


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


class _Builder(Transformer):
    """Builds values while LALR reduces; hands each finished entry to its parser's callbacks."""

    def __init__(self, owner: RuntimeLogParser) -> None:
        super().__init__(visit_tokens=False)
        self._owner = owner

    def request(self, children: list) -> None:
        on_request = self._owner.on_request
        if len(children) == 2:
            header, arguments = children
            on_request(header, header.line, arguments)
            return
        run = children[0]  # FLAT_REQUESTS: headers, each followed by its flat dump
        line = run.line
        starts = [match.start() for match in shared_patterns().request_lines(run)]
        starts.append(len(run))
        for start, end in itertools.pairwise(starts):
            dump_start = run.index("\n", start) + 1
            on_request(run[start:dump_start], line, _flat_dump(run, dump_start, end))
            line += run.count("\n", start, end)

    def entry(self, children: list) -> None:
        """Other entries are counted before parsing (see _parser); here they are only recognised."""

    def dump(self, children: list) -> dict | list:
        if len(children) == 1:
            return _flat_dump(children[0])
        return _block_value(children[0][:-1], children[2:-1])

    def scalar(self, children: list) -> list[tuple[str, object]]:
        if len(children) == 1:
            return _items(children[0])
        run = children[0]
        last = run.rfind("\n", 0, len(run) - 1) + 1
        value = run[run.index("] => ", last) + 5 :] + "".join(children[1:])
        return _items(run, value[:-1])

    def nested(self, children: list) -> list[tuple[str, object]]:
        run = children[0]
        last_line = run[run.rfind("\n", 0, len(run) - 1) + 1 : -1]
        type_line = _pair(last_line)[1]
        if len(children) == 2:  # ITEMS BLOCK: the block's key lines lie between `(` and `)`
            block = children[1]
            keys = block[block.index("\n") + 1 : block.rindex("\n", 0, len(block) - 2) + 1]
            groups = [_items(keys)] if keys else []
            return _items(run, _block_value(type_line, groups))  # type: ignore[arg-type]
        return _items(run, _block_value(type_line, children[2:-2]))  # type: ignore[arg-type]

    def recursion(self, children: list) -> list[tuple[str, object]]:
        return _items(children[0], RECURSION)  # type: ignore[arg-type]


def _ignore(*args: object) -> None:
    return None


class RuntimeLogParser:
    """One Lark LALR parser of the grammar; each finished REQUEST entry goes to ``on_request``.

    Building it compiles the grammar, so build one and reuse it. Not thread-safe: the postlexer
    remembers where the current entry started, so that a parse error can be pinned to its entry.
    """

    def __init__(self) -> None:
        # Called with a REQUEST header line, its line number in the parsed text, and the arguments.
        self.on_request: Callable[[str, int, dict | list], None] = _ignore
        self.indenter = PrintRIndenter()
        self._lark = Lark(
            GRAMMAR_PATH.read_text(encoding="utf-8"),
            parser="lalr",
            lexer="contextual",
            postlex=self.indenter,
            transformer=_Builder(self),
            start=["start", "dump"],
        )

    def parse(self, text: str, start: str = "start"):
        """Parse ``text``, a whole number of entries; raises Lark's errors on malformed input."""
        self.indenter.entry_start = None
        return self._lark.parse(text, start=start)

    def terminal_regex(self, name: str) -> str:
        """The regular expression of one of the grammar's terminals, as Lark's lexer compiles it."""
        return self._lark.get_terminal(name).pattern.to_regexp()


# The terminals that mining finds entries and elements with, as regexes (see GrammarPatterns).
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


def parse_print_r(text: str) -> dict | list:
    """Read one print_r dump (``Array\n(\n...)\n``) back into Python values.

    Leaves come back as strings, since print_r prints every scalar as text.
    """
    return shared_parser().parse(text if text.endswith("\n") else text + "\n", start="dump")


_SHARED: RuntimeLogParser | None = None
_PATTERNS: GrammarPatterns | None = None


def shared_parser() -> RuntimeLogParser:
    """The process's parser, built on first use (compiling the grammar takes a moment)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = RuntimeLogParser()
    return _SHARED


def shared_patterns() -> GrammarPatterns:
    """The process's grammar patterns, made on first use (see ``grammar_terminals``)."""
    global _PATTERNS
    if _PATTERNS is None:
        _PATTERNS = GrammarPatterns(grammar_terminals())
    return _PATTERNS


def grammar_terminals() -> dict[str, str]:
    """PATTERN_TERMINALS as Lark compiles the grammar: kept in ``_terminals`` for this very
    grammar and Lark version (building the parser costs more than most small logs take to mine);
    from the parser whenever the grammar or Lark differ from those it was made with."""
    from . import _terminals

    grammar = hashlib.sha256(GRAMMAR_PATH.read_bytes()).hexdigest()
    if grammar == _terminals.GRAMMAR_SHA256 and lark.__version__ == _terminals.LARK_VERSION:
        return dict(_terminals.TERMINALS)
    return terminals_from_parser()


def terminals_from_parser() -> dict[str, str]:
    """PATTERN_TERMINALS, from the Lark parser of the grammar (what ``_terminals`` must hold)."""
    parser = shared_parser()
    return {name: parser.terminal_regex(name) for name in PATTERN_TERMINALS}
