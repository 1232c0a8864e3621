"""Documents for the explorer page's tests, made by the real builder (``logminer.explorer.document``).

- ``sample_catalog()``, ``sample_document()``: the sample log (``fixtures/runtime.log``: 43 methods in
  17 modules, 276 calls) mined, and its document, as ``logminer export --format html`` builds it.
- ``large_catalog()``, ``large_document()``: a synthetic catalog of 2,000 methods over two years
  (calls per month, then per day), about 20 arguments a method, nested bracket paths, secrets,
  example calls, and a few methods with calls counted by an older catalog (``legacy_calls``),
  counted into a ``Catalog`` the way mining counts (``Catalog.count``), and its document.
- ``hostile_document()``: the sample's document with script injection attempts, markup, control
  characters, RTL marks and very long text in names, examples, values and example calls.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import random
from dataclasses import dataclass
from typing import Any

import logminer
from logminer.calls.examples import FORMS, example
from logminer.catalog.model import Calls, Observed
from logminer.explorer import document
from tests.helpers import FIXTURE

GENERATED = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
SAMPLE_SOURCES = ["runtime.log"]

# What a hostile log can hold; the page must show each as text and run none of it.
INJECTIONS = [
    "</script><script>window.pwned=1</script>",
    "<img src=x onerror=window.pwned=2>",
    "<!-- <script>window.pwned=3</script>",
    '"><svg onload=window.pwned=4>',
    "javascript:window.pwned=5",
    "\u202eevil\u202c rtl \u200f mark",
    "bell\x07 nul\x00 esc\x1b[31m line\u2028sep",
    "x" * 5000,
]


@functools.cache
def sample_catalog() -> logminer.Catalog:
    """The sample log mined (once; do not change it)."""
    catalog = logminer.Catalog()
    logminer.mine(str(FIXTURE), catalog)
    return catalog


@functools.cache
def _sample_document() -> dict[str, Any]:
    return document(sample_catalog(), sources=SAMPLE_SOURCES, generated=GENERATED)


def sample_document() -> dict[str, Any]:
    """The sample catalog's document (a fresh copy each call)."""
    return copy.deepcopy(_sample_document())


# --- a large catalog ----------------------------------------------------------------------------

_MODULES = [
    "accounts", "clients", "companies", "currencies", "dr_plans", "invoices", "packages", "payments",
    "rate_tables", "rates", "reports", "routing", "settings", "taxes_profiles", "trunks", "users",
    "xdrs", "codes", "origins", "destinations", "gateways", "balances", "transactions", "dids",
    "vendors", "tickets", "roles", "events", "alerts", "notifications", "templates", "cdr_exports",
    "tariffs", "services", "orders", "discounts", "bundles", "regions", "contacts", "agreements",
    "credit_notes", "disputes", "fraud_rules", "lcr", "number_plans", "portings", "profiles",
    "queues", "rebills", "schedules", "sip_accounts", "statements", "subscriptions", "switches",
    "taxes", "termination", "top_ups", "traffic", "trunk_groups", "usage", "vouchers", "webhooks",
    "zones", "audit", "backups", "billing_periods", "campaigns", "carriers", "channels", "clusters",
    "coverage", "dial_peers", "documents", "emails", "exchange_rates", "exports", "imports",
    "interconnects", "ip_ranges", "jobs", "languages", "ledgers", "limits", "mappings", "markups",
    "media", "networks", "offers", "partners", "plans", "pops", "prefixes", "quotas", "resellers",
    "reviews", "rules", "sessions_log", "sms", "suppliers", "surcharges",
]  # fmt: skip
_ACTIONS = [
    "add", "edit", "delete", "list", "addForm", "editForm", "fieldsList", "fieldsUpdate",
    "export", "import", "download", "summary", "packagesAdd", "packagesList", "statusUpdate",
    "clone", "archive", "restore", "history", "summary.export",
]  # fmt: skip
_WORDS = ["name", "title", "notes", "type", "page", "limit", "date_from", "date_to", "email", "amount"]
_SECRETS = ["password", "cp_password", "api_token", "auth_pin"]
_TZ = dt.timezone(dt.timedelta(hours=2))
_END = dt.date(2026, 11, 28)
# Calls of the requests made for each method: a few distinct requests, each sent on many days.
_REQUESTS_PER_METHOD = 4


