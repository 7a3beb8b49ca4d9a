"""The cloud simulator against a served shop, end to end, with and without faults."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from khaos_sync.cloud.models import CloudPush
from khaos_sync.simulator import Control, open_store
from khaos_sync.simulator.cloud.faults import CloudFaults
from khaos_sync.simulator.cloud.session import CloudSimulator, CloudSimulatorError
from khaos_sync.simulator.order_book import orders_where
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import place_order

from .conftest import PASSWORD, USERNAME

pytestmark = pytest.mark.slow

CATALOGUE_SIZE = 40
FAULTS = "lost-200@rate=0.5;specific-ids@every=1;wrong-password@every=4;slow-pull=0.05;seed=3"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cloud-simulator") / "template.sqlite3"
    open_store(path, generate=CATALOGUE_SIZE, seed=5).close()
    return path


@pytest.fixture
def store(tmp_path: Path, template: Path) -> Any:
    path = tmp_path / "sim.sqlite3"
    shutil.copyfile(template, path)
    opened = open_store(path)
    yield opened
    opened.close()


def simulator(store: Any, live_server: Any, faults: str = "") -> CloudSimulator:
    return CloudSimulator(
        store, live_server.url, USERNAME, PASSWORD, faults=CloudFaults(faults), backoff=0.01
    )


def catalogue() -> list[tuple[Any, ...]]:
    return sorted(
        ProductBinding.objects.values_list(
            "stock_id", "stock_code", "structure", "parent_stock_id", "synced_hash"
        )
    )


def sellable(store: Any, count: int) -> list[Any]:
    codes = [
        item.code
        for item in store.items_where("kind = ? ORDER BY stock_id", ("standalone",))
        if item.web and not item.discontinued and not item.run_to_zero and item.stock_controlled
    ]
    bindings = ProductBinding.objects.filter(stock_code__in=codes).select_related("product")
    by_code = {b.stock_code: b.product for b in bindings}
    return [by_code[code] for code in codes if code in by_code][:count]


@pytest.mark.parametrize("faults", ["", FAULTS], ids=["calm", "faults"])
def test_first_day_over_khaos_control_cloud(
    cloud_settings: Any, transactional_db: None, live_server: Any, store: Any, faults: str
) -> None:
    with simulator(store, live_server, faults) as sim:
        sim.first_sync()
        top_level = store.items_where("kind != ?", ("scs_child",))
        bound = ProductBinding.objects.count()
        assert bound >= len(top_level) * 0.9, (bound, len(top_level))
        assert ProductBinding.objects.filter(structure="parent").exists()
        assert not CloudPush.objects.exclude(state=CloudPush.State.APPLIED).exists()

        products = sellable(store, 3)
        orders = [place_order([(product, 1)]) for product in products]
        for order in orders:
            order.refresh_from_db()  # the number is generated as an int, stored as text
        sim.tick()
        assert sim.tally.orders_imported == len(orders), sim.tally.skip_reasons
        for order in orders:
            (khaos_order,) = orders_where(store, "associated_ref = ?", [order.number])
            assert khaos_order.associated_ref == order.number
            export = OrderExport.objects.get(order=order)
            assert export.state == OrderExport.State.IMPORTED
            assert export.khaos_order_code == khaos_order.code
            assert export.urn == khaos_order.company_code  # the customer Khaos matched
        assert sim.tally.orders_imported == len(orders)
        # Khaos echoes each order's CustomData back in its statuses.
        statuses = b"".join(
            bytes(push.payload) for push in CloudPush.objects.filter(endpoint="OrderStatusUpload")
        )
        assert all(f"order={order.number}".encode() in statuses for order in orders)

        Control(store).ship(orders[0].number, consignment_ref="JD00001")
        Control(store).cancel(orders[1].number)
        sim.tick()
        orders[0].refresh_from_db()
        orders[1].refresh_from_db()
        assert orders[0].status == "Dispatched"
        assert orders[0].shipping_events.exists()
        assert orders[1].status == "Cancelled"
        if faults:
            assert sim.tally.resends > 0


def test_faults_leave_the_same_catalogue(
    cloud_settings: Any, transactional_db: None, live_server: Any, store: Any
) -> None:
    with simulator(store, live_server) as sim:
        sim.first_sync()
    calm = catalogue()
    with simulator(store, live_server, FAULTS) as sim:
        sim.first_sync()  # the whole catalogue again, with lost answers and resends
    assert catalogue() == calm


def test_a_wrong_password_is_one_clear_error(
    cloud_settings: Any, transactional_db: None, live_server: Any, store: Any
) -> None:
    with CloudSimulator(store, live_server.url, USERNAME, "not the password") as sim:
        with pytest.raises(CloudSimulatorError, match="HTTP 401"):
            sim.first_sync()


class FlakyFront:
    """A front server before the shop that answers 503 to every Nth push, as a proxy does while
    the shop restarts; everything else goes through to the shop unchanged."""

    PASSED_HEADERS = ("Authorization", "Content-Type", "Sirion-Continuation", "SpecificIDs")

    def __init__(self, shop_url: str, every: int) -> None:
        self.shop_url, self.every, self.pushes, self.refused = shop_url, every, 0, 0
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                front.forward(self)

            def do_POST(self) -> None:
                front.pushes += 1
                if front.pushes % front.every == 1:
                    front.refused += 1
                    self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                front.forward(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        headers = {k: v for k in self.PASSED_HEADERS if (v := request.headers.get(k)) is not None}
        # The shop builds the channel's URLs from the Host it is called with: this front.
        headers["Host"] = request.headers["Host"]
        answer = httpx.request(
            request.command, self.shop_url + request.path, headers=headers, content=body
        )
        request.send_response(answer.status_code)
        for name in ("Content-Type", "Sirion-Continuation"):
            if name in answer.headers:
                request.send_header(name, answer.headers[name])
        request.send_header("Content-Length", str(len(answer.content)))
        request.end_headers()
        request.wfile.write(answer.content)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_pushes_answered_other_than_200_are_sent_again_until_applied(
    cloud_settings: Any, transactional_db: None, live_server: Any, store: Any
) -> None:
    front = FlakyFront(live_server.url, every=3)
    try:
        with CloudSimulator(store, front.url, USERNAME, PASSWORD, backoff=0.01) as sim:
            sim.first_sync()
            assert front.refused > 0
            assert sim.tally.resends >= front.refused
            assert sim.tally.refused == 0
    finally:
        front.close()
    assert not CloudPush.objects.exclude(state=CloudPush.State.APPLIED).exists()
    flaky = catalogue()
    assert len(flaky) >= len(store.items_where("kind != ?", ("scs_child",))) * 0.9
    with simulator(store, live_server) as sim:
        sim.first_sync()  # the same catalogue without a refused push
    assert catalogue() == flaky
