"""Categories of changed items between reads of the web category tree: what the shop recorded."""

from khaos_sync.store.categories import BoundItems
from khaos_sync.sync.catalogue.tree import KnownMemberships


def known() -> KnownMemberships:
    bound = BoundItems(
        codes={"A1", "P1"},
        categories={"7": ("11", "20"), "8": ("Books > Fantasy",), "9": ("11",)},
        variants={"91", "92"},
    )
    return KnownMemberships(bound, web_ids={"10", "11", "20"})


def test_a_bound_item_keeps_its_recorded_categories_and_a_variant_adds_none():
    members = known()
    assert members.of("7", "A1") == ("11", "20")
    assert members.of("9", "P1") == ("11",) and members.of("91", "P1-RED") == ()
    assert not members.unknown


def test_a_stock_type_path_is_no_membership():
    members = known()
    assert members.of("8", "B2") == ()  # the mapping derives the path again from the item
    assert not members.unknown


def test_an_item_the_shop_does_not_know_has_no_categories_and_asks_for_the_tree():
    members = known()
    assert members.of("99", "A1") == ()  # a code now carried by another item
    assert members.unknown
