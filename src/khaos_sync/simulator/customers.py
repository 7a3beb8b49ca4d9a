"""Customer matching and creation for imported orders, the way Khaos dedupes.

With IS_NEW_CUSTOMER -1 a new record is always made. Otherwise Khaos tries, in
order: COMPANY_CODE, OTHER_REF, WEB_USER, then surname + postcode of the
invoice address. Suppliers are never matched. No match means a new customer
with a new URN.
"""

from __future__ import annotations

from khaos_sync.simulator.incoming import IncomingOrder, OrderRefused
from khaos_sync.simulator.model import Address, Contact, Customer
from khaos_sync.simulator.store import Store, normalise_postcode


def match_or_create_customer(store: Store, incoming: IncomingOrder) -> tuple[Customer, bool]:
    if incoming.customer.get("IS_NEW_CUSTOMER", "").strip() != "-1":
        found = find_customer(store, incoming)
        if found is not None:
            return found, False
    return create_customer(store, incoming), True


def find_customer(store: Store, incoming: IncomingOrder) -> Customer | None:
    detail, address = incoming.customer, incoming.invoice_address
    attempts = [
        ("code = ?", detail.get("COMPANY_CODE", "").strip()),
        ("other_ref = ?", detail.get("OTHER_REF", "").strip()),
        ("web_user = ?", detail.get("WEB_USER", "").strip().lower()),
    ]
    for where, value in attempts:
        if value and (found := _first(store, where, (value,))):
            return found
    surname = address.get("ISURNAME", "").strip().lower()
    postcode = normalise_postcode(address.get("IPOSTCODE", ""))
    if surname and postcode:
        return _first(store, "surname = ? AND postcode = ?", (surname, postcode))
    return None


def _first(store: Store, where: str, params: tuple[str, ...]) -> Customer | None:
    candidates = store.customers_where(f"{where} ORDER BY company_id", params)
    return next((c for c in candidates if not c.supplier), None)


REQUIRED_FOR_NEW = ("IADDRESS1", "ITOWN", "IPOSTCODE", "ISURNAME")


def create_customer(store: Store, incoming: IncomingOrder) -> Customer:
    detail, inv = incoming.customer, incoming.invoice_address
    missing = [tag for tag in REQUIRED_FOR_NEW if not inv.get(tag, "").strip()]
    if missing:
        raise OrderRefused(f"New customer needs {', '.join(missing)} in the invoice address")
    company_id = store.next_number("customer")
    contact = Contact(
        title=inv.get("ITITLE", "").strip(),
        forename=inv.get("IFORENAME", "").strip(),
        surname=inv.get("ISURNAME", "").strip(),
        email=inv.get("IEMAIL", "").strip(),
        tel=inv.get("ITEL", "").strip(),
        mobile=inv.get("IMOBILE", "").strip(),
    )
    addresses = [_address(inv, "I", contact, addr_type=1)]
    if incoming.delivery_address.get("DADDRESS1", "").strip():
        delivery_contact = Contact(
            forename=incoming.delivery_address.get("DFORENAME", "").strip(),
            surname=incoming.delivery_address.get("DSURNAME", "").strip(),
        )
        addresses.append(_address(incoming.delivery_address, "D", delivery_contact, addr_type=2))
    company_class = detail.get("COMPANY_CLASS", "").strip()
    now = store.now()
    customer = Customer(
        company_id=company_id,
        code=f"CU{company_id}",
        name=detail.get("COMPANY_NAME", "").strip()
        or " ".join(p for p in (contact.forename, contact.surname) if p),
        other_ref=detail.get("OTHER_REF", "").strip(),
        web_user=detail.get("WEB_USER", "").strip(),
        company_class=company_class or "Internet",
        company_type=detail.get("COMPANY_TYPE", "").strip() or "Consumer",
        source_code=detail.get("SOURCE_CODE", "").strip(),
        mailing_status=int(detail.get("MAILING_STATUS", "").strip() or 3),
        created=now,
        updated=now,
        addresses=addresses,
    )
    store.put_customers([customer])
    return customer


def _address(fields: dict[str, str], prefix: str, contact: Contact, *, addr_type: int) -> Address:
    def get(name: str) -> str:
        return fields.get(prefix + name, "").strip()

    return Address(
        addr1=get("ADDRESS1"),
        addr2=get("ADDRESS2"),
        addr3=get("ADDRESS3"),
        town=get("TOWN"),
        county=get("COUNTY"),
        postcode=get("POSTCODE"),
        country_code=get("COUNTRY_CODE") or "GBR",
        organisation=get("ORGANISATION"),
        email=get("EMAIL"),
        tel=get("TEL"),
        addr_type=addr_type,
        preferred_delivery=addr_type == 2,
        contacts=[contact],
    )
