"""``khaos-sync demo --cloud``: the same first day as ``demo``, over Khaos Control Cloud.

The shop serves the channel endpoints (``[khaos] transport = "cloud"``) and the
cloud simulator plays Khaos Control Cloud against it over HTTP: it fetches the
channel configuration, pushes the whole catalogue and every level, pulls the
sample orders, imports them with the simulator's rules, moves them on in the
warehouse and pushes their statuses back. Then it keeps calling the shop every
``CLOUD_INTERVAL`` seconds, as KCC does, next to a worker that runs the flows
that call nothing (``cloud``, ``images``).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click

from khaos_sync.cli import demo as soap_demo
from khaos_sync.cli.demo import step

CLOUD_USER = "demo-kcc"
CLOUD_INTERVAL = 30.0


def cloud_demo(host: str, port: int, items: int, data_dir: Path, once: bool) -> None:
    started = time.monotonic()
    soap_demo.check_port_free(host, port, "the shop", "make demo PORT=8001 (or --port 8001)")
    data_dir = data_dir.resolve()
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    with ExitStack() as running:
        step("Khaos Control Cloud simulator", f"generating about {items} items" if items else "")
        store = running.enter_context(open_simulator(data_dir, items))
        shop_url = f"http://{host}:{port}"
        password = configure_cloud_environment(data_dir, shop_url)
        step("shop database", "migrations, static files, demo admin")
        admin_password = soap_demo.prepare_shop()
        running.enter_context(
            soap_demo.background("shop", soap_demo.shop_command(host, port), data_dir)
        )
        soap_demo.wait_until_up(f"{shop_url}/health")
        sim = running.enter_context(cloud_simulator(store, shop_url, password))
        play_first_day(sim, store)
        running.enter_context(soap_demo.background("worker", worker_command(), data_dir))
        running.enter_context(calling_every(sim, CLOUD_INTERVAL))
        print_summary(shop_url, admin_password, data_dir, time.monotonic() - started)
        if not once:
            soap_demo.wait_for_ctrl_c()
        click.echo("stopping…")
    click.echo("stopped.")


@contextmanager
def open_simulator(data_dir: Path, items: int) -> Iterator[Any]:
    from khaos_sync.simulator import open_store

    store = open_store(
        data_dir / "cloud-simulator.sqlite3", generate=items, seed=soap_demo.DEMO_SEED
    )
    try:
        yield store
    finally:
        store.close()


def configure_cloud_environment(data_dir: Path, shop_url: str) -> str:
    """The SOAP demo's settings, with the cloud transport and fresh channel credentials."""
    soap_demo.configure_environment(data_dir, "", shop_url)
    password = secrets.token_urlsafe(24)
    os.environ["KHAOS_SYNC_KHAOS_TRANSPORT"] = "cloud"
    os.environ["KHAOS_SYNC_CLOUD_USERNAME"] = CLOUD_USER
    os.environ["KHAOS_SYNC_CLOUD_PASSWORD"] = password
    os.environ["KHAOS_SYNC_ORDERS_SETTLE_SECONDS"] = "0"  # served at the next pull
    return password


@contextmanager
def cloud_simulator(store: Any, shop_url: str, password: str) -> Iterator[Any]:
    from khaos_sync.simulator.cloud.session import CloudSimulator

    with CloudSimulator(store, shop_url, CLOUD_USER, password) as sim:
        yield sim


def play_first_day(sim: Any, store: Any) -> None:
    from khaos_sync.simulator import Control
    from khaos_sync.simulator.cloud.session import CloudSimulatorError

    try:
        if soap_demo.already_played():
            sim.first_sync()
            step("catalogue and levels", "pushed again by Khaos Control Cloud")
            step("review, orders", "done on an earlier run: nothing published or ordered again")
            return
        sim.first_sync()
        step("catalogue and levels", f"pushed by Khaos Control Cloud: {pushed(sim)}")
        soap_demo.publish_products(soap_demo.PUBLISHED_PRODUCTS)
        numbers = soap_demo.place_sample_orders(soap_demo.SAMPLE_ORDERS)
        if not numbers:
            return
        sim.tick()
        step("order pull", f"Khaos Control Cloud took {sim.tally.orders_imported} order(s)")
        soap_demo.move_orders_on_in_khaos(SimpleNamespace(control=Control(store)), numbers)
        sim.tick()
        step("status upload", "order status and tracking pushed back to the shop")
    except CloudSimulatorError as exc:
        raise click.ClickException(
            f"Khaos Control Cloud could not talk to the shop: {exc}"
        ) from None
    for number, status in soap_demo.order_statuses(numbers):
        click.echo(f"    order {number}: {status}")


def pushed(sim: Any) -> str:
    from oscar.core.loading import get_model

    products = get_model("catalogue", "Product").objects.filter(parent__isnull=True).count()
    return f"{sim.tally.pushes} pushes, {products} products in the shop"


def worker_command() -> list[str]:
    return [*soap_demo.worker_command(), "--flow", "cloud", "--flow", "images"]


@contextmanager
def calling_every(sim: Any, interval: float) -> Iterator[None]:
    """KCC's own schedule: changes, levels, order pulls and statuses every INTERVAL seconds."""
    import logging

    from khaos_sync.simulator.cloud.session import CloudSimulatorError

    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                sim.tick()
            except CloudSimulatorError as exc:  # the shop restarting: try next round
                logging.getLogger(__name__).warning("cloud round failed", extra={"error": str(exc)})

    thread = threading.Thread(target=loop, name="khaos-control-cloud", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=60)


def print_summary(shop_url: str, password: str, data_dir: Path, seconds: float) -> None:
    click.echo(
        f"""
Ready in {seconds:.0f} s.

  shop             {shop_url}/
  dashboard        {shop_url}/dashboard/      login {soap_demo.DEMO_ADMIN} / {password}
  channel page     {shop_url}/dashboard/khaos/cloud/
  channel config   {shop_url}/khaos-cloud/channel-config.json   user {CLOUD_USER}
  logs             {data_dir / "logs"}/

Khaos Control Cloud calls the shop every {CLOUD_INTERVAL:.0f} s; try `{soap_demo.khaos_sync_command()} \\
  simulate order-ship --db {data_dir / "cloud-simulator.sqlite3"} <order> --consignment X1` and watch
the next status upload. Ctrl-C stops everything."""
    )
