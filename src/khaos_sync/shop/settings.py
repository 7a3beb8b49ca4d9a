"""Django settings for the khaos-sync shop.

Everything a retailer may change comes from :mod:`khaos_sync.config` (a TOML
file plus environment variables); this module only turns it into Django and
Oscar settings.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from oscar.defaults import *  # noqa: F403  Oscar's documented way to start its settings

from khaos_sync import config as khaos_config
from khaos_sync.files import private_dir, private_file
from khaos_sync.mappers.pipeline import (
    LINE_STATUS_PIPELINE,
    ORDER_STATUS_CASCADE,
    ORDER_STATUS_PIPELINE,
    STATUS_PENDING,
)
from khaos_sync.shop import services
from khaos_sync.shop.secrets import load_or_create_secret_key

CONFIG = khaos_config.load()
SHOP = CONFIG.values["shop"]
DATA_DIR: Path = CONFIG.data_dir
private_dir(DATA_DIR)  # secret key, database, reports and uploads: owner only

SECRET_KEY = SHOP["secret_key"] or load_or_create_secret_key(DATA_DIR)
DEBUG = SHOP["debug"]
ALLOWED_HOSTS = SHOP["allowed_hosts"]
CSRF_TRUSTED_ORIGINS = SHOP["csrf_trusted_origins"]

DATABASES = {
    "default": dj_database_url.parse(
        SHOP["database_url"] or f"sqlite:///{DATA_DIR / 'shop.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the shop reads; the timeout rides out
    # short write locks instead of failing a checkout.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # SQLite gives its -wal and -shm files the database file's mode.
    private_file(Path(DATABASES["default"]["NAME"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "khaos_sync.shop.oscar_apps.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "khaos_sync.shop.oscar_apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "khaos_sync.shop.oscar_apps.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "khaos_sync.shop.oscar_apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "khaos_sync.shop.oscar_apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "khaos_sync.shop.apps.ShopConfig",
    "khaos_sync.shop.pgsearch.apps.PgSearchConfig",
    "khaos_sync.sync.core.apps.CoreConfig",
    "khaos_sync.sync.catalogue.apps.CatalogueSyncConfig",
    "khaos_sync.sync.customers.apps.CustomersSyncConfig",
    "khaos_sync.sync.stock.apps.StockSyncConfig",
    "khaos_sync.sync.orders.apps.OrdersSyncConfig",
    "khaos_sync.sync.status.apps.StatusSyncConfig",
    "khaos_sync.sync.images.apps.ImagesSyncConfig",
    "khaos_sync.sync.prices.apps.PricesSyncConfig",
    "khaos_sync.cloud.apps.CloudConfig",
    "khaos_sync.dashboard.apps.KhaosDashboardConfig",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]

ROOT_URLCONF = "khaos_sync.shop.urls"
WSGI_APPLICATION = "khaos_sync.shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = (
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)


# --- storefront ---
def storefront_languages(codes: list[str]) -> list[tuple[str, str]]:
    """``[shop] languages`` as Django's LANGUAGES; a UK shop offers English (UK) alone."""
    from django.conf.global_settings import LANGUAGES as KNOWN

    names = dict(KNOWN)
    unknown = [code for code in codes if code not in names]
    if unknown or not codes:
        raise khaos_config.ConfigError(
            f"shop.languages: unknown language code(s) {', '.join(unknown) or '(none given)'};"
            " use Django codes such as en-gb, cy, fr"
        )
    return [(code, names[code]) for code in codes]


