"""KSDXMLDeletedEntries: companies deleted or merged, from GetDeletedEntries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from khaos_sync.protocol.values import Fields, expect_root
from khaos_sync.protocol.xmlsafe import parse_document

ROOT_TAG = "DELETED_ENTRIES"
DOCUMENT_TYPE_COMPANY = 5


@dataclass(frozen=True, slots=True)
class DeletedEntry:
    header_id: str | None
    document_type: int | None
    # The record this one was merged into; None when it was simply deleted.
    additional_ref: str | None
    deletion_date: date | None
    parent_id: str | None

    @property
    def merged_into(self) -> str | None:
        return self.additional_ref


def parse_deleted_entries(data: bytes | str) -> list[DeletedEntry]:
    root = parse_document(data)
    expect_root(root, ROOT_TAG)
    entries = []
    for element in root.iterchildren("DELETED_ENTRY"):
        fields = Fields(element)
        entries.append(
            DeletedEntry(
                header_id=fields.code("HEADER_ID"),
                document_type=fields.as_int("DOCUMENT_TYPE"),
                additional_ref=fields.code("ADDITIONAL_REF"),
                deletion_date=fields.as_date("DELETION_DATE"),
                parent_id=fields.code("PARENT_ID"),
            )
        )
    return entries
