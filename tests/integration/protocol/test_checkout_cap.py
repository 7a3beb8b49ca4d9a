"""The checkout's live stock check refuses an answer far larger than a basket needs."""

from __future__ import annotations

import pytest

from khaos_sync.protocol.errors import ProtocolError
from khaos_sync.sync.stock.live import LIVE_ANSWER_BYTES, fetch_within

from . import responses
from .stub_server import StubServer


@pytest.mark.django_db
def test_the_live_check_stops_reading_at_its_cap(stub: StubServer, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KHAOS_SYNC = {
        **settings.KHAOS_SYNC,
        "khaos": {**settings.KHAOS_SYNC["khaos"], "url": stub.url},
    }
    huge = "x" * (LIVE_ANSWER_BYTES + 1)
    stub.answer(responses.document_result("ExportStockStatus", huge))

    with pytest.raises(ProtocolError, match=f"larger than the {LIVE_ANSWER_BYTES} bytes"):
        fetch_within(["A1"], 10.0)
