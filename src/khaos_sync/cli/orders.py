"""``sync orders``: send placed orders to Khaos, once or as a long-running exporter."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from khaos_sync.cli.django_setup import setup_database
from khaos_sync.cli.progress import progress_bar


@click.command("orders")
@click.option("--url", help="KhaosWS endpoint (default: configuration).")
@click.option(
    "--loop",
    is_flag=True,
    help="Keep running: poll for new orders every [orders] poll_seconds until Ctrl-C or SIGTERM.",
)
def sync_orders(url: str | None, loop: bool) -> None:
    """Send queued web orders to Khaos (each exactly once) and report what happened."""
    setup_database()
    from khaos_sync.cli.runs import finish_run, print_run
    from khaos_sync.sync.orders.flow import due_count, export_orders_once, run_export_loop

    if loop:
        stop = stop_on_signals()
        click.echo(
            "exporting orders as they arrive; Ctrl-C stops after the order in flight", err=True
        )
        run_export_loop(url=url, stop=stop, on_run=print_loop_run)
        click.echo("stopped", err=True)
        return
    with progress_bar("orders", total=due_count()) as progress:
        run = export_orders_once(url=url, progress=progress)
    if run is None:
        click.echo("no orders waiting for Khaos")
        return
    print_run(run)
    for name, value in sorted(run.summary.items()):
        click.echo(f"  {name}: {value}")
    finish_run(run)


def stop_on_signals() -> threading.Event:
    """Ctrl-C and SIGTERM ask the exporter to stop between batches, never mid-send."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second Ctrl-C: the person really wants out
        click.echo("stopping after the order in flight…", err=True)
        stop.set()
        from khaos_sync.sync.orders.wake import wake_exporters

        wake_exporters()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return stop


def print_loop_run(run) -> None:  # type: ignore[no-untyped-def]
    parts = ", ".join(f"{name} {value}" for name, value in sorted(run.summary.items()))
    click.echo(
        f"{run.started_at:%H:%M:%S} {parts or 'nothing sent'} ({run.khaos_calls} Khaos calls)"
    )
