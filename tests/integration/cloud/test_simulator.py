"""The cloud simulator against a served shop, end to end, with and without faults."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

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
        assert sim.tally.orders_imported == len(orders)

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
