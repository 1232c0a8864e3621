"""Secrets in argument names, values, request paths and texts (logminer.catalog.secrets).

The lists under tests/data/secrets/ come from public sources (each file says which): names and values
that must be caught, names and values that must stay visible, and the known limits, which are counted
and printed but not asserted.
"""

from __future__ import annotations

import base64
import html
import json
import random
import string
import time
import uuid
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logminer.catalog.samples import withheld
from logminer.catalog.secrets import (
    DEEPER,
    DEFAULT_SECRET_WORDS,
    MASK,
    NO_METHOD,
    ODD_PATH,
    TOKEN_IN_PATH,
    SecretNames,
    SecretValues,
    card_number,
    component_name,
    mask_secrets,
    method_from_path,
    scrub,
    secret_value,
)

DATA = Path(__file__).parent / "data" / "secrets"


def lines(name: str) -> list[str]:
    """The entries of a data file: "#" lines are comments, a line in double quotes is a JSON string."""
    entries = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        entries.append(json.loads(line) if line.startswith('"') else line)
    return entries


def limits(name: str) -> list[tuple[str, str, str]]:
    """A known-limits file: (entry, what it should be, why)."""
    return [tuple(line.split("\t")) for line in lines(name)]  # type: ignore[misc]


names = SecretNames()


# -- names: examples ------------------------------------------------------------------------------


def test_a_name_is_secret_by_its_words_in_any_style():
    for name in ("cp_password", "cpPassword", "CpPassword", "CP_PASSWORD", "cp-password", "cp.password"):
        assert names(name)
    assert names("auth[password]") and names("fields[0][pin]") and names("credentials[api][key]")
    assert not names("auth[login]") and not names("fields[0][value]")


def test_plurals_and_stems_count():
    plurals = ("tokens", "api_keys", "access_tokens", "authTokens", "pins", "hashes", "passwords", "secrets")
    for name in plurals:
        assert names(name), name
    assert names("паролі") and names("пароля") and names("mots_de_passe") and names("contraseñas")


def test_words_are_words_not_substrings():
    ordinary = ("spin", "bypass", "compass", "monkey", "turkey", "hockey", "passenger", "shipping", "pinned")
    for name in ordinary:
        assert not names(name), name


def test_a_name_written_in_one_glued_word():
    for name in ("PHPSESSID", "jsessionid", "cppassword", "csrftoken", "awssecretkey", "userpass", "dbpwd"):
        assert names(name), name
    assert not names("hotkey") and not names("timespan") and not names("whiskey")


def test_metadata_after_the_secret_word_names_no_secret():
    about = ("token_ttl", "password_min_length", "api_key_id", "key_type", "pin_enabled", "sessions_limit")
    for name in about:
        assert not names(name), name
    assert names("session_id"), "the session id is the session token itself"
    assert names("password_confirmation") and names("password_hash") and names("token_value")


def test_flags_references_and_harmless_compounds():
    for name in ("is_private", "has_pin", "max_sessions", "require_password", "use_token"):
        assert not names(name), name
    assert not names("id_sessions") and not names("id_tokens") and not names("filter[id_sessions]")
    assert names("id_token"), "OpenID Connect's id_token is a JWT"
    for name in ("public_key", "primary_key", "sort[key]", "publishable_key", "email_signature"):
        assert not names(name), name
    assert names("public_key_password")


def test_weak_words_count_only_at_the_end_and_in_the_singular():
    assert names("session") and names("user_session") and names("private") and names("private[value]")
    assert not names("sessions") and not names("session_start") and not names("private_notes")


def test_a_secret_parent_makes_its_children_secret():
    assert names("credentials[api][url]") and names("password[min_length]")
    assert names("card[number]"), "a phrase may run across brackets"


def test_php_visibility_notes_are_not_words():
    assert not names("storage:Session_Base:private") and not names("roles:protected")
    assert names("password:User:private")


def test_other_languages():
    for name in ("passwort", "Kennwort", "schlüssel", "mot_de_passe", "mdp", "contraseña", "senha", "clave"):
        assert names(name), name
    for name in ("haslo", "hasło", "wachtwoord", "пароль", "parol", "ключ", "токен", "секрет", "пін", "пин"):
        assert names(name), name
    for name in ("ключова_ставка", "ключевые_слова", "parola_chiave", "ClaveProdServ", "Schlüsselwort"):
        assert not names(name), name


