"""Import reports, in the ``reports`` storage every server and worker shares.

On one machine that is the data dir (owner-only files); on several, the private
part of the bucket (``[media] storage = "s3"``). A report is written whole or not
at all either way: on disk through a temporary file renamed into place, in a
bucket because an object appears only once it is complete.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages

from khaos_sync.files import atomic_write, private_dir


def reports_storage() -> Storage:
    return storages["reports"]


def save_report(name: str, data: str) -> str:
    """Store ``data`` under ``name`` (replacing any earlier one); returns the name."""
    storage = reports_storage()
    if isinstance(storage, FileSystemStorage):
        target = Path(storage.path(name))  # refuses a name leading out of the storage
        private_dir(target.parent)
        atomic_write(target, data)
        return name
    storage.delete(name)  # the S3 storage replaces, others would rename
    return storage.save(name, ContentFile(data.encode("utf-8")))


def open_report(name: str) -> File[bytes] | None:
    """The report opened for reading, or None when it is gone (deleted by hand, never written)."""
    storage = reports_storage()
    if not name or not storage.exists(name):
        return None
    return storage.open(name, "rb")
