"""Generate large synthetic JeraSoft Billing runtime.log files for benchmarks.

    python scripts/generate_log.py OUT --size 200MB --profile dense|noisy [--seed N]
        [--distinct 0.9] [--nested 0.3] [--blank-line yes|no|mixed] [--languages [all]]
        [--methods N] [--stats]

OUT may be ``-`` for stdout. Sizes take K/M/G suffixes (binary: 1M = 1024**2 bytes);
the generator writes whole entries until it has passed the size, so the file ends on an
entry boundary slightly over it. The same seed and knobs give the same bytes.

Profiles:
  dense  REQUEST entries are nearly all of the bytes (parser throughput on real work).
  noisy  REQUEST entries are about a tenth of the bytes; the rest is SQL, notices with
         stack traces, DEBUG print_r dumps and stray lines (cost of skipping noise).

Knobs (see Knobs): --distinct, the share of distinct top-level element lines
(``    [key] => value``) in the requests; --nested, the share of requests with nested
arrays; --blank-line, whether a blank line follows each dump; --languages, the styles
argument names are spelled in (snake, camel, de, uk, ru; one per method); --methods,
synthetic methods besides the ~45 real ones.

Values that vary are names (Latin, Cyrillic, umlauts), amounts, dates and datetimes,
e-mails, phones, ids up to 100,000, IP addresses, logins, free-text notes (some of several
lines, some long), each kind numbering its values so that the n-th is new; a request's
arguments are made and rendered one by one, while noise entries are rendered once into a
pool and reused. Output is written in multi-megabyte blocks.

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
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
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


def _names(text: str) -> tuple[str, ...]:
    """Words separated by spaces, as a tuple."""
    return tuple(text.split())


# People and companies of four languages; a name's language is one of its digits (see _person).
FIRST_NAMES = {
    "en": "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard "
    "Susan Joseph Jessica Charles Sarah Christopher Karen Daniel Nancy Matthew Lisa Anthony Betty Mark "
    "Sandra Paul Ashley Steven Emily",
    "uk": "Олександр Андрій Тарас Богдан Дмитро Іван Максим Микола Петро Сергій Юрій Ярослав Василь Олег "
    "Остап Мирослав Олена Наталія Оксана Ірина Тетяна Юлія Ганна Марія Катерина Людмила Світлана "
    "Галина Леся Христина Соломія Ївга",
    "ru": "Алексей Сергей Дмитрий Андрей Михаил Николай Владимир Евгений Игорь Павел Артём Константин "
    "Григорий Фёдор Виктор Семён Анна Мария Елена Ольга Наталья Екатерина Татьяна Ирина Светлана Юлия "
    "Дарья Ксения Людмила Полина Софья Алёна",
    "de": "Jürgen Günter Björn Jörg Uwe Klaus Stefan Matthias Andreas Wolfgang Dieter Horst Lukas "
    "Maximilian Sören Jörn Käthe Ursula Renate Gisela Brigitte Monika Birgit Sabine Heike Dörte Jülide "
    "Hannelore Gerlinde Änne Mareike Frauke",
}
LAST_NAMES = {
    "en": "Smith Johnson Williams Brown Jones Garcia Miller Davis Wilson Anderson Taylor Moore Jackson "
    "Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill "
    "Green Adams Baker Nelson",
    "uk": "Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Поліщук Бойко Ткачук Мельник "
    "Лисенко Марченко Руденко Савченко Петренко Мороз Павленко Кузьменко Гаврилюк Левченко Федоренко "
    "Приходько Яковенко Ковальчук Гончаренко Сидоренко Литвиненко Їжакевич Костенко Зінченко Юрченко",
    "ru": "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков "
    "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин "
    "Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв",
    "de": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer "
    "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt "
    "Werner Krause Meier Lehmann Köhler Groß",
}
INITIALS = {
    "en": "ABCDEFGHJKLMNPRSTW",
    "de": "ABCDEFGHJKLMNPRSTW",
    "uk": "АБВГДЄЗІКЛМНОПРСТЮ",
    "ru": "АБВГДЕЗИКЛМНОПРСТЮ",
}
COMPANY_WORDS = {
    "en": "Telecom Voice Networks Connect Communications Carrier Solutions Telco Digital Global Link Systems",
    "uk": "Телеком Зв'язок Мережі Коннект Комунікації Телесистеми Голос Лінк Діджитал Сервіс Інфоком "
    "Оператор",
    "ru": "Телеком Связь Сети Коннект Коммуникации Телесистемы Голос Линк Диджитал Сервис Инфоком Оператор",
    "de": "Telekom Netze Sprachdienste Kommunikation Verbindungen Fernmeldedienste Systeme Digital Technik "
    "Funk Leitungen Übertragung",
}
LEGAL_FORMS = {
    "en": ("LLC", "Ltd", "Inc.", "Corp."),
    "uk": ("ТОВ", "ПП", "ФОП", "ПрАТ"),
    "ru": ("ООО", "ИП", "АО", "ЗАО"),
    "de": ("GmbH", "AG", "KG", "GmbH & Co. KG"),
}
STREETS = {
    "en": "Main|Oak|Pine|Maple|Cedar|Elm|Washington|Lake|Hill|Park|Church|High|Station|Mill|Victoria|King",
    "uk": "Хрещатик|Шевченка|Франка|Лесі Українки|Січових Стрільців|Грушевського|Богдана Хмельницького|"
    "Бандери|Сагайдачного|Володимирська|Різницька|Ярославів Вал|Жилянська|Антоновича|Героїв Майдану|"
    "Їжакевича",
    "ru": "Ленина|Пушкина|Гагарина|Мира|Советская|Садовая|Лесная|Школьная|Набережная|Победы|Зелёная|"
    "Молодёжная|Центральная|Кирова|Чехова|Льва Толстого",
    "de": "Hauptstraße|Schulstraße|Gartenstraße|Bahnhofstraße|Dorfstraße|Bergstraße|Birkenweg|Lindenstraße|"
    "Kirchstraße|Waldstraße|Ringstraße|Schillerstraße|Goethestraße|Mühlenweg|Am Förderturm|Königsallee",
}
CITIES = {
    "en": ("Springfield", "London", "Manchester", "Dublin", "Boston", "Leeds", "Austin", "Denver"),
    "uk": ("Київ", "Львів", "Одеса", "Харків", "Дніпро", "Вінниця", "Чернівці", "Ужгород"),
    "ru": ("Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", "Самара", "Омск", "Тверь"),
    "de": ("Berlin", "München", "Köln", "Düsseldorf", "Nürnberg", "Lübeck", "Würzburg", "Göttingen"),
}
PRODUCT_WORDS = (
    "Premium|Standard|Wholesale|Retail|Economy|Business|Night|Weekend|Mobile|Fixed|Local|Transit",
    "Routes|Plan|Package|Bundle|Table|Tariff|Trunk|Gateway|Partner|Offer|Profile|Group",
    "EU|UA|DE|UK|US|CIS|Asia|LatAm|Africa|MENA|Nordic|Global",
)
NOTE_TEMPLATES = (
    "Prepaid customer, ticket #{k}.\nCall {p} before suspending.",
    "Contract {k} signed {d}\r\nNet 30",
    "Credit limit raised to {a} on {d} (request {k})",
    "Договір №{k} від {d}\nОплата до 5 числа",
    "Клієнт просить надсилати рахунки на пошту, заявка №{k}; контакт: {p}",
    "Договор №{k} от {d}\nОплата до 5 числа\nКонтакт: {p}",
    "Звонить {p} перед отключением, заявка №{k}",
    "Vertrag Nr. {k} vom {d}\nZahlungsziel 30 Tage",
    "Rückruf bei {p} vor jeder Sperrung (Ticket {k}), Größere Änderungen nur nach Rücksprache",
    "Migrated from the old switch on {d}, ticket #{k}. The customer keeps its old rates until the end of "
    "the quarter; invoices go to the billing address only, never to the technical contact. Rates are sent "
    "as xls on request; the CDR export runs nightly at 02:00 and is kept for ninety days. Any change of "
    "the credit limit needs a written request signed by {p}, scanned and attached to the ticket. Balance "
    "alerts at {a}; suspension only after two reminders and a call.",
    "Dispute {k} opened {d}:\nDuplicate CDRs for 2 days.\nCredit note of {a} agreed with {p}.\n"
    "Closed after review.\nSee also the previous dispute in the ticket history.",
    "Porting request {k}; VIP customer \U0001f680",
)
LONG_NOTE_MORE = (
    " Заява про зміну тарифу розглядається протягом п'яти робочих днів; до того діють попередні ціни."
    " Все изменения согласовываются с менеджером по работе с клиентами."
    " Änderungen der Rufnummernblöcke werden zum Monatsende wirksam."
)
CP_MODULES = ("c_info", "c_xdrs", "c_invoices", "c_payments", "c_rates", "c_reports", "c_tickets", "c_dids")
EMAIL_DOMAINS = (
    *("example.com", "example.net", "example.org", "mail.example", "ukr.example", "gmx.example"),
    *("corp.example", "telecom.example", "voip.example", "carrier.example", "billing.example"),
    *("noc.example", "ua.example", "de.example", "ru.example", "uk.example"),
)
PHONE_FORMATS = {  # country code -> how 9 digits are grouped (a leading digit fixed in some)
    "380": "{0}{1} {2}{3}{4} {5}{6} {7}{8}",
    "7": "9{0}{1} {2}{3}{4}-{5}{6}-{7}{8}",
    "49": "{0}{1}{2} {3}{4}{5}{6}{7}{8}",
    "44": "7{0}{1}{2} {3}{4}{5}{6}{7}{8}",
    "1": "({0}{1}{2}) 5{3}{4}-{5}{6}{7}{8}",
}
IP_PREFIXES = (10, 46, 91, 172, 185, 193, 198, 203)
TAX_COUNTRIES = ("UA", "DE", "GB", "PL")
# One Latin spelling per letter ("_" drops the letter).
TRANSLIT = dict(
    zip(
        "абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюяäöüß'",
        _names("a b v h g d e ye yo zh z y i yi y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya")
        + _names("ae oe ue ss _"),
        strict=True,
    )
)


def _words(table: dict[str, str], sep: str = " ") -> dict[str, tuple[str, ...]]:
    return {lang: tuple(text.split(sep)) for lang, text in table.items()}


LANGS = ("en", "uk", "ru", "de")
FIRST = _words(FIRST_NAMES)
LAST = _words(LAST_NAMES)
WORDS = _words(COMPANY_WORDS)
STREET = _words(STREETS, "|")
PRODUCT = tuple(tuple(words.split("|")) for words in PRODUCT_WORDS)


def ascii_name(name: str) -> str:
    """A name in lower-case ASCII, as people spell it in e-mail addresses and logins."""
    return "".join(TRANSLIT.get(char, char) for char in name.lower()).replace("_", "")


# Names in ASCII for e-mails and logins, each once (languages share some).
ASCII_FIRST = tuple(dict.fromkeys(ascii_name(n) for lang in LANGS for n in FIRST[lang]))
ASCII_LAST = tuple(dict.fromkeys(ascii_name(n) for lang in LANGS for n in LAST[lang]))
FIRST_DAY = date(2016, 1, 1).toordinal()
DAYS = tuple(date.fromordinal(FIRST_DAY + i).isoformat() for i in range(3653))  # to 2025-12-31
# JeraSoft writes the short offset: +03 in Kyiv's summer (April to October), else +02.
OFFSETS = tuple("+03" if "-04-" <= day[4:8] <= "-10-" else "+02" for day in DAYS)


def _digits(u: int, *sizes: int) -> list[int]:
    """Split ``u`` into mixed-radix digits, least significant first (the last one takes the rest)."""
    out = []
    for size in sizes:
        u, digit = divmod(u, size)
        out.append(digit)
    out.append(u)
    return out


def _person(u: int) -> str:
    """A person: ``Mary Smith``, ``Олена М. Коваленко``, ``Müller Jürgen`` (language, names, initial,
    order)."""
    lang, first, last, initial, order, _ = _digits(u, 4, 32, 32, 19, 2)
    lang = LANGS[lang]
    given, family = FIRST[lang][first], LAST[lang][last]
    if initial:
        given = f"{given} {INITIALS[lang][initial - 1]}."
    return f"{given} {family}" if order == 0 else f"{family} {given}"


PERSONS = 4 * 32 * 32 * 19 * 2


def _company(u: int) -> str:
    """A carrier's name in its language with its legal form: ``ТОВ "Шевченко Телеком"``, ``Müller AG``."""
    lang, first, second, word, legal, _ = _digits(u, 4, 32, 33, 12, 4)
    lang = LANGS[lang]
    name = LAST[lang][first] + (f" & {LAST[lang][second - 1]}" if second else "")
    form = LEGAL_FORMS[lang][legal]
    if lang in ("uk", "ru"):
        return f'{form} "{name} {WORDS[lang][word]}"'
    return f"{name} {WORDS[lang][word]} {form}"


