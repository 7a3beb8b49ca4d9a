"""The image importer: read → verify → match → write → report, one file at a time.

Each file is verified completely before anything is written, and written in
its own transaction, so a refused or failing file leaves no trace and never
holds up the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings

from khaos_sync.mappers.images import ImageIndex, ImageTarget, Placement, file_key
from khaos_sync.mappers.verify import ImageLimits, RefusedFile, VerifiedImage, verify_image
from khaos_sync.store import images as store
from khaos_sync.sync.catalogue.models import ProductBinding
from khaos_sync.sync.core.progress import Progress
from khaos_sync.sync.core.runs import RunRecorder, resolve_failures
from khaos_sync.sync.images.report import ImportReport
from khaos_sync.sync.images.sources import ImageSource, SourceEntry, SourceLimits

log = logging.getLogger(__name__)

OWNED = "images"
# The store's outcomes that the run counts under another name.
COUNTED_AS = {store.REPLACED: "updated", store.DUPLICATE: "unchanged"}


def image_limits() -> ImageLimits:
    config = settings.KHAOS_SYNC["images"]
    return ImageLimits(max_file_bytes=config["max_file_bytes"], max_pixels=config["max_pixels"])


def source_limits() -> SourceLimits:
    config = settings.KHAOS_SYNC["images"]
    return SourceLimits(
        max_file_bytes=config["max_file_bytes"],
        max_zip_entries=config["max_zip_entries"],
        max_zip_total_bytes=config["max_zip_total_bytes"],
        max_zip_ratio=config["max_zip_ratio"],
    )


@dataclass
class Catalogue:
    """The bound products as matching sees them, loaded once per import."""

    index: ImageIndex
    held: set[int] = field(default_factory=set)


def load_catalogue() -> Catalogue:
    rows = ProductBinding.objects.values_list(
        "product_id", "stock_code", "image_files", "owned_fields"
    )
    targets, held = [], set()
    for product_id, stock_code, image_files, owned_fields in rows.iterator(chunk_size=5000):
        targets.append(ImageTarget(product_id, stock_code, tuple(image_files or ())))
        if OWNED in (owned_fields or ()):
            held.add(product_id)
    return Catalogue(ImageIndex(targets), held)


class ImageImporter:
    def __init__(self, recorder: RunRecorder, report: ImportReport) -> None:
        self.recorder = recorder
        self.report = report
        self.limits = image_limits()
        self.catalogue = load_catalogue()
        self.stored = store.stored_images()
        # (product, file name) -> content hash, for files met twice in one import.
        self.seen: dict[tuple[int, str], str] = {}
        self.placed: set[tuple[int, str]] = set()
        self.touched: set[int] = set()
        self.sound: list[str] = []
        self.refused: set[str] = set()

    def run(self, source: ImageSource, progress: Progress | None = None) -> None:
        self.report.files = len(source)
        for entry in source:
            self.import_entry(entry)
            if progress:
                progress(1)
        self.finish(progress)

    def import_entry(self, entry: SourceEntry) -> None:
        name = entry.name
        try:
            data = entry.read()
            placements = self.catalogue.index.placements(name)
            digest = hashlib.sha256(data).hexdigest()
            if placements and self.all_stored(name, placements, digest):
                # Verified when it was stored; sending it again costs only the hash.
                image = None
            else:
                image = verify_image(data, self.limits)
        except RefusedFile as exc:
            self.refuse(name, exc)
            return
        self.sound.append(name[-255:])
        if not placements:
            self.report.unmatched.append(name)
            return
        for placement in placements:
            self.place(name, placement, digest, image, data)

    def all_stored(self, name: str, placements: list[Placement], digest: str) -> bool:
        key = file_key(name)
        return all(self.stored.get((p.product_id, key)) == (digest, p.position) for p in placements)

    def place(
        self,
        name: str,
        placement: Placement,
        digest: str,
        image: VerifiedImage | None,
        data: bytes,
    ) -> None:
        if placement.product_id in self.catalogue.held:
            self.report.add_held(name, placement.stock_code)
            return
        slot = (placement.product_id, file_key(name))
        earlier = self.seen.setdefault(slot, digest)
        if earlier != digest:
            self.refuse(name, RefusedFile(f"another file named {slot[1]} for the same product"))
        elif slot in self.placed:
            self.record(name, placement, store.DUPLICATE)
        elif image is None:
            self.placed.add(slot)
            self.record(name, placement, store.UNCHANGED)
        else:
            self.placed.add(slot)
            self.attach(name, placement, image, data)

    def attach(self, name: str, placement: Placement, image: VerifiedImage, data: bytes) -> None:
        try:
            outcome = store.attach_image(
                placement.product_id, file_key(name), placement.position, image, data
            )
        except Exception as exc:  # a database or storage error: log this file, go on
            self.recorder.fail(name[-255:], describe(name, image, placement), exc)
            self.report.add_refusal(name, f"not stored: {type(exc).__name__}: {exc}")
            self.refused.add(name[-255:])
            return
        self.record(name, placement, outcome)
        self.touched.add(placement.product_id)

    def record(self, name: str, placement: Placement, outcome: str) -> None:
        self.recorder.count_outcome(outcome, COUNTED_AS)
        self.report.add_match(
            name, placement.stock_code, placement.position, placement.rule, outcome
        )

    def refuse(self, name: str, exc: RefusedFile) -> None:
        self.recorder.fail(name[-255:], json.dumps({"file": name, "reason": str(exc)}), exc)
        self.report.add_refusal(name, str(exc))
        self.refused.add(name[-255:])

    def finish(self, progress: Progress | None = None) -> None:
        touched = sorted(self.touched)
        for start in range(0, len(touched), 500):
            store.resequence(touched[start : start + 500])
            if progress:
                progress(0)  # keeps the job's heartbeat going on a large catalogue
        # A file refused before and sent again, now sound, is no longer a failure.
        sound = [name for name in self.sound if name not in self.refused]
        for start in range(0, len(sound), 500):
            resolve_failures("images", sound[start : start + 500])
        self.report.products_without_images = store.products_without_images()


def describe(name: str, image: VerifiedImage, placement: Placement) -> str:
    return json.dumps(
        {
            "file": name,
            "sha256": image.sha256,
            "format": image.format,
            "bytes": image.size,
            "stock_code": placement.stock_code,
            "position": placement.position,
        }
    )
