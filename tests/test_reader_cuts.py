"""The fast road's string cuts (one-line dumps split at arrows, nested blocks read line by line,
records made in bulk) give exactly the records the LALR parser reads, for values that end or begin
with parts of an arrow or of a key line; header times read in bulk are those read one by one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logminer import ParseReport, parse_text
from logminer.log import reader as _reader
from logminer.log.header import parse_timestamp, sure_timestamps
from logminer.log.print_r import print_r

HEADER = "[20-Jan-2012 17:32:{:02d}+0200] [webAdmin/#{}] REQUEST: /companies/add\n"
# Parts of an arrow (`] => `) and of key lines, which a value may end or begin with.
TRICKY = ["]", "] ", "] =", "] =>", "=> ", "> ", " ", "[", "[x", "x]", "    [", "a", "07", ""]


def _parser_only(dumps: list[str]) -> tuple:
    return dumps, [[] for _ in dumps], [[] for _ in dumps], [False] * len(dumps)


def _log(dumps: list[dict | list]) -> str:
    return "".join(HEADER.format(index % 60, index) + print_r(dump) for index, dump in enumerate(dumps))


def _both(text: str) -> tuple[list, list]:
    fast = parse_text(text, ParseReport())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_reader, "_vouch", _parser_only)
        slow = parse_text(text, ParseReport())
    return fast, slow


def _fields(records: list) -> list[tuple]:
    return [(r.time, r.component, r.number, r.method, repr(r.params), r.line) for r in records]


def test_values_ending_in_parts_of_an_arrow_are_cut_as_the_parser_reads_them():
    dumps: list[dict | list] = []
    for first in TRICKY:
        for second in TRICKY:
            dumps.append({"id": first, f"k{second.strip()}": second + "v" + first, "last": second})
            dumps.append([first, second])
            dumps.append({"0": first, "2": second})
            dumps.append({"nested": {"a": first, "b": [second, first]}, "after": second})
            dumps.append({"nested": [first, {"0": second, "x": "Array"}], "deep": {"l": {"m": first}}})
    fast, slow = _both(_log(dumps))
    assert len(fast) == len(dumps)
    assert _fields(fast) == _fields(slow)


leaves = st.lists(st.sampled_from(TRICKY), max_size=4).map("".join)
keys = st.sampled_from(["0", "1", "2", "id", "x] ", "07"])
trees = st.recursive(leaves, lambda children: st.dictionaries(keys, children, max_size=3), max_leaves=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(keys, trees, min_size=1, max_size=4), min_size=1, max_size=5))
def test_any_dumps_give_the_records_the_parser_reads(dumps):
    fast, slow = _both(_log(dumps))
    assert _fields(fast) == _fields(slow)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 28),
            st.sampled_from(["Jan", "Feb", "Mar", "Jun", "Dec"]),
            st.integers(1, 9999),
            st.integers(0, 23),
            st.integers(0, 59),
            st.integers(0, 59),
            st.sampled_from("+-"),
            st.integers(0, 23),
            st.integers(0, 59),
        ).map(lambda t: "{:02d}-{}-{:04d} {:02d}:{:02d}:{:02d}{}{:02d}{:02d}".format(*t)),
        max_size=20,
    )
)
def test_times_read_in_bulk_are_those_read_one_by_one(stamps):
    bulk = sure_timestamps(stamps)
    one_by_one = [parse_timestamp(stamp) for stamp in stamps]
    assert bulk == one_by_one
    assert list(map(repr, bulk)) == list(map(repr, one_by_one))
