"""How fast the explorer page opens and filters, in headless Chromium.

    python scripts/page_timing.py [PAGE.html ...] [--runs N]

For each page (by default two, rendered from the documents the real builder makes of the tests'
catalogs: the sample log's 43 methods, and 2,000 synthetic methods of about 20 arguments each over
two years; see tests/explorer_documents.py), it reports the file's size and, as the median of N
fresh loads:

- ready: from navigation start until the page's script has built the list and shown the first view
  (its ``logminer-ready`` mark), with first contentful paint beside it;
- filter: for a few queries, the filter's own work (its ``logminer-filter`` measure) and the time
  from the input event to the next frame after the list changed (debounce included).

Needs playwright and Debian's chromium, as the browser tests do. ``scripts/bench --page`` runs
:func:`figures` and puts :func:`markdown` in its summary.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import chromium, missing

QUERIES = ["clients", "*.list", "id_companies", "filter[sub]", ""]

# Types a query as one input event and waits for the filter to run and the next frame to be drawn.
_FILTER = """async (text) => {
    const input = document.querySelector("input[type=search]");
    const before = performance.getEntriesByName("logminer-filter").length;
    const started = performance.now();
    input.value = text;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    await new Promise((resolve) => {
        const poll = () => performance.getEntriesByName("logminer-filter").length > before
            ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(poll);
        poll();
    });
    const entries = performance.getEntriesByName("logminer-filter");
    return {total: performance.now() - started, work: entries[entries.length - 1].duration,
            shown: document.getElementById("filter-count").textContent};
}"""


def measure(path: Path, runs: int = 3) -> dict:
    """Size, time to first render and filter times (milliseconds, medians of ``runs`` loads) of a page."""
    ready, paint = [], []
    filters: dict[str, list[tuple[float, float, str]]] = {query: [] for query in QUERIES}
    with chromium() as browser:
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(path.resolve().as_uri())
            page.wait_for_function("() => performance.getEntriesByName('logminer-ready').length > 0")
            ready.append(page.evaluate("performance.getEntriesByName('logminer-ready')[0].startTime"))
            fcp = "performance.getEntriesByName('first-contentful-paint')[0]"
            paint.append(page.evaluate(f"({fcp} || {{startTime: NaN}}).startTime"))
            for query in QUERIES:
                result = page.evaluate(_FILTER, query)
                filters[query].append((result["total"], result["work"], result["shown"]))
            context.close()
    return {
        "page": str(path),
        "bytes": path.stat().st_size,
        "ready_ms": statistics.median(ready),
        "first_paint_ms": statistics.median(paint),
        "filter": {
            query: {
                "total_ms": statistics.median(t for t, _, _ in timings),
                "work_ms": statistics.median(w for _, w, _ in timings),
                "shown": timings[-1][2],
            }
            for query, timings in filters.items()
        },
    }


def report(result: dict) -> str:
    lines = [
        f"{result['page']}: {result['bytes'] / 1e6:.2f} MB",
        f"  ready {result['ready_ms']:.0f} ms (first contentful paint {result['first_paint_ms']:.0f} ms)",
    ]
    for query, timing in result["filter"].items():
        lines.append(
            f"  filter {query!r:16} {timing['total_ms']:6.1f} ms to the next frame"
            f" ({timing['work_ms']:.1f} ms filtering): {timing['shown']}"
        )
    return "\n".join(lines)


def generated_pages(folder: Path) -> list[Path]:
    """The sample catalog's page and a 2,000-method page, written into ``folder``."""
    from logminer.explorer import render_page
    from tests.explorer_documents import large_document, sample_document

    pages = []
    for name, document in (("sample-43", sample_document()), ("large-2000", large_document())):
        path = folder / f"explorer-{name}.html"
        path.write_text(render_page(document), encoding="utf-8")
        pages.append(path)
    return pages


def figures(runs: int = 3) -> list[dict]:
    """:func:`measure` of the sample's page and the 2,000-method page (written to a temporary
    folder), each with a ``label``; RuntimeError when the browser is missing."""
    reason = missing()
    if reason:
        raise RuntimeError(reason)
    with tempfile.TemporaryDirectory() as folder:
        results = [measure(path, runs) for path in generated_pages(Path(folder))]
    for result, label in zip(results, ("sample: 43 methods", "2,000 methods"), strict=True):
        result["label"] = label
    return results


def markdown(results: list[dict]) -> str:
    """The figures as a Markdown table: size, time to first render, and filtering."""
    queries = [query for query in QUERIES if query]
    head = ["explorer page", "MB", "ready ms", *(f"filter `{query}` ms" for query in queries)]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for result in results:
        cells = [
            result.get("label", result["page"]),
            f"{result['bytes'] / 1e6:.2f}",
            f"{result['ready_ms']:.0f}",
            *(
                f"{result['filter'][query]['total_ms']:.0f} ({result['filter'][query]['work_ms']:.1f})"
                for query in queries
            ),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "ready: from navigation to the first view drawn; filter: from the input event to the next frame "
        "after the list changed (the filter's own work in parentheses); medians of fresh loads."
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, help="explorer pages (default: 43 and 2,000 methods)")
    parser.add_argument("--runs", type=int, default=3, help="fresh loads per page (default 3)")
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"page_timing: {reason}", file=sys.stderr)
        return 2
    if args.pages:
        results = [measure(path, args.runs) for path in args.pages]
        for result in results:
            print(report(result), flush=True)
    else:
        results = figures(args.runs)
        for result in results:
            print(report({**result, "page": result["label"]}), flush=True)
    print()
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
