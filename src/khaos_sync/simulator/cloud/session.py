"""The simulated Khaos Control Cloud's conversation with one shop.

``first_sync`` is what linking a channel does: fetch the channel config, push
the whole catalogue in batches, then every level. Each ``tick`` then pushes
what changed since the last one, pulls orders (following the continuation
until a page is empty), imports them with the SOAP simulator's rules, and
pushes the status of every order that moved.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

import httpx

from khaos_sync.protocol.cloud.config import ChannelConfig, Endpoint, read_channel_config
from khaos_sync.protocol.cloud.levels import write_stock_status_upload
from khaos_sync.protocol.cloud.orders import read_order_download
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.protocol.cloud.statuses import write_order_status_upload
from khaos_sync.protocol.cloud.stock import write_stock_upload
from khaos_sync.protocol.documents.order_status import OrderStatusEx
from khaos_sync.protocol.documents.orders import SalesOrder, build_orders
from khaos_sync.simulator.cloud import feeds
from khaos_sync.simulator.cloud.faults import CloudFaults
from khaos_sync.simulator.importing import import_orders
from khaos_sync.simulator.store import Store

log = logging.getLogger(__name__)

CONFIG_PATH: Final = "/khaos-cloud/channel-config.json"
CONTINUATION: Final = "Sirion-Continuation"
FIRST_CONTACT: Final = "2019-12-31 12:00:00Z"
MAX_SENDS: Final = 6
MAX_PAGES: Final = 1000


class CloudSimulatorError(Exception):
    """The shop cannot be talked to (wrong address, credentials, a push it keeps refusing)."""


@dataclass
class Tally:
    pushes: int = 0
    resends: int = 0
    refused: int = 0
    pulls: int = 0
    orders_imported: int = 0
    orders_skipped: int = 0
    statuses: int = 0
    skip_reasons: list[str] = field(default_factory=list)


def config_url(shop: str) -> str:
    """``--shop`` is the shop's address or the channel config URL itself."""
    url = shop.rstrip("/")
    return url if url.endswith((".json", ".xml")) else url + CONFIG_PATH


