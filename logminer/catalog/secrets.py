"""What must never be kept or shown: secret argument names, secret values, credentials in a request
path, and secrets echoed in a text.

Names (``SecretNames``)
-----------------------
A name is a PHP bracket path (``cp_password``, ``auth[password]``, ``fields[0][pin]``). It is split
into parts at the brackets and each part into words at every change of style: ``_``, ``-``, ``.``,
spaces, a lower-to-upper change (``cpPassword``), the end of a capital run (``APIKey`` -> api, key), a
letter-digit change (``cvv2`` -> cvv, 2). A PHP visibility note (``storage:Session_Base:private``) is
dropped first: it names a class, not what the property holds. Words are folded: lower case, accents
dropped (``schlüssel`` -> schlussel, ``contraseña`` -> contrasena, ``hasło`` -> haslo), an English
plural ``-s``/``-es`` removed (``tokens``, ``hashes``, ``api_keys``), a Russian or Ukrainian ending
removed (``пароля``, ``паролі`` -> парол).

The words of the list (``DEFAULT_SECRET_WORDS``, or the catalog's own) are folded the same way and
joined without separators, so ``card number``, ``card_number``, ``cardNumber`` and ``CARDNUMBER`` are
one entry, matched by any run of consecutive words of the name, also across brackets (``card[number]``).
A word is matched as a word, never as any substring: ``spin``, ``bypass``, ``compass``, ``monkey`` are
single words that hold no secret word. Three exceptions, for names written in one glued word: a word
that ends with a list entry of five letters or more (``PHPSESSID``, ``cppassword``, ``csrftoken``,
``awssecretkey``), unless that entry ends ordinary words too (``clave``: ``enclave``); a word that ends
with ``key``, ``pass``, ``pwd``, ``pw``, ``sid``... after four letters or more (``servicekey``,
``bintraykey``), unless it is an English word (``whiskey``, ``turnkey``, ``trespass``); and a word made
of a common qualifier and a short entry (``userpass``, ``dbpwd``, ``newpin``, ``sshkey``).

A match does not count, and the name is not secret for it, when:
- a metadata word follows it in the same part: the name describes the secret instead of holding it
  (``token_ttl``, ``password_min_length``, ``api_key_id``, ``key_type``, ``pin_enabled``,
  ``password_policy``, ``sessions_limit``). ``session_id`` is no exception to this rule but an entry
  of its own: the session id is the session token itself, and nothing follows it;
- the part starts with a flag word and the match comes after it: ``is_private``, ``has_pin``,
  ``max_sessions``, ``use_token``, ``require_password`` hold true, false or a number;
- the part is a reference to another module's row: ``id_<module>`` (``id_sessions``, ``id_tokens``),
  except ``id_token``, the OpenID Connect token;
- a well-known harmless compound covers it: ``public_key``, ``primary_key``, ``sort_key``,
  ``publishable_key``, ``email_signature``, ``key_account``, ``parola_chiave`` (Italian: keyword),
  ``ClaveProdServ`` (a Mexican invoice code), ``первичный ключ``;
- it is a weak entry (``session``, ``private``) anywhere but at the end of its part, or in the plural:
  ``session`` and ``user_session`` hold a session id, ``sessions`` and ``session_start`` do not.
A name is secret when any match in it counts: a secret parent makes its children secret
(``credentials[api][url]``). The exceptions describe the built-in words: a word the user adds (``mine
--secret WORD``) counts wherever it stands, but in an ``id_<module>`` part; adding a word only ever
masks more.

Values (``secret_value``, ``SecretValues``)
-------------------------------------------
A value is secret when it holds credentials in a URL, a ``name=value`` pair, a JSON ``"name": "value"``,
a print_r ``[name] => value``, an XML element or a ``Name: value`` header line whose name is secret, a
JWT, an ``Authorization`` scheme with its credentials, a private key, a card number, or a token of a
well-known format. A prefilter rejects ordinary values (names, amounts, dates, e-mail addresses, ids,
UUIDs, plain text) with a few substring tests and three regex searches that the engine runs in C;
only what passes it meets the other tests. No regex here backtracks more than linearly, whatever the
value: values come from logs anyone can write to.

Paths (``method_from_path``, ``component_name``)
------------------------------------------------
The REQUEST path becomes a method name only from segments that are identifiers; a segment that looks
like a credential or a token makes the request skipped, with a reason that does not quote it.

Texts and trees (``scrub``, ``mask_secrets``)
---------------------------------------------
``scrub`` replaces known secrets in a text in every encoding a reply or an error may use;
``mask_secrets`` masks a JSON-like tree by names and by values, without recursion.
"""

from __future__ import annotations

import base64
import binascii
import functools
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

MASK = "********"

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

