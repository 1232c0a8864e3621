#!/usr/bin/env python3
"""A floor for pure-Python mining: the least work any miner written in Python must do, all of it in C.

It reads the runtime log in 4 MB chunks (cut where an entry begins), takes the entries that hold a
REQUEST header out of each (skipping the others by searching for the header's words where requests
are few), decodes them, splits them into lines, finds the REQUEST headers among the lines that begin with
``[``, and counts every top-level element line (``    [key] => value``) of a request by (method,
key, value text), the counts a catalog's values, examples and types are made from, and by (method,
key). Every pass over the lines is one call into C (``str.split``, ``map``, ``compress``,
``accumulate``, ``str.partition``, ``Counter``); Python runs only once per chunk and once per header
(and once per request where requests are few).

It knows nothing of nested arrays, values of several lines, damaged dumps, types, secrets, examples
or exemplars, so logminer must do more than this. ``scripts/bench`` runs it beside the naive scanner
(``naive_scan.py``, which reads line by line in Python): how fast it runs against that scanner is how
fast a pure-Python miner could run at best on that log, on that machine.

    python scripts/floor_scan.py runtime.log

It prints what the naive scanner prints (requests, methods, top-level arguments: the same numbers on
the same log, but for keys that hold a `]`, which the naive scanner's pattern misses), and the sum
over its chunks of the distinct (method, argument, value) triples in each. Like a miner, it holds
values only while it counts a chunk: its memory does not grow with the log.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from itertools import accumulate, compress, repeat
from operator import itemgetter

HEADER = re.compile(r"\[[^\]]+\] \[[^\]]+\] REQUEST: /([^\s?]+)")
CHUNK = 4 << 20
REQUEST = b"] REQUEST: "
ENTRY = b"\n["

try:  # the C helper behind Counter.update(iterable)
    from collections import _count_elements  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - every CPython has it

    def _count_elements(mapping, iterable):  # type: ignore[no-untyped-def]
        for element in iterable:
            mapping[element] = mapping.get(element, 0) + 1


def _method(header: re.Match | None) -> str | None:
    return header.group(1).strip("/").replace("/", ".") if header else None


def _count(text: str, calls: Counter, arguments: Counter) -> int:
    """Count one chunk's requests and their top-level elements; return how many distinct (method,
    key, value) triples it held (counted, then let go of: a miner keeps few values per argument)."""
    lines = text.split("\n")
    heads = list(map(str.startswith, lines, repeat("[")))
    entries = list(accumulate(heads))  # each line's entry: 0 before the first header, then 1, 2...
    methods = [None, *map(_method, map(HEADER.match, compress(lines, heads)))]
    _count_elements(calls, filter(None, methods))
    elements = list(map(str.startswith, lines, repeat("    [")))
    cut = list(map(str.partition, compress(lines, elements), repeat("] => ")))
    owners = list(map(methods.__getitem__, compress(entries, elements)))
    keys = list(map(itemgetter(0), cut))
    values: Counter = Counter()
    _count_elements(values, zip(owners, keys, map(itemgetter(2), cut), strict=True))
    _count_elements(arguments, zip(owners, keys, strict=True))
    return len(values)


def _requests(data: bytes) -> bytes:
    """The entries of a chunk that hold a REQUEST header, joined: where most entries are requests, the
    chunk is split into entries and those kept; elsewhere each request is found by searching for
    its header's words, and the rest is never looked at."""
    if data.count(REQUEST) * 2 > data.count(ENTRY):
        entries = data.split(ENTRY)
        return ENTRY.join(compress(entries, map(bytes.__contains__, entries, repeat(REQUEST))))
    pieces = []
    find, rfind = data.find, data.rfind
    at = find(REQUEST)
    while at >= 0:
        end = find(ENTRY, at)
        end = len(data) if end < 0 else end
        pieces.append(data[rfind(b"\n", 0, at) + 1 : end])
        at = find(REQUEST, end)
    return b"\n".join(pieces)


def scan(path: str) -> tuple[Counter, Counter, int]:
    """Count calls per method and (method, `    [key`) pairs (the method is None for the elements of
    entries that are no requests); and the distinct (method, key, value) triples of each chunk,
    summed."""
    calls: Counter = Counter()
    arguments: Counter = Counter()
    values = 0
    with open(path, "rb") as log:
        rest = b""
        while True:
            block = log.read(CHUNK)
            data = rest + block
            if not data:
                break
            if block:
                cut = data.rfind(ENTRY) + 1  # where the last entry in it begins
                if cut == 0:
                    rest = data
                    continue
                data, rest = data[:cut], data[cut:]
            else:
                rest = b""
            text = _requests(data).decode("utf-8", "replace")
            values += _count(text if text.startswith("[") else "[" + text, calls, arguments)
    return calls, arguments, values


if __name__ == "__main__":
    calls, arguments, values = scan(sys.argv[1])
    summary = {
        "requests": sum(calls.values()),
        "methods": len(calls),
        "arguments": sum(1 for method, _ in arguments if method is not None),
        "values counted by chunk": values,
    }
    json.dump(summary, sys.stdout)
    print()