class CloudSimulator:
    def __init__(
        self,
        store: Store,
        shop: str,
        username: str,
        password: str,
        *,
        faults: CloudFaults | None = None,
        timeout: float = 60.0,
        backoff: float = 0.2,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.url = config_url(shop)
        self.auth = (username, password)
        self.faults = faults or CloudFaults()
        self.backoff = backoff
        self.http = httpx.Client(timeout=timeout)
        self.clock = clock or store.now
        self.config: ChannelConfig | None = None
        self.continuation = FIRST_CONTACT
        self.since: datetime | None = None
        self.tally = Tally()

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> CloudSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the conversation ---------------------------------------------------------

    def fetch_config(self) -> ChannelConfig:
        response = self.call("GET", self.url)
        if response.status_code != 200:
            raise CloudSimulatorError(
                f"channel config at {self.url}: HTTP {response.status_code} {response.text.strip()[:200]}"
            )
        fmt = Format.XML if self.url.endswith(".xml") else Format.JSON
        self.config = read_channel_config(response.content, fmt)
        return self.config

    def first_sync(self) -> None:
        """Linking the channel: the whole catalogue, then every level."""
        started = self.clock()
        self.fetch_config()
        self.push_catalogue(None)
        self.push_levels(None)
        self.since = started

    def tick(self) -> None:
        """One round: changes, levels, orders, statuses."""
        if self.since is None:
            self.first_sync()
            return
        started = self.clock() - timedelta(seconds=1)
        self.push_catalogue(self.since)
        self.push_levels(self.since)
        self.pull_orders()
        self.push_statuses(feeds.statuses_since(self.store, self.since))
        self.since = started

    def push_catalogue(self, since: datetime | None) -> None:
        endpoint = self.endpoint(Endpoint.STOCK_UPLOAD)
        for items in feeds.catalogue_batches(self.store, since):
            self.push(endpoint, write_stock_upload(items, endpoint[1]))

    def push_levels(self, since: datetime | None) -> None:
        endpoint = self.endpoint(Endpoint.STOCK_STATUS_UPLOAD)
        for entries in feeds.level_batches(self.store, since):
            self.push(endpoint, write_stock_status_upload(entries, endpoint[1]))

    def push_statuses(self, statuses: Sequence[OrderStatusEx]) -> None:
        if not statuses:
            return
        endpoint = self.endpoint(Endpoint.ORDER_STATUS_UPLOAD)
        echoed = feeds.with_custom_data(self.store, statuses)
        self.push(endpoint, write_order_status_upload(echoed, endpoint[1]))
        self.tally.statuses += len(statuses)

    def pull_orders(self) -> list[str]:
        """Pull until a page comes back empty; import each page with the simulator's rules."""
        imported: list[str] = []
        for _page in range(MAX_PAGES):
            orders, token = self.pull(self.continuation)
            self.continuation = token or self.continuation
            if not orders:
                break
            imported += self.import_page(orders)
            if self.faults.fires("specific-ids"):
                again, _token = self.pull(
                    self.continuation, specific=[order.header.associated_ref for order in orders]
                )
                # Khaos imports by associated ref: the repeats are skipped as duplicates.
                self.import_page(again)
        # Orders Khaos imported hear back at once (Received), as KCC confirms an import.
        self.push_statuses(feeds.statuses_of(self.store, imported))
        return imported

    def pull(
        self, continuation: str, *, specific: Sequence[str] = ()
    ) -> tuple[list[SalesOrder], str]:
        url, fmt = self.endpoint(Endpoint.ORDER_DOWNLOAD)
        wait = self.faults.seconds("slow-pull")
        if wait:
            time.sleep(wait)
        headers = {CONTINUATION: continuation}
        if specific:
            headers["SpecificIDs"] = ",".join(specific)
        response = self.call("GET", url, headers=headers)
        self.tally.pulls += 1
        if response.status_code != 200:
            raise CloudSimulatorError(
                f"order pull: HTTP {response.status_code} {response.text.strip()[:200]}"
            )
        download = read_order_download(response.content, fmt)
        feeds.keep_custom_data(self.store, download.custom_data)
        return list(download.orders), response.headers.get(CONTINUATION, "")

    def import_page(self, orders: Sequence[SalesOrder]) -> list[str]:
        if not orders:
            return []
        result = import_orders(self.store, build_orders(orders).decode("utf-8"))
        self.tally.orders_imported += len(result.imported)
        self.tally.orders_skipped += len(result.skipped)
        self.tally.skip_reasons += [s["SkipReason"] for s in result.skipped]
        return [entry["AssociatedRef"] for entry in result.imported]

    # --- HTTP ---------------------------------------------------------------------

    def endpoint(self, name: Endpoint) -> tuple[str, Format]:
        config = self.config or self.fetch_config()
        entry = config.get(name)
        if entry is None:
            raise CloudSimulatorError(f"the shop's channel config has no {name.value}")
        return entry.url, entry.format

    def push(self, endpoint: tuple[str, Format], body: bytes) -> None:
        """Send until answered 200 (Khaos resends on anything else); maybe again if 'lost'."""
        url, fmt = endpoint
        kind = "application/json" if fmt is Format.JSON else "application/xml"
        for attempt in range(1, MAX_SENDS + 1):
            response = self.call("POST", url, content=body, headers={"Content-Type": kind})
            self.tally.pushes += 1
            if response.status_code == 200:
                if self.faults.fires("lost-200"):
                    self.tally.resends += 1
                    continue
                return
            if 400 <= response.status_code < 500 and response.status_code != 401:
                # The shop cannot read it: Khaos keeps it in its own error log.
                self.tally.refused += 1
                log.warning(
                    "push refused", extra={"url": url, "reason": response.text.strip()[:200]}
                )
                return
            self.tally.resends += 1
            time.sleep(self.backoff * attempt)
        if response.status_code != 200:
            raise CloudSimulatorError(
                f"push to {url} still answered HTTP {response.status_code} after {MAX_SENDS} sends"
            )

    def call(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        try:
            if self.faults.fires("wrong-password"):
                refused = self.http.request(
                    method, url, auth=(self.auth[0], "wrong"), headers=headers, content=content
                )
                log.info("wrong password", extra={"url": url, "status": refused.status_code})
                self.tally.resends += 1
            return self.http.request(method, url, auth=self.auth, headers=headers, content=content)
        except httpx.HTTPError as exc:
            raise CloudSimulatorError(f"{method} {url}: {exc}") from exc

    def run(
        self,
        *,
        interval: float,
        rounds: int | None = None,
        stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """``tick`` every ``interval`` seconds until ``stop`` (or ``rounds``) says so."""
        done = 0
        while not stop() and (rounds is None or done < rounds):
            self.tick()
            done += 1
            log.info("cloud round", extra={"round": done, "tally": self.tally.__dict__})
            if rounds is None or done < rounds:
                time.sleep(interval)