# Words and phrases that mark a name as secret, in any naming style (each is folded as names are).
# fmt: off
DEFAULT_SECRET_WORDS = (
    # passwords
    "password", "passwd", "pass", "pwd", "pw", "pswd", "pword", "passphrase", "passcode", "passkey",
    # secrets, credentials
    "secret", "secrete", "credential", "creds", "community string",
    # tokens, sessions, cookies, request forgery
    "token", "jwt", "bearer", "nonce", "csrf", "xsrf", "sid", "sessid", "session id", "session", "cookie",
    "authorization", "authorisation",
    # keys
    "key", "apikey", "accesskey", "secretkey", "privatekey", "privkey", "authkey", "appkey", "keytab",
    "private",
    # hashes, signatures
    "hash", "hmac", "signature", "sig", "salt", "pepper",
    # one-time and recovery codes
    "otp", "totp", "hotp", "one time code", "auth code", "verification code", "verify code",
    "confirmation code", "confirm code", "sms code", "2fa code", "mfa code", "tfa code", "two factor code",
    "security code", "recovery code", "backup code", "reset code", "activation code", "access code",
    "login code", "unlock code", "recovery phrase", "seed phrase",
    # payment cards and bank accounts
    "pin", "pincode", "pan", "cvv", "cvc", "cvn", "csc", "card number", "card num", "card no", "cardnum",
    "cc number", "ccnum", "credit card", "track data", "track1", "track2", "iban", "account number",
    "acct number", "acctnum", "bank account",
    # connection strings
    "dsn", "connection string", "connstr", "conn string", "database url", "database uri", "db url", "db uri",
    "jdbc url", "redis url", "mongo uri", "mongodb uri", "amqp url", "broker url",
    # secret questions
    "security question", "security answer", "secret question", "maiden name", "memorable word",
    # German, Dutch
    "passwort", "passworter", "kennwort", "kennworter", "geheim", "geheimnis", "geheimzahl", "schlussel",
    "schluessel", "zugangsdaten", "wachtwoord", "wachtwoorden", "sleutel",
    # French, Spanish, Portuguese, Italian
    "mot de passe", "motdepasse", "mdp", "cle", "jeton", "contrasena", "clave", "secreto", "secreta",
    "senha", "chave", "segredo", "palavra passe", "chiave", "segreto", "segreta",
    # Polish
    "haslo", "hasla", "klucz", "klucze", "sekret",
    # Ukrainian and Russian, in Cyrillic and transliterated
    "пароль", "ключ", "токен", "секрет", "секретний", "таємний", "пін", "пин", "пінкод", "пинкод",
    "код підтвердження", "код подтверждения", "parol", "klyuch", "kljuch", "kluch", "kod podtverzhdeniya",
    "kod pidtverdzhennya",
)
# fmt: on

# Entries that count only as the last word of their part, and in the singular (see the docstring).
_WEAK = ("session", "private")

# Entries not matched at the end of a glued word: they end ordinary words (enclave, bellpepper).
# fmt: off
_NOT_GLUED = (
    "session", "private", "clave", "chave", "chiave", "pepper", "bearer", "cookie", "schlussel", "schluessel",
    "sleutel", "geheim", "secreta", "segreta",
)
# fmt: on

# Qualifiers that glue to a short entry in one word: userpass, dbpwd, newpin, sshkey, keypass.
# fmt: off
_GLUE_PREFIXES = (
    "user", "usr", "db", "new", "old", "admin", "root", "cp", "my", "sip", "ftp", "smtp", "mail", "email",
    "app", "api", "auth", "login", "sys", "web", "master", "current", "confirm", "repeat", "priv", "secret",
    "access", "client", "consumer", "ssh", "pgp", "gpg", "enc", "key", "signing", "license",
)
# fmt: on

# Short entries that also end a glued word after any four letters or more (servicekey, bintraypass),
# but for the English words that end so.
_GLUED_SHORT = (
    "key",
    "pass",
    "pwd",
    "pw",
    "pswd",
    "sid",
    "sig",
    "otp",
    "jwt",
    "csrf",
    "xsrf",
    "cred",
    "hmac",
)
_ENGLISH_GLUED = (
    "whiskey",
    "turnkey",
    "malarkey",
    "flunkey",
    "trespass",
    "overpass",
    "underpass",
    "encompass",
)

# Words after a secret word that make the name describe the secret, not hold it.
# fmt: off
_METADATA = (
    "id", "uuid", "guid", "ttl", "expires", "expire", "expiry", "expiration", "expired", "lifetime",
    "timeout", "age", "validity", "valid", "length", "len", "size", "bits", "min", "max", "minimum",
    "maximum", "count", "type", "kind", "format", "policy", "policies", "rule", "strength", "complexity",
    "pattern", "regex", "enabled", "disabled", "enable", "disable", "required", "optional", "mandatory",
    "allowed", "status", "state", "mode", "name", "label", "title", "description", "created", "updated",
    "changed", "modified", "at", "date", "time", "timestamp", "ts", "dt", "since", "until", "used", "usage",
    "attempt", "tries", "retries", "failures", "error", "limit", "quota", "interval", "period", "duration",
    "rotation", "version", "algorithm", "algo", "alg", "method", "scheme", "location", "path", "dir",
    "directory", "folder", "url", "uri", "endpoint", "host", "port", "domain", "field", "column",
    "placeholder", "template", "visible", "hidden", "secure", "httponly", "samesite", "verified", "masked",
    "provider", "issuer", "audience", "scope", "level", "owner", "flag", "notify", "notification",
    "reminder", "sent", "hasher", "validator", "generator", "backend", "engine", "handler", "class",
)
# fmt: on

