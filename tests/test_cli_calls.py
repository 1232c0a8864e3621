"""The check, call, download and sandbox commands, driven through click's CliRunner against the sandbox
(and, where a reply the sandbox never gives is needed, a small billing of the test's own)."""

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
from logminer.catalog.secrets import scrub
from logminer.cli import calls as _cli_calls
from logminer.cli import main
from tests.helpers import LOGIN, PASSWORD, ROOT, mine_catalog, start


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
    monkeypatch.setattr(_cli_calls, "_interactive", lambda: False)

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
    """The connection options, the password in the environment as the README advises."""
    return {"JERASOFT_HOST": sandbox.url, "JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": PASSWORD}


class Billing:
    """A billing of the test's own on 127.0.0.1: every JSON-RPC call gets ``result`` (with the call's
    id) and each request body is kept in ``received``."""

    def __init__(self, result: dict) -> None:
        billing = self
        self.received: list[bytes] = []
        self.result = result

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                billing.received.append(body)
                reply = {"jsonrpc": "2.0", "id": json.loads(body)["id"], "result": billing.result}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def billing():
    billings = []

    def make(**result):
        billings.append(
            Billing({"code": True, "session_id": "1-abc", "messages": [], "errors": [], **result})
        )
        return billings[-1]

    yield make
    for made in billings:
        made.stop()


# -- call -------------------------------------------------------------------------------------------


def test_call_returns_data_as_a_table(run, sandbox):
    result = run("call", "clients.editForm", "id_clients=11", env=connect(sandbox))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2:] == [
        "method              clients.editForm",
        "params[id_clients]  11",
    ]
    assert result.stderr == "billing: clients.editForm: done (sandbox)\n"


def test_call_prints_the_whole_reply_as_json(run, sandbox):
    result = run("call", "clients.editForm", "id_clients:=11", "--format", "json", env=connect(sandbox))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "method": "clients.editForm",
        "code": True,
        "return": {"method": "clients.editForm", "params": {"id_clients": 11}},
        "messages": ["clients.editForm: done (sandbox)"],
        "errors": [],
        "session_id": "********",
    }


def test_a_list_of_records_is_a_table_of_rows(run, billing):
    rows = [{"id": 1, "name": "Basic"}, {"id": 2, "name": "Gold", "price": 9.5}]
    fake = billing(**{"return": rows})
    result = run("call", "packages.list", "--host", fake.url, "--sid", "1-abc")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "id  name   price",
        "--  -----  -----",
        "1   Basic",
        "2   Gold   9.5",
    ]


def test_call_reads_the_connection_from_the_environment(run, sandbox):
    result = run("call", "clients.editForm", "id_clients=11", "--format", "json", env=connect(sandbox))
    assert result.exit_code == 0, result.output
    assert sandbox.logins == 1


def test_call_prompts_for_a_missing_password_hidden(run, sandbox, monkeypatch):
    monkeypatch.setattr(_cli_calls, "_interactive", lambda: True)
    env = {"JERASOFT_HOST": sandbox.url}
    result = run(
        "call", "clients.editForm", "id_clients=11", "--login", LOGIN, env=env, input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert f"Password for {LOGIN}" in result.output
    assert sandbox.logins == 1


def test_no_password_and_no_terminal_is_a_local_error(run, sandbox):
    """Nothing is sent: no empty password ever reaches the billing."""
    result = run("call", "clients.editForm", "id_clients=11", "--host", sandbox.url, "--login", LOGIN)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "logminer: No password for the login 'api_robot': set JERASOFT_PASSWORD, run on a terminal"
    )
    assert sandbox.calls == 0


