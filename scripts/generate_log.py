"""Generate large synthetic JeraSoft Billing runtime.log files for benchmarks.

    python scripts/generate_log.py OUT --size 200MB --profile dense|noisy [--seed N]

OUT may be ``-`` for stdout. Sizes take K/M/G suffixes (binary: 1M = 1024**2 bytes);
the generator writes whole entries until it has passed the size, so the file ends on an
entry boundary slightly over it.

Profiles:
  dense  REQUEST entries are nearly all of the bytes (parser throughput on real work).
  noisy  REQUEST entries are about a tenth of the bytes; the rest is SQL, notices with
         stack traces, DEBUG print_r dumps and stray lines (cost of skipping noise).

For speed the bodies of entries are rendered once into pools of a few thousand varied
entries and reused; only the header (time, component, request number) is formatted per
entry, and output is written in multi-megabyte blocks.

The module also holds ``print_r``, a byte-exact Python port of PHP's print_r, used to
render every dump; tests compare it against the real PHP.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

# --------------------------------------------------------------------------- print_r


@dataclass
class PhpObject:
    """A PHP object for print_r: its class and its properties in order.

    Property keys are given as print_r shows them: ``name``, ``name:protected`` or
    ``name:ClassName:private``.
    """

    class_name: str
    props: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Recursion:
    """Where print_r met a value it is already printing; prints ``<label>\\n *RECURSION*``."""

    label: str = "Array"


def php_float(value: float, precision: int = 14) -> str:
    """Format a float the way PHP converts it to a string (zend_gcvt, ``precision=14``).

    Like C's ``%.14G`` but PHP's own flavour: the exponent form keeps one decimal
    (``1.0E+20``), has no zero padding (``1.0E-5``), and NAN/INF are spelled out.
    """
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    # Python's formatting rounds correctly (half-even on the exact binary value), like zend_dtoa mode 2.
    mantissa, exp = f"{value:.{precision - 1}e}".split("e")
    sign = "-" if mantissa[0] == "-" else ""
    digits = mantissa.lstrip("-").replace(".", "")
    # zend_dtoa drops trailing zeros, except on its path for small integers (below 10**15), when the
    # value lies exactly halfway and was rounded down to even: 100000000000005.0 prints as
    # 1.0000000000000E+14, but 23966906392710500.0 as 2.396690639271E+16 (php-cli shows both).
    exact = "".join(map(str, Decimal(abs(value)).as_tuple().digits)).rstrip("0")
    small_integer = value == int(value) and abs(value) < 10**15
    halfway = len(exact) == precision + 1 and exact.endswith("5") and exact.startswith(digits)
    if not (small_integer and halfway):
        digits = digits.rstrip("0")
    decpt = int(exp) + 1  # digits before the decimal point, as zend_dtoa reports it
    if decpt < -3 or decpt > precision:
        power = decpt - 1
        return f"{sign}{digits[0]}.{digits[1:] or '0'}E{'-' if power < 0 else '+'}{abs(power)}"
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    if len(digits) <= decpt:
        return sign + digits + "0" * (decpt - len(digits))
    return f"{sign}{digits[:decpt]}.{digits[decpt:]}"


def _scalar(value: object) -> str:
    """PHP's string conversion of a scalar as print_r writes it."""
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    if isinstance(value, float):
        return php_float(value)
    return str(value)


def _key(key: object) -> str:
    """An array key as print_r shows it; PHP turns bool keys into ints."""
    return str(int(key)) if isinstance(key, bool) else str(key)


def _print_value(value: object, indent: int, out: Callable[[str], object]) -> None:
    """zend_print_zval_r_to_buf: containers open a block at ``indent``, scalars print raw."""
    if isinstance(value, dict):
        out("Array\n")
        _print_hash(value.items(), indent, out)
    elif isinstance(value, (list, tuple)):
        out("Array\n")
        _print_hash(enumerate(value), indent, out)
    elif isinstance(value, PhpObject):
        out(f"{value.class_name} Object\n")
        _print_hash(value.props.items(), indent, out)
    elif isinstance(value, Recursion):
        out(f"{value.label}\n *RECURSION*")
    else:
        out(_scalar(value))


