"""The mistakes a newcomer makes, through the real command line: one line, and the exit code."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from khaos_sync.simulator.runner import run_in_thread
from tests.cli_fixtures import copy_set_up_shop
from tests.integration.protocol.stub_server import RunningServer, StubServer

KHAOS_SYNC = [sys.executable, "-m", "khaos_sync.cli"]
NOT_SET_UP = "error: the database is not set up: run `khaos-sync init`"


def clean_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHAOS_SYNC_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)  # an embedded SQLite shop, whatever the suite runs on
    env["KHAOS_SYNC_DATA_DIR"] = str(data_dir)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KHAOS_SYNC, *args], env=env, capture_output=True, text=True, timeout=900
    )


def said(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the person reads on stderr, leaving out the JSON log lines meant for machines."""
    return [line for line in result.stderr.splitlines() if line and not is_log_line(line)]


def is_log_line(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def unused_url(scheme: str = "http") -> str:
    server = StubServer()
    with RunningServer(server):
        url = server.url
    return url.replace("http", scheme, 1)  # nothing listens there any more


@pytest.fixture
def fresh_env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path / "data")


@pytest.fixture(scope="module")
def shop_env(tmp_path_factory: pytest.TempPathFactory, set_up_data_dir: Path) -> dict[str, str]:
    """A shop after `init`, shared by this module's tests, which do not change it."""
    return clean_env(copy_set_up_shop(set_up_data_dir, tmp_path_factory.mktemp("shop") / "data"))


# --- before `init` ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        # Every one of them goes through the same check; one of each kind is run here.
        ["sync", "catalogue"],
        ["sync", "orders"],
        ["worker", "--once"],
        ["serve", "--port", "0"],
    ],
    ids=" ".join,
)
def test_every_command_that_needs_the_database_says_to_run_init(fresh_env, command):
    result = run(command, fresh_env)
    assert result.returncode == 2
    assert said(result) == [NOT_SET_UP]
    assert result.stdout == ""


def test_import_stock_before_init_says_to_run_init(fresh_env, khaosws_fixtures):
    result = run(["import", "stock", str(khaosws_fixtures / "KSDXMLStock.xml")], fresh_env)
    assert (result.returncode, said(result)) == (2, [NOT_SET_UP])


READY = """
import json, django
django.setup()
from django.test import Client
answer = Client().get("/health/ready", HTTP_HOST="localhost")
print(json.dumps({"status": answer.status_code, "body": answer.json()}))
"""


def readiness(env: dict[str, str]) -> tuple[dict[str, object], str]:
    env = {**env, "DJANGO_SETTINGS_MODULE": "khaos_sync.shop.settings"}
    result = subprocess.run(
        [sys.executable, "-c", READY], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1]), result.stderr


def test_readiness_fails_before_init_with_the_status_only(fresh_env):
    answer, log = readiness(fresh_env)
    assert answer == {"status": 503, "body": {"status": "unavailable"}}
    assert "khaos-sync init" in log  # the reason is for the operator's log


def test_readiness_never_shows_the_database_error_to_the_public(fresh_env):
    fresh_env["KHAOS_SYNC_SHOP_DATABASE_URL"] = "postgres://shop:s3cret@127.0.0.1:9/shop"
    answer, log = readiness(fresh_env)
    assert answer == {"status": 503, "body": {"status": "unavailable"}}
    assert "127.0.0.1" in log and "s3cret" not in json.dumps(answer)


WORKER_METRICS = """
import socket, urllib.request, django
django.setup()
from khaos_sync.cli.worker import start_metrics_server
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
start_metrics_server(port)
print(urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60).read().decode())
"""


