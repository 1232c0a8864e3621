"""The catalog: what the log showed of each method and argument. Plain data, pure functions, no I/O.

Counting rules (the README repeats them):
- ``Method.calls``: requests of that method that were read.
- ``Argument.seen``: calls that carried the argument at least once; ``seen == calls`` means the
  argument was present in every observed call and is shown as required.
- ``Argument.types``: one count per value, so ``cp_modules[]`` with three values in one call adds three.
- ``Argument.examples``: up to ``max_examples`` distinct values (shortened), the ones with the smallest
  CRC-32: a fair sample of the distinct values that is the same whatever order requests come in.
- ``Argument.values``: every distinct value with its count while there are at most ``max_values``
  of them; ``None`` once there were more.
- Secret arguments (see ``_secrets``) keep ``seen`` and ``types`` only.
Adding requests and merging catalogs are associative and commutative.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .._errors import CatalogError
from .kinds import KNOWN_TYPES as _KNOWN_TYPES
from .kinds import infer_type
from .secrets import DEFAULT_SECRET_WORDS, SecretNames

SCHEMA_VERSION = 1
FORMAT_NAME = "logminer-catalog"

# Top-level request keys that carry the session, not the method's arguments.
TRANSPORT_KEYS = frozenset({"auth", "SID", "__api"})

EXAMPLE_LENGTH = 60


@dataclass
class Settings:
    """Per-catalog settings: which names are secret, how many examples and values are kept."""

    secret_words: tuple[str, ...] = DEFAULT_SECRET_WORDS
    max_examples: int = 5
    max_values: int = 12
    # A cap on distinct argument names per method, against hostile logs; extras are counted.
    max_arguments: int = 2000

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON data."""
        return {
            "secret_words": list(self.secret_words),
            "max_examples": self.max_examples,
            "max_values": self.max_values,
            "max_arguments": self.max_arguments,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Settings from JSON data; missing keys take their defaults."""
        defaults = cls()
        words = _list_of(str, data.get("secret_words", list(defaults.secret_words)), "secret_words")
        return cls(
            secret_words=tuple(words),
            max_examples=_count(data.get("max_examples", defaults.max_examples), "max_examples"),
            max_values=_count(data.get("max_values", defaults.max_values), "max_values"),
            max_arguments=_count(data.get("max_arguments", defaults.max_arguments), "max_arguments"),
        )


@dataclass
class Argument:
    """One argument of a method, named by its PHP bracket path (``name``, ``fields[][id]``)."""

    name: str
    seen: int = 0
    types: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    values: dict[str, int] | None = field(default_factory=dict)
    secret: bool = False

    def __post_init__(self) -> None:
        if self.secret:
            self.examples, self.values = [], None

    def to_dict(self) -> dict[str, Any]:
        """The argument as JSON data (its name is the key it is stored under)."""
        data: dict[str, Any] = {"seen": self.seen, "types": self.types}
        if self.secret:
            data["secret"] = True
        else:
            data["examples"] = self.examples
            data["values"] = self.values
        return data

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> Argument:
        """An argument from JSON data; ValueError names what is wrong with it."""
        secret = data.get("secret", False)
        if not isinstance(secret, bool):
            raise ValueError(f"argument {name!r}: secret is not true or false")
        values = None if secret else data.get("values", {})
        examples = [] if secret else data.get("examples", [])
        return cls(
            name=name,
            seen=_count(data.get("seen"), f"argument {name!r}: seen"),
            types=_counts(data.get("types", {}), f"argument {name!r}: types"),
            examples=_list_of(str, examples, f"argument {name!r}: examples"),
            values=None if values is None else _counts(values, f"argument {name!r}: values"),
            secret=secret,
        )


@dataclass
class Method:
    """One API method (``clients.add``): its calls, when and from where, and its arguments."""

    name: str
    calls: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    components: dict[str, int] = field(default_factory=dict)
    # Distinct argument names not kept because the method already had max_arguments of them.
    dropped_arguments: int = 0
    # Arguments as read from a catalog file, made into Argument objects on first use, so that a
    # command that looks at one method of thousands loads fast.
    _raw_arguments: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    _arguments: dict[str, Argument] | None = field(default=None, repr=False, compare=False)

    @property
    def arguments(self) -> dict[str, Argument]:
        """The arguments by bracket path (CatalogError when the catalog file had them damaged)."""
        if self._arguments is None:
            try:
                self._arguments = _arguments_from(self._raw_arguments or {})
            except (ValueError, TypeError, AttributeError) as error:
                raise CatalogError(f"the catalog's entry for {self.name} is damaged ({error}).") from None
            self._raw_arguments = None
        return self._arguments

    @property
    def module(self) -> str:
        """The module part of the name: ``clients`` for ``clients.add``."""
        return self.name.split(".", 1)[0]

    def required(self, argument: Argument) -> bool:
        """Whether the argument was present in every observed call."""
        return self.calls > 0 and argument.seen >= self.calls

    def to_dict(self) -> dict[str, Any]:
        """The method as JSON data (its name is the key it is stored under)."""
        if self._arguments is None and self._raw_arguments is not None:
            arguments = self._raw_arguments  # never looked at: written back as it was read
        else:
            arguments = {name: argument.to_dict() for name, argument in self.arguments.items()}
        data: dict[str, Any] = {
            "calls": self.calls,
            "first_seen": _iso(self.first_seen),
            "last_seen": _iso(self.last_seen),
            "components": self.components,
            "arguments": arguments,
        }
        if self.dropped_arguments:
            data["dropped_arguments"] = self.dropped_arguments
        return data

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any], *, lazy: bool = False) -> Method:
        """A method from JSON data; ValueError names what is wrong with it.

        ``lazy`` leaves the arguments unread until they are first used.
        """
        if not isinstance(data, dict):
            raise ValueError(f"method {name!r} is not an object")
        arguments = data.get("arguments", {})
        if not isinstance(arguments, dict):
            raise ValueError(f"method {name!r}: arguments is not an object")
        method = cls(
            name=name,
            calls=_count(data.get("calls"), f"method {name!r}: calls"),
            first_seen=_from_iso(data.get("first_seen")),
            last_seen=_from_iso(data.get("last_seen")),
            components=_counts(data.get("components", {}), f"method {name!r}: components"),
            dropped_arguments=_count(data.get("dropped_arguments", 0), f"method {name!r}: dropped_arguments"),
        )
        if lazy:
            method._raw_arguments = arguments
        else:
            method._arguments = _arguments_from(arguments)
        return method


def _arguments_from(raw: dict[str, Any]) -> dict[str, Argument]:
    arguments = {}
    for name, data in raw.items():
        if not isinstance(data, dict):
            raise ValueError(f"argument {name!r} is not an object")
        arguments[name] = Argument.from_dict(name, data)
    return arguments


def _count(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{what} is not a whole number")
    return value


def _counts(value: Any, what: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not an object of counts")
    for count in value.values():
        _count(count, what)
    return dict(value)


def _list_of(kind: type, value: Any, what: str) -> list:
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise ValueError(f"{what} is not a list of {kind.__name__}")
    return list(value)


_FILE_FIELDS = {"fingerprint": str, "fingerprint_length": int, "offset": int, "line": int}


def _file_record(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ValueError("a file record is not an object")
    for key, kind in _FILE_FIELDS.items():
        if not isinstance(record.get(key), kind) or isinstance(record.get(key), bool):
            raise ValueError(f"a file record's {key} is missing or not a {kind.__name__}")
    return dict(record)


@dataclass
class Catalog:
    """Every method seen, with the sources it was mined from and the settings it was mined with."""

    methods: dict[str, Method] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    # Per source path: what was read from it (requests, bytes, when).
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Per log file, known by a fingerprint of its first bytes: where the last run stopped reading it
    # (``offset`` after the last complete entry, and its ``line``), so that mining again reads only
    # what was appended, wherever rotation has moved the file since.
    files: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._secret = SecretNames(self.settings.secret_words)

    def method(self, name: str) -> Method | None:
        """The method of that name, or None."""
        return self.methods.get(name)

    def is_secret(self, argument_name: str) -> bool:
        """Whether an argument name looks secret under this catalog's settings."""
        return self._secret(argument_name)

    def add(self, request: Any) -> None:
        """Count one request (anything with ``method``, ``params``, ``time``, ``component``)."""
        method = self.count_call(request.method, request.component, request.time)
        self.add_params(method, request.params)

    def count_call(self, name: str, component: str, when: datetime | None, times: int = 1) -> Method:
        """Count ``times`` calls of a method from one component at one time; returns the method."""
        method = self.methods.get(name)
        if method is None:
            method = self.methods[name] = Method(name)
        method.calls += times
        if when is not None:
            self.saw_call(method, when)
        method.components[component] = method.components.get(component, 0) + times
        return method

    @staticmethod
    def saw_call(method: Method, when: datetime) -> None:
        """Widen the method's first and last seen times to include ``when``."""
        if method.first_seen is None or when < method.first_seen:
            method.first_seen = when
        if method.last_seen is None or when > method.last_seen:
            method.last_seen = when

    def add_params(self, method: Method, params: Any) -> None:
        """Count the arguments of one call of ``method``."""
        if isinstance(params, dict):
            # In the dump's order, so that arguments are listed in the order they were first seen.
            for key, value in params.items():
                self.add_element(method, key, value)
        else:
            self._add_leaves(method, argument_values(params), 1)

    def add_element(self, method: Method, key: str, value: Any, times: int = 1) -> None:
        """Count one top-level element (``key`` and its value) of ``times`` calls of ``method``.

        A call's arguments are its top-level elements, each counted on its own: no two of them
        share an argument name, so counting identical elements together counts the same.
        """
        if key in TRANSPORT_KEYS:
            return
        if value.__class__ is str:
            argument = method.arguments.get(key) or self._new_argument(method, key, times)
            if argument is not None:
                argument.seen += times
                self._count(argument, value, times)
            return
        self._add_leaves(method, argument_values({key: value}), times)

    def _add_leaves(self, method: Method, leaves: Iterable[tuple[str, Any]], times: int) -> None:
        """Count the leaves of ``times`` identical calls (or parts of calls): each path is carried
        once per call however many values it has there."""
        carried: set[str] = set()
        for path, value in leaves:
            argument = method.arguments.get(path)
            if argument is None:
                if path in carried:
                    continue
                argument = self._new_argument(method, path, times)
                if argument is None:
                    carried.add(path)
                    continue
            if path not in carried:
                argument.seen += times
                carried.add(path)
            self._count(argument, value, times)

    def _new_argument(self, method: Method, path: str, times: int = 1) -> Argument | None:
        """A new argument of ``method``, or None (counted as dropped) when the method has too many."""
        if path in TRANSPORT_KEYS:
            return None
        if len(method.arguments) >= self.settings.max_arguments:
            method.dropped_arguments += times
            return None
        argument = method.arguments[path] = Argument(path, secret=self._secret(path))
        return argument

    def _count(self, argument: Argument, value: Any, times: int = 1) -> None:
        """Count ``times`` occurrences of one value of an argument: its type, and (unless secret)
        its value and example."""
        kind = _KNOWN_TYPES.get(value) if value.__class__ is str else None
        if kind is None:
            kind = infer_type(value)
        types = argument.types
        types[kind] = types.get(kind, 0) + times
        if argument.secret or kind == "array":
            return
        if value.__class__ is not str:
            value = str(value)
        if len(value) > EXAMPLE_LENGTH:
            value = value[: EXAMPLE_LENGTH - 1] + "…"
        values = argument.values
        if values is not None:
            count = values.get(value)
            if count is not None:
                values[value] = count + times
                return  # a value already counted was already a candidate example
            if len(values) < self.settings.max_values:
                values[value] = times
            else:
                argument.values = None
        _sample(argument.examples, value, self.settings.max_examples)

    def add_all(self, requests: Iterable[Any]) -> int:
        """Count every request; returns how many there were."""
        count = 0
        for request in requests:
            self.add(request)
            count += 1
        return count

    def to_dict(self) -> dict[str, Any]:
        """The whole catalog as one JSON document."""
        return {
            "format": FORMAT_NAME,
            "schema_version": SCHEMA_VERSION,
            "settings": self.settings.to_dict(),
            "sources": self.sources,
            "files": self.files,
            "methods": {name: self.methods[name].to_dict() for name in sorted(self.methods)},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, lazy: bool = False) -> Catalog:
        """A catalog from its JSON document (format and version are checked by the store).

        Every part is checked; ValueError names what is wrong. ``lazy`` leaves each method's
        arguments unread (and unchecked) until first used, for commands that read one method.
        """
        methods, sources, files = data.get("methods"), data.get("sources", {}), data.get("files", [])
        settings = data.get("settings", {})
        if not isinstance(methods, dict) or not isinstance(sources, dict) or not isinstance(settings, dict):
            raise ValueError("methods, sources and settings must be objects")
        if not isinstance(files, list) or not all(isinstance(source, dict) for source in sources.values()):
            raise ValueError("files must be a list and each source an object")
        return cls(
            methods={name: Method.from_dict(name, method, lazy=lazy) for name, method in methods.items()},
            settings=Settings.from_dict(settings),
            sources={name: dict(source) for name, source in sources.items()},
            files=[_file_record(record) for record in files],
        )


def argument_values(params: Any) -> Iterator[tuple[str, Any]]:
    """Every leaf of a request's params with its PHP bracket path; transport keys left out.

    ``{"fields": [{"id": "5"}]}`` gives ``("fields[][id]", "5")``: integer keys become ``[]``.
    An empty array is a leaf of type array. Iterative, so any depth is fine.
    """
    if isinstance(params, list):
        items: Iterable[tuple[Any, Any]] = ((str(i), v) for i, v in enumerate(params))
    elif isinstance(params, dict):
        items = params.items()
    else:
        return
    for key, value in items:
        if key in TRANSPORT_KEYS:
            continue
        if not isinstance(value, (dict, list)):
            yield key, value
            continue
        stack = [(key, value)]
        while stack:
            path, node = stack.pop()
            if isinstance(node, (dict, list)):
                if not node:
                    yield path, node
                    continue
                children = node.items() if isinstance(node, dict) else enumerate(node)
                # Reversed so that the stack yields children in their order.
                for child_key, child in reversed(list(children)):
                    stack.append((path + _bracket(child_key), child))
            else:
                yield path, node


def bracket_path(path: str) -> str:
    """Normalise a bracket path the way the catalog names it: integer keys become ``[]``.

    ``fields[0][id]`` -> ``fields[][id]``, ``cp_modules[]`` stays as it is.
    """
    head, bracket, rest = path.partition("[")
    if not bracket:
        return path
    parts = rest[:-1].split("][") if rest.endswith("]") else [rest]
    return head + "".join(_bracket(part) for part in parts)


def _bracket(key: Any) -> str:
    if isinstance(key, int) or _is_int_key(key):
        return "[]"
    return f"[{key}]"


def _is_int_key(key: str) -> bool:
    """PHP turns a decimal string key without leading zeros into an integer key."""
    if not key:
        return False
    digits = key[1:] if key[0] == "-" else key
    return digits.isdigit() and digits.isascii() and (digits == "0" or digits[0] != "0")


_ORDER: dict[str, tuple[int, str]] = {}


def _example_order(value: str) -> tuple[int, str]:
    """Examples are the values with the smallest (CRC-32, value): a fair, order-free sample."""
    order = _ORDER.get(value)
    if order is None:
        if len(_ORDER) > 100_000:
            _ORDER.clear()
        order = _ORDER[value] = (zlib.crc32(value.encode("utf-8", "surrogatepass")), value)
    return order


def _sample(examples: list[str], value: str, size: int) -> None:
    """Keep in ``examples`` the ``size`` values with the smallest (CRC-32, value)."""
    if len(examples) < size:
        if value not in examples:
            examples.append(value)
            examples.sort(key=_example_order)
    elif _example_order(value) < _example_order(examples[-1]) and value not in examples:
        examples[-1] = value
        examples.sort(key=_example_order)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _from_iso(text: Any) -> datetime | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("a time is not text")
    return datetime.fromisoformat(text)


def apply_settings(catalog: Catalog, settings: Settings) -> Catalog:
    """The catalog under new settings (the input is left untouched).

    Arguments that now look secret lose their examples and values; fewer examples or values keep
    the same sample a fresh mining would (examples with the smallest CRC-32; values dropped once
    there are more than allowed). Larger limits apply to what is mined from now on.
    """
    updated = replace(Catalog.from_dict(catalog.to_dict()), settings=settings)
    for method in updated.methods.values():
        for argument in method.arguments.values():
            if updated.is_secret(argument.name):
                argument.secret, argument.examples, argument.values = True, [], None
                continue
            argument.examples = sorted(argument.examples, key=_example_order)[: settings.max_examples]
            if argument.values is not None and len(argument.values) > settings.max_values:
                argument.values = None
    return updated


def merge(*catalogs: Catalog) -> Catalog:
    """One catalog holding what all of them saw: counts add, seen times widen, samples combine.

    Secret words are the union of all catalogs' words; other settings are taken from the first.
    Pure: the inputs are left untouched.
    """
    if not catalogs:
        return Catalog()
    words = sorted({word for catalog in catalogs for word in catalog.settings.secret_words})
    first = catalogs[0].settings
    settings = Settings(
        secret_words=tuple(words),
        max_examples=first.max_examples,
        max_values=first.max_values,
        max_arguments=first.max_arguments,
    )
    result = Catalog(settings=settings)
    for catalog in catalogs:
        for name, method in catalog.methods.items():
            _merge_method(result, name, method)
        for path, source in catalog.sources.items():
            result.sources[path] = _merge_source(result.sources.get(path), source)
        for record in catalog.files:
            _merge_file(result.files, record)
    return result


def _merge_source(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    if old is None:
        return dict(new)
    merged = dict(old)
    for key in ("requests", "bytes"):
        merged[key] = old.get(key, 0) + new.get(key, 0)
    return merged


def _merge_file(files: list[dict[str, Any]], record: dict[str, Any]) -> None:
    """Keep one record per file fingerprint: the one that read furthest."""
    for index, known in enumerate(files):
        if known.get("fingerprint") == record.get("fingerprint"):
            if record.get("offset", 0) > known.get("offset", 0):
                files[index] = dict(record)
            return
    files.append(dict(record))


def _merge_method(result: Catalog, name: str, method: Method) -> None:
    target = result.methods.get(name)
    if target is None:
        target = result.methods[name] = Method(name)
    target.calls += method.calls
    target.first_seen = _earliest(target.first_seen, method.first_seen)
    target.last_seen = _latest(target.last_seen, method.last_seen)
    for component, count in method.components.items():
        target.components[component] = target.components.get(component, 0) + count
    target.dropped_arguments += method.dropped_arguments
    settings = result.settings
    for arg_name, argument in method.arguments.items():
        mine = target.arguments.get(arg_name)
        if mine is None:
            mine = target.arguments[arg_name] = Argument(arg_name, secret=result.is_secret(arg_name))
        mine.seen += argument.seen
        for kind, count in argument.types.items():
            mine.types[kind] = mine.types.get(kind, 0) + count
        mine.secret = mine.secret or argument.secret
        if mine.secret:
            mine.examples, mine.values = [], None
            continue
        if argument.values is None or mine.values is None:
            mine.values = None
        else:
            for value, count in argument.values.items():
                mine.values[value] = mine.values.get(value, 0) + count
            if len(mine.values) > settings.max_values:
                mine.values = None
        pool = sorted(set(mine.examples) | set(argument.examples), key=_example_order)
        mine.examples = pool[: settings.max_examples]


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)