def _print_hash(items: Iterable[tuple[object, object]], indent: int, out: Callable[[str], object]) -> None:
    """print_hash: parens at ``indent``, elements at indent+4, nested values at indent+8."""
    pad = " " * indent
    inner = " " * (indent + 4)
    out(pad + "(\n")
    for key, val in items:
        out(f"{inner}[{_key(key)}] => ")
        _print_value(val, indent + 8, out)
        # After a nested block's ")\n" this newline makes PHP's blank line.
        out("\n")
    out(pad + ")\n")


def print_r(value: object, indent: int = 0) -> str:
    """Return what PHP's ``print_r($value, true)`` returns, byte for byte.

    dict and list/tuple are PHP arrays (a list's keys are 0..n-1), PhpObject an object,
    Recursion the ``*RECURSION*`` marker; str/int/float/bool/None are PHP scalars.
    ``indent`` is the column of the block's parentheses, as in PHP's internals.
    """
    parts: list[str] = []
    _print_value(value, indent, parts.append)
    return "".join(parts)


# --------------------------------------------------------------------------- values

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CLIENT_NAMES = (
    "Acme Telecom",
    "Nordic Carrier AB",
    "Globex VoIP",
    "Initech Voice",
    "Sunrise Calls LLC",
    "ООО Ромашка",
    "Ελληνικά Δίκτυα Α.Ε.",
    "株式会社テレコム",
    "Wholesale Routes Ltd",
    "Delta Connect",
)
NOTES = (
    "Prepaid customer.\nCall before suspending.",
    "Contract signed 2024-02-01\r\nNet 30",
    "Договор №17\nОплата до 5 числа",
    "VIP customer 🚀",
    "Rates [EU] => (wholesale)",
    "",
)
ADDRESSES = ("12 Main St\nSpringfield", "Lindholmen 5\r\nGothenburg", "г. Москва,\r\nул. Ленина, д. 1", "")
CP_MODULES = ("c_info", "c_xdrs", "c_invoices", "c_payments", "c_rates", "c_reports")


def _day(rng: random.Random) -> str:
    """A date like 2013-03-30."""
    return f"{rng.choice((2023, 2024))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _datetime(rng: random.Random) -> str:
    """A datetime with JeraSoft's short offset, like 2013-03-30 16:26:15+03."""
    return f"{_day(rng)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}+02"


def _money(rng: random.Random) -> str:
    """An amount as web forms send it, like 100.00."""
    return f"{rng.randint(0, 5000)}.{rng.choice((0, 0, 50, 25, 99)):02d}"


def _fields(rng: random.Random) -> list[dict[str, str]]:
    """clients.fieldsUpdate's fields[i][id] / fields[i][value]."""
    values = ("Gold", "", "yes", "multi\nline")
    return [{"id": str(3 + i), "value": rng.choice(values)} for i in range(rng.randint(1, 4))]


def _filter(rng: random.Random) -> dict[str, object]:
    """A report filter with a nested list of client ids."""
    ids = [str(rng.randint(1, 999)) for _ in range(rng.randint(0, 3))]
    return {"date_from": _day(rng), "date_to": _day(rng), "id_clients": ids}


def _rules(rng: random.Random) -> list[dict[str, str]]:
    """routing.edit's rules[i][prefix|id_trunks|weight]."""
    rules = []
    for i in range(rng.randint(1, 3)):
        prefix, trunk = rng.choice(("380", "44", "1")), str(rng.randint(1, 20))
        rules.append({"prefix": prefix, "id_trunks": trunk, "weight": str(10 * (i + 1))})
    return rules


