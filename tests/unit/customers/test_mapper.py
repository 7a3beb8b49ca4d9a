"""Khaos customer records → shop customer specs, or the reason one is left out (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from khaos_sync.mappers.customers import (
    CustomerSpec,
    ImportOptions,
    Reason,
    Skip,
    check_opt_in_statuses,
    classify,
    collision_skip,
    email_collisions,
)
from khaos_sync.protocol.documents.customers import (
    Company,
    CompanyAddress,
    Contact,
    parse_customers,
)
from khaos_sync.protocol.documents.deleted import DeletedEntry, parse_deleted_entries

OPTIONS = ImportOptions()


def contact(**fields: object) -> Contact:
    values: dict[str, object] = dict.fromkeys(Contact.__slots__)
    values.update(title="Mrs", forename="Ada", surname="Lovelace", email="ada@example.com")
    values.update(fields)
    return Contact(**values)  # type: ignore[arg-type]


def address(**fields: object) -> CompanyAddress:
    values: dict[str, object] = dict.fromkeys(CompanyAddress.__slots__)
    values.update(
        addr1="12 Analytical Row",
        town="Grantham",
        county="Lincolnshire",
        postcode="ng31 6xy",
        country_code="GB",
        addr_type=1,
        contacts=(contact(),),
    )
    values.update(fields)
    return CompanyAddress(**values)  # type: ignore[arg-type]


def company(**fields: object) -> Company:
    values: dict[str, object] = dict.fromkeys(Company.__slots__)
    values.update(
        company_id="100001",
        company_code="CU100001",
        company_name="Ada Lovelace",
        company_class="Internet",
        mailing_status=3,
        price_lists=(),
        udas=(),
        addresses=(address(),),
    )
    values.update(fields)
    return Company(**values)  # type: ignore[arg-type]


def spec_of(record: Company, options: ImportOptions = OPTIONS) -> CustomerSpec:
    decision = classify(record, options, {})
    assert isinstance(decision, CustomerSpec), decision
    return decision


def reason_of(record: Company, deleted: dict[str, DeletedEntry] | None = None) -> Reason:
    decision = classify(record, OPTIONS, deleted or {})
    assert isinstance(decision, Skip), decision
    return decision.reason


# --- who is imported ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"supplier": True}, Reason.SUPPLIER),
        ({"hide_company": True}, Reason.ANONYMISED),
        ({"mailing_status": 6}, Reason.DO_NOT_USE),
        ({"mailing_status": 7}, Reason.GONE_AWAY),
        ({"mailing_status": 8}, Reason.DECEASED),
        ({"addresses": (address(contacts=(contact(email=None),)),)}, Reason.NO_EMAIL),
        ({"addresses": (address(contacts=(contact(email="not an address"),)),)}, Reason.NO_EMAIL),
        ({"addresses": ()}, Reason.NO_EMAIL),
    ],
)
def test_records_that_are_not_customers_are_skipped_with_their_reason(fields, reason):
    assert reason_of(company(**fields)) == reason


def test_a_deleted_company_is_skipped_and_a_merged_one_names_its_survivor():
    deleted = DeletedEntry("100001", 5, None, date(2024, 6, 1), None)
    merged = DeletedEntry("100001", 5, "100009", date(2024, 6, 2), None)
    assert reason_of(company(), {"100001": deleted}) == Reason.DELETED
    decision = classify(company(), OPTIONS, {"100001": merged})
    assert isinstance(decision, Skip)
    assert decision.reason == Reason.MERGED
    assert "100009" in decision.detail


def test_deleted_entries_of_the_published_sample_are_merges(khaosws_samples):
    entries = parse_deleted_entries((khaosws_samples / "KSDXMLDeletedEntries.xml").read_bytes())
    by_id = {e.header_id: e for e in entries if e.header_id}
    assert reason_of(company(company_id="71"), by_id) == Reason.MERGED


def test_deleted_entries_of_the_own_fixture_are_a_merge_and_a_deletion(khaosws_fixtures):
    entries = parse_deleted_entries((khaosws_fixtures / "KSDXMLDeletedEntries.xml").read_bytes())
    by_id = {e.header_id: e for e in entries if e.header_id}
    assert reason_of(company(company_id="5501"), by_id) == Reason.MERGED
    assert reason_of(company(company_id="5502"), by_id) == Reason.DELETED


def test_only_the_configured_company_classes_are_imported():
    trade_only = ImportOptions(company_classes=frozenset({"Trade"}))
    decision = classify(company(company_class="Internet"), trade_only, {})
    assert isinstance(decision, Skip) and decision.reason == Reason.CLASS_NOT_IMPORTED
    assert isinstance(classify(company(company_class="Trade"), trade_only, {}), CustomerSpec)


# --- e-mail --------------------------------------------------------------------------------


def test_the_web_user_name_is_the_login_when_it_is_an_email_address():
    assert spec_of(company(web_user="Ada.L@Example.COM")).email == "Ada.L@example.com"


def test_without_a_web_user_the_preferred_contact_email_is_the_login():
    contacts = (
        contact(email="other@example.com"),
        contact(email="pref@example.com", is_preferred=True),
    )
    record = company(web_user="ada_l", addresses=(address(contacts=contacts),))
    assert spec_of(record).email == "pref@example.com"


def test_the_address_email_is_used_when_no_contact_has_one():
    record = company(addresses=(address(email="home@example.com", contacts=(contact(email=""),)),))
    assert spec_of(record).email == "home@example.com"


def test_two_records_with_one_email_collide_whatever_the_case():
    one = spec_of(company(web_user="family@example.com"))
    two = spec_of(company(company_code="CU100002", web_user="FAMILY@example.com"))
    three = spec_of(company(company_code="CU100003", web_user="solo@example.com"))
    collisions = email_collisions([one, two, three])
    assert collisions == {"family@example.com": ["CU100001", "CU100002"]}
    skip = collision_skip(two, collisions["family@example.com"])
    assert skip.reason == Reason.DUPLICATE_EMAIL
    assert "CU100001" in skip.detail


# --- marketing consent ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "consent"), [(1, True), (2, True), (3, True), (4, False), (5, False), (None, False)]
)
def test_marketing_consent_comes_only_from_an_opt_in_mailing_status(status, consent):
    spec = spec_of(company(mailing_status=status))
    assert spec.marketing_consent is consent
    assert spec.mailing_status == status


def test_contact_email_subscription_alone_is_not_consent():
    record = company(
        mailing_status=5, addresses=(address(contacts=(contact(email_subscribe=True),)),)
    )
    assert spec_of(record).marketing_consent is False


@pytest.mark.parametrize("statuses", [[1, 6], [5], [8], [0], [9]])
def test_a_configuration_that_would_opt_in_the_wrong_people_is_refused(statuses):
    with pytest.raises(ValueError, match="MAILING_STATUS"):
        check_opt_in_statuses(statuses)


# --- names and addresses -------------------------------------------------------------------


def test_the_account_is_named_after_the_preferred_contact():
    spec = spec_of(company())
    assert (spec.first_name, spec.last_name) == ("Ada", "Lovelace")


def test_invoice_address_is_the_billing_default_and_preferred_delivery_the_shipping_default():
    invoice = address(addr_type=1, is_preferred_delivery=False)
    office = address(
        addr1="Unit 5",
        organisation="Navy Labs Ltd",
        town="Leeds",
        postcode="LS1 4AP",
        addr_type=2,
        is_preferred_delivery=True,
        contacts=(contact(forename="Grace", surname="Hopper", tel="0113 496 0000"),),
    )
    spec = spec_of(company(addresses=(invoice, office)))
    home, work = spec.addresses
    assert (home.is_default_for_billing, home.is_default_for_shipping) == (True, False)
    assert (work.is_default_for_billing, work.is_default_for_shipping) == (False, True)
    assert (work.line1, work.line2, work.line4) == ("Navy Labs Ltd", "Unit 5", "Leeds")
    assert (work.first_name, work.last_name) == ("Grace", "Hopper")
    assert work.phone_number == "+441134960000"
    assert home.postcode == "NG31 6XY"


def test_a_single_address_is_the_default_for_billing_and_shipping():
    (only,) = spec_of(company()).addresses
    assert only.is_default_for_billing and only.is_default_for_shipping


def test_an_invoice_address_repeated_as_delivery_address_is_one_book_entry():
    same = address()
    spec = spec_of(
        company(addresses=(same, replace(same, addr_type=2, is_preferred_delivery=True)))
    )
    assert len(spec.addresses) == 1
    assert spec.addresses[0].is_default_for_billing and spec.addresses[0].is_default_for_shipping


def test_inactive_addresses_and_addresses_without_a_first_line_are_left_out():
    record = company(
        addresses=(address(), address(addr1="Old House", inactive=True), address(addr1=""))
    )
    assert [a.line1 for a in spec_of(record).addresses] == ["12 Analytical Row"]


def test_no_street_line_is_lost_when_an_organisation_takes_the_first_line():
    record = company(
        addresses=(
            address(
                organisation="Acme", addr1="Unit 1", addr2="Mill Road", addr3="Industrial Estate"
            ),
        )
    )
    (book,) = spec_of(record).addresses
    assert (book.line1, book.line2, book.line3) == (
        "Acme",
        "Unit 1",
        "Mill Road, Industrial Estate",
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [("GB", "GB"), ("UK", "GB"), ("FRA", "FR"), (None, "GB"), ("Ireland", "IE")],
)
def test_countries_become_iso_codes_and_default_to_the_uk(given, expected):
    (book,) = spec_of(company(addresses=(address(country_code=given),))).addresses
    assert book.country_code == expected


def test_an_address_in_an_unknown_country_is_left_out_and_noted():
    spec = spec_of(company(addresses=(address(country_code="ZZ"),)))
    assert spec.addresses == ()
    assert "unknown country" in spec.notes[0]


def test_a_phone_number_that_does_not_parse_is_kept_as_a_note():
    record = company(addresses=(address(tel="ask for Bob"),))
    (book,) = spec_of(record).addresses
    assert book.phone_number == ""
    assert book.notes == "Telephone: ask for Bob"


def test_the_digest_changes_with_anything_the_shop_stores():
    spec = spec_of(company())
    assert spec.digest == spec_of(company()).digest
    assert spec.digest != spec_of(company(mailing_status=1)).digest


# --- the published sample ------------------------------------------------------------------


def test_the_own_fixture_never_yields_a_password(khaosws_fixtures):
    web, trade = parse_customers((khaosws_fixtures / "KSDXMLCustomer.xml").read_bytes())
    decision = classify(web, OPTIONS, {})
    assert decision.email == "priya@example.org"
    assert "not-for-the-shop" not in repr(decision)
    skipped = classify(trade, OPTIONS, {})
    assert isinstance(skipped, Skip) and skipped.reason == Reason.NO_EMAIL


def test_the_published_sample_never_yields_a_password(khaosws_samples):
    records = parse_customers((khaosws_samples / "KSDXMLCustomer.xml").read_bytes())
    for record in records:
        decision = classify(record, OPTIONS, {})
        assert "password" not in repr(decision).lower()
        # The sample's records carry no e-mail at all.
        assert isinstance(decision, Skip) and decision.reason == Reason.NO_EMAIL
