"""The price list importer: list names → each list (ExportPriceList) → entries → store.

Each list is fetched and written on its own: a list Khaos cannot send, or a
break the shop cannot price, is a failed item with the list's document kept
for replay, and the other lists still land. An unchanged list writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from khaos_sync.backends.base import KhaosBackend, PriceListAnswer
from khaos_sync.mappers.prices import (
    EntrySpec,
    PriceRuleError,
    entry_from_break,
    entry_from_upload,
)
from khaos_sync.protocol.cloud.price_lists import PriceList as CloudPriceList
from khaos_sync.protocol.documents.price_lists import PriceBreak
from khaos_sync.protocol.errors import KhaosError
from khaos_sync.store.prices import PriceListSpec, remove_price_lists_except, save_price_list
from khaos_sync.sync.core.importer import KhaosImporter
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.core.runs import RunRecorder, resolve_failures
from khaos_sync.sync.prices.models import PriceList, PriceListAssignment

log = logging.getLogger(__name__)

FLOW = "prices"
ENTRY_SEPARATOR = " / "  # failed item key of one break: "<list> / <stock code>"


class PriceListImporter(KhaosImporter):
    flow = FLOW

    def __init__(self, backend: KhaosBackend, recorder: RunRecorder) -> None:
        super().__init__(backend, recorder)
        config = self.config
        self.wanted: list[str] = list(config["lists"])
        self.web_list: str = config["web_list"]
        self.gross_lists = {name.lower() for name in config["gross_lists"]}
        self.list_classes: dict[str, str] = config["list_classes"]
        for name in ("lists", "entries", "stock_type_breaks", "removed"):
            recorder.add(name, 0)

    def run(self, names: Iterable[str] | None = None) -> None:
        """Fetch the named lists, or every list (and drop those Khaos no longer has)."""
        everything = names is None
        chosen = list(names) if names is not None else self.list_names()
        clean = []
        for name in chosen:
            if self.import_list(name):
                clean.append(name)
        if everything:
            self.recorder.add("removed", remove_price_lists_except(chosen, PriceList.Source.SOAP))
        resolve_failures(FLOW, [*clean, *self.entry_keys(clean)])

    def list_names(self) -> list[str]:
        names = self.wanted or self.backend.price_list_names()
        if self.web_list and self.web_list.lower() not in {n.lower() for n in names}:
            names = [*names, self.web_list]
        return list(dict.fromkeys(names))

    def import_list(self, name: str) -> bool:
        """True when the whole list went in."""
        try:
            answer = self.backend.price_list(name)
        except KhaosError as exc:
            if not exc.retryable:
                self.recorder.fail(name, "", exc)
                return False
            raise
        self.recorder.add("lists")
        spec, clean = self.spec_of(answer)
        self.recorder.add("entries", len(spec.entries))
        if save_price_list(spec, timezone.now()):
            self.recorder.count("updated")
        else:
            self.recorder.count("unchanged")
        return clean

    def spec_of(self, answer: PriceListAnswer) -> tuple[PriceListSpec, bool]:
        entries: list[EntrySpec] = []
        clean = True
        for price_break in answer.breaks:
            if price_break.stock_code is None:
                # Breaks by stock type: the shop does not keep Khaos's stock types.
                self.recorder.add("stock_type_breaks")
                continue
            try:
                entries.append(entry_of(price_break))
            except PriceRuleError as exc:
                clean = False
                key = f"{answer.name}{ENTRY_SEPARATOR}{price_break.stock_code}"
                self.recorder.fail(key, answer.document, exc)
        spec = PriceListSpec(
            name=answer.name,
            source=PriceList.Source.SOAP,
            is_net=answer.name.lower() not in self.gross_lists,
            assignments=tuple(self.assignments(answer)),
            entries=tuple(entries),
        )
        return spec, clean

    def assignments(self, answer: PriceListAnswer) -> list[tuple[str, str]]:
        found = configured_assignments(answer.name)
        for price_break in answer.breaks:
            if price_break.company_code:
                found.append((PriceListAssignment.Kind.CUSTOMER, price_break.company_code))
            elif price_break.company_class:
                found.append((PriceListAssignment.Kind.CLASS, price_break.company_class))
        return found

    @staticmethod
    def entry_keys(names: list[str]) -> list[str]:
        prefixes = tuple(f"{name}{ENTRY_SEPARATOR}" for name in names)
        if not prefixes:
            return []
        pending = FailedItem.objects.filter(flow=FLOW).exclude(state=FailedItem.State.RESOLVED)
        keys = pending.values_list("key", flat=True)
        return [key for key in keys if key.startswith(prefixes)]


def configured_assignments(*names: str) -> list[tuple[str, str]]:
    """What the settings assign a list to, by its name (or, for the cloud, its id)."""
    config = settings.KHAOS_SYNC["prices"]
    wanted = {name.lower() for name in names if name}
    found: list[tuple[str, str]] = []
    if config["web_list"] and config["web_list"].lower() in wanted:
        found.append((PriceListAssignment.Kind.WEB, ""))
    for name, company_class in config["list_classes"].items():
        if name.lower() in wanted:
            found.append((PriceListAssignment.Kind.CLASS, company_class))
    return found


def spec_from_upload(upload: CloudPriceList) -> tuple[PriceListSpec, list[str]]:
    """A Khaos Control Cloud list as stored, and the entries refused (with why)."""
    entries: list[EntrySpec] = []
    refused: list[str] = []
    for price in upload.prices:
        try:
            entries.append(
                entry_from_upload(
                    price.stock_code,
                    price.qty_start,
                    price.qty_end,
                    price.price_value,
                    price.price_type,
                )
            )
        except PriceRuleError as exc:
            refused.append(str(exc))
    name = upload.name or f"Price list {upload.price_list_id}"
    spec = PriceListSpec(
        name=name,
        source=PriceList.Source.CLOUD,
        is_net=upload.net is not False,
        assignments=tuple(configured_assignments(name, upload.price_list_id)),
        entries=tuple(entries),
        external_id=upload.price_list_id,
    )
    return spec, refused


def entry_of(price_break: PriceBreak) -> EntrySpec:
    return entry_from_break(
        price_break.stock_code,
        price_break.qty_start,
        price_break.qty_end,
        price_break.amount_value,
        price_break.discount_value,
        price_break.mark_up,
    )


def list_name_of_key(key: str) -> str:
    return key.split(ENTRY_SEPARATOR, 1)[0]
