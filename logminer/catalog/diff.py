"""What changed between two catalogs, and whether a change can break a client that worked with the old one.

The rules follow what OpenAPI diff tools report as breaking for *requests* (oasdiff's checks
``api-removed-without-deprecation``, ``new-required-request-parameter``,
``request-parameter-became-required``, ``request-parameter-type-changed``; Optic's "breaking
changes" lint says the same of removed operations, new required parameters and narrowed types):

- a method removed: breaking;
- an argument removed: breaking (oasdiff only warns for a removed request parameter, but here it
  means the billing no longer reads something existing scripts send);
- an argument that became present in every call (newly required), or a new argument present in
  every call: breaking;
- a narrower type: some value of a type the old catalog saw would no longer fit the types the new
  one saw (``WIDER``: a 0/1 flag fits an int, an int a decimal, everything a string): breaking;
- a method or argument added, an argument no longer required, a wider type: not breaking.

A catalog is what was *observed*, not a contract, so absence is weak evidence. An argument is only
said to be removed when its method was seen in the new catalog at all. And a change that chance
alone could explain is reported with ``low_evidence`` and not counted as breaking: if the argument
kept its old share of calls (or of values, for types), would the new calls have missed it (or shown
it every time) with a probability above ``1 - confidence``? Then it is noted, not failed on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .dates import iso
from .kinds import fits
from .model import Argument, Catalog, Method

# Kinds of change, in the order a report lists them for one method.
KINDS = (
    "method-added",
    "method-removed",
    "argument-added",
    "argument-removed",
    "argument-required",
    "argument-optional",
    "type-narrowed",
    "type-widened",
)

DEFAULT_CONFIDENCE = 0.95

# The fields of ``Change.to_dict()`` (the names ``logminer diff --columns`` takes).
CHANGE_FIELDS = ("kind", "method", "argument", "breaking", "low_evidence", "detail", "old", "new")


@dataclass(frozen=True)
class Change:
    """One change: its kind (see ``KINDS``), where, a sentence saying what, and whether it can break."""

    kind: str
    method: str
    argument: str | None
    detail: str
    breaking: bool
    low_evidence: bool = False
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The change as JSON data (the shape ``logminer diff --format json`` prints)."""
        return {
            "kind": self.kind,
            "method": self.method,
            "argument": self.argument,
            "breaking": self.breaking,
            "low_evidence": self.low_evidence,
            "detail": self.detail,
            "old": self.old,
            "new": self.new,
        }


@dataclass
class CatalogDiff:
    """Every change from an old catalog to a new one, sorted by method, argument and kind."""

    changes: list[Change] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        """Whether any change can break a client of the old API."""
        return any(change.breaking for change in self.changes)

    @property
    def breaking_changes(self) -> list[Change]:
        """Only the changes that can break a client."""
        return [change for change in self.changes if change.breaking]

    def to_dict(self) -> dict[str, Any]:
        """``{"breaking": bool, "counts": {...}, "changes": [Change.to_dict(), ...]}``."""
        counts = {"changes": len(self.changes), "breaking": len(self.breaking_changes)}
        counts["low_evidence"] = sum(1 for change in self.changes if change.low_evidence)
        return {
            "breaking": self.breaking,
            "counts": counts,
            "changes": [change.to_dict() for change in self.changes],
        }


def diff_catalogs(old: Catalog, new: Catalog, *, confidence: float = DEFAULT_CONFIDENCE) -> CatalogDiff:
    """The changes from ``old`` to ``new``; ``breaking`` says whether any can break a client.

    ``confidence`` (0 to 1) is how sure the evidence must be before an absence or a narrowing counts
    as breaking; below it the change is still listed, with ``low_evidence``.
    """
    if not 0 <= confidence <= 1:
        raise ValueError("confidence must be between 0 and 1")
    doubt = 1 - confidence
    changes: list[Change] = []
    new_end = max((method.last_seen for method in new.methods.values() if method.last_seen), default=None)
    for name in sorted(set(old.methods) | set(new.methods)):
        before, after = old.methods.get(name), new.methods.get(name)
        if before is None and after is not None:
            changes.append(
                Change(
                    "method-added",
                    name,
                    None,
                    f"new method, seen in {_count(after.calls, 'call')}",
                    False,
                    new={"calls": after.calls},
                )
            )
        elif after is None and before is not None:
            changes.append(
                Change(
                    "method-removed",
                    name,
                    None,
                    _removed_method(before, new_end),
                    True,
                    old={"calls": before.calls, "last_seen": iso(before.last_seen)},
                )
            )
        elif before is not None and after is not None:
            changes.extend(_method_changes(before, after, doubt))
    order = {kind: index for index, kind in enumerate(KINDS)}
    changes.sort(key=lambda change: (change.method, change.argument or "", order[change.kind]))
    return CatalogDiff(changes)


