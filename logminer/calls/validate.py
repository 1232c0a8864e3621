"""Checking a call against the catalog before it is sent: what the log showed, not what the billing allows.

A finding is an **error** when the call is almost surely a typo, and a **warning** when it may be right
but was never seen:

- an unknown method is an error, with the closest method names when some are close;
- an argument never seen with that method is an error when it is a near miss of an observed one (the
  closest names are suggested), a warning when nothing is close (bracket paths are compared the way
  the catalog names them: ``fields[0][id]`` is ``fields[][id]``);
- a single value where every observed call sent an array is an error, pointing at the array's paths;
- an argument present in every observed call but missing is a warning;
- a value of a type never observed for its argument is a warning, with the observed types and, unless
  the argument is secret, examples;
- a value outside an argument's closed set of values (``Argument.closed``) is an error when it is a
  near miss of one of them (``actve`` for ``active``: three or more letters, never a number), a
  warning otherwise.

Transport keys (``auth``, ``SID``) are never findings. Messages say what the catalog knows, write values
other than strings as JSON does (``null``, ``true``), and never quote a value that is secret by its
argument's name or looks like a credential.

The validation **mode** says what a client does with the findings: ``off`` checks nothing; ``warn``
reports them all and sends; ``errors`` (the default) refuses a call with an error and sends one with
warnings only; ``strict`` refuses a call with any finding.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .._errors import UsageError, ValidationFailed, _or_list, quoted
from ..catalog.kinds import fits, infer_type
from ..catalog.model import Argument, Catalog, Method
from ..catalog.paths import argument_values, call_paths
from ..catalog.suggest import suggest

MODES = ("off", "warn", "errors", "strict")
DEFAULT_MODE = "errors"
# A value is checked for a near miss of a closed set's value only from this many letters on.
NEAR_MISS_LETTERS = 3


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
    """``mode`` when it is one of ``MODES``; ``UsageError`` otherwise."""
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
        return [
            Finding(
                "error",
                None,
                f"The catalog has never seen the method {quoted(method)} "
                f"({len(catalog.methods)} methods known).{_hint(suggestions)}",
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
            hidden = argument.secret or any(
                isinstance(value, str) and catalog.is_secret_value(value) for value in values
            )
            finding = _mistyped(known, argument, values, hidden) or _outside(known, argument, values, hidden)
            if finding is not None:
                findings.append(finding)
    return findings


def refused(findings: list[Finding], mode: str) -> bool:
    """Whether ``mode`` refuses to send a call with these findings."""
    mode = check_mode(mode)
    if mode == "strict":
        return bool(findings)
    return mode == "errors" and any(finding.level == "error" for finding in findings)


def enforce(method: str, findings: list[Finding], mode: str) -> None:
    """Raise ``ValidationFailed`` when ``mode`` refuses to send a call with these findings."""
    if refused(findings, mode):
        raise ValidationFailed(method, findings, mode)


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
    return _near_miss(path, f"{quoted(path)} was never seen in {_calls(method)}.", suggestions)


def _near_miss(argument: str | None, message: str, suggestions: list[str]) -> Finding:
    """An error when something close was meant (the suggestions say what), else a warning."""
    return Finding(
        "error" if suggestions else "warning", argument, message + _hint(suggestions), tuple(suggestions)
    )


def _missing(method: Method, present: Iterable[str]) -> list[Finding]:
    return [
        Finding("warning", name, f"{name!r} is missing; it was present in all {_calls(method)}.")
        for name in method.missing(present)
    ]


def _mistyped(method: Method, argument: Argument, values: list[Any], hidden: bool) -> Finding | None:
    if not argument.types:
        return None
    if set(argument.types) == {"array"} and any(not isinstance(value, (dict, list)) for value in values):
        # A single value where every observed call sent a list: its elements have a path of their own.
        elements = sorted(name for name in method.arguments if name.startswith(argument.name + "["))[:3]
        message = f"{argument.name!r} held an array in every one of {_calls(method)}, not a single value."
        return _near_miss(argument.name, message, elements)
    for value in values:
        kind = infer_type(value)
        if fits(kind, argument.types):
            continue
        observed = ", ".join(f"{name} ({count})" for name, count in _by_count(argument.types))
        shown = "a value" if hidden else _shown(value)
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


def _outside(method: Method, argument: Argument, values: list[Any], hidden: bool) -> Finding | None:
    """A value outside the argument's closed set of values: an error when it is a near miss of one."""
    if not argument.closed or argument.values is None:
        return None
    known = argument.values
    for value in values:
        if isinstance(value, (dict, list)):
            continue
        text = _php_text(value)
        if text in known:
            continue
        close = suggest(text, known) if _wordlike(value) else []
        listed = ", ".join(repr(name) for name, _ in _by_count(known))
        shown = "a value" if hidden else _shown(value)
        message = f"{argument.name!r} is {shown}, none of the values seen in {_calls(method)}: {listed}."
        return _near_miss(argument.name, message, close)
    return None


def _wordlike(value: Any) -> bool:
    """A string of three letters or more that is no number: what a near-miss typo of a word looks like."""
    if not isinstance(value, str) or sum(char.isalpha() for char in value) < NEAR_MISS_LETTERS:
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False  # "nan", "inf", "1e10": numbers


def _php_text(value: Any) -> str:
    """A value as the log shows it (every web request value is a string in PHP)."""
    if isinstance(value, bool):
        return "1" if value else ""
    if value is None:
        return ""
    return str(value)


def _shown(value: Any) -> str:
    """A value for a message: a string quoted and shortened, anything else as JSON writes it."""
    if isinstance(value, str):
        return repr(value[:39] + "…" if len(value) > 40 else value)
    try:
        return json.dumps(value)[:40]
    except (TypeError, ValueError):
        return type(value).__name__


def _by_count(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _calls(method: Method) -> str:
    plural = "call" if method.calls == 1 else "calls"
    return f"{method.calls} observed {plural} of {method.name}"


def _hint(names: list[str]) -> str:
    return f" Did you mean {_or_list(names)}?" if names else ""