def _settings(rng: random.Random) -> dict[str, object]:
    """settings.edit's three-level settings[billing][invoices][...]."""
    invoices = {"prefix": "INV-", "next_number": str(rng.randint(1, 9999))}
    return {"billing": {"invoices": invoices, "rounding": "4"}}


# Value kinds used by the method table; each returns a $_REQUEST value (strings at the leaves).
KINDS: dict[str, Callable[[random.Random], object]] = {
    "one": lambda r: "1",
    "empty": lambda r: "",
    "flag": lambda r: r.choice(("0", "1")),
    "id": lambda r: str(r.randint(1, 999)),
    "currency": lambda r: r.choice(("1", "2", "27", "31")),
    "type": lambda r: r.choice(("0", "0", "1", "2")),
    "company_type": lambda r: r.choice(("10", "20")),
    "money": _money,
    "date": _day,
    "datetime": _datetime,
    "status": lambda r: r.choice(("active", "active", "suspended", "closed")),
    "email": lambda r: f"{r.choice(('noc', 'billing', 'rates', 'ops'))}{r.randint(1, 99)}@example.net",
    "client_name": lambda r: f"{r.choice(CLIENT_NAMES)} {r.randint(1, 999)}",
    "name": lambda r: f"{r.choice(('Plan', 'Table', 'GW', 'Partner', 'VAT'))} {r.randint(1, 99)}",
    "login": lambda r: f"user{r.randint(1, 999)}",
    "secret": lambda r: f"SECRET-{r.randint(0, 99999):05d}",
    "notes": lambda r: r.choice(NOTES),
    "address": lambda r: r.choice(ADDRESSES),
    "ip": lambda r: r.choice((f"203.0.113.{r.randint(1, 254)}", "2001:db8:85a3::8a2e:370:7334")),
    "format": lambda r: r.choice(("csv", "xls")),
    "locale": lambda r: r.choice(("en_US", "ru_RU", "uk_UA", "de_DE")),
    "tz": lambda r: r.choice(("Europe/Kiev", "UTC", "America/New_York", "Asia/Tokyo")),
    "code": lambda r: r.choice(("380", "44", "1", "7495", "49")),
    "capacity": lambda r: r.choice(("", "0", "30", "120")),
    "port": lambda r: r.choice(("5060", "5080")),
    "tax_id": lambda r: f"DE{r.randint(0, 999999999):09d}",
    "modules": lambda r: [m for m in CP_MODULES if r.random() < 0.5] or ["c_info"],
    "fields": _fields,
    "filter": _filter,
    "group_by": lambda r: r.choice((["id_clients"], ["id_clients", "id_dst_codes"], ["day"])),
    "rules": _rules,
    "settings": _settings,
    "empty_list": lambda r: [],
}

