"""The catalog for other tools: an OpenRPC document, JSON Schemas of params, a Markdown reference.

Every value the log shows is a string: the web front ends post forms, and the runtime log prints
what PHP received. A JSON-RPC client may send the same argument as a JSON number or string, and
the billing reads both the same way. So an inferred type becomes a schema that admits the string
the log showed *and* the JSON value it stands for, no more:

- ``int``: ``{"type": ["string", "integer"], "pattern": "^-?(0|[1-9][0-9]*)$"}`` (a pattern only
  constrains strings, so ``5`` and ``"5"`` both pass);
- ``bool`` (``0``/``1``): the enum ``"0", "1", 0, 1, false, true``;
- ``decimal``: ``{"type": ["string", "number"], "pattern": ...}``;
- ``date``, ``datetime``: strings with the pattern logminer recognised (the billing's datetime,
  ``2024-03-01 10:00:00+02``, is not RFC 3339, so no ``format: date-time``);
- ``email``, ``ip``: strings with ``format``; ``empty``: the empty string or null; ``string``: any string;
- ``array`` (an empty PHP array): an array or an object.

An argument seen with several types gets ``anyOf`` the types observed (a date, datetime, email or
ip left out when any string was seen too, since ``string`` admits them). Bracket paths become
nested schemas: ``cp_modules[]`` an array of strings, ``fields[][id]`` an array of objects with
``id``, ``settings[mail][from]`` an object; PHP sends an array with gaps in its keys as an object
with integer keys, so ``[]`` admits that too. ``required`` lists the top-level arguments seen in every
call; nothing is closed with ``additionalProperties: false``, since a log shows only what was sent.
Counts go under ``x-`` keys (``x-calls``, ``x-seen``, ``x-types``); a secret argument has no
examples and is marked ``x-secret: true``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .._controls import json_safe, visible
from .._errors import UsageError
from .._version import __version__
from ..calls.examples import cli_command
from .dates import iso
from .exemplars import Exemplar
from .explore import reference
from .model import Argument, Catalog, Method

OPENRPC_VERSION = "1.3.2"
JSON_SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"
TITLE = "JeraSoft Billing Management API (as observed by logminer)"

_INT_PATTERN = "^-?(0|[1-9][0-9]*)$"
_TYPE_SCHEMAS: dict[str, dict[str, Any]] = {
    "empty": {"type": ["string", "null"], "maxLength": 0},
    "bool": {"enum": ["0", "1", 0, 1, False, True]},
    "int": {"type": ["string", "integer"], "pattern": _INT_PATTERN},
    "decimal": {"type": ["string", "number"], "pattern": "^-?[0-9]+\\.[0-9]+$"},
    "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "datetime": {
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}"
        "(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$",
    },
    "email": {"type": "string", "format": "email"},
    "ip": {"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]},
    "string": {"type": "string"},
    "array": {"type": ["array", "object"]},
}


_STRINGS_ONLY = frozenset({"date", "datetime", "email", "ip"})


def type_schema(types: dict[str, int] | list[str]) -> dict[str, Any]:
    """The JSON Schema admitting the values of the observed types (see the module's docstring)."""
    kinds = [kind for kind in _TYPE_SCHEMAS if kind in types]
    if "string" in kinds:
        # Any string already admits these; the others also admit a JSON number, boolean or null.
        kinds = [kind for kind in kinds if kind not in _STRINGS_ONLY]
    if not kinds:
        return {}
    if len(kinds) == 1:
        return dict(_TYPE_SCHEMAS[kinds[0]])
    return {"anyOf": [dict(_TYPE_SCHEMAS[kind]) for kind in kinds]}


def _segments(path: str) -> tuple[str, list[str]]:
    """``fields[][id]`` -> ``("fields", ["[]", "id"])``; ``[]`` stands for any integer key."""
    head, bracket, rest = path.partition("[")
    if not bracket or not rest.endswith("]"):
        return path, []
    return head, ["[]" if part == "" else part for part in rest[:-1].split("][")]


# How deep a schema for bracket paths goes; deeper levels are left undescribed.
MAX_SCHEMA_DEPTH = 64


class _Node:
    """One level of a bracket-path tree: the argument ending here, named children, integer-keyed items."""

    def __init__(self) -> None:
        self.argument: Argument | None = None
        self.properties: dict[str, _Node] = {}
        self.items: _Node | None = None

    def add(self, segments: list[str], argument: Argument) -> None:
        node = self
        for segment in segments:
            if segment == "[]":
                node.items = node.items or _Node()
                node = node.items
            else:
                node = node.properties.setdefault(segment, _Node())
        node.argument = argument

    def arguments(self) -> list[Argument]:
        found, stack = [], [self]
        while stack:  # iterative: a hostile log may nest thousands of levels
            node = stack.pop()
            if node.argument is not None:
                found.append(node.argument)
            if node.items is not None:
                stack.append(node.items)
            stack.extend(reversed(node.properties.values()))
        return found

    def schema(self, depth: int = 0) -> dict[str, Any]:
        if depth >= MAX_SCHEMA_DEPTH:
            # Deeper than any real form: described as anything, and said so (also keeps the
            # document within what JSON tools, and Python's own recursion limit, take).
            return {"description": f"nested deeper than {MAX_SCHEMA_DEPTH} levels: not described"}
        argument = self.argument
        choices = []
        if argument is not None and (set(argument.types) - {"array"} or not argument.types):
            choices.append(_leaf_schema(argument, scalars_only=bool(self.properties or self.items)))
        if self.properties:
            properties = {key: child.schema(depth + 1) for key, child in self.properties.items()}
            shape: dict[str, Any] = {"type": "object", "properties": properties}
            required = self._required(self.properties)
            if required:
                shape["required"] = required
            choices.append(shape)
        if self.items is not None:
            items = self.items.schema(depth + 1)
            # ``items`` constrains an array, the rest an object: PHP sends an array with gaps in its
            # integer keys as a JSON object.
            choices.append(
                {
                    "type": ["array", "object"],
                    "items": items,
                    "propertyNames": {"pattern": _INT_PATTERN},
                    "additionalProperties": items,
                }
            )
        if not choices and argument is not None:  # a container only ever seen empty
            choices.append(_leaf_schema(argument))
        schema = choices[0] if len(choices) == 1 else {"anyOf": choices}
        if argument is not None and "x-seen" not in schema:
            schema["x-seen"] = argument.seen
            if argument.secret:
                schema["x-secret"] = True
        return schema

    def _required(self, children: dict[str, _Node]) -> list[str]:
        """The children present whenever this container held an array: required inside it."""
        argument = self.argument
        held = argument.types.get("array", 0) if argument is not None else 0
        return [
            key
            for key, child in children.items()
            if held and child.argument is not None and child.argument.seen >= held
        ]


def _leaf_schema(argument: Argument, scalars_only: bool = False) -> dict[str, Any]:
    types = (
        {kind: count for kind, count in argument.types.items() if kind != "array"}
        if scalars_only
        else argument.types
    )
    schema = type_schema(types)
    schema["x-seen"] = argument.seen
    schema["x-types"] = dict(argument.types)
    if argument.secret:
        schema["x-secret"] = True
    elif argument.examples:
        schema["examples"] = list(argument.examples)
    refers_to = reference(argument.name)
    if refers_to:
        schema["x-refers-to"] = refers_to
    return schema


def _top_level(method: Method) -> dict[str, _Node]:
    """The method's arguments grouped by top-level name, each a tree of its bracket paths."""
    roots: dict[str, _Node] = {}
    for path in sorted(method.arguments):
        head, segments = _segments(path)
        roots.setdefault(head, _Node()).add(segments, method.arguments[path])
    return roots


def _top_level_order(method: Method, roots: dict[str, _Node]) -> list[tuple[str, _Node, int, bool]]:
    """(name, tree, calls that carried it at least, required) with required ones first, then by seen."""
    rows = []
    for name, node in roots.items():
        if node.argument is not None:  # the argument itself, container or not, was counted
            seen, required = node.argument.seen, method.required(node.argument)
        else:  # a catalog upgraded from version 1 has no container counts: its deepest say at least
            arguments = node.arguments()
            seen = max(argument.seen for argument in arguments)
            required = any(method.required(argument) for argument in arguments)
        rows.append((name, node, seen, required))
    rows.sort(key=lambda row: (not row[3], -row[2], row[0]))
    return rows


def params_schema(method: Method) -> dict[str, Any]:
    """The JSON Schema (draft-07) of one method's params object, as the catalog observed it."""
    properties, required = {}, []
    for name, node, seen, is_required in _top_level_order(method, _top_level(method)):
        property_schema = node.schema()
        if node.argument is None:
            property_schema["x-seen"] = seen
        properties[name] = property_schema
        if is_required:
            required.append(name)
    # PHP prints empty params as an empty array, which json_encode sends as ``[]``.
    schema: dict[str, Any] = {
        "title": f"{method.name} params",
        "type": ["object", "array"],
        "maxItems": 0,
        "properties": properties,
    }
    if required:
        schema["required"] = required
    schema["x-calls"] = method.calls
    return schema


def to_jsonschema(catalog: Catalog) -> dict[str, Any]:
    """One draft-07 document whose ``definitions`` hold each method's params schema, by method name.

    Validate a call's params against ``{"$ref": "#/definitions/<method>"}`` resolved in it.
    """
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"{TITLE}: params of each method",
        "definitions": {name: params_schema(catalog.methods[name]) for name in sorted(catalog.methods)},
    }


