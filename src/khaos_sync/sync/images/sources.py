"""Reading image files out of a folder or a ZIP, refusing what is unsafe.

Entries are read into memory one at a time and never extracted by name, so a
hostile path cannot write anywhere; such entries are still refused by name so
the report says what was wrong with the archive. ZIP limits are enforced on the
bytes actually decompressed, because the sizes in a ZIP header are whatever the
sender wrote there.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from khaos_sync.mappers.verify import RefusedFile

CHUNK = 1 << 16
# Tiny files can have absurd ratios without being dangerous; judge from here on.
RATIO_FLOOR = 1 << 20
# Files that operating systems add to folders and archives on their own.
SYSTEM_FILES = {"thumbs.db", "desktop.ini"}
_DRIVE = re.compile(r"^[a-zA-Z]:")


@dataclass(frozen=True)
class SourceLimits:
    max_file_bytes: int
    max_zip_entries: int
    max_zip_total_bytes: int
    max_zip_ratio: int


class SourceEntry(Protocol):
    name: str

    def read(self) -> bytes: ...


class ImageSource(Protocol):
    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[SourceEntry]: ...


class ArchiveRefused(RefusedFile):
    """The whole folder or ZIP is refused (nothing in it was read)."""


def open_source(path: Path, limits: SourceLimits) -> ImageSource:
    if path.is_dir():
        return FolderSource(path, limits)
    if not path.is_file():
        raise ArchiveRefused(f"{path} is neither a folder nor a file")
    if not zipfile.is_zipfile(path):
        raise ArchiveRefused(f"{path.name} is not a ZIP archive")
    return ZipSource(path, limits)


def is_system_file(name: str) -> bool:
    parts = [p for p in re.split(r"[\\/]", name) if p]
    if not parts:
        return True
    return (
        "__MACOSX" in parts[:-1] or parts[-1].startswith(".") or parts[-1].lower() in SYSTEM_FILES
    )


def unsafe_path(name: str) -> str | None:
    """Why an entry name could escape the folder it is unpacked into, or None."""
    if "\x00" in name:
        return "unsafe path: contains a NUL character"
    if name.startswith(("/", "\\")):
        return "unsafe path: absolute path"
    if _DRIVE.match(name):
        return "unsafe path: Windows drive letter"
    if ".." in re.split(r"[\\/]", name):
        return "unsafe path: parent folder (..)"
    return None


# --- folders ---


@dataclass(frozen=True)
class FolderEntry:
    name: str
    path: Path
    limits: SourceLimits

    def read(self) -> bytes:
        if self.path.is_symlink():
            raise RefusedFile("symbolic link: only real files are imported")
        size = self.path.stat().st_size
        if size > self.limits.max_file_bytes:
            raise RefusedFile(f"{size} bytes is over the {self.limits.max_file_bytes} byte limit")
        return self.path.read_bytes()


class FolderSource:
    def __init__(self, root: Path, limits: SourceLimits) -> None:
        self.root = root
        self.limits = limits
        self.paths = sorted(self.walk())

    def walk(self) -> Iterator[Path]:
        for folder, dirs, files in os.walk(self.root, followlinks=False):
            dirs[:] = [d for d in dirs if not is_system_file(d + "/x")]
            for file_name in files:
                path = Path(folder, file_name)
                if not is_system_file(file_name):
                    yield path

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[SourceEntry]:
        for path in self.paths:
            yield FolderEntry(path.relative_to(self.root).as_posix(), path, self.limits)


# --- ZIP archives ---


class Budget:
    """Uncompressed bytes one archive may still produce."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent = 0

    def spend(self, n: int) -> None:
        self.spent += n
        if self.spent > self.limit:
            raise RefusedFile(
                f"zip bomb: the archive expands to more than {self.limit} bytes; "
                "reading stopped here"
            )

    @property
    def exhausted(self) -> bool:
        return self.spent > self.limit


@dataclass(frozen=True)
class RefusedEntry:
    name: str
    reason: str

    def read(self) -> bytes:
        raise RefusedFile(self.reason)


@dataclass(frozen=True)
class ZipEntry:
    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    limits: SourceLimits
    budget: Budget

    @property
    def name(self) -> str:
        return self.info.filename

    def read(self) -> bytes:
        if self.budget.exhausted:
            raise RefusedFile("not read: the archive already passed its uncompressed size limit")
        if self.info.flag_bits & 0x1:
            raise RefusedFile("encrypted entry")
        try:
            return self.read_limited()
        except (zipfile.BadZipFile, EOFError, NotImplementedError) as exc:
            raise RefusedFile(f"damaged ZIP entry: {exc}") from None

    def read_limited(self) -> bytes:
        data = bytearray()
        ratio_cap = self.limits.max_zip_ratio * max(self.info.compress_size, 1)
        with self.archive.open(self.info) as stream:
            while chunk := stream.read(CHUNK):
                data += chunk
                self.budget.spend(len(chunk))
                if len(data) > self.limits.max_file_bytes:
                    raise RefusedFile(
                        f"over the {self.limits.max_file_bytes} byte limit once uncompressed"
                    )
                if len(data) > RATIO_FLOOR and len(data) > ratio_cap:
                    raise RefusedFile(
                        "zip bomb: expands more than "
                        f"{self.limits.max_zip_ratio} times its compressed size"
                    )
        return bytes(data)


class ZipSource:
    def __init__(self, path: Path, limits: SourceLimits) -> None:
        self.path = path
        self.limits = limits
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
        if len(infos) > limits.max_zip_entries:
            raise ArchiveRefused(
                f"{path.name} holds {len(infos)} entries; the limit is {limits.max_zip_entries}"
            )
        self.infos = [i for i in infos if not i.is_dir() and not is_system_file(i.filename)]

    def __len__(self) -> int:
        return len(self.infos)

    def __iter__(self) -> Iterator[SourceEntry]:
        budget = Budget(self.limits.max_zip_total_bytes)
        with zipfile.ZipFile(self.path) as archive:
            for info in self.infos:
                reason = unsafe_path(info.filename)
                if reason:
                    yield RefusedEntry(info.filename, reason)
                else:
                    yield ZipEntry(archive, info, self.limits, budget)
