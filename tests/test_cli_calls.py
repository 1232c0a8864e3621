"""The check, call, download and sandbox commands, driven through click's CliRunner against the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

import logminer
from logminer.cli import calls as _cli_calls
from logminer.cli import main
from tests.helpers import LOGIN, PASSWORD, ROOT, mine_catalog, start

# Until cli.py registers them itself, register the commands on the group here.
for _command in _cli_calls.COMMANDS:
    if _command.name not in main.commands:
        main.add_command(_command)


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory):
    return mine_catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture
def sandbox(catalog_file):
    sandbox = start(logminer.load_catalog(catalog_file))
    yield sandbox
    sandbox.stop()


@pytest.fixture
def run(catalog_file, monkeypatch):
    """Run ``logminer ARGS`` with the test catalog; every output is checked for the password."""
    for name in ("JERASOFT_HOST", "JERASOFT_LOGIN", "JERASOFT_PASSWORD", "JERASOFT_SID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGMINER_CATALOG", str(catalog_file))

    def invoke(*args, env=None, input=None):
        result = CliRunner().invoke(main, list(args), env=env, input=input)
        assert PASSWORD not in result.output
        assert PASSWORD not in (result.stderr or "")
        assert "Traceback" not in result.output
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return invoke


def connect(sandbox):
    return ["--host", sandbox.url, "--login", LOGIN, "--password", PASSWORD]


def test_call_returns_data_as_a_table(run, sandbox):
    result = run("call", "clients.editForm", "id_clients=11", *connect(sandbox))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2:] == [
        "method              clients.editForm",
        "params[id_clients]  11",
    ]
    assert "clients.editForm: done (sandbox)" in result.stderr


def test_call_returns_data_as_json(run, sandbox):
    result = run("call", "clients.editForm", "id_clients:=11", "--format", "json", *connect(sandbox))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"method": "clients.editForm", "params": {"id_clients": 11}}


def test_call_reads_the_connection_from_the_environment(run, sandbox):
    env = {"JERASOFT_HOST": sandbox.url, "JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": PASSWORD}
    result = run("call", "clients.editForm", "id_clients=11", "--format", "json", env=env)
    assert result.exit_code == 0, result.output
    assert sandbox.logins == 1


def test_call_prompts_for_a_missing_password_hidden(run, sandbox, monkeypatch):
    monkeypatch.setattr(_cli_calls, "_interactive", lambda: True)
    result = run(
        "call",
        "clients.editForm",
        "id_clients=11",
        "--host",
        sandbox.url,
        "--login",
        LOGIN,
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert f"Password for {LOGIN}" in result.output
    assert sandbox.logins == 1


def test_call_takes_params_from_a_file_and_items(run, sandbox, tmp_path):
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"name": "Acme", "status": "active", "type": 0, "cp_modules": ["c_info"]}))
    result = run(
        "call",
        "clients.add",
        "--params",
        str(params),
        "id_companies=3",
        "id_currencies=27",
        "cp_modules[]=c_rates",
        "--format",
        "json",
        *connect(sandbox),
    )
    assert result.exit_code == 0, result.output
    sent = json.loads(result.stdout)["params"]
    assert sent["cp_modules"] == ["c_info", "c_rates"]
    assert sent["id_companies"] == "3"
    assert "logminer: warning" not in result.stderr


def test_check_suggests_the_argument_meant(run):
    result = run("check", "clients.add", "id_client=5")
    assert result.exit_code == 1
    assert (
        "'id_client' was never seen in 16 observed calls of clients.add. Did you mean 'id_clients'?"
        in result.stdout
    )


def test_check_as_json(run):
    result = run("check", "clients.editForm", "id_clients=eleven", "--format", "json")
    [finding] = json.loads(result.stdout)
    assert finding["level"] == "warning" and finding["argument"] == "id_clients"
    assert result.exit_code == 0
    assert run("check", "clients.editForm", "id_clients=eleven", "--strict").exit_code == 1


def test_check_of_a_clean_call_exits_zero(run):
    result = run("check", "clients.editForm", "id_clients=11", "--strict")
    assert result.exit_code == 0
    assert "nothing to report" in result.stdout


def test_strict_refuses_to_send(run, sandbox):
    result = run("call", "clients.add", "id_client=5", "--strict", *connect(sandbox))
    assert result.exit_code == 2
    assert "clients.add was not sent (strict validation)" in result.stderr
    assert "Did you mean 'id_clients'?" in result.stderr
    assert sandbox.calls == 0


def test_warn_mode_reports_and_sends(run, sandbox):
    result = run("call", "clients.editForm", "id_clients=11", "id_client=5", *connect(sandbox))
    assert result.exit_code == 0
    assert "Did you mean 'id_clients'?" in result.stderr
    assert sandbox.calls == 1


def test_dry_run_prints_the_request_masked_and_sends_nothing(run, sandbox):
    result = run(
        "call", "clients.add", "name=Acme", "cp_password=Client-Secret-77", "--dry-run", *connect(sandbox)
    )
    assert result.exit_code == 0
    request = json.loads(result.stdout)
    assert request["method"] == "clients.add"
    assert request["params"]["auth"] == {"login": LOGIN, "password": "********"}
    assert request["params"]["cp_password"] == "********"
    assert "Client-Secret-77" not in result.output
    assert sandbox.calls == 0


def test_dry_run_masks_a_session_id(run):
    result = run("call", "packages.list", "--dry-run", "--sid", "1-abcdefsecretsession")
    assert json.loads(result.stdout)["params"] == {"SID": "********"}
    assert "1-abcdefsecretsession" not in result.output


def test_a_failed_call_is_one_line_and_exit_2(run, sandbox):
    result = run("call", "clients.add", "name=Acme", "--validate", "off", *connect(sandbox))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("logminer: clients.add failed (code False): Missing required argument: ")
    assert "Missing required argument: type" in line


def test_an_unknown_method_is_one_line(run, sandbox):
    result = run("call", "clients.fly", "--validate", "off", *connect(sandbox))
    assert result.exit_code == 2
    expected = "The billing refused clients.fly: Method not found: clients.fly (JSON-RPC error -32601)"
    assert result.stderr == f"logminer: {expected}\n"


def test_a_500_with_an_html_body_is_one_line_without_traceback(run):
    class Broken(BaseHTTPRequestHandler):
        def do_POST(self):
            body = b"<html>\n<body>\n<h1>500 Internal Server Error</h1>\n</body>\n</html>\n"
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        host = f"http://127.0.0.1:{server.server_address[1]}"
        result = run(
            "call",
            "clients.editForm",
            "id_clients=11",
            "--host",
            host,
            "--login",
            LOGIN,
            "--password",
            PASSWORD,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("logminer: The billing answered HTTP 500 Internal Server Error at ")
    assert "<h1>500 Internal Server Error</h1>" in line


def test_a_missing_host_is_a_usage_message(run):
    result = run("call", "clients.editForm", "id_clients=11")
    assert result.exit_code == 2
    assert "No billing host: give --host or set JERASOFT_HOST" in result.stderr


def test_a_bad_item_is_a_usage_message(run, sandbox):
    result = run("call", "clients.editForm", "id_clients", *connect(sandbox))
    assert result.exit_code == 2
    assert "Request item 'id_clients' is not NAME=VALUE" in result.stderr


def test_download_is_named_from_the_reply(run, sandbox, tmp_path):
    sandbox.download_size = 250_000
    result = run(
        "download", "invoices.download", "id=3", "format=pdf", "-o", str(tmp_path), *connect(sandbox)
    )
    assert result.exit_code == 0, result.output
    [name] = os.listdir(tmp_path)
    assert name.startswith("invoices_download_")
    assert (tmp_path / name).stat().st_size == 250_000
    assert f"Saved {tmp_path / name} (250000 bytes)." in result.stdout


def test_download_refused_by_the_billing_is_one_line_and_leaves_nothing(run, sandbox, tmp_path):
    result = run(
        "download",
        "invoices.download",
        "id=3",
        "-o",
        str(tmp_path / "x.pdf"),
        "--validate",
        "off",
        *connect(sandbox),
    )
    assert result.exit_code == 2
    assert "X-VCS-Status 400" in result.stderr
    assert os.listdir(tmp_path) == []


def complete(args, incomplete, catalog_file):
    words = ["logminer", *args, incomplete]
    env = {
        "_LOGMINER_COMPLETE": "bash_complete",
        "COMP_WORDS": " ".join(words),
        "COMP_CWORD": str(len(words) - 1),
        "LOGMINER_CATALOG": str(catalog_file),
    }
    result = CliRunner().invoke(main, [], env=env, prog_name="logminer")
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


def test_shell_completion_of_methods_and_arguments(catalog_file):
    assert complete(["call"], "clients.ed", catalog_file) == ["clients.edit", "clients.editForm"]
    assert complete(["check", "clients.add"], "id_c", catalog_file) == [
        "id_clients=",
        "id_companies=",
        "id_currencies=",
    ]
    assert "cp_modules[]=" in complete(["call", "clients.add", "cp_modules[]=a"], "cp_", catalog_file)


def test_sandbox_command_serves_the_catalog_end_to_end(catalog_file):
    """mine -> sandbox -> call, as the README shows, in real processes."""
    script = (
        "import sys; from logminer.cli import main; from logminer.cli.calls import COMMANDS\n"
        "[main.add_command(c) for c in COMMANDS if c.name not in main.commands]\n"
        "main(sys.argv[1:], prog_name='logminer')\n"
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            script,
            "sandbox",
            "--port",
            "0",
            "--catalog",
            str(catalog_file),
            "--login",
            LOGIN,
            "--password",
            PASSWORD,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        banner = server.stdout.readline()
        assert "answering 43 methods" in banner
        url = banner.split(" at ", 1)[1].split("/jsonrpc/", 1)[0]
        call = subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                "call",
                "clients.editForm",
                "id_clients=11",
                "--format",
                "json",
                "--catalog",
                str(catalog_file),
                "--host",
                url,
                "--login",
                LOGIN,
                "--password",
                PASSWORD,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert call.returncode == 0, call.stderr
    assert json.loads(call.stdout)["params"] == {"id_clients": "11"}
    assert PASSWORD not in call.stdout + call.stderr + banner