def _removed_method(before: Method, new_end: datetime | None) -> str:
    """``seen in 12 old calls; not called since 2024-03-14`` (when the new catalog runs past it)."""
    detail = f"seen in {_count(before.calls, 'old call')}"
    if before.last_seen is not None and new_end is not None and new_end > before.last_seen:
        last, end = f"{before.last_seen:%Y-%m-%d}", f"{new_end:%Y-%m-%d}"
        return f"{detail}; not called since {last} (the new catalog runs to {end})"
    return f"{detail}, never in the new catalog"


def _facts(method: Method, argument: Argument | None) -> dict[str, Any] | None:
    if argument is None:
        return None
    return {"calls": method.calls, "seen": argument.seen, "types": dict(argument.types)}


@dataclass(frozen=True)
class _Pair:
    """One argument name in the old and the new method; either side may lack it."""

    before: Method
    after: Method
    name: str
    was: Argument | None
    now: Argument | None

    def change(self, kind: str, detail: str, breaking: bool, low: bool = False) -> Change:
        old, new = _facts(self.before, self.was), _facts(self.after, self.now)
        return Change(kind, self.before.name, self.name, detail, breaking and not low, low, old, new)


def _method_changes(before: Method, after: Method, doubt: float) -> list[Change]:
    changes = []
    for arg_name in sorted(set(before.arguments) | set(after.arguments)):
        pair = _Pair(before, after, arg_name, before.arguments.get(arg_name), after.arguments.get(arg_name))
        if pair.was is None and pair.now is not None:
            changes.append(_added(pair))
        elif pair.now is None and pair.was is not None:
            if after.calls > 0:
                changes.append(_removed(pair, doubt))
        else:
            changes.extend(_presence(pair, doubt))
            changes.extend(_types_changed(pair, doubt))
    return changes


def _added(pair: _Pair) -> Change:
    now, after = pair.now, pair.after
    assert now is not None
    # A new argument in every call: clients of the old API never sent it (oasdiff: new required).
    required = after.required(now) and pair.before.calls > 0
    detail = f"new argument, seen in {now.seen} of {_count(after.calls, 'call')}"
    if required:
        detail += "; in every call, so clients must now send it"
    return pair.change("argument-added", detail, required)


def _removed(pair: _Pair, doubt: float) -> Change:
    was, before, after = pair.was, pair.before, pair.after
    assert was is not None
    share = was.seen / before.calls if before.calls else 0.0
    chance = (1 - share) ** after.calls
    detail = f"seen in {was.seen} of {_count(before.calls, 'old call')}, "
    detail += f"in none of {_count(after.calls, 'new call')}"
    low = chance > doubt
    if low:
        detail += f" (at its old share it would be missing by chance {chance:.0%} of the time)"
    return pair.change("argument-removed", detail, True, low)


def _presence(pair: _Pair, doubt: float) -> list[Change]:
    was, now, before, after = pair.was, pair.now, pair.before, pair.after
    assert was is not None and now is not None
    old_required, new_required = before.required(was), after.required(now)
    if new_required and not old_required:
        share = was.seen / before.calls if before.calls else 0.0
        chance = share**after.calls
        detail = f"now in all of {_count(after.calls, 'call')}; before in {was.seen} of {before.calls}"
        low = chance > doubt
        if low:
            detail += f" (at its old share, every call would carry it by chance {chance:.0%} of the time)"
        return [pair.change("argument-required", detail, True, low)]
    if old_required and not new_required:
        detail = f"no longer in every call: {now.seen} of {after.calls}; before in all {before.calls}"
        return [pair.change("argument-optional", detail, False)]
    return []


def _types_changed(pair: _Pair, doubt: float) -> list[Change]:
    was, now = pair.was, pair.now
    assert was is not None and now is not None
    lost = sorted(kind for kind in was.types if not fits(kind, now.types))
    gained = sorted(kind for kind in now.types if not fits(kind, was.types))
    if lost:
        old_values = sum(was.types.values())
        share = sum(was.types[kind] for kind in lost) / old_values if old_values else 0.0
        new_values = sum(now.types.values())
        chance = (1 - share) ** new_values
        detail = f"values of type {', '.join(lost)} no longer seen (now {_types(now.types)})"
        low = chance > doubt
        if low:
            missed = _count(new_values, "value")
            detail += f" (at their old share, {missed} would miss them {chance:.0%} of the time)"
        return [pair.change("type-narrowed", detail, True, low)]
    if gained:
        return [pair.change("type-widened", f"now also {', '.join(gained)} ({_types(now.types)})", False)]
    return []


def _types(types: dict[str, int]) -> str:
    """Types with their counts, most frequent first, as tables write them: ``int:5, bool:2``."""
    return ", ".join(f"{kind}:{count}" for kind, count in sorted(types.items(), key=lambda item: -item[1]))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
