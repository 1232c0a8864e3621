"""The catalog: what the log showed of each method and argument. Plain data, pure functions, no I/O.

Counting rules (the README repeats them):
- ``Method.calls``: requests of that method that were read; ``calls_by_day`` the same per day of the
  log's own calendar (see ``dates``); ``exemplars`` a few whole calls (see ``exemplars``).
- ``Argument.seen``: calls whose params had that path, whatever it held: ``filter`` is seen in every
  call that sent a ``filter``, ``filter[sub]`` in those whose ``filter`` held a ``sub``, ``cp_modules[]``
  in those whose ``cp_modules`` had an element. ``seen == calls`` means the argument was present in
  every observed call and is shown as required.
- ``Argument.types``: one count per value (``cp_modules[]`` with three values in one call adds three);
  a path that held an array counts ``array`` once per call.
- ``Argument.examples`` and ``Argument.values``: see ``samples``; ``withheld`` counts values that looked
  like credentials and were therefore not kept. Secret arguments (``secrets``) keep seen and types only.
- Caps do not depend on order either: a catalog keeps the ``max_methods`` smallest method names and,
  per method, the ``max_arguments`` smallest argument names; what the others were seen in is counted
  (``dropped_methods``, ``dropped_arguments``).
Counting requests and merging catalogs are associative and commutative; the JSON form is canonical
(names, days and values sorted), so equal catalogs write equal files.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .._errors import CatalogError
from .dates import add_days, check_days, folded, from_iso, iso
from .exemplars import Exemplar, best, exemplar, kept_params, remasked, text_hash
from .kinds import count_kinds, value_kinds
from .paths import call_paths
from .samples import count_values, kept_values, smallest_examples
from .secrets import DEFAULT_SECRET_WORDS, SecretNames, SecretValues

SCHEMA_VERSION = 2
FORMAT_NAME = "logminer-catalog"
# A method or argument name longer than this is not kept (what it was seen in is counted as dropped).
MAX_NAME_LENGTH = 256


@dataclass
class Settings:
    """Per-catalog settings: which names are secret, and how much is kept of what was seen.

    ``secret_words`` are the words in force: logminer's defaults (``DEFAULT_SECRET_WORDS``, which
    grow with new versions: a catalog read by a newer logminer takes its new words too), the words
    a user added, less those a user removed (``no_secret_words``, remembered so they stay removed).
    """

    secret_words: tuple[str, ...] = DEFAULT_SECRET_WORDS
    max_examples: int = 5
    max_values: int = 12
    # Caps against hostile logs; what is over them is counted.
    max_arguments: int = 2000
    max_methods: int = 10_000
    max_exemplars: int = 3
    # A log entry larger than this is skipped with a note (memory stays bounded on any input).
    max_entry_bytes: int = 32 << 20
    no_secret_words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # One canonical order: equal settings write equal documents.
        self.secret_words = tuple(sorted(set(self.secret_words)))
        self.no_secret_words = tuple(sorted(set(self.no_secret_words)))

    LIMITS = (
        "max_examples",
        "max_values",
        "max_arguments",
        "max_methods",
        "max_exemplars",
        "max_entry_bytes",
    )

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON data."""
        data: dict[str, Any] = {"secret_words": list(self.secret_words)}
        if self.no_secret_words:
            data["no_secret_words"] = list(self.no_secret_words)
        return {**data, **{name: getattr(self, name) for name in self.LIMITS}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Settings from JSON data; missing keys take their defaults, and words of the defaults a
        user did not remove are in force whatever the data says."""
        defaults = cls()
        words = _list_of(str, data.get("secret_words", list(defaults.secret_words)), "secret_words")
        removed = _list_of(str, data.get("no_secret_words", []), "no_secret_words")
        words = sorted({*words, *DEFAULT_SECRET_WORDS} - set(removed))
        limits = {name: _count(data.get(name, getattr(defaults, name)), name) for name in cls.LIMITS}
        return cls(secret_words=tuple(words), no_secret_words=tuple(sorted(removed)), **limits)


@dataclass
class Argument:
    """One argument of a method, named by its PHP bracket path (``name``, ``fields[][id]``)."""

    name: str
    seen: int = 0
    types: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    values: dict[str, int] | None = field(default_factory=dict)
    secret: bool = False
    # Values that looked like credentials (a URL with a password, a token), not kept, by count.
    withheld: int = 0

    def __post_init__(self) -> None:
        if self.secret:
            self.examples, self.values = [], None

    @property
    def container(self) -> bool:
        """Whether this path held an array in some call (``filter`` of ``filter[status]``)."""
        return "array" in self.types

    @property
    def closed(self) -> bool:
        """Whether the values seen form a small closed set that a call's value can be checked
        against (a status, a format, a flag): every value kept, none of them a number, a date or a
        reference to another module's ids, at least 10 of them, each distinct one seen at least
        twice and on average three times (so that one more value, never seen, is unlikely to be
        a value the billing takes: had it a share of a tenth, 10 calls would miss it 35% of the
        time, which is why a set needs all of these)."""
        values = self.values
        if self.secret or not values or set(self.types) - _ENUM_KINDS:
            return False
        total = sum(values.values())
        return (
            total >= 10
            and min(values.values()) >= 2
            and 3 * len(values) <= total
            and not _reference(self.name)
        )

    def to_dict(self) -> dict[str, Any]:
        """The argument as JSON data (its name is the key it is stored under)."""
        data: dict[str, Any] = {"seen": self.seen, "types": dict(sorted(self.types.items()))}
        if self.secret:
            data["secret"] = True
        else:
            data["examples"] = self.examples
            data["values"] = dict(sorted(self.values.items())) if self.values is not None else None
        if self.withheld:
            data["withheld"] = self.withheld
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
            withheld=_count(data.get("withheld", 0), f"argument {name!r}: withheld"),
        )


@dataclass(slots=True)
class Observed:
    """What some calls showed of one argument path: how many carried it, its values (each counted
    ``weights[i]`` times, or once when ``weights`` is None), and how many held an array there."""

    present: int = 0
    values: list[str] = field(default_factory=list)
    weights: list[int] | None = None
    arrays: int = 0

    def add(self, values: list[str], weights: list[int] | None = None) -> None:
        """Add values (each ``weights[i]`` times, or once)."""
        if weights is None and self.weights is None:
            self.values += values
            return
        if self.weights is None:
            self.weights = [1] * len(self.values)
        self.values += values
        self.weights += weights if weights is not None else [1] * len(values)


@dataclass
class Calls:
    """What a batch of calls of one method showed, to be counted into a catalog (``Catalog.count``).

    ``days`` counts the calls per day (``YYYY-MM-DD``, the log's own calendar); ``first`` and
    ``last`` are the earliest and latest of them; ``exemplars`` are candidates (see ``exemplars``).
    """

    calls: int = 0
    components: dict[str, int] = field(default_factory=dict)
    days: dict[str, int] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    arguments: dict[str, Observed] = field(default_factory=dict)
    exemplars: list[Exemplar] = field(default_factory=list)


@dataclass
class Method:
    """One API method (``clients.add``): its calls, when and from where, and its arguments."""

    name: str
    calls: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    components: dict[str, int] = field(default_factory=dict)
    calls_by_day: dict[str, int] = field(default_factory=dict)
    exemplars: list[Exemplar] = field(default_factory=list)
    # Calls that a catalog of schema version 1 counted: their days, exemplars and container
    # presence were not recorded.
    legacy_calls: int = 0
    # What the arguments that were not kept (cap reached, name too long) were seen in.
    dropped_arguments: int = 0
    # Arguments as read from a catalog file, made into Argument objects on first use, so that a
    # command that looks at one method of thousands loads fast.
    _raw_arguments: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    _arguments: dict[str, Argument] | None = field(default=None, repr=False, compare=False)
    _raw_version: int = field(default=SCHEMA_VERSION, repr=False, compare=False)

    @property
    def arguments(self) -> dict[str, Argument]:
        """The arguments by bracket path (CatalogError when the catalog file had them damaged)."""
        if self._arguments is None:
            try:
                self._arguments = _arguments_from(self._raw_arguments or {}, self._raw_version)
            except (ValueError, TypeError, AttributeError) as error:
                raise CatalogError(f"the catalog's entry for {self.name} is damaged ({error}).") from None
            self._raw_arguments = None
        return self._arguments

    @property
    def module(self) -> str:
        """The module part of the name: ``clients`` for ``clients.add``."""
        return self.name.split(".", 1)[0]

    def argument_counts(self) -> tuple[int, int]:
        """How many arguments the method has, and how many of them are required: read from the
        file's data without making the arguments while they are still unread (``methods`` on a
        large catalog), with the same answer; damaged data is left to ``arguments`` to report."""
        raw = self._raw_arguments
        if self._arguments is None and raw is not None and self._raw_version >= 2:
            required = 0
            for data in raw.values():
                seen = data.get("seen") if isinstance(data, dict) else None
                types = data.get("types", {}) if isinstance(data, dict) else None
                if not isinstance(seen, int) or isinstance(seen, bool) or not isinstance(types, dict):
                    break  # damaged: the whole road says how
                known = self.calls - self.legacy_calls if "array" in types else self.calls
                required += known > 0 and seen >= known
            else:
                return len(raw), required
        arguments = self.arguments
        return len(arguments), sum(1 for argument in arguments.values() if self.required(argument))

    def known_calls(self, argument: Argument) -> int:
        """The calls over which the argument's presence was counted: all of them, but for a
        container in a catalog upgraded from version 1, which counted containers only when empty."""
        return self.calls - self.legacy_calls if argument.container else self.calls

    def required(self, argument: Argument) -> bool:
        """Whether the argument was present in every observed call (over its known calls)."""
        known = self.known_calls(argument)
        return known > 0 and argument.seen >= known

    def missing(self, present: Iterable[str]) -> list[str]:
        """The arguments present in every observed call that a call carrying these paths lacks
        (``call_paths(params).present``, where containers count: a call that sent ``filter[status]``
        carries ``filter`` too), by name."""
        given = set(present)
        required = self.required
        return sorted(
            name for name, argument in self.arguments.items() if name not in given and required(argument)
        )

    def to_dict(self) -> dict[str, Any]:
        """The method as JSON data (its name is the key it is stored under)."""
        if (
            self._arguments is None
            and self._raw_arguments is not None
            and self._raw_version == SCHEMA_VERSION
        ):
            arguments = self._raw_arguments  # never looked at: written back as it was read
        else:
            arguments = {name: self.arguments[name].to_dict() for name in sorted(self.arguments)}
        data: dict[str, Any] = {
            "calls": self.calls,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "components": dict(sorted(self.components.items())),
            "calls_by_day": self.calls_by_day,
            "exemplars": [known.to_dict() for known in self.exemplars],
        }
        if self.legacy_calls:
            data["legacy_calls"] = self.legacy_calls
        if self.dropped_arguments:
            data["dropped_arguments"] = self.dropped_arguments
        data["arguments"] = arguments
        return data

    @classmethod
    def from_dict(
        cls, name: str, data: dict[str, Any], *, lazy: bool = False, version: int = SCHEMA_VERSION
    ) -> Method:
        """A method from JSON data of the given schema version; ValueError names what is wrong.

        ``lazy`` leaves the arguments unread until they are first used.
        """
        if not isinstance(data, dict):
            raise ValueError(f"method {name!r} is not an object")
        arguments = data.get("arguments", {})
        if not isinstance(arguments, dict):
            raise ValueError(f"method {name!r}: arguments is not an object")
        calls = _count(data.get("calls"), f"method {name!r}: calls")
        exemplars = data.get("exemplars", [])
        if not isinstance(exemplars, list):
            raise ValueError(f"method {name!r}: exemplars is not a list")
        method = cls(
            name=name,
            calls=calls,
            first_seen=from_iso(data.get("first_seen")),
            last_seen=from_iso(data.get("last_seen")),
            components=_counts(data.get("components", {}), f"method {name!r}: components"),
            calls_by_day=check_days(data.get("calls_by_day", {}), f"method {name!r}: calls_by_day"),
            exemplars=[Exemplar.from_dict(known) for known in exemplars],
            legacy_calls=calls if version < 2 else _count(data.get("legacy_calls", 0), "legacy_calls"),
            dropped_arguments=_count(data.get("dropped_arguments", 0), f"method {name!r}: dropped_arguments"),
            _raw_version=version,
        )
        if lazy:
            method._raw_arguments = arguments
        else:
            method._arguments = _arguments_from(arguments, version)
        return method


# The kinds of value an enum holds: text and 0/1 flags (numbers, dates and ids are open sets).
_ENUM_KINDS = frozenset({"string", "bool", "empty"})


def _reference(name: str) -> bool:
    leaf = name.rsplit("[", 1)[-1].rstrip("]")
    return leaf.startswith("id_") or leaf == "id"


def _arguments_from(raw: dict[str, Any], version: int) -> dict[str, Argument]:
    arguments = {}
    for name, data in raw.items():
        if not isinstance(data, dict):
            raise ValueError(f"argument {name!r} is not an object")
        argument = Argument.from_dict(name, data)
        if version < 2 and argument.container:
            # Version 1 counted a container only where it was empty (as an `array` value): that
            # is no presence count. Its other values stay; its presence counts from now on.
            if name.endswith("[]"):
                continue
            argument.seen -= min(argument.types.pop("array"), argument.seen)
            if not argument.seen:
                continue
        arguments[name] = argument
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


@dataclass
class FileRecord:
    """Where mining stopped reading one log file, which is known by a fingerprint of its first bytes
    (of its content, for a gzip file) wherever rotation has moved it since."""

    path: str
    fingerprint: str
    fingerprint_length: int
    offset: int  # after the last complete entry (or at the start of one cut off at the end)
    line: int  # the line number at that offset
    size: int = 0
    compressed: bool = False
    last_mined: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON data."""
        return {
            "path": self.path,
            "fingerprint": self.fingerprint,
            "fingerprint_length": self.fingerprint_length,
            "offset": self.offset,
            "line": self.line,
            "size": self.size,
            "compressed": self.compressed,
            "last_mined": self.last_mined,
        }

    @classmethod
    def from_dict(cls, data: Any) -> FileRecord:
        """A record from JSON data; ValueError names what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("a file record is not an object")
        for key, kind in (("fingerprint", str), ("fingerprint_length", int), ("offset", int), ("line", int)):
            if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
                raise ValueError(f"a file record's {key} is missing or not a {kind.__name__}")
        last = data.get("last_mined")
        return cls(
            path=str(data.get("path", "")),
            fingerprint=data["fingerprint"],
            fingerprint_length=data["fingerprint_length"],
            offset=data["offset"],
            line=data["line"],
            size=data.get("size", 0) if isinstance(data.get("size"), int) else 0,
            compressed=data.get("compressed") is True,
            last_mined=last if isinstance(last, str) else None,
        )


def merge_file_records(records: Iterable[FileRecord]) -> list[FileRecord]:
    """One record per fingerprint: the one that read furthest (the first of equals)."""
    kept: dict[str, FileRecord] = {}
    for record in records:
        known = kept.get(record.fingerprint)
        if known is None or record.offset > known.offset:
            kept[record.fingerprint] = replace(record)
    return list(kept.values())


class Methods(MutableMapping[str, Method]):
    """A catalog's methods by name. Those read from a catalog file stay JSON text until first used
    (a command that looks at one method of thousands reads one), and one never used is written back
    as it was read (see ``store``); damage in one is a CatalogError naming it when it is used."""

    def __init__(self, methods: Mapping[str, Method] | None = None) -> None:
        self._made: dict[str, Method] = dict(methods or {})
        # name -> (the file's line, as bytes, where the method's JSON starts and ends in it)
        self._lines: dict[str, tuple[bytes, int, int]] = {}
        self._lazy = False

    @classmethod
    def from_lines(cls, lines: dict[str, tuple[bytes, int, int]], *, lazy: bool) -> Methods:
        """Methods held as the catalog file's lines (``"name": {...},``), each with where its
        JSON starts and ends in it; ``lazy`` leaves a method's arguments unread when it is read."""
        methods = cls()
        methods._lines, methods._lazy = lines, lazy
        return methods

    def unread(self, name: str) -> str | None:
        """The catalog file's line a method was read from, while it was never used (else None)."""
        known = self._lines.get(name)
        return None if known is None else known[0].decode("utf-8")

    def __getitem__(self, name: str) -> Method:
        method = self._made.get(name)
        if method is not None:
            return method
        line, start, stop = self._lines[name]
        try:
            data = json.loads(line[start:stop])
            method = Method.from_dict(name, data, lazy=self._lazy)
        except RecursionError:
            raise CatalogError(f"the catalog's entry for {name} is damaged (nested too deep).") from None
        except (ValueError, TypeError, AttributeError) as error:
            raise CatalogError(f"the catalog's entry for {name} is damaged ({error}).") from None
        del self._lines[name]
        self._made[name] = method
        return method

    def __setitem__(self, name: str, method: Method) -> None:
        self._lines.pop(name, None)
        self._made[name] = method

    def __delitem__(self, name: str) -> None:
        if name in self._lines:
            del self._lines[name]
        else:
            del self._made[name]

    def __contains__(self, name: object) -> bool:
        return name in self._made or name in self._lines

    def __iter__(self) -> Iterator[str]:
        yield from list(self._made)
        yield from list(self._lines)

    def __len__(self) -> int:
        return len(self._made) + len(self._lines)

    def __repr__(self) -> str:
        return f"<Methods: {len(self)}>"


@dataclass
class Catalog:
    """Every method seen, with the sources it was mined from and the settings it was mined with."""

    methods: Methods = field(default_factory=Methods)
    settings: Settings = field(default_factory=Settings)
    # Per source path: what was read from it (requests, bytes, when).
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Per log file: where the last run stopped reading it, so that mining again reads only what was
    # appended, wherever rotation has moved the file since.
    files: list[FileRecord] = field(default_factory=list)
    # Calls of methods that were not kept (``max_methods`` reached, name too long).
    dropped_methods: int = 0
    # The schema version the catalog was read as (an older one is upgraded when written).
    read_version: int = field(default=SCHEMA_VERSION, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.methods, Methods):
            self.methods = Methods(self.methods)
        self._secret = SecretNames(self.settings.secret_words)
        self._secret_values = SecretValues(self._secret)

    def method(self, name: str) -> Method | None:
        """The method of that name, or None."""
        return self.methods.get(name)

    def is_secret(self, argument_name: str) -> bool:
        """Whether an argument name looks secret under this catalog's settings."""
        return self._secret(argument_name)

    def is_secret_value(self, value: str) -> bool:
        """Whether a value holds a credential (a URL with a password, a token, a card number...),
        with this catalog's secret words for the names inside it (``token=...``)."""
        return self._secret_values(value)

    # -- counting --------------------------------------------------------------------------------

    def count(self, batch: Mapping[str, Calls]) -> list[tuple[str, str]]:
        """Count what batches of calls showed, by method name: the one way counts get in. Returns
        the arguments this made, as (method, bracket path)."""
        made: list[tuple[str, str]] = []
        for name in self._admit_methods(batch, operator.attrgetter("calls")):
            calls = batch[name]
            method = self.methods[name]
            method.calls += calls.calls
            _add_counts(method.components, calls.components)
            if calls.days:
                method.calls_by_day = add_days(method.calls_by_day, calls.days)
            for moment in (calls.first, calls.last):
                if moment is not None:
                    _widen(method, moment)
            made += ((name, path) for path in self._count_arguments(method, calls.arguments))
            if calls.exemplars:
                method.exemplars = best([*method.exemplars, *calls.exemplars], self.settings.max_exemplars)
        return made

    def add(self, request: Any) -> None:
        """Count one request record (anything with ``method``, ``params``, ``time``, ``component``),
        as mining counts it: to build a catalog from records you read and filtered yourself."""
        self.count({request.method: self.calls_of(request)})

    def add_all(self, requests: Iterable[Any]) -> int:
        """Count every request record (see ``add``); returns how many there were."""
        count = 0
        for request in requests:
            self.add(request)
            count += 1
        return count

    def calls_of(self, request: Any) -> Calls:
        """What one request record shows, ready to be counted."""
        time = request.time
        paths = call_paths(request.params)
        arguments = {path: Observed(present=1) for path in paths.present}
        for path in paths.arrays:
            arguments[path].arrays = 1
        for path, value in paths.leaves:
            arguments[path].values.append(value if isinstance(value, str) else str(value))
        kept = kept_params(request.params)
        from ..log.print_r import print_r  # the canonical text of a request, as the log holds it

        candidate = exemplar(kept, time, self.is_secret, text_hash(print_r(kept)), self.is_secret_value)
        day = {time.date().isoformat(): 1} if time is not None else {}
        return Calls(1, {request.component: 1}, day, time, time, arguments, [candidate])

    def _admit_methods(self, batch: Mapping[str, Any], calls_of: Any) -> list[str]:
        """The names of ``batch`` that are (now) methods of the catalog; the others' calls counted
        as dropped. The ``max_methods`` smallest names are kept, whatever the order they came in."""
        methods, limit = self.methods, self.settings.max_methods
        new = [name for name in batch if name not in methods]
        for name in [name for name in new if len(name) > MAX_NAME_LENGTH]:
            self.dropped_methods += calls_of(batch[name])
            new.remove(name)
        if len(methods) + len(new) > limit:
            kept = set(sorted([*methods, *new])[:limit])
            for name in [name for name in methods if name not in kept]:
                self.dropped_methods += methods.pop(name).calls
            for name in [name for name in new if name not in kept]:
                self.dropped_methods += calls_of(batch[name])
                new.remove(name)
        for name in new:
            methods[name] = Method(name)
        return [name for name in batch if name in methods]

    def _count_arguments(self, method: Method, observed: Mapping[str, Observed]) -> list[str]:
        arguments = method.arguments
        new = [path for path in observed if path not in arguments]
        fresh = set(new)
        if new:
            self._admit_arguments(method, new, {path: observed[path].present for path in new})
        settings = self.settings
        for path, seen in observed.items():
            argument = arguments.get(path)
            if argument is None:
                if path not in fresh:  # kept until a smaller name took its place just now
                    method.dropped_arguments += seen.present
                continue
            argument.seen += seen.present
            values, weights = seen.values, seen.weights
            kinds = value_kinds(values) if values else []
            if values:
                _add_counts(argument.types, count_kinds(kinds, weights))
            if seen.arrays:
                argument.types["array"] = argument.types.get("array", 0) + seen.arrays
            if argument.secret or not values:
                continue
            shown, weights, withheld = kept_values(values, weights, self._secret_values)
            argument.withheld += withheld
            argument.values = count_values(argument.values, shown, weights, settings.max_values)
            argument.examples = smallest_examples(argument.examples, shown, settings.max_examples)
        return new

    def _admit_arguments(self, method: Method, new: list[str], seen: Mapping[str, int]) -> None:
        """Make arguments of ``new`` paths, within ``max_arguments`` (the smallest names are kept,
        whatever the order they came in; what the others were seen in is counted as dropped)."""
        arguments, limit = method.arguments, self.settings.max_arguments
        for path in [path for path in new if len(path) > MAX_NAME_LENGTH]:
            method.dropped_arguments += seen[path]
            new.remove(path)
        if len(arguments) + len(new) > limit:
            kept = set(sorted([*arguments, *new])[:limit])
            for path in [path for path in arguments if path not in kept]:
                method.dropped_arguments += arguments.pop(path).seen
            for path in [path for path in new if path not in kept]:
                method.dropped_arguments += seen[path]
                new.remove(path)
        for path in new:
            arguments[path] = Argument(path, secret=self._secret(path))

    # -- the JSON form ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The whole catalog as one JSON document (canonical: equal catalogs, equal documents)."""
        data: dict[str, Any] = {
            "format": FORMAT_NAME,
            "schema_version": SCHEMA_VERSION,
            "settings": self.settings.to_dict(),
            "sources": self.sources,
            "files": [record.to_dict() for record in self.files],
        }
        if self.dropped_methods:
            data["dropped_methods"] = self.dropped_methods
        data["methods"] = {name: self.methods[name].to_dict() for name in sorted(self.methods)}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, lazy: bool = False) -> Catalog:
        """A catalog from its JSON document, of this schema version or an older one (read as it
        would be upgraded; the store checks the format and refuses newer versions).

        Every part is checked; ValueError names what is wrong. ``lazy`` leaves each method's
        arguments unread (and unchecked) until first used, for commands that read one method.
        """
        version = data.get("schema_version", SCHEMA_VERSION)
        methods, sources, files = data.get("methods"), data.get("sources", {}), data.get("files", [])
        settings = data.get("settings", {})
        if not isinstance(methods, dict) or not isinstance(sources, dict) or not isinstance(settings, dict):
            raise ValueError("methods, sources and settings must be objects")
        if not isinstance(files, list) or not all(isinstance(source, dict) for source in sources.values()):
            raise ValueError("files must be a list and each source an object")
        return cls(
            methods=Methods(
                {
                    name: Method.from_dict(name, method, lazy=lazy, version=version)
                    for name, method in methods.items()
                }
            ),
            settings=Settings.from_dict(settings),
            sources={name: dict(source) for name, source in sources.items()},
            files=[FileRecord.from_dict(record) for record in files],
            dropped_methods=_count(data.get("dropped_methods", 0), "dropped_methods"),
            read_version=version if isinstance(version, int) else SCHEMA_VERSION,
        )


