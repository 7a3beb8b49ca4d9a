"""``khaos-sync demo``: the whole story on one machine, with no Khaos system needed.

A simulated Khaos Control with a generated catalogue, the shop (gunicorn) and a
worker, all on SQLite in their own data folder. Before handing over, the demo
does what would otherwise take a day of waiting: the first catalogue and stock
sync, a few orders paid through the checkout's payment step (test provider; one
pre-authorised, one declined) and sent to Khaos, moved on in Khaos (picking, dispatched with tracking, on hold) and their status
brought back. Ctrl-C stops everything.

Flows that are not installed are skipped with a notice, so the demo runs at
every stage of the project.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import httpx

DEMO_ADMIN = "demo@example.com"
DEMO_SEED = 1
PUBLISHED_PRODUCTS = 24
SAMPLE_ORDERS = 3
# What the test payment provider answers for each sample checkout: the last is
# declined, so it places no order.
PAYMENT_ANSWERS = ("confirmed", "preauth", "confirmed", "rejected")
# Khaos's reference data in the simulator (see docs/simulator.md).
DEMO_KHAOS = {
    "STOCK_SITES": "1,2",
    "SALES_SOURCE": "INTERNET",
    "COMPANY_CLASS": "Internet",
    "WEBSITE_NAME": "Web Store",
}
STOP_TIMEOUT = 30


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int, help="The shop's port.")
@click.option("--simulator-port", default=8088, show_default=True, type=int)
@click.option("--items", default=200, show_default=True, type=int, help="Catalogue size.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/demo"),
    show_default=True,
    help="Kept apart from a real shop's data.",
)
@click.option("--once", is_flag=True, help="Stop after the story instead of serving (smoke test).")
@click.option(
    "--cloud",
    is_flag=True,
    help="Over Khaos Control Cloud: a simulated KCC pushes to the shop and pulls its orders.",
)
def demo(
    host: str, port: int, simulator_port: int, items: int, data_dir: Path, once: bool, cloud: bool
) -> None:
    """Run a simulated Khaos, the shop and a worker, and play the first day's sync."""
    if cloud:
        from khaos_sync.cli.demo_cloud import cloud_demo

        cloud_demo(host, port, items, data_dir / "cloud", once)
        return
    started = time.monotonic()
    check_port_free(host, port, "the shop", "make demo PORT=8001 (or --port 8001)")
    check_port_free(host, simulator_port, "the Khaos simulator", "--simulator-port 8089")
    data_dir = data_dir.resolve()
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    with ExitStack() as running:
        step("Khaos simulator", f"generating about {items} items" if items else "")
        sim = running.enter_context(start_simulator(data_dir, simulator_port, items))
        shop_url = f"http://{host}:{port}"
        configure_environment(data_dir, sim.url, shop_url)
        step("shop database", "migrations, static files, demo admin")
        password = prepare_shop()
        running.enter_context(background("shop", shop_command(host, port), data_dir))
        wait_until_up(f"{shop_url}/health")
        play_first_day(sim)
        running.enter_context(background("worker", worker_command(), data_dir))
        print_summary(shop_url, sim, password, data_dir, time.monotonic() - started)
        if not once:
            wait_for_ctrl_c()
        click.echo("stopping…")
    click.echo("stopped.")


# --- the pieces that run ---------------------------------------------------------------


def check_port_free(host: str, port: int, what: str, instead: str) -> None:
    """Say at once which port is taken, rather than wait for a server that cannot start."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(
                f"port {port} on {host} is taken ({exc.strerror}), so {what} cannot listen "
                f"there: stop what uses it, or pick another port: {instead}"
            ) from None


@contextmanager
def start_simulator(data_dir: Path, port: int, items: int) -> Iterator[Any]:
    from khaos_sync.simulator import run_in_thread

    token = secrets.token_urlsafe(12)
    try:
        sim = run_in_thread(
            data_dir / "simulator.sqlite3",
            generate=items,
            seed=DEMO_SEED,
            port=port,
            control_token=token,
        )
    except OSError as exc:
        raise click.ClickException(
            f"the simulator cannot listen on port {port} ({exc.strerror}); pass --simulator-port"
        ) from None
    try:
        yield sim
    finally:
        sim.stop()


def configure_environment(data_dir: Path, khaos_url: str, shop_url: str) -> None:
    """The demo's settings, as environment variables so the shop and worker see them too."""
    os.environ["KHAOS_SYNC_DATA_DIR"] = str(data_dir)
    os.environ["KHAOS_SYNC_SHOP_SITE_URL"] = shop_url  # links in e-mails lead to the demo
    os.environ.pop("DATABASE_URL", None)  # always the demo's own SQLite database
    os.environ["KHAOS_SYNC_SHOP_DATABASE_URL"] = ""
    os.environ["KHAOS_SYNC_KHAOS_URL"] = khaos_url
    for key, value in DEMO_KHAOS.items():
        os.environ[f"KHAOS_SYNC_KHAOS_{key}"] = value
    os.environ["KHAOS_SYNC_WORKER_DRY_RUN"] = "false"
    os.environ["KHAOS_SYNC_PAYMENTS_PROVIDER"] = "dummy"  # takes no money


