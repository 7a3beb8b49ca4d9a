"""ExportStock documents: the published sample and what real exports look like."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from khaos_sync.protocol.documents.stock import (
    LinkType,
    StockItem,
    Uda,
    iter_stock_items,
    parse_stock,
)
from khaos_sync.protocol.errors import DocumentError


def one_item(body: str, *, wrapper: str = "") -> StockItem:
    items = parse_stock(f"<STOCK_ITEMS><STOCK_ITEM>{body}</STOCK_ITEM>{wrapper}</STOCK_ITEMS>")
    assert len(items) == 1
    return items[0]


def test_sample_parses_with_every_documented_field(khaosws_samples: Path) -> None:
    items = parse_stock((khaosws_samples / "KSDXMLStock.xml").read_bytes())
    assert len(items) == 2
    item = items[0]
    assert item.stock_id is None and item.stock_code is None  # placeholders in the template
    assert item.stock_desc == "" and item.long_desc == "" and item.web_teaser == ""
    assert (item.buy_price, item.buy_price_is_net) == (Decimal("2.48"), False)
    assert (item.sell_price, item.sell_price_is_net) == (Decimal("5.99"), False)
    assert item.sell_price_web is None
    assert item.web_price == Decimal("5.99")
    assert item.image_filename is None
    assert item.vat_rate is None
    assert [(r.country_code, r.country_name, r.rate) for r in item.country_rates] == [
        ("GB", "England", Decimal("17.5"))
    ]
    assert (item.stock_ttype.name, item.stock_ttype.epos_desc) == ("Level one stock", "XYZ")
    assert item.stock_type.name == "Sample stock type"
    assert item.stock_mid_type.name == "aaaaM"
    assert item.stock_sub_type.name == "L4 type"
    assert (item.web, item.discontinued, item.deleted) == (False, False, None)
    assert item.run_to_zero is False and item.stock_controlled is False
    assert item.drop_ship is False and item.discounts_disabled is False
    assert item.vat_relief_qualified is False
    assert item.max_display_qty == 0 and item.sales_multiple is None
    assert item.launch_date == datetime(2008, 12, 31)
    assert (item.min_level, item.safe_level) == (Decimal("12"), Decimal("20"))
    assert item.meta_title == "" and item.availability == ""

    assert [(u.name, u.type, u.value) for u in item.udas] == [
        ("Author", "TEXT", "Margaret Weis / Tracy Hickman"),
        ("Date Published", "DATE", "2008-12-31"),
        ("Heavy", "YES/NO", "0"),
        ("ISBN-10", "NUMBER", "0786915749"),
        ("ISBN-13", "TEXT", "978-0786915743"),
        ("List Example", "LIST", '"List Option 2","List Option 3"'),
        ("Choice Example", "CHOICE", "tester1"),
    ]
    assert item.udas[5].list_values == ("List Option 2", "List Option 3")
    assert item.udas[2].as_bool() is False
    assert item.udas[3].value == "0786915749"  # raw text keeps the leading zero
    # STOCK_OPTION is deprecated and ignored; OPTION is kept.
    assert [(o.name, o.value) for o in item.options] == [
        ("Specialist Range", False),
        ("Required Reading", False),
    ]
    assert [(b.desc, b.value) for b in item.barcodes] == [("ABC", "ABCDEFG")] * 2
    assert [(i.name, i.desc, i.file_name, i.image_type) for i in item.images] == [
        ("Image Name", "Desctiption of the image", "C:\\TestImage.jpg", "Thumbnail"),
        ("Image Name", None, None, None),
    ]
    assert item.linked_items == ()  # both LINK_ITEMs are empty placeholders
    assert [(s.code, s.supplier_urn, s.is_preferred) for s in item.supplier_refs] == [
        ("00012A", "SU001", True),
        ("221012A", "SU002", False),
    ]

    assert item.scs is not None
    assert [(h.level, h.name) for h in item.scs.headings] == [
        (1, "Size"),
        (2, "Colour"),
        (3, "Style"),
        (4, "Length"),
    ]
    assert len(item.scs.children) == 1
    child = item.scs.children[0]
    assert child.options == (("Size", ""),)
    assert child.code_suffixes == ("ABC",)
    assert child.item.sell_price_is_net is False  # inherited from the parent
    assert child.item.min_level == Decimal("12")
    assert [u.name for u in child.item.udas][:2] == ["Author", "Date Published"]
    assert child.item.udas[0].type is None

    empty = items[1]
    assert empty.stock_code is None and empty.scs is None and empty.udas == ()


def test_streaming_gives_the_same_items_as_whole_parse(khaosws_samples: Path) -> None:
    path = khaosws_samples / "KSDXMLStock.xml"
    assert list(iter_stock_items(path)) == parse_stock(path.read_bytes())


REAL_ITEM = """
<STOCK_ID>10452</STOCK_ID><STOCK_CODE><![CDATA[HOOD-01]]></STOCK_CODE>
<ASSOCIATED_REF>5012345678900</ASSOCIATED_REF>
<STOCK_DESC><![CDATA[Hoodie & "Friends" <Limited> £25]]></STOCK_DESC>
<LONG_DESC><![CDATA[<p>Warm <b>hoodie</b></p>]]></LONG_DESC>
<BUY_PRICE IS_NET="-1">9.50</BUY_PRICE><SELL_PRICE IS_NET="-1">20.825</SELL_PRICE>
<SELL_PRICE_WEB>0</SELL_PRICE_WEB><IMAGE_FILENAME>?</IMAGE_FILENAME><VAT_RATE>20</VAT_RATE>
<STOCK_TTYPE>Clothing</STOCK_TTYPE><STOCK_TTYPE_ID>3</STOCK_TTYPE_ID>
<WEB>-1</WEB><DISCONTINUED>0</DISCONTINUED><DELETED>0</DELETED><RUN_TO_ZERO>-1</RUN_TO_ZERO>
<SALES_MULTIPLE>2</SALES_MULTIPLE><MAX_DISPLAY_QTY>50</MAX_DISPLAY_QTY>
<AVAILABILITY>Back soon</AVAILABILITY><WEIGHT>0.450</WEIGHT><HEIGHT>3</HEIGHT>
<WIDTH>30.5</WIDTH><DEPTH>40</DEPTH><MANUFACTURER>Acme</MANUFACTURER><LEAD_TIME>14</LEAD_TIME>
<LAUNCH_DATE>2024-03-01T00:00:00</LAUNCH_DATE><LAUNCH_TIME>09:30:00</LAUNCH_TIME>
<PURCHASE_MULTIPLE>6</PURCHASE_MULTIPLE><COUNTRY_OF_MANUFACTURE>PRT</COUNTRY_OF_MANUFACTURE>
<ICN_CODE>6110</ICN_CODE><SOMETHING_NEW><NESTED>x</NESTED></SOMETHING_NEW>
<USER_DEFINED NAME="Colour family" TYPE="TEXT">Blue</USER_DEFINED>
<USER_DEFINED NAME="Colour family" TYPE="TEXT">Navy</USER_DEFINED>
<USER_DEFINED NAME="Care" TYPE="LIST"/>
<USER_DEFINED NAME="Sizes" TYPE="LIST">"S","M, L","6"" tall"</USER_DEFINED>
<USER_DEFINED NAME="Season" TYPE="CHOICE" INDEX="2">Winter</USER_DEFINED>
<USER_DEFINED NAME="Released" TYPE="DATE">1899-12-30</USER_DEFINED>
<USER_DEFINED NAME="Vegan" TYPE="YES/NO">-1</USER_DEFINED>
<LINKED_ITEMS>
  <LINK_ITEM><STOCK_CODE>CAP-01</STOCK_CODE><LINK_TYPE>1</LINK_TYPE><LINK_VALUE>4.99</LINK_VALUE>
  <AUTO_ADD>0</AUTO_ADD></LINK_ITEM>
  <LINK_ITEM><STOCK_CODE>SOCK-01</STOCK_CODE><LINK_TYPE>3</LINK_TYPE><LINK_VALUE>2</LINK_VALUE>
  <AUTO_ADD>-1</AUTO_ADD></LINK_ITEM>