COMPANIES = 4 * 32 * 33 * 12 * 4


def _title(u: int) -> str:
    """A product's name, like ``Wholesale Routes EU 17`` (no legal form, so never a company's)."""
    adjective, noun, region, number = _digits(u, 12, 12, 12)
    return f"{PRODUCT[0][adjective]} {PRODUCT[1][noun]} {PRODUCT[2][region]} {number + 1}"


TITLES = 12 * 12 * 12 * 999


def _name(u: int) -> str:
    """``name`` names a company in clients.add and a product in packages.add: either kind."""
    return _company(u) if u < COMPANIES else _title(u - COMPANIES)


def _email(u: int) -> str:
    first, last, sep, number, domain = _digits(u, len(ASCII_FIRST), len(ASCII_LAST), 3, 100)
    return f"{ASCII_FIRST[first]}{'._-'[sep]}{ASCII_LAST[last]}{number or ''}@{EMAIL_DOMAINS[domain]}"


def _login(u: int) -> str:
    first, last, number = _digits(u, len(ASCII_FIRST), len(ASCII_LAST))
    return f"{ASCII_FIRST[first]}.{ASCII_LAST[last]}{number or ''}"


def _phone(u: int) -> str:
    country, number = _digits(u, len(PHONE_FORMATS))
    code = tuple(PHONE_FORMATS)[country]
    return f"+{code} " + PHONE_FORMATS[code].format(*f"{number:09d}")


def _ip(u: int) -> str:
    kind, host = _digits(u, len(IP_PREFIXES) + 1)
    if kind == len(IP_PREFIXES):
        return f"2001:db8:{host >> 16:x}:{host & 0xFFFF:x}::1"
    return f"{IP_PREFIXES[kind]}.{host >> 16}.{(host >> 8) & 255}.{host & 255}"


