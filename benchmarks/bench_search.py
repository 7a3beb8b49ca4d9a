"""Search latency: the Whoosh index against the PostgreSQL index on a generated catalogue.

Builds N standalone products (default 10,000) with titles, descriptions, SKUs and
barcodes from a seeded generator, indexes them with each backend, then runs the
storefront's search for a set of query kinds as Oscar's view does (the shop's base
query, ``auto_query``, the hit count and the first page of 20) and reports
p50 / p95 / mean milliseconds per kind, plus the time each backend takes to write
the documents.

The documents are built here, in the shape Oscar's ProductIndex prepares (its
text as the index template writes it), and handed to both backends: preparing
them through the index costs about a dozen queries a product, the same for every
backend, and is not what is measured.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<fresh db> \\
       python benchmarks/bench_search.py [--products 10000] [--repeat 30]
(the PostgreSQL backend needs PostgreSQL; the tables of that database are migrated
and filled). Reports numbers only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WORDS = (
    "cotton wool linen fleece jacket shirt trousers jumper scarf gloves hat socks boots "
    "waterproof lightweight warm soft breathable classic slim relaxed striped plain knitted "
    "quilted padded hooded organic recycled merino cashmere denim canvas leather"
).split()
COLOURS = "navy black white grey red green blue pink mustard olive".split()


def queries(count: int) -> dict[str, str]:
    """One query of each kind; the codes are those of the product half way through."""
    n = count // 2
    sku = product_rows(n + 1)[n]["sku"]
    return {
        "common word": "shirt",
        "two words": "warm jacket",
        "rare word": "cashmere scarf striped",
        "colour": "mustard",
        "SKU, whole": sku,
        "SKU, prefix": sku[:9],  # "SKU-00500": ten products
        "barcode": f"5012345{n:06d}",
        "phrase": '"slim denim"',
        "no match": "zebra",
        "browse, price": "",  # the catalogue page: every product, cheapest first
    }


def product_rows(count: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    rows = []
    for n in range(count):
        colour = COLOURS[n % len(COLOURS)]
        title = " ".join(rng.sample(WORDS, 3)).capitalize()
        rows.append(
            {
                "title": f"{title} {colour}",
                "description": " ".join(rng.choices(WORDS, k=25)),
                "sku": f"SKU-{n:06d}-{colour[:2].upper()}",
                "barcode": f"5012345{n:06d}",
                "price": f"{5 + rng.random() * 95:.2f}",
            }
        )
    return rows


def make_catalogue(count: int) -> None:
    from decimal import Decimal

    from django.utils.text import slugify
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")
    product_class = ProductClass.objects.create(name="Clothing", track_stock=True)
    partner = Partner.objects.create(name="Warehouse")
    rows = product_rows(count)
    products = Product.objects.bulk_create(
        [
            Product(
                title=row["title"],
                slug=slugify(row["title"])[:100] or "product",
                description=row["description"],
                upc=row["sku"],
                barcodes=row["barcode"],
                structure="standalone",
                product_class=product_class,
                is_public=True,
            )
            for row in rows
        ],
        batch_size=1000,
    )
    StockRecord.objects.bulk_create(
        [
            StockRecord(
                product=product,
                partner=partner,
                partner_sku=row["sku"],
                price=Decimal(row["price"]),
                num_in_stock=10,
            )
            for product, row in zip(products, rows, strict=True)
        ],
        batch_size=1000,
    )


def use_backend(name: str) -> None:
    import haystack
    from django.conf import settings

    from khaos_sync.shop.settings import haystack_connections

    conf = haystack_connections(name, "", settings.DATA_DIR)
    conf["default"]["SILENTLY_FAIL"] = False  # type: ignore[assignment]
    settings.HAYSTACK_CONNECTIONS = conf
    haystack.connections.connections_info = conf
    haystack.connections.reload("default")


def prepared_documents(count: int) -> dict[int, dict[str, Any]]:
    """Each product's document as Oscar's ProductIndex would prepare it."""
    from django.utils import timezone
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    now = timezone.now()
    rows = product_rows(count)
    docs = {}
    pks = Product.objects.order_by("pk").values_list("pk", flat=True)
    for pk, row in zip(pks, rows, strict=True):
        text = f"{row['sku']}\n{row['title']}\n\n{row['description']}\n{row['barcode']}\n\n{row['sku']} \n"
        docs[pk] = {
            "id": f"catalogue.product.{pk}",
            "django_ct": "catalogue.product",
            "django_id": str(pk),
            "text": text,
            "upc": row["sku"],
            "title": row["title"],
            "title_exact": row["title"],
            "product_class": "Clothing",
            "category": [],
            "price": float(row["price"]),
            "num_in_stock": 10,
            "suggestions": row["title"],
            "date_created": now,
            "date_updated": now,
            "is_public": True,
            "structure": "standalone",
        }
    return docs


def index_everything(docs: dict[int, dict[str, Any]]) -> float:
    from haystack import connections
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    index = connections["default"].get_unified_index().get_index(Product)
    backend = connections["default"].get_backend()
    products = list(Product.objects.only("pk").order_by("pk"))
    index.full_prepare = lambda obj: dict(docs[obj.pk])
    started = time.perf_counter()
    backend.clear()
    for start in range(0, len(products), 1000):
        backend.update(index, products[start : start + 1000])
    return time.perf_counter() - started


def search_once(query: str) -> tuple[float, int]:
    from oscar.apps.search.facets import base_sqs

    started = time.perf_counter()
    sqs = base_sqs().auto_query(query) if query else base_sqs().order_by("price")
    hits = sqs.count()
    page = list(sqs[0:20])
    elapsed = time.perf_counter() - started
    assert len(page) == min(hits, 20)
    return elapsed * 1000, hits


def measure(kinds: dict[str, str], repeat: int) -> dict[str, dict[str, float]]:
    report = {}
    for kind, query in kinds.items():
        search_once(query)  # warm: caches, the index opened
        times, hits = [], 0
        for _ in range(repeat):
            elapsed, hits = search_once(query)
            times.append(elapsed)
        times.sort()
        report[kind] = {
            "hits": hits,
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "mean_ms": round(statistics.fmean(times), 2),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_search: set DATABASE_URL=postgres://… (a fresh database)")
    workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    os.environ["KHAOS_SYNC_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "khaos_sync.shop.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    make_catalogue(args.products)
    print(f"catalogue: {args.products} products in {time.perf_counter() - started:.1f} s")
    docs = prepared_documents(args.products)
    kinds = queries(args.products)
    results = {}
    for backend in ("whoosh", "postgres"):
        use_backend(backend)
        seconds = index_everything(docs)
        print(f"{backend}: indexed in {seconds:.1f} s")
        results[backend] = {
            "index_seconds": round(seconds, 1),
            "queries": measure(kinds, args.repeat),
        }
    print(f"{'query':<14} {'hits':>6} " + " ".join(f"{b + ' p50/p95 ms':>22}" for b in results))
    for kind in kinds:
        cells = []
        for backend in results:
            row = results[backend]["queries"][kind]
            cells.append(f"{row['p50_ms']:>10.2f} / {row['p95_ms']:>8.2f}")
        hits = "/".join(str(results[b]["queries"][kind]["hits"]) for b in results)
        print(f"{kind:<14} {hits:>6} " + " ".join(f"{c:>22}" for c in cells))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