def test_user_words_are_matched_as_words_too():
    with_iban = SecretNames((*DEFAULT_SECRET_WORDS, "iban_number"))
    assert with_iban("iban_number") and with_iban("ibanNumber")
    bans = SecretNames(["ban"])
    assert bans("ban_list") and bans("bans") and not bans("iban") and not bans("urban")
    assert SecretNames(["cardnumber"])("card_number"), "a word added as cardNumber is stored lower-case"


def test_a_word_a_user_adds_counts_wherever_it_stands():
    """The metadata, flag and weak-word rules describe the built-in words; an added word masks more."""
    with_tax = SecretNames((*DEFAULT_SECRET_WORDS, "tax"))
    assert with_tax("tax_id") and with_tax("is_tax") and with_tax("taxes") and not names("tax_id")
    assert not with_tax("id_taxes_profiles"), "id_<module> is a reference, whatever the words"


def test_removing_a_word_removes_its_matches():
    without_key = SecretNames(word for word in DEFAULT_SECRET_WORDS if word != "key")
    assert not without_key("license_key") and names("license_key")
    assert without_key("api_key"), "apikey is an entry of its own"


def test_the_words_attribute_is_the_sorted_list():
    assert SecretNames([" Pass ", "token", "pass"]).words == ("pass", "token")
    assert isinstance(DEFAULT_SECRET_WORDS, tuple) and all(isinstance(w, str) for w in DEFAULT_SECRET_WORDS)


# -- names: evidence ------------------------------------------------------------------------------


def test_no_secret_name_of_the_public_lists_is_missed():
    missed = [name for name in lines("names_secret.txt") if not names(name)]
    assert missed == [], f"{len(missed)} secret names missed"


def test_no_ordinary_name_is_taken_for_a_secret():
    flagged = [name for name in lines("names_benign.txt") if names(name)]
    assert flagged == [], f"{len(flagged)} ordinary names flagged"


def test_known_limits_of_names(capsys):
    """Counted and shown, not asserted: what word rules cannot tell apart."""
    rows = limits("names_limits.txt")
    wrong = [(name, expected) for name, expected, _why in rows if names(name) != (expected == "secret")]
    with capsys.disabled():
        print(f"\nnames: {len(wrong)} of {len(rows)} known limits decided otherwise than their meaning")


def test_a_long_name_is_decided_as_any_other():
    """1500 brackets deep (tests/test_safety_extremes.py), or 100 000 characters of hostile junk."""
    assert not names("a" + "[a]" * 1500) and names("a" + "[a]" * 1500 + "[pin]")
    started = time.perf_counter()
    assert not names("aB_" * 33_000) and names("aB_" * 33_000 + "password")
    assert time.perf_counter() - started < 5


# fmt: off
BENIGN_WORDS = (
    "client", "company", "billing", "rate", "table", "notify", "format", "low", "balance", "threshold",
    "currency", "address", "invoice", "tax", "reg", "orig", "term", "capacity", "package", "trunk",
    "route", "prefix", "weight", "page", "amount", "price", "credit", "debit", "customer", "vendor",
    "report", "summary", "export", "file", "comment", "note", "title", "value", "filter", "start", "end",
    "day", "week", "month", "year", "minutes", "digits", "copy", "host", "smtp", "login", "user", "name",
    "first", "last", "phone", "country", "city", "street", "zip", "gateway", "plan", "tariff",
)
# fmt: on
SECRET_WORDS = (
    ("password", "passwords"),
    ("token", "tokens"),
    ("secret", "secrets"),
    ("key", "keys"),
    ("pin", "pins"),
    ("hash", "hashes"),
    ("passphrase", "passphrases"),
    ("credential", "credentials"),
    ("cookie", "cookies"),
    ("signature", "signatures"),
    ("salt", "salts"),
    ("nonce", "nonces"),
    ("otp", "otps"),
    ("cvv", "cvvs"),
    ("iban", "ibans"),
    ("jwt", "jwts"),
    ("passcode", "passcodes"),
    ("pin code", "pin codes"),
    ("card number", "card numbers"),
    ("api key", "api keys"),
    ("access token", "access tokens"),
    ("auth code", "auth codes"),
    ("session id", "session ids"),
    ("private key", "private keys"),
    ("client secret", "client secrets"),
    ("security answer", "security answers"),
    ("connection string", "connection strings"),
    ("passwort", "passworter"),
    ("пароль", "паролі"),
    ("токен", "токени"),
    ("ключ", "ключі"),
    ("contraseña", "contraseñas"),
    ("senha", "senhas"),
    ("mot de passe", "mots de passe"),
    ("wachtwoord", "wachtwoorden"),
)
METADATA_WORDS = ("ttl", "expires", "length", "type", "id", "count", "policy", "min", "max", "enabled")


