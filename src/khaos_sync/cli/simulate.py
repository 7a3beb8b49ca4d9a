"""``khaos-sync simulate``: run the Khaos Control simulator, or act on its database.

``khaos-sync simulate --generate 200`` is the quick start: it serves a
generated catalogue of about 200 items on http://127.0.0.1:8088. The other
sub-commands change the simulator's database directly (safe while it is
serving) the way a person working in Khaos Control would.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

DEFAULT_DB = Path("var/simulator.sqlite3")
FAULTS_HELP = (
    "Fault SPEC, e.g. 'latency=0.5;ImportOrders:drop-after-commit@every=3;"
    "ExportStock:soap-fault@rate=0.1;http500@rate=0.05;seed=7'. Clauses are "
    "[OPERATION:]KIND[=VALUE][@TRIGGER,...] separated by ';'. KIND: latency=SECONDS, "
    "soap-fault, http500, drop-before, drop-after-commit, malformed-xml, truncated, "
    "oversized[=MB], xml-bomb[=document]. TRIGGER: rate=P, every=N, after=N, times=N. "
    "'seed=S' makes random triggers reproducible."
)


def db_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        show_default=True,
        help="The simulator's SQLite database.",
    )(function)


def serve_options(function: Callable[..., Any]) -> Callable[..., Any]:
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.option("--host", default="127.0.0.1", show_default=True),
        click.option("--port", default=8088, show_default=True, type=int),
        db_option,
        click.option(
            "--generate",
            "generate_count",
            type=int,
            help="Generate about N items when the database is empty.",
        ),
        click.option(
            "--regenerate", is_flag=True, help="Throw the data away and generate/load it again."
        ),
        click.option(
            "--seed", default=0, show_default=True, type=int, help="Seed of the generated data."
        ),
        click.option(
            "--catalogue",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Load a real KSDXMLStock export instead (repeatable; the last file wins per STOCK_ID).",
        ),
        click.option("--faults", default="", help=FAULTS_HELP),
        click.option(
            "--arrays",
            type=click.Choice(["inline", "multiref"]),
            default="inline",
            show_default=True,
            help="How SOAP arrays are encoded in responses.",
        ),
        click.option(
            "--control-token",
            envvar="KHAOS_SIM_CONTROL_TOKEN",
            help="Bearer token of the /control API (env KHAOS_SIM_CONTROL_TOKEN; generated if not given).",
        ),
        click.option("-v", "--verbose", is_flag=True, help="Log every request."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@serve_options
@click.pass_context
def simulate(ctx: click.Context, /, **options: Any) -> None:
    """Run a simulated Khaos Control (KhaosWS SOAP server) with realistic data.

    Without a sub-command it serves (same as 'simulate serve'). WSDL at
    /KhaosKSD.exe/wsdl/IKosWeb, SOAP endpoint at /KhaosKSD.exe/soap/IKosWeb,
    control API under /control/ (bearer token).
    """
    if ctx.invoked_subcommand is None:
        _serve(**options)


@simulate.command("serve")
@serve_options
def serve(**options: Any) -> None:
    """Serve the simulator until interrupted."""
    _serve(**options)


def _serve(
    host: str,
    port: int,
    db_path: Path,
    generate_count: int | None,
    regenerate: bool,
    seed: int,
    catalogue: tuple[Path, ...],
    faults: str,
    arrays: str,
    control_token: str | None,
    verbose: bool,
) -> None:
    import logging

    from khaos_sync.simulator.faults import FaultSpecError, parse_spec
    from khaos_sync.simulator.runner import make_server, open_store
    from khaos_sync.simulator.server import SOAP_PATH, WSDL_PATH

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, format="%(asctime)s %(message)s"
    )
    try:
        parse_spec(faults)
    except FaultSpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from exc
    store = open_store(
        db_path, generate=generate_count, seed=seed, catalogue=catalogue, regenerate=regenerate
    )
    token = control_token or secrets.token_urlsafe(18)
    try:
        server = make_server(
            store,
            host,
            port,
            faults=faults or None,
            arrays=arrays,  # type: ignore[arg-type]
            control_token=token,
        )
    except OSError as exc:
        store.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from exc
    base = server.base_url
    click.echo(f"Khaos Control simulator on {base}  (database {db_path})")
    click.echo(f"  WSDL     {base}{WSDL_PATH}")
    click.echo(f"  SOAP     {base}{SOAP_PATH}")
    click.echo(f"  control  {base}/control/  (Authorization: Bearer {token})")
    if faults:
        click.echo(f"  faults   {faults}")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        server.server_close()
        store.close()


@simulate.command("generate")
@db_option
@click.argument("count", type=int)
@click.option("--seed", default=0, show_default=True, type=int)
def generate(db_path: Path, count: int, seed: int) -> None:
    """Throw away the data and generate a catalogue of about COUNT items."""
    from tqdm import tqdm

    from khaos_sync.simulator.generator import generate as generate_catalogue
    from khaos_sync.simulator.store import Store

    store = Store(db_path)
    store.clear_catalogue()
    with tqdm(total=count, unit="item", disable=None) as bar:

        def advance(n: int) -> None:
            bar.update(n)

        result = generate_catalogue(store, count, seed, progress=advance)
    click.echo(
        f"{result.items} items ({result.variants} sellable), {result.categories} categories, "
        f"{result.customers} customers in {result.elapsed_seconds:.1f}s"
    )


def _control(db_path: Path) -> Any:
    from khaos_sync.simulator.control import Control
    from khaos_sync.simulator.store import Store

    if not db_path.exists():
        raise click.ClickException(f"no simulator database at {db_path}")
    return Control(Store(db_path))


def _run(action: Callable[[], Any]) -> None:
    from khaos_sync.simulator.control import ControlError

    try:
        result = action()
    except ControlError as exc:
        raise click.ClickException(str(exc)) from exc
    if result is not None:
        click.echo(json.dumps(result, default=str, indent=1))


@simulate.command("item-edit")
@db_option
@click.argument("code")
@click.option("--price", help="Sell price.")
@click.option("--web-price", help="Web sell price (0 = not set).")
@click.option("--description")
@click.option("--long-desc")
@click.option("--deleted/--undeleted", default=None, help="Take off (or put back on) the web.")
@click.option("--discontinued/--continued", default=None)
@click.option("--run-to-zero/--no-run-to-zero", default=None)
@click.option(
    "--uda", multiple=True, metavar="NAME[:TYPE]=VALUE", help="Replace the UDAs (repeatable)."
)
def item_edit(db_path: Path, code: str, uda: tuple[str, ...], **changes: Any) -> None:
    """Edit stock item CODE (stamps its revision date)."""
    edits = {name: value for name, value in changes.items() if value is not None}
    if uda:
        edits["udas"] = [_parse_uda(text) for text in uda]
    control = _control(db_path)
    _run(lambda: {"code": control.edit_item(code, **edits).code, "changed": sorted(edits)})


def _parse_uda(text: str) -> dict[str, str]:
    name, _, value = text.partition("=")
    name, _, uda_type = name.partition(":")
    return {"name": name, "type": uda_type or "TEXT", "value": value}


@simulate.command("stock-adjust")
@db_option
@click.argument("code")
@click.option("--site", default=1, show_default=True, type=int)
@click.option("--delta", type=int, help="Add this to the level (negative to take away).")
@click.option("--level", type=int, help="Set the level to this.")
def stock_adjust(db_path: Path, code: str, site: int, delta: int | None, level: int | None) -> None:
    """Adjust the stock level of CODE at a site (stamps its movement date)."""
    control = _control(db_path)
    _run(
        lambda: {
            "code": code,
            "site": site,
            "level": control.adjust_stock(code, site, delta=delta, level=level),
        }
    )


@simulate.command("order-stage")
@db_option
@click.argument("order_ref")
@click.argument("stage", type=int)
def order_stage(db_path: Path, order_ref: str, stage: int) -> None:
    """Move ORDER_REF (order code or web ref) to invoice STAGE (9-21, 70, 71)."""
    control = _control(db_path)
    _run(lambda: control.set_stage(order_ref, stage))


@simulate.command("order-ship")
@db_option
@click.argument("order_ref")
@click.option("--consignment", required=True, help="Consignment (tracking) reference.")
@click.option(
    "--courier", default="RM48", show_default=True, help="Courier code (RM48, DPD, EVRI, COLL)."
)
@click.option(
    "--tracking-url", help="Tracking URL (default: the courier's URL for the consignment)."
)
@click.option(
    "--line",
    "lines",
    multiple=True,
    metavar="CODE=QTY",
    help="Ship only these quantities (repeatable).",
)
def order_ship(
    db_path: Path,
    order_ref: str,
    consignment: str,
    courier: str,
    tracking_url: str | None,
    lines: tuple[str, ...],
) -> None:
    """Ship ORDER_REF, all of it or part (--line CODE=QTY)."""
    quantities = {
        code: int(qty) for code, _, qty in (line.partition("=") for line in lines)
    } or None
    control = _control(db_path)
    _run(
        lambda: control.ship(
            order_ref,
            quantities,
            consignment_ref=consignment,
            courier=courier,
            tracking_url=tracking_url,
        )
    )


@simulate.command("order-cancel")
@db_option
@click.argument("order_ref")
@click.option("--reason", default="Cancelled by customer", show_default=True)
@click.option("--user", default="Khaos", show_default=True)
def order_cancel(db_path: Path, order_ref: str, reason: str, user: str) -> None:
    """Cancel ORDER_REF; unsent stock goes back to its site."""
    control = _control(db_path)
    _run(lambda: {"cancelled": control.cancel(order_ref, reason, user)["code"]})


@simulate.command("order-show")
@db_option
@click.argument("order_ref")
def order_show(db_path: Path, order_ref: str) -> None:
    """Print ORDER_REF with its lines and invoices."""
    control = _control(db_path)
    _run(lambda: control.order(order_ref))


@simulate.command("clock-advance")
@db_option
@click.option("--hours", default=0.0, type=float)
@click.option("--days", default=0.0, type=float)
@click.option("--seconds", default=0.0, type=float)
def clock_advance(db_path: Path, hours: float, days: float, seconds: float) -> None:
    """Move the simulated clock forward."""
    control = _control(db_path)
    _run(lambda: {"now": control.advance_clock(seconds, hours=hours, days=days)})


@simulate.command("faults")
@click.argument("spec", required=False)
@click.option(
    "--url", default="http://127.0.0.1:8088", show_default=True, help="The running simulator."
)
@click.option("--control-token", envvar="KHAOS_SIM_CONTROL_TOKEN", required=True)
def faults(spec: str | None, url: str, control_token: str) -> None:
    """Show, or replace with SPEC, the faults of a running simulator ('' clears them)."""
    import httpx

    headers = {"Authorization": f"Bearer {control_token}"}
    if spec is None:
        response = httpx.get(f"{url}/control/faults", headers=headers)
    else:
        response = httpx.post(f"{url}/control/faults", headers=headers, json={"spec": spec})
    if response.status_code != 200:
        raise click.ClickException(response.text)
    click.echo(json.dumps(response.json(), indent=1))


CLOUD_FAULTS_HELP = (
    "Fault SPEC, e.g. 'lost-200@rate=0.3;specific-ids@every=2;slow-pull=1;"
    "wrong-password@times=1;seed=7'. KIND: lost-200, specific-ids, slow-pull=SECONDS, "
    "wrong-password; TRIGGER: rate=P, every=N, after=N, times=N."
)


@simulate.command("cloud")
@db_option
@click.option("--shop", required=True, help="The shop's address, or its channel config URL.")
@click.option("--username", envvar="KHAOS_SIM_CLOUD_USERNAME", required=True)
@click.option("--password", envvar="KHAOS_SIM_CLOUD_PASSWORD", required=True)
@click.option("--generate", "generate_count", type=int, help="Generate about N items when empty.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--faults", default="", help=CLOUD_FAULTS_HELP)
@click.option(
    "--interval",
    type=float,
    help="Seconds between rounds; default: the OrderDownload Frequency of the channel config.",
)
@click.option("--rounds", type=int, help="Stop after N rounds (the first pushes the catalogue).")
@click.option("-v", "--verbose", is_flag=True)
def cloud(
    db_path: Path,
    shop: str,
    username: str,
    password: str,
    generate_count: int | None,
    seed: int,
    faults: str,
    interval: float | None,
    rounds: int | None,
    verbose: bool,
) -> None:
    """Act as Khaos Control Cloud against a shop's channel endpoints.

    Pushes the catalogue, changes and levels, pulls orders and imports them
    with the simulator's rules, pushes statuses as orders move. The other
    sub-commands (order-ship, order-cancel, order-stage …) work on the same --db.
    """
    import logging

    from khaos_sync.protocol.cloud.config import Endpoint
    from khaos_sync.simulator.cloud.faults import CloudFaults
    from khaos_sync.simulator.cloud.session import CloudSimulator, CloudSimulatorError
    from khaos_sync.simulator.faults import FaultSpecError
    from khaos_sync.simulator.runner import open_store

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
    try:
        plan = CloudFaults(faults)
    except FaultSpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from exc
    store = open_store(db_path, generate=generate_count, seed=seed)
    try:
        with CloudSimulator(store, shop, username, password, faults=plan) as sim:
            config = sim.fetch_config()
            click.echo(f"Khaos Control Cloud simulator → {sim.url}  (database {db_path})")
            every = interval
            if every is None:
                order_entry = config.get(Endpoint.ORDER_DOWNLOAD)
                every = 60.0 * float((order_entry.frequency if order_entry else None) or 15)
            sim.run(interval=every, rounds=rounds)
            tally = sim.tally
            click.echo(
                f"{tally.pushes} pushes ({tally.resends} resent, {tally.refused} refused), "
                f"{tally.pulls} pulls, {tally.orders_imported} orders imported, "
                f"{tally.statuses} statuses pushed"
            )
    except CloudSimulatorError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        store.close()
