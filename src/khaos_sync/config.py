"""khaos-sync configuration: one TOML file plus environment overrides.

The file is found at ``$KHAOS_SYNC_CONFIG`` or ``<data dir>/khaos-sync.toml``;
every key can be overridden by ``KHAOS_SYNC_<SECTION>_<KEY>`` (upper case).
Values are validated when loaded so a typo stops the program at start with a
message naming the key, instead of surfacing hours later inside a sync.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import ssl
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from khaos_sync.mappers.status import DEFAULT_STAGE_STATUSES
from khaos_sync.mappers.status import parse_stage_statuses as stage_statuses_parser
from khaos_sync.sync.orders import options


class ConfigError(ValueError):
    """A configuration value is missing, unknown or invalid."""


Parser = Callable[[str, Any], Any]


@dataclass(frozen=True)
class Key:
    """One configuration key: its default and how to read and check a value."""

    default: Any
    parse: Parser
    help: str = ""


def config_parser(parse: Callable[[str, Any], Any]) -> Parser:
    """A parser kept outside this module (it raises ValueError) as a configuration parser."""

    def wrapped(name: str, value: Any) -> Any:
        try:
            return parse(name, value)
        except ConfigError:
            raise
        except ValueError as exc:
            raise ConfigError(str(exc)) from None

    return wrapped


parse_stage_statuses = config_parser(stage_statuses_parser)
courier_table = config_parser(options.courier_table)
payment_table = config_parser(options.payment_table)
tax_code_table = config_parser(options.tax_code_table)


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


def list_text(name: str, text: str) -> list[Any]:
    """A list given as text (an environment variable): TOML's ``[1, 2]`` or plain ``1,2``.

    Text that only looks like a TOML list (``[::1],localhost``) is read as plain.
    """
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        try:
            return list(tomllib.loads(f"value = {stripped}")["value"])
        except tomllib.TOMLDecodeError:
            pass
    return [part.strip() for part in stripped.split(",") if part.strip()]


def as_list(name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = list_text(name, value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{name} must be a list of text values, got {value!r}")


def whole_number(name: str, value: Any) -> int:
    """An int from TOML or the environment; true/false and fractions are mistakes, not numbers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{name} must be a whole number, got {value!r}")


def number(name: str, value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{name} must be a number, got {value!r}")


def as_int_list(name: str, value: Any) -> list[int]:
    items = list_text(name, value) if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ConfigError(f"{name} must be a list of whole numbers, got {value!r}")
    try:
        return [whole_number(name, v) for v in items]
    except ConfigError:
        raise ConfigError(f"{name} must be a list of whole numbers, got {value!r}") from None


def ranged_int(low: int, high: int) -> Parser:
    def parse(name: str, value: Any) -> int:
        whole = whole_number(name, value)
        if not low <= whole <= high:
            raise ConfigError(f"{name} must be between {low} and {high}, got {whole}")
        return whole

    return parse


def ranged_float(low: float, high: float) -> Parser:
    def parse(name: str, value: Any) -> float:
        amount = number(name, value)
        if not low <= amount <= high:  # also refuses nan
            raise ConfigError(f"{name} must be between {low} and {high}, got {amount}")
        return amount

    return parse


def one_of(*choices: str) -> Parser:
    def parse(name: str, value: Any) -> str:
        text = as_str(name, value)
        if text not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {text!r}")
        return text

    return parse


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)?([^@/\s]*?):([^@\s]*)@")


def masked(url: str) -> str:
    """The URL as it may be shown: any password replaced by ``***``."""
    return _USERINFO.sub(r"\1\2:***@", url)