def styled(words: list[str], style: str) -> str:
    """Words joined in a naming style, as they appear in real argument names."""
    if style == "snake":
        return "_".join(words)
    if style == "kebab":
        return "-".join(words)
    if style == "dotted":
        return ".".join(words)
    if style == "upper":
        return "_".join(word.upper() for word in words)
    if style == "camel":
        return words[0] + "".join(word[:1].upper() + word[1:] for word in words[1:])
    if style == "pascal":
        return "".join(word[:1].upper() + word[1:] for word in words)
    if style == "header":
        return "-".join(word[:1].upper() + word[1:] for word in words)
    if style == "bracket":
        return words[0] + "".join(f"[{word}]" for word in words[1:])
    return " ".join(words)


STYLES = st.sampled_from(
    ["snake", "kebab", "dotted", "upper", "camel", "pascal", "header", "bracket", "space"]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(BENIGN_WORDS), max_size=3),
    st.sampled_from(SECRET_WORDS),
    st.booleans(),
    STYLES,
    st.sampled_from(["", "1", "2"]),
)
def test_benign_words_then_a_secret_word_is_secret(before, secret, plural, style, digits):
    words = [*before, *secret[plural].split()]
    name = styled(words, style) + digits
    assert names(name), name


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(BENIGN_WORDS), min_size=1, max_size=4), STYLES)
def test_benign_words_alone_are_not_secret(words, style):
    name = styled(words, style)
    assert not names(name), name


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SECRET_WORDS), st.sampled_from(METADATA_WORDS), STYLES)
def test_a_secret_word_then_a_metadata_word_is_not_secret(secret, metadata, style):
    if style == "bracket":
        style = "snake"  # in a bracket path the secret word is a parent, whose children are secret
    name = styled([*secret[0].split(), metadata], style)
    assert not names(name), name


# -- values ---------------------------------------------------------------------------------------


def test_values_that_hold_secrets():
    assert secret_value("postgres://billing:s3cret@db.example.com/billing")
    assert secret_value("https://example.com/cb?page=2&access_token=abc123")
    assert secret_value("PHPSESSID=298zf09hf012fh2; path=/")
    assert secret_value("Authorization: Bearer mF_9.B5f-4.1JqM")
    assert secret_value("4111 1111 1111 1111")
    assert secret_value("-----BEGIN OPENSSH PRIVATE KEY-----")


def test_values_that_do_not():
    for value in ("John Smith", "1242.00", "2024-01-15 10:22:33+02", "john.doe@example.com", "38044221923"):
        assert not secret_value(value), value
    assert not secret_value("https://example.com/path?page=2&sort=name")
    assert not secret_value("a0b21ce2-006f-4cc6-95d5-d7b550698482")
    assert not secret_value("token=") and not secret_value("The token expired")


def test_pairs_follow_the_catalogs_secret_words():
    with_voucher = SecretValues(SecretNames((*DEFAULT_SECRET_WORDS, "voucher")))
    assert with_voucher("voucher_code=XK7-22") and not secret_value("voucher_code=XK7-22")
    assert not SecretValues(SecretNames(["pin"]))("password=hunter2")


def test_card_numbers_need_an_issuer_a_length_and_the_luhn_digit():
    assert card_number("4242424242424242") and card_number("378282246310005")
    assert not card_number("4242424242424241"), "the Luhn check digit is wrong"
    assert not card_number("1234567812345670"), "no issuer starts with 1"
    assert not card_number("4222222222222"), "13-digit Visa cards are retired"
    assert not secret_value("4242 4242 42 42 4242 4242"), "not grouped as cards are"


