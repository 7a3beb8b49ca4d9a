"""``khaos-sync check``: do the configured Khaos values exist in Khaos?

On the cloud transport Khaos is not asked anything: the check says what to
enter in Khaos Control Cloud instead (the channel config URL and user name).

The configuration parser can tell that ``khaos.stock_sites`` is a list of whole
numbers; only Khaos can tell whether site 7 exists. Each check asks Khaos with
a cheap list call and compares; the table shows what was configured, what
Khaos has, and the verdict. The cache and the media storage are checked as
``/health/ready`` checks them. Exit status 0 only if every check passed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import click

from khaos_sync.backends.soap import SoapBackend
from khaos_sync.cli.django_setup import setup_django
from khaos_sync.protocol.errors import KhaosError, SoapFault
from khaos_sync.protocol.versions import MINIMUM_VERSIONS, supports

SHOWN_CHOICES = 8


@dataclass(frozen=True)
class Verdict:
    check: str
    configured: str
    found: str
    passed: bool
    warning: bool = False  # cannot be verified through the web service: check by hand


# A check returns (configured, what Khaos has, passed).
Outcome = tuple[str, str, bool]
Check = Callable[[SoapBackend, Mapping[str, Any]], Outcome]


def service_answers(backend: SoapBackend, khaos: Mapping[str, Any]) -> Outcome:
    return khaos["url"], backend.version(), True


def service_version(backend: SoapBackend, khaos: Mapping[str, Any]) -> Outcome:
    """Operations this Khaos is too old for, by GetVersion."""
    version = backend.version()
    missing = [operation for operation in MINIMUM_VERSIONS if not supports(version, operation)]
    needs = ", ".join(f"{op} needs {'.'.join(map(str, MINIMUM_VERSIONS[op]))}" for op in missing)
    return "-", version + (f"; {needs}" if missing else "; every operation available"), not missing


def keycodes(backend: SoapBackend, khaos: Mapping[str, Any]) -> Outcome:
    wanted = khaos["keycode_vouchers"]
    if not wanted:
        return "(no voucher sent as keycode)", "-", True
    known = {k.code for k in backend.sop_data().keycodes if k.code}
    missing = [code for code in wanted if code not in known]
    found = (
        f"missing {', '.join(missing)}; {choose_from(sorted(known))}" if missing else "all exist"
    )
    return ", ".join(wanted), found, not missing


def not_listable(key: str) -> Check:
    """Khaos's web service has no list of these: they can only be checked in Khaos."""

    def check(backend: SoapBackend, khaos: Mapping[str, Any]) -> Outcome:
        if not khaos[key]:
            return "(empty: Khaos's default)", "-", True
        return khaos[key], "no web service lists these: confirm it in Khaos's System Data", True

    return check


def stock_sites(backend: SoapBackend, khaos: Mapping[str, Any]) -> Outcome:
    sites = {site.site_id: site.site_name for site in backend.sites().sites}
    wanted = khaos["stock_sites"]
    known = ", ".join(f"{i} {n}" for i, n in sorted(sites.items()))
    if not wanted:
        return "none (set khaos.stock_sites)", known, False
    missing = [site for site in wanted if site not in sites]
    found = f"missing {', '.join(map(str, missing))}; Khaos has {known}" if missing else known
    return ", ".join(map(str, wanted)), found, not missing


def order_site(backend: SoapBackend, khaos: Mapping[str, Any]) -> Outcome:
    wanted = khaos["order_site"]
    if not wanted:
        return "(Khaos's default site)", "-", True
    sites = backend.sites().sites
    match = any(wanted.lower() == s.site_name.lower() or wanted == str(s.site_id) for s in sites)
    return wanted, wanted if match else choose_from([s.site_name for s in sites]), match


def listed(key: str, fetch: Callable[[SoapBackend], list[str]]) -> Check:
    """A check that the configured value is one of a Khaos list, spelt exactly."""

    def check(backend: SoapBackend, khaos: Mapping[str, Any]) -> Outcome:
        choices = fetch(backend)
        wanted = khaos[key]
        if wanted in choices:
            return wanted, wanted, True
        near = [c for c in choices if c.lower() == wanted.lower()]
        hint = f"did you mean {near[0]!r}? Khaos matches exactly" if near else choose_from(choices)
        return wanted or "(empty)", f"not found; {hint}", False

    return check


def choose_from(choices: list[str]) -> str:
    shown = ", ".join(choices[:SHOWN_CHOICES])
    more = f" and {len(choices) - SHOWN_CHOICES} more" if len(choices) > SHOWN_CHOICES else ""
    return f"Khaos has {shown}{more}" if choices else "Khaos lists none"


def website(backend: SoapBackend, khaos: Mapping[str, Any]) -> Outcome:
    wanted = khaos["website_name"]
    version = backend.version()
    if not supports(version, "ExportWebCategoriesEx2"):
        return wanted, f"not checked: ExportWebCategoriesEx2 needs 8.144, Khaos is {version}", False
    try:
        tree = backend.website_categories(wanted)
    except SoapFault as fault:
        return wanted, fault.fault_string, False
    categories = sum(1 for _ in tree.walk())
    return wanted, f"{categories} categories", True