@dataclass(frozen=True)
class _Record:
    """A request record as ``Catalog.calls_of`` reads one."""

    method: str
    params: dict
    time: dt.datetime
    component: str


def large_catalog(methods: int = 2000, seed: int = 15) -> logminer.Catalog:
    """A catalog of ``methods`` methods (``len(_MODULES) * len(_ACTIONS)`` at most) over two years.

    Each method's calls are a few distinct requests, each sent on many days (counted as mining
    counts a batch of calls); a method in 97 also has calls counted by a catalog of schema
    version 1 (no days, no example calls), and a method in 500 has only those.
    """
    return _large_catalog(methods, seed)


@functools.cache
def _large_catalog(methods: int, seed: int) -> logminer.Catalog:
    rng = random.Random(seed)
    names = [f"{module}.{action}" for module in _MODULES for action in _ACTIONS][:methods]
    recent = logminer.Catalog()
    older = logminer.Catalog()
    for number, name in enumerate(names):
        shape = _arguments(rng, name.split(".", 1)[0])
        only_old = number % 500 == 1
        if not only_old:
            recent.count({name: _method_calls(recent, rng, name, shape, _END)})
        if only_old or number % 97 == 0:
            older.count({name: _method_calls(older, rng, name, shape, _END - dt.timedelta(days=731))})
    # An older logminer's catalog: what it counted, without days, example calls or container presence.
    data = older.to_dict()
    data["schema_version"] = 1
    for method in data["methods"].values():
        method["calls_by_day"], method["exemplars"] = {}, []
    legacy = logminer.Catalog.from_dict(data)
    # Merged method by method: merging the whole catalogs would count every method again.
    both = logminer.Catalog(
        methods={name: recent.methods[name] for name in legacy.methods if name in recent.methods}
    )
    recent.methods.update(logminer.merge(both, legacy).methods)
    recent.methods = dict(sorted(recent.methods.items()))
    recent.sources = {
        "/opt/jerasoft/vcs-data/log/runtime.log": {"requests": 0, "bytes": 0},
        "runtime.log.1.gz": {"requests": 0, "bytes": 0},
    }
    return recent


@functools.cache
def _large_document(methods: int, seed: int) -> dict[str, Any]:
    return document(large_catalog(methods, seed), generated=GENERATED)


def large_document(methods: int = 2000, seed: int = 15) -> dict[str, Any]:
    """``large_catalog``'s document (a fresh copy each call)."""
    return copy.deepcopy(_large_document(methods, seed))


def _method_calls(
    catalog: logminer.Catalog, rng: random.Random, name: str, shape: dict[str, Any], end: dt.date
) -> Calls:
    """A method's calls: a few distinct requests, each sent on some of the days of two years to ``end``."""
    days = _calls_by_day(rng, end)
    keys = list(days)
    rng.shuffle(keys)
    total = Calls()
    for index in range(_REQUESTS_PER_METHOD):
        share = {key: days[key] for key in keys[index::_REQUESTS_PER_METHOD]}
        if not share:
            continue
        latest = max(share)
        when = dt.datetime.fromisoformat(latest if len(latest) == 10 else latest + "-15")
        when = when.replace(hour=8 + rng.randrange(10), minute=rng.randrange(60), tzinfo=_TZ)
        component = rng.choice(["webAdmin", "webAdmin", "jsonrpc"])
        request = _Record(name, _params(rng, shape), when, component)
        _add(total, catalog.calls_of(request), share)
    return total


