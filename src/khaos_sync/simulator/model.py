"""Plain records the simulator keeps in its database.

They mirror what Khaos Control holds, not what the web service sends: the
writers turn them into KSDXML documents, and the store turns them into rows.
Money is always ``Decimal``; times are naive local (UK) datetimes, as in Khaos.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

ItemKind = Literal["standalone", "scs_parent", "scs_child", "pack"]
UdaType = Literal["TEXT", "DATE", "YES/NO", "NUMBER", "LIST", "CHOICE"]


@dataclass
class Uda:
    name: str
    type: UdaType
    value: str = ""
    index: str = ""


@dataclass
class Image:
    name: str
    file_name: str
    desc: str = ""
    type: str = "Main"


@dataclass
class Link:
    """A LINKED_ITEMS entry; points at the target's STOCK_ID so a code change follows."""

    target_id: int
    link_type: int
    value: str = ""
    auto_add: bool = False


@dataclass
class SupplierRef:
    code: str
    supplier_name: str
    supplier_urn: str
    preferred: bool = False
    cost: str = "0.00"


@dataclass
class ScsStyle:
    """One level of an SCS child's position in its parent's template."""

    description: str
    suffix: str


@dataclass
class Item:
    stock_id: int
    code: str
    description: str
    kind: ItemKind = "standalone"
    other_ref: str = ""
    long_desc: str = ""
    web_teaser: str = ""
    buy_price: Decimal = Decimal("0")
    sell_price: Decimal = Decimal("0")
    sell_price_web: Decimal = Decimal("0")
    is_net: bool = True
    vat_rate: Decimal = Decimal("20")
    stock_types: list[str] = field(default_factory=lambda: ["", "", "", ""])
    manufacturer: str = ""
    weight: str = ""
    height: str = ""
    width: str = ""
    depth: str = ""
    web: bool = True
    discontinued: bool = False
    run_to_zero: bool = False
    stock_controlled: bool = True
    drop_ship: bool = False
    discounts_disabled: bool = False
    vat_relief: bool = False
    sales_multiple: int = 0
    max_display_qty: int = 0
    availability: str = ""
    meta_title: str = ""
    meta_description: str = ""
    meta_keywords: str = ""
    lead_time_days: int = 0
    min_level: int = 0
    safe_level: int = 0
    launched: datetime = datetime(2020, 1, 1)
    revised: datetime = datetime(2020, 1, 1)
    moved: datetime = datetime(2020, 1, 1)
    image_filename: str = "?"
    udas: list[Uda] = field(default_factory=list)
    options: dict[str, bool] = field(default_factory=dict)
    barcodes: list[tuple[str, str]] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    supplier_refs: list[SupplierRef] = field(default_factory=list)
    parent_id: int | None = None
    scs_headings: list[str] = field(default_factory=list)
    scs_path: list[ScsStyle] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def deleted(self) -> bool:
        """Khaos derives DELETED from "not on the web" and "discontinued"."""
        return self.discontinued or not self.web

    @property
    def pack_children(self) -> list[Link]:
        return [link for link in self.links if link.link_type == 3]


@dataclass
class Contact:
    title: str = ""
    forename: str = ""
    surname: str = ""
    email: str = ""
    tel: str = ""
    mobile: str = ""


@dataclass
class Address:
    addr1: str = ""
    addr2: str = ""
    addr3: str = ""
    town: str = ""
    county: str = ""
    postcode: str = ""
    country_code: str = "GB"
    organisation: str = ""
    email: str = ""
    tel: str = ""
    addr_type: int = 1
    preferred_delivery: bool = False
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Customer:
    company_id: int
    code: str
    name: str
    other_ref: str = ""
    web_user: str = ""
    web_password: str = ""
    company_class: str = "Internet"
    company_type: str = "Consumer"
    company_status: str = "Active"
    sales_source: str = "INTERNET"
    source_code: str = ""
    supplier: bool = False
    hidden: bool = False
    mailing_status: int = 3
    currency_code: str = "GBP"
    price_lists: list[str] = field(default_factory=list)
    created: datetime = datetime(2020, 1, 1)
    updated: datetime = datetime(2020, 1, 1)
    addresses: list[Address] = field(default_factory=list)

    @property
    def surname(self) -> str:
        for address in self.addresses:
            for contact in address.contacts:
                if contact.surname:
                    return contact.surname
        return ""

    @property
    def postcode(self) -> str:
        return self.addresses[0].postcode if self.addresses else ""

    @property
    def email(self) -> str:
        for address in self.addresses:
            if address.email:
                return address.email
            for contact in address.contacts:
                if contact.email:
                    return contact.email
        return ""


@dataclass
class Category:
    category_id: int
    website_id: int
    name: str
    parent_id: int | None = None
    short_desc: str = ""
    long_desc: str = ""
    file_name: str = ""
    sort_order: int = 0
    deleted: bool = False


@dataclass
class PriceBreak:
    stock_code: str
    amount: Decimal
    qty_start: int = 1
    qty_end: int = 999
    discount: Decimal = Decimal("0")
    markup: Decimal = Decimal("0")


@dataclass
class PriceList:
    name: str
    is_net: bool = True
    currency: str = "GBP"
    company_class: str = ""
    company_code: str = ""
    breaks: list[PriceBreak] = field(default_factory=list)


# JSON round trip for the records above. Only the types used in them are handled.

T = TypeVar("T")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.__dict__
    raise TypeError(f"cannot store {type(value).__name__}")


def to_json(record: Any) -> str:
    return json.dumps(record, default=_default, separators=(",", ":"), ensure_ascii=False)


_NESTED: dict[str, dict[str, type]] = {
    "Item": {
        "udas": Uda,
        "images": Image,
        "links": Link,
        "supplier_refs": SupplierRef,
        "scs_path": ScsStyle,
    },
    "Customer": {"addresses": Address},
    "Address": {"contacts": Contact},
    "PriceList": {"breaks": PriceBreak},
}
_DECIMALS = {
    "buy_price",
    "sell_price",
    "sell_price_web",
    "vat_rate",
    "amount",
    "discount",
    "markup",
    "unit_price",
    "line_net",
    "line_vat",
    "line_gross",
}
_DATETIMES = {"launched", "revised", "moved", "created", "updated"}


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    nested = _NESTED.get(cls.__name__, {})
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            continue
        if key in nested:
            value = [from_dict(nested[key], v) for v in value]
        elif key in _DECIMALS:
            value = Decimal(value)
        elif key in _DATETIMES:
            value = datetime.fromisoformat(value)
        elif key == "barcodes":
            value = [tuple(pair) for pair in value]
        kwargs[key] = value
    return cls(**kwargs)


def from_json(cls: type[T], text: str) -> T:
    return from_dict(cls, json.loads(text))
