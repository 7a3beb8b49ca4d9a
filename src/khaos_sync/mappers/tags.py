"""UDAs (Khaos user-defined attributes) to product tags and attributes (mapping §1)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from khaos_sync.protocol.documents.stock import Uda

TAG = "tag"
ATTRIBUTE = "attribute"
IGNORE = "ignore"
TAG_MAX_LENGTH = 255


def uda_tags(uda: Uda) -> list[str]:
    """The tags one UDA yields: ``Name: value``; YES/NO true gives ``Name``."""
    kind = (uda.type or "TEXT").upper()
    value = uda.value.strip()
    if kind == "YES/NO":
        return [uda.name] if value in {"-1", "true", "True", "1"} else []
    if kind == "LIST":
        return [f"{uda.name}: {v.strip()}" for v in uda.list_values if v.strip()]
    return [f"{uda.name}: {value}"] if value else []


def tags_from_udas(udas: Iterable[Uda], modes: Mapping[str, str]) -> tuple[str, ...]:
    """Tags in first-seen order, duplicates removed (Khaos repeats UDA names)."""
    seen: dict[str, None] = {}
    for uda in udas:
        if modes.get(uda.name, TAG) != TAG:
            continue
        for tag in uda_tags(uda):
            seen.setdefault(tag[:TAG_MAX_LENGTH], None)
    return tuple(seen)


def attributes_from_udas(
    udas: Iterable[Uda], modes: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """UDAs configured as attributes: (name, value) with the last value winning."""
    values: dict[str, str] = {}
    for uda in udas:
        if modes.get(uda.name) == ATTRIBUTE:
            values[uda.name] = ", ".join(uda.list_values) if uda.list_values else uda.value.strip()
    return tuple(sorted(values.items()))
