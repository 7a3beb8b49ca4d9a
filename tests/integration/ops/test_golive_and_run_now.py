"""The dashboard's go-live switch (explicit confirmation) and its "Run now" buttons."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from khaos_sync.sync.core.golive import set_dry_run, writes_allowed
from khaos_sync.sync.core.models import SyncRun
from khaos_sync.worker.loop import Worker
from tests.integration.ops.flows import register, sleeping_flow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_flows")]


@pytest.fixture
def staff(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_superuser(
        username="ops@example.com", email="ops@example.com", password="x"
    )
    client = Client()
    client.force_login(user)
    return client


def go_live(staff, **fields):  # type: ignore[no-untyped-def]
    return staff.post(reverse("khaos-dashboard:golive"), fields, follow=True)


def test_a_post_without_a_mode_changes_nothing(staff):
    set_dry_run(True, by="khaos-sync init")
    page = go_live(staff).content.decode()
    assert not writes_allowed()
    assert "Choose live or dry run." in page


def test_going_live_needs_the_confirmation(staff):
    set_dry_run(True, by="khaos-sync init")
    page = go_live(staff, mode="live").content.decode()
    assert not writes_allowed()
    assert "Tick the confirmation first" in page
    go_live(staff, mode="live", confirm="on")
    assert writes_allowed()


def test_switching_back_to_dry_run_needs_no_confirmation(staff):
    go_live(staff, mode="dry_run")
    assert not writes_allowed()


def test_an_unknown_mode_is_refused(staff):
    set_dry_run(True, by="khaos-sync init")
    go_live(staff, mode="yes please", confirm="on")
    assert not writes_allowed()


def test_the_overview_asks_for_the_confirmation_in_dry_run(staff):
    set_dry_run(True, by="khaos-sync init")
    page = staff.get(reverse("khaos-dashboard:index")).content.decode()
    assert 'name="confirm"' in page and "every waiting order will be sent to Khaos" in page


def test_run_now_makes_the_flow_due_for_the_next_worker(staff):
    register("alpha", sleeping_flow("alpha", 0))
    assert [r.flow for r in Worker(flows=["alpha"]).run_due_once()] == ["alpha"]
    assert Worker(flows=["alpha"]).run_due_once() == []  # not due for another hour

    page = staff.get(reverse("khaos-dashboard:index")).content.decode()
    assert 'aria-label="Run Alpha now"' in page
    answer = staff.post(reverse("khaos-dashboard:run-now"), {"flow": "alpha"}, follow=True)
    assert "Alpha: the next free worker runs it now." in answer.content.decode()

    assert [r.flow for r in Worker(flows=["alpha"]).run_due_once()] == ["alpha"]
    assert SyncRun.objects.filter(flow="alpha").count() == 2


def test_run_now_of_an_unknown_or_unscheduled_flow_is_refused(staff):
    register("manual", sleeping_flow("manual", 0), interval=None)
    for name in ("nothing", "manual"):
        answer = staff.post(reverse("khaos-dashboard:run-now"), {"flow": name}, follow=True)
        assert "That flow cannot be run from here." in answer.content.decode()
    page = staff.get(reverse("khaos-dashboard:index")).content.decode()
    assert 'aria-label="Run Manual now"' not in page
