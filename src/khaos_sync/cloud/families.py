"""SCS families across stock upload batches.

KCC sends each variant as an item of its own naming its parent, and the
first upload of a catalogue comes in batches, so a parent and its variants
may arrive in different pushes. Every push records which items it carried;
a family is applied once its parent and at least one variant are known,
with every variant received so far (read again from the push that carried
it), so the catalogue writer always sees the whole family as KSDXML has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from khaos_sync.cloud.models import CloudPush, CloudStockItem
from khaos_sync.protocol.cloud.payload import Format
from khaos_sync.protocol.cloud.stock import (
    StockUpload,
    attach_children,
    read_stock_upload,
    scs_child,
)
from khaos_sync.protocol.documents.stock import ScsChild, StockItem


@dataclass
class Family:
    items: list[StockItem] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # stock ids held back until complete


def carried(upload: StockUpload) -> Iterator[tuple[StockItem, str, bool]]:
    """Every item of an upload: (item, parent stock id or "", is an SCS parent)."""
    for item in upload.items:
        yield item, "", item.scs is not None
        if item.scs is not None:
            for child in item.scs.children:
                yield child.item, item.stock_id or "", False
    for orphan in upload.orphans:
        yield orphan.child.item, orphan.parent_stock_id, False


def remember(push: CloudPush, upload: StockUpload) -> None:
    rows = {
        item.stock_id: CloudStockItem(
            stock_id=item.stock_id, parent_stock_id=parent, is_scs_parent=is_parent, push=push
        )
        for item, parent, is_parent in carried(upload)
        if item.stock_id
    }
    CloudStockItem.objects.filter(stock_id__in=list(rows)).delete()
    CloudStockItem.objects.bulk_create(rows.values(), batch_size=1000)


class _Pushes:
    """Items of earlier pushes, each push read once."""

    def __init__(self, current: CloudPush, upload: StockUpload) -> None:
        self.read: dict[int, dict[str, tuple[StockItem, ScsChild | None]]] = {
            current.pk: _index(upload)
        }

    def item(self, row: CloudStockItem) -> tuple[StockItem, ScsChild | None] | None:
        if row.push_id not in self.read:
            push = row.push
            upload = read_stock_upload(bytes(push.payload), Format(push.format))
            self.read[row.push_id] = _index(upload)
        return self.read[row.push_id].get(row.stock_id)


def _index(upload: StockUpload) -> dict[str, tuple[StockItem, ScsChild | None]]:
    found: dict[str, tuple[StockItem, ScsChild | None]] = {}
    for item in upload.items:
        found[item.stock_id or ""] = (item, None)
        for child in item.scs.children if item.scs is not None else ():
            found[child.item.stock_id or ""] = (child.item, child)
    for orphan in upload.orphans:
        found[orphan.child.item.stock_id or ""] = (orphan.child.item, orphan.child)
    return found


def complete_families(push: CloudPush, upload: StockUpload) -> Family:
    """The items to apply: plain ones as they are, SCS families whole, the rest waiting."""
    remember(push, upload)
    pushes = _Pushes(push, upload)
    family = Family()
    parents: dict[str, StockItem] = {}
    for item in upload.items:
        if item.scs is None:
            family.items.append(item)
        else:
            parents[item.stock_id or ""] = item
    for orphan in upload.orphans:
        if orphan.parent_stock_id not in parents:
            row = CloudStockItem.objects.filter(
                stock_id=orphan.parent_stock_id, is_scs_parent=True
            ).first()
            known = None if row is None else pushes.item(row)
            if known is None:
                family.waiting.append(orphan.child.item.stock_id or "")
                continue
            parents[orphan.parent_stock_id] = known[0]
    for parent_id, parent in parents.items():
        children = _children(parent_id, parent, pushes)
        if children:
            family.items.append(attach_children(parent, children))
        else:
            family.waiting.append(parent_id)
    return family


def _children(parent_id: str, parent: StockItem, pushes: _Pushes) -> list[ScsChild]:
    headings = [h.name for h in parent.scs.headings] if parent.scs is not None else []
    children = []
    rows = CloudStockItem.objects.filter(parent_stock_id=parent_id).select_related("push")
    for row in rows.order_by("pk"):
        known = pushes.item(row)
        if known is None:
            continue
        item, child = known
        values = [value for _name, value in child.options] if child is not None else []
        children.append(scs_child(item, headings, values))
    return children
