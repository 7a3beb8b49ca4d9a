"""Hand-written KSDXMLStock exports shaped like real ones (CDATA, BOM, HEADING last)."""

from __future__ import annotations

from pathlib import Path

HEAD = '\ufeff<?xml version="1.0" encoding="utf-8"?><STOCK_ITEMS>'
TAIL = "</STOCK_ITEMS>"


def item(
    stock_id: str,
    code: str,
    desc: str,
    price: str,
    *,
    is_net: bool = True,
    web_price: str = "0",
    vat: str = "20",
    deleted: bool = False,
    teaser: str = "",
    long_desc: str = "",
    extra: str = "",
) -> str:
    return (
        f"<STOCK_ITEM><STOCK_ID>{stock_id}</STOCK_ID><STOCK_CODE>{code}</STOCK_CODE>"
        f"<STOCK_DESC><![CDATA[{desc}]]></STOCK_DESC>"
        f"<WEB_TEASER><![CDATA[{teaser}]]></WEB_TEASER><LONG_DESC><![CDATA[{long_desc}]]></LONG_DESC>"
        f'<SELL_PRICE IS_NET="{-1 if is_net else 0}">{price}</SELL_PRICE>'
        f"<SELL_PRICE_WEB>{web_price}</SELL_PRICE_WEB><VAT_RATE>{vat}</VAT_RATE>"
        f"<DELETED>{-1 if deleted else 0}</DELETED><WEB>{0 if deleted else -1}</WEB>"
        f"<IMAGE_FILENAME>?</IMAGE_FILENAME><PURCHASE_MULTIPLE>1</PURCHASE_MULTIPLE>"
        f"{extra}</STOCK_ITEM>"
    )


def scs_child(stock_id: str, code: str, desc: str, price: str) -> str:
    return (
        f"<SCS_ITEM><STOCK_ID>{stock_id}</STOCK_ID><STOCK_CODE>{code}</STOCK_CODE>"
        f"<DESCRIPTION>{desc}</DESCRIPTION><STOCK_DESC>{desc}</STOCK_DESC>"
        f"<SELL_PRICE>{price}</SELL_PRICE><SELL_PRICE_WEB>0</SELL_PRICE_WEB><DELETED>0</DELETED>"
        f"</SCS_ITEM>"
    )


def style(description: str, suffix: str, inner: str) -> str:
    return (
        f"<STYLE><DESCRIPTION>{description}</DESCRIPTION>"
        f"<SCS_CODE_SUFFIX>{suffix}</SCS_CODE_SUFFIX>{inner}</STYLE>"
    )


def scs(headings: list[str], tree: str) -> str:
    # Real exports put the HEADING elements after the STYLE tree.
    heads = "".join(f'<HEADING LEVEL="{i + 1}">{h}</HEADING>' for i, h in enumerate(headings))
    return f"<SCS>{tree}{heads}</SCS>"


def uda(name: str, kind: str, value: str) -> str:
    if not value:
        return f'<USER_DEFINED NAME="{name}" TYPE="{kind}"/>'
    return f'<USER_DEFINED NAME="{name}" TYPE="{kind}">{value}</USER_DEFINED>'


def pack(*children: tuple[str, str]) -> str:
    links = "".join(
        f"<LINK_ITEM><STOCK_CODE>{code}</STOCK_CODE><LINK_TYPE>3</LINK_TYPE>"
        f"<LINK_VALUE>{qty}</LINK_VALUE><AUTO_ADD>0</AUTO_ADD></LINK_ITEM>"
        for code, qty in children
    )
    return f"<LINKED_ITEMS>{links}</LINKED_ITEMS>"


def level_tree(depth: int, prefix: str, next_id: list[int]) -> str:
    """Two values at the innermost level, one above it: depth 1..4 SCS trees."""
    values = [("Red", "RED"), ("Blue", "BLU")] if depth == 1 else [("Small", "S")]
    parts = []
    for description, suffix in values:
        code = f"{prefix}-{suffix}"
        if depth == 1:
            next_id[0] += 1
            parts.append(
                style(description, suffix, scs_child(str(next_id[0]), code, code, "10.00"))
            )
        else:
            parts.append(style(description, suffix, level_tree(depth - 1, code, next_id)))
    return "".join(parts)


HEADINGS = ["Size", "Length", "Fit", "Colour"]


def scs_item(stock_id: str, code: str, levels: int) -> str:
    counter = [int(stock_id) * 10]
    headings = HEADINGS[-levels:]
    return item(
        stock_id,
        code,
        f"SCS {levels} levels",
        "10.00",
        extra=scs(headings, level_tree(levels, code, counter)),
    )


def catalogue_document() -> str:
    items = [
        item(
            "501",
            "BOOK-1",
            "  Dragonlance Chronicles  ",
            "10.00",
            teaser="Epic fantasy & more",
            long_desc='<p onclick="x()">Good <b>read</b></p><script>alert(1)</script>',
            extra=(
                uda("Author", "TEXT", "Margaret Weis")
                + uda("Author", "TEXT", "Margaret Weis")
                + uda("Published", "DATE", "2008-12-31")
                + uda("Hardback", "YES/NO", "-1")
                + uda("Heavy", "YES/NO", "0")
                + uda("Pages", "NUMBER", "512")
                + uda("Formats", "LIST", '"Paper","Audio"')
                + uda("Empty List", "LIST", "")
                + uda("Genre", "CHOICE", "Fantasy")
            ),
        ),
        item("502", "TEA-1", "Gross Tea", "5.99", is_net=False, web_price="4.99", vat="5"),
        item("503", "GONE-1", "Deleted Item", "3.00", deleted=True),
        item("504", "PACK-1", "Gift Pack", "20.00", extra=pack(("BOOK-1", "2"), ("TEA-1", "1"))),
        item("505", "ODD-1", "Penny rounding", "4.1625"),
        scs_item("61", "SCS1", 1),
        scs_item("62", "SCS2", 2),
        scs_item("63", "SCS3", 3),
        scs_item("64", "SCS4", 4),
    ]
    return HEAD + "".join(items) + TAIL


def write_catalogue(path: Path, document: str | None = None) -> Path:
    path.write_text(document or catalogue_document(), encoding="utf-8")
    return path
