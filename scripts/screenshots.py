"""Screenshots of the explorer page for the README, taken in headless Chromium.

    python scripts/screenshots.py [CATALOG.json] [--out docs] [--method NAME]

Writes ``explorer-methods.png`` (the method list filtered by an argument name, beside the
catalog's overview) and ``explorer-method.png`` (one method: calls per day, arguments) into
``--out``: the page ``logminer export --format html`` writes for a catalog file, by default for
the sample log (``fixtures/runtime.log`` mined, with a fixed "generated" time so that the
pictures change only when the page does).
Each picture is a small PNG (a 1100x720 window), well under 150 KB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import ROOT, chromium, missing

# File name -> (the page's route, the filter's text).
SHOTS = {
    "explorer-methods.png": ("", "id_companies"),
    "explorer-method.png": ("#method=clients.add", ""),
}


def take(document: dict, out: Path, method: str | None = None) -> list[Path]:
    """Write the screenshots of ``document``'s page into ``out``; ``method`` is the one to show."""
    from logminer.explorer import render_page

    shots = dict(SHOTS)
    if method:
        shots["explorer-method.png"] = ("#method=" + method, "")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        page_file = Path(folder) / "explorer.html"
        page_file.write_text(render_page(document), encoding="utf-8")
        context = browser.new_context(viewport={"width": 1100, "height": 720}, color_scheme="light")
        page = context.new_page()
        for name, (route, text) in shots.items():
            page.goto(page_file.as_uri() + route)
            page.wait_for_function("() => performance.getEntriesByName('logminer-ready').length > 0")
            page.fill("input[type=search]", text)
            page.wait_for_timeout(100)
            page.locator("main h1").focus()
            page.screenshot(path=out / name)
            written.append(out / name)
        context.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("catalog", nargs="?", type=Path, help="a catalog file (default: the sample log's)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default docs/)")
    parser.add_argument("--method", help="the method to show (default clients.add)")
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"screenshots: {reason}", file=sys.stderr)
        return 2
    if args.catalog:
        import logminer
        from logminer.explorer import document as build

        document = build(logminer.load_catalog(args.catalog))
    else:
        from tests.explorer_documents import sample_document

        document = sample_document()
    for path in take(document, args.out, args.method):
        print(f"{path}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
