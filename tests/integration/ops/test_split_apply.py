"""A batch with one bad item: the others land, the bad one is kept for a retry."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from oscar.core.loading import get_model

from khaos_sync.sync.core.batches import SplitApply
from khaos_sync.sync.core.models import FailedItem
from khaos_sync.sync.core.runs import record_failure, recorded_run

ProductTag = get_model("catalogue", "ProductTag")

pytestmark = pytest.mark.django_db


def write_tags(names: Sequence[str]) -> list[str]:
    """Writes a tag per name; a name the shop cannot take fails after the others were written."""
    for name in names:
        ProductTag.objects.create(name=name)
    for name in names:
        if name.startswith("bad"):
            raise ValueError(f"{name} cannot be written")
    return list(names)


def test_one_bad_item_is_isolated_and_the_rest_of_its_batch_lands() -> None:
    committed: list[list[str]] = []
    with recorded_run("catalogue") as recorder:
        writer = SplitApply[str, list[str]](
            flow="catalogue",
            recorder=recorder,
            write=write_tags,
            key=lambda name: name,
            raw=lambda name: f'{{"name": "{name}"}}',
            after=committed.append,
        )
        writer.apply(["red", "bad-green", "blue"])
        writer.apply(["cyan", "magenta"])

    names = sorted(ProductTag.objects.values_list("name", flat=True))
    assert names == ["blue", "cyan", "magenta", "red"], "nothing of the failed attempt is left"
    failed = FailedItem.objects.get(flow="catalogue")
    assert (failed.key, failed.payload) == ("bad-green", '{"name": "bad-green"}')
    assert "bad-green cannot be written" in failed.error
    assert committed == [["red"], ["blue"], ["cyan", "magenta"]]
    assert recorder.counts["failed"] == 1


def test_a_batch_that_goes_through_resolves_its_items_earlier_failures() -> None:
    record_failure("catalogue", "red", "{}", ValueError("earlier"))
    with recorded_run("catalogue") as recorder:
        writer = SplitApply[str, list[str]](
            flow="catalogue",
            recorder=recorder,
            write=write_tags,
            key=lambda name: name,
            raw=lambda name: name,
        )
        writer.apply(["red", "blue"])

    assert FailedItem.objects.get(key="red").state == FailedItem.State.RESOLVED
