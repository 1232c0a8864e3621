"""Documents for the explorer page's tests, in the shape the lead's export writes (the page's data).

- ``sample_document()``: the sample log's catalog (``fixtures/runtime.log``: 43 methods in 17
  modules, 276 calls) as a document, from ``tests/data/explorer-sample.json``. The methods,
  arguments, counts, types, examples and values are the mined catalog's; the fields the catalog
  did not record yet (calls per day, exemplars, presence over known calls, containers, closed
  sets) were filled in when the file was made, with :func:`call_texts` for the exemplars' calls.
- ``large_document()``: a 2,000-method catalog over two years (calls per month, then per day),
  about 20 arguments a method, nested bracket paths, secrets, exemplars, and a few methods with
  calls counted by an older catalog (``legacy_calls``).
- ``hostile_document()``: the sample with script injection attempts, markup, control characters,
  RTL marks and very long text in names, examples, values and exemplars.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import shlex
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parent / "data" / "explorer-sample.json"
GENERATED = "2026-11-29T12:00:00+00:00"

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


def sample_document() -> dict[str, Any]:
    """The sample catalog's document (a fresh copy each call)."""
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def call_texts(method: str, params: dict[str, Any]) -> dict[str, str]:
    """The three texts of an exemplar's call: ``logminer call`` items, a Python call, a JSON-RPC body."""
    items = []
    for path, value in _items(params):
        items.append(shlex.quote(f"{path}={value}"))
    cli = " ".join(["logminer call", method, *items])
    python = f"api.{method}({json.dumps(params, ensure_ascii=False, indent=4)})"
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    return {"cli": cli, "python": python, "json": json.dumps(body, ensure_ascii=False, indent=2)}