def _amount(u: int) -> str:
    """An amount with 2, 3 or 4 decimals: ``1520.75``, ``0.125``, ``12.0450``."""
    places, value = _digits(u, 3)
    scale = 10 ** (places + 2)
    return f"{value // scale}.{value % scale:0{places + 2}d}"


def _rate(u: int) -> str:
    """A price per minute with 6 decimals, like ``0.012345``."""
    return f"{u // 10**6}.{u % 10**6:06d}"


def _datetime(u: int) -> str:
    """A datetime with JeraSoft's short offset, like ``2024-03-11 09:22:01+02``."""
    day, second = divmod(u, 86400)
    hour, second = divmod(second, 3600)
    return f"{DAYS[day]} {hour:02d}:{second // 60:02d}:{second % 60:02d}{OFFSETS[day]}"


def _notes(u: int) -> str:
    """Free text in four languages, some of several lines, some long; the number makes it unique."""
    template, number = _digits(u, len(NOTE_TEMPLATES))
    text = NOTE_TEMPLATES[template].format(
        k=number + 100,
        d=DAYS[number % len(DAYS)],
        p=_person(number % PERSONS),
        a=_amount(number % 3_000_000),
    )
    # Every third long note runs on in other languages, to a kilobyte or so.
    return text + LONG_NOTE_MORE * (number % 3) if len(text) > 400 else text


def _address(u: int) -> str:
    """A street address, on one line or two (the city on the second line); street, house and flat
    make it unique."""
    lang, street, house, flat, lines, _ = _digits(u, 4, 16, 300, 100, 2)
    lang = LANGS[lang]
    street, city = STREET[lang][street], CITIES[lang][house % 8]
    house += 1
    if lang == "uk":
        first = f"вул. {street}, {house}" + (f", кв. {flat}" if flat else "")
    elif lang == "ru":
        first = f"ул. {street}, д. {house}" + (f", кв. {flat}" if flat else "")
    elif lang == "de":
        first = f"{street} {house}" + (f", Whg. {flat}" if flat else "")
    else:
        first = f"{house} {street} St" + (f", Apt {flat}" if flat else "")
    return f"{first}\n{city}" if lines else f"{first}, {city}"


GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / the golden ratio: a step that scatters consecutive numbers


class Varied:
    """A kind of value that rarely repeats: ``value(n)`` differs for every n below ``capacity``.

    The n-th value is ``render`` of n moved by a fixed permutation of range(capacity) (a step
    coprime to it), so consecutive values look unrelated and none comes twice.
    """

    __slots__ = ("capacity", "name", "offset", "render", "step")

    def __init__(self, name: str, capacity: int, render: Callable[[int], str]) -> None:
        self.name, self.capacity, self.render = name, capacity, render
        step = GOLDEN % capacity or 1
        while math.gcd(step, capacity) != 1:
            step += 1
        self.step, self.offset = step, (GOLDEN >> 17) % capacity

    def value(self, n: int) -> str:
        """The n-th value (0 <= n < capacity)."""
        return self.render((n * self.step + self.offset) % self.capacity)


VARIED = {
    v.name: v
    for v in (
        Varied("id", 100_000, lambda u: str(u + 1)),  # clients, accounts, rate tables: up to 100,000
        Varied("amount", 3 * 10**8, _amount),
        Varied("rate", 10**7, _rate),
        Varied("date", len(DAYS), DAYS.__getitem__),
        Varied("datetime", len(DAYS) * 86400, _datetime),
        Varied("person", PERSONS, _person),
        Varied("company", COMPANIES, _company),
        Varied("title", TITLES, _title),
        Varied("name", COMPANIES + TITLES, _name),
        Varied("email", len(ASCII_FIRST) * len(ASCII_LAST) * 3 * 100 * len(EMAIL_DOMAINS), _email),
        Varied("login", len(ASCII_FIRST) * len(ASCII_LAST) * 1000, _login),
        Varied("phone", len(PHONE_FORMATS) * 10**9, _phone),
        Varied("ip", (len(IP_PREFIXES) + 1) << 24, _ip),
        Varied("notes", len(NOTE_TEMPLATES) * 10**7, _notes),
        Varied("address", 4 * 16 * 300 * 100 * 2, _address),
        Varied("tax_id", len(TAX_COUNTRIES) * 10**9, lambda u: f"{TAX_COUNTRIES[u % 4]}{u // 4:09d}"),
        Varied("code", 9 * 10**6, lambda u: str(10**6 + u)),  # a dialling prefix like 3806712
        Varied("file", 10**8, lambda u: f"rates_{DAYS[u % len(DAYS)]}_{u}.{('csv', 'xls')[u % 2]}"),
        Varied("secret", 1 << 48, lambda u: f"SECRET-{u:012x}"),
        Varied("sid", 1 << 64, lambda u: f"SECRET-sid-1-{u:016x}"),
    )
}

# Values that repeat whatever the distinct share: (value, ...) drawn uniformly, repeats for weight.
ENUMS: dict[str, tuple[str, ...]] = {
    "one": ("1",),
    "empty": ("",),
    "flag": ("0", "1"),
    "type": ("0", "0", "1", "2"),
    "company_type": ("10", "20"),
    "status": ("active", "active", "active", "suspended", "closed"),
    "format": ("csv", "csv", "xls"),
    "locale": ("en_US", "ru_RU", "uk_UA", "de_DE"),
    "tz": ("Europe/Kiev", "UTC", "America/New_York", "Europe/Berlin", "Europe/Moscow"),
    "currency": ("1", "2", "27", "31"),
    "capacity": ("", "0", "30", "120"),
    "port": ("5060", "5080"),
    "page": ("2", "3", "4", "5", "6", "7", "8", "9"),
}


# Arrays in requests: each builds a fresh value from the maker (see RequestMaker.leaf).
def _modules(maker: RequestMaker) -> list[str]:
    """clients.add's cp_modules[]: which control-panel modules the client sees."""
    rand = maker.rng.random
    return [module for module in CP_MODULES if rand() < 0.4] or [CP_MODULES[0]]


def _fields(maker: RequestMaker) -> list[dict[str, str]]:
    """clients.fieldsUpdate's fields[i][id] / fields[i][value]: custom fields of a client."""
    kinds = ("company", "amount", "notes", "date", "phone")
    return [
        {
            "id": maker.leaf("fields.id", "id"),
            "value": maker.leaf("fields.value", maker.rng.choice(kinds)),
        }
        for _ in range(maker.rng.randint(1, 4))
    ]


def _filter(maker: RequestMaker) -> dict[str, object]:
    """A list's filter, three levels deep: filter[status], filter[sub][ids][], filter[sub][id_companies]."""
    rng = maker.rng
    found: dict[str, object] = {"status": rng.choice(ENUMS["status"])}
    if rng.random() < 0.7:
        found["date_from"] = maker.leaf("filter.date_from", "date")
        found["date_to"] = maker.leaf("filter.date_to", "date")
    sub: dict[str, object] = {"ids": [maker.leaf("filter.ids", "id") for _ in range(rng.randint(1, 4))]}
    if rng.random() < 0.4:
        sub["id_companies"] = maker.leaf("filter.id_companies", "id")
    found["sub"] = sub
    if rng.random() < 0.3:
        found["name"] = maker.leaf("filter.name", "name")
    return found


