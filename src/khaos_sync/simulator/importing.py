"""ImportOrders with Khaos's rules.

Each order of a document is imported or skipped on its own (one transaction
each), and a skipped order carries a reason worded the way Khaos words it.
An order is skipped when its associated ref was imported before, a field is
longer than Khaos accepts, the sales source, site, keycode, brand, company
class or type, or a country code is unknown, the currency is not the matched
customer's, a stock code does not resolve, an item is discontinued, a line
that is not standard-rated is sent gross without a tax code, a run-to-zero
item lacks stock, or the ORDER_AMOUNT differs from Khaos's own total (when that
check is on). Totals follow Khaos's arithmetic (``pricing``) with the method of
the customer's company class: gross or net.

Otherwise the customer is matched (COMPANY_CODE, OTHER_REF, WEB_USER, then
surname + postcode) or created, pack headers get their child lines added,
stock is deducted at the order's site, and the order gets one invoice in the
"staging" stage (or "awaiting payment authorisation" when a card payment has
no authorisation yet).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from khaos_sync.simulator import reference
from khaos_sync.simulator.customers import find_customer, match_or_create_customer
from khaos_sync.simulator.incoming import IncomingLine, IncomingOrder, OrderRefused, read_orders
from khaos_sync.simulator.model import Item
from khaos_sync.simulator.order_book import find_order, save_invoice, save_order
from khaos_sync.simulator.orders_model import Invoice, Order, OrderLine
from khaos_sync.simulator.pricing import delivery_amounts, line_amounts
from khaos_sync.simulator.settings import Settings, load_settings
from khaos_sync.simulator.store import Store, stamp


@dataclass
class ImportResult:
    imported: list[dict[str, str]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def as_struct(self) -> dict[str, Any]:
        return {
            "ImportedCount": len(self.imported),
            "OrderImport": self.imported,
            "OrderSkipped": self.skipped,
        }


def import_orders(store: Store, document: str) -> ImportResult:
    settings = load_settings(store)
    result = ImportResult()
    incoming_orders = read_orders(document)
    call_no = store.next_number("import_call")
    for incoming in incoming_orders:
        try:
            with store.write():
                order, msg = _import_one(store, incoming, settings)
        except OrderRefused as refusal:
            result.skipped.append({"OrderRef": incoming.associated_ref, "SkipReason": str(refusal)})
            continue
        result.imported.append(
            {
                "SalesOrderCode": order.code,
                "AssociatedRef": order.associated_ref,
                "Msg": msg,
                "URN": order.company_code,
                "OtherRef": order.customer_other_ref,
            }
        )
    _log_call(store, call_no, result)
    return result


def _log_call(store: Store, call_no: int, result: ImportResult) -> None:
    rows = [(call_no, e["AssociatedRef"], "imported", e["SalesOrderCode"]) for e in result.imported]
    rows += [(call_no, e["OrderRef"], "skipped", e["SkipReason"]) for e in result.skipped]
    with store.write() as db:
        db.executemany(
            "INSERT INTO import_log (call_no, associated_ref, outcome, detail, at)"
            " VALUES (?,?,?,?,?)",
            [(*row, stamp(store.now())) for row in rows],
        )


def _import_one(store: Store, incoming: IncomingOrder, settings: Settings) -> tuple[Order, str]:
    ref = incoming.associated_ref
    _check_reference(store, ref)
    _check_field_lengths(incoming)
    _check_known_values(incoming)
    sales_source = _check_sales_source(incoming.header.get("SALES_SOURCE", "").strip())
    site_id = _site_id(store, incoming.header.get("SITE", ""), "order")
    method = _calculation_method(store, incoming)
    lines = _order_lines(store, incoming, site_id, method)
    _check_run_to_zero(store, lines)
    order = _new_order(store, incoming, settings, lines, site_id, sales_source)
    customer, created = match_or_create_customer(store, incoming)
    order.company_id = customer.company_id
    order.company_code = customer.code
    order.company_name = customer.name
    order.customer_other_ref = customer.other_ref
    save_order(store, order)
    _deduct_stock(store, order)
    _open_invoice(store, order, incoming)
    return order, "New customer created, order imported" if created else "Order imported"


# checks ----------------------------------------------------------------------


def _check_reference(store: Store, ref: str) -> None:
    if not ref:
        raise OrderRefused("ASSOCIATED_REF is blank: it is compulsory")
    existing = find_order(store, ref)
    if existing is not None and existing.associated_ref == ref:
        raise OrderRefused(
            f"Duplicate order: associated ref '{ref}' already exists on sales order {existing.code}"
        )


def _check_field_lengths(incoming: IncomingOrder) -> None:
    for tag, text in incoming.all_fields():
        _check_line_lengths(tag, text)
        limit = _limit_for(tag)
        if limit is not None and len(text.strip()) > limit:
            raise OrderRefused(
                f"Field {tag} is too long ({len(text.strip())} characters, maximum {limit}): "
                f"'{text.strip()[:60]}'"
            )


def _check_line_lengths(tag: str, text: str) -> None:
    limit = reference.LINE_LIMITS.get(tag)
    for line in text.splitlines() if limit is not None else []:
        if limit is not None and len(line) > limit:
            raise OrderRefused(
                f"Field {tag} has a line too long ({len(line)} characters, maximum {limit} "
                f"per line): '{line[:60]}'"
            )


def _check_known_values(incoming: IncomingOrder) -> None:
    """Codes that must already exist in Khaos: an unknown one fails the import."""
    header, customer = incoming.header, incoming.customer
    checks = [
        ("Keycode", header.get("KEYCODE_CODE", "").strip(), reference.KEYCODES),
        ("Brand", header.get("BRAND", "").strip(), reference.BRANDS),
        ("Company class", customer.get("COMPANY_CLASS", "").strip(), reference.CLASS_METHODS),
        ("Company type", customer.get("COMPANY_TYPE", "").strip(), reference.COMPANY_TYPES),
    ]
    for label, value, known in checks:
        if value and value not in known:
            raise OrderRefused(f"{label} '{value}' does not exist in Khaos Control")
    countries = {country[2] for country in reference.COUNTRIES}
    for tag, text in (
        ("ICOUNTRY_CODE", incoming.invoice_address.get("ICOUNTRY_CODE", "")),
        ("DCOUNTRY_CODE", incoming.delivery_address.get("DCOUNTRY_CODE", "")),
    ):
        code = text.strip()
        if code and code not in countries:
            raise OrderRefused(f"Country code '{code}' ({tag}) was not found")


def _calculation_method(store: Store, incoming: IncomingOrder) -> str:
    """Gross or net: the matched customer's company class decides, else the class sent."""
    existing = None
    if incoming.customer.get("IS_NEW_CUSTOMER", "").strip() != "-1":
        existing = find_customer(store, incoming)
    currency = incoming.header.get("ORDER_CURRENCY_CODE", "").strip() or "GBP"
    if existing is not None and existing.currency_code != currency:
        raise OrderRefused(
            f"Order currency {currency} differs from customer {existing.code}'s currency "
            f"{existing.currency_code}"
        )
    company_class = (
        existing.company_class
        if existing is not None
        else incoming.customer.get("COMPANY_CLASS", "").strip() or "Internet"
    )
    return reference.CLASS_METHODS.get(company_class, "gross")


