"""Khaos customer records for tests: every kind a shop must not import as is, and more."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

from khaos_sync.simulator.generator import generate_customers
from khaos_sync.simulator.model import Address, Contact, Customer
from khaos_sync.simulator.store import Store

CREATED = datetime(2024, 3, 1)
TWO_ADDRESSES = "CU900001"
DELETED = "CU900002"
MERGED = "CU900003"
SURVIVOR = "CU900004"
TWINS = ("CU900005", "CU900006")
NO_EMAIL = "CU900008"


def customer(number: int, email: str, **fields: object) -> Customer:
    contact = Contact("Mrs", "Ada", f"Lovelace{number}", email, "01476 123456")
    address = Address(
        f"{number} Analytical Row",
        "",
        "",
        "Grantham",
        "Lincolnshire",
        "NG31 6XY",
        "GB",
        "",
        email,
        "01476 123456",
        1,
        True,
        [contact],
    )
    values: dict[str, object] = {
        "company_id": number,
        "code": f"CU{number}",
        "name": f"Ada Lovelace{number}",
        "web_user": email,
        "mailing_status": 3,
        "created": CREATED,
        "updated": CREATED,
        "addresses": [address],
        **fields,
    }
    return Customer(**values)  # type: ignore[arg-type]


def two_address_customer() -> Customer:
    """Invoice at home, deliveries to the office (the preferred delivery address)."""
    home = Contact("Dr", "Grace", "Hopper", "grace@example.com", "01476 555111", "07700 900123")
    office = Contact("Dr", "Grace", "Hopper", "grace.work@example.com", "0113 496 0000")
    invoice = Address(
        "1 Compiler Close",
        "Flat 2",
        "",
        "York",
        "North Yorkshire",
        "yo1 7hh",
        "GB",
        "",
        "",
        "",
        1,
        False,
        [home],
    )
    delivery = Address(
        "Unit 5",
        "Harbour Estate",
        "",
        "Leeds",
        "West Yorkshire",
        "LS1 4AP",
        "GB",
        "Navy Labs Ltd",
        "",
        "0113 496 0000",
        2,
        True,
        [office],
    )
    return customer(
        900001,
        "grace@example.com",
        name="Grace Hopper",
        mailing_status=1,
        addresses=[invoice, delivery],
    )


def add_special_customers(store: Store) -> None:
    store.put_customers(
        [
            two_address_customer(),
            customer(900002, "gone.from.khaos@example.com"),
            customer(900003, "merged.away@example.com"),
            customer(900004, "survivor@example.com", mailing_status=4),
            # Two live records share one mailbox: neither may take the login.
            customer(900005, "twins@example.com"),
            customer(900006, "Twins@Example.com"),
            # A deceased record with Grace's e-mail must not keep her out.
            customer(900007, "grace@example.com", mailing_status=8),
            customer(900008, ""),
        ]
    )
    # Deleted and merged after GetCompanyList listed them: the export may still carry them.
    store.add_deleted_entry(900002, "", datetime(2024, 6, 1))
    store.add_deleted_entry(900003, "900004", datetime(2024, 6, 2))


def customers_db(path: Path, count: int, seed: int = 3) -> Path:
    store = Store(path)
    generate_customers(store, random.Random(seed), count)
    add_special_customers(store)
    store.close()
    return path
