"""A small clothing catalogue for storefront tests, built with Oscar's own factories.

"Fleece" has variants in Khaos's heading order Colour, then Size:

    Navy  S M L(sold out)     £30.00
    Pink    M L               £32.00

There is no Pink S, Navy L is sold out, and the variants carry SKUs and
barcodes but no text of their own: they inherit the parent's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oscar.core.loading import get_model
from oscar.test import factories

ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")

VARIANTS = [
    # colour, size, sku, barcode, price, level
    ("Navy", "S", "FLC-NVY-S", "5012345000011", "30.00", 8),
    ("Navy", "M", "FLC-NVY-M", "5012345000028", "30.00", 3),
    ("Navy", "L", "FLC-NVY-L", "5012345000035", "30.00", 0),
    ("Pink", "M", "FLC-PNK-M", "5012345000042", "32.00", 12),
    ("Pink", "L", "FLC-PNK-L", "5012345000059", "32.00", 9),
]


@dataclass
class Fleece:
    parent: Any
    children: dict[tuple[str, str], Any]
    category: Any

    def child(self, colour: str, size: str) -> Any:
        return self.children[(colour, size)]


def make_fleece(*, headings: tuple[str, str] = ("Colour", "Size")) -> Fleece:
    product_class = factories.ProductClassFactory(name="Clothing", track_stock=True)
    attributes = [
        factories.ProductAttributeFactory(
            product_class=product_class, name=name, code=name.lower(), type="text"
        )
        for name in headings
    ]
    category = factories.CategoryFactory(name="Knitwear & Fleeces", slug="knitwear")
    parent = factories.ProductFactory(
        title="Fleece",
        structure="parent",
        product_class=product_class,
        upc="FLEECE",
        description="<p>Warm, soft and made to last.</p>",
        summary="Our warmest layer",
        stockrecords=[],
        categories=[],
    )
    factories.ProductCategoryFactory(product=parent, category=category)
    partner = factories.PartnerFactory(name="Warehouse")
    children = {}
    for colour, size, sku, barcode, price, level in VARIANTS:
        child = factories.ProductFactory(
            title=f"Fleece / {colour} / {size}",
            structure="child",
            parent=parent,
            product_class=None,
            upc=sku,
            barcodes=barcode,
            description="",
            stockrecords=[],
            categories=[],
        )
        factories.StockRecordFactory(
            product=child,
            partner=partner,
            partner_sku=sku,
            price=Decimal(price),
            num_in_stock=level,
        )
        # Values are written in heading order, as the catalogue sync does.
        for attribute, value in zip(attributes, (colour, size), strict=True):
            ProductAttributeValue.objects.create(
                product=child, attribute=attribute, value_text=value
            )
        children[(colour, size)] = child
    return Fleece(parent, children, category)