def _limit_for(tag: str) -> int | None:
    if tag in reference.FIELD_LIMITS:
        return reference.FIELD_LIMITS[tag]
    # Address tags carry an I (invoice) or D (delivery) prefix: IADDRESS1, DPOSTCODE.
    if tag[:1] in {"I", "D"} and tag[1:] in reference.FIELD_LIMITS:
        return reference.FIELD_LIMITS[tag[1:]]
    return None


def _check_sales_source(source: str) -> str:
    if source and source not in reference.SALES_SOURCES:
        raise OrderRefused(f"Sales source '{source}' does not exist in Khaos Control")
    return source or "INTERNET"


def _site_id(store: Store, text: str, where: str) -> int:
    text = text.strip()
    if not text:
        return reference.DEFAULT_SITE_ID
    for site_id, name in store.sites():
        if text.lower() == name.lower() or text == str(site_id):
            return site_id
    raise OrderRefused(f"Site '{text}' on the {where} was not found")


def _check_run_to_zero(store: Store, lines: list[OrderLine]) -> None:
    demand: dict[tuple[int, int], int] = defaultdict(int)
    codes: dict[int, str] = {}
    for line in lines:
        demand[(line.stock_id, line.site_id)] += line.qty
        codes[line.stock_id] = line.code
    items = {item.stock_id: item for item in store.items_by_ids([k[0] for k in demand])}
    for (stock_id, site_id), qty in demand.items():
        item = items[stock_id]
        if not (item.run_to_zero and item.stock_controlled):
            continue
        level = store.level(stock_id, site_id)
        if level < qty:
            raise OrderRefused(
                f"Stock item {codes[stock_id]} is run to zero and has insufficient stock "
                f"(required {qty}, available {max(level, 0)})"
            )


