"""The Khaos section checks Django permissions, like Oscar's dashboard: staff status alone opens nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from khaos_sync.dashboard.access import (
    GO_LIVE,
    IMPORT_CUSTOMERS,
    OPERATE,
    OPERATOR_GROUP,
    VIEW,
    ensure_operator_group,
)
from khaos_sync.sync.core.golive import writes_allowed
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.customers.models import CustomerImport
from khaos_sync.sync.images.models import ImageImportJob
from khaos_sync.sync.orders.models import OrderExport
from tests.access import logged_in, staff_with
from tests.integration.ops.flows import fail_item, register, sleeping_flow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_flows")]


def post(client, url, data=None, **extra):
    client.get("/dashboard/login/")
    token = client.cookies["csrftoken"].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token}, **extra)


@pytest.fixture
def item():
    """A failed item of a flow whose retry always goes through."""
    register("alpha", sleeping_flow("alpha", 0), retry=lambda failed: None)
    return fail_item("alpha", "ACM001")


@pytest.fixture
def customer_report():
    """An import whose CSV report holds a customer's e-mail and address."""
    folder = Path(settings.DATA_DIR) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "customers-test.csv").write_text("email,address\nada@example.com,1 High St\n")
    return CustomerImport.objects.create(
        report_csv="reports/customers-test.csv", started_at=timezone.now()
    )


def test_staff_without_permissions_get_403_on_every_sensitive_action(
    django_user_model, customer_report, item
):
    nobody = logged_in(staff_with(django_user_model))

    report = reverse("khaos-customers:report-file", args=[customer_report.pk, "csv"])
    assert nobody.get(report).status_code == 403
    assert post(nobody, reverse("khaos-dashboard:golive"), {"dry_run": ""}).status_code == 403
    assert post(nobody, reverse("khaos-dashboard:failure-retry", args=[item.pk])).status_code == 403
    assert (
        post(nobody, reverse("khaos-dashboard:failures-retry"), {"ids": [item.pk]}).status_code
        == 403
    )
    upload = post(nobody, reverse("khaos-images:index"), {"archive": b"PK\x03\x04"})
    assert upload.status_code == 403
    assert nobody.get(reverse("khaos-dashboard:index")).status_code == 403

    item.refresh_from_db()
    assert item.attempts == 1 and item.state == FailedItem.State.OPEN
    assert not ImageImportJob.objects.exists()


def test_the_customer_report_needs_the_import_permission(django_user_model, customer_report):
    viewer = logged_in(staff_with(django_user_model, VIEW))
    importer = logged_in(staff_with(django_user_model, IMPORT_CUSTOMERS, username="i@example.com"))
    report = reverse("khaos-customers:report-file", args=[customer_report.pk, "csv"])

    assert viewer.get(report).status_code == 403
    answer = importer.get(report)
    assert answer.status_code == 200
    assert b"ada@example.com" in b"".join(answer.streaming_content)


def test_a_viewer_reads_but_cannot_act(django_user_model, item):
    viewer = logged_in(staff_with(django_user_model, VIEW))

    assert viewer.get(reverse("khaos-dashboard:failures")).status_code == 200
    assert viewer.get(reverse("khaos-dashboard:failure", args=[item.pk])).status_code == 200
    assert post(viewer, reverse("khaos-dashboard:failure-retry", args=[item.pk])).status_code == 403
    assert post(viewer, reverse("khaos-orders:bulk-retry"), {"all": "1"}).status_code == 403


def test_going_live_needs_its_own_permission(django_user_model):
    operator = logged_in(staff_with(django_user_model, VIEW, OPERATE))
    switcher = logged_in(staff_with(django_user_model, VIEW, GO_LIVE, username="g@example.com"))

    assert post(operator, reverse("khaos-dashboard:golive"), {"mode": "dry_run"}).status_code == 403
    assert writes_allowed()
    post(switcher, reverse("khaos-dashboard:golive"), {"mode": "dry_run"})
    assert not writes_allowed()


def test_the_menu_shows_only_the_pages_a_person_may_open(django_user_model):
    nobody = logged_in(staff_with(django_user_model))
    importer = logged_in(staff_with(django_user_model, IMPORT_CUSTOMERS, username="i@example.com"))

    page = nobody.get(reverse("dashboard:index")).content.decode()
    assert reverse("khaos-dashboard:index") not in page
    assert reverse("khaos-customers:imports") not in page

    page = importer.get(reverse("dashboard:index")).content.decode()
    assert reverse("khaos-customers:imports") in page
    assert reverse("khaos-dashboard:failures") not in page


def test_the_operator_group_can_operate_but_not_go_live(django_user_model, item):
    assert ensure_operator_group() is True
    assert ensure_operator_group() is False  # init may run again
    user = staff_with(django_user_model)
    user.groups.add(Group.objects.get(name=OPERATOR_GROUP))
    operator = logged_in(user)

    assert (
        post(operator, reverse("khaos-dashboard:failures-retry"), {"ids": [item.pk]}).status_code
        == 302
    )
    assert FailedItem.objects.get(pk=item.pk).state == FailedItem.State.RETRYING
    assert post(operator, reverse("khaos-dashboard:golive"), {"dry_run": ""}).status_code == 403
    assert not OrderExport.objects.exists()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/path", "http://evil.example"]
)
def test_bulk_retry_never_redirects_off_site(django_user_model, item, target):
    operator = logged_in(staff_with(django_user_model, VIEW, OPERATE))

    answer = post(
        operator, reverse("khaos-dashboard:failures-retry"), {"ids": [item.pk], "next": target}
    )

    assert answer.status_code == 302
    assert answer["Location"] == reverse("khaos-dashboard:failures")


def test_bulk_retry_goes_back_to_a_page_of_the_site(django_user_model, item):
    operator = logged_in(staff_with(django_user_model, VIEW, OPERATE))
    back = reverse("khaos-dashboard:failures") + "?flow=alpha"

    answer = post(
        operator, reverse("khaos-dashboard:failures-retry"), {"ids": [item.pk], "next": back}
    )

    assert answer["Location"] == back
