"""``sync status``: bring order statuses and tracking from Khaos into the shop, once."""

from __future__ import annotations

import click

from khaos_sync.cli.django_setup import setup_database
from khaos_sync.cli.runs import finish_run, print_run, print_summary

SUMMARY_ROWS = (
    ("orders", "orders in the feed"),
    ("unknown_orders", "not in the shop"),
    ("forbidden", "changes refused by the pipeline"),
    ("shipments", "new shipments"),
    ("unmatched_items", "sent items matching no line"),
    ("emails", "dispatch e-mails sent"),
)


@click.command("status")
@click.option(
    "--order",
    "numbers",
    multiple=True,
    metavar="NUMBER",
    help="Only this shop order, now (repeatable); the poll's cursor is left alone.",
)
@click.option("--url", help="KhaosWS endpoint (default: configuration).")
def sync_status(numbers: tuple[str, ...], url: str | None) -> None:
    """Order statuses, shipments and tracking links from Khaos (ExportOrderStatusEx)."""
    setup_database()
    from khaos_sync.sync.status.flow import sync_order_status, sync_status_once

    run = sync_order_status(numbers, url=url) if numbers else sync_status_once(url=url)
    print_summary(run.summary, SUMMARY_ROWS)
    for number in numbers:
        print_order(number)
    print_run(run)
    finish_run(run)


def print_order(number: str) -> None:
    from khaos_sync.store.status import Order

    order = Order.objects.filter(number=number).first()
    if order is None:
        click.echo(f"order {number}: not in the shop")
        return
    click.echo(f"order {number}: {order.status}")
    for shipment in order.khaos_shipments.all():
        sent = ", ".join(f"{s.line.partner_sku} × {s.quantity}" for s in shipment.lines.all())
        click.echo(
            f"  {shipment.shipped_on or '-'}  {shipment.courier or '-'}  "
            f"{shipment.consignment_ref or '-'}  {shipment.tracking_url or '-'}  {sent}"
        )
