"""Each injected fault reaches the protocol client as the right typed error."""

from __future__ import annotations

from pathlib import Path

import pytest

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.stock import parse_stock
from khaos_sync.protocol.errors import (
    ProtocolError,
    SoapFault,
    TransientError,
    UnsafeDocumentError,
)
from khaos_sync.simulator import FaultSpecError, RunningSimulator, run_in_thread
from khaos_sync.simulator.faults import FaultPlan, parse_spec

from .support import order_document, sellable_item


def test_soap_fault_is_a_refusal(sim: RunningSimulator, client: KhaosClient) -> None:
    sim.control.set_faults("GetVersion:soap-fault")

    with pytest.raises(SoapFault) as caught:
        client.get_version()

    assert caught.value.exception_class == "EDatabaseError"
    assert caught.value.fault_code == "SOAP-ENV:Server"
    assert client.get_site_list().current_site_id == 1  # other operations unaffected


def test_http_500_with_an_html_page_is_transient(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    sim.control.set_faults("http500")

    with pytest.raises(TransientError):
        client.get_version()


def test_dropped_connection_before_processing_is_transient(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    sim.control.set_faults("ImportOrders:drop-before")

    with pytest.raises(TransientError) as caught:
        client.import_orders(orders=order_document("DROP1", [(item.code, 1, "1.00")]))

    assert caught.value.request_sent
    sim.control.set_faults("")
    assert "DROP1" not in client.export_order_status()


def test_dropped_connection_after_commit_leaves_the_order_imported(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    sim.control.set_faults("ImportOrders:drop-after-commit@times=1")

    with pytest.raises(TransientError) as caught:
        client.import_orders(orders=order_document("DROP2", [(item.code, 1, "1.00")]))

    assert caught.value.request_sent
    status = client.export_order_status_ex(ids="DROP2", mapping_type=4)
    assert 'ASSOCIATED_REF="DROP2"' in status
    resend = client.import_orders(orders=order_document("DROP2", [(item.code, 1, "1.00")]))
    assert resend.imported_count == 0 and "Duplicate" in resend.skipped[0].skip_reason


def test_malformed_xml_is_a_protocol_error(sim: RunningSimulator, client: KhaosClient) -> None:
    sim.control.set_faults("ExportStock:malformed-xml")

    with pytest.raises(ProtocolError):
        client.export_stock(stock_code=sellable_item(sim).code)


def test_truncated_body_is_transient(sim: RunningSimulator, client: KhaosClient) -> None:
    sim.control.set_faults("GetStockList:truncated")

    with pytest.raises(TransientError):
        client.get_stock_list()


def test_oversized_answer_is_refused(sim: RunningSimulator) -> None:
    sim.control.set_faults("GetVersion:oversized=2")

    with (
        KhaosClient(sim.url, max_response_bytes=1024 * 1024) as small,
        pytest.raises(ProtocolError),
    ):
        small.get_version()
    sim.control.set_faults("")
    with KhaosClient(sim.url) as khaos:
        assert khaos.get_version()  # the server survived the client hanging up


def test_xml_bomb_in_the_envelope_is_refused(sim: RunningSimulator, client: KhaosClient) -> None:
    sim.control.set_faults("GetVersion:xml-bomb")

    with pytest.raises(UnsafeDocumentError):
        client.get_version()


def test_xml_bomb_in_the_returned_document_is_refused(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    sim.control.set_faults("ExportStock:xml-bomb=document")

    document = client.export_stock(stock_code=sellable_item(sim).code)

    with pytest.raises(UnsafeDocumentError):
        parse_stock(document)


def test_latency_beyond_the_timeout_is_transient(sim: RunningSimulator) -> None:
    sim.control.set_faults("GetVersion:latency=0.6")

    with KhaosClient(sim.url, timeout=0.2) as impatient, pytest.raises(TransientError) as caught:
        impatient.get_version()

    assert caught.value.request_sent


def test_every_nth_call_fires(sim: RunningSimulator, client: KhaosClient) -> None:
    sim.control.set_faults("GetVersion:soap-fault@every=3")
    outcomes = []
    for _ in range(6):
        try:
            client.get_version()
            outcomes.append("ok")
        except SoapFault:
            outcomes.append("fault")

    assert outcomes == ["ok", "ok", "fault", "ok", "ok", "fault"]


def test_rates_are_reproducible_from_the_seed() -> None:
    def fired(spec: str) -> list[bool]:
        plan = FaultPlan(spec)
        return [plan.decide("ExportStock").kind is not None for _ in range(50)]

    first = fired("ExportStock:soap-fault@rate=0.3;seed=7")

    assert first == fired("ExportStock:soap-fault@rate=0.3;seed=7")
    assert first != fired("ExportStock:soap-fault@rate=0.3;seed=8")
    assert 5 < sum(first) < 25


def test_the_example_spec_parses() -> None:
    seed, rules = parse_spec(
        "latency=0.5;ImportOrders:drop-after-commit@every=3;"
        "ExportStock:soap-fault@rate=0.1;http500@rate=0.05;seed=7"
    )

    assert seed == 7
    assert [(r.operation, r.kind) for r in rules] == [
        (None, "latency"),
        ("ImportOrders", "drop-after-commit"),
        ("ExportStock", "soap-fault"),
        (None, "http500"),
    ]


@pytest.mark.parametrize(
    "spec", ["explode", "latency", "soap-fault@rate=2", "http500@every=0", "soap-fault@often=1"]
)
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        parse_spec(spec)


def test_faults_given_at_start(tmp_path: Path) -> None:
    with run_in_thread(tmp_path / "f.sqlite3", generate=20, faults="http500") as sim:
        with KhaosClient(sim.url) as khaos, pytest.raises(TransientError):
            khaos.get_version()
