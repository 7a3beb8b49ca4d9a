"""Helpers shared by the document writers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from lxml import etree

BOM = "\ufeff"


def flag(value: bool) -> str:
    """Khaos's booleans: -1 true, 0 false."""
    return "-1" if value else "0"


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def unit_price(value: Decimal) -> str:
    """Item prices as Khaos holds them: at least 2 and up to 4 decimal places."""
    four = value.quantize(Decimal("0.0001"))
    return money(four) if four == four.quantize(Decimal("0.01")) else f"{four.normalize():f}"


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros, e.g. VAT rates (20, 17.5)."""
    text = format(value.normalize(), "f")
    return text


def uk_date(moment: datetime | date | None) -> str:
    """DD/MM/YYYY, as the order-status feeds write dates."""
    return moment.strftime("%d/%m/%Y") if moment else ""


def sub(parent: etree._Element, tag: str, text: str = "", **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib)
    if text:
        element.text = text
    return element


def sub_cdata(parent: etree._Element, tag: str, text: str = "", **attrib: str) -> etree._Element:
    """Free text goes in CDATA, as real exports do; empty values stay self-closing."""
    element = etree.SubElement(parent, tag, attrib)
    if text:
        element.text = etree.CDATA(text)
    return element


def document(root: etree._Element, *, bom: bool = False, declaration: bool = True) -> str:
    """The whole document on one line, as the service returns it."""
    body = etree.tostring(root, encoding="unicode")
    head = '<?xml version="1.0" encoding="utf-8"?>' if declaration else ""
    return (BOM if bom else "") + head + body