# Words that, first in a part, make it a flag or a number about the secret: is_private, max_sessions.
# fmt: off
_FLAGS = (
    "is", "has", "have", "use", "uses", "enable", "enabled", "disable", "disabled", "require", "requires",
    "required", "allow", "allowed", "show", "hide", "remember", "can", "should", "must", "need", "no", "num",
    "max", "min", "count", "total", "masked", "with", "without", "force", "expire",
)
# fmt: on

# Harmless compounds of a secret word.
# fmt: off
_HARMLESS = (
    "public key", "pub key", "publickey", "publishable key", "site key", "primary key", "foreign key",
    "unique key", "composite key", "sort key", "sorting key", "partition key", "cache key", "lookup key",
    "map key", "dict key", "group key", "order key", "index key", "row key", "object key", "translation key",
    "i18n key", "lang key", "language key", "locale key", "setting key", "config key", "option key",
    "idempotency key", "key account", "key word", "key words", "email signature", "mail signature",
    "pass through", "parola chiave", "clave prod serv", "clave unidad", "clave producto", "chave pix",
    "klucz glowny", "klucz obcy", "первичный ключ", "внешний ключ", "первинний ключ", "зовнішній ключ",
)
# fmt: on

# A PHP visibility note after a property name: ``storage:Session_Base:private``, ``roles:protected``.
_VISIBILITY = re.compile(r":(?:[^:\[\]]*:)?(?:private|protected)$")
_BRACKETS = re.compile(r"[\[\]]+")
# Glyphs that no Unicode decomposition takes apart.
_FOLDS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe", "ß": "ss"})
# fmt: off
_CYRILLIC_ENDINGS = (  # longest first
    "ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ии", "ыи", "ои", "еи", "ая", "яя", "ое",
    "ее", "ие", "ов", "ев", "ів", "ам", "ям", "ах", "ях", "ом", "ем", "ою", "ею",
    "а", "я", "о", "е", "и", "ы", "і", "ї", "у", "ю", "ь",
)
# fmt: on
# Runs longer than this many words are not tried (no entry has more words).
_MAX_RUN = 5
# Remembered decisions per SecretNames; the table is emptied when full.
_MAX_KNOWN = 50_000


def _split_words(part: str) -> list[str]:
    """``cpPassword`` -> cp, Password; ``APIKey`` -> API, Key; ``cvv2`` -> cvv, 2; ``x-api_key`` -> x,
    api, key. Letters of any script; upper and lower case as Unicode says."""
    words: list[str] = []
    current = ""
    previous = ""  # the kind of the last character: U(pper), L(ower or caseless), D(igit)
    for char in part:
        if char.isalpha():
            kind = "U" if char.isupper() else "L"
        elif char.isdigit():
            kind = "D"
        else:
            if current:
                words.append(current)
            current, previous = "", ""
            continue
        if current:
            if (kind == "D") != (previous == "D") or (kind == "U" and previous == "L"):
                words.append(current)
                current = ""
            elif kind == "L" and previous == "U" and len(current) >= 2 and current[-2].isupper():
                words.append(current[:-1])  # the last capital starts the next word: API|Key
                current = current[-1]
        current += char
        previous = kind
    if current:
        words.append(current)
    return words


@functools.lru_cache(maxsize=8192)
def _fold(word: str) -> tuple[str, bool]:
    """A word's folded form, and whether a plural ending was removed."""
    word = unicodedata.normalize("NFKD", word.casefold().translate(_FOLDS))
    word = "".join(char for char in word if not unicodedata.combining(char))
    if not word:
        return word, False
    if "\u0400" <= word[0] <= "\u04ff":
        for ending in _CYRILLIC_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)], False
        return word, False
    if word.endswith("ss") or len(word) < 3 or not word.endswith("s"):
        return word, False
    if word.endswith(("shes", "ches", "sses", "xes", "zes")):
        return word[:-2], True
    return word[:-1], True


def _entry(words: str) -> str:
    """A list entry as it is matched: its folded words joined (``Card-Number`` -> ``cardnumber``)."""
    return "".join(_fold(word)[0] for word in _split_words(words))


class _Word:
    """A folded word of a name: its part, where that part starts, whether it ends the part."""

    __slots__ = ("folded", "last", "part", "plural", "start")

    def __init__(self, folded: str, plural: bool, part: int, start: int, last: bool) -> None:
        self.folded, self.plural, self.part, self.start, self.last = folded, plural, part, start, last


