"""Deterministic catalogue, customers and price lists from a seed.

``generate(store, variants=N, seed=S)`` fills an empty store with about N
sellable stock items (SCS children, standalone items and packs; SCS parents
come on top) and everything that goes with them. The same seed always gives
the same data. Items are written in batches so 100k variants stay within a
modest amount of memory.

The data deliberately includes what real Khaos exports contain and what a
connector trips over: SCS templates of one to four heading levels, packs,
deleted, discontinued, run-to-zero and non-stock-controlled items, UDAs of
every type (duplicate names on one item, empty LIST values), HTML and
``& < > £`` in text, net and gross prices, zero web prices, three VAT rates,
Windows image paths, customers that must not be imported, and merged ones.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from khaos_sync.simulator import reference
from khaos_sync.simulator.model import (
    Address,
    Category,
    Contact,
    Customer,
    Image,
    Item,
    Link,
    PriceBreak,
    PriceList,
    ScsStyle,
    SupplierRef,
    Uda,
)
from khaos_sync.simulator.store import Store

BATCH_SIZE = 2000
EPOCH = datetime(2024, 1, 1, 9, 0, 0)

BRANDS = ["Acme", "Brightwell", "Cotswold", "Dales", "Evergreen", "Fenwick", "Grange", "Harbour"]
NOUNS = [
    "Jacket",
    "Fleece",
    "Boot",
    "Scarf",
    "Mug",
    "Lantern",
    "Rucksack",
    "Teapot",
    "Throw",
    "Candle",
    "Notebook",
    "Glove",
    "Hat",
    "Cushion",
    "Tent",
    "Flask",
]
ADJECTIVES = [
    "Classic",
    "Heritage",
    "Alpine",
    "Coastal",
    "Urban",
    "Organic",
    "Deluxe",
    "Compact",
    "Woollen",
    "Waxed",
    "Rustic",
    "Nordic",
]
STOCK_TYPES = [
    ["Clothing", "Outerwear", "Jackets", "Waterproof"],
    ["Clothing", "Accessories", "Knitwear", "Scarves"],
    ["Home", "Kitchen", "Tableware", "Mugs"],
    ["Home", "Soft Furnishings", "Cushions", "Wool"],
    ["Outdoor", "Camping", "Tents", "2 Person"],
    ["Stationery", "Paper", "Notebooks", "A5"],
]
HEADINGS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Colour",
        [
            ("Red", "RED"),
            ("Navy", "NVY"),
            ("Forest Green", "FGN"),
            ("Black", "BLK"),
            ("Pink", "PNK"),
            ("Mustard", "MUS"),
        ],
    ),
    ("Size", [("XS", "XS"), ("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"), ("XXL", "2XL")]),
    ("Style", [("Regular", "REG"), ("Slim", "SLM"), ("Relaxed", "RLX")]),
    ("Length", [("Short", "SH"), ("Regular", "RG"), ("Long", "LG")]),
]
UDA_POOL: list[tuple[str, str, Callable[[random.Random], str]]] = [
    ("Material", "TEXT", lambda r: r.choice(["Cotton", "Wool & Cashmere", "Recycled <PET>"])),
    ("Care", "TEXT", lambda r: r.choice(["Hand wash", "Machine wash 30°", "Wipe clean"])),
    (
        "Date Published",
        "DATE",
        lambda r: f"20{r.randint(10, 24)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}",
    ),
    ("Vegan", "YES/NO", lambda r: r.choice(["-1", "0"])),
    ("Gift Wrap", "YES/NO", lambda r: r.choice(["-1", "0"])),
    ("Warranty Years", "NUMBER", lambda r: str(r.randint(1, 5))),
    (
        "Features",
        "LIST",
        lambda r: r.choice(['"Waterproof","Breathable"', '"Dishwasher safe"', ""]),
    ),
    ("Season", "CHOICE", lambda r: r.choice(["Spring", "Summer", "Autumn", "Winter"])),
]
FORENAMES = [
    "Alice",
    "Ben",
    "Chloe",
    "David",
    "Emma",
    "Farid",
    "Grace",
    "Hamish",
    "Isla",
    "Jack",
    "Katie",
    "Liam",
    "Mia",
    "Noah",
    "Olivia",
    "Priya",
    "Rhys",
    "Siobhan",
    "Tom",
    "Zara",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Patel",
    "Khan",
    "O'Brien",
    "Davies",
    "Hughes",
    "Murphy",
    "Clarke",
    "Walker",
    "Wright",
]
TOWNS = [
    ("Grantham", "Lincolnshire", "NG31"),
    ("York", "North Yorkshire", "YO1"),
    ("Bath", "Somerset", "BA1"),
    ("Leeds", "West Yorkshire", "LS1"),
    ("Truro", "Cornwall", "TR1"),
    ("Inverness", "Highland", "IV1"),
    ("Cardiff", "South Glamorgan", "CF10"),
    ("Norwich", "Norfolk", "NR1"),
]
STREETS = ["High Street", "Station Road", "Church Lane", "Mill Road", "The Green", "Park Avenue"]


@dataclass
class GenerationResult:
    items: int = 0
    variants: int = 0
    customers: int = 0
    categories: int = 0
    elapsed_seconds: float = 0.0


@dataclass
class _State:
    rng: random.Random
    next_id: int = 1001
    standalone_ids: list[int] = field(default_factory=list)
    all_ids: list[int] = field(default_factory=list)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


def generate(
    store: Store,
    variants: int,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    *,
    reused_codes: int = 0,
) -> GenerationResult:
    """Fill ``store`` (which should be empty) with a catalogue of about ``variants`` items.

    ``reused_codes``: that many codes are carried by a second item too (see
    :func:`reuse_codes`), as in real Khaos data.
    """
    import time

    started = time.perf_counter()
    state = _State(rng=random.Random(seed))
    result = GenerationResult()
    store.put_sites(reference.SITES)
    batch: list[Item] = []
    for item in _items(state, variants):
        batch.append(item)
        result.items += 1
        if item.kind != "scs_parent":
            result.variants += 1
        if len(batch) >= BATCH_SIZE:
            _flush(store, state, batch)
            if progress:
                progress(len(batch))
            batch = []
    _flush(store, state, batch)
    if progress and batch:
        progress(len(batch))
    if reused_codes:
        result.items += reuse_codes(store, reused_codes, seed)
    result.categories = _generate_categories(store, state)
    result.customers = generate_customers(store, state.rng, max(30, min(variants // 5, 5000)))
    generate_price_lists(store, state.rng, state.standalone_ids)
    store.set_meta("catalogue.seed", str(seed))
    store.set_meta("catalogue.variants", str(result.variants))
    result.elapsed_seconds = time.perf_counter() - started
    return result


def _flush(store: Store, state: _State, batch: list[Item]) -> None:
    if not batch:
        return
    store.put_items(batch)
    store.put_levels(row for item in batch for row in generate_levels(state.rng, item))


# items -----------------------------------------------------------------------


def _items(state: _State, variants: int) -> Iterator[Item]:
    made = 0
    while made < variants:
        roll = state.rng.random()
        if roll < 0.1 and len(state.standalone_ids) >= 5:
            yield _pack(state)
            made += 1
        elif roll < 0.55:
            for item in _scs_family(state, variants - made):
                made += item.kind == "scs_child"
                yield item
        else:
            item = _standalone(state)
            made += 1
            yield item


def _base_item(state: _State, kind: str) -> Item:
    rng = state.rng
    stock_id = state.new_id()
    brand = rng.choice(BRANDS)
    name = f"{brand} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    vat = rng.choices([Decimal("20"), Decimal("5"), Decimal("0")], [85, 7, 8])[0]
    sell = Decimal(rng.randint(199, 19999)) / 100
    item = Item(
        stock_id=stock_id,
        code=f"{brand[:3].upper()}{stock_id:06d}",
        description=name,
        kind=kind,  # type: ignore[arg-type]
        other_ref=f"OR-{stock_id}" if rng.random() < 0.7 else "",
        long_desc=_long_desc(rng, name),
        web_teaser=f"{name} – £{sell} of pure joy & more",
        buy_price=(sell * Decimal("0.45")).quantize(Decimal("0.01")),
        sell_price=sell,
        sell_price_web=(sell * Decimal("0.9")).quantize(Decimal("0.01"))
        if rng.random() < 0.3
        else Decimal("0"),
        is_net=rng.random() < 0.8,
        vat_rate=vat,
        stock_types=list(rng.choice(STOCK_TYPES)),
        manufacturer=rng.choice(reference.MANUFACTURERS),
        weight=str(Decimal(rng.randint(50, 5000)) / 1000),
        height=str(rng.randint(1, 80)),
        width=str(rng.randint(1, 60)),
        depth=str(rng.randint(1, 40)),
        web=rng.random() > 0.03,
        discontinued=rng.random() < 0.03,
        run_to_zero=rng.random() < 0.1,
        drop_ship=rng.random() < 0.02,
        discounts_disabled=rng.random() < 0.05,
        sales_multiple=rng.choice([0] * 9 + [2]),
        max_display_qty=rng.choice([0] * 4 + [10]),
        availability=rng.choice(
            ["", "Usually dispatched in 3-5 days", "Back soon & worth the wait"]
        ),
        meta_title=f"{name} | Web Store",
        meta_description=f"Buy the {name} online.",
        meta_keywords=", ".join(name.lower().split()),
        lead_time_days=rng.choice([0, 3, 7, 14]),
        min_level=rng.randint(0, 5),
        safe_level=rng.randint(5, 20),
        launched=EPOCH + timedelta(days=rng.randint(0, 600), seconds=rng.randint(0, 86399)),
        udas=_udas(rng),
        options={"Specialist Range": rng.random() < 0.2, "Gift Idea": rng.random() < 0.3},
        barcodes=[("EAN", _ean13(rng))] if rng.random() < 0.8 else [],
        images=_images(rng, brand, stock_id),
        supplier_refs=[
            SupplierRef(
                f"SUP{rng.randint(1000, 9999)}",
                "Northern Wholesale Ltd",
                "SU001",
                True,
                str(sell * Decimal("0.4")),
            )
        ],
    )
    item.revised = item.launched + timedelta(days=rng.randint(0, 30))
    item.moved = item.revised
    if item.images:
        item.image_filename = item.images[0].file_name if rng.random() < 0.2 else "?"
    if rng.random() < 0.05:
        item.extra = {"PURCHASE_MULTIPLE": "1", "COUNTRY_OF_MANUFACTURE": "GB", "ICN_CODE": "6201"}
    return item


def _standalone(state: _State) -> Item:
    item = _base_item(state, "standalone")
    if state.rng.random() < 0.05:
        item.stock_controlled = False
        item.run_to_zero = False
    _add_links(state, item)
    state.standalone_ids.append(item.stock_id)
    state.all_ids.append(item.stock_id)
    return item


# reused codes ----------------------------------------------------------------


def reuse_codes(store: Store, count: int, seed: int = 0) -> int:
    """Give ``count`` existing codes to a second, newer item; returns items added.

    Real Khaos data does this when an item is recreated, or a deleted item keeps
    its code: in turn, both items stay live; the newer one is deleted (a deleted
    holder); the older one is deleted (the code's new item is live).
    """
    rng = random.Random(seed + 7919)
    rows = store.connection().execute(
        "SELECT stock_id FROM items WHERE kind = 'standalone' ORDER BY stock_id"
    )
    candidates = [int(r[0]) for r in rows]
    chosen = store.items_by_ids(rng.sample(candidates, min(count, len(candidates))))
    next_id = int(store.connection().execute("SELECT MAX(stock_id) FROM items").fetchone()[0])
    added, older = [], []
    for n, item in enumerate(chosen):
        next_id += 1
        twin = dataclasses.replace(
            item,
            stock_id=next_id,
            description=f"{item.description} (recreated)",
            other_ref="",
            links=[],
            revised=item.revised + timedelta(days=rng.randint(1, 90)),
        )
        if n % 3 == 1:
            twin.web = False  # the newer item is deleted: the older one keeps the code
        elif n % 3 == 2:
            item.web = False  # the older item is deleted
            older.append(item)
        added.append(twin)
    store.put_items([*added, *older])
    store.put_levels(row for item in added for row in generate_levels(rng, item))
    return len(added)


def swap_codes(store: Store, pairs: int, seed: int = 0) -> list[tuple[str, str]]:
    """Swap the codes of ``pairs`` pairs of standalone items, revised now."""
    rng = random.Random(seed + 104729)
    rows = store.connection().execute(
        "SELECT stock_id FROM items WHERE kind = 'standalone' ORDER BY stock_id"
    )
    ids = rng.sample([int(r[0]) for r in rows], pairs * 2)
    items = store.items_by_ids(ids)
    now = store.now()
    swapped = []
    for first, second in zip(items[::2], items[1::2], strict=True):
        first.code, second.code = second.code, first.code
        first.revised = second.revised = now
        swapped.append((first.code, second.code))
    store.put_items(items)
    return swapped


def _pack(state: _State) -> Item:
    rng = state.rng
    item = _base_item(state, "pack")
    item.description = f"{item.description} Gift Set"
    item.stock_controlled = False
    item.run_to_zero = False
    count = rng.randint(2, 5)
    children = rng.sample(state.standalone_ids[-200:], min(count, len(state.standalone_ids[-200:])))
    item.links = [Link(child, 3, str(rng.choice([1, 1, 2, 3]))) for child in children]
    state.all_ids.append(item.stock_id)
    return item


def _scs_family(state: _State, room: int) -> list[Item]:
    rng = state.rng
    parent = _base_item(state, "scs_parent")
    parent.stock_controlled = False
    levels = rng.choices([1, 2, 3, 4], [40, 40, 15, 5])[0]
    axes = [HEADINGS[i] for i in sorted(rng.sample(range(4), levels))]
    values = [
        rng.sample(options, rng.randint(2, min(len(options), 3 if levels > 1 else 5)))
        for _name, options in axes
    ]
    parent.scs_headings = [name for name, _options in axes]
    parent.barcodes = []
    _add_links(state, parent)
    family = [parent]
    for path in _combinations(values):
        if len(family) > max(room, 1):
            break
        family.append(_scs_child(state, parent, [ScsStyle(d, s) for d, s in path]))
    state.all_ids.append(parent.stock_id)
    return family


def _scs_child(state: _State, parent: Item, path: list[ScsStyle]) -> Item:
    rng = state.rng
    stock_id = state.new_id()
    uplift = Decimal(rng.choice([0, 0, 0, 200])) / 100
    child = Item(
        stock_id=stock_id,
        code="-".join([parent.code, *(style.suffix for style in path)]),
        description=" / ".join([parent.description, *(style.description for style in path)]),
        kind="scs_child",
        other_ref=f"OR-{stock_id}" if parent.other_ref else "",
        buy_price=parent.buy_price,
        sell_price=parent.sell_price + uplift,
        sell_price_web=parent.sell_price_web + uplift if parent.sell_price_web else Decimal("0"),
        is_net=parent.is_net,
        vat_rate=parent.vat_rate,
        stock_types=parent.stock_types,
        weight=parent.weight,
        web=parent.web and rng.random() > 0.02,
        discontinued=parent.discontinued or rng.random() < 0.03,
        run_to_zero=parent.run_to_zero,
        lead_time_days=parent.lead_time_days,
        min_level=parent.min_level,
        safe_level=parent.safe_level,
        launched=parent.launched,
        revised=parent.revised,
        moved=parent.moved,
        udas=[Uda("Colour Family", "TEXT", path[0].description)] if rng.random() < 0.5 else [],
        barcodes=[("EAN", _ean13(rng))],
        images=[Image("Main", f"P:\\Images\\{parent.code}\\{path[0].suffix.lower()} 1.jpg")]
        if rng.random() < 0.5
        else [],
        parent_id=parent.stock_id,
        scs_path=path,
    )
    return child


def _combinations(values: list[list[tuple[str, str]]]) -> Iterator[list[tuple[str, str]]]:
    if not values:
        yield []
        return
    for head in values[0]:
        for rest in _combinations(values[1:]):
            yield [head, *rest]


def _add_links(state: _State, item: Item) -> None:
    rng = state.rng
    if not state.all_ids or rng.random() > 0.3:
        return
    for link_type in rng.sample([1, 2, 4], rng.randint(1, 2)):
        target = rng.choice(state.all_ids[-500:])
        value = str(item.sell_price * Decimal("0.9")) if link_type == 1 else ""
        item.links.append(Link(target, link_type, value, auto_add=rng.random() < 0.1))


def _udas(rng: random.Random) -> list[Uda]:
    chosen = rng.sample(UDA_POOL, rng.randint(1, 4))
    udas = []
    for name, uda_type, value in chosen:
        uda = Uda(name, uda_type, value(rng))  # type: ignore[arg-type]
        if uda_type == "CHOICE" and rng.random() < 0.5:
            uda.index = str(rng.randint(0, 3))
        udas.append(uda)
    if rng.random() < 0.1:
        # Real systems hold the same UDA twice on one item (e.g. two "Material" rows).
        udas.append(Uda(udas[0].name, udas[0].type, udas[0].value + " (alt)"))
    return udas


def _long_desc(rng: random.Random, name: str) -> str:
    return (
        f"<p>The <strong>{name}</strong> is made for wet & windy days.</p>"
        f"<ul><li>Price under £{rng.randint(20, 300)}</li><li>Rated 5 > 4 < 6</li></ul>"
    )


def _images(rng: random.Random, brand: str, stock_id: int) -> list[Image]:
    count = rng.choice([0, 1, 1, 2, 3])
    names = ["Main", "Alternate", "Detail"]
    return [
        Image(
            names[i],
            f"P:\\Images\\{brand}\\{stock_id} {i + 1}.jpg",
            f"{brand} view {i + 1}",
            "Main" if i == 0 else "Alternate",
        )
        for i in range(count)
    ]


def _ean13(rng: random.Random) -> str:
    digits = [5, 0] + [rng.randint(0, 9) for _ in range(10)]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def generate_levels(rng: random.Random, item: Item) -> list[tuple[int, int, int, int, int, str]]:
    if item.kind in {"scs_parent", "pack"} or not item.stock_controlled:
        return []
    rows = []
    for site_id, _name in reference.SITES:
        level = {
            1: rng.choice([0, 0, 3, 10, 50, 200]),
            2: rng.choice([0, 1, 5]),
            3: rng.choice([0, 0, 1]),
        }[site_id]
        on_order = rng.choice([0, 0, 0, 24]) if site_id == 1 else 0
        due = (
            (EPOCH + timedelta(days=700 + rng.randint(0, 30))).date().isoformat()
            if on_order
            else ""
        )
        allocated = rng.choice([0, 0, 1]) if level == 0 else 0
        rows.append((item.stock_id, site_id, level, allocated, on_order, due))
    return rows


# web categories --------------------------------------------------------------


def _generate_categories(store: Store, state: _State) -> int:
    rng = state.rng
    store.put_website(reference.WEBSITE_ID, reference.WEBSITE_NAME)
    top = [*sorted({types[0] for types in STOCK_TYPES}), "Gifts", "Sale & Clearance"]
    categories: list[Category] = []
    next_id = 7001
    for position, name in enumerate(top):
        parent = Category(
            next_id,
            reference.WEBSITE_ID,
            name,
            None,
            name,
            f"<p>All {name}</p>",
            f"K:\\Images\\Categories\\{name}.jpg",
            position,
        )
        categories.append(parent)
        next_id += 1
        for sub in range(rng.randint(1, 3)):
            categories.append(
                Category(
                    next_id,
                    reference.WEBSITE_ID,
                    f"{name} {sub + 1}",
                    parent.category_id,
                    sort_order=sub,
                )
            )
            next_id += 1
    categories.append(Category(next_id, reference.WEBSITE_ID, "Old Range", None, deleted=True))
    store.put_categories(categories)
    leaves = [c.category_id for c in categories if c.parent_id is not None]
    members = []
    for stock_id in state.all_ids:
        if rng.random() < 0.1:
            continue  # some items are in no category at all
        for position, category_id in enumerate(rng.sample(leaves, rng.randint(1, 2))):
            members.append((category_id, stock_id, position))
    store.put_category_items(members)
    return len(categories)


# customers -------------------------------------------------------------------


def generate_customers(store: Store, rng: random.Random, count: int) -> int:
    customers = []
    emails: list[str] = []
    for number in range(count):
        customer = _customer(rng, 100001 + number, emails)
        customers.append(customer)
    _special_customers(customers)
    store.put_customers(customers)
    # A few records were merged into others by a person de-duplicating.
    for merged in customers[-3:]:
        store.add_deleted_entry(
            merged.company_id + 500000, str(merged.company_id), EPOCH + timedelta(days=400)
        )
    store.add_deleted_entry(999999, "", EPOCH + timedelta(days=410))
    store.set_meta("counter.customer", str(100001 + count))
    return count


def _special_customers(customers: list[Customer]) -> None:
    """Make sure even a small data set holds every record a shop must not import as is."""
    if len(customers) < 10:
        return
    customers[1].supplier, customers[1].company_class = True, reference.SUPPLIER_CLASSES[0]
    customers[2].hidden = True
    for customer, status in zip(customers[3:6], (6, 7, 8), strict=True):
        customer.mailing_status = status
    customers[6].addresses[0].email = ""
    customers[6].addresses[0].contacts[0].email = ""
    for customer in (customers[0], customers[7]):
        customer.addresses[0].email = customer.addresses[0].contacts[0].email = "family@example.com"


def _customer(rng: random.Random, number: int, emails: list[str]) -> Customer:
    forename, surname = rng.choice(FORENAMES), rng.choice(SURNAMES)
    town, county, area = rng.choice(TOWNS)
    email = f"{forename.lower()}.{surname.lower().replace(chr(39), '')}{number % 97}@example.com"
    if emails and rng.random() < 0.03:
        email = rng.choice(emails)  # shared family mailbox: duplicate e-mail
    elif rng.random() < 0.05:
        email = ""
    emails.append(email)
    contact = Contact(
        rng.choice(["Mr", "Mrs", "Ms", "Dr"]),
        forename,
        surname,
        email,
        f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
    )
    address = Address(
        f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
        "",
        "",
        town,
        county,
        f"{area} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
        "GB",
        "",
        email,
        contact.tel,
        1,
        True,
        [contact],
    )
    supplier = rng.random() < 0.03
    created = EPOCH + timedelta(days=rng.randint(0, 600))
    return Customer(
        company_id=number,
        code=f"CU{number}",
        name=f"{forename} {surname}" if not supplier else f"{surname} Supplies Ltd",
        other_ref=str(number * 7) if rng.random() < 0.6 else "",
        web_user=email if email and rng.random() < 0.7 else "",
        web_password="secret" if rng.random() < 0.3 else "",
        company_class=rng.choice(reference.SUPPLIER_CLASSES)
        if supplier
        else rng.choice(reference.COMPANY_CLASSES),
        supplier=supplier,
        hidden=rng.random() < 0.02,
        mailing_status=rng.choices([1, 2, 3, 4, 5, 6, 7, 8], [20, 10, 40, 5, 5, 8, 6, 6])[0],
        price_lists=["Web Prices"] if rng.random() < 0.2 else [],
        created=created,
        updated=created + timedelta(days=rng.randint(0, 60)),
        addresses=[address],
    )


# price lists -------------------------------------------------------------------


def generate_price_lists(store: Store, rng: random.Random, candidate_ids: list[int]) -> None:
    sample_ids = rng.sample(candidate_ids, min(40, len(candidate_ids)))
    items = store.items_by_ids(sample_ids)
    web = PriceList("Web Prices", is_net=False, company_class="Internet")
    trade = PriceList("Trade", company_class="Trade")
    vip = PriceList("Retailers", company_code="CU100001")
    for item in items:
        web.breaks.append(
            PriceBreak(item.code, (item.sell_price * Decimal("0.95")).quantize(Decimal("0.01")))
        )
        trade.breaks.append(PriceBreak(item.code, item.sell_price * Decimal("0.7"), 1, 9))
        trade.breaks.append(PriceBreak(item.code, item.sell_price * Decimal("0.6"), 10, 9999))
        vip.breaks.append(PriceBreak(item.code, item.sell_price, discount=Decimal("10")))
    store.put_price_lists([web, trade, vip])
