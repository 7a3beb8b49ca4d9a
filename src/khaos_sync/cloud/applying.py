"""Applying pushes through the SOAP flows' own importers, mappers and store writers.

Each push becomes one run of the flow it feeds (catalogue, stock, status), so
the run log, failed items and retries look exactly as they do with SOAP.
The importers are built without a Khaos client: the parts used here never
call Khaos.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from khaos_sync.backends.base import StatusAnswer
from khaos_sync.backends.cloud import CloudBackend
from khaos_sync.cloud.families import Family, complete_families
from khaos_sync.cloud.models import CloudDelivery, CloudPriceList, CloudPush
from khaos_sync.mappers.products import is_shown
from khaos_sync.mappers.status import StatusMappingError, map_order_status
from khaos_sync.mappers.stock import Site, StockMappingError, group_by_item, map_item_stock
from khaos_sync.protocol.cloud.levels import read_stock_status_upload
from khaos_sync.protocol.cloud.orders import order_number_in
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.protocol.cloud.price_lists import PriceList, read_price_list_upload
from khaos_sync.protocol.cloud.statuses import CloudStatus, read_order_status_upload
from khaos_sync.protocol.cloud.stock import StockUpload, read_stock_upload
from khaos_sync.protocol.documents.stock_status import StockStatus
from khaos_sync.store import stock as stock_store
from khaos_sync.store.prices import save_price_list
from khaos_sync.store.sites import site_partner
from khaos_sync.sync.catalogue.importer import CatalogueImporter
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.core.models import Flow
from khaos_sync.sync.core.runs import RunRecorder, recorded_run
from khaos_sync.sync.orders.exporter import bind_customer
from khaos_sync.sync.orders.models import OrderExport
from khaos_sync.sync.prices.importer import spec_from_upload
from khaos_sync.sync.status.importer import StatusImporter
from khaos_sync.sync.stock.importer import StockImporter, raw_entries
from khaos_sync.sync.stock.importer import entry_key as level_key

log = logging.getLogger(__name__)

Product = get_model("catalogue", "Product")


def max_bytes() -> int:
    return int(settings.KHAOS_SYNC["cloud"]["max_payload_bytes"])


# --- stock upload → the catalogue writer --------------------------------------------


def read_stock(body: bytes, fmt: Format) -> StockUpload:
    return read_stock_upload(body, fmt, code_for_id=code_for_id, max_bytes=max_bytes())


def code_for_id(stock_id: str) -> str | None:
    """Links to items outside the upload: the shop knows their code once they are bound."""
    return (
        ProductBinding.objects.filter(stock_id=stock_id)
        .values_list("stock_code", flat=True)
        .first()
    )


def apply_stock(push: CloudPush, upload: StockUpload) -> dict[str, Any]:
    with recorded_run(Flow.CATALOGUE) as recorder:
        families: Family = complete_families(push, upload)
        importer = CatalogueImporter(CloudBackend(), recorder)
        importer.run_from_items(families.items)
        hidden = hide_deleted(upload.deleted)
        recorder.summary.update(
            transport="cloud",
            push=push.pk,
            items=len(families.items),
            waiting_for_family=len(families.waiting),
            deleted=len(upload.deleted),
            hidden=hidden,
            unresolved_links=list(upload.unresolved_links[:20]),
        )
        return {
            **recorder.counts,
            "items": len(families.items),
            "waiting_for_family": len(families.waiting),
            "hidden": hidden,
        }


def hide_deleted(stock_ids: Sequence[str]) -> int:
    """Deleted in Khaos: hidden, as a DELETED item is; a later push brings it back."""
    if not stock_ids:
        return 0
    hidden = 0
    with transaction.atomic():
        bindings = ProductBinding.objects.select_related("product").filter(stock_id__in=stock_ids)
        for binding in bindings:
            product = binding.product
            if product.khaos_deleted:
                continue
            product.khaos_deleted = True
            product.is_public = is_shown(product.published, True)
            product.save(update_fields=["khaos_deleted", "is_public"])
            # The next push of the item must be applied even if nothing else changed.
            binding.synced_hash = ""
            binding.save(update_fields=["synced_hash"])
            hidden += 1
    return hidden


# --- stock status upload → the stock writer ------------------------------------------


def read_levels(body: bytes, fmt: Format) -> list[StockStatus]:
    return read_stock_status_upload(body, fmt, max_bytes=max_bytes())


def apply_levels(push: CloudPush, entries: list[StockStatus]) -> dict[str, Any]:
    with recorded_run(Flow.STOCK) as recorder:
        importer = StockImporter(CloudBackend(), recorder)
        prepare_sites(importer, entries)
        importer.apply(iter(list(map_levels(importer, recorder, entries))), all_packs=False)
        recorder.summary.update(transport="cloud", push=push.pk, entries=len(entries))
        return dict(recorder.counts)


def prepare_sites(importer: StockImporter, entries: Iterable[StockStatus]) -> None:
    """The chosen sites (``[khaos] stock_sites``, else site 1) and every site the push names."""
    chosen = list(settings.KHAOS_SYNC["khaos"]["stock_sites"]) or [1]
    named = {int(e.site) for e in entries if e.site and e.site.strip().lstrip("-").isdigit()}
    importer.sites = [Site(site_id, "") for site_id in sorted(set(chosen) | named)]
    importer.chosen = chosen
    importer.default_site = chosen[0]
    for site_id in chosen:
        site_partner(site_id, "")
    importer.partner_ids = stock_store.site_partner_ids(chosen)


def map_levels(
    importer: StockImporter, recorder: RunRecorder, entries: list[StockStatus]
) -> Iterable[Any]:
    for group in group_by_item(entries).values():
        try:
            yield map_item_stock(group, importer.sites, importer.chosen, importer.default_site)
        except StockMappingError as exc:
            recorder.fail(level_key(group[0]), raw_entries(group), exc)


# --- order status upload → the status pipeline ---------------------------------------


def read_statuses(body: bytes, fmt: Format) -> list[CloudStatus]:
    return read_order_status_upload(body, fmt, max_bytes=max_bytes())


def apply_statuses(push: CloudPush, statuses: list[CloudStatus]) -> dict[str, Any]:
    statuses = [with_shop_ref(status) for status in statuses]
    confirmed = confirm_imported(statuses)
    document = bytes(push.payload).decode("utf-8", "replace")
    with recorded_run(Flow.STATUS) as recorder:
        importer = StatusImporter(CloudBackend(), recorder)
        changes = []
        for index, status in enumerate(statuses):
            record = status.record
            try:
                changes.append((index, map_order_status(record, importer.table)))
            except StatusMappingError as exc:
                recorder.fail(record.associated_ref or record.order_code or "?", document, exc)
        recorder.add("orders", len(changes))
        if changes:
            records = [status.record for status in statuses]
            importer.apply_chunk(changes, StatusAnswer(records, lambda _index: document))
        importer.notify_customers()
        recorder.summary.update(transport="cloud", push=push.pk, confirmed=confirmed)
        return {**recorder.counts, "confirmed": confirmed}


def with_shop_ref(status: CloudStatus) -> CloudStatus:
    """A status without its associated ref finds the order by the CustomData the shop sent."""
    if status.record.associated_ref:
        return status
    number = order_number_in(status.custom_data)
    if number is None:
        return status
    return replace(status, record=replace(status.record, associated_ref=number))


def confirm_imported(statuses: Sequence[CloudStatus]) -> int:
    """An order a status names is in Khaos: the outbox row is done, its customer (URN) known."""
    named = {s.record.associated_ref: s.record for s in statuses if s.record.associated_ref}
    if not named:
        return 0
    now = timezone.now()
    confirmed = 0
    with transaction.atomic():
        rows = (
            OrderExport.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(order_number__in=list(named))
        )
        for row in rows:
            if row.state == OrderExport.State.IMPORTED:
                continue
            record = named[row.order_number]
            row.state = OrderExport.State.IMPORTED
            row.imported_at = now
            row.khaos_order_code = (record.order_code or "")[:32]
            row.urn = (record.company_code or "")[:32]
            row.last_error = ""
            row.save(
                update_fields=["state", "imported_at", "khaos_order_code", "urn", "last_error"]
            )
            # As on the SOAP path: the account's next orders name its Khaos customer.
            bind_customer(row.order, row.urn)
            confirmed += 1
        CloudDelivery.objects.filter(order_number__in=list(named), confirmed_at=None).update(
            confirmed_at=now
        )
    return confirmed


# --- price list upload → stored -------------------------------------------------------


def read_price_lists(body: bytes, fmt: Format) -> list[PriceList]:
    return read_price_list_upload(body, fmt, max_bytes=max_bytes())


def apply_price_lists(push: CloudPush, lists: list[PriceList]) -> dict[str, Any]:
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for price_list in lists:
            values = {
                "name": price_list.name or "",
                "channel_id": price_list.channel_id or "",
                "net": price_list.net,
                "prices": [_jsonable(asdict(price)) for price in price_list.prices],
            }
            current = CloudPriceList.objects.filter(price_list_id=price_list.price_list_id).first()
            if current is not None and all(
                getattr(current, name) == value for name, value in values.items()
            ):
                continue
            CloudPriceList.objects.update_or_create(
                price_list_id=price_list.price_list_id, defaults={**values, "updated_at": now}
            )
            changed += 1
        refused = [store_price_list(price_list, now) for price_list in lists]
    result: dict[str, Any] = {"lists": len(lists), "changed": changed}
    if any(refused):
        result["refused"] = [reason for reasons in refused for reason in reasons]
    return result


def store_price_list(price_list: PriceList, now: Any) -> list[str]:
    """The list as the shop prices from it (a repeat push writes nothing); the entries refused."""
    spec, refused = spec_from_upload(price_list)
    save_price_list(spec, now)
    return refused


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