def prepare_shop() -> str:
    from khaos_sync.cli.django_setup import setup_django

    setup_django()
    send_logs_to(Path(os.environ["KHAOS_SYNC_DATA_DIR"]) / "logs" / "demo.log")
    from django.conf import settings
    from django.core.management import call_command

    from khaos_sync.cli.shop import populate_countries

    call_command("migrate", interactive=False, verbosity=0)
    if not (settings.STATIC_ROOT / "oscar").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    populate_countries()
    return reset_demo_admin()


def send_logs_to(path: Path) -> None:
    """The demo's own JSON log goes to a file; the terminal tells the story."""
    import logging

    from khaos_sync.logging import JsonFormatter

    handler = logging.FileHandler(path)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)


def reset_demo_admin() -> str:
    """A fresh password on every demo run: nothing to remember, nothing reused."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username=DEMO_ADMIN, defaults={"email": DEMO_ADMIN}
    )
    password = secrets.token_urlsafe(9)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return password


def shop_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "khaos_sync.shop.wsgi:application",
        f"--bind={host}:{port}",
        "--workers=2",
        "--timeout=60",
        "--graceful-timeout=10",
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "khaos_sync.cli", "worker", "--grace=10"]


@contextmanager
def background(name: str, argv: list[str], data_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process with its output in logs/<name>.log, stopped with SIGTERM on exit."""
    log_file = (data_dir / "logs" / f"{name}.log").open("ab")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "khaos_sync.shop.settings"}
    process = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT, env=env)
    try:
        yield process
    finally:
        stop_process(process)
        log_file.close()


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass  # not listening yet
        time.sleep(0.3)
    raise click.ClickException(f"the shop did not answer {url} within {timeout:.0f} s")


def wait_for_ctrl_c() -> None:
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


# --- the first day -----------------------------------------------------------------------


def play_first_day(sim: Any) -> None:
    run_flow("catalogue", "products, variants and categories from Khaos")
    run_flow("stock", "stock levels of sites 1 and 2")
    if already_played():
        step("review, orders", "done on an earlier run: nothing published or ordered again")
        return
    publish_products(PUBLISHED_PRODUCTS)
    numbers = place_sample_orders(SAMPLE_ORDERS)
    if not numbers:
        return
    run_flow("orders", "the new orders to Khaos")
    move_orders_on_in_khaos(sim, numbers)
    run_flow("status", "order status and tracking back from Khaos")
    for number, status in order_statuses(numbers):
        click.echo(f"    order {number}: {status}")


def run_flow(name: str, what: str) -> None:
    from khaos_sync.sync.core.registry import FLOWS
    from khaos_sync.worker.runner import run_flow as run_one

    spec = FLOWS.get(name)
    if spec is None:
        step(f"{name} sync", "skipped: that flow is not installed yet")
        return
    started = time.monotonic()
    result = run_one(spec)
    seconds = time.monotonic() - started
    run = result.run
    if run is None:
        outcome = "nothing to do" if result.status == "ran" else f"{result.status}: {result.error}"
        step(f"{name} sync", f"{what}: {outcome} ({seconds:.1f} s)")
        return
    counts = f"{run.created} created, {run.updated} updated, {run.failed} failed"
    step(f"{name} sync", f"{what}: {run.outcome}, {counts} ({seconds:.1f} s)")


def already_played() -> bool:
    """A demo data dir that has its sample orders: a re-run only brings things up to date."""
    from oscar.core.loading import get_model

    return bool(get_model("order", "Order").objects.exists())


def publish_products(count: int) -> None:
    """What a person does in "Awaiting review": publish products for the shop window."""
    from oscar.core.loading import get_model

    from khaos_sync.store.search import index_updates_paused
    from khaos_sync.store.search_index import reindex_products

    product_model = get_model("catalogue", "Product")
    # Products Khaos deleted stay out of the shop window whatever a person ticks.
    drafts = product_model.objects.filter(
        published=False, parent__isnull=True, khaos_deleted=False
    ).order_by("id")
    chosen = list(drafts[:count])
    changed: list[int] = []
    # One index update for the lot instead of one per save.
    with index_updates_paused():
        for product in chosen:
            for item in [product, *product.children.all()]:
                item.published = True
                item.save()
                changed.append(item.pk)
    reindex_products(changed)
    published = product_model.objects.filter(pk__in=[p.pk for p in chosen], is_public=True).count()
    waiting = product_model.objects.filter(published=False, parent__isnull=True).count()
    step("review", f"{published} products published, {waiting} left awaiting review")


def place_sample_orders(count: int) -> list[str]:
    products = buyable_products(count + 1)
    if not products:
        step("orders", "skipped: no product with stock and a price yet")
        return []
    numbers, declined = [], []
    for index, (product, answer) in enumerate(zip(products, PAYMENT_ANSWERS, strict=False)):
        number, placed = place_order(product, index, answer)
        (numbers if placed else declined).append(number)
    note = f"; payment for {', '.join(declined)} declined: no order" if declined else ""
    step("orders", f"placed {', '.join(numbers)} through the checkout's payment step{note}")
    return numbers


