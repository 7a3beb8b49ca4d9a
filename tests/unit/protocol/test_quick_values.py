"""The quick readers of Khaos values give what the full parsers give, value and message alike.

Each text below is read the quick way (the public converters and the
``Fields`` getters, which try the shapes Khaos writes first) and by the full
parser alone; both must give the same value of the same type, or refuse it
with the same DocumentError message. Every text is read twice, so the second
read comes from the memo of values already seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest

from khaos_sync.protocol import values
from khaos_sync.protocol.documents.stock import parse_stock
from khaos_sync.protocol.documents.stock_status import parse_stock_status
from khaos_sync.protocol.errors import DocumentError
from khaos_sync.protocol.values import Fields
from khaos_sync.protocol.xmlsafe import parse_document

TEXTS = [
    # booleans as Khaos writes them, and not
    "-1",
    "0",
    "1",
    "true",
    "false",
    "True",
    "FALSE",
    " -1",
    "0 ",
    "2",
    "-2",
    "yes",
    # blanks
    "",
    " ",
    "\t\n",
    # numbers
    "12.99",
    "169.73",
    "-0",
    "-0.0",
    "007",
    "+5",
    ".5",
    "5.",
    "-.5",
    " 3.10 ",
    "12.00",
    "1.5",
    "12,99",
    "1e5",
    "NaN",
    "Infinity",
    "1_000",
    "1.2.3",
    "--1",
    "\u0661\u0662",  # Arabic-Indic digits: \d takes them, [0-9] does not
    "9" * 18,
    "9" * 19,
    "-" + "9" * 30,
    "9" * 5000,
    # dates and times
    "2024-03-01",
    "2024-03-01T09:00:00",
    "2024-03-01 09:00:00",
    "2024-03-01T09:00",
    "2024-03-01T09:00:00.5",
    "2024-03-01T09:00:00.123",
    "2024-03-01T09:00:00.123456",
    "2024-03-01T09:00:00.1234567",
    "2024-03-01T09:00:00.000Z",
    "2024-03-01T09:00:00+01:00",
    "2024-03-01T",
    "2024-03-01T 09:00",
    "2024-03-01  09:00",
    " 2024-03-01 ",
    "2024-3-1",
    "2024-02-29",
    "2023-02-29",
    "2024-02-30",
    "2024-13-01",
    "2024-00-10",
    "2024-01-00",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31T23:59:59.999999",
    "2024-03-01T24:00:00",
    "2024-03-01T23:60:00",
    "2024-03-01T23:59:60",
    "2024-03-01T23:59:61",
    "2024-03-01T9:00:00",
    "1899-12-30",
    "1899-12-30T10:00:00",
    "1899-12-30T25:00:00",
    "30/12/1899",
    "01/03/2024",
    "01/03/2024 17:05",
    "1/3/2024",
    "09:00:00",
    "09:00",
    "9:00",
    "09:00:00.5",
    "24:00",
    "23:59:60",
    "00:00:00.000000",
    " 09:00:00 ",
    "yesterday",
]

# (quick-first converter, full parser) pairs
CONVERTERS: list[tuple[str, Callable[..., Any], Callable[[str | None, str], Any]]] = [
    ("bool", values.parse_bool, values._parse_bool),
    ("decimal", values.parse_decimal, values._parse_decimal),
    ("int", values.parse_int, values._parse_int),
    ("datetime", values.parse_datetime, values._parse_datetime),
    ("time", values.parse_time, values._parse_clock),
]

GETTERS: list[tuple[str, Callable[[Fields, str], Any], Callable[[str | None, str], Any]]] = [
    ("bool", Fields.as_bool, values._parse_bool),
    ("decimal", Fields.as_decimal, values._parse_decimal),
    ("int", Fields.as_int, values._parse_int),
    ("datetime", Fields.as_datetime, values._parse_datetime),
    ("date", Fields.as_date, lambda text, where: _date(values._parse_datetime(text, where))),
]

ATTRIBUTE_GETTERS: list[
    tuple[str, Callable[[Fields, str], Any], Callable[[str | None, str], Any]]
] = [
    ("bool", Fields.attr_bool, values._parse_bool),
    ("decimal", Fields.attr_decimal, values._parse_decimal),
    ("int", Fields.attr_int, values._parse_int),
]


def _date(moment: Any) -> Any:
    return None if moment is None else moment.date()


def outcome(read: Callable[[], Any]) -> tuple[str, Any]:
    """What a read gives: its value (typed, by repr) or its error's class and message."""
    try:
        value = read()
    except DocumentError as exc:
        return ("error", f"{type(exc).__name__}: {exc}")
    # hex: repr refuses ints of more than 4300 digits.
    shown = hex(value) if type(value) is int else repr(value)
    return ("value", f"{type(value).__name__}: {shown}")


