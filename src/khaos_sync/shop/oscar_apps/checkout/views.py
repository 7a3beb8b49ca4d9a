"""Checkout views: Oscar's, with a live stock check before payment (mapping.md §2).

On the payment and preview pages (and when the order is placed) the basket's
Khaos items are checked against Khaos's live levels with one call for the
whole basket, within a time budget; Oscar's own basket validation then applies
the sell rules to the fresh levels. A slow or unreachable Khaos never blocks a
sale: the check falls back to the last levels the shop holds.
"""

from oscar.apps.checkout.views import *  # noqa: F403  Oscar's documented fork pattern
from oscar.apps.checkout.views import PaymentDetailsView as OscarPaymentDetailsView

from khaos_sync.sync.stock.live import refresh_basket_levels


class PaymentDetailsView(OscarPaymentDetailsView):
    def check_basket_is_valid(self, request):  # type: ignore[no-untyped-def]
        refresh_basket_levels(request.basket)
        super().check_basket_is_valid(request)
