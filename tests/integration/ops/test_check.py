"""``khaos-sync check`` tells a retailer which configured values Khaos does not know."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from khaos_sync.cli.check import check
from khaos_sync.shop import services

pytestmark = pytest.mark.django_db


def run_check():  # type: ignore[no-untyped-def]
    return CliRunner().invoke(check, [], catch_exceptions=False)


def row(output: str, check_name: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(check_name))


def test_everything_configured_right_passes(khaos_settings):
    result = run_check()
    assert result.exit_code == 0, result.output
    assert "passed, 0 failed" in result.output
    assert "KhaosKSD simulator" in row(result.output, "service answers")
    assert row(result.output, "website name").rstrip().endswith("pass")
    assert "every operation available" in row(result.output, "service version")
    assert row(result.output, "brand").rstrip().endswith("pass")
    # The calculation method is explained: Khaos decides it by company class.
    assert "[orders] calculation = 'gross'" in result.output
    assert "matched trade customer whose class calculates the other way" in " ".join(
        result.output.split()
    )


def test_the_cache_and_the_media_storage_are_checked(khaos_settings):
    result = run_check()
    assert "this process's memory" in row(result.output, "cache ([shop] cache_url)")
    assert row(result.output, "cache").rstrip().endswith("pass")
    assert row(result.output, "media storage").rstrip().endswith("pass")


def test_a_cache_that_does_not_answer_fails(khaos_settings, settings):
    settings.CACHES = services.cache_settings("redis://:s3cret@127.0.0.1:9/0")
    result = run_check()
    assert result.exit_code == 1
    cache = row(result.output, "cache")
    assert "redis://127.0.0.1:9/0" in cache and cache.endswith("FAIL")
    assert "s3cret" not in result.output


def test_voucher_keycodes_must_exist_in_khaos(khaos_settings):
    khaos_settings["orders"]["keycode_vouchers"] = ["SPRING10", "SUMMER99"]
    khaos_settings["khaos"]["brand"] = "Web Store"
    result = run_check()
    assert result.exit_code == 1
    keycodes = row(result.output, "keycodes of vouchers")
    assert "missing SUMMER99" in keycodes and "SPRING10" in keycodes and keycodes.endswith("FAIL")
    assert row(result.output, "brand").rstrip().endswith("check by hand")


def test_an_old_khaos_is_reported_with_the_operations_it_lacks(khaos_settings, sim):
    from khaos_sync.simulator.settings import update_settings

    update_settings(sim.store, version="8.120.4")
    result = run_check()
    assert result.exit_code == 1
    version = row(result.output, "service version")
    assert "8.120.4" in version and "ExportWebCategoriesEx2 needs 8.144" in version
    assert "OutstandingBalance needs 8.173" in version
    assert "not checked: ExportWebCategoriesEx2 needs 8.144" in row(result.output, "website name")


def test_wrong_values_fail_with_what_khaos_has(khaos_settings):
    khaos_settings["khaos"].update(
        stock_sites=[1, 7], sales_source="Internet", company_class="Wholesale", website_name="Nope"
    )
    result = run_check()
    assert result.exit_code == 1
    sites = row(result.output, "stock sites")
    assert "missing 7" in sites and "1 Warehouse" in sites and sites.endswith("FAIL")
    assert "did you mean 'INTERNET'" in row(result.output, "sales source")
    assert "Khaos has Web, Internet, Retail" in row(result.output, "company class")
    assert "Website 'Nope' not found" in row(result.output, "website name")
    assert "passed, 4 failed" in result.output


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
    # Only the checks that need no answer from Khaos (payments, cache, storage) can pass.
    assert "3 passed, 10 failed" in result.output


def test_the_check_records_the_connection_for_the_dashboard(khaos_settings):
    from khaos_sync.sync.core.models import KhaosConnection

    run_check()
    connection = KhaosConnection.objects.get()
    assert connection.answering
    assert connection.last_success_at is not None
