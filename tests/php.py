"""Talking to php-cli, whose print_r is the oracle of every print_r test.

Tests that need it are marked ``needs_php``: they skip with "php-cli missing" where php is not
installed, and ``.ci/run`` fails when they skipped there.
"""

from __future__ import annotations

import math
import shutil
import subprocess

import pytest

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