class SecretNames:
    """Decides, and remembers, whether argument names are secret under a list of words.

    ``SecretNames(words)(name)`` is True when ``name`` (an argument name or a PHP bracket path) holds a
    word or phrase of ``words`` by the rules of this module's docstring.
    """

    def __init__(self, words: Iterable[str] = DEFAULT_SECRET_WORDS) -> None:
        self.words = tuple(sorted({word.strip().lower() for word in words if word.strip()}))
        entries = {_entry(word) for word in self.words} - {""}
        self._entries = frozenset(entries)
        self._weak = frozenset(_entry(word) for word in _WEAK) & self._entries
        not_glued = {_entry(word) for word in _NOT_GLUED}
        self._glued_endings = frozenset(e for e in entries if len(e) >= 5 and e not in not_glued)
        self._ending_sizes = sorted({len(ending) for ending in self._glued_endings})
        self._short = frozenset(e for e in entries if len(e) <= 4 and e not in self._weak)
        self._glued_short = frozenset(_entry(word) for word in _GLUED_SHORT) & entries
        self._harmless = frozenset(_entry(words) for words in _HARMLESS)
        # Words a user added count wherever they stand: the exceptions describe the built-in words.
        self._added = self._entries - {_entry(word) for word in DEFAULT_SECRET_WORDS}
        self._known: dict[str, bool] = {}

    def __call__(self, name: str) -> bool:
        """Whether ``name`` (an argument name or bracket path) looks secret."""
        known = self._known.get(name)
        if known is None:
            if len(self._known) >= _MAX_KNOWN:
                self._known.clear()
            known = self._known[name] = self._decide(name)
        return known

    def _decide(self, name: str) -> bool:
        words = _name_words(name)
        harmless: set[int] = set()
        for i, j, _key in _runs(words, self._harmless):
            harmless.update(range(i, j))
        for i, j, key in _runs(words, self._entries, self._glued):
            if any(word.folded == "" for word in words[i:j]):  # a word of an id_<module> part
                continue
            if key in self._added or (
                not harmless.intersection(range(i, j)) and self._counts(words, i, j, key)
            ):
                return True
        return False

    def _glued(self, word: str) -> bool:
        # Slices of the word looked up in sets: a handful of lookups per word, whatever the list.
        length = len(word)
        if length < 4:  # the shortest glued word is a two-letter qualifier and pw: dbpw
            return False
        if any(word[-size:] in self._glued_endings for size in self._ending_sizes if size <= length):
            return True
        if word not in _ENGLISH_GLUED and any(
            word[-size:] in self._glued_short for size in (2, 3, 4) if length - size >= 4
        ):
            return True
        return any(
            word[:size] in _GLUE_PREFIX_SET and word[size:] in self._short
            for size in _GLUE_PREFIX_SIZES
            if size < length
        )

    def _counts(self, words: list[_Word], i: int, j: int, key: str) -> bool:
        last = words[j - 1]
        if key in self._weak and (not last.last or last.plural):
            return False
        for word in words[j:]:
            if word.part != last.part:
                break
            if word.folded in _METADATA_SET:
                return False
        first = words[words[i].start]
        return not (first.folded in _FLAG_SET and first is not words[i])


_METADATA_SET = frozenset(_fold(word)[0] for word in _METADATA)
_GLUE_PREFIX_SET = frozenset(_GLUE_PREFIXES)
_GLUE_PREFIX_SIZES = sorted({len(prefix) for prefix in _GLUE_PREFIXES})
_FLAG_SET = frozenset(_fold(word)[0] for word in _FLAGS)


def _name_words(name: str) -> list[_Word]:
    """The folded words of a bracket path, each knowing its part and where that part starts."""
    words: list[_Word] = []
    for number, part in enumerate(_BRACKETS.split(name)):
        raw = _split_words(_VISIBILITY.sub("", part))
        if not raw:
            continue
        start = len(words)
        folded = [_fold(word) for word in raw]
        # id_<module> names a row of another module: its words match nothing (id_token excepted).
        reference = folded[0][0] == "id" and len(raw) > 1 and [w.lower() for w in raw] != ["id", "token"]
        for index, (word, plural) in enumerate(folded):
            words.append(_Word("" if reference else word, plural, number, start, index == len(raw) - 1))
    return words


def _runs(words: list[_Word], entries: frozenset[str], glued: Callable[[str], bool] | None = None):
    """(start, end, entry) of each run of words that spells an entry, or a glued word (see above)."""
    for i in range(len(words)):
        key = ""
        for j in range(i, min(len(words), i + _MAX_RUN)):
            key += words[j].folded
            if j == i:
                if key in entries or (glued is not None and key and glued(key)):
                    yield i, j + 1, key
            elif len(key) >= 5 and key in entries:  # a phrase, or a word written in pieces (pass_word)
                yield i, j + 1, key


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

