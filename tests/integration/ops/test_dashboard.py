"""The Khaos section of the dashboard: staff with its permissions only, every change a CSRF-checked POST."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khaos_sync.sync.core.golive import writes_allowed
from khaos_sync.sync.core.models import FailedItem, SyncRun
from tests.access import EVERY_KHAOS_PERMISSION, logged_in, staff_with
from tests.integration.ops.flows import fail_item, register, sleeping_flow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_flows")]

PAGES = ["index", "runs", "failures"]


@pytest.fixture
def staff(django_user_model):  # type: ignore[no-untyped-def]
    return logged_in(staff_with(django_user_model, *EVERY_KHAOS_PERMISSION))


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_login(client, page):
    response = client.get(reverse(f"khaos-dashboard:{page}"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_customers_are_kept_out(client, django_user_model):
    customer = django_user_model.objects.create_user(username="c", email="c@example.com")
    client.force_login(customer)
    assert client.get(reverse("khaos-dashboard:index")).status_code == 403
    item = fail_item("alpha", "ACM001")
    client.post(reverse("khaos-dashboard:failure-retry", args=[item.pk]))
    assert FailedItem.objects.get().attempts == 1


def test_the_overview_shows_flows_connection_and_the_khaos_menu(staff):
    register("alpha", sleeping_flow("alpha", 0))
    page = staff.get(reverse("khaos-dashboard:index")).content.decode()
    assert "No call to Khaos has been made" in page
    assert 'data-flow="alpha"' in page
    assert "Khaos" in page and reverse("khaos-dashboard:failures") in page


def test_posts_without_a_csrf_token_are_refused(staff):
    assert staff.post(reverse("khaos-dashboard:golive"), {"mode": "dry_run"}).status_code == 403
    assert writes_allowed()


def test_the_go_live_switch(staff):
    page = staff.get(reverse("khaos-dashboard:index"))
    token = page.cookies["csrftoken"].value
    staff.post(reverse("khaos-dashboard:golive"), {"mode": "dry_run", "csrfmiddlewaretoken": token})
    assert not writes_allowed()
    assert "Dry run" in staff.get(reverse("khaos-dashboard:index")).content.decode()
    live = {"mode": "live", "confirm": "on", "csrfmiddlewaretoken": token}
    staff.post(reverse("khaos-dashboard:golive"), live)
    assert writes_allowed()


def test_run_pages_list_runs_with_their_counts(staff):
    register("alpha", sleeping_flow("alpha", 0))
    run = SyncRun.objects.create(
        flow="alpha", started_at="2026-01-02T03:04:05Z", outcome="partial", created=7
    )
    listing = staff.get(reverse("khaos-dashboard:runs") + "?flow=alpha").content.decode()
    assert f"#{run.pk}" in listing
    detail = staff.get(reverse("khaos-dashboard:run", args=[run.pk])).content.decode()
    assert "Succeeded with failed items" in detail
    assert f"Alpha run #{run.pk}" in detail  # the flow's label, from its registration
