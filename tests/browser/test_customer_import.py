"""Imported customers set a password through "forgotten password"; staff read the report."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from oscar.test.factories import UserFactory

from khaos_sync.simulator.runner import RunningSimulator, run_in_thread
from khaos_sync.sync.customers.flow import import_customers
from tests.integration.customers.records import customers_db

RESET_PATH = re.compile(r"/password-reset/confirm/[^/\s]+/[^/\s]+/")


@pytest.fixture
def khaos(tmp_path: Path) -> Iterator[RunningSimulator]:
    with run_in_thread(customers_db(tmp_path / "sim.sqlite3", 20)) as sim:
        yield sim


def test_an_imported_customer_sets_a_password_and_signs_in(page, live_server, khaos):
    import_customers(url=khaos.url)
    mail.outbox.clear()

    page.goto(f"{live_server.url}/password-reset/")
    page.fill("#id_email", "grace@example.com")
    page.click("#password_reset_form button[type=submit]")
    page.wait_for_url("**/password-reset/done/")

    (message,) = mail.outbox
    assert message.to == ["grace@example.com"]
    link = RESET_PATH.search(message.body)
    assert link, message.body
    page.goto(live_server.url + link.group(0))
    page.fill("#id_new_password1", "Hopper-Compiler-1952")
    page.fill("#id_new_password2", "Hopper-Compiler-1952")
    page.click("#password_reset_form button[type=submit]")
    page.wait_for_url("**/password-reset/complete/")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login-username", "grace@example.com")
    page.fill("#id_login-password", "Hopper-Compiler-1952")
    page.click("button[name=login_submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/accounts/addresses/")
    book = page.locator("body").inner_text()
    assert "1 Compiler Close" in book and "Navy Labs Ltd" in book
    assert "Default shipping address" in book

    # A customer is not staff: the import report stays closed to them.
    response = page.goto(f"{live_server.url}/dashboard/khaos/customers/")
    assert response is not None and response.status == 403
    assert "Navy Labs" not in page.locator("body").inner_text()


def test_a_linked_account_with_its_own_password_gets_one_reset_email(page, live_server, khaos):
    """Accounts someone made in the shop keep Django's own rules: one e-mail, as before."""
    UserFactory(email="survivor@example.com", password="their-own-1")
    import_customers(url=khaos.url)
    mail.outbox.clear()

    page.goto(f"{live_server.url}/password-reset/")
    page.fill("#id_email", "survivor@example.com")
    page.click("#password_reset_form button[type=submit]")
    page.wait_for_url("**/password-reset/done/")
    assert [m.to for m in mail.outbox] == [["survivor@example.com"]]


def test_staff_see_the_import_report_with_skip_reasons(logged_in_page, live_server, khaos):
    import_customers(url=khaos.url)
    page = logged_in_page

    page.goto(f"{live_server.url}/dashboard/khaos/customers/")
    page.click("#customer-imports a")
    reasons = page.locator("#skip-reasons").inner_text()
    for label in ("a supplier, not a customer", "mailing status 8: deceased", "merged into"):
        assert label in reasons

    page.click("#skip-reasons a:has-text('another Khaos record has the same e-mail')")
    rows = page.locator("#import-entries tbody tr")
    assert rows.count() >= 2
    assert "twins@example.com" in page.locator("#import-entries").inner_text().lower()
    assert "supplier" not in page.locator("#import-entries").inner_text()

    with page.expect_download() as download:
        page.click("a:has-text('CSV')")
    assert download.value.suggested_filename.endswith(".csv")
