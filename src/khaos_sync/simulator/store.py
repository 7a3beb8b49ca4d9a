"""The simulator's state in its own SQLite database.

Everything a restart must keep lives here: the catalogue, stock levels per
site, web categories, customers, orders with their invoices, the simulated
clock and the run-time settings. Each thread gets its own connection; writes
are serialised by one lock and run in ``BEGIN IMMEDIATE`` transactions, so the
HTTP threads, the control API and the command line (another process, through
WAL) can share one file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from khaos_sync.simulator.model import (
    Category,
    Customer,
    Item,
    PriceList,
    from_json,
    to_json,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (site_id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    stock_id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    other_ref TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id INTEGER,
    revised TEXT NOT NULL,
    launched TEXT NOT NULL,
    moved TEXT NOT NULL,
    data TEXT NOT NULL
);
-- Real Khaos data reuses codes (an item recreated, a deleted item keeping its code).
CREATE INDEX IF NOT EXISTS items_code ON items(code);
CREATE INDEX IF NOT EXISTS items_parent ON items(parent_id);
CREATE INDEX IF NOT EXISTS items_other_ref ON items(other_ref);
CREATE INDEX IF NOT EXISTS items_description ON items(description);
CREATE INDEX IF NOT EXISTS items_revised ON items(revised);
CREATE INDEX IF NOT EXISTS items_moved ON items(moved);
CREATE INDEX IF NOT EXISTS items_launched ON items(launched);
CREATE TABLE IF NOT EXISTS barcodes (barcode TEXT NOT NULL, stock_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS barcodes_barcode ON barcodes(barcode);
CREATE INDEX IF NOT EXISTS barcodes_stock ON barcodes(stock_id);
CREATE TABLE IF NOT EXISTS levels (
    stock_id INTEGER NOT NULL,
    site_id INTEGER NOT NULL,
    level INTEGER NOT NULL,
    allocated INTEGER NOT NULL DEFAULT 0,
    on_order INTEGER NOT NULL DEFAULT 0,
    due_date TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (stock_id, site_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS websites (website_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS categories (
    category_id INTEGER PRIMARY KEY,
    website_id INTEGER NOT NULL,
    parent_id INTEGER,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS category_items (
    category_id INTEGER NOT NULL,
    stock_id INTEGER NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (category_id, stock_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS category_items_stock ON category_items(stock_id);
CREATE TABLE IF NOT EXISTS customers (
    company_id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    other_ref TEXT NOT NULL,
    web_user TEXT NOT NULL,
    name TEXT NOT NULL,
    surname TEXT NOT NULL,
    postcode TEXT NOT NULL,
    company_class TEXT NOT NULL,
    sales_source TEXT NOT NULL,
    updated TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS customers_other_ref ON customers(other_ref);
CREATE INDEX IF NOT EXISTS customers_web_user ON customers(web_user);
CREATE INDEX IF NOT EXISTS customers_surname ON customers(surname);
CREATE INDEX IF NOT EXISTS customers_updated ON customers(updated);
CREATE TABLE IF NOT EXISTS deleted_entries (
    header_id INTEGER NOT NULL,
    document_type INTEGER NOT NULL,
    additional_ref TEXT NOT NULL,
    deleted_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS price_lists (name TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    order_id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    associated_ref TEXT NOT NULL UNIQUE,
    company_id INTEGER NOT NULL,
    site_id INTEGER NOT NULL,
    created TEXT NOT NULL,
    changed TEXT NOT NULL,
    web INTEGER NOT NULL DEFAULT -1,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_company ON orders(company_id);
CREATE INDEX IF NOT EXISTS orders_changed ON orders(changed);
CREATE TABLE IF NOT EXISTS invoices (
    invoice_id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    code TEXT NOT NULL UNIQUE,
    stage INTEGER NOT NULL,
    changed TEXT NOT NULL,
    moved INTEGER NOT NULL DEFAULT -1,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invoices_order ON invoices(order_id);
-- Header.CustomData of orders the cloud simulator pulled: echoed back in their statuses.
CREATE TABLE IF NOT EXISTS cloud_custom_data (
    associated_ref TEXT PRIMARY KEY,
    custom_data TEXT NOT NULL
);
-- Every order of every ImportOrders call, as judged: for exactly-once checks.
CREATE TABLE IF NOT EXISTS import_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    call_no INTEGER NOT NULL,
    associated_ref TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    at TEXT NOT NULL
);
"""

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def stamp(moment: datetime) -> str:
    """Sortable text form of a datetime, to the millisecond like Khaos."""
    return moment.isoformat(timespec="milliseconds")