FRAGMENTS = (
    *("Bearer ", "basic ", "Token ", "Digest ", "=", ":", "@", "://", "; ", "&", "?", " ", "\n"),
    *("-", ".", "_"),
    *("user", "pw", "password", "sid", "page", "4111", "1111", "3782", "822463", "10005", "42", "2024"),
    *("eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxIn0", "AKIA", "IOSFODNN7EXAMPLE", "ghp_", "x" * 36, "sk-"),
    *("<password>", "</password>", '"', "'", "[pin] => ", "-----BEGIN RSA PRIVATE KEY-----", "PuTTY-User"),
    *("sip:", "QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "mF_9.B5f-4.1JqM", "hooks.slack.com/services/T0/B0/X1"),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join))
def test_the_prefilter_never_hides_a_secret(text):
    """The cheap checks in front decide nothing the full tests would decide otherwise."""
    values = SecretValues()
    assert values(text) == values._detect(text), text


# What the bulk prefilter cannot see in its scans, and must still send on: letters that match a
# scheme's only when case is ignored, digits other than 0-9, non-ASCII text, values of several lines.
TRICKY = (*("ſ", "\u212a", "ı", "İ", "٤١١١", "４２４２", "Кирил", "ü", "€", "\n"), "to\u212aen ", "BAſIC ")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS + TRICKY), max_size=8).map("".join), max_size=12))
def test_the_bulk_prefilter_decides_as_each_value_alone(texts):
    """``withheld`` scans many values at once and looks closely only at those its scans let through:
    it says what the full test says of each value on its own."""
    values = SecretValues()
    assert withheld(texts, values) == [values(text) for text in texts]


def test_the_bulk_prefilter_finds_marks_in_any_value_of_many():
    values = SecretValues()
    texts = [f"name {number}" for number in range(1000)]
    secrets = {17: "Bearer mF_9.B5f-4.1JqM", 500: "4111 1111 1111 1111", 999: "password=hunter2"}
    secrets |= {3: "ghp_" + "x" * 36, 42: "line\npassword=hunter2", 77: "ſome text"}
    for index, text in secrets.items():
        texts[index] = text
    flags = withheld(texts, values)
    assert [index for index, flag in enumerate(flags) if flag] == [3, 17, 42, 500, 999]


@pytest.mark.parametrize(
    "text",
    [
        "a" * 50_000 + "://",
        "a:" * 50_000,
        "digest " + "x=" * 50_000,
        "<a " * 50_000,
        "1-" * 50_000,
        "a=" * 50_000,
        "'a':" * 50_000,
        "[a] => " * 50_000,
        "token " * 50_000,
        "a:b@" * 50_000,
    ],
    ids=lambda text: repr(text[:8]),
)
def test_no_value_makes_the_checks_slow(text):
    """Values come from logs anyone can write to: no regex may backtrack on them (quadratic here
    would take minutes; linear takes milliseconds)."""
    started = time.perf_counter()
    secret_value(text)
    assert time.perf_counter() - started < 5


def test_no_secret_value_of_the_public_lists_is_missed():
    missed = [value for value in lines("values_secret.txt") if not secret_value(value)]
    assert missed == [], f"{len(missed)} secret values missed"


def test_no_ordinary_value_is_taken_for_a_secret():
    flagged = [value for value in lines("values_benign.txt") if secret_value(value)]
    assert flagged == [], f"{len(flagged)} ordinary values flagged"


def generated_values(count: int, seed: int = 11) -> list[str]:
    """Ordinary values in bulk: names, amounts, dates, e-mail addresses, phones, ids, UUIDs, IPs, text."""
    rng = random.Random(seed)
    first = ["Olena", "Taras", "Anna", "John", "Maria", "Jürgen", "Søren", "Łukasz", "Іван", "Дмитро"]
    last = ["Shevchenko", "Kowalski", "Smith", "Müller", "Иванов", "García", "O'Brien", "Ng"]
    words = ["the", "rate", "table", "was", "updated", "for", "all", "routes", "of", "carrier", "today"]
    makers = [
        lambda: f"{rng.choice(first)} {rng.choice(last)}",
        lambda: f"{rng.uniform(-1e6, 1e6):.2f}",
        lambda: f"{rng.randint(0, 10**9) / 10**4:.4f}",
        lambda: f"20{rng.randint(10, 30)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}",
        lambda: (
            f"20{rng.randint(10, 30)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02} "
            f"{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:{rng.randint(0, 59):02}+02"
        ),
        lambda: f"{rng.choice(first).lower()}.{rng.randint(1, 999)}@example.{rng.choice(['com', 'ua'])}",
        lambda: f"+{rng.choice(['380', '44', '49', '1', '48', '7'])}{rng.randint(10**8, 10**10)}",
        lambda: f"+380 {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        lambda: str(rng.randint(10000, 99999)),
        lambda: str(rng.randint(10**9, 10**10 - 1)),
        lambda: str(uuid.UUID(int=rng.getrandbits(128))),
        lambda: ".".join(str(rng.randint(0, 255)) for _ in range(4)),
        lambda: " ".join(rng.choice(words) for _ in range(rng.randint(3, 12))),
        lambda: f"https://billing.example.com/{rng.choice(words)}?page={rng.randint(1, 9)}&sort=name",
        lambda: f"{rng.choice(['sort', 'page', 'limit', 'lang', 'format'])}={rng.choice(words)}",
        lambda: "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(rng.randint(3, 8))),
    ]
    return [rng.choice(makers)() for _ in range(count)]


