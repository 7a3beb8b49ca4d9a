"""The ``khaos-sync simulate`` command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from khaos_sync.cli.simulate import simulate
from khaos_sync.protocol.client import KhaosClient
from khaos_sync.simulator import run_in_thread

from .support import order_document, sellable_item


def run(*args: str) -> str:
    result = CliRunner().invoke(simulate, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_help_documents_the_fault_grammar() -> None:
    text = run("--help")

    assert "drop-after-commit" in text and "--generate" in text and "item-edit" in text


def test_generate_then_control_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    assert "items" in run("generate", "--db", db, "60", "--seed", "2")
    with run_in_thread(db) as sim:
        item = sellable_item(sim)
        with KhaosClient(sim.url) as khaos:
            khaos.import_orders(orders=order_document("CLI1", [(item.code, 2, "2.00")]))

    run(
        "item-edit",
        "--db",
        db,
        item.code,
        "--price",
        "7.50",
        "--deleted",
        "--uda",
        "Colour:TEXT=Red",
    )
    level = json.loads(run("stock-adjust", "--db", db, item.code, "--site", "2", "--level", "4"))
    run("order-stage", "--db", db, "CLI1", "12")
    run("order-ship", "--db", db, "CLI1", "--consignment", "C1", "--line", f"{item.code}=1")
    run("clock-advance", "--db", db, "--hours", "2")
    run("order-cancel", "--db", db, "CLI1", "--reason", "Out of stock")
    order = json.loads(run("order-show", "--db", db, "CLI1"))

    assert level["level"] == 4
    assert order["cancel_reason"] == "Out of stock"
    assert [inv["stage"] for inv in order["invoices"]] == [0, 70]
    with run_in_thread(db) as sim:
        edited = sim.control.item(item.code)
        assert (str(edited.sell_price), edited.deleted, edited.udas[0].value) == (
            "7.50",
            True,
            "Red",
        )


def test_control_commands_report_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    run("generate", "--db", db, "30")

    result = CliRunner().invoke(simulate, ["order-stage", "--db", db, "NOPE", "12"])

    assert result.exit_code != 0 and "NOPE" in result.output
