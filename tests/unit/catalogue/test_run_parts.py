"""Pieces of a catalogue run that need no database: chunk sizes and the tree read ahead."""

import threading

import pytest

from khaos_sync.protocol.documents.web_categories import WebCategories
from khaos_sync.sync.catalogue.importer import even_chunk
from khaos_sync.sync.catalogue.tree import TreeReading


@pytest.mark.parametrize(
    ("count", "most", "size", "calls"),
    [
        (243, 200, 122, 2),
        (200, 200, 200, 1),
        (201, 200, 101, 2),
        (110944, 200, 200, 555),
        (0, 200, 1, 0),
    ],
)
def test_chunks_are_even_and_as_few_as_before(count, most, size, calls):
    assert even_chunk(count, most) == size
    assert len(range(0, count, size)) == calls == -(-count // most)


def test_a_tree_started_ahead_is_read_in_the_background_and_handed_over_once():
    readers: list[str] = []
    tree = WebCategories(None, None, (), ())

    def read() -> WebCategories:
        readers.append(threading.current_thread().name)
        return tree

    with TreeReading(read) as reading:
        assert not reading.started
        reading.start()
        assert reading.started and reading.result() is tree
    assert len(readers) == 1 and readers[0].startswith("khaos-category-tree")


def test_a_tree_not_started_is_read_when_asked_for_and_a_failure_is_raised_there():
    def read() -> WebCategories:
        raise RuntimeError("Khaos refused")

    with TreeReading(read) as reading, pytest.raises(RuntimeError, match="refused"):
        reading.result()
    with TreeReading(read) as reading:
        reading.start()
        with pytest.raises(RuntimeError, match="refused"):
            reading.result()