def to_openrpc(catalog: Catalog) -> dict[str, Any]:
    """An OpenRPC 1.3 document: one method object per method, params by name, observed types as schemas.

    The log shows requests only, so each method's result is an unconstrained schema saying so.
    """
    methods = [_openrpc_method(catalog.methods[name]) for name in sorted(catalog.methods)]
    return {
        "openrpc": OPENRPC_VERSION,
        "info": {
            "title": TITLE,
            "version": "observed",
            "description": (
                "Methods and arguments as seen in the billing's runtime log: what clients sent, not "
                "a contract. Types are inferred from the values sent; counts are under x- keys."
            ),
        },
        "methods": methods,
        "x-generated-by": f"logminer {__version__}",
        "x-calls": sum(method.calls for method in catalog.methods.values()),
    }


def _openrpc_method(method: Method) -> dict[str, Any]:
    params, unnamed = [], 0
    for name, node, seen, required in _top_level_order(method, _top_level(method)):
        if not name:
            # A PHP key '' (or '[x]'): OpenRPC cannot name that param, so it is only counted.
            unnamed += 1
            continue
        descriptor: dict[str, Any] = {
            "name": name,
            "summary": f"seen in {seen} of {method.calls} calls",
            "required": required,
            "schema": node.schema(),
            "x-seen": seen,
        }
        if any(argument.secret for argument in node.arguments()):
            descriptor["x-secret"] = True
        params.append(descriptor)
    document: dict[str, Any] = {
        "name": method.name,
        "summary": f"{method.calls} observed call{'' if method.calls == 1 else 's'}",
        "tags": [{"name": method.module}],
        "paramStructure": "by-name",
        "params": params,
        "result": {
            "name": "result",
            "summary": "not observed: the runtime log records requests only",
            "schema": {},
        },
        "x-calls": method.calls,
        "x-first-seen": iso(method.first_seen),
        "x-last-seen": iso(method.last_seen),
        "x-components": dict(method.components),
    }
    if method.exemplars:
        document["examples"] = [
            _openrpc_example(method, number, known) for number, known in enumerate(method.exemplars, 1)
        ]
    if method.dropped_arguments:
        document["x-dropped-arguments"] = method.dropped_arguments
    if unnamed:
        document["x-unnamed-arguments"] = unnamed
    return document