def test_worker_metrics_say_the_database_is_down_while_it_is(fresh_env):
    fresh_env["KHAOS_SYNC_SHOP_DATABASE_URL"] = "postgres://shop:s3cret@127.0.0.1:9/shop"
    env = {**fresh_env, "DJANGO_SETTINGS_MODULE": "khaos_sync.shop.settings"}
    result = subprocess.run(
        [sys.executable, "-c", WORKER_METRICS], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert 'khaos_sync_dependency_up{dependency="database"} 0.0' in result.stdout
    assert 'khaos_sync_dependency_up{dependency="storage"} 1.0' in result.stdout
    assert "khaos_sync_outbox_depth" not in result.stdout  # read from the database: left out
    assert "database metrics left out" in result.stderr


def test_readiness_after_init(shop_env):
    assert readiness(shop_env)[0] == {"status": 200, "body": {"status": "ok"}}


# --- Khaos ---------------------------------------------------------------------------------


def test_unreachable_khaos_names_the_url_and_where_it_was_given(shop_env):
    url = unused_url()
    result = run(["sync", "catalogue", "--url", url], shop_env)
    assert result.returncode == 1
    assert said(result) == [f"error: cannot reach Khaos at {url} (given by --url): "
                            "cannot connect: [Errno 111] Connection refused"]  # fmt: skip


def test_unreachable_khaos_from_the_configuration_names_its_key(shop_env):
    url = unused_url()
    result = run(["sync", "stock"], {**shop_env, "KHAOS_SYNC_KHAOS_URL": url})
    assert result.returncode == 1
    (line,) = said(result)
    assert f"cannot reach Khaos at {url} (set by [khaos] url (or KHAOS_SYNC_KHAOS_URL))" in line


def test_a_password_in_the_url_is_never_printed(shop_env):
    url = unused_url().replace("//", "//shop:hunter2@", 1)
    result = run(["sync", "catalogue", "--url", url], shop_env)
    (line,) = said(result)
    assert "hunter2" not in result.stderr and "shop:***@" in line


def test_no_khaos_url_at_all_says_which_setting_to_fill(shop_env):
    result = run(["sync", "catalogue"], shop_env)
    assert result.returncode == 2
    (line,) = said(result)
    assert "no Khaos URL configured" in line and "KHAOS_SYNC_KHAOS_URL" in line


def test_debug_shows_the_traceback(shop_env):
    result = run(["--debug", "sync", "catalogue", "--url", unused_url()], shop_env)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "TransientError" in result.stderr


def test_a_soap_fault_is_one_line(shop_env, tmp_path):
    with run_in_thread(tmp_path / "sim.sqlite3", faults="GetSiteList:soap-fault") as sim:
        result = run(["sync", "catalogue", "--url", sim.url], shop_env)
    assert result.returncode == 1
    (line,) = said(result)
    assert line.startswith(f"error: Khaos at {sim.url} (given by --url) refused the call: ")


@pytest.fixture(scope="module")
def untrusted_khaos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "khaos.pem", folder / "khaos.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server = StubServer()
    with RunningServer(server, tls=context):
        yield server.url


def test_an_untrusted_certificate_says_to_set_the_ca_bundle(shop_env, untrusted_khaos):
    result = run(["sync", "catalogue", "--url", untrusted_khaos], shop_env)
    assert result.returncode == 1
    (line,) = said(result)
    assert "TLS certificate not trusted" in line and "[khaos] ca_bundle" in line


# --- files and configuration -----------------------------------------------------------------


def test_a_missing_file(shop_env, tmp_path):
    missing = tmp_path / "missing.xml"
    result = run(["import", "stock", str(missing)], shop_env)
    assert (result.returncode, said(result)) == (1, [f"error: {missing}: no such file"])


def test_a_file_that_is_not_a_stock_export(shop_env, tmp_path, khaosws_fixtures):
    wrong = tmp_path / "orders.xml"
    shutil.copy(khaosws_fixtures / "KSDXMLImportFormat.xml", wrong)
    good = khaosws_fixtures / "KSDXMLStock.xml"
    result = run(["import", "stock", str(good), str(wrong)], shop_env)
    assert result.returncode == 1
    (line,) = said(result)
    assert line.startswith(f"error: {wrong}: expected a document with root <STOCK_ITEMS>")


def test_a_file_that_is_not_xml(shop_env, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("price list, to do\n")
    result = run(["import", "stock", str(text)], shop_env)
    assert result.returncode == 1
    (line,) = said(result)
    assert line.startswith(f"error: {text}: ") and "KSDXMLStock" in line


def test_a_bad_configuration_value(shop_env):
    result = run(["sync", "catalogue"], {**shop_env, "KHAOS_SYNC_SHOP_DEBUG": "maybe"})
    assert result.returncode == 2
    (line,) = said(result)
    assert line.startswith("error: configuration: shop.debug")


# --- failed items ------------------------------------------------------------------------------

ONE_BAD_ITEM = """<STOCK_ITEMS>
<STOCK_ITEM><STOCK_ID>9101</STOCK_ID><STOCK_CODE>LAMP-01</STOCK_CODE>
  <STOCK_DESC>Storm lamp</STOCK_DESC><SELL_PRICE>24.00</SELL_PRICE><WEB>-1</WEB></STOCK_ITEM>
<STOCK_ITEM><STOCK_ID>9102</STOCK_ID><STOCK_CODE></STOCK_CODE>
  <STOCK_DESC>Lamp without a code</STOCK_DESC><SELL_PRICE>9.00</SELL_PRICE></STOCK_ITEM>
</STOCK_ITEMS>"""


def test_import_stock_with_a_failed_item_exits_1_and_lists_it(shop_env, tmp_path):
    export = tmp_path / "lamps.xml"
    export.write_text(ONE_BAD_ITEM)
    result = run(["import", "stock", str(export)], shop_env)
    assert result.returncode == 1, result.stderr
    summary, _, table = result.stdout.partition("\n\n")
    assert "failed       1" in summary and "created      1" in summary
    header, row = table.strip().splitlines()
    assert header.split() == ["item", "reason"]
    assert row.split(None, 1) == ["9102", "stock item 9102 has no STOCK_CODE"]


def test_import_stock_of_good_files_exits_0(shop_env, khaosws_fixtures):
    result = run(["import", "stock", str(khaosws_fixtures / "KSDXMLStock.xml")], shop_env)
    assert result.returncode == 0, result.stderr
    assert "failed       0" in result.stdout and "reason" not in result.stdout


# --- a new installation ----------------------------------------------------------------------

SWITCH = """
import sys, django
django.setup()
from khaos_sync.sync.core import golive
if sys.argv[1:] == ["live"]:
    golive.set_dry_run(False, by="test")
print("dry run" if golive.dry_run() else "live")
"""


def switch(env: dict[str, str], *args: str) -> str:
    env = {**env, "DJANGO_SETTINGS_MODULE": "khaos_sync.shop.settings"}
    result = subprocess.run(
        [sys.executable, "-c", SWITCH, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


def test_init_writes_the_example_configuration_and_starts_in_dry_run(fresh_env):
    from khaos_sync.cli.example_config import render_example

    first = run(["init", "--no-input"], fresh_env)
    assert first.returncode == 0, first.stderr
    assert "go-live: dry run" in first.stdout
    config = Path(fresh_env["KHAOS_SYNC_DATA_DIR"]) / "khaos-sync.toml"
    assert config.read_text(encoding="utf-8") == render_example()
    assert oct(config.stat().st_mode & 0o777) == "0o600"
    assert switch(fresh_env) == "dry run"

    # An upgrade keeps what the retailer chose: their configuration, and going live.
    config.write_text('[khaos]\nwebsite_name = "Harbour Lane"\n', encoding="utf-8")
    assert switch(fresh_env, "live") == "live"
    again = run(["init", "--no-input"], fresh_env)
    assert again.returncode == 0, again.stderr
    assert "go-live" not in again.stdout
    assert switch(fresh_env) == "live"
    assert config.read_text(encoding="utf-8") == '[khaos]\nwebsite_name = "Harbour Lane"\n'


def test_commands_without_django_get_the_same_one_line_errors(tmp_path):
    # parse, khaos, simulate and demo run without Django's settings: explaining their
    # failures must not need the app registry.
    script = (
        "from khaos_sync.cli.errors import explain\n"
        "print(explain(OSError(98, 'Address already in use')).format_message())\n"
        f"print(explain(FileNotFoundError(2, 'No such file or directory', '{tmp_path}/x.xml'))"
        ".format_message())\n"
        "print(explain(ValueError('a bug')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=clean_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Address already in use",
        f"{tmp_path}/x.xml: No such file or directory",
        "None",
    ]