# Method -> (weight, "arg=kind" always sent, "arg=kind?pct" sent with that percent chance).
METHOD_TABLE: dict[str, tuple[int, str]] = {
    "clients.add": (
        8,
        "apply=one?80 id_clients=empty?80 name=client_name type=type status=status id_companies=id "
        "id_currencies=currency credit=money?80 c_company=client_name?70 c_account=id?60 "
        "c_address=address?60 c_email=email?50 c_email_billing=email?60 c_email_rates=email?60 "
        "c_email_tech=email?40 tax_id=tax_id?40 reg_id=id?40 id_payment_terms=id?70 "
        "id_taxes_profiles=id?70 id_invoices_templates=id?70 id_dr_plans=id?70 "
        "autoinvoice_last=date?50 bill_by_time=flag?70 orig_rate_table=id?70 term_rate_table=id?70 "
        "orig_capacity=capacity?60 term_capacity=capacity?60 low_balance_threshold=money?60 "
        "low_balance_athreshold=money?60 rates_notify_format=format?70 rates_notify_type=flag?70 "
        "locale=locale?70 tz=tz?70 cp_login=login?60 cp_password=secret?60 cp_modules=modules?60 "
        "notes=notes?30",
    ),
    "clients.edit": (
        6,
        "apply=one id_clients=id credit=money?70 name=client_name?60 id_companies=id?60 "
        "status=status?60 c_email=email?40 c_company=client_name?30 c_address=address?30",
    ),
    "clients.editForm": (8, "id_clients=id"),
    "clients.addForm": (2, "name=client_name?50 groups=name?50"),
    "clients.fieldsList": (2, "_preload=one?60 id_clients=id"),
    "clients.fieldsUpdate": (3, "apply=one id_clients=id fields=fields"),
    "clients.packagesList": (2, "id_clients=id"),
    "clients.packagesAdd": (2, "id_clients=id id_packages=id"),
    "clients.list": (6, "status=status?50 name=client_name?20 id_companies=id?30 limit=capacity?40"),
    "clients.delete": (1, "id_clients=id confirm=one"),
    "packages.list": (3, ""),
    "packages.editForm": (2, "id=id"),
    "packages.add": (1, "apply=one name=name price=money id_currencies=currency minutes=capacity?60"),
    "companies.add": (
        2,
        "type=company_type name=name id_companies=empty prepaid=flag credit=money id_currencies=currency?60",
    ),
    "companies.edit": (1, "apply=one id_companies=id name=name?60 credit=money?50 prepaid=flag?40"),
    "companies.list": (2, "type=company_type?50"),
    "currencies.list": (2, ""),
    "currencies.add": (1, "apply=one name=name rate=money digits=flag"),
    "rates.list": (5, "id_rate_tables=id code=code?50 effective_date=date?40"),
    "rates.import": (2, "id_rate_tables=id file=name date_start=datetime notify=flag?60 close_other=one?40"),
    "rate_tables.add": (1, "apply=one name=name id_currencies=currency"),
    "rate_tables.list": (2, "id_currencies=currency?30"),
    "invoices.list": (5, "id_clients=id?70 date_from=date?60 date_to=date?60"),
    "invoices.generate": (
        2,
        "id_clients=id date_start=date date_end=date id_invoices_templates=id?60 send=flag?50",
    ),
    "invoices.download": (3, "id=id format=format"),
    "payments.add": (
        4,
        "apply=one id_clients=id amount=money date=datetime id_currencies=currency?70 notes=notes?30",
    ),
    "payments.list": (4, "id_clients=id?80 date_from=date?50"),
    "users.add": (1, "apply=one login=login password=secret email=email id_roles=id status=status"),
    "users.edit": (1, "apply=one id=id email=email?50 password=secret?30 status=status?60"),
    "accounts.add": (
        2,
        "apply=one id_clients=id login=login password=secret pin=secret?60 ip=ip?50 status=status",
    ),
    "accounts.list": (2, "id_clients=id"),
    "dr_plans.list": (2, ""),
    "dr_plans.add": (1, "apply=one name=name"),
    "taxes_profiles.list": (1, "id_companies=id?40"),
    "reports.summary": (3, "date_from=datetime date_to=datetime group_by=group_by"),
    "reports.summary.export": (2, "filter=filter group_by=group_by format=format options=empty_list?30"),
    "xdrs.list": (6, "date_from=datetime date_to=datetime id_clients=id?60 limit=capacity?50"),
    "xdrs.download": (2, "date_from=datetime date_to=datetime format=format"),
    "routing.edit": (1, "apply=one id_dr_plans=id rules=rules"),
    "settings.edit": (1, "apply=one section=name settings=settings"),
    "trunks.add": (1, "apply=one name=name ip=ip port=port capacity=capacity?50"),
}


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a method: its name, value kind and how often it is sent (0-1)."""

    name: str
    kind: str
    presence: float


def parse_args_spec(spec: str) -> list[ArgSpec]:
    """Turn ``"a=kind b=kind?40"`` into ArgSpecs; ``?40`` means sent in 40% of calls."""
    out = []
    for item in spec.split():
        name, _, rest = item.partition("=")
        kind, _, pct = rest.partition("?")
        out.append(ArgSpec(name, kind, int(pct) / 100 if pct else 1.0))
    return out


METHODS = {name: (weight, parse_args_spec(spec)) for name, (weight, spec) in METHOD_TABLE.items()}


# --------------------------------------------------------------------------- entry bodies


def request_body(rng: random.Random, method: str) -> tuple[str, str]:
    """One REQUEST entry's component and text: path line plus print_r($_REQUEST)."""
    _, specs = METHODS[method]
    args = {s.name: KINDS[s.kind](rng) for s in specs if s.presence >= 1.0 or rng.random() < s.presence}
    path = "/" + method.replace(".", "/")
    if method.endswith(".list") and rng.random() < 0.2:
        args["page"] = str(rng.randint(2, 9))  # GET parameters land in $_REQUEST as well
        path += f"?page={args['page']}"
    roll = rng.random()
    if roll < 0.2:
        component = "jsonrpc"
        if rng.random() < 0.3:
            args["auth"] = {"login": "api_billing", "password": f"SECRET-auth-{rng.randint(0, 9999):04d}"}
        else:
            args["SID"] = f"SECRET-sid-1-{rng.getrandbits(96):024x}"
    else:
        component = "webClient" if roll < 0.3 else "webAdmin"
    return component, f"REQUEST: {path}\n{print_r(args)}\n"