# The prefilter (see SecretValues.__call__): substring tests, then three searches that each start at
# a character class, which the regex engine scans for in C. Every secret value this module knows
# passes one of them; names, amounts, dates, e-mail addresses, ids and UUIDs pass none.
# A colon after a letter or quote, or one space or tab after (a header, JSON, a URL), or before an @
# (user:pw@host).
_COLON = r":(?:(?<=[A-Za-z\"'_]:)|(?<=[A-Za-z\"'_][ \t]:)|[^\s:@/]{0,200}@)"
# The separator of a well-known token prefix (ghp_, npm_, sk_live_, xoxb-, glpat-, sk-, SG., hooks.slack);
# AKIA, AIza.
_TOKEN_MARK_PARTS = (
    r"_(?:(?<=gh[pousr]_)|(?<=npm_)|(?<=github_)pat_|(?<=[rs]k_)(?:live|test)_)",
    r"-(?:(?<=xox[abposr]-)|(?<=glpat-)|(?<=sk-))",
    r"\.(?:(?<=SG\.)|(?<=hooks\.))",
    r"A(?:KIA|SIA|Iza)",
)
_TOKEN_MARK = "|".join(_TOKEN_MARK_PARTS)
_QUICK = re.compile(f"{_COLON}|{_TOKEN_MARK}")
_TOKEN_MARKS = re.compile(_TOKEN_MARK)
# An authentication scheme and the space after it.
AUTH_SCHEMES = ("bearer", "basic", "token", "digest", "negotiate", "ntlm", "apikey", "api-key")
_SCHEME = re.compile(r"\s(?:" + "|".join(f"(?<=(?i:{scheme})\\s)" for scheme in AUTH_SCHEMES) + ")")
# As many digits as the shortest card number, alone or in a card's groups.
_LONG_DIGITS = re.compile(r"\d{13}|\d{4}[ -]\d{4}[ -]\d{4}|\d{4}[ -]\d{6}[ -]\d{4}")
# user:password@ after a scheme (postgres://u:p@h/db, https://admin:pw@billing/, redis://:pw@h).
_URL_CREDENTIALS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s/?#@:]{0,256}:[^\s/?#@]{1,256}@")
# user:password@host without a scheme (Go's MySQL DSN, a proxy setting); see _bare_credentials.
_BARE_CREDENTIALS = re.compile(r"(?<![\w.%+-])([A-Za-z][\w.%+-]{0,63}):[^\s@/:]{1,256}@[\w-]")
_URI_SCHEMES = frozenset({"sip", "sips", "mailto", "tel", "xmpp", "im", "pres", "urn"})
# name=value in a query, a form, a cookie, an ADO connection string or a command line.
_PAIR = re.compile(
    r"(?:^|(?<=[\s?&;,{(\"'/-]))([A-Za-z_][\w.\-\[\]]{0,63})\s*=\s*([^\s&;,\"']+|\"[^\"]+\"|'[^']+')"
)
# "name": "value" (JSON, a dict's repr), [name] => value (print_r), Name: value at a line start.
_QUOTED_PAIR = re.compile(
    r"[\"']([^\"'\\\n]{1,64})[\"'][ \t]?(?::|=>)\s*(?:[\"']([^\"'\n]+)[\"']|(-?\d[\w.+-]*))"
)
_PRINT_R_PAIR = re.compile(r"\[([^\]\n]{1,64})\]\s*=>\s*(\S[^\n]*)")
_HEADER = re.compile(r"(?m)^[ \t]*([A-Za-z](?:[\w.-]{0,62}[A-Za-z_])?)[ \t]?:[ \t]*(\S[^\n]*)")
_XML = re.compile(r"<([A-Za-z_][\w.-]{0,63})(?:\s[^<>]{0,256})?>([^<]+)</\1>")
_JWT = re.compile(r"(?<![\w-])(eyJ[A-Za-z0-9_-]{8,})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d")
_AUTH_SCHEME = re.compile(r"(?i)\b(bearer|token|apikey|api-key)\s+([A-Za-z0-9._~+/=-]{8,})")
_BASIC = re.compile(r"(?i)\bbasic\s+([A-Za-z0-9+/]{4,}={0,2})(?![\w+/=])")
# Digest credentials: the scheme, then parameters, among them the response hash.
_DIGEST = re.compile(r"(?i)\bdigest\s+\w+\s*=")
_DIGEST_RESPONSE = re.compile(r"(?i)\bresponse\s*=\s*\"?[0-9a-f]{16}")
_NEGOTIATE = re.compile(r"(?i)\b(?:negotiate|ntlm)\s+[A-Za-z0-9+/]{16,}")
_KNOWN_TOKENS = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?:AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key ids (long-term, temporary)
    r"|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}"  # GitHub
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|[rs]k_(?:live|test)_[A-Za-z0-9]{16,}"  # Stripe secret and restricted keys
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r"|glpat-[A-Za-z0-9_-]{20,}"  # GitLab
    r"|npm_[A-Za-z0-9]{36}"  # npm
    r"|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"  # SendGrid
    r"|sk-(?:proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}"  # OpenAI, Anthropic
    r")(?![A-Za-z0-9])|hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+"
)
# 13 to 19 digits, alone or in the groups cards are printed in; not part of a longer number or amount.
_CARD = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){12,18}(?!\d|[.,]\d)")
_CARD_GROUPS = ((4, 4, 4, 4), (4, 4, 4, 4, 1), (4, 4, 4, 4, 2), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4))
# Issuer prefixes (IIN ranges) and the lengths their cards have. Visa's retired 13-digit cards are
# left out: 13-digit numbers starting with 4 are mostly German and Polish phone numbers.
_CARD_BRANDS: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (4, 4, (16, 19)),  # Visa
    (51, 55, (16,)),  # Mastercard
    (2221, 2720, (16,)),  # Mastercard 2-series
    (34, 34, (15,)),  # American Express
    (37, 37, (15,)),
    (6011, 6011, (16, 17, 18, 19)),  # Discover
    (644, 649, (16, 17, 18, 19)),
    (65, 65, (16, 17, 18, 19)),
    (622126, 622925, (16, 17, 18, 19)),
    (3528, 3589, (16, 17, 18, 19)),  # JCB
    (300, 305, (14, 15, 16, 17, 18, 19)),  # Diners Club
    (3095, 3095, (14, 15, 16, 17, 18, 19)),
    (36, 36, (14, 15, 16, 17, 18, 19)),
    (38, 39, (14, 15, 16, 17, 18, 19)),
    (62, 62, (16, 17, 18, 19)),  # UnionPay
    (50, 50, (13, 14, 15, 16, 17, 18, 19)),  # Maestro
    (56, 58, (13, 14, 15, 16, 17, 18, 19)),
    (67, 67, (13, 14, 15, 16, 17, 18, 19)),
    (6304, 6304, (13, 14, 15, 16, 17, 18, 19)),
    (639, 639, (16, 17, 18, 19)),
    (2200, 2204, (16, 17, 18, 19)),  # Mir
    (60, 60, (16,)),  # RuPay
    (508, 508, (16,)),
    (9792, 9792, (16,)),  # Troy
    (9804, 9804, (16,)),  # Prostir (Ukraine)
    (8600, 8600, (16,)),  # UzCard
    (9860, 9860, (16,)),  # Humo
)