def test_params_from_a_file_and_items_merge_the_items_winning(run, sandbox, tmp_path):
    params = tmp_path / "params.json"
    params.write_text(
        json.dumps(
            {"name": "Acme", "status": "closed", "type": 0, "cp_modules": ["c_info"], "id_companies": 1}
        )
    )
    result = run(
        "call",
        "clients.add",
        "--params",
        str(params),
        "id_companies=3",
        "id_currencies=27",
        "status=active",
        "cp_modules[]=c_rates",
        "--format",
        "json",
        env=connect(sandbox),
    )
    assert result.exit_code == 0, result.output
    sent = json.loads(result.stdout)["return"]["params"]
    assert sent == {
        "name": "Acme",
        "status": "active",
        "type": 0,
        "cp_modules": ["c_info", "c_rates"],
        "id_companies": "3",
        "id_currencies": "27",
    }
    assert "logminer: warning" not in result.stderr


@pytest.mark.parametrize(
    "name",
    [
        "clients/editForm",
        "/clients/editForm",
        "/admin/clients/editForm",
        "https://b.example/admin/clients/editForm",
    ],
)
def test_a_method_is_taken_as_the_log_or_the_browser_shows_it(run, sandbox, name):
    result = run("call", name, "id_clients=11", "--format", "json", env=connect(sandbox))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["method"] == "clients.editForm"
    assert run("check", name, "id_clients=11").exit_code == 0
    assert run("show", name, "--format", "json").exit_code == 0


# -- what is refused before sending ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "meant"),
    [
        (["clients.ad", "id_clients=11"], "Did you mean 'clients.add'"),
        (["clients.editForm", "id_client=11"], "Did you mean 'id_clients'?"),
        (["clients.add", "name=Acme", "status=actve"], "Did you mean 'active'?"),
    ],
)
def test_a_typo_is_refused_by_default_and_sent_with_warn(run, sandbox, args, meant):
    result = run("call", *args, env=connect(sandbox))
    assert result.exit_code == 1
    assert meant in result.stderr
    assert result.stderr.splitlines()[-1].endswith("was not sent: 1 error; --validate warn sends it anyway.")
    assert result.stdout == ""
    assert sandbox.calls == 0
    sent = run("call", *args, "--validate", "warn", env=connect(sandbox))
    assert meant in sent.stderr
    assert sandbox.calls == 1


def test_a_warning_is_printed_and_the_call_sent(run, sandbox):
    result = run("call", "clients.editForm", "id_clients=11", "lang=de", env=connect(sandbox))
    assert result.exit_code == 0
    assert (
        "logminer: warning: 'lang' was never seen in 13 observed calls of clients.editForm." in result.stderr
    )
    assert sandbox.calls == 1


def test_strict_refuses_warnings_too(run, sandbox):
    result = run("call", "clients.editForm", "id_clients=11", "lang=de", "--strict", env=connect(sandbox))
    assert result.exit_code == 1
    assert "clients.editForm was not sent: warnings (strict)" in result.stderr
    assert sandbox.calls == 0


# -- check ------------------------------------------------------------------------------------------


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


def test_check_shows_a_value_outside_a_closed_set(run):
    result = run("check", "clients.add", "status=actve", "--format", "json")
    assert result.exit_code == 1
    [finding] = [row for row in json.loads(result.stdout) if row["argument"] == "status"]
    assert finding["level"] == "error" and finding["suggestions"] == ["active"]


def test_check_of_a_clean_call_exits_zero(run):
    result = run("check", "clients.editForm", "id_clients=11", "--strict")
    assert result.exit_code == 0
    assert "nothing to report" in result.stdout


# -- --dry-run and -v -----------------------------------------------------------------------------


