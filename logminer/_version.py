"""logminer's version, in one place (the package, the exports and the client's User-Agent read it)."""

__version__ = "0.1.0"