def sql_body(rng: random.Random) -> str:
    """An SQL entry, single- or multi-line."""
    i, amount, when = rng.randint(1, 999), _money(rng), _datetime(rng)
    statements = (
        f"SELECT * FROM clients WHERE id = {i}",
        "SELECT c.id, c.name, c.credit\n  FROM clients c\n"
        f"  JOIN companies co ON co.id = c.id_companies\n WHERE c.id = {i}\n ORDER BY c.name",
        f"INSERT INTO payments (id_clients, amount, dt) VALUES ({i}, {amount}, '{when}')",
        f"UPDATE clients SET balance = balance - {amount} WHERE id = {i}",
        "BEGIN",
        "COMMIT",
        f"SELECT count(*)\n  FROM xdrs\n WHERE dt >= '{_day(rng)}'\n   AND id_clients = {i}",
    )
    return f"SQL: {rng.choice(statements)}\n"


def trace_body(rng: random.Random) -> str:
    """A NOTICE, WARNING or ERROR with a PHP stack trace, or a one-line INFO."""
    kind = rng.choice(("NOTICE", "NOTICE", "WARNING", "ERROR", "INFO"))
    if kind == "INFO":
        return rng.choice(
            (
                "INFO: Session started for admin\n",
                "INFO: Cache warmed in 0.42s\n",
                f"INFO: Invoice #{rng.randint(1000, 9999)} generated\n",
            )
        )
    query = f"SELECT * FROM clients WHERE id = {rng.randint(1, 999)}"
    frames = [
        f"#0 /opt/jerasoft/vcs/core/Db.php({rng.randint(90, 130)}): Db->query('{query}')",
        "#1 /opt/jerasoft/vcs/modules/clients/Controller.php(214): Model->load(Array)",
        "#2 /opt/jerasoft/vcs/core/Controller.php(88): ClientsController->add(Array)",
        "#3 /opt/jerasoft/vcs/core/App.php(140): Controller->dispatch('add')",
    ][: rng.randint(1, 4)]
    frames.append(f"#{len(frames)} {{main}}")
    index, line = rng.choice(("tz", "groups", "id_dr_plans")), rng.randint(100, 400)
    message = rng.choice(
        (
            f"Undefined index: {index} in /opt/jerasoft/vcs/modules/clients/Controller.php on line {line}",
            "Uncaught exception 'DbException' with message 'deadlock detected'",
            # "REQUEST:" inside a message must not start a request entry.
            f"Slow REQUEST: /xdrs/download took {rng.randint(5, 30)}.31s",
        )
    )
    return f"{kind}: {message}\n" + "\n".join(frames) + "\n"