def _add_counts(counts: dict[str, int], more: Mapping[str, int]) -> None:
    for key, count in more.items():
        counts[key] = counts.get(key, 0) + count


def _widen(method: Method, when: datetime) -> None:
    if method.first_seen is None or when < method.first_seen:
        method.first_seen = when
    if method.last_seen is None or when > method.last_seen:
        method.last_seen = when


def with_secret_words(settings: Settings, added: Iterable[str] = (), removed: Iterable[str] = ()) -> Settings:
    """``settings`` with secret words added and removed (words are matched in lower case); a removed
    default word is remembered as removed, an added one is no longer."""
    added = {word.strip().lower() for word in added if word.strip()}
    removed = {word.strip().lower() for word in removed if word.strip()} - added
    words = (set(settings.secret_words) | added) - removed
    no_words = (set(settings.no_secret_words) | (removed & set(DEFAULT_SECRET_WORDS))) - added
    if words == set(settings.secret_words) and no_words == set(settings.no_secret_words):
        return settings
    return replace(settings, secret_words=tuple(sorted(words)), no_secret_words=tuple(sorted(no_words)))


def apply_settings(catalog: Catalog, settings: Settings) -> Catalog:
    """The catalog under new settings (the input is left untouched).

    Arguments that now look secret lose their examples and values, and exemplars mask them; lower
    limits keep what a fresh mining would (the smallest examples, values dropped once there are too
    many, the best exemplars, the smallest names). Higher limits apply to what is mined from now on.
    """
    if settings == catalog.settings:
        return catalog
    updated = replace(Catalog.from_dict(catalog.to_dict()), settings=settings)
    updated.files = [replace(record) for record in catalog.files]
    limit = settings.max_methods
    if len(updated.methods) > limit:
        for name in sorted(updated.methods)[limit:]:
            updated.dropped_methods += updated.methods.pop(name).calls
    for method in updated.methods.values():
        arguments = method.arguments
        if len(arguments) > settings.max_arguments:
            for path in sorted(arguments)[settings.max_arguments :]:
                method.dropped_arguments += arguments.pop(path).seen
        for argument in arguments.values():
            if updated.is_secret(argument.name):
                argument.secret, argument.examples, argument.values = True, [], None
                continue
            if argument.secret:  # no longer secret: its values were never kept, so none are known
                argument.secret, argument.values = False, None
            argument.examples = smallest_examples(argument.examples, [], settings.max_examples)
            if argument.values is not None and len(argument.values) > settings.max_values:
                argument.values = None
        method.exemplars = remasked(
            method.exemplars, updated.is_secret, settings.max_exemplars, updated.is_secret_value
        )
    return updated


