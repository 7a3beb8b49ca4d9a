"""The one-time customer import against the Khaos simulator, through real SOAP."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from oscar.core.loading import get_model
from oscar.test.factories import UserAddressFactory, UserFactory

from khaos_sync.sync.core.models import FailedItem, FlowLock, SyncRun
from khaos_sync.sync.core.registry import flow
from khaos_sync.sync.customers.flow import AlreadyImported, import_customers
from khaos_sync.sync.customers.models import CustomerBinding, CustomerImport, CustomerImportEntry

from .records import DELETED, MERGED, NO_EMAIL, SURVIVOR, TWINS, TWO_ADDRESSES, customer

User = get_user_model()
UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")

EVERY_SKIP_REASON = {
    "supplier",
    "anonymised",
    "do_not_use",
    "gone_away",
    "deceased",
    "no_email",
    "duplicate_email",
    "deleted",
    "merged",
}


def entries_by_code(report) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {e.company_code: e for e in report.entries}


@pytest.mark.slow
@pytest.mark.django_db
def test_five_thousand_customers_are_imported_once_and_a_forced_run_updates_without_duplicates(
    big_khaos,
):
    report = import_customers(url=big_khaos.url)

    totals = report.totals
    assert len(report.entries) == 5008
    assert set(report.reasons) >= EVERY_SKIP_REASON
    assert totals["created"] > 2500 and "failed" not in totals
    by_code = entries_by_code(report)
    assert by_code["CU100002"].reason == "supplier"
    assert by_code["CU100003"].reason == "anonymised"
    assert [by_code[c].reason for c in ("CU100004", "CU100005", "CU100006")] == [
        "do_not_use",
        "gone_away",
        "deceased",
    ]
    assert by_code[NO_EMAIL].reason == "no_email"
    assert by_code[DELETED].reason == "deleted"
    assert by_code[MERGED].reason == "merged" and "900004" in by_code[MERGED].detail
    # A shared mailbox: neither record owns the login, and the report names both.
    assert report.collisions()["twins@example.com"] == list(TWINS)
    assert "CU900006" in by_code["CU900005"].detail
    assert not User.objects.filter(email__iexact="twins@example.com").exists()
    # A record that is not imported anyway (deceased) does not block a live one.
    assert by_code[TWO_ADDRESSES].outcome == "created"
    assert by_code["CU900007"].reason == "deceased"

    # One account per created record, one login per e-mail, none with a password.
    users = User.objects.all()
    assert users.count() == totals["created"]
    assert users.annotate(e=Lower("email")).values("e").distinct().count() == users.count()
    assert not any(u.has_usable_password() for u in users)
    bound = set(CustomerBinding.objects.values_list("company_code", flat=True))
    created = {e.company_code for e in report.entries if e.outcome == "created"}
    assert bound == created
    skipped = {e.company_code for e in report.entries if e.outcome == "skipped"}
    assert not bound & skipped
    assert UserAddress.objects.filter(is_default_for_shipping=True).count() == len(created)

    # Consent only where MAILING_STATUS is an opt-in (1–3).
    consenting = CustomerBinding.objects.filter(marketing_consent=True)
    assert consenting.exists()
    assert set(consenting.values_list("mailing_status", flat=True)) <= {1, 2, 3}
    assert not CustomerBinding.objects.filter(
        mailing_status__in=[4, 5], marketing_consent=True
    ).exists()

    # The report: in the database for the dashboard, and as JSON and CSV files.
    record = CustomerImport.objects.get()
    assert record.state == "finished" and record.totals == totals
    assert CustomerImportEntry.objects.filter(customer_import=record).count() == 5008
    written = json.loads((Path(settings.DATA_DIR) / record.report_json).read_text())
    assert written["records"] == 5008
    assert written["skipped_by_reason"]["supplier"]["count"] == report.reasons["supplier"]
    with (Path(settings.DATA_DIR) / record.report_csv).open(newline="") as rows:
        assert sum(1 for _ in csv.DictReader(rows)) == 5008

    # One-time: a second run is refused and changes nothing.
    with pytest.raises(AlreadyImported, match="--force"):
        import_customers(url=big_khaos.url)
    assert CustomerImport.objects.count() == 1

    # A person renames a customer in Khaos; --force updates that one account only.
    code = sorted(created)[0]
    khaos_record = big_khaos.store.customers_where("code = ?", (code,))[0]
    address = khaos_record.addresses[0]
    renamed = replace(address.contacts[0], surname="Renamed")
    khaos_record.addresses = [replace(address, contacts=[renamed])]
    big_khaos.store.put_customers([khaos_record])

    forced = import_customers(url=big_khaos.url, force=True)
    assert forced.totals["updated"] == 1
    assert forced.totals["unchanged"] == len(created) - 1
    assert User.objects.count() == len(created)
    assert CustomerBinding.objects.get(company_code=code).user.last_name == "Renamed"
    assert CustomerImport.objects.filter(forced=True, state="finished").count() == 1


def shop_rows() -> dict[str, int]:
    models = [User, CustomerBinding, UserAddress, Country, SyncRun, CustomerImport, FailedItem]
    counts = {m.__name__: m.objects.count() for m in models}
    counts["FlowLock"] = FlowLock.objects.count()
    return counts


def report_files() -> set[Path]:
    folder = Path(settings.DATA_DIR) / "reports"
    return set(folder.rglob("*")) if folder.exists() else set()


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_says_what_an_import_would_do(khaos):
    UserFactory(email="survivor@example.com")
    before, files = shop_rows(), report_files()

    report = import_customers(url=khaos.url, dry_run=True)

    assert shop_rows() == before
    assert report_files() == files
    by_code = entries_by_code(report)
    assert report.dry_run and report.totals["created"] > 20
    assert by_code[TWO_ADDRESSES].outcome == "created"
    assert by_code[SURVIVOR].outcome == "linked"
    # And the real import then does exactly that.
    real = import_customers(url=khaos.url)
    assert {c: e.outcome for c, e in entries_by_code(real).items()} == {
        c: e.outcome for c, e in by_code.items()
    }


@pytest.mark.django_db
def test_an_imported_customer_gets_an_address_book_with_invoice_and_delivery_addresses(khaos):
    import_customers(url=khaos.url)

    grace = User.objects.get(email="grace@example.com")
    assert (grace.first_name, grace.last_name) == ("Grace", "Hopper")
    assert not grace.has_usable_password()
    billing = grace.addresses.get(is_default_for_billing=True)
    shipping = grace.addresses.get(is_default_for_shipping=True)
    assert grace.addresses.count() == 2
    assert (billing.line1, billing.line2, billing.line4, billing.postcode) == (
        "1 Compiler Close",
        "Flat 2",
        "York",
        "YO1 7HH",
    )
    assert (shipping.line1, shipping.line2, shipping.line4) == (
        "Navy Labs Ltd",
        "Unit 5",
        "Leeds",
    )
    assert str(shipping.phone_number) == "+441134960000"
    assert billing.country.iso_3166_1_a2 == "GB"
    binding = CustomerBinding.objects.get(user=grace)
    assert (binding.company_code, binding.marketing_consent, binding.mailing_status) == (
        TWO_ADDRESSES,
        True,
        1,
    )
    survivor = CustomerBinding.objects.get(company_code=SURVIVOR)
    assert survivor.marketing_consent is False  # status 4: catalogues by post only


@pytest.mark.django_db
def test_an_existing_shop_account_with_the_same_email_is_linked_not_duplicated(khaos):
    own = UserFactory(email="Survivor@Example.com", first_name="Sam", password="their-own-1")
    home = UserAddressFactory(user=own, is_default_for_shipping=True, is_default_for_billing=True)
    staff = UserFactory(email="grace@example.com", is_staff=True)

    report = import_customers(url=khaos.url)

    by_code = entries_by_code(report)
    assert by_code[SURVIVOR].outcome == "linked"
    assert User.objects.filter(email__iexact="survivor@example.com").count() == 1
    own.refresh_from_db()
    assert own.khaos_customer.company_code == SURVIVOR
    assert own.check_password("their-own-1") and own.first_name == "Sam"
    # Khaos's address joins the book; the defaults the customer chose stay theirs.
    assert own.addresses.count() == 2
    assert own.addresses.get(is_default_for_shipping=True) == home
    assert own.addresses.get(is_default_for_billing=True) == home
    assert by_code[TWO_ADDRESSES].reason == "staff_account"
    assert not CustomerBinding.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_a_record_merged_in_khaos_moves_its_account_to_the_surviving_record(khaos):
    khaos.store.put_customers([customer(900010, "mover@example.com")])
    import_customers(url=khaos.url)
    mover = User.objects.get(email="mover@example.com")
    assert mover.khaos_customer.company_code == "CU900010"

    # A person merges the record into a newer one that carries the same e-mail.
    khaos.store.put_customers([customer(900011, "mover@example.com")])
    khaos.store.add_deleted_entry(900010, "900011", khaos.store.now())
    report = import_customers(url=khaos.url, force=True)

    by_code = entries_by_code(report)
    assert by_code["CU900010"].reason == "merged"
    assert by_code["CU900011"].outcome == "linked"
    assert User.objects.filter(email="mover@example.com").count() == 1
    mover.refresh_from_db()
    assert mover.khaos_customer.company_code == "CU900011"


@pytest.fixture
def configured(khaos, settings):
    """The shop pointed at the simulator, exporting ten codes per call."""
    config = {section: dict(values) for section, values in settings.KHAOS_SYNC.items()}
    config["customers"]["export_chunk"] = 10
    config["khaos"]["url"] = khaos.url
    settings.KHAOS_SYNC = config
    return khaos


@pytest.mark.django_db
def test_a_refused_export_is_logged_and_a_person_retries_it_from_the_failed_items(configured):
    configured.control.set_faults("ExportCompany:soap-fault@times=1")

    report = import_customers()

    failed = [e.company_code for e in report.entries if e.outcome == "failed"]
    assert len(failed) == 10
    assert report.totals["created"] > 10  # the other chunks went on
    item = FailedItem.objects.get(flow="customers")
    assert item.state == "open" and "SoapFault" in item.traceback
    assert SyncRun.objects.get(flow="customers").outcome == "partial"
    assert not CustomerBinding.objects.filter(company_code__in=failed).exists()

    flow("customers").retry(item)  # the dashboard's retry button

    item.refresh_from_db()
    assert item.state == "resolved"
    assert CustomerBinding.objects.filter(company_code__in=failed).exists()
    # Nothing of that chunk is left to import.
    after = entries_by_code(import_customers(dry_run=True))
    assert {after[code].outcome for code in failed} <= {"unchanged", "skipped"}
