#!/usr/bin/env python3
"""The baseline: the throwaway script an operator would write instead of using logminer.

It reads the runtime log line by line with two regular expressions, counting method calls and
top-level argument names. It knows nothing of nesting, multi-line values, noise or secrets; it is
here only so that ``scripts/bench`` can say how logminer's speed compares to it, in the same run.

    python scripts/naive_scan.py runtime.log
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

HEADER = re.compile(r"^\[[^\]]+\] \[[^\]]+\] REQUEST: /([^\s?]+)")
KEY = re.compile(r"^    \[([^\]]*)\] => ")


def scan(path: str) -> tuple[Counter, Counter]:
    """Count calls per method and (method, top-level argument) pairs."""
    calls: Counter = Counter()
    arguments: Counter = Counter()
    method = None
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            header = HEADER.match(line)
            if header:
                method = header.group(1).strip("/").replace("/", ".")
                calls[method] += 1
                continue
            if line.startswith("["):
                method = None
                continue
            if method:
                key = KEY.match(line)
                if key:
                    arguments[(method, key.group(1))] += 1
    return calls, arguments


if __name__ == "__main__":
    calls, arguments = scan(sys.argv[1])
    summary = {"requests": sum(calls.values()), "methods": len(calls), "arguments": len(arguments)}
    json.dump(summary, sys.stdout)
    print()
