"""Shared by the tests of validated calls: a catalog mined from the bundled sample log, a sandbox."""

from __future__ import annotations

from pathlib import Path

import logminer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_LOG = ROOT / "fixtures" / "runtime.log"
# The sandbox's credentials in these tests: a password distinctive enough to grep every output for.
LOGIN = "api_robot"
PASSWORD = "Hunter2-s3cret-Pa55"


def mine_catalog(directory: Path) -> Path:
    """A catalog file mined from fixtures/runtime.log into ``directory``."""
    catalog = logminer.Catalog()
    logminer.mine(str(SAMPLE_LOG), catalog)
    return logminer.save_catalog(catalog, directory / "catalog.json")


def start(catalog: logminer.Catalog, **options) -> logminer.Sandbox:
    """A sandbox on a free port with the test credentials."""
    return logminer.start_sandbox(catalog, login=LOGIN, password=PASSWORD, **options)