def buyable_products(count: int) -> list[Any]:
    from oscar.apps.partner.strategy import Selector
    from oscar.core.loading import get_model

    product_model = get_model("catalogue", "Product")
    strategy = Selector().strategy()
    chosen = []
    candidates = product_model.objects.filter(is_public=True, stockrecords__isnull=False)
    for product in candidates.exclude(structure="parent").distinct().order_by("id"):
        info = strategy.fetch_for_product(product)
        if info.availability.is_available_to_buy and info.price.exists:
            chosen.append(product)
        if len(chosen) == count:
            break
    return chosen


CUSTOMERS = [
    ("Ada", "Lovelace", "12 St James's Square", "London", "SW1Y 4JH"),
    ("Isambard", "Brunel", "1 Temple Meads", "Bristol", "BS1 6QF"),
    ("Mary", "Anning", "3 Broad Street", "Lyme Regis", "DT7 3QD"),
]


def place_order(product: Any, index: int, answer: str) -> tuple[str, bool]:
    """A checkout through Oscar's basket and totals and the payment step (test provider).

    The order is placed by the payment step once the provider confirms or
    pre-authorises the payment; a declined payment leaves none.
    """
    from oscar.apps.partner.strategy import Selector
    from oscar.apps.shipping.methods import FixedPrice
    from oscar.core.loading import get_class, get_model

    from khaos_sync.shop.payments.placement import place_paid_order, release_basket, start_payment

    first, last, line1, town, postcode = CUSTOMERS[index % len(CUSTOMERS)]
    basket = get_model("basket", "Basket").objects.create()
    basket.strategy = Selector().strategy()
    basket.add_product(product, 1)
    country = get_model("address", "Country").objects.get(iso_3166_1_a2="GB")
    address = get_model("order", "ShippingAddress")(
        first_name=first,
        last_name=last,
        line1=line1,
        line4=town,
        postcode=postcode,
        country=country,
    )
    shipping = FixedPrice(Decimal("4.12"), Decimal("4.95"))
    charge = shipping.calculate(basket)
    total = get_class("checkout.calculators", "OrderTotalCalculator")().calculate(basket, charge)
    number = get_class("order.utils", "OrderNumberGenerator")().order_number(basket)
    basket.freeze()
    payment = start_payment(
        provider="dummy",
        order_number=number,
        basket=basket,
        user=None,
        total=total,
        shipping_address=address,
        billing_address=None,
        shipping_method=shipping,
        shipping_charge=charge,
        email=f"{first.lower()}.{last.lower()}@example.com",
    )
    payment.change_status(answer)  # what the provider answers
    order = place_paid_order(payment.pk)
    if order is None:
        release_basket(payment)
        return str(number), False
    return str(order.number), True


def move_orders_on_in_khaos(sim: Any, numbers: list[str]) -> None:
    """What Khaos's warehouse does next: pick one, dispatch one, hold one."""
    from khaos_sync.simulator import ControlError

    moves = [
        ("picking", lambda ref: sim.control.set_stage(ref, 12)),
        ("dispatched", lambda ref: sim.control.ship(ref, consignment_ref=f"RM{ref}GB")),
        ("on hold", lambda ref: sim.control.set_stage(ref, 19)),
    ]
    done = []
    for number, (label, move) in zip(numbers, moves, strict=False):
        try:
            move(number)
        except ControlError as exc:
            done.append(f"{number} not in Khaos ({exc})")
            continue
        done.append(f"{number} {label}")
    step("Khaos warehouse", "; ".join(done))


def order_statuses(numbers: list[str]) -> list[tuple[str, str]]:
    from oscar.core.loading import get_model

    orders = get_model("order", "Order").objects.filter(number__in=numbers)
    return sorted((order.number, order.status) for order in orders)


# --- telling the story -------------------------------------------------------------------


STARTED = time.monotonic()


def step(title: str, detail: str) -> None:
    elapsed = f"[{time.monotonic() - STARTED:4.0f} s]"
    click.echo(f"{elapsed} {click.style(title, bold=True)}{': ' + detail if detail else ''}")


def print_summary(shop_url: str, sim: Any, password: str, data_dir: Path, seconds: float) -> None:
    click.echo(
        f"""
Ready in {seconds:.0f} s.

  shop             {shop_url}/
  dashboard        {shop_url}/dashboard/      login {DEMO_ADMIN} / {password}
  Khaos section    {shop_url}/dashboard/khaos/
  metrics          {shop_url}/metrics
  Khaos simulator  {sim.url}
                   control API {sim.control_url} (Bearer {sim.control_token})
  logs             {data_dir / "logs"}/

A worker keeps the shop in step; try `{khaos_sync_command()} simulate stock-adjust \\
  --db {data_dir / "simulator.sqlite3"} <code> --level 0` and watch the next stock run.
Ctrl-C stops everything."""
    )


def khaos_sync_command() -> str:
    """The command as the person can type it: the venv's script, which is seldom on PATH."""
    script = Path(sys.executable).parent / "khaos-sync"
    if not script.exists():
        return f"{sys.executable} -m khaos_sync.cli"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)