SCALARS = (
    lambda r: r.randint(-1000, 100000),
    lambda r: r.randint(0, 99999) / 100,
    lambda r: r.choice((1.0e20, 1.0e-6, 0.1, -0.0)),
    lambda r: r.choice((True, False, None, "", "Array")),
    KINDS["client_name"],
    KINDS["notes"],
    _datetime,
)
KEYS = ("id", "name", "credit", "rows", "status", "options", "dt", "items")
PROPS = ("id", "rows", "options", "parent", "cache", "db", "meta")
CLASSES = ("Db_Result", "Session_User", "Menu_Node")


def random_php_value(rng: random.Random, depth: int = 0) -> object:
    """A nested PHP value for DEBUG dumps: arrays, objects, scalars of every type, recursion."""
    roll = rng.random()
    if depth >= 3 or roll < 0.45:
        return rng.choice(SCALARS)(rng)
    if roll < 0.52:
        return Recursion(rng.choice(("Array", "Menu_Node Object")))
    size = rng.randint(0, 5)
    if roll < 0.65:
        return [random_php_value(rng, depth + 1) for _ in range(size)]
    if roll < 0.85:
        return {key: random_php_value(rng, depth + 1) for key in rng.sample(KEYS, size)}
    cls = rng.choice(CLASSES)
    visibility = ("", ":protected", f":{cls}:private")  # how print_r marks property visibility
    props = {
        f"{p}{rng.choice(visibility)}": random_php_value(rng, depth + 1) for p in rng.sample(PROPS, size)
    }
    return PhpObject(cls, props)


def debug_body(rng: random.Random) -> str:
    """A DEBUG entry: a message line, then a print_r dump that is not request arguments."""
    value = {f"row{i}": random_php_value(rng, 1) for i in range(rng.randint(2, 8))}
    if rng.random() < 0.3:
        props = {"count": len(value), "rows:protected": value, "elapsed:Db_Result:private": 0.125}
        value = PhpObject("Db_Result", props)
    message = rng.choice(("API response", "rows", "session", "tariff", "menu tree"))
    return f"DEBUG: {message}\n{print_r(value)}\n"


# Lines other processes write into the same file; they belong to no entry.
STRAY_LINES = (
    b"PHP Warning:  file_put_contents(/opt/jerasoft/vcs-data/tmp/rates.lock): failed to open stream: "
    b"Permission denied in /opt/jerasoft/vcs/cron/rates.php on line 57\n",
    b"PHP Notice:  Undefined variable: argv in /opt/jerasoft/vcs/cron/run.php on line 12\n",
    b"sh: 1: /usr/bin/wkhtmltopdf: not found\n",
)


# --------------------------------------------------------------------------- entry stream

PROFILES = {
    # Share of bytes that REQUEST entries should take, and how often noise is a stray line.
    "dense": (0.97, 0.0),
    "noisy": (0.10, 0.01),
}
POOL_SIZE = 4096
START_UTC = 1710136800  # 2024-03-11 06:00 UTC
TZ_OFFSET = 7200  # logged in local time, +0200


def _build_pools(rng: random.Random, dense: bool) -> tuple[list[tuple[bytes, bytes]], list[bytes]]:
    """Pre-render request bodies (component, text) and noise bodies, UTF-8 encoded."""
    names = list(METHODS)
    weights = [METHODS[n][0] for n in names]
    requests = []
    for method in rng.choices(names, weights, k=POOL_SIZE):
        component, body = request_body(rng, method)
        requests.append((component.encode(), body.encode()))
    makers = (sql_body,) if dense else (sql_body, sql_body, trace_body, debug_body, debug_body)
    noise = [rng.choice(makers)(rng).encode() for _ in range(POOL_SIZE)]
    return requests, noise


