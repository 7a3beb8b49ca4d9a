"""Decoder benchmark: CPU seconds to decode a generated catalogue's answers.

Fetches, once, the raw answers a full catalogue sync and a stock-level refresh
decode from a simulator (``--generate N --seed 11``): the GetStockList SOAP
envelope, the ExportStock documents in the sync's chunks and the
ExportStockStatus documents (every site) in the refresh's chunks. Then, in
this one process, decodes each set ``--runs`` times and reports the least CPU
time (``time.process_time``) of each decoder:

  * ``stock_list``: the envelope fed to ``StockListAnswer`` in 64 KiB chunks;
  * ``export_stock``: the documents through ``iter_stock_items``;
  * ``stock_status``: the documents through ``iter_stock_status``.

Usage (``PYTHONPATH=src`` or the project's venv):

    python benchmarks/bench_decode.py --size 10000 --save /tmp/docs   # fetch, keep, measure
    python benchmarks/bench_decode.py --load /tmp/docs                # measure saved answers
    python benchmarks/bench_decode.py --load /tmp/docs --dump out.pickle  # decoded values too

``--dump`` pickles every decoded record, so two versions of the decoders can be
compared value for value on the same answers. Reports numbers only.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import bench_catalogue  # the same simulator process

STOCK_CHUNK = 200  # catalogue.export_chunk's default
STATUS_CHUNK = 500  # stock.export_chunk's default
FEED_BYTES = 64 * 1024


def fetch(size: int, workdir: Path) -> dict[str, list[bytes]]:
    sim, url = bench_catalogue.start_simulator(size, workdir)
    try:
        return _fetch_from(url)
    finally:
        sim.terminate()
        sim.wait()


def _fetch_from(url: str) -> dict[str, list[bytes]]:
    import httpx

    from khaos_sync.protocol.client import KhaosClient
    from khaos_sync.protocol.soap.envelope import encode_request
    from khaos_sync.protocol.soap.operations import get_operation

    since = {"DateType": 0, "DateValue": date(1900, 1, 1)}
    envelope = httpx.post(
        url,
        content=encode_request("GetStockList", since),
        headers={
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{get_operation("GetStockList").soap_action}"',
        },
        timeout=600,
    ).content
    with KhaosClient(url) as client:
        listing = client.get_stock_list(date_type=0, date_value=date(1900, 1, 1))
        codes = [entry.stock_code for entry in listing.entries]
        parents = list(dict.fromkeys(e.parent_code or e.stock_code for e in listing.entries))
        stock = [
            client.export_stock(stock_code=",".join(parents[i : i + STOCK_CHUNK]), mapping_type=1)
            for i in range(0, len(parents), STOCK_CHUNK)
        ]
        status = [
            client.export_stock_status(
                stock_code=",".join(codes[i : i + STATUS_CHUNK]), mapping_type=1, site_id=-1
            )
            for i in range(0, len(codes), STATUS_CHUNK)
        ]
    return {
        "stock_list": [envelope],
        "export_stock": [text.encode() for text in stock],
        "stock_status": [text.encode() for text in status],
    }


def save(documents: dict[str, list[bytes]], directory: Path) -> None:
    for kind, parts in documents.items():
        for index, data in enumerate(parts):
            (directory / f"{kind}-{index:04d}.xml").write_bytes(data)


def load(directory: Path) -> dict[str, list[bytes]]:
    documents: dict[str, list[bytes]] = {}
    for path in sorted(directory.glob("*.xml")):
        documents.setdefault(path.stem.rsplit("-", 1)[0], []).append(path.read_bytes())
    return documents


def decode_stock_list(parts: list[bytes]) -> list[Any]:
    from khaos_sync.protocol.soap.stock_list import StockListAnswer

    entries: list[Any] = []
    for data in parts:
        answer = StockListAnswer()
        for start in range(0, len(data), FEED_BYTES):
            entries += answer.feed(data[start : start + FEED_BYTES])
        entries += answer.finish()
    return entries


def decode_export_stock(parts: list[bytes]) -> list[Any]:
    from khaos_sync.protocol.documents.stock import iter_stock_items

    return [item for data in parts for item in iter_stock_items(data)]


def decode_stock_status(parts: list[bytes]) -> list[Any]:
    from khaos_sync.protocol.documents.stock_status import iter_stock_status

    return [entry for data in parts for entry in iter_stock_status(data)]


DECODERS: dict[str, Callable[[list[bytes]], list[Any]]] = {
    "stock_list": decode_stock_list,
    "export_stock": decode_export_stock,
    "stock_status": decode_stock_status,
}


def measure(documents: dict[str, list[bytes]], runs: int) -> tuple[dict[str, Any], dict[str, Any]]:
    result: dict[str, Any] = {}
    decoded: dict[str, Any] = {}
    for kind, decoder in DECODERS.items():
        parts = documents.get(kind, [])
        times = []
        for _ in range(runs):
            started = time.process_time()
            records = decoder(parts)
            times.append(time.process_time() - started)
        decoded[kind] = records
        result[kind] = {
            "records": len(records),
            "mb": round(sum(map(len, parts)) / 1e6, 1),
            "cpu_s_min": round(min(times), 3),
            "cpu_s_all": [round(t, 3) for t in times],
        }
    result["load_average"] = os.getloadavg()
    return result, decoded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000, help="catalogue size to generate")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--save", type=Path, help="keep the fetched answers in this directory")
    parser.add_argument("--load", type=Path, help="decode answers saved with --save")
    parser.add_argument("--url", help="fetch from this running simulator's SOAP URL instead")
    parser.add_argument("--dump", type=Path, help="pickle the decoded records here")
    args = parser.parse_args()

    if args.load is not None:
        documents = load(args.load)
    elif args.url is not None:
        documents = _fetch_from(args.url)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            documents = fetch(args.size, Path(tmp))
    if args.load is None and args.save is not None:
        args.save.mkdir(parents=True, exist_ok=True)
        save(documents, args.save)
    result, decoded = measure(documents, args.runs)
    if args.dump is not None:
        with args.dump.open("wb") as out:
            pickle.dump(decoded, out)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
