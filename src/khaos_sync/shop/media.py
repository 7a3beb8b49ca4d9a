"""The media bucket as a storage class that also works when built with no arguments.

sorl-thumbnail (Oscar's thumbnailer) builds its storage from the class path alone —
``STORAGES["default"]["BACKEND"]()`` — both for new thumbnails and for those it
reads back from its key store; a plain ``S3Storage()`` would have no bucket. This
one then takes the options of ``STORAGES["default"]``, as Django would give them.
Imported only with ``[media] storage = "s3"`` (it needs django-storages and boto3).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from storages.backends.s3 import S3Storage


class MediaStorage(S3Storage):
    def __init__(self, **options: Any) -> None:
        if not options:
            options = dict(settings.STORAGES["default"].get("OPTIONS", {}))
        super().__init__(**options)
