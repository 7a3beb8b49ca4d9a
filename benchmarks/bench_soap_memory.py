"""Peak memory of reading a large SOAP answer: whole, streamed, and refused.

Writes an ExportStock answer of the requested size (an rpc/encoded envelope
whose string is an escaped KSDXML document) to a temporary file, serves it
over HTTP from a separate process, and measures in a fresh process per case
the peak resident set size of:

- ``whole``: ``export_stock()`` then ``iter_stock_items`` on the string, as a
  caller that wants the document in memory does;
- ``streamed``: ``export_stock_items()``, items parsed while the answer arrives;
- ``get_version``: GetVersion answered with the same large body (refused at
  its small cap);
- ``status_whole`` / ``status_streamed``: the same for an ExportStockStatus
  answer of the same size, read whole (``export_stock_status()``, as the level
  sync did) and streamed (``export_stock_status_entries()``);
- ``list_whole`` / ``list_streamed``: a GetStockList answer of ``--list-items``
  entries, array inline, decoded whole (``StockList.from_wire(call(...))``, as
  ``get_stock_list()`` did) and streamed (``iter_stock_list()`` into a list, as
  the sync's "changed items" does); ``list_multiref_*`` the same answer with
  every entry a multi-reference element.

Each figure is reported with the process's baseline (imports, no call)
subtracted and as a multiple of the answer size. Run with ``PYTHONPATH=src``:

    python benchmarks/bench_soap_memory.py --mb 200
    python benchmarks/bench_soap_memory.py --mb 500 --json
    python benchmarks/bench_soap_memory.py --list-only --list-items 50000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).parent))

from bench_stock_parse import write_stock_document

from khaos_sync.protocol.results import StockList, StockListEntry
from khaos_sync.protocol.soap.envelope import encode_response

HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<SOAP-ENV:Body><NS1:{op}Response xmlns:NS1="urn:IKosWebIntf-IKosWeb">'
    '<return xsi:type="xsd:string">'
)
TAIL = "</return></NS1:{op}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>"
CASES = ("baseline", "whole", "streamed", "get_version", "status_whole", "status_streamed")
LIST_CASES = (
    "baseline",
    "list_whole",
    "list_streamed",
    "list_multiref_whole",
    "list_multiref_streamed",
)

SERVER = """
import shutil, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
folder = Path(sys.argv[1])

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        action = self.headers.get("SOAPAction", "")
        name = action.strip('"').rsplit("#", 1)[-1]
        variant = self.path.partition("?")[2]
        body = folder / (f"{name}-{variant}.xml" if variant else f"{name}.xml")
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(body.stat().st_size))
        self.end_headers()
        try:
            with body.open("rb") as source:
                shutil.copyfileobj(source, self.wfile, 1 << 20)
        except (BrokenPipeError, ConnectionResetError):
            pass  # a client that refused the answer part way

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

MEASURE = """
import resource, sys, time
from khaos_sync.protocol.client import KhaosClient
from khaos_sync.protocol.documents.stock import iter_stock_items
from khaos_sync.protocol.documents.stock_status import iter_stock_status
from khaos_sync.protocol.errors import ProtocolError
from khaos_sync.protocol.results import StockList
case, url = sys.argv[1], sys.argv[2]
if case.startswith("list_multiref"):
    url += "?multiref"
items = 0
started = time.perf_counter()
with KhaosClient(url, timeout=600, max_response_bytes=4 << 30) as client:
    if case == "whole":
        document = client.export_stock()
        for _ in iter_stock_items(document.encode("utf-8")):
            items += 1
        del document
    elif case == "streamed":
        for _ in client.export_stock_items():
            items += 1
    elif case == "status_whole":
        document = client.export_stock_status()
        for _ in iter_stock_status(document.encode("utf-8")):
            items += 1
        del document
    elif case == "status_streamed":
        for _ in client.export_stock_status_entries():
            items += 1
    elif case in ("list_whole", "list_multiref_whole"):
        items = len(StockList.from_wire(client.call("GetStockList")).entries)
    elif case in ("list_streamed", "list_multiref_streamed"):
        items = len(list(client.iter_stock_list()))
    elif case == "get_version":
        try:
            client.get_version()
        except ProtocolError:
            pass
seconds = time.perf_counter() - started
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, items, seconds)
"""


def write_answer(folder: Path, operation: str, document: Path) -> int:
    target = folder / f"{operation}.xml"
    with target.open("w", encoding="utf-8") as out, document.open(encoding="utf-8") as source:
        out.write(HEAD.format(op=operation))
        while chunk := source.read(1 << 20):
            out.write(escape(chunk))
        out.write(TAIL.format(op=operation))
    return target.stat().st_size