# lines -------------------------------------------------------------------------


def _order_lines(
    store: Store, incoming: IncomingOrder, site_id: int, method: str
) -> list[OrderLine]:
    if not incoming.lines:
        raise OrderRefused("Order has no items")
    lines: list[OrderLine] = []
    explicit_pack_children = {
        line.get("PACK_SORT_ORDER").split(".")[0]
        for line in incoming.lines
        if line.get("PACK_SORT_ORDER").endswith(".002")
    }
    for incoming_line in incoming.lines:
        item = _resolve_item(store, incoming_line)
        line = _line(len(lines) + 1, item, incoming_line, store, site_id, method)
        lines.append(line)
        pack_prefix = line.pack_sort_order.split(".")[0] if line.pack_sort_order else ""
        if item.pack_children and pack_prefix not in explicit_pack_children:
            packs = sum(1 for existing in lines if existing.pack_sort_order.endswith(".001"))
            lines.extend(_pack_lines(store, item, line, len(lines) + 1, packs + 1))
    return lines


def _resolve_item(store: Store, line: IncomingLine) -> Item:
    code = line.get("STOCK_CODE")
    mapping = line.get("MAPPING_TYPE") or "1"
    ids = _lookup(store, code, line.get("STOCK_DESC"), mapping)
    if not code and mapping != "4":
        raise OrderRefused("Order item has no STOCK_CODE")
    if not ids:
        raise OrderRefused(f"Stock item '{code}' not found (mapping type {mapping})")
    item = store.item(ids[0])
    assert item is not None
    if item.discontinued:
        raise OrderRefused(f"Stock item {item.code} is discontinued")
    if item.kind == "scs_parent":
        raise OrderRefused(f"Stock item {item.code} is an SCS template and cannot be sold")
    return item


def _lookup(store: Store, code: str, desc: str, mapping: str) -> list[int]:
    if mapping == "1":
        return store.ids_by_column("code", [code])
    if mapping == "2":
        return store.ids_by_column("other_ref", [code])
    if mapping == "4":
        return store.ids_by_column("description", [desc])
    if mapping == "5":
        return store.ids_by_barcode(code)
    if mapping == "6":
        return store.ids_by_column("code", [code])
    if mapping == "-1":
        for column in ("code", "other_ref"):
            if found := store.ids_by_column(column, [code]):
                return found
        return store.ids_by_barcode(code) or store.ids_by_column("description", [desc])
    raise OrderRefused(f"Mapping type '{mapping}' is not supported")