@pytest.mark.parametrize("text", [*TEXTS, None])
@pytest.mark.parametrize(("kind", "quick", "full"), CONVERTERS, ids=[c[0] for c in CONVERTERS])
def test_converters_agree_with_the_full_parsers(kind, quick, full, text):
    expected = outcome(lambda: full(text, "STOCK_ITEM/X"))
    for _ in range(2):
        assert outcome(lambda: quick(text, where="STOCK_ITEM/X")) == expected


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("kind", "getter", "full"), GETTERS, ids=[g[0] for g in GETTERS])
def test_field_getters_agree_with_the_full_parsers(kind, getter, full, text):
    fields = Fields(parse_document(f"<STOCK_ITEM><X>{escape(text)}</X><EMPTY/></STOCK_ITEM>"))
    expected = outcome(lambda: full(text, "STOCK_ITEM/X"))
    for _ in range(2):
        assert outcome(lambda: getter(fields, "X")) == expected
    assert getter(fields, "EMPTY") is None
    assert getter(fields, "MISSING") is None


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(
    ("kind", "getter", "full"), ATTRIBUTE_GETTERS, ids=[g[0] for g in ATTRIBUTE_GETTERS]
)
def test_attribute_getters_agree_with_the_full_parsers(kind, getter, full, text):
    element = parse_document(f"<SUPPLIER_REF X={quoteattr(text)}/>")
    expected = outcome(lambda: full(text, "SUPPLIER_REF/@X"))
    for _ in range(2):
        assert outcome(lambda: getter(Fields(element), "X")) == expected
    assert getter(Fields(element), "MISSING") is None


@pytest.mark.parametrize(
    ("text", "code"), [("", None), ("  ", None), (" A1 ", "A1"), ("A1", "A1"), ("\tA 1\n", "A 1")]
)
def test_codes_are_stripped_and_blank_is_none(text, code):
    fields = Fields(parse_document(f'<STOCK_ITEM EPOS="{text}"><C>{text}</C></STOCK_ITEM>'))
    assert fields.code("C") == code
    assert fields.attr_code("EPOS") == code
    assert fields.code("MISSING") is None
    assert fields.attr_code("MISSING") is None


# --- whole documents: the messages name the item and the element ---