def test_dry_run_prints_exactly_what_is_sent_with_the_credentials_masked(run, billing):
    """The body --dry-run prints is, byte for byte, the body the billing receives, but for the masks."""
    fake = billing(**{"return": {"id": 1}})
    args = ["call", "clients.add", "name=Acme", "cp_password=Client-Secret-77", "--validate", "off"]
    env = {"JERASOFT_HOST": fake.url, "JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": PASSWORD}
    shown = run(*args, "--dry-run", env=env)
    assert shown.exit_code == 0 and fake.received == []
    head, body = shown.stdout.rstrip("\n").split("\n\n")
    assert head.splitlines() == [
        f"POST {fake.url}/jsonrpc/",
        "Content-Type: application/json",
        "Accept: application/json",
        f"User-Agent: logminer/{logminer.__version__}",
    ]
    assert run(*args, env=env).exit_code == 0
    [received] = fake.received
    assert body.encode() == scrub(received.decode(), [PASSWORD, "Client-Secret-77"]).encode()
    assert json.loads(body) == {
        "jsonrpc": "2.0",
        "method": "clients.add",
        "params": {
            "name": "Acme",
            "cp_password": "********",
            "auth": {"login": LOGIN, "password": "********"},
        },
        "id": 1,
    }


def test_dry_run_masks_a_session_id_and_needs_no_host(run):
    result = run("call", "packages.list", "--dry-run", "--sid", "1-abcdefsecretsession")
    assert result.exit_code == 0
    assert result.stdout.startswith("POST https://billing.invalid/jsonrpc/\n")
    assert json.loads(result.stdout.split("\n\n")[1])["params"] == {"SID": "********"}
    assert "1-abcdefsecretsession" not in result.output
    assert "no --host" in result.stderr


def test_dry_run_masks_the_catalogs_own_secret_words(run, catalog_file, tmp_path):
    """`settings --secret iban`, then an IBAN is masked in what call shows, as in the catalog."""
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes(catalog_file.read_bytes())
    assert run("settings", "--secret", "iban", "--catalog", str(catalog)).exit_code == 0
    iban = "DE89370400440532013000"
    result = run(
        "call",
        "clients.add",
        f"bank_iban={iban}",
        "--validate",
        "warn",
        "--dry-run",
        "--catalog",
        str(catalog),
    )
    assert iban not in result.output
    assert json.loads(result.stdout.split("\n\n")[1])["params"]["bank_iban"] == "********"


def test_dry_run_refuses_what_the_call_would_refuse(run):
    result = run("call", "clients.editForm", "id_client=11", "--dry-run")
    assert result.exit_code == 1 and result.stdout == ""


def test_verbose_shows_the_request_and_the_reply_masked(run, sandbox):
    result = run("call", "clients.editForm", "id_clients=11", "-v", env=connect(sandbox))
    assert result.exit_code == 0
    head, body, reply_head, reply = result.stderr.split("\n\n")[:4]
    assert head.startswith(f"POST {sandbox.url}/jsonrpc/\n")
    assert '"auth": {"login": "api_robot", "password": "********"}' in body
    assert reply_head.startswith("HTTP/1.1 200 OK\n")
    assert json.loads(reply)["result"]["session_id"] == "********"
    assert "1-" not in result.stderr.replace("HTTP/1.1", "")  # no session id shown


# -- failures ---------------------------------------------------------------------------------------


def test_a_failed_call_is_one_line_and_exit_3(run, sandbox):
    result = run("call", "clients.add", "name=Acme", "--validate", "off", env=connect(sandbox))
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert line.startswith("logminer: clients.add failed (code false); billing: Missing required argument: ")
    assert "Missing required argument: type" in line
    assert result.stdout == ""


def test_a_failed_call_prints_the_whole_reply_as_json_too(run, sandbox):
    result = run(
        "call", "clients.add", "name=Acme", "--validate", "off", "--format", "json", env=connect(sandbox)
    )
    assert result.exit_code == 3
    reply = json.loads(result.stdout)
    assert reply["code"] is False
    assert "Missing required argument: id_companies" in reply["errors"]
    assert result.stderr.count("\n") == 1


def test_a_refused_login_exits_4(run, sandbox):
    env = {**connect(sandbox), "JERASOFT_PASSWORD": "wrong-one"}
    result = run("call", "clients.editForm", "id_clients=11", env=env)
    assert result.exit_code == 4
    assert result.stderr == (
        "logminer: clients.editForm failed (code false); billing: Login failed: wrong login or password.\n"
    )