STATUS_ENTRY = (
    '<STOCK_ITEM CODE="CODE{n}" ID="{n}" SITE="{site}"><LEVEL>{level}</LEVEL>'
    "<STATUS>0</STATUS><SAFE_LEVEL>2</SAFE_LEVEL><MIN_LEVEL>1</MIN_LEVEL>"
    "<SELL_PRICE>12.5000</SELL_PRICE><WEBSELL_PRICE>11.9900</WEBSELL_PRICE></STOCK_ITEM>\n"
)


def write_status_document(path: Path, size: int) -> None:
    """A KSDXMLStockStatus document of about ``size`` bytes, one entry per item and site."""
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<STOCK_STATUS>\n')
        written, n = 0, 0
        while written < size:
            n += 1
            entry = STATUS_ENTRY.format(n=n // 2, site=1 + n % 2, level=n % 50)
            out.write(entry)
            written += len(entry)
        out.write("</STOCK_STATUS>\n")


def write_stock_list(folder: Path, entries: int) -> int:
    """GetStockList answers of ``entries`` entries: inline, and every entry by reference."""
    listing = StockList(
        count=entries,
        entries=tuple(
            StockListEntry(
                stock_code=f"CODE{n:07d}",
                other_ref=f"REF{n}",
                stock_desc=f"Stock item number {n}, with a description of usual length",
                parent_code=f"CODE{n - n % 4:07d}" if n % 4 else "",
                last_updated=datetime(2024, 1, 1) + timedelta(minutes=n),
            )
            for n in range(entries)
        ),
    )
    for arrays, name in (("inline", "GetStockList.xml"), ("multiref", "GetStockList-multiref.xml")):
        (folder / name).write_bytes(encode_response("GetStockList", listing, arrays=arrays))
    return (folder / "GetStockList.xml").stat().st_size


def measure(case: str, url: str) -> tuple[int, int, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, case, url], capture_output=True, text=True, check=True
    )
    peak, items, seconds = done.stdout.split()
    return int(peak), int(items), float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="answer size in MB")
    parser.add_argument("--list-items", type=int, default=50_000, help="GetStockList entries")
    parser.add_argument("--list-only", action="store_true", help="only the GetStockList cases")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--write-list", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_list:
        write_stock_list(args.write_list, args.list_items)
        return
    with tempfile.TemporaryDirectory(prefix="bench-soap-") as tmp:
        folder = Path(tmp)
        size = 0 if args.list_only else write_answers(folder, args.mb)
        # Written by another process: building the answers here would raise this
        # process's peak RSS, which the measuring processes inherit across exec.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--write-list",
                str(folder),
                "--list-items",
                str(args.list_items),
            ],
            check=True,
        )
        list_size = (folder / "GetStockList.xml").stat().st_size
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(folder)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None
            url = f"http://127.0.0.1:{server.stdout.readline().strip()}/soap/IKosWeb"
            time.sleep(0.2)
            if not args.list_only:
                results = {case: measure(case, url) for case in CASES}
                report(size, results, as_json=args.json, title="ExportStock, escaped KSDXML")
            results = {case: measure(case, url) for case in LIST_CASES}
            report(list_size, results, as_json=args.json, title="GetStockList, inline array")
        finally:
            server.terminate()
            server.wait()


def write_answers(folder: Path, mb: int) -> int:
    document = folder / "stock.xml"
    write_stock_document(document, mb * 1_000_000 * 10 // 12)  # escaping adds ~20%
    size = write_answer(folder, "ExportStock", document)
    write_answer(folder, "GetVersion", document)
    document.unlink()
    write_status_document(document, mb * 1_000_000 * 10 // 12)
    write_answer(folder, "ExportStockStatus", document)
    document.unlink()
    return size


def report(
    size: int, results: dict[str, tuple[int, int, float]], *, as_json: bool, title: str
) -> None:
    baseline = results["baseline"][0]
    rows = {
        case: {
            "peak_rss_mb": round(peak / 1e6, 1),
            "above_baseline_mb": round((peak - baseline) / 1e6, 1),
            "times_answer": round((peak - baseline) / size, 2),
            "items": items,
            "seconds": round(seconds, 1),
        }
        for case, (peak, items, seconds) in results.items()
    }
    if as_json:
        print(
            json.dumps(
                {"answer": title, "answer_mb": round(size / 1e6, 1), "cases": rows}, indent=2
            )
        )
        return
    print(f"answer: {size / 1e6:.1f} MB ({title})")
    print(
        f"{'case':<22} {'peak RSS MB':>12} {'above base MB':>14} {'x answer':>9} {'items':>8} {'s':>7}"
    )
    for case, row in rows.items():
        print(
            f"{case:<22} {row['peak_rss_mb']:>12} {row['above_baseline_mb']:>14} "
            f"{row['times_answer']:>9} {row['items']:>8} {row['seconds']:>7}"
        )


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