def _add(total: Calls, one: Calls, days: dict[str, int]) -> None:
    """Count into ``total`` the request ``one`` shows, sent as often as ``days`` says on each day."""
    times = sum(days.values())
    total.calls += times
    for component in one.components:
        total.components[component] = total.components.get(component, 0) + times
    for day, count in days.items():
        total.days[day] = total.days.get(day, 0) + count
    first = dt.datetime.fromisoformat(min(days) if len(min(days)) == 10 else min(days) + "-01")
    moments = [first.replace(hour=7, tzinfo=_TZ), one.last]
    total.first = min(m for m in [total.first, *moments] if m is not None)
    total.last = max(m for m in [total.last, *moments] if m is not None)
    for path, seen in one.arguments.items():
        observed = total.arguments.setdefault(path, Observed())
        observed.present += seen.present * times
        observed.arrays += seen.arrays * times
        if seen.values:
            observed.add(list(seen.values), [times] * len(seen.values))
    total.exemplars += one.exemplars


def _calls_by_day(rng: random.Random, end: dt.date) -> dict[str, int]:
    """Calls on days over the two years to ``end``: most methods on few days, a few on most."""
    activity = rng.choice([0.02, 0.05, 0.05, 0.1, 0.2, 0.4, 0.8])
    back = rng.sample(range(1, 731), int(730 * activity))
    by_day = {(end - dt.timedelta(days=days)).isoformat(): rng.randrange(1, 40) for days in back}
    by_day[end.isoformat()] = 3
    return by_day


def _arguments(rng: random.Random, module: str) -> dict[str, Any]:
    """A method's arguments: name -> how to make a value (a list of choices, or a nested shape)."""
    ids = [str(rng.randrange(1, 500)) for _ in range(3)]
    shape: dict[str, Any] = {
        f"id_{module}": ids,
        "id_companies": ["1", "2", "0"],
        "status": ["active", "closed"],
    }
    for word in rng.sample(_WORDS, 6):
        shape[word] = [f"{word} {rng.randrange(1000)}", "ООО Ромашка", "שלום עולם", ""]
    shape["filter"] = {"status": ["open"], "sub": {"ids": [ids]}}
    shape["fields"] = [{"id": ids[:2], "value": ["12.50", "x"]}]
    shape["cp_modules"] = [["c_info", "c_invoices"]]
    shape[rng.choice(_SECRETS)] = ["Vx-secret-value"]
    shape["description"] = ["long text " * 12]
    return shape


def _params(rng: random.Random, shape: dict[str, Any]) -> dict[str, Any]:
    """One request's params: most arguments of ``shape``, each with one of its values."""
    params: dict[str, Any] = {}
    for index, (key, how) in enumerate(shape.items()):
        if index >= 3 and rng.random() < 0.3:  # the first three go in every call
            continue
        params[key] = _value(rng, how)
    return params


def _value(rng: random.Random, how: Any) -> Any:
    if isinstance(how, dict):
        return {key: _value(rng, item) for key, item in how.items()}
    if isinstance(how, list) and how and isinstance(how[0], (dict, list)):
        return [_value(rng, item) for item in how]  # a list sent: its elements' shapes
    return rng.choice(how)


# --- a hostile document ---------------------------------------------------------------------------


def hostile_document() -> dict[str, Any]:
    """The sample with injection attempts and awkward text in every kind of field the page shows."""
    doc = sample_document()
    method = copy.deepcopy(doc["methods"][0])
    method["method"] = "evil.<b>bold</b></script>"
    method["module"] = "evil"
    method["components"] = {INJECTIONS[1]: method["calls"]}
    for number, text in enumerate(INJECTIONS):
        method["params"].append(
            {
                "name": f"inj{number}[{text[:40]}]",
                "seen": 1,
                "known_calls": method["calls"],
                "required": False,
                "share": round(1 / method["calls"], 4),
                "types": {text[:30]: 1},
                "examples": [text],
                "values": {text: 1},
                "closed_set": False,
                "withheld": 0,
                "refers_to": text[:20],
                "container": False,
                "secret": False,
            }
        )
    params = {f"v{number}": text for number, text in enumerate(INJECTIONS)}
    call = {form: example("evil", params, form) for form in FORMS}
    method["exemplars"] = [
        {"params": params, "time": GENERATED.isoformat(), "arguments": len(params), "call": call}
    ]
    doc["methods"].append(method)
    doc["catalog"]["sources"].append(INJECTIONS[0])
    doc["catalog"]["methods"] += 1
    return doc
