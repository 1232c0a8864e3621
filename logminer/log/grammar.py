"""The Lark LALR parser of the runtime log: the grammar, the postlexer that applies print_r's column
rules (like Lark's Indenter), and the transformer that builds values while parsing (``transformer=``,
so no tree is kept). The grammar (``runtime.lark``) says what a log is; the values are built by
``print_r``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from .patterns import GRAMMAR_PATH, PATTERN_TERMINALS, shared_patterns
from .print_r import RECURSION, _block_value, _flat_dump, _items, _pair

# print_r puts an element's key 4 columns right of its parenthesis, a nested block 8 columns right.
_KEY_INDENT = 4
_NEST_INDENT = 8


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


# A REQUEST entry as the parser hands it back: its header line, the line number of that line in
# the parsed text, and its arguments.
Entry = tuple[str, int, "dict | list"]


class _Builder(Transformer):
    """Builds values while LALR reduces; the finished REQUEST entries of one parse go to ``read``."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.read: list[Entry] = []

    def request(self, children: list) -> None:
        if len(children) == 2:
            header, arguments = children
            self.read.append((header, header.line, arguments))
            return
        run = children[0]  # FLAT_REQUESTS: headers, each followed by its flat dump
        line = run.line
        starts = [match.start() for match in shared_patterns().request_lines(run)]
        starts.append(len(run))
        for start, end in itertools.pairwise(starts):
            dump_start = run.index("\n", start) + 1
            self.read.append((run[start:dump_start], line, _flat_dump(run, dump_start, end)))
            line += run.count("\n", start, end)

    def entry(self, children: list) -> None:
        """Other entries are counted before parsing (see ``reader``); here they are only recognised."""

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


@dataclass(slots=True)
class Parsed:
    """What one parse of a text read: its REQUEST entries in order, up to the first malformed one;
    then ``error`` (Lark's) and ``entry_start`` (the header token of the entry being read when it
    came), else None."""

    entries: list[Entry]
    error: UnexpectedInput | None = None
    entry_start: Token | None = None


class RuntimeLogParser:
    """One Lark LALR parser of the grammar (``runtime.lark``).

    Building it compiles the grammar, so build one and reuse it (``shared_parser``). Not thread-safe:
    the postlexer remembers where the current entry started, to pin a parse error to its entry.
    """

    def __init__(self) -> None:
        self.indenter = PrintRIndenter()
        self._builder = _Builder()
        self._lark = Lark(
            GRAMMAR_PATH.read_text(encoding="utf-8"),
            parser="lalr",
            lexer="contextual",
            postlex=self.indenter,
            transformer=self._builder,
            start=["start", "dump"],
        )

    def read(self, text: str) -> Parsed:
        """The REQUEST entries of ``text`` (whole entries), up to the first malformed one."""
        self.indenter.entry_start = None
        builder = self._builder
        builder.read = []
        try:
            self._lark.parse(text, start="start")
        except UnexpectedInput as error:
            return Parsed(builder.read, error, self.indenter.entry_start)
        finally:
            entries, builder.read = builder.read, []
        return Parsed(entries)

    def parse_dump(self, text: str) -> dict | list:
        """One print_r dump (``Array\n(\n...)\n``) as values; Lark's errors when malformed."""
        self.indenter.entry_start = None
        return self._lark.parse(text, start="dump")

    def terminal_regex(self, name: str) -> str:
        """The regular expression of one of the grammar's terminals, as Lark's lexer compiles it."""
        return self._lark.get_terminal(name).pattern.to_regexp()


_SHARED: RuntimeLogParser | None = None


def shared_parser() -> RuntimeLogParser:
    """The process's parser, built on first use (compiling the grammar takes a moment)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = RuntimeLogParser()
    return _SHARED


def terminals_from_parser() -> dict[str, str]:
    """PATTERN_TERMINALS, from the Lark parser of the grammar (what ``terminals`` must hold)."""
    parser = shared_parser()
    return {name: parser.terminal_regex(name) for name in PATTERN_TERMINALS}