</LINKED_ITEMS>
"""


def test_real_world_item() -> None:
    item = one_item(REAL_ITEM)
    assert item.stock_id == "10452"
    assert item.stock_code == "HOOD-01"
    assert item.stock_desc == 'Hoodie & "Friends" <Limited> £25'
    assert item.long_desc == "<p>Warm <b>hoodie</b></p>"
    assert item.sell_price == Decimal("20.825") and item.sell_price_is_net is True
    assert item.sell_price_web == Decimal("0")
    assert item.web_price == Decimal("20.825")  # a web price of 0 means "not set"
    assert item.image_filename is None  # "?" means none
    assert item.stock_ttype.id == "3"
    assert item.run_to_zero is True and item.deleted is False
    assert item.sales_multiple == Decimal("2") and item.max_display_qty == 50
    assert (item.weight, item.height, item.width, item.depth) == (
        Decimal("0.450"),
        Decimal("3"),
        Decimal("30.5"),
        Decimal("40"),
    )
    assert item.lead_time == 14
    assert item.launch_date == datetime(2024, 3, 1, 9, 30)
    assert [u.value for u in item.udas if u.name == "Colour family"] == ["Blue", "Navy"]
    care, sizes = item.udas[2], item.udas[3]
    assert care == Uda(name="Care", type="LIST", value="", list_values=())
    assert sizes.list_values == ("S", "M, L", '6" tall')
    assert item.udas[4].choice_index == 2
    assert item.udas[5].as_datetime() is None  # the Delphi null date
    assert item.udas[6].as_bool() is True
    assert [
        (link.stock_code, link.link_type, link.value, link.auto_add) for link in item.linked_items
    ] == [
        ("CAP-01", LinkType.UPSELL, Decimal("4.99"), False),
        ("SOCK-01", LinkType.PACK, Decimal("2"), True),
    ]


def test_delphi_null_dates_read_as_none() -> None:
    item = one_item("<LAUNCH_DATE>1899-12-30</LAUNCH_DATE><LAUNCH_TIME>00:00:00</LAUNCH_TIME>")
    assert item.launch_date is None


def test_scs_level_without_code_suffix_keeps_suffixes_aligned() -> None:
    document = scs_document(2).replace("<SCS_CODE_SUFFIX>S</SCS_CODE_SUFFIX>", "")
    (parent,) = parse_stock(document)
    assert parent.scs is not None
    assert parent.scs.children[0].code_suffixes == ("", "R")


def test_one_line_document_with_bom() -> None:
    document = (
        '\ufeff<?xml version="1.0" encoding="utf-8"?><STOCK_ITEMS><STOCK_ITEM>'
        "<STOCK_ID>1</STOCK_ID><STOCK_CODE>A</STOCK_CODE></STOCK_ITEM><STOCK_ITEM>"
        "<STOCK_ID>2</STOCK_ID><STOCK_CODE>B</STOCK_CODE></STOCK_ITEM></STOCK_ITEMS>"
    ).encode()
    assert [i.stock_code for i in parse_stock(document)] == ["A", "B"]
    assert [i.stock_code for i in iter_stock_items(document)] == ["A", "B"]


def scs_document(levels: int) -> str:
    """An SCS parent with two values per level, headings placed after the STYLE tree."""
    names = ["Size", "Colour", "Style", "Length"][:levels]
    values = [("S", "M"), ("Red", "Blue"), ("Slim", "Loose"), ("Short", "Long")]

    def styles(depth: int, path: tuple[str, ...]) -> str:
        out = []
        for value in values[depth]:
            here = (*path, value)
            if depth + 1 == levels:
                inner = (
                    f"<SCS_ITEM><STOCK_ID>{'-'.join(here)}</STOCK_ID>"
                    f"<STOCK_CODE>P-{'-'.join(here)}</STOCK_CODE>"
                    f"<DESCRIPTION>Parent / {' / '.join(here)}</DESCRIPTION>"
                    "<SELL_PRICE>10.00</SELL_PRICE><SELL_PRICE_WEB>0</SELL_PRICE_WEB></SCS_ITEM>"
                )
            else:
                inner = styles(depth + 1, here)
            out.append(
                f"<STYLE><DESCRIPTION><![CDATA[{value}]]></DESCRIPTION>"
                f"<SCS_CODE_SUFFIX>{value[:1]}</SCS_CODE_SUFFIX>{inner}</STYLE>"
            )
        return "".join(out)

    headings = "".join(
        f'<HEADING LEVEL="{n}">{name}</HEADING>' for n, name in reversed(list(enumerate(names, 1)))
    )
    return (
        "<STOCK_ITEMS><STOCK_ITEM><STOCK_ID>P</STOCK_ID><STOCK_CODE>P</STOCK_CODE>"
        '<SELL_PRICE IS_NET="-1">10.00</SELL_PRICE>'
        f"<SCS>{styles(0, ())}{headings}</SCS></STOCK_ITEM></STOCK_ITEMS>"
    )


@pytest.mark.parametrize("levels", [1, 2, 3, 4])
def test_scs_children_carry_the_options_of_their_style_path(levels: int) -> None:
    (parent,) = parse_stock(scs_document(levels))
    assert parent.scs is not None and parent.is_scs_parent
    children = parent.scs.children
    assert len(children) == 2**levels
    headings = ["Size", "Colour", "Style", "Length"][:levels]
    assert [h.name for h in parent.scs.headings] == headings
    last = children[-1]
    expected_values = ["M", "Blue", "Loose", "Long"][:levels]
    assert last.options == tuple(zip(headings, expected_values, strict=True))
    assert last.code_suffixes == tuple(v[:1] for v in expected_values)
    assert last.item.stock_code == "P-" + "-".join(expected_values)
    assert last.item.stock_desc == "Parent / " + " / ".join(expected_values)
    # Children have no IS_NET of their own: they inherit the parent's.
    assert all(child.item.sell_price_is_net is True for child in children)
    assert len({child.options for child in children}) == 2**levels


def test_scs_with_missing_heading_names_the_level() -> None:
    document = scs_document(2).replace('<HEADING LEVEL="2">Colour</HEADING>', "")
    (parent,) = parse_stock(document)
    assert parent.scs is not None
    assert parent.scs.children[0].options == (("Size", "S"), ("Level 2", "Red"))


def test_scs_children_streamed_like_whole_parse() -> None:
    document = scs_document(3).encode()
    assert list(iter_stock_items(document)) == parse_stock(document)


def test_bad_value_names_item_element_and_value() -> None:
    with pytest.raises(DocumentError, match=r"stock item X1: STOCK_ITEM/SELL_PRICE: '12,99'"):
        one_item('<STOCK_CODE>X1</STOCK_CODE><SELL_PRICE IS_NET="0">12,99</SELL_PRICE>')
    with pytest.raises(DocumentError, match=r"STOCK_ITEM/WEB: 'maybe'"):
        one_item("<STOCK_CODE>X1</STOCK_CODE><WEB>maybe</WEB>")


def test_wrong_document_is_refused() -> None:
    with pytest.raises(DocumentError, match="root <STOCK_ITEMS>"):
        parse_stock("<STOCK_STATUS/>")
    with pytest.raises(DocumentError, match="root <STOCK_ITEMS>"):
        list(iter_stock_items(b"<STOCK_STATUS><STOCK_ITEM/></STOCK_STATUS>"))


def test_money_is_never_float() -> None:
    item = one_item('<SELL_PRICE IS_NET="0">0.10</SELL_PRICE><BUY_PRICE>0.20</BUY_PRICE>')
    assert isinstance(item.sell_price, Decimal) and isinstance(item.buy_price, Decimal)
    assert item.sell_price + item.buy_price == Decimal("0.30")


def test_own_fixture_reads_every_part_of_an_item(khaosws_fixtures: Path) -> None:
    path = khaosws_fixtures / "KSDXMLStock.xml"
    flask, mug = parse_stock(path.read_bytes())
    assert (flask.stock_id, flask.stock_code, flask.associated_ref) == (
        "30117",
        "FLASK-750",
        "5060001234567",
    )
    assert (flask.buy_price, flask.buy_price_is_net) == (Decimal("7.40"), True)
    assert (flask.sell_price, flask.sell_price_is_net) == (Decimal("18.50"), False)
    assert flask.web_price == Decimal("17.95")
    assert [(r.country_code, r.rate) for r in flask.country_rates] == [("IE", Decimal("23"))]
    assert (flask.stock_type.name, flask.stock_sub_type.name) == ("Drinkware", "Steel")
    assert (flask.web, flask.deleted, flask.stock_controlled) == (True, False, True)
    assert flask.max_display_qty == 25 and flask.launch_date == datetime(2025, 4, 14)
    assert [(u.name, u.type) for u in flask.udas][:3] == [
        ("Capacity", "TEXT"),
        ("Tested", "DATE"),
        ("Dishwasher safe", "YES/NO"),
    ]
    assert flask.udas[2].as_bool() is True
    assert flask.udas[3].value == "00412"  # raw text keeps the leading zeros
    assert flask.udas[4].list_values == ("Brushed", "Matt black")
    assert [(o.name, o.value) for o in flask.options] == [("Gift Wrap", True), ("Engraving", False)]
    assert [(b.desc, b.value) for b in flask.barcodes] == [("EAN", "5060001234567")]
    assert [i.file_name for i in flask.images] == ["D:\\Pictures\\flask-750-front.jpg", None]
    assert [(s.code, s.is_preferred) for s in flask.supplier_refs] == [("QM-750", True)]
    assert flask.scs is not None
    assert [h.name for h in flask.scs.headings] == ["Colour", "Finish"]
    (child,) = flask.scs.children
    assert (child.item.stock_id, child.item.stock_code) == ("30118", "FLASK-750-GRN")
    assert child.code_suffixes == ("GRN",) and child.options == (("Colour", "Green"),)
    assert child.item.sell_price_is_net is False  # inherited from the parent
    assert (mug.stock_code, mug.discontinued, mug.scs) == ("MUG-ENAMEL", True, None)


def test_own_fixture_streams_like_a_whole_parse(khaosws_fixtures: Path) -> None:
    path = khaosws_fixtures / "KSDXMLStock.xml"
    assert list(iter_stock_items(path)) == parse_stock(path.read_bytes())
