"""Nested blocks are read once per skeleton (``nested.Shapes``): every block must give exactly what
``block_paths`` reads of it, whichever block of its skeleton came first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from logminer.log.print_r import NESTED, print_r
from logminer.log.reader import _vouch
from logminer.mining.nested import Shapes, block_paths

# Values that look like parts of a dump: arrows, key lines, `Array`, brackets, newlines.
pieces = st.sampled_from(
    [*"ab1 -:@.\n]Ж", "Array", "] => ", "    [x] => y", "            [x] => y", "(", ")"]
)
values = st.lists(pieces, max_size=6).map("".join)
keys = st.sampled_from(["0", "1", "id", "name", "x", "07"])
trees = st.recursive(
    values, lambda children: st.dictionaries(keys, children, min_size=1, max_size=4), max_leaves=8
)


def _blocks(params: dict) -> list[tuple[str, str]]:
    """The (key, text) of each top-level element of ``params`` whose value is a nested block, as the
    reader cuts them."""
    _, found_keys, found_texts, flat = _vouch([print_r(params)])
    if not flat[0]:
        return []
    return [
        (key, text)
        for key, text in zip(found_keys[0], found_texts[0], strict=True)
        if text.startswith(NESTED)
    ]


def _read(shapes: Shapes, key: str, text: str) -> tuple | None:
    read = shapes.read(key, text)
    if read is None:
        return None
    shape, leaf_values = read
    paths = [None] * len(leaf_values)
    for path, positions in shape.columns.items():
        for position in positions:
            paths[position] = path
    return shape.arrays, shape.present, paths, leaf_values


def _expected(key: str, text: str) -> tuple | None:
    found = block_paths(key, text)
    if found is None:
        return None
    held, leaf_paths, leaf_values = found
    return list(dict.fromkeys(held)), list(dict.fromkeys([*held[1:], *leaf_paths])), leaf_paths, leaf_values


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.dictionaries(keys, st.dictionaries(keys, trees, min_size=1, max_size=3), max_size=3), max_size=6
    )
)
def test_blocks_read_by_skeleton_are_what_block_paths_reads(requests):
    shapes = Shapes()
    for params in requests:
        for key, text in _blocks(params):
            assert _read(shapes, key, text) == _expected(key, text)


def test_blocks_of_one_skeleton_give_their_own_values():
    shapes = Shapes()
    for first, second in [("a", "b"), ("x\ny", "x\nz"), ("", "q"), ("Array", "w"), ("v] => w", "v")]:
        for value in (first, second, first):
            params = {"k": {"a": value, "b": {"0": "1", "1": value}}}
            for key, text in _blocks(params):
                assert _read(shapes, key, text) == _expected(key, text)


def test_a_key_twice_in_a_block_is_left_to_the_parser():
    text = "Array\n        (\n            [a] => 1\n            [a] => 2\n        )\n"
    assert Shapes().read("k", text) is None
