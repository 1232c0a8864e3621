"""Every command, as typed, with hostile options and hostile files: one clear error, never a traceback.

Each case runs `python -m logminer ...` in its own process (as a user's shell would), so a traceback
would show on stderr whatever catches it inside. The promise checked: a non-zero exit status with
exactly one error line (click's usage errors add their usage hint around it), the file or option
named, no "Traceback" anywhere, no password in any output, and every file given left as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import FIXTURE, ROOT, mine_catalog

SECRET = "s3cret-Pw-9f2k"


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """A folder with a catalog, the sample log, a plain file, a folder, a damaged catalog."""
    folder = tmp_path_factory.mktemp("hostile")
    mine_catalog(folder)
    shutil.copy(FIXTURE, folder / "runtime.log")
    (folder / "afile").write_text("not a folder\n")
    (folder / "adir").mkdir()
    (folder / "damaged.json").write_text('{"format": "logminer-catalog", "schema_version": 2, "methods": {')
    (folder / "other.json").write_text('{"hello": "world"}\n')
    (folder / "notes.txt").write_text("just some notes\n")
    deep = "[" * 50000 + "]" * 50000
    (folder / "deep.json").write_text(deep)
    head = '{"format": "logminer-catalog", "schema_version": 2,\n'
    (folder / "deep-part.json").write_text(f'{head}"settings": {deep},\n"methods": {{\n}}}}\n')
    (folder / "deep-method.json").write_text(f'{head}"methods": {{\n"a.b": {{"x": {deep}}}\n}}}}\n')
    return folder


C = ["--catalog", "catalog.json"]
# (case id, arguments, the exit status expected, words the error line must hold)
CASES = [
    # -- catalogs that are not catalogs, for every command that reads one
    ("methods-missing", ["methods", "--catalog", "nothere.json"], 2, "nothere.json: no catalog here yet"),
    ("methods-log", ["methods", "--catalog", "runtime.log"], 2, "runtime.log: is not a logminer catalog"),
    (
        "show-damaged",
        ["show", "--catalog", "damaged.json", "clients.add"],
        2,
        "damaged.json: is a damaged catalog",
    ),
    ("search-other-json", ["search", "--catalog", "other.json", "name"], 2, "not a logminer catalog"),
    (
        "check-devzero",
        ["check", "--catalog", "/dev/zero", "clients.add"],
        2,
        "/dev/zero: is not a regular file",
    ),
    ("status-dir", ["status", "--catalog", "adir"], 2, "adir"),
    ("settings-log", ["settings", "--catalog", "runtime.log", "--secret", "iban"], 2, "runtime.log"),
    ("export-text", ["export", "--catalog", "notes.txt", "--format", "openrpc"], 2, "notes.txt"),
    ("diff-log", ["diff", "catalog.json", "runtime.log"], 2, "runtime.log: is not a logminer catalog"),
    ("merge-log", ["merge", "-o", "out.json", "catalog.json", "runtime.log"], 2, "runtime.log"),
    ("mine-into-log", ["mine", "--catalog", "runtime.log", "runtime.log"], 2, "runtime.log"),
    ("mine-fresh-into-other", ["mine", "--fresh", "--catalog", "other.json", "runtime.log"], 2, "other.json"),
    ("show-deep-json", ["show", "--catalog", "deep.json", "a.b"], 2, "deep.json: is not a readable catalog"),
    (
        "methods-deep-part",
        ["methods", "--catalog", "deep-part.json"],
        2,
        "deep-part.json: catalog content is damaged",
    ),
    ("show-deep-method", ["show", "--catalog", "deep-method.json", "a.b"], 2, "a.b is damaged"),
    ("sandbox-devzero", ["sandbox", "--catalog", "/dev/zero"], 2, "/dev/zero"),
    ("explore-missing", ["explore", "--catalog", "nothere.json", "--no-browser"], 2, "nothere.json"),
    ("call-damaged", ["call", "--catalog", "damaged.json", "clients.add", "--dry-run"], 2, "damaged.json"),
    # -- folders that cannot be written (a path through a plain file; /proc takes no new files)
    ("mine-under-a-file", ["mine", "--catalog", "afile/c.json", "runtime.log"], 2, "afile: is not a folder"),
    ("mine-in-proc", ["mine", "--catalog", "/proc/c.json", "runtime.log"], 2, "/proc/c.json"),
    ("merge-under-a-file", ["merge", "-o", "afile/m.json", "catalog.json"], 2, "afile: is not a folder"),
    ("settings-under-a-file", ["settings", "--catalog", "afile/c.json", "--secret", "iban"], 2, "afile"),
    ("export-under-a-file", ["export", *C, "--format", "markdown", "-o", "afile/x.md"], 2, "afile/x.md"),
    ("export-in-proc", ["export", *C, "--format", "html", "-o", "/proc/x.html"], 2, "/proc/x.html"),
    (
        "download-under-a-file",
        ["download", *C, "invoices.download", "--host", "127.0.0.1:9", "-o", "afile/"],
        2,
        "afile",
    ),
    # -- logs that cannot be read: named, and the rest still mined (exit 1)
    ("mine-a-folder", ["mine", "--catalog", "m1.json", "adir", "runtime.log"], 1, "adir"),
    ("mine-missing", ["mine", "--catalog", "m2.json", "gone.log", "runtime.log"], 1, "gone.log"),
    ("mine-not-a-log", ["mine", "--catalog", "m3.json", "notes.txt"], 1, "notes.txt"),
    # -- options out of range or of the wrong kind
    ("timeout-negative", ["call", *C, "clients.list", "--host", "h", "--timeout", "-1"], 2, "--timeout"),
    ("timeout-nan", ["call", *C, "clients.list", "--host", "h", "--timeout", "nan"], 2, "--timeout"),
    ("timeout-inf", ["download", *C, "clients.list", "--host", "h", "--timeout", "inf"], 2, "--timeout"),
    ("timeout-word", ["check", *C, "clients.list", "--timeout", "soon"], 2, "--timeout"),
    ("max-time-nan", ["download", *C, "clients.list", "--host", "h", "--max-time", "nan"], 2, "--max-time"),
    (
        "max-bytes-negative",
        ["download", *C, "clients.list", "--host", "h", "--max-bytes", "-5"],
        2,
        "--max-bytes",
    ),
    ("host-broken-ipv6", ["call", *C, "clients.list", "--host", "http://[::1", "--dry-run"], 2, "Host"),
    (
        "host-with-password",
        ["call", *C, "clients.list", "--host", f"https://u:{SECRET}@h/"],
        2,
        "holds a login or password",
    ),
    ("host-bad-port", ["call", *C, "clients.list", "--host", "h:99999", "--dry-run"], 2, "h:99999"),
    (
        "ca-bundle-not-a-cert",
        ["call", *C, "clients.list", "--host", "h", "--ca-bundle", "runtime.log", "--login", "a"],
        2,
        "CA bundle",
    ),
    ("params-not-json", ["call", *C, "clients.list", "--params", "notes.txt", "--dry-run"], 2, "notes.txt"),
    ("params-missing", ["check", *C, "clients.list", "--params", "gone.json"], 2, "gone.json"),
    ("item-bad-json", ["check", *C, "clients.list", "limit:={nope"], 2, "limit"),
    ("item-deep-json", ["check", *C, "clients.list", "f:=" + "[" * 60000 + "]" * 60000], 2, "f"),
    ("jobs-zero", ["mine", "--catalog", "m4.json", "--jobs", "0", "runtime.log"], 2, "--jobs"),
    ("since-not-a-date", ["methods", *C, "--since", "yesterday"], 2, "--since"),
    ("columns-unknown", ["methods", *C, "--columns", "nope"], 2, "--columns"),
    ("format-unknown", ["show", *C, "--format", "yaml", "clients.add"], 2, "--format"),
    ("max-methods-negative", ["settings", *C, "--max-methods", "-5"], 2, "--max-methods"),
    ("max-entry-tiny", ["settings", *C, "--max-entry-bytes", "1"], 2, "--max-entry-bytes"),
    ("port-out-of-range", ["explore", *C, "--port", "99999"], 2, "--port"),
    ("method-with-escapes", ["show", *C, "a\x1b]0;pwned\x07b"], 1, "never seen the method"),
    ("method-huge", ["show", *C, "x" * 100000], 1, "never seen the method"),
]


@pytest.mark.parametrize(
    ("args", "status", "words"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_a_hostile_command_is_one_clear_error(place, args, status, words):
    before = {path.name: path.read_bytes() for path in place.iterdir() if path.is_file()}
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JERASOFT_", "LOGMINER_"))}
    env.update(JERASOFT_PASSWORD=SECRET, COLUMNS="100", XDG_DATA_HOME=str(place / "xdg"))
    result = subprocess.run(
        [sys.executable, "-m", "logminer", *args],
        cwd=place,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        errors="replace",
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert SECRET not in output
    assert "\x1b" not in output and "\x07" not in output  # a name from the user is shown escaped
    assert result.returncode == status, output
    errors = [line for line in result.stderr.splitlines() if line.startswith(("logminer: ", "Error: "))]
    errors = [line for line in errors if "note:" not in line and "warning:" not in line]
    assert len(errors) == 1, result.stderr
    assert words in errors[0], errors[0]
    assert len(errors[0]) < 400, "an error line quotes a whole value"
    after = {
        path.name: path.read_bytes() for path in place.iterdir() if path.is_file() and path.name in before
    }
    assert after == before  # every file given is left as it was
