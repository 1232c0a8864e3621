"""Headless Chromium for the explorer's browser tests and scripts, driven by Playwright for Python.

Debian's ``chromium`` package gives the browser (Playwright's own browser download is not used:
``playwright install`` is never needed). Tests that need it are marked ``needs_browser``: they skip
with "chromium missing" where the browser or playwright is absent, and ``.ci/run`` fails when
they skipped there (``LOGMINER_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("LOGMINER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Headless with nothing in the background: this machine's network is closed, and a browser that
# reaches out for updates, sync or QUIC gets its connections refused.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"chromium missing: {CHROMIUM} is not installed (apt-get install chromium; scripts/test does)"
    if importlib.util.find_spec("playwright") is None:
        return "chromium missing: the playwright package is not installed (pip install -e '.[test]')"
    return None


needs_browser = pytest.mark.skipif(missing() is not None, reason=str(missing()))


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
