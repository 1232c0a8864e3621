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
