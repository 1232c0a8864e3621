"""'Did you mean': the closest known names to a misspelled one, as git and click do it."""

from __future__ import annotations

from collections.abc import Iterable


def distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, transpositions.

    With ``limit``, any distance above it may be returned as ``limit + 1``, found sooner: once two
    rows of the table in a row are above the limit, every later one is (a cell comes from the two
    rows before it, plus one or more).
    """
    if a == b:
        return 0
    if not a or not b:
        return len(a) or len(b)
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if limit is not None and min(current) > limit and min(previous) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def suggest(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """At most ``limit`` candidates close to ``name``, closest first; none when nothing is close.

    Close means an edit distance of at most a third of the name's length (at least 1, at most 4),
    or that one name is the other with a prefix or suffix (``client`` for ``clients``), both names
    at least four characters long (so ``id`` is no suggestion for ``id_curency``).
    """
    lowered = name.lower()
    budget = min(4, max(1, len(name) // 3))
    scored = []
    for candidate in set(candidates):
        other = candidate.lower()
        contained = min(len(lowered), len(other)) >= 4 and (lowered in other or other in lowered)
        cost = distance(lowered, other, None if contained else budget)
        if cost > budget and not contained:
            continue
        scored.append((cost, abs(len(other) - len(lowered)), candidate))
    scored.sort()
    return [candidate for _, _, candidate in scored[:limit]]
