"""Customer accounts and address books in Oscar, for the one-time Khaos customer import.

``plan_batch`` only reads: it decides per spec whether the shop would create,
update, link or leave an account (a dry run stops there). ``apply_batch``
writes a planned batch with a handful of bulk queries; the caller wraps it in
one transaction.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import pycountry
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils.crypto import get_random_string
from oscar.core.loading import get_model

from khaos_sync.mappers.customers import AddressSpec, CustomerSpec, Reason
from khaos_sync.sync.customers.models import CustomerBinding

User = get_user_model()
UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")

USERNAME_CHARS = string.ascii_letters + string.digits + "_"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    LINKED = "linked"  # an existing shop account now carries the Khaos code
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class Plan:
    spec: CustomerSpec
    outcome: Outcome
    user: Any = None
    binding: CustomerBinding | None = None
    reason: Reason | None = None
    detail: str = ""


@dataclass
class ShopState:
    """What the shop already holds for one batch of specs."""

    bindings_by_code: dict[str, CustomerBinding]
    bindings_by_user: dict[int, CustomerBinding]
    users_by_email: dict[str, list[Any]]


def load_state(specs: Sequence[CustomerSpec]) -> ShopState:
    codes = [s.company_code for s in specs]
    emails = [s.email_key for s in specs]
    by_email: dict[str, list[Any]] = {}
    users = User.objects.annotate(email_key=Lower("email")).filter(email_key__in=emails)
    for user in users:
        by_email.setdefault(user.email.lower(), []).append(user)
    user_ids = [u.pk for found in by_email.values() for u in found]
    bindings = CustomerBinding.objects.filter(company_code__in=codes).select_related("user")
    by_code = {b.company_code: b for b in bindings if b.company_code}
    by_user = {b.user_id: b for b in CustomerBinding.objects.filter(user_id__in=user_ids)}
    by_user.update({b.user_id: b for b in by_code.values()})
    return ShopState(by_code, by_user, by_email)


def plan_batch(specs: Sequence[CustomerSpec], merged_into: Mapping[str, str]) -> list[Plan]:
    """Decide what to do with each spec; reads the database, writes nothing."""
    state = load_state(specs)
    return [plan_one(spec, state, merged_into) for spec in specs]


def plan_one(spec: CustomerSpec, state: ShopState, merged_into: Mapping[str, str]) -> Plan:
    users = state.users_by_email.get(spec.email_key, [])
    binding = state.bindings_by_code.get(spec.company_code)
    if binding is not None:
        return plan_bound(spec, binding, users)
    if len(users) > 1:
        ids = ", ".join(f"#{u.pk}" for u in users)
        return skipped(spec, Reason.EMAIL_AMBIGUOUS, f"{spec.email}: accounts {ids}")
    if not users:
        return Plan(spec, Outcome.CREATED)
    user = users[0]
    if user.is_staff or user.is_superuser:
        return skipped(spec, Reason.STAFF_ACCOUNT, f"{spec.email}: account #{user.pk}")
    existing = state.bindings_by_user.get(user.pk)
    if existing is None:
        return Plan(spec, Outcome.LINKED, user=user)
    # The account's Khaos record was merged into this one: follow the merge.
    if not existing.company_code or merged_into.get(existing.company_id) == spec.company_id:
        return Plan(spec, Outcome.LINKED, user=user, binding=existing)
    return skipped(
        spec, Reason.EMAIL_IN_USE, f"{spec.email}: account #{user.pk} is {existing.company_code}"
    )


def plan_bound(spec: CustomerSpec, binding: CustomerBinding, users: list[Any]) -> Plan:
    others = [u for u in users if u.pk != binding.user_id]
    if others:
        detail = f"{spec.email}: account #{others[0].pk}, not #{binding.user_id}"
        return skipped(spec, Reason.EMAIL_IN_USE, detail)
    if binding.synced_hash == spec.digest:
        return Plan(spec, Outcome.UNCHANGED, user=binding.user, binding=binding)
    return Plan(spec, Outcome.UPDATED, user=binding.user, binding=binding)


def skipped(spec: CustomerSpec, reason: Reason, detail: str) -> Plan:
    return Plan(spec, Outcome.SKIPPED, reason=reason, detail=detail)


# --- writing -----------------------------------------------------------------------------


def apply_batch(plans: Sequence[Plan], now: datetime) -> None:
    """Write one planned batch: accounts, bindings, address books (caller's transaction)."""
    writing = [p for p in plans if p.outcome in WRITES]
    follows = {id(p) for p in writing if follows_khaos(p)}  # decided before bindings change
    create_accounts([p for p in writing if p.outcome == Outcome.CREATED])
    update_accounts([p for p in writing if p.outcome == Outcome.UPDATED and id(p) in follows])
    save_bindings(writing, now)
    save_addresses(writing, follows)


WRITES = (Outcome.CREATED, Outcome.UPDATED, Outcome.LINKED)


def follows_khaos(plan: Plan) -> bool:
    """Accounts the import made follow Khaos; names, e-mail and default addresses of an
    account someone made in the shop are theirs."""
    if plan.outcome == Outcome.CREATED:
        return True
    binding = plan.binding
    return binding is not None and binding.source == CustomerBinding.Source.CUSTOMER_IMPORT


def create_accounts(plans: Sequence[Plan]) -> None:
    users = [new_user(p.spec) for p in plans]
    User.objects.bulk_create(users)
    for plan, user in zip(plans, users, strict=True):
        plan.user = user


def new_user(spec: CustomerSpec) -> Any:
    # Oscar logs in by e-mail; the username only has to be unique, as in Oscar's own sign-up.
    user = User(
        username=get_random_string(30, USERNAME_CHARS),
        email=spec.email,
        first_name=spec.first_name,
        last_name=spec.last_name,
    )
    user.set_unusable_password()  # no password comes from Khaos: "forgotten password" sets one
    return user


def update_accounts(plans: Sequence[Plan]) -> None:
    users = []
    for plan in plans:
        user = plan.user
        user.email, user.first_name, user.last_name = (
            plan.spec.email,
            plan.spec.first_name,
            plan.spec.last_name,
        )
        users.append(user)
    User.objects.bulk_update(users, ["email", "first_name", "last_name"])


def save_bindings(plans: Sequence[Plan], now: datetime) -> None:
    fresh, changed = [], []
    for plan in plans:
        binding = plan.binding
        if binding is None:
            binding = CustomerBinding(user=plan.user, source=CustomerBinding.Source.CUSTOMER_IMPORT)
            fresh.append(binding)
        else:
            changed.append(binding)
        fill_binding(binding, plan.spec, now)
        plan.binding = binding
    CustomerBinding.objects.bulk_create(fresh)
    CustomerBinding.objects.bulk_update(changed, BINDING_FIELDS)


BINDING_FIELDS = [
    "company_code",
    "company_id",
    "company_class",
    "synced_hash",
    "synced_at",
    "marketing_consent",
    "mailing_status",
    "consent_recorded_at",
]


def fill_binding(binding: CustomerBinding, spec: CustomerSpec, now: datetime) -> None:
    binding.company_code = spec.company_code
    binding.company_id = spec.company_id
    binding.company_class = spec.company_class
    binding.synced_hash = spec.digest
    binding.synced_at = now
    binding.marketing_consent = spec.marketing_consent
    binding.mailing_status = spec.mailing_status
    binding.consent_recorded_at = now


# --- address books -----------------------------------------------------------------------


def save_addresses(plans: Sequence[Plan], follows: set[int]) -> None:
    """Add what is missing, refresh what is there; never delete (the customer may have
    edited their book). Entries are matched by Oscar's own address hash."""
    countries = ensure_countries({a.country_code for p in plans for a in p.spec.addresses})
    user_ids = [p.user.pk for p in plans if p.outcome != Outcome.CREATED]
    existing = existing_addresses(user_ids)
    has_default = defaults_held(existing.values())
    fresh, changed, cleared = [], [], set()
    for plan in plans:
        follow_khaos = id(plan) in follows
        for spec in plan.spec.addresses:
            address = build_address(plan.user, spec, countries[spec.country_code])
            if not follow_khaos:
                keep_own_defaults(address, plan.user.pk, has_default)
            if address.is_default_for_shipping or address.is_default_for_billing:
                cleared.add(plan.user.pk)
            found = existing.get((plan.user.pk, address.hash))
            if found is None:
                fresh.append(address)
            else:
                refresh(found, address, follow_khaos)
                changed.append(found)
    clear_defaults(cleared, fresh + changed)
    UserAddress.objects.bulk_update(
        changed, ["phone_number", "notes", "is_default_for_shipping", "is_default_for_billing"]
    )
    UserAddress.objects.bulk_create(fresh)


def build_address(user: Any, spec: AddressSpec, country: Any) -> Any:
    address = UserAddress(
        user=user,
        title=spec.title,
        first_name=spec.first_name,
        last_name=spec.last_name,
        line1=spec.line1,
        line2=spec.line2,
        line3=spec.line3,
        line4=spec.line4,
        state=spec.state,
        postcode=spec.postcode,
        country=country,
        phone_number=spec.phone_number,
        notes=spec.notes,
        is_default_for_shipping=spec.is_default_for_shipping,
        is_default_for_billing=spec.is_default_for_billing,
    )
    # bulk_create skips save(), which is where Oscar fills these two.
    address.hash = address.generate_hash()
    address._update_search_text()
    return address


def existing_addresses(user_ids: Sequence[int]) -> dict[tuple[int, str], Any]:
    if not user_ids:
        return {}
    rows = UserAddress.objects.filter(user_id__in=user_ids)
    return {(a.user_id, a.hash): a for a in rows}


def defaults_held(addresses: Iterable[Any]) -> set[tuple[int, str]]:
    held = set()
    for address in addresses:
        if address.is_default_for_shipping:
            held.add((address.user_id, "shipping"))
        if address.is_default_for_billing:
            held.add((address.user_id, "billing"))
    return held


def keep_own_defaults(address: Any, user_id: int, held: set[tuple[int, str]]) -> None:
    """An existing shop account keeps the defaults its owner chose."""
    if (user_id, "shipping") in held:
        address.is_default_for_shipping = False
    if (user_id, "billing") in held:
        address.is_default_for_billing = False


def refresh(found: Any, address: Any, follow_khaos: bool) -> None:
    found.phone_number = address.phone_number or found.phone_number
    found.notes = address.notes or found.notes
    # An account the customer made keeps its defaults; the import only fills a gap
    # (``keep_own_defaults`` already dropped the flags where the owner chose one).
    keep = not follow_khaos
    found.is_default_for_shipping = address.is_default_for_shipping or (
        keep and found.is_default_for_shipping
    )
    found.is_default_for_billing = address.is_default_for_billing or (
        keep and found.is_default_for_billing
    )


def clear_defaults(user_ids: set[int], keep: Sequence[Any]) -> None:
    """One default of each kind per account, as Oscar's save() would ensure."""
    if not user_ids:
        return
    kept = [a.pk for a in keep if a.pk]
    stale = UserAddress.objects.filter(user_id__in=user_ids).exclude(pk__in=kept)
    shipping = {a.user_id for a in keep if a.is_default_for_shipping}
    billing = {a.user_id for a in keep if a.is_default_for_billing}
    stale.filter(user_id__in=shipping).update(is_default_for_shipping=False)
    stale.filter(user_id__in=billing).update(is_default_for_billing=False)


def ensure_countries(codes: Iterable[str]) -> dict[str, Any]:
    """Country rows for the codes; a missing one is added but not made a shipping country
    (where the shop delivers is the shop's decision, not the import's)."""
    wanted = set(codes)
    found = {c.iso_3166_1_a2: c for c in Country.objects.filter(iso_3166_1_a2__in=wanted)}
    for code in sorted(wanted - set(found)):
        found[code] = Country.objects.create(**country_fields(code))
    return found


def country_fields(code: str) -> dict[str, Any]:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise ValueError(f"unknown country code {code!r}")
    return {
        "iso_3166_1_a2": code,
        "iso_3166_1_a3": country.alpha_3,
        "iso_3166_1_numeric": country.numeric,
        "printable_name": getattr(country, "common_name", country.name),
        "name": getattr(country, "official_name", country.name),
        "is_shipping_country": False,
    }