def card_number(digits: str) -> bool:
    """Whether ``digits`` (digits only) is a payment card number: a known issuer prefix, a length that
    issuer uses, and a valid Luhn check digit."""
    length = len(digits)
    if not 13 <= length <= 19 or not digits.isdigit():
        return False
    if not any(
        length in lengths and low <= int(digits[: len(str(low))]) <= high
        for low, high, lengths in _CARD_BRANDS
    ):
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


# The prefilter of ``SecretValues``, also run on many values at once (``samples.withheld``): a value
# holds no secret this module knows when it holds none of the MARKS, no match of the mark pattern (of
# one of MARK_PARTS, its alternatives, each of which starts with one character that the regex engine
# finds fast), no authentication scheme followed by a space (AUTH_SCHEMES are the scheme pattern's
# words) and no match of the long digits' pattern (CARD_SHAPES: what it matches, every digit written
# 0 and every space or hyphen -).
MARKS = ("=", "<", "-----", "eyJ", "PuTTY")
MARK_PARTS = tuple(map(re.compile, (_COLON, *_TOKEN_MARK_PARTS)))
CARD_SHAPES = ("0" * 13, "0000-0000-0000", "0000-000000-0000")


class SecretValues:
    """Decides whether a value (a string) holds a secret, whatever its argument is called.

    ``names`` decides which names in ``name=value`` pairs, JSON, print_r, XML and header lines are
    secret (the catalog's own ``SecretNames``, or the default one).
    """

    def __init__(self, names: Callable[[str], bool] | None = None) -> None:
        self._names = names if names is not None else SecretNames()

    def __call__(self, text: str) -> bool:
        """Whether ``text`` holds a secret (see the module docstring for what counts)."""
        marks = any(map(text.__contains__, MARKS)) or _QUICK.search(text) is not None
        scheme = _SCHEME.search(text) is not None
        digits = _LONG_DIGITS.search(text) is not None
        return (marks or scheme or digits) and self._detect(text, marks, scheme, digits)

    def _detect(self, text: str, marks: bool = True, scheme: bool = True, digits: bool = True) -> bool:
        """The tests behind the prefilter; each runs only where its mark is (all of them by default)."""
        return bool(
            (scheme and _auth_header(text))
            or (digits and any(_card(match.group()) for match in _CARD.finditer(text)))
            or (
                marks
                and (
                    ("://" in text and _URL_CREDENTIALS.search(text))
                    or ("@" in text and _bare_credentials(text))
                    or self._named(text)
                    or (("-----" in text or "PuTTY" in text) and _PRIVATE_KEY.search(text))
                    or (_TOKEN_MARKS.search(text) and _KNOWN_TOKENS.search(text))
                    or ("eyJ" in text and any(_is_jwt(match) for match in _JWT.finditer(text)))
                )
            )
        )

    def _named(self, text: str) -> bool:
        patterns = (
            (_PAIR, "=" in text),
            (_QUOTED_PAIR, ":" in text or "=>" in text),
            (_PRINT_R_PAIR, "=>" in text),
            (_HEADER, ":" in text),
            (_XML, "</" in text),
        )
        for pattern, marked in patterns:
            if not marked:
                continue
            for match in pattern.finditer(text):
                value = next((group for group in match.groups()[1:] if group), "").strip("\"' ")
                if value and value.strip("*") and self._names(match.group(1)):
                    return True
        return False


def _bare_credentials(text: str) -> bool:
    # sip:alice@example.com is a SIP address, not the password "alice" of the user "sip".
    return any(match.group(1).lower() not in _URI_SCHEMES for match in _BARE_CREDENTIALS.finditer(text))


