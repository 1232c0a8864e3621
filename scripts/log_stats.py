#!/usr/bin/env python3
"""What a runtime log holds, measured from its bytes: the figures that decide how hard it is to mine.

    python scripts/log_stats.py runtime.log [more.log ...] [--json]

For each log: its size, the REQUEST entries, the other entries (SQL, notices, dumps, ...), and in
the requests' print_r dumps:

- element lines: the top-level ``    [key] => value`` lines (exactly four spaces, then ``[``), one
  per argument; *distinct share* is how many different such lines there are over how many there
  are (the line's own bytes, newline included, so ``[id] => 5`` twice counts once);
- distinct elements: the same over whole top-level elements (the element line with its nested
  block or the continuation lines of a multi-line value), which is what a miner meets per argument;
- nested share: requests holding an element inside a nested array (a line ``[`` at column 12 or
  deeper), and the deepest level met (top-level elements are level 1; ``filter[sub][ids][0]`` is 4);
- non-ASCII keys: requests with an element key that is not plain ASCII, at any level;
- blank-line share: dumps whose closing ``)`` line is followed by an empty line;
- mean arguments per request: element lines over requests.

It reads lines as print_r lays them out and knows nothing more: a continuation line of a multi-line
value that begins with four spaces and ``[`` would count as an element line. Counting is exact (a set
of the lines' hashes, about 100 bytes of memory per distinct line).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

# `[20-Jan-2012 17:32:06+0200] [webAdmin/#260808] REQUEST: /companies/add`
HEADER = re.compile(rb"\[[^\]\n]+\] \[[^\]\n]+\] ([A-Z][A-Z_]*): ")
TOP_CLOSE = (b")\n", b")\r\n")
BLANK = (b"\n", b"\r\n")


@dataclass
class LogStats:
    """The measured make-up of one log (see the module's docstring for each figure)."""

    path: str
    size: int = 0
    requests: int = 0
    other_entries: int = 0
    element_lines: int = 0
    distinct_element_lines: int = 0
    elements_distinct: int = 0
    nested_requests: int = 0
    max_depth: int = 0
    non_ascii_key_requests: int = 0
    dumps: int = 0
    blank_after_dump: int = 0

    @property
    def distinct_share(self) -> float:
        """Distinct top-level element lines over all of them."""
        return self.distinct_element_lines / self.element_lines if self.element_lines else 0.0

    @property
    def distinct_elements_share(self) -> float:
        """Distinct whole top-level elements (line plus nested block or continuation) over all."""
        return self.elements_distinct / self.element_lines if self.element_lines else 0.0

    @property
    def nested_share(self) -> float:
        """Requests with a nested array over all requests."""
        return self.nested_requests / self.requests if self.requests else 0.0

    @property
    def non_ascii_share(self) -> float:
        """Requests with a non-ASCII key over all requests."""
        return self.non_ascii_key_requests / self.requests if self.requests else 0.0

    @property
    def blank_share(self) -> float:
        """Request dumps followed by a blank line over all request dumps."""
        return self.blank_after_dump / self.dumps if self.dumps else 0.0

    @property
    def mean_arguments(self) -> float:
        """Top-level arguments per request."""
        return self.element_lines / self.requests if self.requests else 0.0

    def as_dict(self) -> dict[str, object]:
        """The counts and the shares derived from them, as JSON data."""
        data: dict[str, object] = asdict(self)
        for name in (
            "distinct_share",
            "distinct_elements_share",
            "nested_share",
            "non_ascii_share",
            "blank_share",
            "mean_arguments",
        ):
            data[name] = round(getattr(self, name), 4)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> LogStats:
        """The inverse of as_dict (derived shares are recomputed, not read)."""
        names = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in names})  # type: ignore[arg-type]

    def summary(self) -> str:
        """One line for a person."""
        return (
            f"{self.size / 1e6:.1f} MB, {self.requests} requests, {self.other_entries} other entries; "
            f"distinct element lines {self.distinct_share:.1%} "
            f"(whole elements {self.distinct_elements_share:.1%}), "
            f"nested {self.nested_share:.1%} (deepest level {self.max_depth}), "
            f"non-ASCII keys {self.non_ascii_share:.1%}, blank line after dump {self.blank_share:.1%}, "
            f"{self.mean_arguments:.1f} arguments a request"
        )


def log_stats(path: str | Path) -> LogStats:
    """Read the log at ``path`` once and measure what it holds."""
    stats = LogStats(str(path))
    lines: set[int] = set()
    elements: set[int] = set()
    in_request = False
    after_close = False  # the previous line closed a request's dump
    piece: list[bytes] = []  # the current top-level element's lines
    nested = non_ascii = False
    with open(path, "rb") as log:
        for line in log:
            stats.size += len(line)
            if after_close:
                after_close = False
                if line in BLANK:
                    stats.blank_after_dump += 1
                    continue
            if line[:1] == b"[":
                header = HEADER.match(line)
                if header:
                    if in_request:
                        if piece:
                            elements.add(hash(b"".join(piece)))
                        stats.nested_requests += nested
                        stats.non_ascii_key_requests += non_ascii
                    piece = []
                    nested = non_ascii = False
                    in_request = header.group(1) == b"REQUEST"
                    if in_request:
                        stats.requests += 1
                    else:
                        stats.other_entries += 1
                    continue
            if not in_request:
                continue
            if line[:5] == b"    [":
                if piece:
                    elements.add(hash(b"".join(piece)))
                piece = [line]
                stats.element_lines += 1
                lines.add(hash(line))
                if not non_ascii and not line[: line.find(b"] => ") + 1].isascii():
                    non_ascii = True
                stats.max_depth = max(stats.max_depth, 1)
                continue
            if line in TOP_CLOSE:
                if piece:
                    elements.add(hash(b"".join(piece)))
                    piece = []
                stats.dumps += 1
                after_close = True
                continue
            if piece:
                piece.append(line)
                stripped = line.lstrip(b" ")
                if stripped[:1] == b"[":
                    indent = len(line) - len(stripped)
                    if indent >= 12 and indent % 8 == 4:
                        nested = True
                        stats.max_depth = max(stats.max_depth, (indent - 4) // 8 + 1)
                        if not non_ascii and not stripped[: stripped.find(b"] => ") + 1].isascii():
                            non_ascii = True
    if in_request:
        if piece:
            elements.add(hash(b"".join(piece)))
        stats.nested_requests += nested
        stats.non_ascii_key_requests += non_ascii
    stats.distinct_element_lines = len(lines)
    stats.elements_distinct = len(elements)
    return stats


def main(argv: list[str] | None = None) -> int:
    """Print each log's figures, as a line or as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="+", type=Path, help="runtime log files")
    parser.add_argument("--json", action="store_true", help="one JSON object a line")
    args = parser.parse_args(argv)
    for path in args.logs:
        stats = log_stats(path)
        print(json.dumps(stats.as_dict(), ensure_ascii=False) if args.json else f"{path}: {stats.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
