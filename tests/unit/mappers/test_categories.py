from khaos_sync.mappers.categories import category_specs, memberships, tree_digest
from khaos_sync.protocol.documents.web_categories import parse_web_categories

TREE = """<WEBSITE NAME="Web Store" ID="1">
<CATEGORY ID="10" NAME="Books">
  <CATEGORY ID="11" NAME="Fantasy"><STOCK_ITEM><STOCK_ID>7</STOCK_ID><STOCK_CODE>A1</STOCK_CODE></STOCK_ITEM></CATEGORY>
  <CATEGORY ID="12" NAME="Old" DELETE="-1"><CATEGORY ID="13" NAME="Older"/>
    <STOCK_ITEM><STOCK_ID>7</STOCK_ID></STOCK_ITEM></CATEGORY>
</CATEGORY>
<CATEGORY ID="20" NAME="Gifts"><ITEM>A1</ITEM><ITEM>B2</ITEM></CATEGORY>
</WEBSITE>"""


def test_parents_come_first_and_deleted_subtrees_are_dropped():
    specs = category_specs(parse_web_categories(TREE))
    assert [(s.khaos_id, s.parent_khaos_id) for s in specs] == [
        ("10", None),
        ("11", "10"),
        ("20", None),
    ]


def test_an_item_can_be_in_several_categories_by_id_or_code():
    members = memberships(parse_web_categories(TREE))
    assert members.of("7", "A1") == ("11", "20")
    assert members.of(None, "B2") == ("20",)
    assert members.of("99", "ZZ") == ()


def digest_of(document: str) -> str:
    tree = parse_web_categories(document)
    return tree_digest(category_specs(tree), memberships(tree))


def test_the_tree_digest_ignores_the_order_items_are_listed_in():
    reordered = TREE.replace("<ITEM>A1</ITEM><ITEM>B2</ITEM>", "<ITEM>B2</ITEM><ITEM>A1</ITEM>")
    assert reordered != TREE
    assert digest_of(reordered) == digest_of(TREE)


def test_the_tree_digest_changes_with_a_membership_a_name_or_a_deleted_subtree():
    moved = TREE.replace("<ITEM>B2</ITEM>", "<ITEM>C3</ITEM>")
    renamed = TREE.replace('NAME="Gifts"', 'NAME="Presents"')
    # Items of a deleted category are no members: only a revived one counts.
    revived = TREE.replace(' DELETE="-1"', "")
    assert len({digest_of(t) for t in (TREE, moved, renamed, revived)}) == 4
    deleted_member = TREE.replace(
        "<STOCK_ID>7</STOCK_ID></STOCK_ITEM></CATEGORY>",
        "<STOCK_ID>8</STOCK_ID></STOCK_ITEM></CATEGORY>",
    )
    assert digest_of(deleted_member) == digest_of(TREE)