def test_no_generated_ordinary_value_is_taken_for_a_secret():
    flagged = [value for value in generated_values(20_000) if secret_value(value)]
    assert flagged == []


def test_false_alarms_on_random_long_ids(capsys):
    """Random 13-19 digit ids that pass for card numbers: about 1 in 40, measured and bounded here."""
    rng = random.Random(5)
    lengths = [length for length in range(13, 20) for _ in range(3000)]
    ids = [str(rng.randint(10 ** (length - 1), 10**length - 1)) for length in lengths]
    rate = sum(secret_value(value) for value in ids) / len(ids)
    with capsys.disabled():
        print(f"\nrandom 13-19 digit ids flagged as card numbers: {rate:.2%}")
    assert rate < 0.04


def test_known_limits_of_values(capsys):
    rows = limits("values_limits.txt")
    wrong = [value for value, expected, _why in rows if secret_value(value) != (expected == "secret")]
    with capsys.disabled():
        print(f"\nvalues: {len(wrong)} of {len(rows)} known limits decided otherwise than their meaning")


# -- request paths and components -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/companies/add", "companies.add"),
        ("/clients/editForm", "clients.editForm"),
        ("/a/b/c", "a.b.c"),
        ("/clients/list?page=2", "clients.list"),
        ("/clients/list#top", "clients.list"),
        ("/clients/list;jsessionid=1A530637289A03B07199A44E8D531427", "clients.list"),
        ("/clients/list&SID=bmdgeu6bn22jlmkuffg391t513", "clients.list"),
        ("/admin/clients/add", "clients.add"),
        ("https://admin:pw@billing.example.com/admin/clients/list?SID=x", "clients.list"),
        ("/clients/edit/42", "clients.edit"),
        ("/rate_tables/packages_add", "rate_tables.packages_add"),
        ("/reports/summary/export", "reports.summary.export"),
        ("/xdrs/download took 26.31s", "xdrs.download"),
        ("/export2csv", "export2csv"),
        ("/admin", "admin"),
    ],
)
def test_a_request_path_gives_a_method_name(path, method):
    assert method_from_path(path) == (method, None)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/users/reset/3f9a8c0b7d6e5f4a3b2c1d0e9f8a7b6c", TOKEN_IN_PATH),
        ("/users/reset/a0b21ce2-006f-4cc6-95d5-d7b550698482", TOKEN_IN_PATH),
        ("/auth/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", TOKEN_IN_PATH),
        ("/users/reset/Zq8XkPd2LmN4vR7tYw1aBc", TOKEN_IN_PATH),
        ("/users/reset/ZqXkPdLmNvRtYwaBcD", TOKEN_IN_PATH),
        ("/clients/password=hunter2", TOKEN_IN_PATH),
        ("/clients/admin:pw@host", TOKEN_IN_PATH),
        ("/clients/%70assword", TOKEN_IN_PATH),
        ("/clients/" + "x" * 65, TOKEN_IN_PATH),
        ("/clients/list.json", ODD_PATH),
        ("/clients/<script>", ODD_PATH),
        ("/клієнти/список", ODD_PATH),
        ("/", NO_METHOD),
        ("", NO_METHOD),
    ],
)
def test_a_path_that_holds_a_token_gives_a_reason_not_a_name(path, reason):
    assert method_from_path(path) == (None, reason)


