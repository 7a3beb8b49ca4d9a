"""One handler per IKosWeb operation, with Khaos Control's semantics.

Handlers take the decoded parameters (every declared parameter present, None
when not sent, as a Delphi server sees them: a missing Boolean is False) and
return the result in the shape ``encode_response`` expects. A refusal is a
:class:`ServiceFault`, which the server turns into a SOAP Fault.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from lxml import etree

from khaos_sync.protocol.errors import DocumentError
from khaos_sync.protocol.soap.compression import compressed_result
from khaos_sync.simulator import reference
from khaos_sync.simulator.catalogue import (
    EXPORT_MAPPING,
    POTENTIAL_MAPPING,
    SelectionError,
    ids_for_codes,
    ids_moved_since,
    pack_potential,
    split_codes,
    stock_list,
    stock_status_code,
    top_level_ids_changed_since,
    total_levels,
)
from khaos_sync.simulator.importing import import_orders
from khaos_sync.simulator.model import Customer, Item
from khaos_sync.simulator.order_book import invoices_of, orders_where
from khaos_sync.simulator.orders_model import Invoice, Order
from khaos_sync.simulator.settings import load_settings
from khaos_sync.simulator.store import Store, stamp
from khaos_sync.simulator.writers.categories import web_categories_document
from khaos_sync.simulator.writers.customers import customers_document, deleted_entries_document
from khaos_sync.simulator.writers.import_format import import_format_document
from khaos_sync.simulator.writers.order_status import (
    StatusOptions,
    order_status_document,
    order_status_ex_document,
)
from khaos_sync.simulator.writers.price_lists import price_lists_document
from khaos_sync.simulator.writers.stock import StockContext, stock_document
from khaos_sync.simulator.writers.stock_status import StockStatusEntry, stock_status_document

Params = dict[str, Any]
Handler = Callable[[Store, Params], Any]


class ServiceFault(Exception):
    """An error the service reports as a SOAP Fault (Delphi exception class included)."""

    def __init__(self, message: str, exception_class: str = "EKosWebError") -> None:
        super().__init__(message)
        self.exception_class = exception_class


HANDLERS: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[name] = function
        return function

    return register


def dispatch(store: Store, operation: str, params: Params) -> Any:
    function = HANDLERS.get(operation)
    if function is None:
        raise ServiceFault(f"Method {operation} is not available on this server", "ENotSupported")
    try:
        return function(store, params)
    except (SelectionError, DocumentError) as exc:
        raise ServiceFault(str(exc)) from exc


# simple lists ------------------------------------------------------------------


def _string_list(values: list[str]) -> Handler:
    return lambda store, params: list(values)


for _name, _values in (
    ("GetSaleSource", reference.SALES_SOURCES),
    ("GetCompanyStatus", reference.COMPANY_STATUSES),
    ("GetManufacturer", reference.MANUFACTURERS),
    ("GetAgentList", reference.AGENTS),
    ("GetKeycodeTypes", reference.KEYCODE_TYPES),
):
    HANDLERS[_name] = _string_list(_values)


@handler("GetVersion")
def get_version(store: Store, params: Params) -> str:
    return load_settings(store).version or reference.VERSION


@handler("GetSOPData")
def get_sop_data(store: Store, params: Params) -> str:
    """The keycodes of the system (the other SOP lists are not simulated)."""
    keycodes = "".join(
        f'<KEYCODE ID="{index}"><CODE>{code}</CODE><WEB_USE>-1</WEB_USE></KEYCODE>'
        for index, code in enumerate(reference.KEYCODES, start=1)
    )
    return f'<?xml version="1.0"?><SOPDATA><KEYCODES>{keycodes}</KEYCODES></SOPDATA>'


@handler("Login")
def login(store: Store, params: Params) -> str:
    if not params.get("UserName"):
        raise ServiceFault("Login failed: user name is blank")
    return f"Logged in as {params['UserName']}"


@handler("GetSiteList")
def get_site_list(store: Store, params: Params) -> dict[str, Any]:
    sites = [{"SiteID": site_id, "SiteName": name} for site_id, name in store.sites()]
    return {"List": sites, "CurrentSiteID": reference.DEFAULT_SITE_ID}


@handler("GetCompanyClass")
def get_company_class(store: Store, params: Params) -> list[str]:
    # CompanyClassType 1 lists supplier classes, anything else customer classes.
    if params.get("CompanyClassType") == 1:
        return list(reference.SUPPLIER_CLASSES)
    return list(reference.CLASS_METHODS)


@handler("GetPriceLists")
def get_price_lists(store: Store, params: Params) -> list[str]:
    return [price_list.name for price_list in store.price_lists()]


@handler("GetCountryList")
def get_country_list(store: Store, params: Params) -> dict[str, Any]:
    keys = (
        "CountryName",
        "CountryCode2",
        "CountryCode3",
        "EUMember",
        "PaysVAT",
        "CurrencyName",
        "CurrencyCode",
        "Zone",
    )
    countries = [dict(zip(keys, row, strict=True)) for row in reference.COUNTRIES]
    return {"Count": len(countries), "List": countries}


# stock -------------------------------------------------------------------------------


@handler("GetStockList")
def get_stock_list(store: Store, params: Params) -> dict[str, Any]:
    entries = stock_list(store, params["DateType"], params["DateValue"], params["StockItemType"])
    return {"Count": len(entries), "List": entries}


@handler("GetStockListCompressed")
def get_stock_list_compressed(store: Store, params: Params) -> dict[str, Any]:
    # The compressed list is an XML file of the same entries, one ITEM each.
    entries = stock_list(store, params["DateType"], params["DateValue"], params["StockItemType"])
    root = etree.Element("STOCK_LIST")
    for entry in entries:
        etree.SubElement(root, "ITEM", {k: str(v) for k, v in entry.items()})
    data = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return compressed_result(data, _method(params), file_name="StockList.xml")


@handler("ExportStock")
def export_stock(store: Store, params: Params) -> str:
    codes = split_codes(params["StockCode"])
    if codes:
        ids = ids_for_codes(store, codes, params["MappingType"], EXPORT_MAPPING)
    else:
        ids = top_level_ids_changed_since(store, params["LastUpdated"])
    return stock_export_document(store, ids)


@handler("ExportStockCompressed")
def export_stock_compressed(store: Store, params: Params) -> dict[str, Any]:
    document = export_stock(store, params)
    return compressed_result(document.encode("utf-8"), _method(params), file_name="Stock.xml")


def stock_export_document(store: Store, ids: list[int]) -> str:
    items = store.items_by_ids(ids)
    children = store.children_of([item.stock_id for item in items if item.kind == "scs_parent"])
    targets = {link.target_id for item in items for link in item.links}
    targets |= {link.target_id for kids in children.values() for kid in kids for link in kid.links}
    return stock_document(items, StockContext(store.codes_of(targets), children))


@handler("ExportStockStatus")
def export_stock_status(store: Store, params: Params) -> str:
    codes = split_codes(params["StockCode"])
    if codes:
        ids = ids_for_codes(store, codes, params["MappingType"], EXPORT_MAPPING)
    else:
        ids = ids_moved_since(store, params["LastUpdated"])
    sites = _sites_for(store, params["SiteID"])
    site_name = "All Sites" if len(sites) > 1 else sites[0][1]
    return stock_status_document(site_name, _status_entries(store, ids, sites))


def _sites_for(store: Store, site_id: int | None) -> list[tuple[int, str]]:
    sites = store.sites()
    if site_id == -1:
        return sites
    wanted = reference.DEFAULT_SITE_ID if site_id is None else site_id
    chosen = [site for site in sites if site[0] == wanted]
    if not chosen:
        raise ServiceFault(f"Site ID {site_id} does not exist")
    return chosen


def _status_entries(
    store: Store, ids: list[int], sites: list[tuple[int, str]]
) -> list[StockStatusEntry]:
    items = store.items_by_ids(ids)
    pack_children = {link.target_id for item in items for link in item.pack_children}
    levels = store.levels_of([*ids, *pack_children])
    entries = []
    for item in items:
        for site_id, _name in sites:
            row = levels.get((item.stock_id, site_id))
            level, allocated, on_order = (
                (int(row["level"]), int(row["allocated"]), int(row["on_order"]))
                if row
                else (0, 0, 0)
            )
            potential = None
            if item.kind == "pack":
                child_levels = {
                    cid: int(r["level"]) for (cid, sid), r in levels.items() if sid == site_id
                }
                potential = pack_potential(item, child_levels)
            entries.append(
                StockStatusEntry(
                    item=item,
                    level=level,
                    status=stock_status_code(item, level, allocated, on_order),
                    lead_time=str(row["due_date"]) if row and on_order else "",
                    build_potential=potential,
                )
            )
    return entries


@handler("GetStockPotential")
def get_stock_potential(store: Store, params: Params) -> list[dict[str, Any]]:
    codes = split_codes(params["StockCode"])
    ids = ids_for_codes(store, codes, params["MappingType"], POTENTIAL_MAPPING)
    items = store.items_by_ids(ids)
    child_ids = [link.target_id for item in items for link in item.pack_children]
    totals = total_levels(store, [*ids, *child_ids])
    return [_potential(item, totals) for item in items]


def _potential(item: Item, totals: dict[int, tuple[int, int]]) -> dict[str, Any]:
    if item.kind == "pack":
        built = pack_potential(item, {k: v[0] for k, v in totals.items()})
        available, on_order, back_order = built, 0, 0
    else:
        level, on_order = totals.get(item.stock_id, (0, 0))
        available, back_order = max(level, 0), max(-level, 0)
    return {
        "StockID": item.stock_id,
        "StockCode": item.code,
        "Available": float(available),
        "OnOrder": float(on_order),
        "BackOrder": float(back_order),
        "Potential": float(available + on_order - back_order),
    }


# web categories -------------------------------------------------------------------


@handler("ExportWebCategories")
def export_web_categories(store: Store, params: Params) -> str:
    return _categories(store, params["Website"], None, extended=False, include_items=True)


@handler("ExportWebCategoriesCompressed")
def export_web_categories_compressed(store: Store, params: Params) -> dict[str, Any]:
    document = export_web_categories(store, params)
    return compressed_result(
        document.encode("utf-8"), _method(params), file_name="WebCategories.xml"
    )


@handler("ExportWebCategoriesEx2")
def export_web_categories_ex2(store: Store, params: Params) -> str:
    return _categories(
        store,
        params["WebsiteName"],
        params["WebsiteID"],
        extended=True,
        include_items=bool(params["IncludeItems"]),
        node_id=params["WebNodeID"],
    )


def _categories(
    store: Store,
    name: str | None,
    website_id: int | None,
    *,
    extended: bool,
    include_items: bool,
    node_id: int | None = None,
) -> str:
    website = _website(store, name, website_id)
    categories = store.categories(website[0])
    if node_id:
        categories = _subtree(categories, node_id)
    members = store.category_members(website[0])
    wanted = sorted({stock_id for ids in members.values() for stock_id in ids})
    items = {item.stock_id: item for item in _item_names(store, wanted)}
    by_category = {cid: [items[i] for i in ids if i in items] for cid, ids in members.items()}
    parents = [item.stock_id for item in items.values() if item.kind == "scs_parent"]
    children = {} if extended else _child_names(store, parents)
    return web_categories_document(
        website[0],
        website[1],
        categories,
        by_category,
        children,
        extended=extended,
        include_items=include_items,
    )


def _item_names(store: Store, ids: list[int]) -> list[Item]:
    """Just what the category feed shows of an item, without loading whole records."""
    found: list[Item] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = store.connection().execute(
            "SELECT stock_id, code, description, kind FROM items"
            f" WHERE stock_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        found.extend(Item(stock_id=i, code=c, description=d, kind=k) for i, c, d, k in rows)
    return found


def _child_names(store: Store, parent_ids: list[int]) -> dict[int, list[Item]]:
    children: dict[int, list[Item]] = {}
    for start in range(0, len(parent_ids), 500):
        chunk = parent_ids[start : start + 500]
        rows = store.connection().execute(
            "SELECT stock_id, code, description, parent_id FROM items"
            f" WHERE parent_id IN ({','.join('?' * len(chunk))}) ORDER BY stock_id",
            chunk,
        )
        for stock_id, code, description, parent_id in rows:
            item = Item(stock_id=stock_id, code=code, description=description, kind="scs_child")
            children.setdefault(int(parent_id), []).append(item)
    return children


def _website(store: Store, name: str | None, website_id: int | None) -> tuple[int, str]:
    websites = store.websites()
    wanted = (name or "").strip() or (None if website_id else load_settings(store).website_name)
    for site in websites:
        if (wanted and site[1].lower() == wanted.lower()) or (not wanted and site[0] == website_id):
            return site
    raise ServiceFault(f"Website '{wanted or website_id}' not found")


def _subtree(categories: list[Any], node_id: int) -> list[Any]:
    keep = {node_id}
    changed = True
    while changed:
        before = len(keep)
        keep |= {c.category_id for c in categories if c.parent_id in keep}
        changed = len(keep) != before
    chosen = [c for c in categories if c.category_id in keep]
    for category in chosen:
        if category.category_id == node_id:
            category.parent_id = None
    return chosen


# orders ---------------------------------------------------------------------------


@handler("ImportOrders")
def import_orders_handler(store: Store, params: Params) -> dict[str, Any]:
    document = params["Orders"]
    if not document or not document.strip():
        raise ServiceFault("No orders were supplied")
    return import_orders(store, document).as_struct()


@handler("ExportOrderStatus")
def export_order_status(store: Store, params: Params) -> str:
    since = stamp(store.now() - timedelta(hours=48))
    orders = orders_where(
        store,
        "changed >= ? OR order_id IN (SELECT order_id FROM invoices WHERE stage NOT IN (0, 70, 71))"
        " ORDER BY order_id",
        (since,),
    )
    return order_status_document(_with_invoices(store, orders))


@handler("ExportOrderStatusEx")
def export_order_status_ex(store: Store, params: Params) -> str:
    orders = _orders_for_status(store, params)
    if not params["IncludeCancelled"]:
        orders = [order for order in orders if order.cancelled_at is None]
    pairs = _with_invoices(store, orders)
    stages = {int(s) for s in split_codes(params["InvoiceStageIDs"]) if s.lstrip("-").isdigit()}
    if stages:
        pairs = [(o, invs) for o, invs in pairs if any(inv.stage in stages for inv in invs)]
    options = StatusOptions(bool(params["IncludeTracking"]), bool(params["ShowItems"]))
    document = order_status_ex_document(pairs, options)
    _clear_moved(store, [inv for _order, invs in pairs for inv in invs])
    return document


ORDER_STATUS_MAPPING = {1: "company_code", 2: "customer_other_ref", 3: "code", 4: "associated_ref"}


def _orders_for_status(store: Store, params: Params) -> list[Order]:
    ids = split_codes(params["IDs"])
    date_from, date_to = params["DateFrom"], params["DateTo"]
    if not ids and date_from is None and date_to is None:
        raise ServiceFault("ExportOrderStatusEx needs IDs or a date range")
    where, values = ["1 = 1"], []
    if date_from is not None:
        where.append("changed >= ?")
        values.append(stamp(date_from))
    if date_to is not None:
        where.append("changed <= ?")
        values.append(stamp(date_to))
    field = ORDER_STATUS_MAPPING.get(params["MappingType"] or 4) if ids else None
    if ids and field is None:
        raise ServiceFault(f"MappingType {params['MappingType']} is not supported; use 1 to 4")
    if field in {"code", "associated_ref"}:
        where.append(f"{field} IN ({','.join('?' * len(ids))})")
        values.extend(ids)
    orders = orders_where(store, " AND ".join(where) + " ORDER BY order_id", values)
    if field in {"company_code", "customer_other_ref"}:
        wanted = set(ids)
        orders = [order for order in orders if getattr(order, str(field)) in wanted]
    return orders


def _with_invoices(store: Store, orders: list[Order]) -> list[tuple[Order, list[Invoice]]]:
    invoices = invoices_of(store, [order.order_id for order in orders])
    return [(order, invoices[order.order_id]) for order in orders]


def _clear_moved(store: Store, invoices: list[Invoice]) -> None:
    """MOVED reports a change since the last status export, so exporting clears it."""
    moved = [(inv.invoice_id,) for inv in invoices if inv.moved]
    if not moved:
        return
    with store.write() as db:
        db.executemany(
            "UPDATE invoices SET moved = 0, data = json_set(data, '$.moved', json('false'))"
            " WHERE invoice_id = ?",
            moved,
        )


@handler("ExportOrders")
def export_orders(store: Store, params: Params) -> str:
    codes = split_codes(params["OrderCode"])
    column = {1: "code", 2: "associated_ref"}.get(params["MappingType"] or 1)
    if column is None:
        raise ServiceFault(f"MappingType {params['MappingType']} is not supported; use 1 or 2")
    if not codes:
        raise ServiceFault("No order codes were supplied")
    marks = ",".join("?" * len(codes))
    orders = orders_where(store, f"{column} IN ({marks}) ORDER BY order_id", codes)
    return import_format_document(orders)


# customers ---------------------------------------------------------------------------


@handler("GetCompanyList")
def get_company_list(store: Store, params: Params) -> dict[str, Any]:
    customers = _customers_since(
        store, params["LastUpdated"], split_codes(params["CompanyClassList"])
    )
    entries = [
        {"CompanyCode": c.code, "OtherRef": c.other_ref, "LastUpdated": c.updated}
        for c in customers
    ]
    return {"Count": len(entries), "List": entries}


COMPANY_MAPPING = {1: "code", 2: "other_ref", 3: "web_user", 4: "name", 5: "sales_source"}


@handler("ExportCompany")
def export_company(store: Store, params: Params) -> str:
    codes = split_codes(params["CompanyCode"])
    if not codes:
        return customers_document(_customers_since(store, params["LastUpdated"], []))
    column = COMPANY_MAPPING.get(params["MappingType"] or 1)
    if column is None:
        raise ServiceFault(f"MappingType {params['MappingType']} is not supported; use 1 to 5")
    if column == "web_user":
        codes = [code.lower() for code in codes]
    marks = ",".join("?" * len(codes))
    return customers_document(
        store.customers_where(f"{column} IN ({marks}) ORDER BY company_id", codes)
    )


def _customers_since(store: Store, since: datetime | None, classes: list[str]) -> list[Customer]:
    where, values = ["1 = 1"], []
    if since is not None:
        where.append("updated >= ?")
        values.append(stamp(since))
    if classes:
        where.append(f"company_class IN ({','.join('?' * len(classes))})")
        values.extend(classes)
    return store.customers_where(" AND ".join(where) + " ORDER BY company_id", values)


@handler("GetDeletedEntries")
def get_deleted_entries(store: Store, params: Params) -> str:
    if params["DocumentType"] not in (None, 5):
        raise ServiceFault("Only document type 5 (companies) is supported")
    where, values = ["1 = 1"], []
    if params["DateFrom"] is not None:
        where.append("deleted_at >= ?")
        values.append(stamp(params["DateFrom"]))
    if params["DateTo"] is not None:
        where.append("deleted_at <= ?")
        values.append(stamp(params["DateTo"]))
    if params["ObjectID"]:
        where.append("header_id = ?")
        values.append(params["ObjectID"])
    rows = store.connection().execute(
        "SELECT header_id, document_type, additional_ref, deleted_at FROM deleted_entries"
        f" WHERE {' AND '.join(where)} ORDER BY deleted_at, header_id",
        values,
    )
    return deleted_entries_document(
        (int(h), int(d), str(a), datetime.fromisoformat(t)) for h, d, a, t in rows
    )


# price lists ----------------------------------------------------------------------------


@handler("ExportPriceList")
def export_price_list(store: Store, params: Params) -> str:
    wanted = (params["PriceList"] or "").strip()
    lists = store.price_lists()
    if wanted:
        chosen = [p for p in lists if p.name.lower() == wanted.lower()]
    else:
        chosen = [p for p in lists if p.name.lower().startswith("web")][:1]
    if not chosen:
        raise ServiceFault(f"Price list '{wanted or 'web…'}' not found")
    codes = {p.company_code for p in chosen if p.company_code}
    names = (
        {
            c.code: c.name
            for c in store.customers_where(f"code IN ({','.join('?' * len(codes))})", sorted(codes))
        }
        if codes
        else {}
    )
    return price_lists_document(chosen, names)


@handler("ExportPriceListEx")
def export_price_list_ex(store: Store, params: Params) -> str:
    document: str = export_price_list(store, {"PriceList": params["PriceList"]})
    return document


def _method(params: Params) -> int:
    method = params.get("CompressionMethod")
    if method not in (None, 0, 1):
        raise ServiceFault(f"CompressionMethod {method} is not supported; use 0 (ZIP) or 1 (BZip2)")
    return int(method or 0)