def merge(*catalogs: Catalog) -> Catalog:
    """One catalog holding what all of them saw: counts add, times widen, samples combine.

    Secret words are the union of all catalogs' words; other settings are taken from the first.
    Pure: the inputs are left untouched.
    """
    if not catalogs:
        return Catalog()
    words = sorted({word for catalog in catalogs for word in catalog.settings.secret_words})
    removed = set.intersection(*(set(catalog.settings.no_secret_words) for catalog in catalogs)) - set(words)
    settings = replace(
        catalogs[0].settings, secret_words=tuple(words), no_secret_words=tuple(sorted(removed))
    )
    result = Catalog(settings=settings)
    for catalog in catalogs:
        result.dropped_methods += catalog.dropped_methods
        for name in result._admit_methods(catalog.methods, operator.attrgetter("calls")):
            _merge_method(result, result.methods[name], catalog.methods[name])
        for path, source in catalog.sources.items():
            result.sources[path] = _merge_source(result.sources.get(path), source)
    result.files = merge_file_records(record for catalog in catalogs for record in catalog.files)
    return result


def _merge_source(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    if old is None:
        return dict(new)
    merged = {**old, **{key: value for key, value in new.items() if key not in ("requests", "bytes")}}
    for key in ("requests", "bytes"):
        merged[key] = old.get(key, 0) + new.get(key, 0)
    if old.get("last_mined") and new.get("last_mined"):
        merged["last_mined"] = max(old["last_mined"], new["last_mined"])
    return merged


def _merge_method(result: Catalog, target: Method, method: Method) -> None:
    settings = result.settings
    target.calls += method.calls
    target.legacy_calls += method.legacy_calls
    for moment in (method.first_seen, method.last_seen):
        if moment is not None:
            _widen(target, moment)
    _add_counts(target.components, method.components)
    target.calls_by_day = (
        folded({**target.calls_by_day})
        if not method.calls_by_day
        else add_days(target.calls_by_day, method.calls_by_day)
    )
    target.dropped_arguments += method.dropped_arguments
    target.exemplars = remasked(
        [*target.exemplars, *method.exemplars],
        result.is_secret,
        settings.max_exemplars,
        result.is_secret_value,
    )
    incoming = method.arguments
    new = [path for path in incoming if path not in target.arguments]
    fresh = set(new)
    if new:
        result._admit_arguments(target, new, {path: incoming[path].seen for path in new})
    for path, argument in incoming.items():
        mine = target.arguments.get(path)
        if mine is None:
            if path not in fresh:  # kept until a smaller name took its place just now
                target.dropped_arguments += argument.seen
            continue
        mine.seen += argument.seen
        mine.withheld += argument.withheld
        _add_counts(mine.types, argument.types)
        mine.secret = mine.secret or argument.secret
        if mine.secret:
            mine.examples, mine.values = [], None
            continue
        if argument.values is None or mine.values is None:
            mine.values = None
        else:
            mine.values = count_values(
                mine.values, list(argument.values), list(argument.values.values()), settings.max_values
            )
        mine.examples = smallest_examples(mine.examples, argument.examples, settings.max_examples)