def _stamp(t: int) -> bytes:
    """Header timestamp like ``20-Jan-2012 17:32:06+0200``; month names fixed, not locale's."""
    tm = time.gmtime(t + TZ_OFFSET)
    return (
        f"{tm.tm_mday:02d}-{MONTHS[tm.tm_mon - 1]}-{tm.tm_year} "
        f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}+0200"
    ).encode()


def iter_entry_bytes(profile: str = "dense", seed: int = 1) -> Iterator[bytes]:
    """Endless stream of complete log entries (and stray lines) as UTF-8 bytes."""
    share, stray_rate = PROFILES[profile]
    rng = random.Random(seed)
    requests, noise = _build_pools(rng, profile == "dense")
    rand = rng.random
    n_req, n_noise = len(requests), len(noise)
    t, number = START_UTC, 260808
    stamp = _stamp(t)
    component = b"webAdmin"
    request_bytes = total_bytes = 0
    while True:
        # Emit a request whenever requests are behind their byte share: this holds the mix exactly.
        if request_bytes <= share * total_bytes:
            component, body = requests[int(rand() * n_req)]
            number += 1 + int(rand() * 7)
            step = int(rand() * 4)
            if step:  # formatting the time is the costliest part of a header; reuse it when unchanged
                t += step
                stamp = _stamp(t)
            entry = b"[%s] [%s/#%d] %s" % (stamp, component, number, body)
            request_bytes += len(entry)
        elif rand() < stray_rate:
            entry = STRAY_LINES[int(rand() * len(STRAY_LINES))]
        else:
            entry = b"[%s] [%s/#%d] %s" % (stamp, component, number, noise[int(rand() * n_noise)])
        total_bytes += len(entry)
        yield entry


def iter_entries(profile: str = "dense", seed: int = 1) -> Iterator[str]:
    """Endless stream of complete log entries (and stray lines) as text."""
    for entry in iter_entry_bytes(profile, seed):
        yield entry.decode("utf-8")


def generate(size: int, profile: str = "dense", seed: int = 1) -> bytes:
    """A whole log of at least ``size`` bytes, ending on an entry boundary (for tests)."""
    parts, total = [], 0
    for entry in iter_entry_bytes(profile, seed):
        parts.append(entry)
        total += len(entry)
        if total >= size:
            return b"".join(parts)
    raise AssertionError("unreachable: the entry stream is endless")


def write_log(out: BinaryIO, size: int, profile: str = "dense", seed: int = 1, block: int = 4 << 20) -> int:
    """Write entries to ``out`` in big blocks until ``size`` bytes are passed; returns bytes written."""
    parts: list[bytes] = []
    pending = written = 0
    for entry in iter_entry_bytes(profile, seed):
        parts.append(entry)
        pending += len(entry)
        if pending >= block or written + pending >= size:
            out.write(b"".join(parts))
            written += pending
            parts, pending = [], 0
            if written >= size:
                return written
    raise AssertionError("unreachable: the entry stream is endless")


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Parse ``200MB``, ``512K``, ``1.5G`` or plain bytes; suffixes are powers of 1024."""
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 200MB, 512K, 1G)")
    number, unit = match.groups()
    return int(float(number) * 1024 ** "_kmg".index(unit.lower() or "_"))


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; reports the output speed on stderr."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="output file, or - for stdout")
    parser.add_argument("--size", type=parse_size, default=parse_size("200MB"), help="e.g. 200MB, 512K, 1G")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="dense")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.out == "-":
        written = write_log(sys.stdout.buffer, args.size, args.profile, args.seed)
        sys.stdout.buffer.flush()
    else:
        with open(args.out, "wb") as out:
            written = write_log(out, args.size, args.profile, args.seed)
    elapsed = time.perf_counter() - started
    print(f"wrote {written} bytes in {elapsed:.2f}s ({written / 2**20 / elapsed:.1f} MB/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
