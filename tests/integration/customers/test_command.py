"""``khaos-sync import customers`` as a person runs it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model

from khaos_sync.cli.main import cli

pytestmark = pytest.mark.django_db


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["import", "customers", *args])


def test_dry_run_then_import_then_a_refused_second_run_then_force(khaos):
    url = ["--url", khaos.url]

    dry = run("--dry-run", *url)
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing was written" in dry.output
    assert "skipped duplicate_email" in dry.output
    assert "same e-mail twins@example.com: CU900005, CU900006" in dry.output
    assert not get_user_model().objects.exists()

    first = run(*url)
    assert first.exit_code == 0, first.output
    created = get_user_model().objects.count()
    assert f"created    {created}" in first.output

    again = run(*url)
    assert again.exit_code == 1
    assert "already imported" in again.output and "--force" in again.output

    forced = run("--force", *url)
    assert forced.exit_code == 0, forced.output
    assert f"unchanged  {created}" in forced.output
    assert get_user_model().objects.count() == created


def test_only_the_company_classes_asked_for_are_imported(khaos):
    result = run("--classes", "Trade", "--url", khaos.url)

    assert result.exit_code == 0, result.output
    codes = {
        u.khaos_customer.company_code
        for u in get_user_model().objects.select_related("khaos_customer")
    }
    trade = {c.code for c in khaos.store.customers_where("company_class = ?", ("Trade",))}
    assert codes and codes <= trade
