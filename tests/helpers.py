"""What the tests share: where things are, the php-cli oracle, the generator script, the sandbox.

- ``ROOT``, ``FIXTURE`` (the bundled sample log), ``SCRIPTS``.
- php-cli, whose print_r is the oracle of every print_r test: tests that need it are marked
  ``needs_php``; they skip with "php-cli missing" where php is not installed, and ``.ci/run``
  fails when they skipped there.
- ``generate_log``: scripts/generate_log.py, imported without installing anything.
- ``request_log``: a small runtime log of given requests, dumped with the generator's print_r.
- ``mine_catalog`` and ``start``: a catalog of the sample and a sandbox with the test credentials.
"""

from __future__ import annotations

import importlib.util
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import logminer

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
FIXTURE = ROOT / "fixtures" / "runtime.log"
# The sandbox's credentials in these tests: a password distinctive enough to grep every output for.
LOGIN = "api_robot"
PASSWORD = "Hunter2-s3cret-Pa55"

PHP = shutil.which("php")

needs_php = pytest.mark.skipif(
    PHP is None, reason="php-cli missing: install php-cli to compare with real PHP"
)


def php_literal(value: object) -> str:
    """PHP source for a Python value, so PHP can build the same array to print."""
    if isinstance(value, dict):
        return "[" + ", ".join(f"{php_literal(k)} => {php_literal(v)}" for k, v in value.items()) + "]"
    if isinstance(value, list):
        return "[" + ", ".join(php_literal(v) for v in value) + "]"
    if isinstance(value, str):
        # Single-quoted PHP strings are raw apart from \\ and \'.
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, float):
        if math.isnan(value):
            return "NAN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)  # round-trips exactly; PHP's strtod reads it back to the same double
    return str(value)


# A PHP loop that reads length-prefixed PHP expressions and answers with length-prefixed
# print_r output: one process serves every example, so the property test stays fast.
PHP_SERVER = r"""
while (($line = fgets(STDIN)) !== false) {
    $n = (int) $line;
    $src = '';
    while (strlen($src) < $n) {
        $chunk = fread(STDIN, $n - strlen($src));
        if ($chunk === false || $chunk === '') { exit(1); }
        $src .= $chunk;
    }
    $out = print_r(eval('return ' . $src . ';'), true);
    fwrite(STDOUT, strlen($out) . "\n" . $out);
    fflush(STDOUT);
}
"""


class PhpPrintR:
    """A running php-cli that prints values it is sent; call it with a Python value."""

    def __init__(self) -> None:
        # -n: no php.ini, so the host's settings cannot change the output; precision 14 is PHP's default.
        self.proc = subprocess.Popen(
            [PHP, "-n", "-d", "precision=14", "-r", PHP_SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def __call__(self, value: object) -> bytes:
        src = php_literal(value).encode("utf-8")
        self.proc.stdin.write(b"%d\n%s" % (len(src), src))
        self.proc.stdin.flush()
        size = self.proc.stdout.readline()
        assert size, f"php died evaluating {src[:200]!r}"
        return self.proc.stdout.read(int(size))

    def close(self) -> None:
        """Stop the php process."""
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def load_script(name: str):
    """Import scripts/<name>.py (scripts/ is no package), once."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def generate_log():
    """scripts/generate_log.py as a module: the synthetic log generator and its print_r."""
    return load_script("generate_log")


def request_log(path: Path, *requests: tuple[str, dict]) -> None:
    """A runtime log of these requests (``("clients/add", params)``), each dumped as PHP's print_r does."""
    gen = generate_log()
    with open(path, "w", encoding="utf-8") as log:
        for number, (method, params) in enumerate(requests):
            log.write(f"[11-Mar-2024 08:11:{number % 60:02d}+0200] [jsonrpc/#{number}] REQUEST: /{method}\n")
            log.write(gen.print_r(params) + "\n")


def mine_catalog(directory: Path) -> Path:
    """A catalog file mined from fixtures/runtime.log into ``directory``."""
    catalog = logminer.Catalog()
    logminer.mine(str(FIXTURE), catalog)
    return logminer.save_catalog(catalog, directory / "catalog.json")


def start(catalog: logminer.Catalog, **options) -> logminer.Sandbox:
    """A sandbox on a free port with the test credentials."""
    return logminer.start_sandbox(catalog, login=LOGIN, password=PASSWORD, **options)
