"""Writing imported files as Oscar product images.

Files are named by content hash and product, and written atomically (a
temporary file renamed into place), so a reader never sees half an image and
the same content is never stored twice for a product. The file is not shared
between products because Oscar deletes an image's file when the image is
deleted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.core.thumbnails import get_thumbnailer

from khaos_sync.files import atomic_write
from khaos_sync.mappers.images import gallery_order
from khaos_sync.mappers.verify import VerifiedImage
from khaos_sync.sync.images.models import ImageBinding

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")

FOLDER = "images/khaos"
CREATED = "created"
REPLACED = "replaced"
UNCHANGED = "unchanged"
DUPLICATE = "duplicate"


def stored_images() -> dict[tuple[int, str], tuple[str, int]]:
    """(product, file name) -> (content hash, position) of every imported image."""
    rows = ImageBinding.objects.values_list("product_id", "source_name", "content_hash", "position")
    return {(p, name): (digest, position) for p, name, digest, position in rows.iterator(5000)}


def stored_name(product_id: int, image: VerifiedImage) -> str:
    digest = image.sha256
    return f"{FOLDER}/{digest[:2]}/{digest[:40]}-{product_id}.{image.extension}"


def write_atomically(name: str, data: bytes) -> bool:
    """Store a file unless it is there already; True when this call wrote it."""
    if default_storage.exists(name):
        return False
    if isinstance(default_storage, FileSystemStorage):
        write_local(Path(default_storage.path(name)), data)
    else:
        # Object stores publish an object only once it is complete.
        default_storage.save(name, ContentFile(data))
    return True


def write_local(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data, mode=settings.FILE_UPLOAD_PERMISSIONS or 0o644)


def attach_image(
    product_id: int, source_name: str, position: int, image: VerifiedImage, data: bytes
) -> str:
    """Put one file on one product; says whether it was created, replaced or already there."""
    name = stored_name(product_id, image)
    written = False
    try:
        with transaction.atomic():
            # One query for the product's imported images answers both questions.
            bindings = list(
                ImageBinding.objects.select_for_update()
                .select_related("product_image")
                .filter(product_id=product_id)
            )
            binding = next((b for b in bindings if b.source_name == source_name), None)
            if binding is not None and binding.content_hash == image.sha256:
                keep_position(binding, position)
                return UNCHANGED
            if binding is None and any(b.content_hash == image.sha256 for b in bindings):
                return DUPLICATE
            written = write_atomically(name, data)
            if binding is None:
                create_image(product_id, source_name, position, image, name)
                return CREATED
            replace_image(binding, position, image, name)
            return REPLACED
    except BaseException:
        if written:
            default_storage.delete(name)
        raise


def keep_position(binding: ImageBinding, position: int) -> None:
    if binding.position != position:
        binding.position = position
        binding.save(update_fields=["position"])


def create_image(
    product_id: int, source_name: str, position: int, image: VerifiedImage, name: str
) -> None:
    product_image = ProductImage.objects.create(
        product_id=product_id, original=name, display_order=position
    )
    ImageBinding.objects.create(
        product_id=product_id,
        product_image=product_image,
        source_name=source_name,
        content_hash=image.sha256,
        position=position,
        imported_at=timezone.now(),
    )


def replace_image(binding: ImageBinding, position: int, image: VerifiedImage, name: str) -> None:
    product_image = binding.product_image
    old_name = product_image.original.name
    product_image.original = name
    product_image.save(update_fields=["original"])
    binding.content_hash = image.sha256
    binding.position = position
    binding.imported_at = timezone.now()
    binding.save(update_fields=["content_hash", "position", "imported_at"])
    if old_name != name:
        transaction.on_commit(lambda: remove_if_unused(old_name))


def remove_if_unused(name: str) -> None:
    """Delete a replaced file and its thumbnails once no image points at it."""
    if not ProductImage.objects.filter(original=name).exists():
        get_thumbnailer().delete_thumbnails(ProductImage(original=name).original)


def resequence(product_ids: list[int]) -> None:
    """Imported images in Khaos's order first, then any others as they were."""
    images = (
        ProductImage.objects.filter(product_id__in=product_ids)
        .select_related("khaos_source")
        .order_by("product_id", "display_order", "pk")
    )
    galleries: dict[int, list[Any]] = {}
    for image in images:
        galleries.setdefault(image.product_id, []).append(image)
    changed = []
    for gallery in galleries.values():
        for display_order, image in enumerate(in_gallery_order(gallery)):
            if image.display_order != display_order:
                image.display_order = display_order
                changed.append(image)
    ProductImage.objects.bulk_update(changed, ["display_order"], batch_size=500)


def in_gallery_order(images: list[Any]) -> list[Any]:
    ours = {img.khaos_source.source_name: img for img in images if hasattr(img, "khaos_source")}
    positions = ((img.khaos_source.position, name) for name, img in ours.items())
    by_hand = [img for img in images if not hasattr(img, "khaos_source")]
    return [ours[name] for name in gallery_order(positions)] + by_hand


def products_without_images() -> list[str]:
    """Stock codes of live Khaos products whose page would show no picture."""
    has_own = Exists(ProductImage.objects.filter(product_id=OuterRef("pk")))
    parent_has = Exists(ProductImage.objects.filter(product_id=OuterRef("parent_id")))
    rows = (
        Product.objects.filter(khaos__isnull=False, khaos_deleted=False)
        .exclude(has_own)
        .exclude(parent_has)
        .order_by("khaos__stock_code")
        .values_list("khaos__stock_code", flat=True)
    )
    return list(rows)