def _is_jwt(match: re.Match[str]) -> bool:
    header = match.group(1)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (ValueError, binascii.Error, RecursionError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


def _auth_header(text: str) -> bool:
    for match in _AUTH_SCHEME.finditer(text):
        if _looks_random(match.group(2)):
            return True
    for match in _BASIC.finditer(text):
        try:
            decoded = base64.b64decode(match.group(1), validate=True).decode("utf-8")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            continue
        if ":" in decoded and decoded.isprintable():
            return True
    if _DIGEST.search(text) and _DIGEST_RESPONSE.search(text):
        return True
    return _NEGOTIATE.search(text) is not None


def _looks_random(credential: str) -> bool:
    # Words after "token" or "bearer" in prose are no credentials: a credential has a digit, or is
    # long and not one plain word.
    if any(char.isdigit() for char in credential):
        return True
    plain = credential.isalpha() and (credential.islower() or credential.istitle())
    return len(credential) >= 20 and not plain


def _card(candidate: str) -> bool:
    digits = candidate.replace(" ", "").replace("-", "")
    if digits != candidate:
        separators = {char for char in candidate if not char.isdigit()}
        groups = tuple(len(group) for group in re.split(r"[ -]", candidate))
        if len(separators) != 1 or groups not in _CARD_GROUPS:
            return False
    return card_number(digits)


@functools.cache
def _default_values() -> SecretValues:
    """The checks of values under the default secret words, made once (their regexes are large)."""
    return SecretValues()


def secret_value(text: str) -> bool:
    """Whether ``text`` holds a secret under the default secret words: credentials in a URL, a secret
    ``name=value`` pair, a JWT, an auth header, a private key, a card number, a well-known token."""
    return _default_values()(text)


# ---------------------------------------------------------------------------------------------
# Request paths and components
# ---------------------------------------------------------------------------------------------

TOKEN_IN_PATH = "the path holds what looks like a token or credential"
ODD_PATH = "the path holds characters that no method name has"
NO_METHOD = "the path names no method"

# What ends the path proper: a query, a fragment, matrix parameters, a session glued with `&`, a space.
_PATH_END = re.compile(r"[?#;&\s]")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Characters that carry credentials in a URL: user:password@, name=value, percent-encoded bytes.
_CREDENTIAL_CHARS = frozenset("=@:%+~")
_HEX_RUN = re.compile(r"[0-9A-Fa-f]{16,}")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_JWT_SEGMENT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_CONSONANTS = re.compile(r"[bcdfghjklmnpqrstvwxz]{5,}")
# Module and function names are short; a longer segment is a token or junk.
_MAX_SEGMENT = 64


def _looks_like_token(segment: str) -> bool:
    """A UUID, a long hex or base64 run, a JWT, or a long run of letters and digits that no words make."""
    if len(segment) > _MAX_SEGMENT or _UUID.fullmatch(segment) or _JWT_SEGMENT.fullmatch(segment):
        return True
    if _HEX_RUN.fullmatch(segment) and any(char.isdigit() for char in segment):
        return True
    if len(segment) < 16:
        return False
    if sum(char.isdigit() for char in segment) >= 4:
        return True
    words = _split_words(segment)
    if sum(len(word) <= 2 for word in words) * 2 > len(words):  # ZqXkPdLmNvRtYwaB
        return True
    return any(_CONSONANTS.search(word.lower()) for word in words)  # qwhdjskqoweiruty


def method_from_path(path: str) -> tuple[str | None, str | None]:
    """The method name of a REQUEST path, or why there is none: ``(name, None)`` or ``(None, reason)``.

    ``/clients/add`` -> ``clients.add``; deeper paths join every segment (``/a/b/c`` -> ``a.b.c``).
    A query, a fragment, ``;params``, ``&k=v`` and whatever follows a space are cut; a full URL gives
    its path only (never its credentials); a leading ``admin`` segment (``/admin/clients/add``, as the
    browser shows it) is dropped, and so are numeric segments (``/clients/edit/42``: a row id, never
    part of a name). A segment that looks like a token or credential (``=``, ``@``, ``:``, ``%``, a
    UUID, a long hex or base64 run, a JWT) makes the whole path refused: the reason says so without
    quoting it. Other segments must be identifiers (letters, digits, ``_``, ``-``; not a digit first).
    """
    text = path.strip()
    if "://" in text or text.startswith("//"):
        try:
            text = urlsplit(text).path
        except ValueError:
            return None, TOKEN_IN_PATH
    end = _PATH_END.search(text)
    if end:
        text = text[: end.start()]
    names: list[str] = []
    odd = False
    for segment in text.split("/"):
        if not segment or segment.isdigit():
            continue
        if _CREDENTIAL_CHARS.intersection(segment) or _looks_like_token(segment):
            return None, TOKEN_IN_PATH
        if not _IDENTIFIER.fullmatch(segment) or not segment.isascii():
            odd = True
        names.append(segment)
    if odd:
        return None, ODD_PATH
    if len(names) > 1 and names[0] == "admin":
        names.pop(0)
    if not names:
        return None, NO_METHOD
    return ".".join(names), None


_COMPONENT_END = re.compile(r"[;?&\s]")
_COMPONENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


def component_name(component: str) -> str:
    """The component field of a log header (``webAdmin``, ``jsonrpc``, ``cron``) as it may be shown:
    cut at ``;``, ``?``, ``&`` or a space (``webAdmin;SID=...`` -> ``webAdmin``), and ``?`` for
    anything that is not a plain name or looks like a credential or token."""
    end = _COMPONENT_END.search(component)
    name = component[: end.start()] if end else component
    if not _COMPONENT.fullmatch(name) or _looks_like_token(name):
        return "?"
    return name


# ---------------------------------------------------------------------------------------------
# Texts and trees
# ---------------------------------------------------------------------------------------------

# Secrets shorter than this are masked only where they stand as a whole token (see ``scrub``).
SHORT_SECRET = 4


def _encodings(secret: str) -> set[str]:
    """The ways a reply, a URL or an error message may write ``secret``."""
    forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
    for ascii_only in (True, False):
        escaped = json.dumps(secret, ensure_ascii=ascii_only)[1:-1]
        forms.update((escaped, escaped.replace("/", "\\/")))  # PHP's json_encode escapes slashes
    for quoted in (True, False):
        escaped = html.escape(secret, quote=quoted)
        forms.update((escaped, escaped.replace("&#x27;", "&#039;")))  # PHP's htmlspecialchars
    forms.update({re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), form) for form in forms if "%" in form})
    return forms


