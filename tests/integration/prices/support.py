"""Price lists in the simulator, and shop accounts linked to Khaos customers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from oscar.test import factories

from khaos_sync.simulator import RunningSimulator
from khaos_sync.simulator.model import Customer, PriceBreak, PriceList
from khaos_sync.sync.customers.models import CustomerBinding

TRADE_CODE = "CU900001"
RETAILER_CODE = "CU900002"


def khaos_price_lists(sim: RunningSimulator, code: str) -> None:
    """Khaos's three lists, for one item whose web price is 12.00 (VAT 20%).

    Web Prices (gross, everyone): 11.40. Trade (net, class Trade): 7.00 each,
    6.00 from 10. Retailers (net, one customer): 10.00 less 10% = 9.00.
    """
    sim.store.put_price_lists(
        [
            PriceList(
                "Web Prices",
                is_net=False,
                company_class="Internet",
                breaks=[PriceBreak(code, Decimal("11.40"), 1, 999)],
            ),
            PriceList(
                "Trade",
                company_class="Trade",
                breaks=[
                    PriceBreak(code, Decimal("7.00"), 1, 9),
                    PriceBreak(code, Decimal("6.00"), 10, 9999),
                ],
            ),
            PriceList(
                "Retailers",
                company_code=RETAILER_CODE,
                breaks=[PriceBreak(code, Decimal("10.00"), discount=Decimal("10"))],
            ),
        ]
    )


def khaos_customer(
    sim: RunningSimulator, code: str, company_class: str, email: str, *, company_id: int
) -> Any:
    """A customer in Khaos and their shop account, linked as the customer import links them."""
    sim.store.put_customers(
        [
            Customer(
                company_id=company_id,
                code=code,
                name=f"{code} Ltd",
                web_user=email,
                company_class=company_class,
            )
        ]
    )
    user = factories.UserFactory(email=email)
    CustomerBinding.objects.create(
        user=user,
        company_code=code,
        company_id=str(company_id),
        company_class=company_class,
        source=CustomerBinding.Source.CUSTOMER_IMPORT,
        synced_at=timezone.now(),
    )
    return user


def prices_config(settings: Any, **prices: Any) -> None:
    settings.KHAOS_SYNC["prices"].update(
        {"web_list": "Web Prices", "gross_lists": ["Web Prices"], **prices}
    )