def _items(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            out += _items(item, f"{prefix}[{key}]" if prefix else str(key))
        return out
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return [(f"{prefix}[]", str(item)) for item in value]
        out = []
        for index, item in enumerate(value):
            out += _items(item, f"{prefix}[{index}]")
        return out
    return [(prefix, "" if value is None else str(value))]


def document(methods: list[dict[str, Any]], sources: list[str] | None = None) -> dict[str, Any]:
    """A document around ``methods``: the catalog's totals computed from them."""
    first = [m["first_seen"] for m in methods if m["first_seen"]]
    last = [m["last_seen"] for m in methods if m["last_seen"]]
    return {
        "logminer": "0.1.0",
        "generated": GENERATED,
        "catalog": {
            "methods": len(methods),
            "calls": sum(m["calls"] for m in methods),
            "first_seen": min(first) if first else None,
            "last_seen": max(last) if last else None,
            "sources": sources or ["runtime.log"],
        },
        "methods": methods,
    }


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
_WORDS = ["name", "status", "notes", "type", "page", "limit", "date_from", "date_to", "email", "amount"]
_SECRETS = ["password", "cp_password", "api_token", "auth[password]"]


def large_document(methods: int = 2000, seed: int = 15) -> dict[str, Any]:
    """A catalog of ``methods`` methods (``len(_MODULES) * len(_ACTIONS)`` at most) over two years."""
    rng = random.Random(seed)
    names = [f"{module}.{action}" for module in _MODULES for action in _ACTIONS][:methods]
    end = dt.date(2026, 11, 28)
    rows = []
    for number, name in enumerate(names):
        module = name.split(".", 1)[0]
        params = _large_params(rng, module)
        legacy = rng.randrange(1, 40) if number % 97 == 0 else 0
        by_day = _calls_by_day(rng, end)
        if number % 500 == 1:  # counted by an older catalog only: no day, exemplar or container known
            legacy, by_day = rng.randrange(5, 50), {}
        calls = sum(by_day.values()) + legacy
        for param in params:
            param["known_calls"] = calls - legacy if param["container"] else calls
            param["seen"] = min(param["seen"], param["known_calls"]) if param["known_calls"] else 0
            param["required"] = param["seen"] == calls and not param["container"]
            param["share"] = round(param["seen"] / param["known_calls"], 4) if param["known_calls"] else 0.0
            if not param["secret"]:
                total = sum(param["types"].values()) or 1
                param["types"] = {t: max(1, c * param["seen"] // total) for t, c in param["types"].items()}
        dated = sorted(key for key in by_day if len(key) == 10) or ["2024-01-15"]
        exemplars = [_exemplar(name, params, rng, dated[-1 - i]) for i in range(min(2, len(by_day)))]
        rows.append(
            {
                "method": name,
                "module": module,
                "calls": calls,
                "first_seen": _first_day(by_day or {"2024-01-10": 0}) + "T08:00:00+02:00",
                "last_seen": dated[-1] + "T17:30:00+02:00",
                "components": {"webAdmin": calls - calls // 3, "jsonrpc": calls // 3},
                "dropped_arguments": rng.choice([0, 0, 0, 2]),
                "legacy_calls": legacy,
                "calls_by_day": by_day,
                "params": params,
                "exemplars": exemplars,
            }
        )
    return document(rows, sources=["/opt/jerasoft/vcs-data/log/runtime.log", "runtime.log.1.gz"])


def _calls_by_day(rng: random.Random, end: dt.date) -> dict[str, int]:
    """Whole months for the first year, then a count for each day with calls over ~13 months."""
    by_day: dict[str, int] = {}
    for month in range(1, 12):
        if rng.random() < 0.8:
            by_day[f"2024-{month + 1:02d}"] = rng.randrange(20, 900)
    # Most methods are called on few days, a few on most days.
    activity = rng.choice([0.02, 0.05, 0.05, 0.1, 0.2, 0.4, 0.8])
    start = end - dt.timedelta(days=395)
    day = start
    while day <= end:
        if rng.random() < activity:
            by_day[day.isoformat()] = rng.randrange(1, 40)
        day += dt.timedelta(days=1)
    by_day.setdefault(end.isoformat(), 3)
    return by_day


def _first_day(by_day: dict[str, int]) -> str:
    first = min(by_day)
    return first + "-01" if len(first) == 7 else first


def _param(name: str, seen: int, types: dict[str, int], examples: list[str], **extra: Any) -> dict[str, Any]:
    values = extra.pop("values", None)
    closed = values is not None and len(values) <= 4
    return {
        "name": name,
        "seen": seen,
        "known_calls": 0,
        "required": False,
        "share": 0.0,
        "types": types,
        "examples": examples,
        "values": values,
        "refers_to": extra.pop("refers_to", None),
        "secret": extra.pop("secret", False),
        "container": extra.pop("container", False),
        "closed_set": closed,
    }


def _large_params(rng: random.Random, module: str) -> list[dict[str, Any]]:
    big = 10**6
    ids = [str(rng.randrange(1, 500)) for _ in range(3)]
    params = [
        _param(f"id_{module}", big, {"int": 10}, ids, refers_to=module),
        _param("id_companies", big, {"int": 9, "bool": 1}, ["1", "2"], refers_to="companies"),
        _param("status", big, {"string": 1}, ["active", "closed"], values={"active": 40, "closed": 7}),
    ]
    for word in rng.sample(_WORDS, 6):
        examples = [f"{word} {rng.randrange(1000)}", "ООО Ромашка", "שלום עולם"]
        params.append(_param(word, rng.randrange(1, 300), {"string": 5, "empty": 1}, examples))
    params += [
        _param("filter", rng.randrange(50, 300), {"array": 1}, [], container=True),
        _param("filter[status]", rng.randrange(1, 200), {"string": 1}, ["open"], values={"open": 5}),
        _param("filter[sub]", rng.randrange(1, 200), {"array": 1}, [], container=True),
        _param("filter[sub][ids]", rng.randrange(1, 150), {"array": 1}, [], container=True),
        _param("filter[sub][ids][]", rng.randrange(1, 150), {"int": 1}, ids),
        _param("fields", rng.randrange(1, 200), {"array": 1}, [], container=True),
        _param("fields[][id]", rng.randrange(1, 200), {"int": 1}, ids[:2]),
        _param("fields[][value]", rng.randrange(1, 200), {"string": 3, "decimal": 1}, ["12.50", "x"]),
        _param("cp_modules[]", rng.randrange(1, 200), {"string": 1}, ["c_info", "c_invoices"]),
        _param(rng.choice(_SECRETS), rng.randrange(1, 200), {"string": 1}, [], secret=True),
        _param("description", rng.randrange(1, 100), {"string": 1}, ["long text " * 12]),
    ]
    return params


def _exemplar(method: str, params: list[dict[str, Any]], rng: random.Random, day: str) -> dict[str, Any]:
    """A call built from the arguments' examples (a secret's value shown as ``<secret>``)."""
    sent: dict[str, Any] = {}
    for param in params:
        name = param["name"]
        if param["container"] or rng.random() < 0.3:
            continue
        value = "<secret>" if param["secret"] else (param["examples"] or [""])[0]
        _put(sent, name, value)
    return {
        "params": sent,
        "time": f"{day}T10:{rng.randrange(60):02d}:00+02:00",
        "arguments": len(sent),
        "call": call_texts(method, sent),
    }


def _put(params: dict[str, Any], path: str, value: str) -> None:
    """Set a bracket path in nested params, PHP's way (``a[]`` appends, ``a[][b]`` a new element).

    A path that clashes with one set before (``a[b]`` then ``a[b][]``: no one call sends both) is left out.
    """
    head, _, rest = path.partition("[")
    segments = [head] + (rest[:-1].split("][") if rest else [])
    node: Any = params
    for depth, segment in enumerate(segments):
        last = depth == len(segments) - 1
        if not isinstance(node, (dict, list)):
            return
        if isinstance(node, list):
            if last:
                node.append(value)
                return
            node.append({} if segments[depth + 1] != "" else [])
            node = node[-1]
            continue
        if last:
            node.setdefault(segment, value)
        else:
            node = node.setdefault(segment, [] if segments[depth + 1] == "" else {})


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
                "refers_to": text[:20],
                "secret": False,
                "container": False,
                "closed_set": False,
            }
        )
    params = {f"v{number}": text for number, text in enumerate(INJECTIONS)}
    method["exemplars"] = [
        {"params": params, "time": GENERATED, "arguments": len(params), "call": call_texts("evil", params)}
    ]
    doc["methods"].append(method)
    doc["catalog"]["sources"].append(INJECTIONS[0])
    doc["catalog"]["methods"] += 1
    return doc
