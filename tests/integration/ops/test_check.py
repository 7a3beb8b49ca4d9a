"""``khaos-sync check`` tells a retailer which configured values Khaos does not know."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from khaos_sync.cli.check import check

pytestmark = pytest.mark.django_db


def run_check():  # type: ignore[no-untyped-def]
    return CliRunner().invoke(check, [], catch_exceptions=False)


def row(output: str, check_name: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(check_name))


def test_everything_configured_right_passes(khaos_settings):
    result = run_check()
    assert result.exit_code == 0, result.output
    assert "7 passed, 0 failed" in result.output  # six Khaos checks and the payment provider
    assert row(result.output, "payment provider").rstrip().endswith("pass")
    assert "KhaosKSD simulator" in row(result.output, "service answers")
    assert row(result.output, "website name").rstrip().endswith("pass")


def test_wrong_values_fail_with_what_khaos_has(khaos_settings):
    khaos_settings["khaos"].update(
        stock_sites=[1, 7], sales_source="Internet", company_class="Wholesale", website_name="Nope"
    )
    result = run_check()
    assert result.exit_code == 1
    sites = row(result.output, "stock sites")
    assert "missing 7" in sites and "1 Warehouse" in sites and sites.endswith("FAIL")
    assert "did you mean 'INTERNET'" in row(result.output, "sales source")
    assert "Khaos has Internet, Retail" in row(result.output, "company class")
    assert "Website 'Nope' not found" in row(result.output, "website name")
    assert "3 passed, 4 failed" in result.output


def test_an_unknown_order_site_fails(khaos_settings):
    khaos_settings["khaos"]["order_site"] = "Head Office"
    result = run_check()
    assert result.exit_code == 1
    assert "Khaos has Warehouse, Shop, Returns" in row(result.output, "order site")


def test_khaos_not_answering_fails_every_check(khaos_settings, sim):
    sim.control.set_faults("GetVersion:http500")
    result = run_check()
    assert result.exit_code == 1
    assert "TransientError" in row(result.output, "service answers")
    assert "not checked: Khaos did not answer" in row(result.output, "stock sites")
    assert "1 passed, 6 failed" in result.output  # the payment provider needs no Khaos


def test_the_check_records_the_connection_for_the_dashboard(khaos_settings):
    from khaos_sync.dashboard.models import KhaosConnection

    run_check()
    connection = KhaosConnection.objects.get()
    assert connection.answering
    assert connection.last_success_at is not None
