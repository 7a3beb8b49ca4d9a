"""Which product an image file belongs to, and where in its gallery (mapping §6).

Pure rules, no database: the importer builds an :class:`ImageIndex` from the
product bindings once per run and asks it about each file.

1. Khaos names the file: the last component of a ``STOCK_IMAGES/FILE_NAME``
   (a Windows path such as ``P:\\Images\\Brand\\abc 1.jpg``), compared without
   case. The position is the image's place in that item's Khaos list.
2. Otherwise the stock code convention: ``<STOCK_CODE>.<ext>`` is the main image
   (position 0) and ``<STOCK_CODE>_<n>.<ext>`` the n-th. A whole-name match wins
   over a split one, so a code that itself ends in ``_2`` still matches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

KHAOS_NAME = "khaos file name"
STOCK_CODE = "stock code"
NUMBERED_CODE = "stock code and number"

_SEPARATORS = re.compile(r"[\\/]+")
_NUMBERED = re.compile(r"^(?P<code>.+)_(?P<n>\d{1,4})$")


@dataclass(frozen=True)
class ImageTarget:
    """What matching needs to know about one bound product or variant."""

    product_id: int
    stock_code: str
    image_files: tuple[str, ...]  # Khaos FILE_NAMEs in Khaos's order


@dataclass(frozen=True)
class Placement:
    """One file attached to one product at one position in its gallery."""

    product_id: int
    stock_code: str
    position: int
    rule: str


def path_parts(path: str) -> list[str]:
    """Components of a Windows or POSIX path, lower case, without a drive or empty parts."""
    parts = [p for p in _SEPARATORS.split(path.strip().lower()) if p]
    if parts and re.fullmatch(r"[a-z]:", parts[0]):
        parts = parts[1:]
    return parts


def file_key(path: str) -> str:
    """The name a file is known by: its last path component, lower case."""
    parts = path_parts(path)
    return parts[-1] if parts else ""


def stem(name: str) -> str:
    head, dot, _ext = name.rpartition(".")
    return head if dot and head else name


@dataclass(frozen=True)
class _Reference:
    target: ImageTarget
    position: int
    folders: tuple[str, ...]  # Khaos's folders above the file, nearest last


class ImageIndex:
    """Khaos file names and stock codes of every bound product, for lookups by file."""

    def __init__(self, targets: Iterable[ImageTarget]) -> None:
        self.by_name: dict[str, list[_Reference]] = defaultdict(list)
        self.by_code: dict[str, list[ImageTarget]] = defaultdict(list)
        for target in targets:
            self.by_code[target.stock_code.strip().lower()].append(target)
            for position, file_name in enumerate(target.image_files):
                parts = path_parts(file_name)
                if parts:
                    self.by_name[parts[-1]].append(_Reference(target, position, tuple(parts[:-1])))

    def placements(self, relative_path: str) -> list[Placement]:
        """Where a file (its path inside the folder or ZIP) goes; empty when nowhere."""
        parts = path_parts(relative_path)
        if not parts:
            return []
        references = self.by_name.get(parts[-1])
        if references:
            return first_per_product(
                Placement(r.target.product_id, r.target.stock_code, r.position, KHAOS_NAME)
                for r in narrowest(references, tuple(parts[:-1]))
            )
        return self.by_convention(stem(parts[-1]))

    def by_convention(self, name: str) -> list[Placement]:
        targets = self.by_code.get(name)
        if targets:
            return [Placement(t.product_id, t.stock_code, 0, STOCK_CODE) for t in targets]
        numbered = _NUMBERED.match(name)
        if numbered is None:
            return []
        position = int(numbered["n"])
        return [
            Placement(t.product_id, t.stock_code, position, NUMBERED_CODE)
            for t in self.by_code.get(numbered["code"], [])
        ]


def narrowest(references: list[_Reference], folders: tuple[str, ...]) -> list[_Reference]:
    """The references whose Khaos folders best match the file's own folders.

    Khaos paths often share a base name across brands (``...\\Brand A\\red 1.jpg``
    and ``...\\Brand B\\red 1.jpg``). A ZIP that keeps the folders says which one
    is meant; a file sent without folders goes to every item that names it.
    """
    if len(references) == 1 or not folders:
        return references
    scored = [(shared_tail(r.folders, folders), r) for r in references]
    best = max(score for score, _ in scored)
    if best == 0:
        return references
    return [r for score, r in scored if score == best]


def shared_tail(left: tuple[str, ...], right: tuple[str, ...]) -> int:
    count = 0
    for a, b in zip(reversed(left), reversed(right), strict=False):
        if a != b:
            break
        count += 1
    return count


def first_per_product(placements: Iterable[Placement]) -> list[Placement]:
    """An item that lists the same file twice shows it once, at its first place."""
    seen: dict[int, Placement] = {}
    for placement in placements:
        seen.setdefault(placement.product_id, placement)
    return list(seen.values())


def gallery_order(positions: Iterable[tuple[int, str]]) -> list[str]:
    """Source names in display order: Khaos's position first, then the name."""
    return [name for _position, name in sorted(positions)]