class Store:
    """Connections, transactions and the small helpers every module shares."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        with self._write_lock:
            # executescript commits on its own, so it runs outside write().
            self.connection().executescript(SCHEMA)

    # connections ---------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
            with self._connections_lock:
                self._connections.append(db)
        return db

    def close(self) -> None:
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested calls join the outer one."""
        with self._write_lock:
            db = self.connection()
            if db.in_transaction:
                yield db
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        cursor = self.connection().cursor()
        cursor.row_factory = sqlite3.Row
        return list(cursor.execute(sql, params))

    # meta: settings, counters and the clock ------------------------------

    def get_meta(self, key: str, default: str = "") -> str:
        rows = self.connection().execute("SELECT value FROM meta WHERE key = ?", (key,))
        row = rows.fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def next_number(self, counter: str, start: int = 100001) -> int:
        with self.write():
            value = int(self.get_meta(f"counter.{counter}", str(start)))
            self.set_meta(f"counter.{counter}", str(value + 1))
        return value

    def now(self) -> datetime:
        """The simulated clock: real local time plus an offset that control can advance."""
        offset = float(self.get_meta("clock.offset_seconds", "0"))
        return datetime.now().replace(microsecond=0) + timedelta(seconds=offset)

    def advance_clock(self, seconds: float) -> datetime:
        with self.write():
            offset = float(self.get_meta("clock.offset_seconds", "0")) + seconds
            self.set_meta("clock.offset_seconds", repr(offset))
        return self.now()

    def is_empty(self) -> bool:
        return self.connection().execute("SELECT 1 FROM items LIMIT 1").fetchone() is None

    def clear_catalogue(self) -> None:
        """Forget everything but the settings and the clock (for a regeneration)."""
        with self.write() as db:
            for table in (
                "sites",
                "items",
                "barcodes",
                "levels",
                "websites",
                "categories",
                "category_items",
                "customers",
                "deleted_entries",
                "price_lists",
                "orders",
                "invoices",
            ):
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM meta WHERE key LIKE 'counter.%'")

    # sites ---------------------------------------------------------------

    def put_sites(self, sites: Iterable[tuple[int, str]]) -> None:
        with self.write() as db:
            db.executemany("INSERT OR REPLACE INTO sites (site_id, name) VALUES (?, ?)", sites)

    def sites(self) -> list[tuple[int, str]]:
        rows = self.connection().execute("SELECT site_id, name FROM sites ORDER BY site_id")
        return [(int(r[0]), str(r[1])) for r in rows]

    # items ---------------------------------------------------------------

    def put_items(self, items: Iterable[Item]) -> None:
        rows = []
        barcodes: list[tuple[str, int]] = []
        for item in items:
            rows.append(_item_row(item))
            barcodes.extend((value, item.stock_id) for _desc, value in item.barcodes)
        with self.write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO items (stock_id, code, other_ref, description, kind,"
                " parent_id, revised, launched, moved, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            ids = [(row[0],) for row in rows]
            db.executemany("DELETE FROM barcodes WHERE stock_id = ?", ids)
            db.executemany("INSERT INTO barcodes (barcode, stock_id) VALUES (?, ?)", barcodes)

    def items_where(self, where: str, params: Sequence[Any] = ()) -> list[Item]:
        sql = f"SELECT data FROM items WHERE {where}"
        return [from_json(Item, row[0]) for row in self.connection().execute(sql, params)]

    def item(self, stock_id: int) -> Item | None:
        found = self.items_where("stock_id = ?", (stock_id,))
        return found[0] if found else None

    def items_by_ids(self, ids: Sequence[int]) -> list[Item]:
        found: dict[int, Item] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for item in self.items_where(f"stock_id IN ({marks})", chunk):
                found[item.stock_id] = item
        return [found[i] for i in ids if i in found]

    def children_of(self, parent_ids: Sequence[int]) -> dict[int, list[Item]]:
        children: dict[int, list[Item]] = {pid: [] for pid in parent_ids}
        for chunk in _chunks(list(parent_ids), 500):
            marks = ",".join("?" * len(chunk))
            where = f"parent_id IN ({marks}) ORDER BY stock_id"
            for item in self.items_where(where, chunk):
                assert item.parent_id is not None
                children[item.parent_id].append(item)
        return children

    def codes_of(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(ids))
        codes: dict[int, str] = {}
        for chunk in _chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT stock_id, code FROM items WHERE stock_id IN ({marks})"
            codes.update((int(r[0]), str(r[1])) for r in self.connection().execute(sql, chunk))
        return codes

    def ids_by_column(self, column: str, values: Sequence[str]) -> list[int]:
        """Stock ids whose ``column`` equals one of ``values``, in the order asked."""
        if column not in {"code", "other_ref", "description", "stock_id"}:
            raise ValueError(column)
        found: dict[str, list[int]] = {}
        for chunk in _chunks(list(values), 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {column}, stock_id FROM items WHERE {column} IN ({marks})"
            for key, stock_id in self.connection().execute(sql, chunk):
                found.setdefault(str(key), []).append(int(stock_id))
        return [i for v in values for i in found.get(str(v), [])]

    def ids_by_barcode(self, barcode: str) -> list[int]:
        rows = self.connection().execute(
            "SELECT stock_id FROM barcodes WHERE barcode = ?", (barcode,)
        )
        return [int(r[0]) for r in rows]

    def touch_items(self, ids: Iterable[int], column: str, moment: datetime) -> None:
        """Stamp the revision or movement date of items, in the row and the record."""
        if column not in {"revised", "moved"}:
            raise ValueError(column)
        with self.write():
            items = self.items_by_ids(list(ids))
            for item in items:
                setattr(item, column, moment)
            self.put_items(items)

    # stock levels ----------------------------------------------------------

    def put_levels(self, rows: Iterable[tuple[int, int, int, int, int, str]]) -> None:
        """Rows of (stock_id, site_id, level, allocated, on_order, due_date)."""
        with self.write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO levels (stock_id, site_id, level, allocated, on_order,"
                " due_date) VALUES (?,?,?,?,?,?)",
                rows,
            )

    def levels_of(self, ids: Sequence[int]) -> dict[tuple[int, int], sqlite3.Row]:
        result: dict[tuple[int, int], sqlite3.Row] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.query(f"SELECT * FROM levels WHERE stock_id IN ({marks})", chunk):
                result[(int(row["stock_id"]), int(row["site_id"]))] = row
        return result

    def level(self, stock_id: int, site_id: int) -> int:
        row = (
            self.connection()
            .execute(
                "SELECT level FROM levels WHERE stock_id = ? AND site_id = ?", (stock_id, site_id)
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def add_level(self, stock_id: int, site_id: int, delta: int) -> int:
        with self.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO levels (stock_id, site_id, level) VALUES (?, ?, 0)",
                (stock_id, site_id),
            )
            db.execute(
                "UPDATE levels SET level = level + ? WHERE stock_id = ? AND site_id = ?",
                (delta, stock_id, site_id),
            )
            return self.level(stock_id, site_id)

    # web categories --------------------------------------------------------

    def put_website(self, website_id: int, name: str) -> None:
        with self.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO websites (website_id, name) VALUES (?, ?)",
                (website_id, name),
            )

    def websites(self) -> list[tuple[int, str]]:
        rows = self.connection().execute("SELECT website_id, name FROM websites")
        return [(int(r[0]), str(r[1])) for r in rows]

    def put_categories(self, categories: Iterable[Category]) -> None:
        rows = [(c.category_id, c.website_id, c.parent_id, to_json(c)) for c in categories]
        with self.write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO categories (category_id, website_id, parent_id, data)"
                " VALUES (?,?,?,?)",
                rows,
            )

    def categories(self, website_id: int) -> list[Category]:
        rows = self.connection().execute(
            "SELECT data FROM categories WHERE website_id = ? ORDER BY category_id",
            (website_id,),
        )
        return [from_json(Category, r[0]) for r in rows]

    def put_category_items(self, rows: Iterable[tuple[int, int, int]]) -> None:
        with self.write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO category_items (category_id, stock_id, sort_order)"
                " VALUES (?,?,?)",
                rows,
            )

    def category_members(self, website_id: int) -> dict[int, list[int]]:
        rows = self.connection().execute(
            "SELECT ci.category_id, ci.stock_id FROM category_items ci"
            " JOIN categories c ON c.category_id = ci.category_id"
            " WHERE c.website_id = ? ORDER BY ci.category_id, ci.sort_order, ci.stock_id",
            (website_id,),
        )
        members: dict[int, list[int]] = {}
        for category_id, stock_id in rows:
            members.setdefault(int(category_id), []).append(int(stock_id))
        return members

    # customers ---------------------------------------------------------------

    def put_customers(self, customers: Iterable[Customer]) -> None:
        rows = [_customer_row(c) for c in customers]
        with self.write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO customers (company_id, code, other_ref, web_user, name,"
                " surname, postcode, company_class, sales_source, updated, data)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )

    def customers_where(self, where: str, params: Sequence[Any] = ()) -> list[Customer]:
        sql = f"SELECT data FROM customers WHERE {where}"
        return [from_json(Customer, r[0]) for r in self.connection().execute(sql, params)]

    def customer(self, company_id: int) -> Customer | None:
        found = self.customers_where("company_id = ?", (company_id,))
        return found[0] if found else None

    def add_deleted_entry(self, header_id: int, additional_ref: str, when: datetime) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO deleted_entries (header_id, document_type, additional_ref,"
                " deleted_at) VALUES (?, 5, ?, ?)",
                (header_id, additional_ref, stamp(when)),
            )

    # price lists -------------------------------------------------------------

    def put_price_lists(self, lists: Iterable[PriceList]) -> None:
        with self.write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO price_lists (name, data) VALUES (?, ?)",
                [(p.name, to_json(p)) for p in lists],
            )

    def price_lists(self) -> list[PriceList]:
        rows = self.connection().execute("SELECT data FROM price_lists ORDER BY name")
        return [from_json(PriceList, r[0]) for r in rows]


def _item_row(item: Item) -> tuple[Any, ...]:
    return (
        item.stock_id,
        item.code,
        item.other_ref,
        item.description,
        item.kind,
        item.parent_id,
        stamp(item.revised),
        stamp(item.launched),
        stamp(item.moved),
        to_json(item),
    )


def _customer_row(customer: Customer) -> tuple[Any, ...]:
    return (
        customer.company_id,
        customer.code,
        customer.other_ref,
        customer.web_user.lower(),
        customer.name,
        customer.surname.lower(),
        normalise_postcode(customer.postcode),
        customer.company_class,
        customer.sales_source,
        stamp(customer.updated),
        to_json(customer),
    )


def normalise_postcode(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def _chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
