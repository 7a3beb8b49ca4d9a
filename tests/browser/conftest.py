"""Playwright driving Debian's Chromium (no browser download is possible or needed)."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # A browser, a live server and a synced shop each: left out of the quick loop.
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def admin_user(transactional_db, django_user_model):
    return django_user_model.objects.create_superuser(
        username="staff@example.com", email="staff@example.com", password="dashboard-pass-1"
    )


@pytest.fixture
def logged_in_page(page, live_server, admin_user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login-username", "staff@example.com")
    page.fill("#id_login-password", "dashboard-pass-1")
    page.click("button[name=login_submit]")
    page.wait_for_load_state()
    return page
