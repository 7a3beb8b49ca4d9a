"""KSDXMLSOPData: sales-order-processing reference data from GetSOPData.

Read here: couriers, delivery rates, courier banding, keycodes (with their
discount bands and free items), special offers and free gifts. BOGOFs,
telesales rules and barred products are left out: the connector sends prices
already discounted, so it never evaluates Khaos promotions itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from khaos_sync.protocol.values import Fields, element_code, expect_root
from khaos_sync.protocol.xmlsafe import parse_document

ROOT_TAG = "SOPDATA"


@dataclass(frozen=True, slots=True)
class Courier:
    code: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class Band:
    low: Decimal | None
    high: Decimal | None


@dataclass(frozen=True, slots=True)
class DeliveryRate:
    country_code: str | None
    zone: str | None
    postcodes: tuple[str, ...]
    courier_code: str | None
    courier_name: str | None
    company_class: str | None
    weight: Band | None
    value: Band | None
    postage: Decimal | None
    # Whether the value band compares the gross (True) or net order total.
    value_is_gross: bool | None
    postage_is_vatable: bool | None
    priority: int | None
    currency_desc: str | None
    brand: str | None


@dataclass(frozen=True, slots=True)
class CourierBanding:
    weight: Band | None
    zone: str | None
    courier: str | None
    courier_name: str | None


@dataclass(frozen=True, slots=True)
class KeycodeDiscount:
    order_low: Decimal | None
    order_high: Decimal | None
    percent: Decimal | None
    net_delivery: Decimal | None
    delivery_active: bool | None


@dataclass(frozen=True, slots=True)
class KeycodeFreeItem:
    stock_code: str | None
    order_low: Decimal | None
    order_high: Decimal | None
    qty: Decimal | None
    amount: Decimal | None
    auto_add: bool | None
    discount: Decimal | None


@dataclass(frozen=True, slots=True)
class Keycode:
    id: str | None
    code: str | None
    description: str | None
    source_code: bool | None
    additive_discount: bool | None
    company_class: str | None
    price_list: str | None
    keycode_date: date | None
    expiry_date: date | None
    web_use: bool | None
    moto_use: bool | None
    discounts: tuple[KeycodeDiscount, ...]
    free_items: tuple[KeycodeFreeItem, ...]


@dataclass(frozen=True, slots=True)
class SpecialOffer:
    stock_code: str | None
    qty: Decimal | None
    sell_price: Decimal | None
    sell_price_is_net: bool | None
    order_total: Decimal | None
    start_date: date | None
    end_date: date | None
    active: bool | None
    extended_desc: tuple[str, ...]
    brand: str | None
    web_use: bool | None
    moto_use: bool | None
    company_class: str | None


@dataclass(frozen=True, slots=True)
class FreeGift:
    id: str | None
    low_value: Decimal | None
    high_value: Decimal | None
    stock_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SopData:
    couriers: tuple[Courier, ...]
    delivery_rates: tuple[DeliveryRate, ...]
    courier_bandings: tuple[CourierBanding, ...]
    keycodes: tuple[Keycode, ...]
    special_offers: tuple[SpecialOffer, ...]
    free_gifts: tuple[FreeGift, ...]


def parse_sop_data(data: bytes | str) -> SopData:
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    fields = Fields(root)
    return SopData(
        couriers=tuple(_courier(e) for e in _listed(fields, "COURIERS", "COURIER")),
        delivery_rates=tuple(_delivery_rate(e) for e in _listed(fields, "DELRATES", "RATE")),
        courier_bandings=tuple(_banding(e) for e in _listed(fields, "COURIERBANDING", "BANDING")),
        keycodes=tuple(_keycode(e) for e in _listed(fields, "KEYCODES", "KEYCODE")),
        special_offers=tuple(
            _special_offer(e) for e in _listed(fields, "SPECIAL_OFFERS", "SPECIAL_OFFER")
        ),
        free_gifts=tuple(_free_gift(e) for e in _listed(fields, "FREE_GIFTS", "FREE_GIFT")),
    )


def _listed(fields: Fields, container: str, tag: str) -> list[etree._Element]:
    """Non-empty ``tag`` children of ``container``; templates carry empty placeholders."""
    element = fields.child(container)
    if element is None:
        return []
    return [
        child
        for child in element.iterchildren(tag)
        if len(child) or child.attrib or element_code(child)
    ]


def _courier(element: etree._Element) -> Courier:
    fields = Fields(element)
    return Courier(code=fields.attr_code("CODE"), name=fields.own_code())


def _band(fields: Fields, tag: str) -> Band | None:
    band = fields.nested(tag)
    if band is None:
        return None
    return Band(low=band.attr_decimal("LOW"), high=band.attr_decimal("HIGH"))


def _delivery_rate(element: etree._Element) -> DeliveryRate:
    fields = Fields(element)
    postage = fields.nested("POSTAGE")
    postcodes = fields.code("POSTCODES") or ""
    return DeliveryRate(
        country_code=fields.code("COUNTRY_CODE"),
        zone=fields.code("ZONE"),
        postcodes=tuple(code.strip() for code in postcodes.split(",") if code.strip()),
        courier_code=fields.code("COURIER_CODE"),
        courier_name=fields.code("COURIER_NAME"),
        company_class=fields.code("COMPANY_CLASS"),
        weight=_band(fields, "WEIGHT"),
        value=_band(fields, "VALUE"),
        postage=fields.as_decimal("POSTAGE"),
        value_is_gross=None if postage is None else postage.attr_bool("GROSS"),
        postage_is_vatable=None if postage is None else postage.attr_bool("VAT"),
        priority=fields.as_int("PRIORITY"),
        currency_desc=fields.code("CURRENCY_DESC"),
        brand=fields.code("BRAND"),
    )


def _banding(element: etree._Element) -> CourierBanding:
    fields = Fields(element)
    return CourierBanding(
        weight=_band(fields, "WEIGHT"),
        zone=fields.code("ZONE"),
        courier=fields.code("COURIER"),
        courier_name=fields.code("COURIER_NAME"),
    )


def _keycode(element: etree._Element) -> Keycode:
    fields = Fields(element)
    discounts = fields.child("DISCOUNTS")
    free_items = fields.child("FREEITEMS")
    return Keycode(
        id=fields.attr_code("ID"),
        code=fields.code("CODE"),
        description=fields.text("DESCRIPTION"),
        source_code=fields.as_bool("SOURCE_CODE"),
        additive_discount=fields.as_bool("ADDITIVE_DISCOUNT"),
        company_class=fields.code("COMPANY_CLASS"),
        price_list=fields.code("PRICE_LIST"),
        keycode_date=fields.as_date("KEYCODE_DATE"),
        expiry_date=fields.as_date("EXPIRY_DATE"),
        web_use=fields.as_bool("WEB_USE"),
        moto_use=fields.as_bool("MOTO_USE"),
        discounts=()
        if discounts is None
        else tuple(_discount(Fields(e)) for e in discounts.iterchildren("DISCOUNT")),
        free_items=()
        if free_items is None
        else tuple(_free_item(Fields(e)) for e in free_items.iterchildren("ITEM")),
    )


def _discount(fields: Fields) -> KeycodeDiscount:
    return KeycodeDiscount(
        order_low=fields.attr_decimal("ORDERLOW"),
        order_high=fields.attr_decimal("ORDERHIGH"),
        percent=fields.attr_decimal("PCDISCOUNT"),
        net_delivery=fields.attr_decimal("NETDELIVERY"),
        delivery_active=fields.attr_bool("DELACTIVE"),
    )


def _free_item(fields: Fields) -> KeycodeFreeItem:
    return KeycodeFreeItem(
        stock_code=fields.own_code(),
        order_low=fields.attr_decimal("ORDERLOW"),
        order_high=fields.attr_decimal("ORDERHIGH"),
        qty=fields.attr_decimal("QTY"),
        amount=fields.attr_decimal("AMOUNT"),
        auto_add=fields.attr_bool("AUTOADD"),
        discount=fields.attr_decimal("DISCOUNT"),
    )


def _special_offer(element: etree._Element) -> SpecialOffer:
    fields = Fields(element)
    price = fields.nested("SELL_PRICE")
    extended = fields.child("EXTENDED")
    return SpecialOffer(
        stock_code=fields.code("STOCK_CODE"),
        qty=fields.as_decimal("QTY"),
        sell_price=fields.as_decimal("SELL_PRICE"),
        sell_price_is_net=None if price is None else price.attr_bool("IS_NET"),
        order_total=fields.as_decimal("ORDER_TOTAL"),
        start_date=fields.as_date("START_DATE"),
        end_date=fields.as_date("END_DATE"),
        active=fields.as_bool("ACTIVE"),
        extended_desc=()
        if extended is None
        else tuple((e.text or "") for e in extended.iterchildren("DESC")),
        brand=fields.code("BRAND"),
        web_use=fields.as_bool("WEB_USE"),
        moto_use=fields.as_bool("MOTO_USE"),
        company_class=fields.code("COMPANY_CLASS"),
    )


def _free_gift(element: etree._Element) -> FreeGift:
    fields = Fields(element)
    items = fields.child("FREE_ITEMS")
    codes = (
        ()
        if items is None
        else tuple(
            code for code in map(element_code, items.iterchildren("FREE_ITEM")) if code is not None
        )
    )
    return FreeGift(
        id=fields.attr_code("FREEGIFT_ID"),
        low_value=fields.attr_decimal("LOW_VALUE"),
        high_value=fields.attr_decimal("HIGH_VALUE"),
        stock_codes=codes,
    )