def _line(
    line_no: int, item: Item, incoming: IncomingLine, store: Store, site_id: int, method: str
) -> OrderLine:
    qty = _quantity(incoming, item)
    rate = _vat_rate(incoming, item)
    # When both are sent, Khaos uses only the net price.
    price_net, price_grs = _decimal(incoming.get("PRICE_NET")), _decimal(incoming.get("PRICE_GRS"))
    is_net = price_net is not None
    unit = price_net if price_net is not None else price_grs
    if unit is None:
        unit, is_net = item.sell_price, item.is_net
    elif not is_net and not incoming.get("TAX_RATE") and rate != reference.STANDARD_RATE:
        raise OrderRefused(
            f"Stock item {item.code} is not standard rated ({rate}% VAT): a gross price "
            "is taken to be at the standard rate; send PRICE_NET with its TAX_RATE"
        )
    discount = _decimal(incoming.get("KSD_DISCOUNT")) or Decimal("0")
    net, vat, gross = line_amounts(unit, qty, rate, is_net=is_net, discount=discount, method=method)
    line_site = incoming.get("SITE")
    return OrderLine(
        line_no=line_no,
        stock_id=item.stock_id,
        code=item.code,
        description=(incoming.get("STOCK_DESC") or item.description)[:250],
        qty=qty,
        vat_rate=rate,
        unit_price=unit,
        price_is_net=is_net,
        line_net=net,
        line_vat=vat,
        line_gross=gross,
        discount=discount,
        extended_desc=incoming.get("EXTENDED_DESC"),
        import_ref=incoming.get("IMPORT_REF"),
        webitem_ref=incoming.get("WEBITEM_REF"),
        pack_sort_order=incoming.get("PACK_SORT_ORDER"),
        stock_controlled=item.stock_controlled and item.kind != "pack",
        site_id=_site_id(store, line_site, f"line for {item.code}") if line_site else site_id,
    )


def _pack_lines(
    store: Store, pack: Item, header: OrderLine, first_no: int, pack_number: int
) -> list[OrderLine]:
    """Khaos adds a pack's children itself, at no price, and deducts their stock."""
    prefix = (
        header.pack_sort_order.split(".")[0] if header.pack_sort_order else f"{pack_number:03d}"
    )
    if not header.pack_sort_order:
        header.pack_sort_order = f"{prefix}.001"
    children = {
        item.stock_id: item
        for item in store.items_by_ids([link.target_id for link in pack.pack_children])
    }
    lines: list[OrderLine] = []
    for link in pack.pack_children:
        child = children.get(link.target_id)
        if child is None:
            continue
        per_pack = int(Decimal(link.value or "1"))
        lines.append(
            OrderLine(
                line_no=first_no + len(lines),
                stock_id=child.stock_id,
                code=child.code,
                description=child.description,
                qty=header.qty * per_pack,
                vat_rate=child.vat_rate,
                unit_price=Decimal("0"),
                price_is_net=True,
                pack_sort_order=f"{prefix}.002",
                pack_child=True,
                stock_controlled=child.stock_controlled,
                site_id=header.site_id,
            )
        )
    return lines


def _quantity(line: IncomingLine, item: Item) -> int:
    text = line.get("ORDER_QTY") or "1"
    try:
        qty = Decimal(text)
    except InvalidOperation:
        raise OrderRefused(f"ORDER_QTY '{text}' for {item.code} is not a number") from None
    if qty <= 0 or qty != qty.to_integral_value():
        raise OrderRefused(f"ORDER_QTY {text} for {item.code} is not a positive whole number")
    return int(qty)


def _vat_rate(line: IncomingLine, item: Item) -> Decimal:
    code = line.get("TAX_RATE")
    if not code:
        return item.vat_rate
    if code not in reference.TAX_CODES:
        raise OrderRefused(f"TAX_RATE code '{code}' does not exist (use 1, 2 or 4)")
    return reference.TAX_CODES[code]


