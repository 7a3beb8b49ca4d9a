"""khaos-sync configuration: one TOML file plus environment overrides.

The file is found at ``$KHAOS_SYNC_CONFIG`` or ``<data dir>/khaos-sync.toml``;
every key can be overridden by ``KHAOS_SYNC_<SECTION>_<KEY>`` (upper case).
Values are validated when loaded so a typo stops the program at start with a
message naming the key, instead of surfacing hours later inside a sync.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from khaos_sync.mappers.status import DEFAULT_STAGE_STATUSES, parse_stage_statuses
from khaos_sync.sync.orders.options import courier_table, payment_table, tax_code_table


class ConfigError(ValueError):
    """A configuration value is missing, unknown or invalid."""


Parser = Callable[[str, Any], Any]


@dataclass(frozen=True)
class Key:
    """One configuration key: its default and how to read and check a value."""

    default: Any
    parse: Parser
    help: str = ""


def as_str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be text, got {value!r}")
    return value


def as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be true or false, got {value!r}")


def as_list(name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{name} must be a list of text values, got {value!r}")


def as_int_list(name: str, value: Any) -> list[int]:
    items = as_list(name, value) if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ConfigError(f"{name} must be a list of whole numbers, got {value!r}")
    try:
        return [int(v) for v in items]
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a list of whole numbers, got {value!r}") from None


def ranged_int(low: int, high: int) -> Parser:
    def parse(name: str, value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a whole number, got {value!r}") from None
        if not low <= number <= high:
            raise ConfigError(f"{name} must be between {low} and {high}, got {number}")
        return number

    return parse


def ranged_float(low: float, high: float) -> Parser:
    def parse(name: str, value: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a number, got {value!r}") from None
        if not low <= number <= high:
            raise ConfigError(f"{name} must be between {low} and {high}, got {number}")
        return number

    return parse


def one_of(*choices: str) -> Parser:
    def parse(name: str, value: Any) -> str:
        text = as_str(name, value)
        if text not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {text!r}")
        return text

    return parse


def as_url(*schemes: str, allow_empty: bool = True) -> Parser:
    def parse(name: str, value: Any) -> str:
        text = as_str(name, value).strip()
        if not text and allow_empty:
            return ""
        parsed = urlparse(text)
        if parsed.scheme not in schemes or not parsed.netloc:
            raise ConfigError(
                f"{name} must be a {' or '.join(schemes)} URL like "
                f"{schemes[0]}://host:port/..., got {text!r}"
            )
        return text

    return parse


def uda_modes(name: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f'{name} must be a table like {{ "ISBN" = "attribute" }}')
    modes = {"tag", "attribute", "ignore"}
    for uda, mode in value.items():
        if mode not in modes:
            raise ConfigError(
                f"{name}.{uda} must be one of {', '.join(sorted(modes))}; got {mode!r}"
            )
    return dict(value)


DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def as_database_url(name: str, value: Any) -> str:
    text = as_str(name, value).strip()
    if text and urlparse(text).scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            f"{name} must start with one of {', '.join(s + '://' for s in DATABASE_SCHEMES)}"
        )
    return text


SCHEMA: dict[str, dict[str, Key]] = {
    "shop": {
        "name": Key("khaos-sync shop", as_str, "shop name shown on the storefront"),
        "site_url": Key(
            "", as_url("http", "https"), "public address of the shop, for every absolute link"
        ),
        "debug": Key(False, as_bool, "Django debug mode; never in production"),
        "secret_key": Key("", as_str, "generated and kept in the data dir when empty"),
        "allowed_hosts": Key(["localhost", "127.0.0.1", "[::1]"], as_list),
        "csrf_trusted_origins": Key([], as_list),
        "database_url": Key("", as_database_url, "empty = SQLite in the data dir"),
        "time_zone": Key("Europe/London", as_str),
        "search_backend": Key("whoosh", one_of("whoosh", "solr", "elasticsearch", "simple")),
        "search_url": Key("", as_url("http", "https")),
        "serve_media": Key(True, as_bool, "serve uploaded media from the app server"),
        "default_vat_rate": Key("20", as_str, "VAT % for products Khaos gave no rate"),
        "from_email": Key("shop@localhost", as_str),
    },
    "khaos": {
        "url": Key("", as_url("http", "https"), "KhaosWS SOAP endpoint URL"),
        "timeout": Key(30.0, ranged_float(1, 600), "seconds per call"),
        "ca_bundle": Key("", as_str, "CA bundle for Khaos's self-signed certificate"),
        "website_name": Key("Web Store", as_str, "root node of the web category tree"),
        "stock_sites": Key([], as_int_list, "Khaos site ids whose levels feed the web"),
        "order_site": Key("", as_str, "site name written on imported orders"),
        "sales_source": Key("Web", as_str),
        "company_class": Key("Web", as_str),
        "company_type": Key("", as_str),
        "source_code": Key("", as_str),
        "brand": Key("", as_str),
    },
    "catalogue": {
        "uda_modes": Key({}, uda_modes, "per UDA name: tag (default), attribute or ignore"),
        "category_fallback": Key(False, as_bool, "stock types as categories when none"),
        "export_chunk": Key(200, ranged_int(1, 5000), "codes per ExportStock call"),
        "batch_size": Key(500, ranged_int(1, 10000), "products written per transaction"),
        "change_buffer_minutes": Key(10, ranged_int(0, 1440), "overlap of changed-since windows"),
    },
    "orders": {
        "couriers": Key({}, courier_table, "shop shipping method code -> Khaos courier code"),
        "default_courier": Key("", as_str, "courier of unmapped methods; empty: Khaos"),
        "payment_types": Key({}, payment_table, "payment source type code -> {type, card_type}"),
        "default_payment_type": Key(2, ranged_int(0, 4), "Khaos payment type of unmapped sources"),
        "keycode_vouchers": Key(
            [], as_list, "voucher codes sent as KEYCODE_CODE; each must be a Khaos keycode"
        ),
        "calculation": Key(
            "gross", one_of("gross", "net"), "how the customers' company class calculates in Khaos"
        ),
        "tax_codes": Key(
            {"20": 1, "0": 2, "5": 4}, tax_code_table, "shop VAT rate % -> Khaos tax code"
        ),
        "merchant_account": Key("0", as_str, "ACCOUNT_NUMBER: the merchant account of payments"),
        "batch_size": Key(20, ranged_int(1, 500), "orders per ImportOrders call"),
        "max_attempts": Key(8, ranged_int(1, 100), "sends before an order is held for a person"),
        "backoff_seconds": Key(30.0, ranged_float(0, 86400), "first retry delay, then doubling"),
        "backoff_max_seconds": Key(3600.0, ranged_float(0, 604800), "longest retry delay"),
        "lease_seconds": Key(300, ranged_int(10, 86400), "how long a sender may hold an order"),
        "settle_seconds": Key(30, ranged_int(0, 3600), "wait for checkout to finish when not told"),
        "poll_seconds": Key(2.0, ranged_float(0.05, 3600), "exporter polling interval"),
        "unreachable_max_seconds": Key(
            300.0, ranged_float(1, 86400), "longest wait between tries while Khaos is unreachable"
        ),
        "unreachable_alert_minutes": Key(
            15, ranged_int(1, 10080), "alert when Khaos has not answered for this long"
        ),
    },
    "customers": {
        "company_classes": Key([], as_list, "Khaos company classes to import; empty = all"),
        "export_chunk": Key(100, ranged_int(1, 2000), "company codes per ExportCompany call"),
        "batch_size": Key(500, ranged_int(1, 10000), "accounts written per transaction"),
        "opt_in_mailing_statuses": Key(
            [1, 2, 3], as_int_list, "MAILING_STATUS values that are an explicit opt-in"
        ),
    },
    "images": {
        "max_file_bytes": Key(20 << 20, ranged_int(1 << 10, 1 << 30), "largest image file"),
        "max_pixels": Key(40_000_000, ranged_int(1, 1_000_000_000), "width × height limit"),
        "max_upload_bytes": Key(2 << 30, ranged_int(1 << 10, 1 << 40), "dashboard ZIP upload"),
        "max_zip_entries": Key(50_000, ranged_int(1, 10_000_000), "files in one ZIP"),
        "max_zip_total_bytes": Key(10 << 30, ranged_int(1 << 10, 1 << 44), "bytes read from a ZIP"),
        "max_zip_ratio": Key(100, ranged_int(2, 100_000), "uncompressed ÷ compressed per file"),
    },
    "worker": {
        "stock_minutes": Key(30, ranged_int(1, 1440), "stock level pulls (Khaos suggests 30)"),
        "catalogue_minutes": Key(60, ranged_int(5, 10080), "catalogue pulls"),
        "status_minutes": Key(15, ranged_int(1, 1440), "order status pulls"),
        "orders_seconds": Key(5, ranged_int(1, 3600), "order outbox polls"),
        "dry_run": Key(False, as_bool, "default of the go-live switch: true = write nothing"),
        "grace_seconds": Key(60, ranged_int(1, 3600), "shutdown wait for the job in flight"),
        "metrics_token": Key("", as_str, "bearer token for /metrics; empty = localhost only"),
        "metrics_port": Key(0, ranged_int(0, 65535), "worker's own /metrics port; 0 = off"),
    },
    "stock": {
        "interval_minutes": Key(30, ranged_int(1, 1440), "minutes between scheduled level pulls"),
        "change_buffer_minutes": Key(10, ranged_int(0, 1440), "overlap of moved-since windows"),
        "export_chunk": Key(500, ranged_int(1, 5000), "codes per ExportStockStatus call"),
        "batch_size": Key(2000, ranged_int(1, 20000), "items written per transaction"),
        "jit_budget_seconds": Key(2.0, ranged_float(0.1, 30), "checkout's wait for live levels"),
        "jit_cache_seconds": Key(60, ranged_int(0, 3600), "how long a live answer is reused"),
        "backorders": Key("allow", one_of("allow", "refuse"), "sell beyond the level"),
    },
    "status": {
        "interval_minutes": Key(15, ranged_int(1, 1440), "minutes between status polls"),
        "change_buffer_minutes": Key(10, ranged_int(0, 1440), "overlap of changed-since windows"),
        "first_run_days": Key(7, ranged_int(1, 366), "how far back the first poll looks"),
        "max_window_hours": Key(24, ranged_int(1, 744), "longest date range per Khaos call"),
        "stage_statuses": Key(
            dict(DEFAULT_STAGE_STATUSES),
            parse_stage_statuses,
            "invoice stage id -> shop status; entries replace the defaults, empty ignores",
        ),
        "dispatch_email": Key(True, as_bool, "e-mail the customer each consignment"),
    },
}


@dataclass(frozen=True)
class Config:
    data_dir: Path
    source: Path | None
    values: Mapping[str, Mapping[str, Any]]

    def get(self, section: str, key: str) -> Any:
        return self.values[section][key]


def data_dir_from(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("KHAOS_SYNC_DATA_DIR", "var")).resolve()


def find_config_file(data_dir: Path, environ: Mapping[str, str]) -> Path | None:
    explicit = environ.get("KHAOS_SYNC_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"KHAOS_SYNC_CONFIG points to {path}, which does not exist")
        return path
    candidate = data_dir / "khaos-sync.toml"
    return candidate if candidate.is_file() else None


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def check_known_keys(raw: Mapping[str, Any], where: str) -> None:
    for section, body in raw.items():
        if section not in SCHEMA:
            raise ConfigError(f"{where}: unknown section [{section}]; known: {', '.join(SCHEMA)}")
        if not isinstance(body, dict):
            raise ConfigError(f"{where}: [{section}] must be a table")
        for key in body:
            if key not in SCHEMA[section]:
                known = ", ".join(SCHEMA[section])
                raise ConfigError(f"{where}: unknown key {section}.{key}; known: {known}")


def environment_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    overrides: dict[str, dict[str, str]] = {}
    for section, keys in SCHEMA.items():
        for key in keys:
            name = f"KHAOS_SYNC_{section}_{key}".upper()
            if name in environ:
                overrides.setdefault(section, {})[key] = environ[name]
    # The conventional names win over nothing else: a deployment platform sets them.
    if "DATABASE_URL" in environ and "database_url" not in overrides.get("shop", {}):
        overrides.setdefault("shop", {})["database_url"] = environ["DATABASE_URL"]
    return overrides


def load(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    data_dir = data_dir_from(env)
    source = find_config_file(data_dir, env)
    raw = read_toml(source) if source else {}
    check_known_keys(raw, str(source))
    overrides = environment_overrides(env)
    values: dict[str, dict[str, Any]] = {}
    for section, keys in SCHEMA.items():
        values[section] = {}
        for key, spec in keys.items():
            name = f"{section}.{key}"
            if key in overrides.get(section, {}):
                values[section][key] = spec.parse(name, overrides[section][key])
            elif key in raw.get(section, {}):
                values[section][key] = spec.parse(name, raw[section][key])
            else:
                values[section][key] = spec.default
    return Config(data_dir=data_dir, source=source, values=values)