LANGUAGES = storefront_languages(SHOP["languages"])
LANGUAGE_CODE = LANGUAGES[0][0]
TIME_ZONE = SHOP["time_zone"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request otherwise
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Shared services for several servers (khaos_sync.shop.services): one Redis for the
# cache (and sessions, if chosen), one bucket for media and reports.
MEDIA = CONFIG.values["media"]
STORAGES = services.storage_settings(MEDIA, DATA_DIR)
# Media in a bucket is served by the bucket (or its CDN), never by the app.
SERVE_MEDIA = SHOP["serve_media"] and MEDIA["storage"] == "local"
CACHES = services.cache_settings(SHOP["cache_url"])
SESSION_ENGINE = services.session_engine(SHOP["sessions"])

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = DATA_DIR / "outbox-mail"
DEFAULT_FROM_EMAIL = SHOP["from_email"]
OSCAR_FROM_EMAIL = SHOP["from_email"]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# --- Security: HTTPS ---------------------------------------------------------
# One switch, [shop] https = true, for a shop served over HTTPS behind a proxy
# that terminates TLS and sets X-Forwarded-Proto (see docs/operations.md,
# "Security"). Only then may the browser be told to insist on HTTPS.
HTTPS = SHOP["https"]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000  # a year, as the HSTS preload list asks
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # /health and /metrics are asked for by machines on the private side of the proxy.
    SECURE_REDIRECT_EXEMPT = [r"^health", r"^metrics$"]
    if SHOP["site_url"].startswith("https://"):
        CSRF_TRUSTED_ORIGINS = [*CSRF_TRUSTED_ORIGINS, origin_of(SHOP["site_url"])]


def haystack_connections(backend: str, url: str, data_dir: Path) -> dict[str, dict[str, str]]:
    if backend == "whoosh":
        return {
            "default": {
                "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
                "PATH": str(data_dir / "whoosh_index"),
            }
        }
    if backend == "solr":
        return {"default": {"ENGINE": "haystack.backends.solr_backend.SolrEngine", "URL": url}}
    if backend == "elasticsearch":
        return {
            "default": {
                "ENGINE": "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine",
                "URL": url,
                "INDEX_NAME": "khaos_sync",
            }
        }
    if backend == "postgres":
        # The index is a table in the shop's own database (khaos_sync.shop.pgsearch).
        return {"default": {"ENGINE": "khaos_sync.shop.pgsearch.backend.PostgresSearchEngine"}}
    return {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}


HAYSTACK_CONNECTIONS = haystack_connections(SHOP["search_backend"], SHOP["search_url"], DATA_DIR)
if SHOP["search_backend"] in {"whoosh", "simple", "postgres"}:
    # These backends cannot facet; asking them to only fills the log with warnings.
    OSCAR_SEARCH_FACETS = {"fields": {}, "queries": {}}
# Products change in bulk during a sync; the sync engine rebuilds the index after
# each batch, so saves made by a person in the dashboard are the only ones that
# need indexing immediately.
HAYSTACK_SIGNAL_PROCESSOR = "khaos_sync.store.search.DashboardSignalProcessor"

# The Khaos section of the dashboard menu; its entries check access themselves.
from khaos_sync.dashboard.nav import KHAOS_NAVIGATION  # noqa: E402

OSCAR_DASHBOARD_NAVIGATION = [*OSCAR_DASHBOARD_NAVIGATION, KHAOS_NAVIGATION]  # noqa: F405

OSCAR_SHOP_NAME = SHOP["name"]
# The shop's public address ("https://shop.example.co.uk"); empty until configured.
# Django's Site follows it after every migrate (khaos_sync.shop.site), and Oscar's
# e-mail links take their scheme from it.
KHAOS_SITE_URL = SHOP["site_url"]
OSCAR_URL_SCHEMA = KHAOS_SITE_URL.split("://", 1)[0] if KHAOS_SITE_URL else "http"
OSCAR_DEFAULT_CURRENCY = "GBP"
OSCAR_INITIAL_ORDER_STATUS = STATUS_PENDING
OSCAR_INITIAL_LINE_STATUS = STATUS_PENDING
OSCAR_ORDER_STATUS_PIPELINE = ORDER_STATUS_PIPELINE
OSCAR_LINE_STATUS_PIPELINE = LINE_STATUS_PIPELINE
OSCAR_ORDER_STATUS_CASCADE = ORDER_STATUS_CASCADE
OSCAR_ALLOW_ANON_CHECKOUT = True
KHAOS_SYNC_DEFAULT_VAT_RATE = Decimal(SHOP["default_vat_rate"])
# The validated configuration, section by section, for the sync engine.
KHAOS_SYNC = CONFIG.values

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "khaos_sync.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Payments: django-payments, configured by [payments] (docs/payments.md) ---------------
from khaos_sync.shop.payments.variants import payment_host, payment_variants  # noqa: E402

INSTALLED_APPS += ["payments", "khaos_sync.shop.payments.apps.PaymentsConfig"]
PAYMENT_MODEL = "khaos_payments.Payment"
PAYMENT_VARIANTS = payment_variants(CONFIG.values["payments"])
_payment_host, _payment_ssl = payment_host(SHOP["site_url"])
if _payment_host:
    # Absolute return and callback addresses for the provider; without a site
    # address they stay relative to the shop the customer is on.
    PAYMENT_HOST = _payment_host
    PAYMENT_USES_SSL = bool(_payment_ssl)
