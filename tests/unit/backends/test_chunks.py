"""A chunked fetch halves a failing chunk down to the one bad code and goes on."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from khaos_sync.backends.ahead import Arrived, Fetch
from khaos_sync.backends.base import FetchFailure
from khaos_sync.backends.soap import in_chunks
from khaos_sync.protocol.errors import DocumentError, SoapFault, TransientError
from khaos_sync.protocol.soap.streaming import KeptText


def fetcher(bad: str, error: Exception, asked: list[list[str]]):  # type: ignore[no-untyped-def]
    def fetch(codes: list[str], kept: KeptText) -> list[str]:
        asked.append(codes)
        pieces = kept.through([b"<STOCK_ITEMS>", b"<broken"])
        for _ in pieces:
            pass
        if bad in codes:
            raise error
        return codes

    return fetch


def test_the_bad_code_alone_fails_with_what_arrived_and_the_rest_comes_through() -> None:
    asked: list[list[str]] = []
    codes = [f"C{n}" for n in range(8)]
    fetch = fetcher("C5", DocumentError("document is not well-formed XML"), asked)

    results = list(in_chunks(codes, 4, fetch, halve_on=(TransientError, DocumentError)))

    failures = [r for r in results if isinstance(r, FetchFailure)]
    fetched = [code for r in results if not isinstance(r, FetchFailure) for code in r]
    assert fetched == ["C0", "C1", "C2", "C3", "C4", "C6", "C7"]
    (failure,) = failures
    assert failure.codes == ("C5",) and failure.arrived
    assert failure.payload == "<STOCK_ITEMS><broken"
    # The bad chunk of 4, then its halves of 2, then the bad half's two codes.
    assert asked[1:] == [["C4", "C5", "C6", "C7"], ["C4", "C5"], ["C4"], ["C5"], ["C6", "C7"]]


def test_a_refusal_of_the_call_is_not_halved_but_raised() -> None:
    fetch = fetcher("C1", SoapFault("Access denied"), [])
    with pytest.raises(SoapFault):
        list(in_chunks(["C0", "C1"], 2, fetch, halve_on=(TransientError,)))


def test_a_kept_error_fails_its_whole_chunk_at_once() -> None:
    asked: list[list[str]] = []
    fetch = fetcher("C1", SoapFault("Access denied"), asked)
    results = list(in_chunks(["C0", "C1", "C2"], 2, fetch, halve_on=(), keep_on=(SoapFault,)))
    failure = results[0]
    assert isinstance(failure, FetchFailure)
    assert failure.codes == ("C0", "C1") and failure.payload is None and not failure.arrived
    assert results[1] == ["C2"]
    assert asked == [["C0", "C1"], ["C2"]]


def test_the_next_chunk_is_asked_for_while_the_caller_writes_this_one() -> None:
    asked: list[list[str]] = []
    second_asked = threading.Event()

    def fetch(codes: list[str], kept: KeptText) -> list[str]:
        asked.append(codes)
        if len(asked) == 2:
            second_asked.set()
        return codes

    chunks = in_chunks([f"C{n}" for n in range(6)], 2, fetch, halve_on=(TransientError,))
    assert next(chunks) == ["C0", "C1"]
    # The caller has not asked for more, yet Khaos is already building the next answer.
    assert second_asked.wait(5)
    assert list(chunks) == [["C2", "C3"], ["C4", "C5"]]
    assert asked == [["C0", "C1"], ["C2", "C3"], ["C4", "C5"]]


def test_only_one_request_is_in_flight_and_answers_keep_their_order() -> None:
    lock = threading.Lock()
    in_flight, most = 0, 0

    def fetch(codes: list[str], kept: KeptText) -> list[str]:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.01)
        with lock:
            in_flight -= 1
        return codes

    codes = [f"C{n}" for n in range(20)]
    results = []
    for result in in_chunks(codes, 3, fetch, halve_on=(TransientError,)):
        results.append(result)
        time.sleep(0.005)  # the caller's own work, while the next fetch runs
    assert [c for r in results for c in r] == codes
    assert most == 1


def test_a_caller_that_stops_early_leaves_no_fetch_running() -> None:
    started = threading.Event()
    release = threading.Event()
    asked: list[list[str]] = []

    def fetch(codes: list[str], kept: KeptText) -> list[str]:
        asked.append(codes)
        if len(asked) == 2:
            started.set()
            release.wait(5)
        return codes

    chunks = in_chunks(["C0", "C1", "C2", "C3"], 1, fetch, halve_on=(TransientError,))
    next(chunks)
    assert started.wait(5)
    release.set()
    chunks.close()  # e.g. the run failed while writing the first chunk
    assert not [t for t in threading.enumerate() if t.name.startswith("khaos-fetch-ahead")]
    assert asked == [["C0"], ["C1"]]  # nothing asked after the caller stopped


# --- answers that arrive whole and are read after the next chunk is asked for ---


def arriving(asked: list[list[str]], events: list[str], bad: str = "") -> Fetch[Any]:
    def read(pieces: Iterable[bytes]) -> list[str]:
        text = b"".join(pieces).decode()
        events.append(f"read {text}")
        if bad and bad in text.split(","):
            raise DocumentError("document is not well-formed XML")
        return text.split(",")

    def fetch(codes: list[str], kept: KeptText) -> Arrived[list[str]]:
        asked.append(codes)
        events.append(f"asked {','.join(codes)}")
        return Arrived(kept.through(iter([",".join(codes).encode()])), read).take_in()

    return fetch


def test_the_next_chunk_is_asked_for_before_this_one_is_read() -> None:
    asked: list[list[str]] = []
    next_asked = threading.Event()
    asked_while_reading: list[bool] = []

    def read(pieces: Iterable[bytes]) -> list[str]:
        codes = b"".join(pieces).decode().split(",")
        if codes == ["C0"]:  # Khaos is building C1's answer while C0's is read
            asked_while_reading.append(next_asked.wait(5))
        return codes

    def fetch(codes: list[str], kept: KeptText) -> Arrived[list[str]]:
        asked.append(codes)
        if codes == ["C1"]:
            next_asked.set()
        return Arrived(iter([",".join(codes).encode()]), read).take_in()

    results = list(in_chunks(["C0", "C1", "C2"], 1, fetch, halve_on=()))

    assert results == [["C0"], ["C1"], ["C2"]]
    assert asked_while_reading == [True]
    assert asked == [["C0"], ["C1"], ["C2"]]


def test_an_answer_that_cannot_be_read_is_halved_with_one_request_in_flight() -> None:
    asked: list[list[str]] = []
    events: list[str] = []
    codes = [f"C{n}" for n in range(6)]
    fetch = arriving(asked, events, bad="C1")

    results = list(in_chunks(codes, 2, fetch, halve_on=(DocumentError,)))

    (failure,) = [r for r in results if isinstance(r, FetchFailure)]
    assert failure.codes == ("C1",) and failure.arrived and failure.payload == "C1"
    assert [c for r in results if not isinstance(r, FetchFailure) for c in r] == [
        "C0", "C2", "C3", "C4", "C5",
    ]  # fmt: skip
    # The chunk asked for ahead of the bad one is asked again after its halves.
    assert asked == [["C0", "C1"], ["C2", "C3"], ["C0"], ["C1"], ["C2", "C3"], ["C4", "C5"]]


def test_a_huge_answer_is_read_while_it_arrives_and_the_next_asked_after() -> None:
    asked: list[list[str]] = []
    events: list[str] = []

    def fetch(codes: list[str], kept: KeptText) -> Arrived[int]:
        asked.append(codes)

        def pieces() -> Iterator[bytes]:
            for n in range(4):
                events.append(f"{codes[0]} piece {n}")
                yield b"x" * 10

        def read(arrived: Iterable[bytes]) -> int:
            return sum(len(piece) for piece in arrived)

        return Arrived(pieces(), read, limit=15)

    results = list(in_chunks(["C0", "C1"], 1, fetch, halve_on=()))

    assert results == [40, 40]
    # C0 passed the limit after two pieces: its rest arrived before C1 was asked for.
    assert events.index("C0 piece 3") < events.index("C1 piece 0")


def test_an_answer_not_taken_in_is_read_as_it_arrives_unless_it_was_fetched_ahead() -> None:
    events: list[str] = []

    def fetch(codes: list[str], kept: KeptText) -> Arrived[list[str]]:
        def pieces() -> Iterator[bytes]:
            events.append(f"{codes[0]} arrives in {threading.current_thread().name}")
            yield ",".join(codes).encode()

        def read(arrived: Iterable[bytes]) -> list[str]:
            text = b"".join(arrived).decode()
            events.append(f"{text} read in {threading.current_thread().name}")
            return text.split(",")

        return Arrived(pieces(), read)

    results = list(in_chunks(["C0", "C1"], 1, fetch, halve_on=()))

    assert results == [["C0"], ["C1"]]
    caller = threading.current_thread().name
    # C0, which nothing fetched ahead, is read while it arrives, before C1 is asked
    # for; C1 arrives in the fetching thread and is read in the caller's.
    assert events[:2] == [f"C0 arrives in {caller}", f"C0 read in {caller}"]
    assert events[2].startswith("C1 arrives in khaos-fetch-ahead")
    assert events[3] == f"C1 read in {caller}"
