"""Price lists pushed by Khaos Control Cloud (PriceListUpload) price the shop's products."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from oscar.core.loading import get_class

from khaos_sync.sync.prices.models import PriceList
from tests.integration.orders.support import khaos_product

from .conftest import KhaosCloud

Selector = get_class("partner.strategy", "Selector")


def test_a_pushed_web_price_list_prices_the_shop_and_a_repeat_push_writes_nothing(
    kcc: KhaosCloud, kcc_samples: Path, settings: Any
) -> None:
    settings.KHAOS_SYNC["prices"].update(
        web_list="Channel 2 Price List", list_classes={"43": "Trade"}
    )
    product = khaos_product(None, "12.00", code="002253")
    body = (kcc_samples / "price-list-upload.xml").read_bytes()

    assert kcc.push("/khaos-cloud/price-lists.xml", body).status_code == 200

    web = PriceList.objects.get(name="Channel 2 Price List")
    assert (web.source, web.external_id, web.is_net) == ("cloud", "41", False)
    assert [(a.kind, a.value) for a in web.assignments.all()] == [("web", "")]
    assert web.entries.count() == 6
    other = PriceList.objects.get(external_id="43")
    assert other.is_net and [(a.kind, a.value) for a in other.assignments.all()] == [
        ("class", "Trade")
    ]
    # 8.75 gross in the web list, for everyone.
    assert Selector().strategy().fetch_for_product(product).price.incl_tax == Decimal("8.75")

    stored_at = web.synced_at
    assert kcc.push("/khaos-cloud/price-lists.xml", body).status_code == 200
    assert PriceList.objects.get(name="Channel 2 Price List").synced_at == stored_at