def stock_document(inner: str) -> str:
    return f"<STOCK_ITEMS><STOCK_ITEM><STOCK_CODE>A1</STOCK_CODE>{inner}</STOCK_ITEM></STOCK_ITEMS>"


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        ("<WEB>yes</WEB>", "stock item A1: STOCK_ITEM/WEB: 'yes' is not a Khaos boolean (-1 or 0)"),
        (
            "<SELL_PRICE>1e5</SELL_PRICE>",
            "stock item A1: STOCK_ITEM/SELL_PRICE: '1e5' is not a decimal number",
        ),
        (
            "<MAX_DISPLAY_QTY>1.5</MAX_DISPLAY_QTY>",
            "stock item A1: STOCK_ITEM/MAX_DISPLAY_QTY: '1.5' is not a whole number",
        ),
        (
            "<LAUNCH_DATE>2024-02-30</LAUNCH_DATE>",
            "stock item A1: STOCK_ITEM/LAUNCH_DATE: '2024-02-30' is not a date Khaos writes",
        ),
        (
            "<LAUNCH_DATE>2024-02-01</LAUNCH_DATE><LAUNCH_TIME>25:00</LAUNCH_TIME>",
            "stock item A1: STOCK_ITEM/LAUNCH_TIME: '25:00' is not a time Khaos writes",
        ),
        (
            '<SELL_PRICE IS_NET="2">1</SELL_PRICE>',
            "stock item A1: SELL_PRICE/@IS_NET: '2' is not a Khaos boolean (-1 or 0)",
        ),
        (
            '<USER_DEFINED NAME="Size" TYPE="CHOICE" INDEX="x">S</USER_DEFINED>',
            "stock item A1: USER_DEFINED/@INDEX: 'x' is not a decimal number",
        ),
        (
            '<SUPPLIER_STOCK_CODES><SUPPLIER_REF PURCHASE_COST="£3">S1</SUPPLIER_REF>'
            "</SUPPLIER_STOCK_CODES>",
            "stock item A1: SUPPLIER_REF/@PURCHASE_COST: '£3' is not a decimal number",
        ),
        (
            "<LINKED_ITEMS><LINK_ITEM><STOCK_CODE>B</STOCK_CODE><LINK_TYPE>one</LINK_TYPE>"
            "</LINK_ITEM></LINKED_ITEMS>",
            "stock item A1: LINK_ITEM/LINK_TYPE: 'one' is not a decimal number",
        ),
        (
            "<SCS><STYLE><DESCRIPTION>Red</DESCRIPTION><SCS_ITEM><STOCK_CODE>A1-R</STOCK_CODE>"
            "<WEIGHT>heavy</WEIGHT></SCS_ITEM></STYLE></SCS>",
            "stock item A1: SCS_ITEM/WEIGHT: 'heavy' is not a decimal number",
        ),
    ],
)
def test_stock_errors_name_the_item_and_the_element(inner, message):
    with pytest.raises(DocumentError) as caught:
        parse_stock(stock_document(inner))
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        ("<LEVEL>lots</LEVEL>", "STOCK_ITEM/LEVEL: 'lots' is not a decimal number"),
        ("<STATUS>1.5</STATUS>", "STOCK_ITEM/STATUS: '1.5' is not a whole number"),
        ("<LEAD_TIME>soon</LEAD_TIME>", "STOCK_ITEM/LEAD_TIME: 'soon' is not a date Khaos writes"),
    ],
)
def test_stock_status_errors_name_the_element(inner, message):
    with pytest.raises(DocumentError) as caught:
        parse_stock_status(
            f'<STOCK_STATUS><STOCK_ITEM CODE="A1">{inner}</STOCK_ITEM></STOCK_STATUS>'
        )
    assert str(caught.value) == message


def test_records_read_before_are_the_same_and_errors_still_raised():
    uda = '<USER_DEFINED NAME="Fit" TYPE="list" INDEX="{index}">"Regular","Slim"</USER_DEFINED>'
    level = '<STOCK_TYPE EPOS_DESC="{epos}">Tops</STOCK_TYPE><STOCK_TYPE_ID>12</STOCK_TYPE_ID>'
    option = '<OPTION NAME="Gift">{value}</OPTION>'
    first, second = (
        parse_stock(
            stock_document(
                uda.format(index=2) + level.format(epos=epos) + option.format(value=value)
            )
        )[0]
        for epos, value in (("TOP", "-1"), ("TEE", "0"))
    )
    assert first.udas == second.udas
    assert first.udas[0].list_values == ("Regular", "Slim")
    assert first.udas[0].type == "LIST"
    assert first.udas[0].choice_index == 2
    assert (first.stock_type.epos_desc, second.stock_type.epos_desc) == ("TOP", "TEE")
    assert first.stock_type.name == second.stock_type.name == "Tops"
    assert [option.value for option in (*first.options, *second.options)] == [True, False]
    for _ in range(2):
        with pytest.raises(DocumentError, match=r"USER_DEFINED/@INDEX: 'x'"):
            parse_stock(stock_document(uda.format(index="x")))
        with pytest.raises(DocumentError, match=r"OPTION\[Gift\]: 'yes'"):
            parse_stock(stock_document(option.format(value="yes")))
