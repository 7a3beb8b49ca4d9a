"""WSGI entry point used by the production server (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khaos_sync.shop.settings")
application = get_wsgi_application()
