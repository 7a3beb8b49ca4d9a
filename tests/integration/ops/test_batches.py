"""Batch writes that split on failure: one bad record fails alone, the others land."""

from __future__ import annotations

import pytest

from khaos_sync.sync.core.batches import SplitOnFailure

pytestmark = pytest.mark.django_db


class Shelf:
    """Writes numbers; 13 cannot be written (as a record the database refuses)."""

    def __init__(self) -> None:
        self.landed: list[list[int]] = []
        self.failed: list[tuple[int, str]] = []

    def write(self, batch):  # type: ignore[no-untyped-def]
        if 13 in batch:
            raise ValueError("13 is refused")
        return len(batch)

    def split(self) -> SplitOnFailure[int, int]:
        return SplitOnFailure(
            self.write,
            lambda batch, written: self.landed.append(list(batch)),
            lambda item, exc: self.failed.append((item, str(exc))),
        )


def test_a_good_batch_lands_in_one_write():
    shelf = Shelf()
    shelf.split()([1, 2, 3])
    assert shelf.landed == [[1, 2, 3]] and shelf.failed == []


def test_one_bad_record_fails_alone_and_the_others_land():
    shelf = Shelf()
    shelf.split()([11, 12, 13, 14])
    assert shelf.landed == [[11], [12], [14]]
    assert shelf.failed == [(13, "13 is refused")]


def test_a_batch_of_one_bad_record_is_a_failure_not_an_error():
    shelf = Shelf()
    shelf.split()([13])
    assert shelf.landed == [] and shelf.failed == [(13, "13 is refused")]
