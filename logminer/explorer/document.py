"""The explorer's document: a catalog as the data of the explorer page (see ``page.py`` for the fields).

Each method is what ``logminer show METHOD --format json`` prints (``describe_method``), with its
``module``, and each example call with ``call``: the texts ``logminer show METHOD --example
cli|python|json`` prints for it, which the page's copy buttons hold. The catalog keeps no secret
value (an example call holds the placeholder ``<secret>``), so neither does the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from .._version import __version__
from ..calls.examples import FORMS, example
from ..catalog.explore import describe_method
from ..catalog.model import Catalog


def document(
    catalog: Catalog, *, sources: Iterable[str] | None = None, generated: datetime | None = None
) -> dict[str, Any]:
    """The page's data for ``catalog``: its summary and every method, sorted by name.

    ``sources`` are the logs named as mined from (default: the catalog's own source paths);
    ``generated`` is when the document was made (default: now).
    """
    methods = [_method(catalog, name) for name in sorted(catalog.methods)]
    first = [method["first_seen"] for method in methods if method["first_seen"]]
    last = [method["last_seen"] for method in methods if method["last_seen"]]
    moment = generated if generated is not None else datetime.now(timezone.utc).replace(microsecond=0)
    return {
        "logminer": __version__,
        "generated": moment.isoformat(),
        "catalog": {
            "methods": len(methods),
            "calls": sum(method["calls"] for method in methods),
            # ISO 8601 with differing offsets does not sort as text: compare the moments.
            "first_seen": min(first, key=datetime.fromisoformat) if first else None,
            "last_seen": max(last, key=datetime.fromisoformat) if last else None,
            "sources": list(sources) if sources is not None else sorted(catalog.sources),
        },
        "methods": methods,
    }


def _method(catalog: Catalog, name: str) -> dict[str, Any]:
    detail = describe_method(catalog, name)
    for exemplar in detail["exemplars"]:
        exemplar["call"] = {form: example(detail["method"], exemplar["params"], form) for form in FORMS}
    return {"method": detail.pop("method"), "module": catalog.methods[name].module, **detail}
