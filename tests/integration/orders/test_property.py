"""Random real baskets through Oscar and the simulator: Khaos's total is the shop's, to the penny."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oscar.core.loading import get_model
from oscar.test import factories

from khaos_sync.store.search import index_updates_paused
from khaos_sync.sync.orders.flow import export_orders_once
from khaos_sync.sync.orders.models import OrderExport
from tests.integration.orders.support import khaos_product, place_order

pytestmark = pytest.mark.django_db

Benefit = get_model("offer", "Benefit")
Condition = get_model("offer", "Condition")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Range = get_model("offer", "Range")

lines = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.10"), max_value=Decimal("99.99"), places=2),
        st.sampled_from(["20", "5", "0"]),
        st.integers(1, 7),
    ),
    min_size=1,
    max_size=4,
)
offers = st.one_of(
    st.none(),
    st.tuples(st.just(Benefit.PERCENTAGE), st.integers(1, 40)),
    st.tuples(st.just(Benefit.FIXED), st.integers(1, 15)),
)
deliveries = st.sampled_from([None, "0.00", "3.95", "4.49", "12.99"])


def make_offer(kind: str, value: int) -> None:
    everything, _ = Range.objects.get_or_create(name="Everything", includes_all_products=True)
    factories.create_offer(
        name=f"{kind} {value}",
        benefit=Benefit.objects.create(range=everything, type=kind, value=value),
        condition=Condition.objects.create(range=everything, type=Condition.COUNT, value=1),
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=lines, offer=offers, delivery=deliveries)
def test_khaos_charges_what_the_shop_charged(khaos, lines, offer, delivery):
    ConditionalOffer.objects.all().delete()
    if offer is not None:
        make_offer(*offer)
    # Storefront search plays no part in what Khaos charges; skip its index writes.
    with index_updates_paused():
        basket = [(khaos_product(khaos, str(price), vat=vat), qty) for price, vat, qty in lines]
        order = place_order(basket, shipping=delivery)

    export_orders_once()

    export = OrderExport.objects.get(order=order)
    assert export.state == OrderExport.State.IMPORTED, export.last_error
    assert khaos.control.order(order.number)["computed_total"] == order.total_incl_tax