CHECKS: list[tuple[str, Check]] = [
    ("service answers (GetVersion)", service_answers),
    ("service version (GetVersion)", service_version),
    ("stock sites (GetSiteList)", stock_sites),
    ("order site (GetSiteList)", order_site),
    ("sales source (GetSaleSource)", listed("sales_source", lambda b: b.sale_sources())),
    ("company class (GetCompanyClass)", listed("company_class", lambda b: b.company_classes())),
    ("keycodes of vouchers (GetSOPData)", keycodes),
    ("brand", not_listable("brand")),
    ("company type", not_listable("company_type")),
    ("website name (ExportWebCategoriesEx2)", website),
]


def payment_verdict(payments: Mapping[str, Any], site_url: str) -> Verdict:
    """The checkout's payment provider: configured completely? (Nothing is asked of Khaos.)"""
    from khaos_sync.shop.payments.variants import configuration_problems, describe

    problems = configuration_problems(payments, site_url)
    found = "; ".join(problems) if problems else "ready"
    return Verdict("payment provider ([payments])", describe(payments), found, not problems)


def dependency_verdicts() -> list[Verdict]:
    """The cache and media storage, by the checks ``/health/ready`` runs (nothing asks Khaos)."""
    from khaos_sync.sync.core import dependencies

    failing = dependencies.problems()
    return [
        Verdict(label, configured, failing.get(name, "answers"), name not in failing)
        for name, label, configured in (
            ("cache", "cache ([shop] cache_url)", cache_in_use()),
            ("storage", "media storage ([media])", storage_in_use()),
        )
    ]


def cache_in_use() -> str:
    from urllib.parse import urlsplit

    from django.conf import settings

    cache = settings.CACHES["default"]
    location = str(cache.get("LOCATION") or "")
    if "://" in location:
        url = urlsplit(location)  # shown without its password
        return f"{url.scheme}://{url.hostname}:{url.port or 6379}{url.path}"
    return "this process's memory"


def storage_in_use() -> str:
    from django.core.files.storage import storages

    storage = storages["default"]
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"bucket {bucket}"
    return str(getattr(storage, "location", type(storage).__name__))


def run_checks(backend: SoapBackend, khaos: Mapping[str, Any]) -> list[Verdict]:
    verdicts: list[Verdict] = []
    for label, check in CHECKS:
        if verdicts and not verdicts[0].passed:
            verdicts.append(Verdict(label, "-", "not checked: Khaos did not answer", False))
            continue
        try:
            configured, found, passed = check(backend, khaos)
            warning = passed and found.startswith("no web service lists")
            verdicts.append(Verdict(label, configured, found, passed, warning))
        except KhaosError as exc:
            verdicts.append(Verdict(label, "-", f"{type(exc).__name__}: {exc}", False))
    return verdicts


def _result(verdict: Verdict) -> str:
    if not verdict.passed:
        return "FAIL"
    return "check by hand" if verdict.warning else "pass"


CALCULATION_NOTE = (
    "Order calculation: [orders] calculation = {calculation!r}. Khaos calculates an order "
    "gross or net by the company class of the customer it matches, and the web service "
    "cannot choose. Orders are priced for the {calculation} method, as new web customers "
    "(class {company_class!r}) calculate; make sure that class calculates {calculation} "
    "in Khaos. A matched trade customer whose class calculates the other way will have "
    "its order checked differently: its total may differ by pennies and the order is "
    "then refused (ORDER_AMOUNT) and held for a person."
)


def print_table(verdicts: list[Verdict]) -> None:
    rows = [("check", "configured", "Khaos", "result")] + [
        (v.check, v.configured, v.found, _result(v)) for v in verdicts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[3]]))


def warn_if_no_site_url() -> None:
    """Live shops send e-mails; without ``[shop] site_url`` their links lead nowhere."""
    from django.conf import settings

    from khaos_sync.sync.core.golive import writes_allowed

    if not settings.KHAOS_SITE_URL and writes_allowed():
        click.echo(
            "warning: [shop] site_url is not set: links in e-mails will not reach the shop;"
            " set it to the shop's public address, e.g. https://shop.example.co.uk",
            err=True,
        )


@click.command()
@click.option("--url", help="KhaosWS endpoint (default: configuration).")
def check(url: str | None) -> None:
    """Check against Khaos the configured sites, source, class, keycodes, website and version.

    On the cloud transport: say what to enter in Khaos Control Cloud.
    """
    setup_django()
    from django.conf import settings

    from khaos_sync.cli.check_cloud import check_cloud
    from khaos_sync.cloud.channel import CLOUD, transport
    from khaos_sync.sync.core.backend import khaos_backend

    if transport(settings.KHAOS_SYNC) == CLOUD:
        raise SystemExit(1 if check_cloud(settings.KHAOS_SYNC, settings.KHAOS_SITE_URL) else 0)

    khaos = dict(settings.KHAOS_SYNC["khaos"])
    orders = settings.KHAOS_SYNC["orders"]
    khaos["keycode_vouchers"] = orders["keycode_vouchers"]
    if url:
        khaos["url"] = url
    try:
        backend = khaos_backend(url)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    if not isinstance(backend, SoapBackend):
        raise click.ClickException(f"check has no checks for the {type(backend).__name__}")
    with backend:
        verdicts = run_checks(backend, khaos)
    verdicts.append(payment_verdict(settings.KHAOS_SYNC["payments"], settings.KHAOS_SITE_URL))
    verdicts.extend(dependency_verdicts())
    print_table(verdicts)
    warn_if_no_site_url()
    click.echo("\n" + CALCULATION_NOTE.format(calculation=orders["calculation"], **khaos))
    failed = sum(not v.passed for v in verdicts)
    click.echo(f"\n{len(verdicts) - failed} passed, {failed} failed")
    raise SystemExit(1 if failed else 0)