def _openrpc_example(method: Method, number: int, known: Exemplar) -> dict[str, Any]:
    """An observed call as an OpenRPC example pairing: its params by name (a secret one is
    ``<secret>``); the result is not observed, so there is none."""
    items = known.params.items() if isinstance(known.params, dict) else enumerate(known.params)
    when = f" on {known.time:%Y-%m-%d %H:%M:%S%z}" if known.time is not None else ""
    return {
        "name": f"{method.name} observed call {number}",
        "description": f"A call of {method.name} seen in the runtime log{when}"
        + (" (long values shortened)" if known.shortened else ""),
        "params": [{"name": str(key), "value": value} for key, value in items if str(key)],
    }


def to_markdown(catalog: Catalog) -> str:
    """A reference to commit to a wiki: one section per module, a table of arguments per method."""
    modules: dict[str, list[Method]] = {}
    for name in sorted(catalog.methods):
        method = catalog.methods[name]
        modules.setdefault(method.module, []).append(method)
    calls = sum(method.calls for method in catalog.methods.values())
    lines = [
        "# JeraSoft Billing Management API",
        "",
        f"What the billing's runtime log showed: {len(catalog.methods)} methods in {len(modules)} "
        f"modules, {calls} calls. Written by logminer; an argument is *required* when it was present "
        "in every observed call. Secret arguments show no values.",
        "",
    ]
    for module, methods in modules.items():
        lines += [f"## {_text(module)}", ""]
        for method in methods:
            lines += _markdown_method(method, modules)
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown_method(method: Method, modules: dict[str, list[Method]]) -> list[str]:
    when = ""
    if method.first_seen and method.last_seen:
        when = f", {method.first_seen:%Y-%m-%d} to {method.last_seen:%Y-%m-%d}"
    components = ", ".join(_text(component) for component in sorted(method.components))
    lines = [
        f"### `{method.name}`",
        "",
        f"{method.calls} call{'' if method.calls == 1 else 's'}{when}; from {components or 'unknown'}.",
        "",
    ]
    example = []
    if method.exemplars:
        command = cli_command(method.name, method.exemplars[0].params)
        fence = "````" if "```" in command else "```"
        example = ["An observed call (a secret is `<secret>`):", "", f"{fence}sh", command, fence, ""]
    if not method.arguments:
        return [*lines, "No arguments observed.", "", *example]
    lines += ["| Argument | Presence | Types | Examples | Refers to |", "|---|---|---|---|---|"]
    arguments = sorted(method.arguments.values(), key=lambda a: (not method.required(a), -a.seen, a.name))
    for argument in arguments:
        presence = (
            "required"
            if method.required(argument)
            else f"{argument.seen}/{method.calls} ({argument.seen / max(method.calls, 1):.0%})"
        )
        types = ", ".join(f"{kind}:{count}" for kind, count in sorted(argument.types.items(), key=_by_count))
        if argument.secret:
            examples = "*(secret)*"
        else:
            examples = ", ".join(_code(example) for example in argument.examples)
        refers_to = reference(argument.name) or ""
        if refers_to in modules:
            refers_to = f"[{_text(refers_to)}](#{_anchor(refers_to)})"
        else:
            refers_to = _text(refers_to)
        row = [_code(argument.name), presence, types, examples, refers_to]
        lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    return [*lines, "", *example]


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _code(text: str) -> str:
    """Inline code that survives backticks, newlines, control characters and an empty value."""
    if text == "":
        return '`""`'
    text = visible(text)
    # The fence is a run of backticks longer than any in the text (CommonMark's rule), padded with
    # a space when the text holds a backtick, so that one at either end does not join the fence.
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _text(text: str) -> str:
    """Plain text that Markdown shows as it is: HTML and the characters that open markup escaped (an
    underscore inside a word opens nothing, so ``dr_plans`` stays as it is)."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"\\{char}" if char in "\\`*[]" else char for char in text)


def _anchor(text: str) -> str:
    """The anchor a renderer makes of a heading: lower case, spaces to dashes, little else."""
    return "".join(char for char in text.lower().replace(" ", "-") if char.isalnum() or char in "-_")


def _cell(text: str) -> str:
    # A pipe ends a table cell even inside code, so it is escaped everywhere.
    return text.replace("|", "\\|")


EXPORT_FORMATS = ("openrpc", "jsonschema", "markdown", "html")


def export(catalog: Catalog, fmt: str) -> str:
    """The catalog as text in one of ``EXPORT_FORMATS``: JSON for openrpc and jsonschema, Markdown, or
    html: the explorer page, one self-contained file that opens offline in a browser."""
    if fmt == "html":
        from ..explorer import document, render_page  # the explorer is loaded only for this format

        return render_page(document(catalog))
    if fmt == "markdown":
        return to_markdown(catalog)
    if fmt == "openrpc":
        return json_safe(json.dumps(to_openrpc(catalog), ensure_ascii=False, indent=2)) + "\n"
    if fmt == "jsonschema":
        return json_safe(json.dumps(to_jsonschema(catalog), ensure_ascii=False, indent=2)) + "\n"
    raise UsageError(f"Unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}.")
