"""ImportOrders over HTTP: Khaos's import rules, seen through the protocol client."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal

import pytest

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.orders import Payment, build_orders
from khaos_sync.protocol.errors import SoapFault
from khaos_sync.simulator import RunningSimulator

from .support import customer, order_document, sales_order, sellable_item


def test_imports_an_order_and_deducts_stock_at_the_order_site(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    before = sim.control.levels(item.code)

    result = client.import_orders(orders=order_document("WEB1", [(item.code, 2, "12.99")]))

    assert result.imported_count == 1
    imported = result.imported[0]
    assert imported.associated_ref == "WEB1"
    assert imported.sales_order_code.startswith("SO")
    after = sim.control.levels(item.code)
    assert after[1] == before[1] - 2
    assert after[2] == before[2]


def test_stock_is_deducted_at_the_site_named_on_the_order(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    before = sim.control.levels(item.code)

    client.import_orders(orders=order_document("WEB2", [(item.code, 1, "5.00")], site="Shop"))

    after = sim.control.levels(item.code)
    assert (after[1], after[2]) == (before[1], before[2] - 1)


def test_a_duplicate_associated_ref_is_skipped_with_a_reason(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    document = order_document("WEB3", [(item.code, 1, "9.99")])
    first = client.import_orders(orders=document)
    level = sim.control.levels(item.code)[1]

    again = client.import_orders(orders=document)

    assert again.imported_count == 0
    assert again.skipped[0].order_ref == "WEB3"
    reason = again.skipped[0].skip_reason
    assert "Duplicate" in reason and first.imported[0].sales_order_code in reason
    assert sim.control.levels(item.code)[1] == level


def test_a_pack_header_adds_its_children_and_deducts_their_stock(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    pack = sellable_item(sim, kind="pack")
    children = sim.store.items_by_ids([link.target_id for link in pack.pack_children])
    quantities = {link.target_id: int(link.value) for link in pack.pack_children}
    before = {child.code: sim.control.levels(child.code)[1] for child in children}

    result = client.import_orders(orders=order_document("WEB4", [(pack.code, 2, "30.00")]))

    assert result.imported_count == 1, result.skipped
    order = sim.control.order("WEB4")
    codes = [line["code"] for line in order["lines"]]
    assert codes == [pack.code, *(child.code for child in children)]
    assert order["lines"][0]["pack_sort_order"] == "001.001"
    assert all(line["pack_sort_order"] == "001.002" for line in order["lines"][1:])
    for child in children:
        expected = before[child.code] - 2 * quantities[child.stock_id]
        if child.stock_controlled:
            assert sim.control.levels(child.code)[1] == expected
    assert Decimal(order["computed_total"]) == Decimal("60.00")


def test_a_run_to_zero_item_without_enough_stock_is_refused(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim, run_to_zero=True)
    sim.control.adjust_stock(item.code, 1, level=1)

    result = client.import_orders(orders=order_document("WEB5", [(item.code, 2, "4.00")]))

    assert result.imported_count == 0
    assert "run to zero" in result.skipped[0].skip_reason
    assert sim.control.levels(item.code)[1] == 1


def test_a_run_to_zero_item_with_enough_stock_is_sold_down_to_zero(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim, run_to_zero=True)
    sim.control.adjust_stock(item.code, 1, level=2)

    result = client.import_orders(orders=order_document("WEB6", [(item.code, 2, "4.00")]))

    assert result.imported_count == 1
    assert sim.control.levels(item.code)[1] == 0


def test_discontinued_unknown_code_source_and_long_field_are_skipped(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    gone = sellable_item(sim, run_to_zero=True)
    sim.control.edit_item(gone.code, discontinued=True)
    documents = {
        "BAD1": order_document("BAD1", [(gone.code, 1, "1.00")]),
        "BAD2": order_document("BAD2", [("NO-SUCH-CODE", 1, "1.00")]),
        "BAD3": order_document("BAD3", [(item.code, 1, "1.00")], sales_source="CARRIER PIGEON"),
    }
    reasons = {}
    for ref, document in documents.items():
        result = client.import_orders(orders=document)
        assert result.imported_count == 0
        reasons[ref] = result.skipped[0].skip_reason
    raw = order_document("BAD4", [(item.code, 1, "1.00")]).replace("1 High Street", "x" * 36)
    reasons["BAD4"] = client.import_orders(orders=raw).skipped[0].skip_reason

    assert "discontinued" in reasons["BAD1"]
    assert "NO-SUCH-CODE" in reasons["BAD2"] and "not found" in reasons["BAD2"]
    assert "CARRIER PIGEON" in reasons["BAD3"]
    assert "IADDRESS1" in reasons["BAD4"] and "35" in reasons["BAD4"]


def test_order_amount_must_match_khaos_per_line_vat_rounding(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)

    wrong = client.import_orders(
        orders=order_document("AMT1", [(item.code, 1, "12.99")], amount="13.00")
    )
    right = client.import_orders(
        orders=order_document("AMT2", [(item.code, 3, "12.99")], amount="38.97")
    )

    assert wrong.imported_count == 0
    assert "13.00" in wrong.skipped[0].skip_reason and "12.99" in wrong.skipped[0].skip_reason
    assert right.imported_count == 1
    assert sim.control.order("AMT2")["computed_total"] == Decimal("38.97")


def test_net_priced_lines_round_vat_per_line(sim: RunningSimulator) -> None:
    from khaos_sync.simulator.pricing import line_amounts

    net, vat, gross = line_amounts(
        Decimal("10.83"), 3, Decimal("20"), is_net=True, discount=Decimal("0")
    )

    assert (net, vat, gross) == (Decimal("32.49"), Decimal("6.50"), Decimal("38.99"))


def test_the_amount_check_can_be_switched_off(sim: RunningSimulator, client: KhaosClient) -> None:
    item = sellable_item(sim)
    sim.control.configure(check_order_amount=False)

    result = client.import_orders(
        orders=order_document("AMT3", [(item.code, 1, "12.99")], amount="99.99")
    )

    assert result.imported_count == 1
    order = sim.control.order("AMT3")
    assert (order["order_amount"], order["computed_total"]) == ("99.99", Decimal("12.99"))


def test_blank_delivery_is_charged_by_khaos(sim: RunningSimulator, client: KhaosClient) -> None:
    item = sellable_item(sim)
    document = order_document("DEL1", [(item.code, 1, "10.00")]).replace(
        "<DELIVERY_GRS>0</DELIVERY_GRS>", ""
    )

    client.import_orders(orders=document)

    assert sim.control.order("DEL1")["computed_total"] == Decimal("14.95")


def test_customer_matching_order(sim: RunningSimulator, client: KhaosClient) -> None:
    item = sellable_item(sim)
    known = sim.store.customers_where(
        "other_ref != '' AND json_extract(data, '$.supplier') = 0 LIMIT 1"
    )[0]

    by_code = client.import_orders(
        orders=order_document(
            "CM1",
            [(item.code, 1, "1.00")],
            buyer=customer(company_code=known.code, other_ref="zzz"),
        )
    )
    by_other_ref = client.import_orders(
        orders=order_document(
            "CM2", [(item.code, 1, "1.00")], buyer=customer(other_ref=known.other_ref)
        )
    )
    new = client.import_orders(
        orders=order_document(
            "CM3",
            [(item.code, 1, "1.00")],
            buyer=customer(other_ref="brand-new", web_user="new@example.com"),
        )
    )
    by_web_user = client.import_orders(
        orders=order_document(
            "CM4",
            [(item.code, 1, "1.00")],
            buyer=customer(other_ref="other", web_user="NEW@example.com"),
        )
    )
    by_name_postcode = client.import_orders(
        orders=order_document(
            "CM5",
            [(item.code, 1, "1.00")],
            buyer=customer(other_ref="x2", web_user="x2@example.com"),
        )
    )

    assert by_code.imported[0].urn == known.code
    assert by_other_ref.imported[0].urn == known.code
    assert new.imported[0].urn not in {known.code, ""}
    assert "New customer" in new.imported[0].msg
    assert by_web_user.imported[0].urn == new.imported[0].urn
    assert by_name_postcode.imported[0].urn == new.imported[0].urn


def test_several_orders_in_one_document_are_judged_one_by_one(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    orders = [
        sales_order("MIX1", [(item.code, 1, "2.00")]),
        sales_order("MIX2", [("NOPE", 1, "2.00")]),
        sales_order("MIX1", [(item.code, 1, "2.00")]),
    ]

    result = client.import_orders(orders=build_orders(orders).decode())

    assert [o.associated_ref for o in result.imported] == ["MIX1"]
    assert [s.order_ref for s in result.skipped] == ["MIX2", "MIX1"]


def test_an_unauthorised_card_payment_waits_for_authorisation(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    unpaid = sales_order("PAY1", [(item.code, 1, "3.00")])
    unpaid = replace(
        unpaid, payments=(Payment(amount=Decimal("3.00"), payment_type=2, card_type="Visa"),)
    )
    paid = replace(
        sales_order("PAY2", [(item.code, 1, "3.00")]),
        payments=(
            Payment(amount=Decimal("3.00"), payment_type=2, auth_code="A1B2", transaction_id="T1"),
        ),
    )

    client.import_orders(orders=build_orders([unpaid, paid]).decode())

    assert sim.control.order("PAY1")["invoices"][0]["stage"] == 11
    assert sim.control.order("PAY2")["invoices"][0]["stage"] == 10


def test_an_unreadable_document_is_a_fault(client: KhaosClient) -> None:
    with pytest.raises(SoapFault):
        client.import_orders(orders="<SALES_ORDERS><SALES_ORDER>")
    with pytest.raises(SoapFault):
        client.import_orders(orders="   ")


def test_the_same_order_sent_by_several_workers_at_once_is_imported_once(
    sim: RunningSimulator,
) -> None:
    item = sellable_item(sim)
    document = order_document("RACE1", [(item.code, 1, "2.00")])

    def send() -> int:
        with KhaosClient(sim.url, timeout=30) as khaos:
            return khaos.import_orders(orders=document).imported_count

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: send(), range(8)))

    assert sorted(counts) == [0] * 7 + [1]


# --- Khaos's published order rules -------------------------------------------------


def _item_at(sim: RunningSimulator, rate: str) -> str:
    code = f"VAT{rate.replace('.', '')}"
    sim.control.add_item(code, f"Item at {rate}%", "10.00", level=100, vat_rate=rate)
    return code


def _skip_reason(client: KhaosClient, order) -> str:  # type: ignore[no-untyped-def]
    result = client.import_orders(orders=build_orders([order]).decode("utf-8"))
    assert result.imported_count == 0, "expected Khaos to skip the order"
    return result.skipped[0].skip_reason


def test_a_line_not_at_the_standard_rate_sent_gross_without_tax_code_is_refused(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    code = _item_at(sim, "0")
    reason = _skip_reason(client, sales_order("VR1", [(code, 1, "10.00")]))
    assert f"Stock item {code} is not standard rated" in reason and "TAX_RATE" in reason
    net = sales_order("VR2", [(code, 1, "10.00")], amount="10.00")
    net = replace(
        net, items=(replace(net.items[0], price_grs=None, price_net=Decimal("10.00"), tax_rate=2),)
    )
    result = client.import_orders(orders=build_orders([net]).decode("utf-8"))
    assert result.imported_count == 1, result.skipped
    line = sim.control.order("VR2")["lines"][0]
    assert (line["line_vat"], line["line_gross"], line["vat_rate"]) == (0, Decimal("10.00"), 0)


def test_net_wins_when_both_prices_are_sent(sim: RunningSimulator, client: KhaosClient) -> None:
    code = _item_at(sim, "5")
    order = sales_order("VR3", [(code, 2, "99.99")])
    both = replace(order.items[0], price_net=Decimal("5.00"), tax_rate=4)
    client.import_orders(orders=build_orders([replace(order, items=(both,))]).decode("utf-8"))
    line = sim.control.order("VR3")["lines"][0]
    assert (line["line_net"], line["line_vat"], line["line_gross"]) == (
        Decimal("10.00"),
        Decimal("0.50"),
        Decimal("10.50"),
    )


def test_gross_lines_follow_the_published_formula_with_a_line_discount(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    order = sales_order("VR4", [(item.code, 3, "3.333")])
    discounted = replace(order.items[0], ksd_discount=Decimal("10"))
    client.import_orders(orders=build_orders([replace(order, items=(discounted,))]).decode())
    line = sim.control.order("VR4")["lines"][0]
    # discount = round(9.999 × 10%) = 1.00; net = round(round(9.999)/1.2 − 1.00/1.2) = 7.50;
    # VAT = round(9.999 − 1.00 − 7.50) = 1.50 (the remainder).
    assert (line["line_net"], line["line_vat"], line["line_gross"]) == (
        Decimal("7.50"),
        Decimal("1.50"),
        Decimal("9.00"),
    )


def test_a_net_class_customer_gets_the_net_method(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    trade = customer(other_ref="trade-1", web_user="buyer@trade.example", company_class="Trade Net")
    # 3 × 10.83 gross: gross method books 32.49; net method converts to 9.025 net.
    order = sales_order("VR5", [(item.code, 3, "10.83")], buyer=trade)
    client.import_orders(orders=build_orders([order]).decode())
    line = sim.control.order("VR5")["lines"][0]
    assert (line["line_net"], line["line_vat"], line["line_gross"]) == (
        Decimal("27.08"),
        Decimal("5.42"),
        Decimal("32.50"),
    )


def test_delivery_net_and_tax_book_the_vat_sent(sim: RunningSimulator, client: KhaosClient) -> None:
    item = sellable_item(sim)
    order = sales_order("VR6", [(item.code, 1, "12.00")], amount="16.95")
    header = replace(
        order.header, delivery_grs=None, delivery_net=Decimal("4.95"), delivery_tax=Decimal("0")
    )
    result = client.import_orders(orders=build_orders([replace(order, header=header)]).decode())
    assert result.imported_count == 1, result.skipped
    stored = sim.control.order("VR6")
    assert (stored["delivery_net"], stored["delivery_gross"]) == (Decimal("4.95"), Decimal("4.95"))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"keycode_code": "NOPE10"}, "Keycode 'NOPE10' does not exist in Khaos Control"),
        ({"brand": "Acme"}, "Brand 'Acme' does not exist in Khaos Control"),
    ],
)
def test_unknown_keycodes_and_brands_are_refused(
    sim: RunningSimulator, client: KhaosClient, changes: dict[str, str], reason: str
) -> None:
    item = sellable_item(sim)
    order = sales_order("VK1", [(item.code, 1, "5.00")])
    assert _skip_reason(client, replace(order, header=replace(order.header, **changes))) == reason


def test_unknown_classes_types_and_two_letter_countries_are_refused(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    lines = [(item.code, 1, "5.00")]
    assert _skip_reason(
        client, sales_order("VK2", lines, buyer=customer(company_class="Wholesale"))
    ) == ("Company class 'Wholesale' does not exist in Khaos Control")
    assert _skip_reason(
        client, sales_order("VK3", lines, buyer=customer(company_type="Alien"))
    ) == ("Company type 'Alien' does not exist in Khaos Control")
    buyer = customer()
    gb = replace(buyer, invoice_address=replace(buyer.invoice_address, country_code="GB"))
    assert _skip_reason(client, sales_order("VK4", lines, buyer=gb)) == (
        "Country code 'GB' (ICOUNTRY_CODE) was not found"
    )
    gbr = replace(buyer, invoice_address=replace(buyer.invoice_address, country_code="GBR"))
    ok = client.import_orders(orders=build_orders([sales_order("VK5", lines, buyer=gbr)]).decode())
    assert ok.imported_count == 1, ok.skipped


def test_telephone_19_reference_15_and_extended_description_per_line(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    from khaos_sync.simulator.importing import import_orders

    item = sellable_item(sim)
    lines = [(item.code, 1, "5.00")]
    # Sent as raw documents: the protocol builder itself refuses values over the limits.
    base = build_orders([sales_order("VL1", lines)]).decode()
    long_tel = base.replace("<ISURNAME>", "<ITEL>01234 5678 901 23456</ITEL><ISURNAME>")
    assert (
        "Field ITEL is too long (20 characters, maximum 19)"
        in (import_orders(sim.store, long_tel).skipped[0]["SkipReason"])
    )
    long_ref = base.replace("VL1", "WEB-00000000001")  # 15: accepted
    assert import_orders(sim.store, long_ref).imported
    too_long_ref = base.replace("VL1", "WEB-000000000002")
    assert (
        "ASSOCIATED_REF is too long (16 characters, maximum 15)"
        in (import_orders(sim.store, too_long_ref).skipped[0]["SkipReason"])
    )
    wrapped = "\n".join(["x" * 150] * 3)
    ok = base.replace("VL1", "VL2").replace(
        "<ORDER_QTY>", f"<EXTENDED_DESC>{wrapped}</EXTENDED_DESC><ORDER_QTY>"
    )
    assert import_orders(sim.store, ok).imported
    cut = base.replace("VL1", "VL3").replace(
        "<ORDER_QTY>", f"<EXTENDED_DESC>{'y' * 151}</EXTENDED_DESC><ORDER_QTY>"
    )
    assert (
        "EXTENDED_DESC has a line too long (151 characters, maximum 150 per line)"
        in (import_orders(sim.store, cut).skipped[0]["SkipReason"])
    )


def test_the_order_currency_must_be_the_customers(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    item = sellable_item(sim)
    lines = [(item.code, 1, "5.00")]
    client.import_orders(orders=order_document("VC1", lines))  # creates the GBP customer
    reason = _skip_reason(client, sales_order("VC2", lines, order_currency_code="EUR"))
    assert "Order currency EUR differs from customer" in reason and "GBP" in reason


def test_payment_fields_are_kept_for_inspection(sim: RunningSimulator, client: KhaosClient) -> None:
    item = sellable_item(sim)
    order = sales_order("VP1", [(item.code, 1, "5.00")])
    paypal = Payment(
        amount=Decimal("5.00"),
        payment_type=2,
        card_type="",
        card_number="PAYPAL",
        auth_code="PAYPAL",
        transaction_id="9XJ1",
        account_name="PAYPAL",
        account_number="0",
        preauth=False,
    )
    client.import_orders(orders=build_orders([replace(order, payments=(paypal,))]).decode())
    [kept] = sim.control.order("VP1")["payments"]
    assert (kept["CARD_NUMBER"], kept["ACCOUNT_NAME"], kept["PREAUTH"]) == ("PAYPAL", "PAYPAL", "0")


def test_get_version_reports_the_configured_version(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    from khaos_sync.protocol.versions import supports
    from khaos_sync.simulator.settings import update_settings

    assert supports(client.get_version(), "OutstandingBalance")
    update_settings(sim.store, version="8.150.1")
    assert client.get_version() == "8.150.1"
    assert supports("8.150.1", "ExportWebCategoriesEx2")
    assert not supports(client.get_version(), "OutstandingBalance")
