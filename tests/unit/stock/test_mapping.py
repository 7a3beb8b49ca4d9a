"""Stock status entries and pack components → what the shop holds (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from khaos_sync.mappers.stock import (
    ComponentStock,
    Site,
    StockMappingError,
    bundle_stock,
    group_by_item,
    map_item_stock,
)
from khaos_sync.protocol.documents.stock_status import parse_stock_status

SITES = [Site(1, "Warehouse"), Site(2, "Shop"), Site(3, "Returns")]


def entry(code: str, level: str, status: int, *, site: str = "", lead: str = "") -> str:
    site_attr = f' SITE="{site}"' if site else ""
    return (
        f'<STOCK_ITEM CODE="{code}" ID="{code}-id"{site_attr}><LEVEL>{level}</LEVEL>'
        f"<STATUS>{status}</STATUS><LEAD_TIME>{lead}</LEAD_TIME></STOCK_ITEM>"
    )


def document(*entries: str, site: str = "All Sites") -> bytes:
    return f'<STOCK_STATUS SITE="{site}">{"".join(entries)}</STOCK_STATUS>'.encode()


def items(data: bytes, chosen: list[int]):
    groups = group_by_item(parse_stock_status(data))
    return [map_item_stock(g, SITES, chosen, 1) for g in groups.values()]


def test_all_sites_export_without_site_names_follows_the_site_list_order():
    data = document(entry("A", "9", 0), entry("A", "4.5", 0), entry("A", "30", 0))

    (item,) = items(data, [1, 2])

    assert item.site_levels == ((1, 9), (2, 4))  # whole units, never more than there is
    assert item.level == 13


def test_entries_that_name_their_site_are_taken_at_their_word():
    data = document(entry("A", "30", 0, site="Returns"), entry("A", "2", 0, site="Warehouse"))

    (item,) = items(data, [1, 3])

    assert dict(item.site_levels) == {1: 2, 3: 30}


def test_a_single_site_document_is_the_default_site():
    (item,) = items(document(entry("A", "5", 0), site="Main Site"), [1])

    assert item.level == 5


def test_status_is_the_best_chosen_site_and_discontinued_wins():
    due = document(
        entry("A", "0", 2, lead="2026-12-01"),
        entry("A", "0", 3, lead="2026-12-24"),
        entry("A", "8", 0),
        entry("B", "3", 0),
        entry("B", "0", 4),
        entry("B", "0", 4),
    )

    a, b = items(due, [1, 2])

    assert (a.status, a.due_date) == (2, date(2026, 12, 1))
    assert b.status == 4


def test_entries_that_match_no_site_are_an_error():
    data = document(entry("A", "1", 0), entry("A", "1", 0))

    with pytest.raises(StockMappingError):
        items(data, [1])


def test_fingerprint_changes_with_level_status_or_date():
    a = items(document(entry("A", "1", 0)), [1])[0]
    b = items(document(entry("A", "2", 0)), [1])[0]
    c = items(document(entry("A", "1", 1)), [1])[0]

    assert len({a.fingerprint, b.fingerprint, c.fingerprint}) == 3


def stock(level: int, status: int = 0, run_to_zero: bool = False) -> ComponentStock:
    return ComponentStock(level=level, status=status, run_to_zero=run_to_zero)


def test_pack_quantity_is_the_fewest_packs_any_component_makes():
    pack = bundle_stock([(Decimal(2), stock(9)), (Decimal(1), stock(7)), (Decimal(3), stock(30))])

    assert pack.quantity == 4 and pack.status == 0


def test_untracked_components_do_not_limit_a_pack_and_missing_ones_empty_it():
    assert bundle_stock([(Decimal(1), stock(0, status=5)), (Decimal(2), stock(6))]).quantity == 3
    assert bundle_stock([(Decimal(1), stock(0, status=5))]).quantity is None
    assert bundle_stock([(Decimal(1), None), (Decimal(1), stock(6))]).quantity == 0


def test_a_run_to_zero_or_discontinued_component_carries_over_to_the_pack():
    pack = bundle_stock([(Decimal(1), stock(5, run_to_zero=True)), (Decimal(1), stock(-3))])
    gone = bundle_stock([(Decimal(1), stock(5, status=4))])

    assert (pack.quantity, pack.run_to_zero) == (0, True)
    assert gone.discontinued and gone.status == 4