def scrub(text: str, secrets: Iterable[str], mask: str = MASK, *, logins: Iterable[str] = ()) -> str:
    """``text`` with each of ``secrets`` replaced by ``mask`` wherever it appears: verbatim,
    JSON-escaped (as ``json.dumps`` writes it with and without ``ensure_ascii``, and with PHP's ``\\/``),
    URL-encoded (``quote``, ``quote_plus``, either case of hex), HTML-escaped.

    With ``logins``, the base64 of ``login:secret`` (an HTTP Basic ``Authorization`` header, which
    httpx builds from a URL's ``user:password@``) is masked too: a password cannot be found inside it
    otherwise. Empty secrets are ignored. A secret shorter than ``SHORT_SECRET`` characters is masked
    only where it stands alone (not inside a longer word or number): masking every ``7`` of a message
    for a one-character password would leave nothing to read, while a whole-token match still hides
    the secret where it was echoed.
    """
    secrets = [secret for secret in secrets if secret]
    forms: set[str] = set()
    for secret in secrets:
        forms |= _encodings(secret)
    for login in logins:
        for secret in secrets:
            pair = f"{login}:{secret}".encode()
            forms |= {base64.b64encode(pair).decode(), base64.urlsafe_b64encode(pair).decode()}
    if not forms:
        return text
    ordered = sorted(forms, key=len, reverse=True)
    long_forms = "|".join(re.escape(form) for form in ordered if len(form) >= SHORT_SECRET)
    short_forms = "|".join(re.escape(form) for form in ordered if len(form) < SHORT_SECRET)
    alternatives = [long_forms] if long_forms else []
    if short_forms:
        alternatives.append(rf"(?<![^\W_])(?:{short_forms})(?![^\W_])")
    return re.sub("|".join(alternatives), lambda _: mask, text)


# How deep mask_secrets goes; what lies deeper is replaced by DEEPER.
MAX_DEPTH = 100
DEEPER = "(nested too deep: left out)"


def mask_secrets(
    value: Any,
    is_secret_name: Callable[[str], bool],
    mask: str = MASK,
    *,
    is_secret_value: Callable[[str], bool] = secret_value,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """A copy of a JSON-like tree (dicts, lists, tuples, scalars) with secrets masked; the input is
    not changed.

    Every value under a key whose bracket path (``key``, ``parent[key]``, ``parent[]`` for list items)
    ``is_secret_name`` calls secret becomes ``mask``, whatever it is (a whole subtree too, key by
    key); every string that ``is_secret_value`` flags becomes ``mask``, and so does a long integer it
    flags once written out (a card number sent as a number); a dict key it flags becomes ``mask``
    (``mask2``... when several do) and its value is masked. Containers deeper than
    ``max_depth`` levels are replaced by ``DEEPER``: no recursion, so no RecursionError however deep.
    """
    root: list[Any] = [None]
    # (item, the container its copy goes into, the slot there, its path, its depth, under a secret)
    stack: list[tuple[Any, Any, Any, str, int, bool]] = [(value, root, 0, "", 0, False)]
    while stack:
        item, target, slot, path, depth, hidden = stack.pop()
        if isinstance(item, dict):
            if depth >= max_depth:
                target[slot] = DEEPER
                continue
            copy: dict[Any, Any] = {}
            target[slot] = copy
            masked_keys = 0
            for key, child in item.items():
                secret_key = isinstance(key, str) and is_secret_value(key)
                if secret_key:
                    masked_keys += 1
                    key = mask if masked_keys == 1 else f"{mask}{masked_keys}"
                child_path = f"{path}[{key}]" if path else str(key)
                secret = hidden or secret_key or is_secret_name(child_path)
                copy[key] = None  # keeps the order of keys
                stack.append((child, copy, key, child_path, depth + 1, secret))
        elif isinstance(item, (list, tuple)):
            if depth >= max_depth:
                target[slot] = DEEPER
                continue
            items: list[Any] = [None] * len(item)
            target[slot] = items
            stack.extend(
                (child, items, index, f"{path}[]", depth + 1, hidden) for index, child in enumerate(item)
            )
        elif hidden or (isinstance(item, str) and is_secret_value(item)):
            target[slot] = mask
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) >= 10**12:
            # A card number sent as a JSON number.
            target[slot] = mask if is_secret_value(str(abs(item))) else item
        else:
            target[slot] = item
    return root[0]
