"""ExportWebCategories and ExportWebCategoriesEx2 documents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from khaos_sync.protocol.documents.web_categories import (
    parse_web_categories,
    parse_web_categories_ex2,
    read_web_categories,
)
from khaos_sync.protocol.errors import DocumentError


def test_web_categories_sample(khaosws_samples: Path) -> None:
    tree = parse_web_categories((khaosws_samples / "KSDXMLWebCategories.xml").read_bytes())
    assert (tree.website_name, tree.website_id) == ("xxx", "00001_")
    assert [c.name for c in tree.walk()] == [
        "Top level category 1",
        "Sub category",
        "Sub category 2",
        "Books",
        "Paperbacks",
    ]
    top, books = tree.categories
    assert top.deleted is True and books.deleted is False
    assert (top.file_name, top.short_desc, top.long_desc) == (
        "Image000.jpg",
        "Short Description",
        "LongDesc",
    )
    sub = top.children[0]
    assert sub.parent_id == "A0001"
    assert sub.item_codes == ("ABC1234", "CCC1111")
    (member,) = sub.items
    assert member.deleted is True
    assert (member.stock_id, member.stock_code, member.category_stock_code) == (
        "AAA1222",
        "AAA1222",
        "AAA1222",
    )
    assert member.sell_price == Decimal("999.99")
    assert member.image_name == "MainImage" and member.canonical is True
    assert member.scs_codes == ("AAA1222_1", "AAA1222_2", "AAA1222_3", "AAA1222_4")
    assert member.web_teaser == "This is a web teaser of the stock item"
    sub2 = top.children[1]
    assert len(sub2.items) == 2 and sub2.items[0].stock_id is None
    assert sub2.custom_properties == (("CUSTOM_PROPERTY_01", "ALPHA"), ("CUSTOM_PROPERTY_02", "-1"))
    assert [i.stock_code for i in top.items] == ["AAA1222"]
    assert books.children[0].item_codes == ("ABC1234", "RRR5555", "RRR5535", "RRR5545")
    assert [(w.stock_id, w.stock_code, w.website_stock_code) for w in tree.website_items] == [
        ("AAA1222", "ABC1234", "AAA1222"),
        (None, "AAA1222", "AAA1222"),
    ]


def test_web_categories_ex2_sample(khaosws_samples: Path) -> None:
    tree = parse_web_categories_ex2((khaosws_samples / "KSDXMLWebCategoriesEx2.xml").read_bytes())
    assert (tree.website_name, tree.website_id) == ("KSDWeb", "7215")
    assert [(c.id, c.name, c.parent_id) for c in tree.walk()] == [
        ("7216", "Misc", None),
        ("7218", "Etc", "7216"),
        ("7217", "Other", None),
    ]
    misc, other = tree.categories
    assert misc.file_name == "K:\\Images\\MiscItems.jpg"
    assert ("META_TITLE", "Meta Title") in misc.custom_properties
    etc = misc.children[0]
    assert [i.stock_id for i in etc.items] == ["19653", "19654", "19655", "19656"]
    assert etc.items[0].category_stock_code == "Etc Code"
    assert etc.items[0].canonical is False and etc.items[0].sell_price == Decimal("0")
    assert etc.items[1].short_desc is None  # not given for this membership
    assert misc.items[0].canonical is True
    assert other.items[0].short_desc == "Other  Description"
    assert [w.website_stock_code for w in tree.website_items] == [
        "MISCITEM",
        "OTHERITEM",
        "ETCITEM",
        None,
        None,
        None,
    ]
    assert tree.website_items[3].long_desc == ""


def test_retailer_with_no_categories() -> None:
    tree = parse_web_categories('<WEBSITE NAME="Shop" ID="1"/>')
    assert tree.categories == () and tree.website_items == () and list(tree.walk()) == []


def test_unknown_tags_are_ignored_and_deep_nesting_kept() -> None:
    tree = parse_web_categories(
        '<WEBSITE NAME="S"><NEW_THING/><CATEGORY ID="1" NAME="a"><CATEGORY ID="2" NAME="b">'
        '<CATEGORY ID="3" NAME="c &amp; d" DELETE="0"><ITEM> X1 </ITEM></CATEGORY>'
        "</CATEGORY></CATEGORY></WEBSITE>"
    )
    deepest = tree.categories[0].children[0].children[0]
    assert (deepest.name, deepest.parent_id, deepest.deleted) == ("c & d", "2", False)
    assert deepest.item_codes == ("X1",)


def test_wrong_document_is_refused() -> None:
    with pytest.raises(DocumentError, match="root <WEBSITE>"):
        parse_web_categories("<STOCK_ITEMS/>")


def test_own_web_categories_fixture(khaosws_fixtures: Path) -> None:
    tree = parse_web_categories((khaosws_fixtures / "KSDXMLWebCategories.xml").read_bytes())
    assert (tree.website_name, tree.website_id) == ("Harbour Lane", "HL01")
    assert [c.name for c in tree.walk()] == ["Outdoors", "Flasks", "Retired", "Kitchen"]
    outdoors, kitchen = tree.categories
    flasks, retired = outdoors.children
    assert flasks.parent_id == "C10" and retired.deleted is True and not flasks.deleted
    (member,) = flasks.items
    assert (member.stock_id, member.category_stock_code, member.canonical) == (
        "30117",
        "FLASK-750-C",
        True,
    )
    assert member.scs_codes == ("FLASK-750-GRN",)
    assert flasks.custom_properties == (("BANNER", "winter"),)
    assert kitchen.item_codes == ("MUG-ENAMEL",)
    assert [(w.stock_id, w.website_stock_code) for w in tree.website_items] == [
        ("30117", "FLASK750")
    ]


def test_own_web_categories_ex2_fixture(khaosws_fixtures: Path) -> None:
    tree = parse_web_categories_ex2((khaosws_fixtures / "KSDXMLWebCategoriesEx2.xml").read_bytes())
    assert (tree.website_name, tree.website_id) == ("Harbour Lane", "880")
    assert [(c.id, c.parent_id) for c in tree.walk()] == [
        ("881", None),
        ("882", "881"),
        ("883", None),
    ]
    outdoors, kitchen = tree.categories
    assert ("META_TITLE", "Outdoor kit") in outdoors.custom_properties
    flask, green = outdoors.children[0].items
    assert (flask.category_stock_code, flask.canonical) == ("Flask in Flasks", True)
    assert (green.stock_id, green.sell_price, green.short_desc) == ("30118", Decimal("0"), None)
    assert kitchen.items[0].short_desc == "Camp mug"
    assert [w.website_stock_code for w in tree.website_items] == ["FLASK750", None]


# Shapes the document's definition leaves out: a CATEGORY or STOCK_ITEM where no
# category may hold it, a second WEBSITE_STOCK_ITEMS, blank codes.
ODD_SHAPES = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<WEBSITE NAME="Odd" ID="9"><STOCK_ITEM><STOCK_CODE>LOOSE</STOCK_CODE></STOCK_ITEM>'
    '<CATEGORY ID="1" NAME="One"><ITEM> </ITEM><ITEM>A1</ITEM>'
    '<STOCK_ITEM><STOCK_CODE>A2</STOCK_CODE><CATEGORY ID="X" NAME="inside an item"/>'
    "<SCS><STOCK_CODE>A2-1</STOCK_CODE><STOCK_CODE> </STOCK_CODE></SCS></STOCK_ITEM>"
    '<CATEGORY ID="2" NAME="Two"><STOCK_ITEM DELETE="1"><STOCK_ID>7</STOCK_ID></STOCK_ITEM>'
    '<CUSTOM><CUSTOM_PROPERTY NAME="K">v</CUSTOM_PROPERTY></CUSTOM></CATEGORY>'
    "<STOCK_ITEM><STOCK_CODE>A3</STOCK_CODE></STOCK_ITEM></CATEGORY>"
    '<WRAP><CATEGORY ID="W" NAME="wrapped"/></WRAP>'
    "<WEBSITE_STOCK_ITEMS><STOCK_ITEM><STOCK_CODE>W1</STOCK_CODE></STOCK_ITEM>"
    "</WEBSITE_STOCK_ITEMS><WEBSITE_STOCK_ITEMS><STOCK_ITEM><STOCK_CODE>W2</STOCK_CODE>"
    '</STOCK_ITEM></WEBSITE_STOCK_ITEMS><CATEGORY ID="3" NAME="Three"/></WEBSITE>'
)


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_odd_shapes_read_as_the_definition_says() -> None:
    tree = parse_web_categories(ODD_SHAPES)
    assert [(c.id, c.parent_id) for c in tree.walk()] == [("1", None), ("2", "1"), ("3", None)]
    one = tree.categories[0]
    assert one.item_codes == ("A1",)
    assert [(i.stock_code, i.scs_codes) for i in one.items] == [("A2", ("A2-1",)), ("A3", ())]
    assert one.children[0].items[0].deleted is True
    assert [w.stock_code for w in tree.website_items] == ["W1"]


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_streamed_answer_reads_the_same_tree(size: int, khaosws_fixtures: Path) -> None:
    """The SOAP path reads the document in pieces and drops items as it goes."""
    documents = [
        ODD_SHAPES.encode(),
        (khaosws_fixtures / "KSDXMLWebCategories.xml").read_bytes(),
        (khaosws_fixtures / "KSDXMLWebCategoriesEx2.xml").read_bytes(),
    ]
    for document in documents:
        assert read_web_categories(pieces(document, size)) == parse_web_categories(document)


def test_streamed_published_samples_read_the_same_tree(khaosws_samples: Path) -> None:
    for name in ("KSDXMLWebCategories.xml", "KSDXMLWebCategoriesEx2.xml"):
        document = (khaosws_samples / name).read_text(encoding="utf-8").encode()
        assert read_web_categories(pieces(document, 13)) == parse_web_categories(document)


def test_streamed_wrong_document_is_refused() -> None:
    with pytest.raises(DocumentError, match="root <WEBSITE>"):
        read_web_categories([b"<STOCK_ITEMS/>"])
    with pytest.raises(DocumentError, match="well-formed"):
        read_web_categories([b'<WEBSITE NAME="S"><CATEGORY ID="1">'])