def as_url(*schemes: str, allow_empty: bool = True) -> Parser:
    def parse(name: str, value: Any) -> str:
        text = as_str(name, value).strip()
        if not text and allow_empty:
            return ""
        parsed = urlparse(text)
        if parsed.scheme not in schemes or not parsed.netloc:
            raise ConfigError(
                f"{name} must be a {' or '.join(schemes)} URL like "
                f"{schemes[0]}://host:port/..., got {masked(text)!r}"
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


def text_table(name: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(v, str) and v.strip() for v in value.values()
    ):
        raise ConfigError(f'{name} must be a table of names like {{ "Trade Prices" = "Trade" }}')
    return {str(k): v.strip() for k, v in value.items()}


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
        "https": Key(False, as_bool, "served over HTTPS: secure cookies, HSTS, proxy header"),
        "secret_key": Key("", as_str, "generated and kept in the data dir when empty"),
        "allowed_hosts": Key(["localhost", "127.0.0.1", "[::1]"], as_list),
        "csrf_trusted_origins": Key([], as_list),
        "database_url": Key("", as_database_url, "empty = SQLite in the data dir"),
        "time_zone": Key("Europe/London", as_str),
        "search_backend": Key(
            "whoosh",
            one_of("whoosh", "solr", "elasticsearch", "postgres", "simple"),
            "postgres = an index in the shop's PostgreSQL database, shared by every server",
        ),
        "search_url": Key("", as_url("http", "https")),
        "serve_media": Key(True, as_bool, "serve uploaded media from the app server (local only)"),
        "cache_url": Key(
            "",
            as_url("redis", "rediss"),
            "shared cache, e.g. redis://127.0.0.1:6379/1; empty = each process its own memory",
        ),
        "sessions": Key(
            "database",
            one_of("database", "cache", "cached_db"),
            "where sessions live; cache and cached_db need shop.cache_url",
        ),
        "default_vat_rate": Key("20", as_str, "VAT % for products Khaos gave no rate"),
        "from_email": Key("shop@localhost", as_str),
        "low_stock_threshold": Key(
            5, ranged_int(0, 100000), 'levels at or below this read "Low stock"; 0 = never'
        ),
        "languages": Key(
            ["en-gb"], as_list, "storefront languages (Django codes); first = default"
        ),
    },
    "media": {
        "storage": Key(
            "local",
            one_of("local", "s3"),
            "local: the data dir; s3: an S3-compatible bucket shared by every server",
        ),
        "bucket": Key("", as_str, "S3 bucket (media under media/, private reports under reports/)"),
        "endpoint_url": Key(
            "", as_url("http", "https"), "S3-compatible endpoint; empty = Amazon S3"
        ),
        "region": Key("", as_str, "S3 region, e.g. eu-west-2"),
        "custom_domain": Key("", as_str, "host name media is served from (a CDN); empty = bucket"),
    },
    "khaos": {
        "transport": Key(
            "soap",
            one_of("soap", "cloud"),
            "soap: call KhaosWS; cloud: serve the Khaos Control Cloud channel endpoints",
        ),
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
    "cloud": {
        "username": Key("", as_str, "channel user name Khaos Control Cloud sends (HTTP Basic)"),
        "password": Key("", as_str, "channel password Khaos Control Cloud sends (HTTP Basic)"),
        "format": Key("JSON", one_of("JSON", "XML"), "format the channel config asks Khaos for"),
        "order_minutes": Key(15, ranged_int(1, 1440), "how often Khaos pulls orders"),
        "return_minutes": Key(60, ranged_int(1, 1440), "how often Khaos pulls returns"),
        "page_size": Key(1000, ranged_int(1, 10000), "orders per order pull"),
        "max_payload_bytes": Key(
            32 << 20, ranged_int(1 << 10, 1 << 31), "largest push accepted; larger gets 413"
        ),
        "unconfirmed_hours": Key(
            24, ranged_int(1, 8760), "delivered orders no status names yet are flagged after"
        ),
    },
    "catalogue": {
        "uda_modes": Key({}, uda_modes, "per UDA name: tag (default), attribute or ignore"),
        "category_fallback": Key(False, as_bool, "stock types as categories when none"),
        "export_chunk": Key(200, ranged_int(1, 5000), "codes per ExportStock call"),
        "batch_size": Key(500, ranged_int(1, 10000), "products written per transaction"),
        "change_buffer_minutes": Key(10, ranged_int(0, 1440), "overlap of changed-since windows"),
        "interval_minutes": Key(60, ranged_int(5, 10080), "minutes between scheduled pulls"),
        "categories_every_minutes": Key(
            60,
            ranged_int(0, 10080),
            "minutes between reads of the web category tree; 0 = every run",
        ),
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
        "poll_seconds": Key(
            2.0, ranged_float(0.05, 3600), "seconds between outbox polls (worker and --watch)"
        ),
        "unreachable_max_seconds": Key(
            300.0, ranged_float(1, 86400), "longest wait between tries while Khaos is unreachable"
        ),
        "unreachable_alert_minutes": Key(
            15, ranged_int(1, 10080), "alert when Khaos has not answered for this long"
        ),
    },
    "payments": {
        "provider": Key(
            "",
            one_of("", "dummy", "stripe", "paypal", "sagepay"),
            "django-payments provider of the checkout; dummy takes no money (demo, tests)",
        ),
        "capture": Key(
            "immediate", one_of("immediate", "preauth"), "take the money now or pre-authorise"
        ),
        "stripe_secret_key": Key("", as_str, "Stripe secret API key (sk_live_…)"),
        "stripe_webhook_secret": Key("", as_str, "Stripe webhook signing secret (whsec_…)"),
        "paypal_client_id": Key("", as_str, "PayPal REST client id"),
        "paypal_secret": Key("", as_str, "PayPal REST secret"),
        "paypal_endpoint": Key(
            "https://api.sandbox.paypal.com",
            as_url("https", allow_empty=False),
            "PayPal API; https://api.paypal.com when live",
        ),
        "sagepay_vendor": Key("", as_str, "Opayo (Sage Pay) vendor name"),
        "sagepay_encryption_key": Key("", as_str, "Opayo Form integration encryption password"),
        "sagepay_endpoint": Key(
            "https://test.sagepay.com/Simulator/VSPFormGateway.asp",
            as_url("https", allow_empty=False),
            "Opayo Form gateway; the live vspform-register.vsp address when live",
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
        "dry_run": Key(False, as_bool, "default of the go-live switch: true = write nothing"),
        "grace_seconds": Key(60, ranged_int(1, 3600), "shutdown wait for the job in flight"),
        "metrics_token": Key("", as_str, "bearer token for /metrics; empty = localhost only"),
        "metrics_port": Key(0, ranged_int(0, 65535), "worker's own /metrics port; 0 = off"),
    },
    "stock": {
        "interval_minutes": Key(
            30, ranged_int(1, 1440), "minutes between scheduled level pulls (Khaos suggests 30)"
        ),
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
    "prices": {
        "interval_minutes": Key(60, ranged_int(1, 10080), "minutes between price list fetches"),
        "lists": Key([], as_list, "Khaos price lists to fetch; empty = every list Khaos names"),
        "web_list": Key("", as_str, "price list that replaces the web price for everyone"),
        "gross_lists": Key([], as_list, "KhaosWS lists whose prices include VAT (others: net)"),
        "list_classes": Key(
            {}, text_table, "price list -> Khaos company class it is also for (cloud lists)"
        ),
        "rule": Key(
            "lowest",
            one_of("lowest", "most-specific"),
            "when several prices apply: the lowest, or the most specific list's",
        ),
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


# Keys that moved: old (section, key) -> new (section, key). A file or variable still
# using the old name keeps working, with a warning, until it is renamed.
MOVED_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("worker", "catalogue_minutes"): ("catalogue", "interval_minutes"),
    ("worker", "stock_minutes"): ("stock", "interval_minutes"),
    ("worker", "status_minutes"): ("status", "interval_minutes"),
    ("worker", "orders_seconds"): ("orders", "poll_seconds"),
}


def env_name(section: str, key: str) -> str:
    return f"KHAOS_SYNC_{section}_{key}".upper()


def move_renamed_keys(raw: dict[str, Any], environ: Mapping[str, str], where: str) -> None:
    """Read each moved key under its new name, warning once; both names set is an error."""
    for (old_section, old_key), (section, key) in MOVED_KEYS.items():
        old_body = raw.get(old_section)
        from_file = old_body.pop(old_key, None) if isinstance(old_body, dict) else None
        from_env = environ.get(env_name(old_section, old_key))
        value = from_env if from_env is not None else from_file
        if value is None:
            continue
        old, new = f"{old_section}.{old_key}", f"{section}.{key}"
        if key in raw.get(section, {}) or env_name(section, key) in environ:
            raise ConfigError(f"{where}: {old} was renamed {new}; set only {new}")
        raw.setdefault(section, {})[key] = value
        warn_once(
            old, "%s is deprecated and will be refused in a later release; rename it %s", old, new
        )


def warn_once(topic: str, message: str, *args: Any) -> None:
    if topic not in _warned:
        _warned.add(topic)
        log.warning(message, *args)


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
            name = env_name(section, key)
            if name in environ:
                overrides.setdefault(section, {})[key] = environ[name]
    # The conventional names win over nothing else: a deployment platform sets them.
    if "DATABASE_URL" in environ and "database_url" not in overrides.get("shop", {}):
        overrides.setdefault("shop", {})["database_url"] = environ["DATABASE_URL"]
    return overrides


# KHAOS_SYNC_* variables that are not configuration keys but are read elsewhere.
OTHER_VARIABLES = {
    "KHAOS_SYNC_DATA_DIR",
    "KHAOS_SYNC_CONFIG",
    "KHAOS_SYNC_ADMIN_EMAIL",  # init's first admin
    "KHAOS_SYNC_ADMIN_PASSWORD",
    "KHAOS_SYNC_TEST_POSTGRES",  # the test suite's PostgreSQL server
    "KHAOS_SYNC_TEST_REDIS",  # the test suite's Redis server
}
MIN_SECRET_KEY_LENGTH = 50  # Django's own deployment check asks for as much
MIN_TOKEN_LENGTH = 16
log = logging.getLogger(__name__)
_warned: set[str] = set()


def variable_names() -> set[str]:
    keys = {env_name(section, key) for section in SCHEMA for key in SCHEMA[section]}
    return keys | OTHER_VARIABLES | {env_name(*old) for old in MOVED_KEYS}


def warn_unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """Warn once per process about each KHAOS_SYNC_* variable no key reads (a typo, usually)."""
    known = variable_names()
    unknown = sorted(n for n in environ if n.startswith("KHAOS_SYNC_") and n not in known)
    for name in unknown:
        if name not in _warned:
            _warned.add(name)
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            log.warning("unknown environment variable %s is ignored%s", name, hint)
    return unknown


def check_secret_key(shop: Mapping[str, Any]) -> None:
    key = shop["secret_key"]
    if not key or shop["debug"]:
        return
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        raise ConfigError(
            f"shop.secret_key is too weak ({len(key)} characters); use at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters, or leave it empty to have one "
            "generated and kept in the data dir"
        )


def check_metrics_token(worker: Mapping[str, Any]) -> None:
    """One rule for the web's and the worker's /metrics."""
    token = worker["metrics_token"]
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(
            f"worker.metrics_token is {len(token)} characters long; use at least "
            f"{MIN_TOKEN_LENGTH} (e.g. from `python -c 'import secrets; print(secrets.token_urlsafe())'`)"
        )


def check_ca_bundle(khaos: Mapping[str, Any]) -> None:
    """The bundle must load now, not on the first call to Khaos hours later."""
    bundle = khaos["ca_bundle"]
    if not bundle:
        return
    path = Path(bundle)
    if not path.exists():
        raise ConfigError(f"khaos.ca_bundle: {path} does not exist")
    try:
        if path.is_dir():
            ssl.create_default_context(capath=str(path))
        else:
            ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"khaos.ca_bundle: {path} is not a readable PEM bundle ({exc})") from None


def check_search_backend(shop: Mapping[str, Any]) -> None:
    """The PostgreSQL search index lives in the shop's database, so that must be PostgreSQL."""
    if shop["search_backend"] != "postgres":
        return
    if urlparse(shop["database_url"]).scheme not in ("postgres", "postgresql", "pgsql"):
        raise ConfigError(
            'shop.search_backend "postgres" needs a PostgreSQL database: set shop.database_url '
            "to postgres://… or choose another search backend"
        )


def check_shared_services(values: Mapping[str, Mapping[str, Any]]) -> None:
    """Sessions in a cache need a cache every server shares; S3 needs a bucket."""
    shop, media = values["shop"], values["media"]
    if shop["sessions"] != "database" and not shop["cache_url"]:
        raise ConfigError(
            f"shop.sessions is {shop['sessions']}: set shop.cache_url (a Redis server), "
            "or keep sessions in the database"
        )
    if media["storage"] == "s3" and not media["bucket"]:
        raise ConfigError("media.storage is s3: set media.bucket")


def check_rules(values: Mapping[str, Mapping[str, Any]]) -> None:
    check_secret_key(values["shop"])
    check_search_backend(values["shop"])
    check_shared_services(values)
    check_metrics_token(values["worker"])
    check_ca_bundle(values["khaos"])


def check_transport(values: Mapping[str, Mapping[str, Any]]) -> None:
    """The cloud transport cannot run without the channel's credentials."""
    cloud = values["cloud"]
    if values["khaos"]["transport"] == "cloud" and not (cloud["username"] and cloud["password"]):
        raise ConfigError(
            "khaos.transport is cloud: set cloud.username and cloud.password "
            "(or KHAOS_SYNC_CLOUD_USERNAME / KHAOS_SYNC_CLOUD_PASSWORD)"
        )


def load(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    data_dir = data_dir_from(env)
    source = find_config_file(data_dir, env)
    raw = read_toml(source) if source else {}
    move_renamed_keys(raw, env, str(source) if source else "environment")
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
    check_rules(values)
    check_transport(values)
    warn_unknown_variables(env)
    return Config(data_dir=data_dir, source=source, values=values)