def test_an_unknown_method_at_the_billing_is_one_line(run, sandbox):
    result = run("call", "clients.fly", "--validate", "off", env=connect(sandbox))
    assert result.exit_code == 3
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
        env = {"JERASOFT_HOST": host, "JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": PASSWORD}
        result = run("call", "clients.editForm", "id_clients=11", env=env)
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 5
    [line] = result.stderr.splitlines()
    assert line.startswith("logminer: The billing answered HTTP 500 Internal Server Error at ")
    assert "<h1>500 Internal Server Error</h1>" in line


def test_a_missing_host_is_a_usage_message(run):
    result = run("call", "clients.editForm", "id_clients=11")
    assert result.exit_code == 2
    assert "No billing host given: pass --host (or JERASOFT_HOST)" in result.stderr


def test_a_bad_item_is_a_usage_message(run, sandbox):
    result = run("call", "clients.editForm", "id_clients", env=connect(sandbox))
    assert result.exit_code == 2
    assert "Request item 'id_clients' is not NAME=VALUE" in result.stderr


# -- download ---------------------------------------------------------------------------------------


def test_download_is_named_from_the_reply(run, sandbox, tmp_path):
    sandbox.download_size = 250_000
    result = run(
        "download", "invoices.download", "id=3", "format=pdf", "-o", str(tmp_path), env=connect(sandbox)
    )
    assert result.exit_code == 0, result.output
    [name] = os.listdir(tmp_path)
    assert name.startswith("invoices_download_")
    assert (tmp_path / name).stat().st_size == 250_000
    assert f"Saved {tmp_path / name} (250000 bytes)." in result.stdout


def test_download_into_a_new_folder(run, sandbox, tmp_path):
    target = f"{tmp_path}/invoices/"
    result = run(
        "download", "/admin/invoices/download", "id=3", "format=pdf", "-o", target, env=connect(sandbox)
    )
    assert result.exit_code == 0, result.output
    [name] = os.listdir(tmp_path / "invoices")
    assert name.startswith("invoices_download_")


def test_download_to_standard_output(run, sandbox):
    sandbox.download_size = 1000
    result = run("download", "invoices.download", "id=3", "format=pdf", "-o", "-", env=connect(sandbox))
    assert result.exit_code == 0, result.output
    assert len(result.stdout_bytes) == 1000
    assert result.stdout_bytes.startswith(b"invoices.download,sandbox,")


def test_download_dry_run_shows_the_form(run, sandbox, tmp_path):
    result = run("download", "invoices.download", "id=3", "format=pdf", "--dry-run", env=connect(sandbox))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"POST {sandbox.url}/admin/invoices/download"
    assert result.stdout.splitlines()[-1] == (
        f"id=3&format=pdf&auth[login]={LOGIN}&auth[password]=********&__api=1"
    )
    assert sandbox.calls == 0 and sandbox.logins == 0


def test_download_refused_by_the_billing_is_one_line_and_leaves_nothing(run, sandbox, tmp_path):
    result = run(
        "download",
        "invoices.download",
        "id=3",
        "-o",
        str(tmp_path / "x.pdf"),
        "--validate",
        "off",
        env=connect(sandbox),
    )
    assert result.exit_code == 3
    assert "X-VCS-Status 400" in result.stderr
    assert os.listdir(tmp_path) == []


# -- completion and the sandbox command -------------------------------------------------------------


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
    command = [sys.executable, "-m", "logminer"]
    server = subprocess.Popen(
        [
            *command,
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
                *command,
                "call",
                "clients.editForm",
                "id_clients=11",
                "--format",
                "json",
                "--catalog",
                str(catalog_file),
            ],
            env={**os.environ, "JERASOFT_HOST": url, "JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": PASSWORD},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert call.returncode == 0, call.stderr
    assert json.loads(call.stdout)["return"]["params"] == {"id_clients": "11"}
    assert PASSWORD not in call.stdout + call.stderr + banner