def _group_by(maker: RequestMaker) -> list[str]:
    """A report's group_by[]."""
    return list(
        maker.rng.choice((("id_clients",), ("id_clients", "id_dst_codes"), ("day",), ("id_accounts", "day")))
    )


def _rules(maker: RequestMaker) -> list[dict[str, str]]:
    """routing.edit's rules[i][prefix|id_trunks|weight]."""
    return [
        {
            "prefix": maker.leaf("rules.prefix", "code"),
            "id_trunks": maker.leaf("rules.trunk", "id"),
            "weight": str(10 * (i + 1)),
        }
        for i in range(maker.rng.randint(1, 3))
    ]


def _rates(maker: RequestMaker) -> list[dict[str, object]]:
    """rates.edit's rate rows: rates[i][prefix], rates[i][rate], rates[i][intervals][0]."""
    rows = []
    for _ in range(maker.rng.randint(1, 5)):
        row: dict[str, object] = {
            "prefix": maker.leaf("rates.prefix", "code"),
            "rate": maker.leaf("rates.rate", "rate"),
            "effective_date": maker.leaf("rates.date", "date"),
            "intervals": list(maker.rng.choice((("1", "1"), ("60", "60"), ("30", "6"), ("60", "1")))),
        }
        rows.append(row)
    return rows


def _settings(maker: RequestMaker) -> dict[str, object]:
    """settings.edit's settings[billing][invoices][...], three levels deep."""
    invoices = {
        "prefix": maker.rng.choice(("INV-", "РАХ-", "R-")),
        "next_number": maker.leaf("settings.next", "id"),
    }
    return {
        "billing": {"invoices": invoices, "rounding": maker.rng.choice(("2", "4"))},
        "notifications": {"email": maker.leaf("settings.email", "email")},
    }


def _auth(maker: RequestMaker) -> dict[str, str]:
    """A JSON-RPC call's first-call credentials, auth[login] and auth[password]."""
    return {"login": maker.leaf("auth.login", "login"), "password": maker.leaf("auth.password", "secret")}


NESTED: dict[str, Callable[[RequestMaker], object]] = {
    "modules": _modules,
    "fields": _fields,
    "filter": _filter,
    "group_by": _group_by,
    "rules": _rules,
    "rates": _rates,
    "settings": _settings,
    "options": lambda maker: [],  # an empty array: nested in form, not in content
}