def test_the_reason_never_quotes_the_path():
    token = "3f9a8c0b7d6e5f4a3b2c1d0e9f8a7b6c"
    _name, reason = method_from_path(f"/users/reset/{token}")
    assert reason is not None and token not in reason and "3f9a" not in reason


@pytest.mark.parametrize(
    ("component", "shown"),
    [
        ("webAdmin", "webAdmin"),
        ("jsonrpc", "jsonrpc"),
        ("cron", "cron"),
        ("webAdmin;SID=bmdgeu6bn22jlmkuffg391t513", "webAdmin"),
        ("webClient?token=abc", "webClient"),
        ("jsonrpc&x=1", "jsonrpc"),
        ("cron daily", "cron"),
        ("3f9a8c0b7d6e5f4a3b2c1d0e9f8a7b6c", "?"),
        ("admin:pw@host", "?"),
        ("", "?"),
    ],
)
def test_the_component_field_as_it_may_be_shown(component, shown):
    assert component_name(component) == shown


# -- scrubbing texts ------------------------------------------------------------------------------


def test_scrub_masks_a_secret_in_every_encoding():
    secret = 'pa/ss "wörd"&<1>+%'
    encodings = [
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        quote(secret, safe="").lower(),
        html.escape(secret),
        html.escape(secret, quote=False),
    ]
    for encoded in encodings:
        text = f"error near {encoded}, try again"
        assert scrub(text, [secret]) == f"error near {MASK}, try again", encoded


def test_scrub_masks_basic_auth_of_a_login_and_a_password():
    header = "Authorization: Basic " + base64.b64encode(b"admin:s3cret-pw").decode()
    assert scrub(header, ["s3cret-pw"], logins=["admin"]) == f"Authorization: Basic {MASK}"


def test_scrub_masks_short_secrets_only_where_they_stand_alone():
    assert scrub("pin 42 at line 142", ["42"]) == f"pin {MASK} at line 142"
    assert scrub("a 7 in 1.7 and x7", ["7"]) == f"a {MASK} in 1.{MASK} and x7"
    assert scrub("nothing to hide", ["", ""]) == "nothing to hide"


def test_scrub_takes_the_longest_secret_first():
    assert scrub("token abcdef and abc", ["abc", "abcdef"]) == f"token {MASK} and {MASK}"
    assert scrub("x", [], mask="#") == "x"


# -- masking trees --------------------------------------------------------------------------------


def test_mask_secrets_masks_by_name_and_by_value_without_changing_its_input():
    reply = {
        "id_clients": 17,
        "cp_password": "hunter2",
        "auth": {"login": "api", "password": "Vx-1"},
        "fields": [{"id": 3, "pin": 1234}, {"id": 4, "value": "postgres://u:p@h/db"}],
        "credentials": {"api": {"url": "https://x", "port": 443}},
        "notes": "ok",
    }
    before = json.dumps(reply)
    masked = mask_secrets(reply, names)
    assert json.dumps(reply) == before
    assert masked == {
        "id_clients": 17,
        "cp_password": MASK,
        "auth": {"login": "api", "password": MASK},
        "fields": [{"id": 3, "pin": MASK}, {"id": 4, "value": MASK}],
        "credentials": {"api": {"url": MASK, "port": MASK}},
        "notes": "ok",
    }


def test_mask_secrets_masks_keys_that_are_secrets():
    masked = mask_secrets({"4111111111111111": "visa", "4242424242424242": "visa", "x": 1}, names)
    assert masked == {MASK: MASK, f"{MASK}2": MASK, "x": 1}


def test_mask_secrets_survives_any_depth():
    deep: dict = {}
    node = deep
    for _ in range(200_000):
        node["a"] = {}
        node = node["a"]
    node["password"] = "Vx-deep"
    masked = mask_secrets(deep, names)
    depth = 0
    while isinstance(masked, dict):
        masked, depth = masked["a"], depth + 1
    assert masked == DEEPER and depth == 100
    listed: list = []
    node_list = listed
    for _ in range(200_000):
        node_list.append([])
        node_list = node_list[0]
    assert "Vx" not in json.dumps(mask_secrets({"x": listed}, names, max_depth=5))


def test_mask_secrets_masks_card_numbers_sent_as_numbers():
    assert mask_secrets({"n": 4111111111111111, "id": 1705312953123, "ok": True}, names) == {
        "n": MASK,
        "id": 1705312953123,
        "ok": True,
    }
