"""Which argument names look secret: for those the catalog keeps presence and type, never a value."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words that mark a name as secret. A name is secret when one of its words is one of these
# (``cp_password``, ``apiKey``, ``SID``), or when it ends with one (``userpass``, ``PHPSESSID``).
DEFAULT_SECRET_WORDS = (
    "password",
    "passwd",
    "pass",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "sid",
    "sessid",
    "session",
    "hash",
    "key",
    "apikey",
    "pin",
    "cvv",
    "cvc",
    "otp",
    "salt",
    "signature",
    "credential",
    "credentials",
    "private",
)

# Split `cp_password`, `apiKey`, `auth[login]`, `Pass-Word2` into words.
_WORDS = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|\b|_|\d|$)|[A-Z]?[a-z]+|[A-Z]+|\d+")


class SecretNames:
    """Decides, and remembers, whether argument names are secret under a list of words."""

    def __init__(self, words: Iterable[str] = DEFAULT_SECRET_WORDS) -> None:
        self.words = tuple(sorted({word.strip().lower() for word in words if word.strip()}))
        self._word_set = frozenset(self.words)
        self._known: dict[str, bool] = {}

    def __call__(self, name: str) -> bool:
        """Whether ``name`` (an argument name or bracket path) looks secret."""
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = self._decide(name)
        return known

    def _decide(self, name: str) -> bool:
        for part in re.split(r"[\[\]]+", name):
            if not part:
                continue
            lowered = part.lower()
            if lowered in self._word_set:
                return True
            if any(word.lower() in self._word_set for word in _WORDS.findall(part)):
                return True
            if any(lowered.endswith(word) for word in self.words if len(word) >= 3):
                return True
            if any(word in lowered for word in self.words if len(word) >= 6):
                return True
        return False


# Values that may hold a credential whatever their argument is called: a URL with a password, a
# secret-named query pair, a JWT, an auth header, a private key, a long digit run (a card number).
# A fast first look; ``secret_value`` decides.
PREFILTER = re.compile(
    r"://[^/\s]*@|[=:]\s*\S|eyJ[A-Za-z0-9_-]{8,}\.|(?i:bearer|basic)\s+\S{8,}|-----BEGIN"
    r"|[0-9](?:[ -]?[0-9]){12,18}"
)
_URL_PASSWORD = re.compile(r"://[^/\s:@]*:[^/\s@]+@")
_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_.\-\[\]]*)\s*[=:]\s*(\S+)")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_AUTH = re.compile(r"(?i)\b(?:bearer|basic)\s+[A-Za-z0-9+/=._~-]{8,}")
_CARD = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
_DEFAULT_NAMES = SecretNames()


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0


def secret_value(value: str) -> bool:
    """Whether a value holds a credential, whatever its argument is called."""
    if PREFILTER.search(value) is None:
        return False
    if _URL_PASSWORD.search(value) or _JWT.search(value) or _AUTH.search(value) or "-----BEGIN" in value:
        return True
    if any(_DEFAULT_NAMES(name) for name, _ in _PAIR.findall(value)):
        return True
    for match in _CARD.finditer(value):
        digits = match.group().replace(" ", "").replace("-", "")
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return True
    return False


_SEGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")
_TOKEN_LIKE = re.compile(r"[0-9a-fA-F]{16,}|[A-Za-z0-9+/_\-]{24,}|.*[=@:%]")


def method_from_path(path: str) -> tuple[str | None, str | None]:
    """The method a REQUEST path names (``/companies/add`` -> ``companies.add``) and None, or None
    and why there is none. ``?query``, ``#fragment``, ``;params`` and ``&k=v`` are cut; a path
    with a segment that looks like a token or credential names no method."""
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    for mark in "?#;&":
        cut = path.find(mark)
        if cut >= 0:
            path = path[:cut]
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return None, None
    if any(_TOKEN_LIKE.match(segment) or not _SEGMENT.match(segment) for segment in segments):
        return None, "the REQUEST path holds what looks like a token or credential"
    return ".".join(segments), None


def component_name(component: str) -> str:
    """A header's component (``webAdmin``) with anything after ``;``, ``?``, ``&`` or a space cut."""
    name = re.split(r"[;?&\s]", component, maxsplit=1)[0]
    return name if name and not _TOKEN_LIKE.match(name) else "?"
