"""Typed results of the IKosWeb struct operations.

Each record converts from the decoded wire struct (a dict keyed by Khaos field
names, see ``soap.envelope``) with ``from_wire`` and back with ``to_wire``, so
a server can answer with the same records a client receives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from khaos_sync.protocol.soap.compression import (
    DEFAULT_MAX_DECOMPRESSED_BYTES,
    METHOD_NAMES,
    decompress_result,
)

Wire = Mapping[str, Any]


def _text(data: Wire, name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def _items(data: Wire, name: str) -> Sequence[Wire]:
    value = data.get(name)
    return value if isinstance(value, list) else []


def _count(data: Wire, name: str, items: Sequence[object]) -> int:
    value = data.get(name)
    return value if isinstance(value, int) else len(items)


def _quantity(data: Wire, name: str) -> float:
    value = data.get(name)
    return float(value) if isinstance(value, int | float) else 0.0


@dataclass(frozen=True, slots=True)
class StockListEntry:
    stock_code: str
    other_ref: str = ""
    stock_desc: str = ""
    parent_code: str = ""
    parent_other_ref: str = ""
    last_updated: datetime | None = None

    @classmethod
    def from_wire(cls, data: Wire) -> StockListEntry:
        return cls(
            stock_code=_text(data, "StockCode"),
            other_ref=_text(data, "OtherRef"),
            stock_desc=_text(data, "StockDesc"),
            parent_code=_text(data, "ParentCode"),
            parent_other_ref=_text(data, "ParentOtherRef"),
            last_updated=data.get("LastUpdated"),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "StockCode": self.stock_code,
            "OtherRef": self.other_ref,
            "StockDesc": self.stock_desc,
            "ParentCode": self.parent_code,
            "ParentOtherRef": self.parent_other_ref,
            "LastUpdated": self.last_updated,
        }


@dataclass(frozen=True)
class StockList:
    count: int
    entries: tuple[StockListEntry, ...]

    @classmethod
    def from_wire(cls, data: Wire) -> StockList:
        entries = tuple(StockListEntry.from_wire(item) for item in _items(data, "List"))
        return cls(count=_count(data, "Count", entries), entries=entries)

    def to_wire(self) -> dict[str, Any]:
        return {"Count": self.count, "List": [entry.to_wire() for entry in self.entries]}


@dataclass(frozen=True)
class Site:
    site_id: int
    site_name: str

    @classmethod
    def from_wire(cls, data: Wire) -> Site:
        return cls(site_id=data.get("SiteID") or 0, site_name=_text(data, "SiteName"))

    def to_wire(self) -> dict[str, Any]:
        return {"SiteID": self.site_id, "SiteName": self.site_name}


@dataclass(frozen=True)
class SiteList:
    sites: tuple[Site, ...]
    current_site_id: int | None = None

    @classmethod
    def from_wire(cls, data: Wire) -> SiteList:
        return cls(
            sites=tuple(Site.from_wire(item) for item in _items(data, "List")),
            current_site_id=data.get("CurrentSiteID"),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "List": [site.to_wire() for site in self.sites],
            "CurrentSiteID": self.current_site_id,
        }


@dataclass(frozen=True)
class Country:
    country_name: str
    country_code2: str = ""
    country_code3: str = ""
    eu_member: bool = False
    pays_vat: bool = False
    currency_name: str = ""
    currency_code: str = ""
    zone: str = ""

    @classmethod
    def from_wire(cls, data: Wire) -> Country:
        return cls(
            country_name=_text(data, "CountryName"),
            country_code2=_text(data, "CountryCode2"),
            country_code3=_text(data, "CountryCode3"),
            eu_member=bool(data.get("EUMember")),
            pays_vat=bool(data.get("PaysVAT")),
            currency_name=_text(data, "CurrencyName"),
            currency_code=_text(data, "CurrencyCode"),
            zone=_text(data, "Zone"),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "CountryName": self.country_name,
            "CountryCode2": self.country_code2,
            "CountryCode3": self.country_code3,
            "EUMember": self.eu_member,
            "PaysVAT": self.pays_vat,
            "CurrencyName": self.currency_name,
            "CurrencyCode": self.currency_code,
            "Zone": self.zone,
        }


@dataclass(frozen=True)
class CountryList:
    count: int
    countries: tuple[Country, ...]

    @classmethod
    def from_wire(cls, data: Wire) -> CountryList:
        countries = tuple(Country.from_wire(item) for item in _items(data, "List"))
        return cls(count=_count(data, "Count", countries), countries=countries)

    def to_wire(self) -> dict[str, Any]:
        return {"Count": self.count, "List": [country.to_wire() for country in self.countries]}


@dataclass(frozen=True)
class CompressedResult:
    method: int
    file_name: str
    data: bytes
    original_size: int
    compressed_size: int
    password_protected: bool = False

    @property
    def method_name(self) -> str:
        return METHOD_NAMES.get(self.method, str(self.method))

    def decompress(self, *, max_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES) -> bytes:
        """The original payload (e.g. a KSDXML document), size-limited."""
        return decompress_result(self.to_wire(), max_bytes=max_bytes)

    @classmethod
    def from_wire(cls, data: Wire) -> CompressedResult:
        payload = data.get("Data")
        return cls(
            method=data.get("Method") or 0,
            file_name=_text(data, "FileName"),
            data=payload if isinstance(payload, bytes) else b"",
            original_size=data.get("OriginalSize") or 0,
            compressed_size=data.get("CompressedSize") or 0,
            password_protected=bool(data.get("PasswordProtected")),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "Method": self.method,
            "FileName": self.file_name,
            "Data": self.data,
            "OriginalSize": self.original_size,
            "CompressedSize": self.compressed_size,
            "PasswordProtected": self.password_protected,
        }


@dataclass(frozen=True)
class ImportedOrder:
    sales_order_code: str
    associated_ref: str = ""
    msg: str = ""
    urn: str = ""
    other_ref: str = ""

    @classmethod
    def from_wire(cls, data: Wire) -> ImportedOrder:
        return cls(
            sales_order_code=_text(data, "SalesOrderCode"),
            associated_ref=_text(data, "AssociatedRef"),
            msg=_text(data, "Msg"),
            urn=_text(data, "URN"),
            other_ref=_text(data, "OtherRef"),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "SalesOrderCode": self.sales_order_code,
            "AssociatedRef": self.associated_ref,
            "Msg": self.msg,
            "URN": self.urn,
            "OtherRef": self.other_ref,
        }


@dataclass(frozen=True)
class SkippedOrder:
    order_ref: str
    skip_reason: str = ""

    @classmethod
    def from_wire(cls, data: Wire) -> SkippedOrder:
        return cls(order_ref=_text(data, "OrderRef"), skip_reason=_text(data, "SkipReason"))

    def to_wire(self) -> dict[str, Any]:
        return {"OrderRef": self.order_ref, "SkipReason": self.skip_reason}


@dataclass(frozen=True)
class OrderImportResult:
    imported_count: int
    imported: tuple[ImportedOrder, ...] = ()
    skipped: tuple[SkippedOrder, ...] = ()

    @classmethod
    def from_wire(cls, data: Wire) -> OrderImportResult:
        imported = tuple(ImportedOrder.from_wire(item) for item in _items(data, "OrderImport"))
        return cls(
            imported_count=_count(data, "ImportedCount", imported),
            imported=imported,
            skipped=tuple(SkippedOrder.from_wire(item) for item in _items(data, "OrderSkipped")),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "ImportedCount": self.imported_count,
            "OrderImport": [order.to_wire() for order in self.imported],
            "OrderSkipped": [order.to_wire() for order in self.skipped],
        }


@dataclass(frozen=True)
class CompanyListEntry:
    company_code: str
    other_ref: str = ""
    last_updated: datetime | None = None

    @classmethod
    def from_wire(cls, data: Wire) -> CompanyListEntry:
        return cls(
            company_code=_text(data, "CompanyCode"),
            other_ref=_text(data, "OtherRef"),
            last_updated=data.get("LastUpdated"),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "CompanyCode": self.company_code,
            "OtherRef": self.other_ref,
            "LastUpdated": self.last_updated,
        }


@dataclass(frozen=True)
class CompanyList:
    count: int
    entries: tuple[CompanyListEntry, ...]

    @classmethod
    def from_wire(cls, data: Wire) -> CompanyList:
        entries = tuple(CompanyListEntry.from_wire(item) for item in _items(data, "List"))
        return cls(count=_count(data, "Count", entries), entries=entries)

    def to_wire(self) -> dict[str, Any]:
        return {"Count": self.count, "List": [entry.to_wire() for entry in self.entries]}


@dataclass(frozen=True)
class StockPotential:
    """Availability of one item; Khaos identifies it by id or code, whichever was asked."""

    stock_id: int | None
    stock_code: str | None
    available: float
    on_order: float
    back_order: float
    potential: float

    @classmethod
    def from_wire(cls, data: Wire) -> StockPotential:
        return cls(
            stock_id=data.get("StockID"),
            stock_code=data.get("StockCode") or None,
            available=_quantity(data, "Available"),
            on_order=_quantity(data, "OnOrder"),
            back_order=_quantity(data, "BackOrder"),
            potential=_quantity(data, "Potential"),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "StockID": self.stock_id,
            "StockCode": self.stock_code,
            "Available": self.available,
            "OnOrder": self.on_order,
            "BackOrder": self.back_order,
            "Potential": self.potential,
        }
