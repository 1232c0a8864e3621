"""Checking a call against the catalog before it is sent: what the log showed, not what the billing allows.

Rules, in the order findings are listed:
- an unknown method is an error, with the closest method names;
- an argument never seen with that method is an error, with the closest argument names of the method
  (bracket paths are compared the way the catalog names them: ``fields[0][id]`` is ``fields[][id]``);
- an argument present in every observed call but missing is a warning;
- a value of a type never observed for its argument is a warning, with the observed types and, unless
  the argument is secret, examples.
Transport keys (``auth``, ``SID``) are never findings. Messages say what the catalog knows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .._errors import UsageError, ValidationFailed
from ..catalog.kinds import fits, infer_type
from ..catalog.model import Argument, Catalog, Method
from ..catalog.paths import argument_values, call_paths
from ..catalog.suggest import suggest

MODES = ("off", "warn", "strict")


@dataclass(frozen=True)
class Finding:
    """One thing the catalog says about a call: ``level`` is ``error`` or ``warning``."""

    level: str
    argument: str | None
    message: str
    suggestions: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON data."""
        return {
            "level": self.level,
            "argument": self.argument,
            "message": self.message,
            "suggestions": list(self.suggestions),
        }

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


def check_mode(mode: str) -> str:
    """``mode`` when it is one of off, warn, strict; ``UsageError`` otherwise."""
    if mode not in MODES:
        raise UsageError(f"Validation mode {mode!r} is not one of {', '.join(MODES)}.")
    return mode


def validate(catalog: Catalog, method: str, params: dict[str, Any] | None = None) -> list[Finding]:
    """Every finding about calling ``method`` with ``params``; an empty list when the call looks right."""
    params = params or {}
    if not isinstance(params, dict):
        raise UsageError("The params of a call must be a JSON object (name: value pairs).")
    known = catalog.method(method)
    if known is None:
        suggestions = suggest(method, catalog.methods)
        hint = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
        return [
            Finding(
                "error",
                None,
                f"The catalog has never seen the method {method!r} "
                f"({len(catalog.methods)} methods known).{hint}",
                tuple(suggestions),
            )
        ]
    given: dict[str, list[Any]] = {}
    for path, value in argument_values(params):
        given.setdefault(path, []).append(value)
    findings = [_unknown(known, path) for path in given if _is_unknown(known, path, given[path])]
    findings += _missing(known, call_paths(params).present)
    for path, values in given.items():
        argument = known.arguments.get(path)
        if argument is not None:
            finding = _mistyped(known, argument, values)
            if finding is not None:
                findings.append(finding)
    return findings


def enforce(method: str, findings: list[Finding], mode: str) -> None:
    """In strict mode, refuse a call that has findings by raising ``ValidationFailed``."""
    if check_mode(mode) == "strict" and findings:
        raise ValidationFailed(method, findings)


def _is_unknown(method: Method, path: str, values: list[Any]) -> bool:
    if path in method.arguments:
        return False
    # An empty list or dict given for an argument known by its elements (cp_modules: [] for cp_modules[]).
    return not (values and all(value in ([], {}) for value in values) and _has_children(method, path))


def _has_children(method: Method, path: str) -> bool:
    return any(name.startswith(path + "[") for name in method.arguments)


def _unknown(method: Method, path: str) -> Finding:
    # A value's path is a leaf's: containers that never held a value are no candidates for it.
    candidates = [name for name, argument in method.arguments.items() if set(argument.types) != {"array"}]
    suggestions = suggest(path, candidates)
    if path + "[]" in method.arguments and path + "[]" not in suggestions:
        suggestions = [path + "[]", *suggestions][:3]
    hint = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
    return Finding(
        "error",
        path,
        f"{path!r} was never seen in {_calls(method)}.{hint}",
        tuple(suggestions),
    )


def _missing(method: Method, present: Iterable[str]) -> list[Finding]:
    return [
        Finding("warning", name, f"{name!r} is missing; it was present in all {_calls(method)}.")
        for name in method.missing(present)
    ]


def _mistyped(method: Method, argument: Argument, values: list[Any]) -> Finding | None:
    if not argument.types:
        return None
    if set(argument.types) == {"array"} and any(not isinstance(value, (dict, list)) for value in values):
        # A single value where every observed call sent a list: its elements have a path of their own.
        elements = sorted(name for name in method.arguments if name.startswith(argument.name + "["))[:3]
        hint = f" Did you mean {_or_list(elements)}?" if elements else ""
        return Finding(
            "error",
            argument.name,
            f"{argument.name!r} held an array in every one of {_calls(method)}, not a single value.{hint}",
            tuple(elements),
        )
    for value in values:
        kind = infer_type(value)
        if fits(kind, argument.types):
            continue
        observed = ", ".join(f"{name} ({count})" for name, count in _by_count(argument.types))
        shown = "a value" if argument.secret else repr(_short(value))
        examples = (
            ""
            if argument.secret or not argument.examples
            else (f"; examples: {', '.join(repr(example) for example in argument.examples[:3])}")
        )
        return Finding(
            "warning",
            argument.name,
            f"{argument.name!r} is {shown} of type {kind}, never seen in {_calls(method)}: "
            f"observed types {observed}{examples}.",
        )
    return None


def _by_count(types: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(types.items(), key=lambda item: (-item[1], item[0]))


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 40:
        return value[:39] + "…"
    return value


def _calls(method: Method) -> str:
    plural = "call" if method.calls == 1 else "calls"
    return f"{method.calls} observed {plural} of {method.name}"


def _or_list(names: list[str]) -> str:
    quoted = [repr(name) for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
