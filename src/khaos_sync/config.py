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
