"""Configuration data of the simulated Khaos Control system.

A real system's lists come from its "System Data" screens; these are a
plausible UK retailer's, fixed so tests can rely on them.
"""

from __future__ import annotations

from decimal import Decimal

VERSION = "8.193.12 (KhaosKSD simulator)"

SITES: list[tuple[int, str]] = [(1, "Warehouse"), (2, "Shop"), (3, "Returns")]
DEFAULT_SITE_ID = 1

WEBSITE_NAME = "Web Store"
WEBSITE_ID = 1

SALES_SOURCES = ["INTERNET", "TELEPHONE", "MAIL ORDER", "EBAY", "AMAZON", "SHOP"]
COMPANY_CLASSES = ["Internet", "Retail", "Trade", "Mail Order", "Staff"]
# How each company class calculates its orders: from gross prices or from net prices.
CLASS_METHODS: dict[str, str] = {
    "Web": "gross",
    **dict.fromkeys(COMPANY_CLASSES, "gross"),
    "Trade Net": "net",
}
BRANDS = ["Web Store", "Outlet"]
SUPPLIER_CLASSES = ["Supplier", "Drop Ship Supplier"]
COMPANY_TYPES = ["Consumer", "Business", "Charity"]
COMPANY_STATUSES = ["Active", "On Hold", "Closed", "Bad Debt"]
MANUFACTURERS = ["Acme Outdoor", "Brightwell & Co", "Cotswold Craft", "Dales Textiles", "Evergreen"]
AGENTS = ["House", "North Region", "South Region"]
KEYCODE_TYPES = ["Catalogue", "Email", "Voucher", "Affiliate"]
KEYCODES = ["SPRING10", "WELCOME5", "NEWS-24"]

# Khaos's VAT rate codes on order lines (TAX_RATE) and the percentages behind them.
TAX_CODES: dict[str, Decimal] = {"1": Decimal("20"), "2": Decimal("0"), "4": Decimal("5")}
STANDARD_RATE = Decimal("20")

COURIERS: dict[str, tuple[str, str]] = {
    # code: (name, tracking URL template: {ref} is the consignment reference)
    "RM48": (
        "Royal Mail Tracked 48",
        "https://www.royalmail.com/track-your-item#/tracking-results/{ref}",
    ),
    "DPD": ("DPD Next Day", "https://track.dpd.co.uk/parcels/{ref}"),
    "EVRI": ("Evri", "https://www.evri.com/track/parcel/{ref}"),
    "COLL": ("Click and Collect", ""),
}
DEFAULT_COURIER = "RM48"
DEFAULT_DELIVERY_GROSS = Decimal("4.95")

INVOICE_STAGES: dict[int, str] = {
    9: "RELEASED",
    10: "STAGING",
    11: "AUTHORISEPAYMENT",
    12: "PRINTPICKING",
    13: "PACKBOXES",
    14: "SHIP",
    15: "PRINTINVOICES",
    16: "ISSUEINVOICES",
    17: "FUTUREDATE",
    18: "FUTURESTOCK",
    19: "MANUALHOLD",
    20: "PROCESSING",
    21: "FUTURETERMS",
    70: "ISSUED",
    71: "ARCHIVED",
}
ISSUED_STAGES = frozenset({70, 71})

# CountryName, CountryCode2, CountryCode3, EUMember, PaysVAT, CurrencyName, CurrencyCode, Zone
COUNTRIES: list[tuple[str, str, str, bool, bool, str, str, str]] = [
    ("United Kingdom", "GB", "GBR", False, True, "Pounds Sterling", "GBP", "UK"),
    ("Ireland", "IE", "IRL", True, True, "Euro", "EUR", "Europe"),
    ("France", "FR", "FRA", True, True, "Euro", "EUR", "Europe"),
    ("Germany", "DE", "DEU", True, True, "Euro", "EUR", "Europe"),
    ("Spain", "ES", "ESP", True, True, "Euro", "EUR", "Europe"),
    ("Netherlands", "NL", "NLD", True, True, "Euro", "EUR", "Europe"),
    ("Jersey", "JE", "JEY", False, False, "Pounds Sterling", "GBP", "Channel Islands"),
    ("Guernsey", "GG", "GGY", False, False, "Pounds Sterling", "GBP", "Channel Islands"),
    ("United States", "US", "USA", False, False, "US Dollar", "USD", "World"),
    ("Australia", "AU", "AUS", False, False, "Australian Dollar", "AUD", "World"),
]

# Longest values Khaos accepts on import (KSDXMLImportFormat), by element name.
FIELD_LIMITS: dict[str, int] = {
    "COMPANY_CODE": 10,
    "COMPANY_NAME": 50,
    "OTHER_REF": 30,
    "WEB_USER": 50,
    "ADDRESS1": 35,
    "ADDRESS2": 35,
    "ADDRESS3": 35,
    "TOWN": 35,
    "COUNTY": 35,
    "POSTCODE": 10,
    "TITLE": 20,
    "FORENAME": 50,
    "SURNAME": 50,
    "TEL": 19,
    "MOBILE": 19,
    "FAX": 19,
    "EMAIL": 50,
    "ASSOCIATED_REF": 15,
    "PO_NUMBER": 30,
    "ORDER_NOTE": 2000,
    "INVOICE_NOTE": 2000,
    "COURIER_NOTE": 255,
    "STOCK_DESC": 250,
}
# Longest line of fields that take any number of lines.
LINE_LIMITS: dict[str, int] = {"EXTENDED_DESC": 150}
