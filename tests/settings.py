"""Settings for the test suite: the shop's own settings on a throw-away data dir."""

import os
import tempfile

os.environ.setdefault("KHAOS_SYNC_DATA_DIR", tempfile.mkdtemp(prefix="khaos-sync-tests-"))
# Parallel runs (pytest-xdist): each worker process inherits the data dir chosen above and
# takes a folder of its own in it, so no two share a search index, media or secret key.
# (A process a test starts inherits the worker's folder as it is.)
worker = os.environ.get("PYTEST_XDIST_WORKER")
if worker and os.path.basename(os.environ["KHAOS_SYNC_DATA_DIR"]) != worker:
    os.environ["KHAOS_SYNC_DATA_DIR"] = os.path.join(os.environ["KHAOS_SYNC_DATA_DIR"], worker)
# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The checkout pays with django-payments' test provider (docs/payments.md).
os.environ.setdefault("KHAOS_SYNC_PAYMENTS_PROVIDER", "dummy")

from khaos_sync.shop.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
