"""The price list upload: ``PriceLists`` / ``{"UploadPriceLists": [PriceList]}``.

Stored as they come; applying them to the shop's prices is separate work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from khaos_sync.protocol.cloud.payload import (
    DEFAULT_MAX_BYTES,
    Format,
    Node,
    Price,
    Seq,
    compact,
    dump,
    load,
)
from khaos_sync.protocol.errors import DocumentError

ROOT = "PriceLists"


@dataclass(frozen=True, slots=True)
class StockPrice:
    stock_id: str | None
    stock_code: str | None
    stock_desc: str | None
    qty_start: Decimal | None
    qty_end: Decimal | None
    price_value: Decimal | None
    price_type: int | None
    buy_price: Price | None
    sell_price: Price | None


@dataclass(frozen=True, slots=True)
class PriceList:
    price_list_id: str
    name: str | None
    channel_id: str | None
    net: bool | None
    prices: tuple[StockPrice, ...]


def read_price_list_upload(
    data: bytes | str, fmt: Format, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[PriceList]:
    top = load(data, fmt, ROOT, max_bytes=max_bytes)
    if not top.has("UploadPriceLists"):
        raise DocumentError("a price list upload has no UploadPriceLists")
    return [_read_list(node) for node in top.nodes("UploadPriceLists")]


def _read_list(node: Node) -> PriceList:
    return PriceList(
        price_list_id=node.required("PriceListID"),
        name=node.text("PriceListName"),
        channel_id=node.text("ChannelID"),
        net=node.as_bool("PriceListNet"),
        prices=tuple(_read_price(price) for price in node.nodes("StockPrices")),
    )


def _read_price(node: Node) -> StockPrice:
    if node.text("StockID") is None and node.text("StockCode") is None:
        raise DocumentError(f"{node.where}: a stock price has neither StockID nor StockCode")
    return StockPrice(
        stock_id=node.text("StockID"),
        stock_code=node.text("StockCode"),
        stock_desc=node.text("StockDesc"),
        qty_start=node.as_decimal("QtyStart"),
        qty_end=node.as_decimal("QtyEnd"),
        price_value=node.as_decimal("PriceValue"),
        price_type=node.as_int("PriceType"),
        buy_price=node.price("BuyPrice"),
        sell_price=node.price("SellPrice"),
    )


def write_price_list_upload(lists: Sequence[PriceList], fmt: Format) -> bytes:
    tree = {"UploadPriceLists": Seq("PriceList", [_list_tree(p) for p in lists])}
    return dump(tree, fmt, ROOT)


def _list_tree(price_list: PriceList) -> dict[str, Any]:
    return compact(
        {
            "PriceListID": price_list.price_list_id,
            "PriceListName": price_list.name,
            "StockPrices": Seq("PriceListStock", [_price_tree(p) for p in price_list.prices]),
            "ChannelID": price_list.channel_id,
            "PriceListNet": price_list.net,
        }
    )


def _price_tree(price: StockPrice) -> dict[str, Any]:
    return compact(
        {
            "StockID": price.stock_id,
            "StockCode": price.stock_code,
            "StockDesc": price.stock_desc,
            "BuyPrice": price.buy_price,
            "SellPrice": price.sell_price,
            "QtyStart": price.qty_start,
            "QtyEnd": price.qty_end,
            "PriceValue": price.price_value,
            "PriceType": price.price_type,
        }
    )
