"""Shared fixtures: the php-cli oracle and a catalog mined from the bundled sample log."""

from __future__ import annotations

import os

import pytest

from tests import browser
from tests.helpers import FIXTURE, PHP, PhpPrintR


def pytest_collection_modifyitems(config, items):
    """With LOGMINER_REQUIRE_PHP=1 or LOGMINER_REQUIRE_BROWSER=1 (CI), what is missing fails the run."""
    if PHP is None and os.environ.get("LOGMINER_REQUIRE_PHP") == "1":
        raise pytest.UsageError("php-cli is required (LOGMINER_REQUIRE_PHP=1) but `php` is not on PATH.")
    reason = browser.missing()
    if reason and os.environ.get("LOGMINER_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"The browser tests are required (LOGMINER_REQUIRE_BROWSER=1): {reason}.")


@pytest.fixture(scope="session")
def php_print_r():
    """A php-cli process shared by the whole run: call it with a value, get print_r's bytes."""
    php = PhpPrintR()
    yield php
    php.close()


@pytest.fixture(scope="session")
def sample_catalog():
    """The catalog of fixtures/runtime.log (mined once; do not modify it)."""
    import logminer

    catalog = logminer.Catalog()
    logminer.mine(FIXTURE, catalog)
    return catalog


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch):
    """Tables as into a pipe (full width) unless a test sets COLUMNS, whatever the shell exported."""
    monkeypatch.delenv("COLUMNS", raising=False)