# Method -> (weight, "arg=kind" always sent, "arg=kind?pct" sent with that percent chance). Kinds are
# VARIED (rarely repeat), ENUMS (always repeat) or NESTED (arrays).
METHOD_TABLE: dict[str, tuple[int, str]] = {
    "clients.add": (
        8,
        "apply=one?90 id_clients=empty?80 name=name type=type?90 status=status?90 id_companies=id "
        "id_currencies=currency?90 credit=amount?80 c_company=company?70 c_account=id?60 "
        "c_address=address?60 c_email=email?50 c_email_billing=email?60 c_email_rates=email?60 "
        "c_email_tech=email?40 c_phone=phone?50 c_contact=person?50 tax_id=tax_id?40 reg_id=tax_id?40 "
        "id_payment_terms=id?70 id_taxes_profiles=id?70 id_invoices_templates=id?70 "
        "id_dr_plans=id?70 autoinvoice_last=date?50 bill_by_time=flag?70 orig_rate_table=id?70 "
        "term_rate_table=id?70 orig_capacity=capacity?60 term_capacity=capacity?60 "
        "low_balance_threshold=amount?60 low_balance_athreshold=amount?60 rates_notify_format=format?70 "
        "rates_notify_type=flag?70 locale=locale?70 tz=tz?70 cp_login=login?60 cp_password=secret?60 "
        "cp_modules=modules?60 notes=notes?30",
    ),
    "clients.edit": (
        6,
        "apply=one?90 id_clients=id credit=amount?70 name=name?60 id_companies=id?60 status=status?60 "
        "c_email=email?40 c_company=company?30 c_address=address?30 c_phone=phone?30 notes=notes?20",
    ),
    "clients.editForm": (8, "id_clients=id"),
    "clients.addForm": (2, "name=name?50 groups=title?50"),
    "clients.fieldsList": (2, "_preload=one?60 id_clients=id"),
    "clients.fieldsUpdate": (3, "apply=one?90 id_clients=id fields=fields"),
    "clients.packagesList": (2, "id_clients=id"),
    "clients.packagesAdd": (2, "id_clients=id id_packages=id date_start=date?50"),
    "clients.list": (
        6,
        "status=status?50 name=name?20 id_companies=id?30 limit=capacity?40 filter=filter?40",
    ),
    "clients.delete": (1, "id_clients=id confirm=one"),
    "packages.list": (3, ""),
    "packages.editForm": (2, "id=id"),
    "packages.add": (1, "apply=one?90 name=name price=amount id_currencies=currency minutes=capacity?60"),
    "companies.add": (
        2,
        "type=company_type?90 name=name id_companies=empty prepaid=flag credit=amount "
        "id_currencies=currency?60 c_address=address?50 tax_id=tax_id?50",
    ),
    "companies.edit": (1, "apply=one?90 id_companies=id name=name?60 credit=amount?50 prepaid=flag?40"),
    "companies.list": (2, "type=company_type?50"),
    "currencies.list": (2, ""),
    "currencies.add": (1, "apply=one?90 name=name rate=rate digits=flag"),
    "rates.list": (5, "id_rate_tables=id code=code?50 effective_date=date?40 filter=filter?30"),
    "rates.import": (
        2,
        "id_rate_tables=id file=file date_start=datetime notify=flag?60 close_other=one?40",
    ),
    "rates.edit": (2, "apply=one?90 id_rate_tables=id rates=rates"),
    "rate_tables.add": (1, "apply=one?90 name=name id_currencies=currency"),
    "rate_tables.list": (2, "id_currencies=currency?30"),
    "invoices.list": (5, "id_clients=id?70 date_from=date?60 date_to=date?60 filter=filter?20"),
    "invoices.generate": (
        2,
        "id_clients=id date_start=date date_end=date id_invoices_templates=id?60 send=flag?50 notes=notes?20",
    ),
    "invoices.download": (3, "id=id format=format"),
    "payments.add": (
        4,
        "apply=one?90 id_clients=id amount=amount date=datetime id_currencies=currency?70 notes=notes?40",
    ),
    "payments.list": (4, "id_clients=id?80 date_from=date?50"),
    "users.add": (
        1,
        "apply=one?90 login=login password=secret email=email id_roles=id status=status?90 "
        "name=person?70 phone=phone?40",
    ),
    "users.edit": (1, "apply=one?90 id=id email=email?50 password=secret?30 status=status?60"),
    "accounts.add": (
        2,
        "apply=one?90 id_clients=id login=login password=secret pin=secret?60 ip=ip?50 status=status?90",
    ),
    "accounts.edit": (2, "apply=one?90 id_accounts=id ip=ip?50 status=status?50 notes=notes?20"),
    "accounts.list": (2, "id_clients=id"),
    "dr_plans.list": (2, ""),
    "dr_plans.add": (1, "apply=one?90 name=name"),
    "taxes_profiles.list": (1, "id_companies=id?40"),
    "reports.summary": (3, "date_from=datetime date_to=datetime group_by=group_by"),
    "reports.summary.export": (2, "filter=filter group_by=group_by format=format options=options?30"),
    "xdrs.list": (
        6,
        "date_from=datetime date_to=datetime id_clients=id?60 limit=capacity?50 filter=filter?30",
    ),
    "xdrs.download": (2, "date_from=datetime date_to=datetime format=format"),
    "routing.edit": (1, "apply=one?90 id_dr_plans=id rules=rules"),
    "settings.edit": (1, "apply=one?90 section=title settings=settings"),
    "trunks.add": (1, "apply=one?90 name=name ip=ip port=port capacity=capacity?50"),
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
        if kind not in VARIED and kind not in ENUMS and kind not in NESTED:
            raise ValueError(f"{item}: unknown kind {kind!r}")
        out.append(ArgSpec(name, kind, int(pct) / 100 if pct else 1.0))
    return out


METHODS = {name: (weight, parse_args_spec(spec)) for name, (weight, spec) in METHOD_TABLE.items()}

# --------------------------------------------------------------------------- names in other styles

STYLES = ("snake", "camel", "de", "uk", "ru")
# Names some billings' own forms and plugins use; a secret's name is never translated.
TRANSLATIONS: dict[str, dict[str, str]] = {
    "uk": {
        "name": "назва",
        "notes": "примітка",
        "credit": "кредит",
        "amount": "сума",
        "price": "ціна",
        "c_address": "адреса",
        "c_phone": "телефон",
        "phone": "телефон",
        "c_email": "ел_пошта",
        "email": "ел_пошта",
        "c_company": "компанія",
        "c_contact": "контактна_особа",
        "date": "дата",
        "date_from": "дата_від",
        "date_to": "дата_до",
        "date_start": "дата_початку",
        "status": "статус",
        "id_clients": "ід_клієнта",
        "tax_id": "податковий_номер",
        "locale": "мова",
        "tz": "часовий_пояс",
        "groups": "групи",
        "file": "файл",
        "rate": "тариф",
        "prefix": "префікс",
    },
    "ru": {
        "name": "название",
        "notes": "примечание",
        "credit": "кредит",
        "amount": "сумма",
        "price": "цена",
        "c_address": "адрес",
        "c_phone": "телефон",
        "phone": "телефон",
        "c_email": "эл_почта",
        "email": "эл_почта",
        "c_company": "компания",
        "c_contact": "контактное_лицо",
        "date": "дата",
        "date_from": "дата_с",
        "date_to": "дата_по",
        "date_start": "дата_начала",
        "status": "статус",
        "id_clients": "ид_клиента",
        "tax_id": "инн",
        "locale": "язык",
        "tz": "часовой_пояс",
        "groups": "группы",
        "file": "файл",
        "rate": "тариф",
        "prefix": "префикс",
    },
    "de": {
        "name": "Bezeichnung",
        "notes": "Bemerkung",
        "credit": "Kreditlimit",
        "amount": "Betrag",
        "price": "Preis",
        "c_address": "Anschrift",
        "c_phone": "Telefonnummer",
        "phone": "Telefonnummer",
        "c_email": "E-Mail",
        "email": "E-Mail",
        "c_company": "Firma",
        "c_contact": "Ansprechpartner",
        "date": "Datum",
        "date_from": "Datum_von",
        "date_to": "Datum_bis",
        "date_start": "Startdatum",
        "status": "Status",
        "id_clients": "Kundennummer",
        "tax_id": "Steuernummer",
        "locale": "Sprache",
        "tz": "Zeitzone",
        "groups": "Gruppen",
        "file": "Datei",
        "rate": "Tarif",
        "prefix": "Vorwahl",
        "low_balance_threshold": "Mindestguthaben",
        "c_account": "Kontonummer",
    },
}


def styled(name: str, style: str) -> str:
    """An argument name as a billing in ``style`` spells it: ``c_email_billing`` in camelCase is
    ``cEmailBilling``; de, uk and ru translate the names they have a word for and keep the rest."""
    if style == "snake":
        return name
    if style == "camel":
        head, *rest = name.split("_")
        return head + "".join(part[:1].upper() + part[1:] for part in rest) if head else name
    return TRANSLATIONS[style].get(name, name)


def restyle(value: object, style: str) -> object:
    """A nested value with its string keys in ``style`` (list positions stay numbers)."""
    if isinstance(value, dict):
        return {styled(key, style): restyle(item, style) for key, item in value.items()}
    if isinstance(value, list):
        return [restyle(item, style) for item in value]
    return value


# Modules and verbs of the synthetic methods that make a big catalog (--methods).
SYNTHETIC_MODULES = _names(
    "clients accounts rates rate_tables packages invoices payments xdrs reports routing dr_plans trunks "
    "gateways companies currencies users roles taxes_profiles payment_terms invoices_templates services "
    "dids numbers codes destinations events notifications tickets balances cdr_imports managers "
    "resellers vendors agreements disputes alerts schedules exports imports audit"
)
SYNTHETIC_VERBS = _names(
    "list add edit delete editForm addForm view export import search copy archive restore "
    "enable disable assign unassign history recalc send preview validate close reopen sync"
)


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Knobs:
    """What a generated log's requests look like (the command line's --distinct, --nested, ...).

    - ``distinct``: the share of distinct top-level element lines (``    [key] => value``) among all
      of them in the requests' dumps. Every name's first line and every enum value's first line
      count as distinct, so 1% needs about 20,000 element lines (a 1 MB dense log, a 20 MB noisy
      one); and the lines of nested arrays (``[filter] => Array``) never vary, so with 30% nested
      requests the share reaches about 94% at most (90% is reached);
    - ``nested``: the share of requests with a nested array holding something (filters, rate rows,
      field lists, cp_modules[], auth[...]); some are four levels deep (``filter[sub][ids][0]``);
    - ``blank_line``: after each dump a blank line (``yes``), none (``no``), or either at random
      (``mixed``);
    - ``languages``: the styles argument names are spelled in, one chosen per method: ``snake``
      (JeraSoft's own), ``camel``, ``de``, ``uk``, ``ru`` (names with a German, Ukrainian or Russian
      word, the rest as they are);
    - ``methods``: synthetic methods (about 20 arguments each) called besides the real ones, each at
      least once near the start of the log.
    """

    distinct: float = 0.01
    nested: float = 0.2
    blank_line: str = "yes"
    languages: tuple[str, ...] = ("snake",)
    methods: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.distinct <= 1 or not 0 <= self.nested <= 1:
            raise ValueError("distinct and nested are shares between 0 and 1")
        if self.blank_line not in BLANK_LINE_MODES:
            raise ValueError(f"blank_line is one of {', '.join(BLANK_LINE_MODES)}, not {self.blank_line!r}")
        if not self.languages or not set(self.languages) <= set(STYLES):
            raise ValueError(f"languages are some of {', '.join(STYLES)}, not {', '.join(self.languages)}")
        if self.methods < 0:
            raise ValueError("methods is a count, 0 or more")


BLANK_LINE_MODES = ("yes", "no", "mixed")
CACHED_VALUES = 4096  # per key, the first values are kept rendered: repeats mostly pick them


class _Values:
    """The values one argument name has taken for one kind: how many fresh ones so far."""

    __slots__ = ("cache", "capacity", "count", "kind")

    def __init__(self, kind: Varied) -> None:
        self.kind, self.count, self.cache, self.capacity = kind, 0, {}, kind.capacity

    def fresh(self) -> str:
        """A value never given before (the caller checks there is one left)."""
        n = self.count
        self.count = n + 1
        value = self.kind.value(n)
        if n < CACHED_VALUES:
            self.cache[n] = value
        return value

    def repeat(self, roll: float) -> str:
        """A value given before, the early ones far more often (as a few clients make most calls)."""
        n = int(self.count * roll * roll * roll)
        value = self.cache.get(n)
        return value if value is not None else self.kind.value(n)


@dataclass
class _Slot:
    """One argument of one method, as this log spells its name."""

    key: str
    kind: str
    presence: float
    values: _Values | None = None  # varied kinds
    choices: tuple[str, ...] = ()  # enums
    build: Callable[[RequestMaker], object] | None = None  # nested kinds


@dataclass
class _Plan:
    """A method as this log calls it: path, weight, style, its arguments."""

    name: str
    path: str
    weight: float
    style: str
    slots: list[_Slot]
    nested_slots: list[_Slot] = field(init=False)  # the arguments that are arrays with something in them

    def __post_init__(self) -> None:
        self.nested_slots = [slot for slot in self.slots if slot.build is not None and slot.kind != "options"]


def synthetic_methods(count: int, rng: random.Random) -> dict[str, tuple[int, list[ArgSpec]]]:
    """``count`` made-up methods of 12 to 28 arguments drawn from the real ones (a big catalog's worth)."""
    pool = sorted({(s.name, s.kind) for _, specs in METHODS.values() for s in specs if s.kind not in NESTED})
    nested = sorted({(s.name, s.kind) for _, specs in METHODS.values() for s in specs if s.kind in NESTED})
    out: dict[str, tuple[int, list[ArgSpec]]] = {}
    index = 0
    while len(out) < count:
        module = SYNTHETIC_MODULES[index % len(SYNTHETIC_MODULES)]
        verb = SYNTHETIC_VERBS[(index // len(SYNTHETIC_MODULES)) % len(SYNTHETIC_VERBS)]
        round_ = index // (len(SYNTHETIC_MODULES) * len(SYNTHETIC_VERBS))
        index += 1
        name = f"{module}{round_ + 1 if round_ else ''}.{verb}"
        if name in METHODS:
            continue
        chosen: dict[str, ArgSpec] = {}
        for arg, kind in rng.sample(pool, rng.randint(12, 28)):
            chosen.setdefault(arg, ArgSpec(arg, kind, rng.choice((1.0, 1.0, 0.9, 0.7, 0.5, 0.3))))
        if rng.random() < 0.2:
            arg, kind = rng.choice(nested)
            chosen.setdefault(arg, ArgSpec(arg, kind, 0.8))
        out[name] = (1, list(chosen.values()))
    return out


class RequestMaker:
    """Makes requests' arguments, holding the log's share of distinct element lines to a target.

    Each top-level argument becomes one element line. A line of a varied kind is *fresh* (a value
    its name has never had: the kind's next value, all different by construction) whenever the
    fresh lines are behind the target share, else a *repeat* of one of the name's earlier values.
    Lines that cannot be fresh (enums such as status=active, nested arrays' ``Array``, a kind whose
    values ran out, like id_clients past 100,000) are counted exactly through a set of the few such
    lines there are; while the share is behind, optional arguments of that sort are left out, and
    while it is far behind, optional arguments that can be fresh are sent and a method whose call
    cannot keep up is drawn again. So ``distinct / lines`` is the log's measured share, at every
    point of the log.
    """

    def __init__(self, rng: random.Random, knobs: Knobs) -> None:
        self.rng, self.knobs = rng, knobs
        self.target = knobs.distinct
        self.lines = self.distinct = 0  # top-level element lines written, and distinct ones among them
        self.requests = self.nested_requests = 0
        self._seen: set[tuple[str, str]] = set()  # lines of values that repeat anyway
        self._values: dict[tuple[str, str], _Values] = {}
        self._leaves: dict[tuple[str, str], _Values] = {}
        methods = dict(METHODS)
        methods.update(synthetic_methods(knobs.methods, rng))
        self.plans = [self._plan(name, weight, specs) for name, (weight, specs) in methods.items()]
        self._nested_plans = [plan for plan in self.plans if plan.nested_slots]
        self._weights = list(accumulate(plan.weight for plan in self.plans))
        self._nested_weights = list(accumulate(plan.weight for plan in self._nested_plans))
        # With synthetic methods, every method is called once first, so the catalog has them all.
        self._first_pass = list(self.plans) if knobs.methods else []
        self._sid = self._values_for("SID", "sid")

    def _values_for(self, key: str, kind: str) -> _Values:
        values = self._values.get((key, kind))
        if values is None:
            values = self._values[(key, kind)] = _Values(VARIED[kind])
        return values

    def _plan(self, name: str, weight: int, specs: list[ArgSpec]) -> _Plan:
        style = self.rng.choice(self.knobs.languages)
        slots, keys = [], set()
        for spec in specs:
            secret = spec.kind in ("secret", "sid")
            key = spec.name if secret else styled(spec.name, style)
            if key in keys:  # two names with one translation: the second keeps its own
                key = spec.name
            keys.add(key)
            slot = _Slot(key, spec.kind, spec.presence)
            if spec.kind in VARIED:
                slot.values = self._values_for(key, spec.kind)
            elif spec.kind in ENUMS:
                slot.choices = ENUMS[spec.kind]
            else:
                slot.build = NESTED[spec.kind]
            slots.append(slot)
        return _Plan(name, "/" + name.replace(".", "/"), weight, style, slots)

    def _behind(self) -> bool:
        """Whether one more line that is not fresh would leave the share under the target."""
        return self.distinct < self.target * (self.lines + 1)

    def _far_behind(self) -> bool:
        """Whether the share is so far behind that leaving out what cannot be fresh does not do."""
        return self.distinct < self.target * self.lines - 20 - self.lines // 500

    def _repeating(self, key: str, value: str) -> None:
        """Count a line whose value repeats whatever the target (an enum, a nested array's Array)."""
        self.lines += 1
        if (key, value) not in self._seen:
            self._seen.add((key, value))
            self.distinct += 1

    def _varied(self, values: _Values) -> str:
        """Count a line of a varied kind, fresh or a repeat as the share needs; return its value."""
        fresh = values.count == 0 or self._behind()
        self.lines += 1
        if fresh and values.count < values.capacity:
            self.distinct += 1
            return values.fresh()
        return values.repeat(self.rng.random())

    def leaf(self, path: str, kind: str) -> str:
        """A value inside a nested array: fresh as often as the target share (not counted)."""
        values = self._leaves.get((path, kind))
        if values is None:
            values = self._leaves[(path, kind)] = _Values(VARIED[kind])
        if values.count == 0 or (self.rng.random() < self.target and values.count < values.capacity):
            return values.fresh()
        return values.repeat(self.rng.random())

    def _pick(self, nested: bool) -> _Plan:
        """The next request's method: by weight, but while the share is well behind the target (the
        lines that cannot be fresh are too many), another draw for a method that cannot keep up."""
        if self._first_pass:
            return self._first_pass.pop(0)
        plans, weights = (self._nested_plans, self._nested_weights) if nested else (self.plans, self._weights)
        rand = self.rng.random
        plan = plans[bisect(weights, rand() * weights[-1])]
        if self._far_behind():
            for _ in range(8):
                if self._keeps_up(plan, nested):
                    break
                plan = plans[bisect(weights, rand() * weights[-1])]
        return plan

    def _keeps_up(self, plan: _Plan, nested: bool) -> bool:
        """Whether a call of ``plan`` is expected to have at least the target share of fresh lines."""
        fresh = 0.0
        stuck = 1.0 if nested else 0.0  # a nested array's own line repeats
        for slot in plan.slots:
            values = slot.values
            if values is not None and values.count < values.capacity:
                fresh += slot.presence
            elif slot.build is None and slot.presence >= 1.0:
                stuck += 1.0
        return fresh >= self.target * (fresh + stuck)

    def make(self) -> tuple[str, str, list[tuple[str, object]]]:
        """The next request: its component, path and arguments (name, value) in order."""
        rng = self.rng
        rand = rng.random
        nested = self.nested_requests < self.knobs.nested * (self.requests + 1) and bool(self._nested_plans)
        plan = self._pick(nested)
        arrays = plan.nested_slots
        if nested and arrays:
            sent = {id(slot) for slot in arrays if rand() < slot.presence}
            if not sent:
                sent.add(id(rng.choice(arrays)))
        else:
            nested, sent = False, set()
        far_behind = self._far_behind()
        # The counting of _varied and _repeating, inlined: this loop is most of the generator's time.
        target, lines, distinct, seen = self.target, self.lines, self.distinct, self._seen
        items: list[tuple[str, object]] = []
        append = items.append
        for slot in plan.slots:
            values = slot.values
            if values is not None:
                if slot.presence < 1.0:
                    can_be_fresh = values.count < values.capacity
                    if rand() >= slot.presence and not (can_be_fresh and far_behind):
                        continue  # (while the share is far behind, what can be fresh is sent)
                    if not can_be_fresh and distinct < target * (lines + 1):
                        continue  # cannot be fresh, and the share is behind: leave it out this time
                lines += 1
                if (values.count == 0 or distinct < target * lines) and values.count < values.capacity:
                    distinct += 1
                    append((slot.key, values.fresh()))
                else:
                    append((slot.key, values.repeat(rand())))
                continue
            if slot.build is None:
                if slot.presence < 1.0 and (rand() >= slot.presence or distinct < target * (lines + 1)):
                    continue  # not sent, or the share is behind and this cannot be fresh
                value = slot.choices[int(rand() * len(slot.choices))]
            elif id(slot) in sent or (slot.kind == "options" and rand() < slot.presence):
                value = slot.build(self)
                append((slot.key, restyle(value, plan.style) if plan.style != "snake" else value))
                value = "\0Array"  # what is counted: the element line reads Array
            else:
                continue
            if slot.build is None:
                append((slot.key, value))
            lines += 1
            if (slot.key, value) not in seen:
                seen.add((slot.key, value))
                distinct += 1
        self.lines, self.distinct = lines, distinct
        path = plan.path
        if plan.name.endswith(".list") and rand() < 0.2 and not self._behind():
            page = ENUMS["page"][int(rand() * len(ENUMS["page"]))]
            items.append(("page", page))  # GET parameters land in $_REQUEST as well
            self._repeating("page", page)
            path += f"?page={page}"
        roll = rand()
        if roll < 0.2:
            component = "jsonrpc"
            if nested and rand() < 0.3:
                items.append(("auth", _auth(self)))
                self._repeating("auth", "\0Array")
            else:
                items.append(("SID", self._varied(self._sid)))
        else:
            component = "webClient" if roll < 0.3 else "webAdmin"
        self.requests += 1
        self.nested_requests += nested
        return component, path, items


def _array_text(value: dict | list, indent: int) -> str:
    """print_r(value, indent) for arrays of strings and arrays (faster than the general port)."""
    pad = " " * indent
    inner = pad + "    "
    parts = [f"Array\n{pad}(\n"]
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        if isinstance(item, str):
            parts.append(f"{inner}[{key}] => {item}\n")
        elif isinstance(item, (dict, list)):
            parts.append(f"{inner}[{key}] => {_array_text(item, indent + 8)}\n")
        else:
            parts.append(f"{inner}[{_key(key)}] => {print_r(item, indent + 8)}\n")
    parts.append(pad + ")\n")
    return "".join(parts)


def render_dump(items: list[tuple[str, object]]) -> str:
    """print_r of the array of ``items`` (what ``print_r(dict(items))`` gives, without the dict)."""
    parts = ["Array\n(\n"]
    for key, value in items:
        if isinstance(value, str):
            parts.append(f"    [{key}] => {value}\n")
        elif isinstance(value, (dict, list)):
            parts.append(f"    [{key}] => {_array_text(value, 8)}\n")
        else:
            parts.append(f"    [{_key(key)}] => {print_r(value, 8)}\n")
    parts.append(")\n")
    return "".join(parts)


# --------------------------------------------------------------------------- noise


def _any(rng: random.Random, kind: str) -> str:
    """Any value of a varied kind, for noise (which need not be counted)."""
    varied = VARIED[kind]
    return varied.value(rng.randrange(varied.capacity))


def sql_body(rng: random.Random) -> str:
    """An SQL entry, single- or multi-line."""
    i, amount, when = rng.randint(1, 99999), _any(rng, "amount"), _any(rng, "datetime")
    statements = (
        f"SELECT * FROM clients WHERE id = {i}",
        "SELECT c.id, c.name, c.credit\n  FROM clients c\n"
        f"  JOIN companies co ON co.id = c.id_companies\n WHERE c.id = {i}\n ORDER BY c.name",
        f"INSERT INTO payments (id_clients, amount, dt) VALUES ({i}, {amount}, '{when}')",
        f"UPDATE clients SET balance = balance - {amount} WHERE id = {i}",
        "BEGIN",
        "COMMIT",
        f"SELECT count(*)\n  FROM xdrs\n WHERE dt >= '{_any(rng, 'date')}'\n   AND id_clients = {i}",
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
    lambda r: _any(r, "company"),
    lambda r: _any(r, "notes"),
    lambda r: _any(r, "datetime"),
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


def debug_body(rng: random.Random, blank: bool = True) -> str:
    """A DEBUG entry: a message line, then a print_r dump that is not request arguments."""
    value = {f"row{i}": random_php_value(rng, 1) for i in range(rng.randint(2, 8))}
    if rng.random() < 0.3:
        props = {"count": len(value), "rows:protected": value, "elapsed:Db_Result:private": 0.125}
        value = PhpObject("Db_Result", props)
    message = rng.choice(("API response", "rows", "session", "tariff", "menu tree"))
    return f"DEBUG: {message}\n{print_r(value)}" + ("\n" if blank else "")


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


def _noise_pool(rng: random.Random, dense: bool, blank_line: str) -> list[bytes]:
    """Pre-rendered noise bodies, UTF-8 encoded (noise is skipped by a miner: its variety matters less)."""
    makers = (sql_body,) if dense else (sql_body, sql_body, trace_body, debug_body, debug_body)
    pool = []
    for _ in range(POOL_SIZE):
        maker = rng.choice(makers)
        body = maker(rng) if maker is not debug_body else debug_body(rng, _blank(rng, blank_line))
        pool.append(body.encode())
    return pool


def _blank(rng: random.Random, mode: str) -> bool:
    """Whether a dump is followed by a blank line, in this blank-line mode."""
    return mode == "yes" or (mode == "mixed" and rng.random() < 0.5)


def _stamp(t: int) -> bytes:
    """Header timestamp like ``20-Jan-2012 17:32:06+0200``; month names fixed, not locale's."""
    tm = time.gmtime(t + TZ_OFFSET)
    return (
        f"{tm.tm_mday:02d}-{MONTHS[tm.tm_mon - 1]}-{tm.tm_year} "
        f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}+0200"
    ).encode()


class LogGenerator:
    """An endless, reproducible runtime log: ``entries()`` yields complete entries as UTF-8 bytes.

    Its counts (``requests``, ``lines``, ``distinct``, ``nested_requests``, ``blank_dumps``) say
    what it has written so far, exactly; scripts/log_stats.py measures the same from the bytes.
    """

    def __init__(self, profile: str = "dense", seed: int = 1, **knobs: object) -> None:
        if profile not in PROFILES:
            raise ValueError(f"profile is one of {', '.join(PROFILES)}, not {profile!r}")
        self.profile, self.seed, self.knobs = profile, seed, Knobs(**knobs)  # type: ignore[arg-type]
        self.rng = random.Random(seed)
        self.noise = _noise_pool(self.rng, profile == "dense", self.knobs.blank_line)
        self.maker = RequestMaker(self.rng, self.knobs)
        self.blank_dumps = 0

    @property
    def requests(self) -> int:
        """REQUEST entries written so far."""
        return self.maker.requests

    def stats(self) -> dict[str, float]:
        """What the requests written so far hold, as the generator counted it."""
        maker = self.maker
        requests = maker.requests or 1
        return {
            "requests": maker.requests,
            "element_lines": maker.lines,
            "distinct_share": maker.distinct / (maker.lines or 1),
            "nested_share": maker.nested_requests / requests,
            "blank_share": self.blank_dumps / requests,
            "mean_arguments": maker.lines / requests,
        }

    def entries(self) -> Iterator[bytes]:
        """Endless stream of complete log entries (and stray lines) as UTF-8 bytes."""
        share, stray_rate = PROFILES[self.profile]
        rng, maker, noise = self.rng, self.maker, self.noise
        rand = rng.random
        n_noise = len(noise)
        blank_mode = self.knobs.blank_line
        t, number = START_UTC, 260808
        stamp = _stamp(t)
        component = b"webAdmin"
        request_bytes = total_bytes = 0
        while True:
            # Emit a request whenever requests are behind their byte share: this holds the mix exactly.
            if request_bytes <= share * total_bytes:
                name, path, items = maker.make()
                component = name.encode()
                number += 1 + int(rand() * 7)
                step = int(rand() * 4)
                if step:  # formatting the time is the costliest part of a header; reuse it when unchanged
                    t += step
                    stamp = _stamp(t)
                blank = blank_mode == "yes" or (blank_mode == "mixed" and rand() < 0.5)
                self.blank_dumps += blank
                body = f"REQUEST: {path}\n{render_dump(items)}{chr(10) if blank else ''}".encode()
                entry = b"[%s] [%s/#%d] %s" % (stamp, component, number, body)
                request_bytes += len(entry)
            elif rand() < stray_rate:
                entry = STRAY_LINES[int(rand() * len(STRAY_LINES))]
            else:
                entry = b"[%s] [%s/#%d] %s" % (stamp, component, number, noise[int(rand() * n_noise)])
            total_bytes += len(entry)
            yield entry


def iter_entry_bytes(profile: str = "dense", seed: int = 1, **knobs: object) -> Iterator[bytes]:
    """Endless stream of complete log entries (and stray lines) as UTF-8 bytes."""
    return LogGenerator(profile, seed, **knobs).entries()


def iter_entries(profile: str = "dense", seed: int = 1, **knobs: object) -> Iterator[str]:
    """Endless stream of complete log entries (and stray lines) as text."""
    for entry in iter_entry_bytes(profile, seed, **knobs):
        yield entry.decode("utf-8")


def generate(size: int, profile: str = "dense", seed: int = 1, **knobs: object) -> bytes:
    """A whole log of at least ``size`` bytes, ending on an entry boundary (for tests)."""
    parts, total = [], 0
    for entry in iter_entry_bytes(profile, seed, **knobs):
        parts.append(entry)
        total += len(entry)
        if total >= size:
            return b"".join(parts)
    raise AssertionError("unreachable: the entry stream is endless")


def write_log(out: BinaryIO, size: int, generator: LogGenerator, block: int = 4 << 20) -> int:
    """Write ``generator``'s entries to ``out`` in big blocks until ``size`` bytes are passed.

    Returns the bytes written."""
    parts: list[bytes] = []
    pending = written = 0
    for entry in generator.entries():
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


def parse_share(text: str) -> float:
    """Parse a share: ``0.9``, ``90%``."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"not a share between 0 and 1: {text!r} (try 0.9 or 90%)")
    return value


def parse_languages(text: str) -> tuple[str, ...]:
    """Parse ``snake,camel,uk`` or ``all``."""
    styles = STYLES if text == "all" else tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [style for style in styles if style not in STYLES]
    if unknown or not styles:
        raise argparse.ArgumentTypeError(f"languages are all or some of {','.join(STYLES)}, not {text!r}")
    return styles


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; reports the output speed (and with --stats what was written) on stderr."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("out", help="output file, or - for stdout")
    parser.add_argument("--size", type=parse_size, default=parse_size("200MB"), help="e.g. 200MB, 512K, 1G")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="dense")
    parser.add_argument("--seed", type=int, default=1)
    defaults = Knobs()
    parser.add_argument(
        "--distinct",
        type=parse_share,
        default=defaults.distinct,
        help="share of distinct top-level element lines, as 0.9 or 90%% (default 0.01)",
    )
    parser.add_argument(
        "--nested",
        type=parse_share,
        default=defaults.nested,
        help="share of requests with nested arrays, as 0.3 or 30%% (default 0.2)",
    )
    parser.add_argument(
        "--blank-line",
        choices=BLANK_LINE_MODES,
        default=defaults.blank_line,
        help="a blank line after each dump (default yes)",
    )
    parser.add_argument(
        "--languages",
        type=parse_languages,
        nargs="?",
        const=STYLES,
        default=defaults.languages,
        help=f"styles of argument names, some of {','.join(STYLES)} or all (alone: all; default snake)",
    )
    parser.add_argument(
        "--methods", type=int, default=0, help="synthetic methods besides the real ones (default 0)"
    )
    parser.add_argument(
        "--stats", action="store_true", help="then measure the log written (scripts/log_stats.py)"
    )
    args = parser.parse_args(argv)
    generator = LogGenerator(
        args.profile,
        args.seed,
        distinct=args.distinct,
        nested=args.nested,
        blank_line=args.blank_line,
        languages=args.languages,
        methods=args.methods,
    )
    started = time.perf_counter()
    if args.out == "-":
        written = write_log(sys.stdout.buffer, args.size, generator)
        sys.stdout.buffer.flush()
    else:
        with open(args.out, "wb") as out:
            written = write_log(out, args.size, generator)
    elapsed = time.perf_counter() - started
    print(f"wrote {written} bytes in {elapsed:.2f}s ({written / 2**20 / elapsed:.1f} MB/s)", file=sys.stderr)
    if args.stats:
        counted = generator.stats()
        print(
            f"generator: {counted['requests']} requests, "
            f"distinct element lines {counted['distinct_share']:.2%}, "
            f"nested {counted['nested_share']:.2%}, blank line after dump {counted['blank_share']:.2%}",
            file=sys.stderr,
        )
        if args.out != "-":
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from log_stats import log_stats

            print(f"measured: {log_stats(args.out).summary()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