def _decimal(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise OrderRefused(f"'{text}' is not a valid amount") from None


# the order -----------------------------------------------------------------------


def _new_order(
    store: Store,
    incoming: IncomingOrder,
    settings: Settings,
    lines: list[OrderLine],
    site_id: int,
    sales_source: str,
) -> Order:
    header = incoming.header
    delivery_net, delivery_gross = delivery_amounts(
        _decimal(header.get("DELIVERY_NET", "").strip()),
        _decimal(header.get("DELIVERY_TAX", "").strip()),
        _decimal(header.get("DELIVERY_GRS", "").strip()),
        settings.default_delivery_gross,
    )
    items_net = sum((line.line_net for line in lines), Decimal("0"))
    items_gross = sum((line.line_gross for line in lines), Decimal("0"))
    total = items_gross + delivery_gross
    amount = header.get("ORDER_AMOUNT", "").strip()
    if settings.check_order_amount and amount and _decimal(amount) != total:
        raise OrderRefused(
            f"Order total mismatch: ORDER_AMOUNT is {amount} but Khaos calculated {total} "
            f"(items {items_gross}, delivery {delivery_gross})"
        )
    now = store.now()
    order_id = store.next_number("order")
    courier_code = header.get("COURIER_CODE", "").strip() or reference.DEFAULT_COURIER
    return Order(
        order_id=order_id,
        code=f"SO{order_id}",
        associated_ref=incoming.associated_ref,
        company_id=0,
        company_code="",
        company_name="",
        customer_other_ref="",
        site_id=site_id,
        created=now,
        changed=now,
        order_date=header.get("ORDER_DATE", "").strip(),
        currency=header.get("ORDER_CURRENCY_CODE", "").strip() or "GBP",
        sales_source=sales_source,
        courier_code=courier_code,
        courier_name=reference.COURIERS.get(
            courier_code, (header.get("COURIER_DESC", courier_code), "")
        )[0],
        brand=header.get("BRAND", "").strip(),
        keycode=header.get("KEYCODE_CODE", "").strip(),
        po_number=header.get("PO_NUMBER", "").strip(),
        order_note=header.get("ORDER_NOTE", ""),
        invoice_note=header.get("INVOICE_NOTE", ""),
        website_name=header.get("WEBSITE_NAME", "").strip(),
        delivery_net=delivery_net,
        delivery_gross=delivery_gross,
        items_net=items_net,
        items_gross=items_gross,
        computed_total=total,
        order_amount=amount,
        payments=incoming.payments,
        customer_detail={
            **incoming.customer,
            **incoming.invoice_address,
            **incoming.delivery_address,
        },
        lines=lines,
    )


def _deduct_stock(store: Store, order: Order) -> None:
    moved: set[int] = set()
    for line in order.lines:
        if line.stock_controlled:
            store.add_level(line.stock_id, line.site_id, -line.qty)
            moved.add(line.stock_id)
    store.touch_items(moved, "moved", order.created)


def _open_invoice(store: Store, order: Order, incoming: IncomingOrder) -> None:
    invoice_id = store.next_number("invoice")
    stage = 11 if _awaiting_authorisation(incoming) else 10
    save_invoice(
        store,
        Invoice(
            invoice_id=invoice_id,
            order_id=order.order_id,
            code=f"IN{invoice_id}",
            stage=stage,
            created=order.created,
            changed=order.created,
            quantities={line.line_no: line.qty for line in order.lines},
            courier=order.courier_name,
        ),
    )


def _awaiting_authorisation(incoming: IncomingOrder) -> bool:
    for payment in incoming.payments:
        card = payment.get("PAYMENT_TYPE", "").strip() == "2"
        unauthorised = not payment.get("AUTH_CODE", "").strip()
        preauth = payment.get("PREAUTH", "").strip() == "-1"
        if card and (unauthorised or preauth):
            return True
    return False
