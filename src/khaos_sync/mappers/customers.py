"""Khaos companies to shop customer specs, or the reason one is left out (mapping.md §7).

Pure: no database. ``classify`` turns one KSDXMLCustomer record into either a
``CustomerSpec`` (what the shop account and its address book should hold) or
a ``Skip`` with a reason a person can act on. Rules that need every record at
once (two records with one e-mail) live in ``email_collisions``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from khaos_sync.protocol.documents.customers import (
    AddressType,
    Company,
    CompanyAddress,
    Contact,
    MailingStatus,
)
from khaos_sync.protocol.documents.deleted import DeletedEntry

# Khaos's defaults: 1–3 allow "our use" of the customer's details for marketing.
# 4 is catalogues by post and 5 order correspondence only: neither is consent to
# marketing e-mail, and a blank status is never taken as consent.
DEFAULT_OPT_IN_STATUSES = frozenset(
    {
        MailingStatus.ANY_THIRD_PARTIES,
        MailingStatus.SELECTED_THIRD_PARTIES,
        MailingStatus.NO_THIRD_PARTIES,
    }
)
NEVER_OPT_IN = frozenset(
    {
        MailingStatus.ORDERS_ONLY,
        MailingStatus.DO_NOT_USE,
        MailingStatus.GONE_AWAY,
        MailingStatus.DECEASED,
    }
)
DEFAULT_COUNTRY = "GB"  # Khaos itself used to assume GBR when no country was given
COUNTRY_ALIASES = {"UK": "GB"}
OSCAR_TITLES = {"Mr", "Miss", "Mrs", "Ms", "Dr"}
EMAIL_MAX = 254  # Django's EmailField
NAME_MAX = 150  # Django's User.first_name / last_name


class Reason(StrEnum):
    """Why a Khaos record did not become (or update) a shop account."""

    SUPPLIER = "supplier"
    ANONYMISED = "anonymised"
    DO_NOT_USE = "do_not_use"
    GONE_AWAY = "gone_away"
    DECEASED = "deceased"
    DELETED = "deleted"
    MERGED = "merged"
    CLASS_NOT_IMPORTED = "class_not_imported"
    NO_EMAIL = "no_email"
    DUPLICATE_EMAIL = "duplicate_email"
    EMAIL_IN_USE = "email_in_use"
    STAFF_ACCOUNT = "staff_account"
    EMAIL_AMBIGUOUS = "email_ambiguous"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    Reason.SUPPLIER: "a supplier, not a customer",
    Reason.ANONYMISED: "anonymised in Khaos (HIDE_COMPANY)",
    Reason.DO_NOT_USE: "mailing status 6: do not use",
    Reason.GONE_AWAY: "mailing status 7: gone away",
    Reason.DECEASED: "mailing status 8: deceased",
    Reason.DELETED: "deleted in Khaos",
    Reason.MERGED: "merged into another Khaos record",
    Reason.CLASS_NOT_IMPORTED: "company class not configured for import",
    Reason.NO_EMAIL: "no usable e-mail address",
    Reason.DUPLICATE_EMAIL: "another Khaos record has the same e-mail",
    Reason.EMAIL_IN_USE: "the e-mail belongs to a shop account linked to another Khaos record",
    Reason.STAFF_ACCOUNT: "the e-mail belongs to a staff account",
    Reason.EMAIL_AMBIGUOUS: "several shop accounts already use this e-mail",
}
MAILING_STATUS_SKIPS = {
    MailingStatus.DO_NOT_USE: Reason.DO_NOT_USE,
    MailingStatus.GONE_AWAY: Reason.GONE_AWAY,
    MailingStatus.DECEASED: Reason.DECEASED,
}


@dataclass(frozen=True)
class ImportOptions:
    company_classes: frozenset[str] = frozenset()  # empty: every customer class
    opt_in_statuses: frozenset[int] = DEFAULT_OPT_IN_STATUSES


def check_opt_in_statuses(statuses: Iterable[int]) -> frozenset[int]:
    """Refuse a configuration that would opt in people Khaos says must not be mailed."""
    chosen = frozenset(statuses)
    wrong = sorted(chosen & NEVER_OPT_IN) + sorted(s for s in chosen if not 1 <= s <= 8)
    if wrong:
        raise ValueError(
            f"MAILING_STATUS {', '.join(map(str, wrong))} cannot mean marketing consent "
            "(5 is order correspondence only, 6–8 are do not use, gone away, deceased)"
        )
    return chosen


@dataclass(frozen=True)
class AddressSpec:
    title: str
    first_name: str
    last_name: str
    line1: str
    line2: str
    line3: str
    line4: str  # Oscar's town
    state: str
    postcode: str
    country_code: str
    phone_number: str
    notes: str
    is_default_for_billing: bool
    is_default_for_shipping: bool

    def same_place(self) -> tuple[str, ...]:
        return (
            self.title,
            self.first_name,
            self.last_name,
            self.line1,
            self.line2,
            self.line3,
            self.line4,
            self.state,
            self.postcode,
            self.country_code,
        )


@dataclass(frozen=True)
class CustomerSpec:
    company_code: str
    company_id: str
    email: str
    first_name: str
    last_name: str
    mailing_status: int | None
    marketing_consent: bool
    addresses: tuple[AddressSpec, ...]
    notes: tuple[str, ...] = field(default=())
    company_class: str = ""

    @property
    def digest(self) -> str:
        """Changes whenever anything the shop would store changes."""
        text = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def email_key(self) -> str:
        # lower(), not casefold(): the database compares with LOWER() the same way.
        return self.email.lower()


@dataclass(frozen=True)
class Skip:
    company_code: str
    company_id: str
    reason: Reason
    detail: str = ""
    email: str = ""


Decision = CustomerSpec | Skip


def classify(
    company: Company, options: ImportOptions, deleted: Mapping[str, DeletedEntry]
) -> Decision:
    """The spec of one Khaos record, or why it is not imported."""
    code, company_id = company.company_code or "", company.company_id or ""
    reason, detail = exclusion(company, options, deleted)
    if reason is not None:
        return Skip(code, company_id, reason, detail, usable_email(company) or "")
    email = usable_email(company)
    if email is None:
        return Skip(code, company_id, Reason.NO_EMAIL)
    return map_company(company, email, options)


def exclusion(
    company: Company, options: ImportOptions, deleted: Mapping[str, DeletedEntry]
) -> tuple[Reason | None, str]:
    """Records that are not importable customers, whatever their e-mail."""
    if company.supplier:
        return Reason.SUPPLIER, ""
    if company.hide_company:
        return Reason.ANONYMISED, ""
    if company.mailing_status in MAILING_STATUS_SKIPS:
        return MAILING_STATUS_SKIPS[MailingStatus(company.mailing_status)], ""
    entry = deleted.get(company.company_id or "")
    if entry is not None:
        return deletion_reason(entry)
    if options.company_classes and company.company_class not in options.company_classes:
        return Reason.CLASS_NOT_IMPORTED, f"class {company.company_class or '(none)'}"
    return None, ""


def deletion_reason(entry: DeletedEntry) -> tuple[Reason, str]:
    when = f" on {entry.deletion_date.isoformat()}" if entry.deletion_date else ""
    if entry.merged_into:
        return Reason.MERGED, f"merged into company ID {entry.merged_into}{when}"
    return Reason.DELETED, f"deleted{when}"


def map_company(company: Company, email: str, options: ImportOptions) -> CustomerSpec:
    contact = preferred_contact(company)
    addresses, notes = address_book(company)
    return CustomerSpec(
        company_code=company.company_code or "",
        company_id=company.company_id or "",
        email=email,
        first_name=clip(contact.forename if contact else None, NAME_MAX),
        last_name=clip(contact.surname if contact else company.company_name, NAME_MAX),
        mailing_status=company.mailing_status,
        marketing_consent=company.mailing_status in options.opt_in_statuses,
        addresses=addresses,
        notes=notes,
        company_class=company.company_class or "",
    )


# --- e-mail -------------------------------------------------------------------------------


def usable_email(company: Company) -> str | None:
    """The login: WEB_USER when it is an address, else the best contact or address e-mail."""
    for candidate in email_candidates(company):
        email = normalise_email(candidate)
        if email is not None:
            return email
    return None


def email_candidates(company: Company) -> Iterable[str | None]:
    yield company.web_user
    for address in sorted(active_addresses(company), key=invoice_first):
        for contact in sorted(active_contacts(address), key=preferred_first):
            yield contact.email
        yield address.email


def normalise_email(text: str | None) -> str | None:
    """Trimmed, domain in lower case (as Oscar stores it); None when not an address."""
    if not text:
        return None
    email = text.strip()
    if len(email) > EMAIL_MAX or "@" not in email:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    local, domain = email.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def email_collisions(specs: Iterable[CustomerSpec]) -> dict[str, list[str]]:
    """E-mail (lower case) → the company codes sharing it, for e-mails used more than once."""
    codes: dict[str, list[str]] = {}
    for spec in specs:
        codes.setdefault(spec.email_key, []).append(spec.company_code)
    return {email: sorted(found) for email, found in codes.items() if len(found) > 1}


def collision_skip(spec: CustomerSpec, others: list[str]) -> Skip:
    shared = ", ".join(code for code in others if code != spec.company_code)
    return Skip(
        spec.company_code,
        spec.company_id,
        Reason.DUPLICATE_EMAIL,
        f"{spec.email} is also on {shared}",
        spec.email,
    )


# --- contacts and addresses -------------------------------------------------------------


def active_addresses(company: Company) -> list[CompanyAddress]:
    return [a for a in company.addresses if not a.inactive]


def active_contacts(address: CompanyAddress) -> list[Contact]:
    return [c for c in address.contacts if not c.inactive]


def invoice_first(address: CompanyAddress) -> int:
    return 0 if address.addr_type == AddressType.INVOICE else 1


def preferred_first(contact: Contact) -> int:
    return 0 if (contact.is_preferred or contact.is_preferred_invoice) else 1


def preferred_contact(company: Company) -> Contact | None:
    for address in sorted(active_addresses(company), key=invoice_first):
        contacts = sorted(active_contacts(address), key=preferred_first)
        if contacts:
            return contacts[0]
    return None


def address_book(company: Company) -> tuple[tuple[AddressSpec, ...], tuple[str, ...]]:
    """Active addresses with a first line; invoice = billing default, preferred delivery =
    shipping default (the invoice address when none is marked)."""
    addresses = [a for a in active_addresses(company) if a.addr1]
    if not addresses:
        return (), ()
    billing = next((a for a in addresses if a.addr_type == AddressType.INVOICE), addresses[0])
    shipping = (
        next((a for a in addresses if a.is_preferred_delivery), None)
        or next((a for a in addresses if a.addr_type == AddressType.DELIVERY), None)
        or billing
    )
    specs: list[AddressSpec] = []
    notes: list[str] = []
    for address in addresses:
        country = country_code(address.country_code or address.country, company)
        if country is None:
            notes.append(f"address {address.addr1!r} left out: unknown country")
            continue
        spec = address_spec(address, company, country, address is billing, address is shipping)
        specs = merge_same_place(specs, spec)
    return tuple(specs), tuple(notes)


def address_spec(
    address: CompanyAddress, company: Company, country: str, billing: bool, shipping: bool
) -> AddressSpec:
    contact = next(iter(sorted(active_contacts(address), key=preferred_first)), None)
    phone, notes = phone_number(
        address.tel or (contact.tel if contact else None) or (contact.mobile if contact else None),
        country,
    )
    lines = address_lines(address)
    return AddressSpec(
        title=(contact.title or "") if contact and contact.title in OSCAR_TITLES else "",
        first_name=clip(contact.forename if contact else None, 255),
        last_name=clip(contact.surname if contact else company.company_name, 255),
        line1=lines[0],
        line2=lines[1],
        line3=lines[2],
        line4=clip(address.town, 255),
        state=clip(address.county, 255),
        postcode=(address.postcode or "").strip().upper()[:64],
        country_code=country,
        phone_number=phone,
        notes=notes,
        is_default_for_billing=billing,
        is_default_for_shipping=shipping,
    )


def address_lines(address: CompanyAddress) -> tuple[str, str, str]:
    """Oscar has three street lines; the organisation goes first and nothing is lost."""
    parts = [
        clip(p, 255) for p in (address.organisation, address.addr1, address.addr2, address.addr3)
    ]
    lines = [p for p in parts if p]
    if len(lines) > 3:
        lines = [lines[0], lines[1], ", ".join(lines[2:])]
    lines += [""] * (3 - len(lines))
    return lines[0][:255], lines[1][:255], lines[2][:255]


def merge_same_place(specs: list[AddressSpec], new: AddressSpec) -> list[AddressSpec]:
    """One book entry per place: an invoice address that is also the delivery one is one entry."""
    for index, existing in enumerate(specs):
        if existing.same_place() == new.same_place():
            specs[index] = replace(
                existing,
                is_default_for_billing=existing.is_default_for_billing
                or new.is_default_for_billing,
                is_default_for_shipping=existing.is_default_for_shipping
                or new.is_default_for_shipping,
                phone_number=existing.phone_number or new.phone_number,
            )
            return specs
    return [*specs, new]


def country_code(value: str | None, company: Company) -> str | None:
    """ISO 3166-1 alpha-2, from the address, else the company, else the UK."""
    text = (value or company.country_code or company.country or DEFAULT_COUNTRY).strip().upper()
    text = COUNTRY_ALIASES.get(text, text)
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(found.alpha_2)


def phone_number(text: str | None, country: str) -> tuple[str, str]:
    """(E.164 number, "") when it parses; ("", the original) to keep it as a note otherwise."""
    if not text or not text.strip():
        return "", ""
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return "", f"Telephone: {text.strip()}"
    if not phonenumbers.is_valid_number(number):
        return "", f"Telephone: {text.strip()}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), ""


def clip(text: str | None, limit: int) -> str:
    return (text or "").strip()[:limit]
