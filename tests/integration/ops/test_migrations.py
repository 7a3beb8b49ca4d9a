"""Migrations: models match them, and moving the operational state keeps its rows."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from khaos_sync.sync.core.models import FlowSchedule, GoLive, KhaosConnection

BEFORE_THE_MOVE = [
    ("khaos_core", "0002_run_holder_and_interrupted"),
    ("khaos_dashboard", "0002_permissions"),
]


@pytest.mark.django_db
def test_the_models_need_no_migration_that_is_not_written():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_moving_the_operational_state_keeps_every_row():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    due = timezone.now() + timedelta(minutes=5)
    old.get_model("khaos_dashboard", "FlowSchedule").objects.create(
        flow="stock", next_due_at=due, claimed_by="host:1"
    )
    old.get_model("khaos_dashboard", "GoLive").objects.create(pk=1, dry_run=False, changed_by="ann")
    old.get_model("khaos_dashboard", "KhaosConnection").objects.create(
        pk=1, last_operation="GetVersion", last_outcome="ok"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert FlowSchedule.objects.get(flow="stock").next_due_at == due
    assert GoLive.objects.get(pk=1).changed_by == "ann"
    assert KhaosConnection.objects.get(pk=1).last_operation == "GetVersion"
