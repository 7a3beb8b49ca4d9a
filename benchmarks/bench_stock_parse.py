"""Stock feed parsing benchmark: items per second and peak memory.

Writes an ExportStock document of the requested size to a temporary file
(streamed, so writing it needs little memory), parses it with
``iter_stock_items`` and reports throughput and the peak resident set size
of this process. Run with ``PYTHONPATH=src``:

    python benchmarks/bench_stock_parse.py --mb 200
    python benchmarks/bench_stock_parse.py --mb 200 --json   # machine-readable
    python benchmarks/bench_stock_parse.py --mb 200 --keep stock.xml --generate-only
    python benchmarks/bench_stock_parse.py --file stock.xml  # parse an existing document
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from khaos_sync.protocol.documents.stock import iter_stock_items

SIZES = (("S", "SML"), ("M", "MED"), ("L", "LGE"), ("XL", "XLG"))
COLOURS = (("Pink", "PNK"), ("Navy", "NVY"), ("Black", "BLK"))


def write_stock_document(path: Path, target_bytes: int) -> int:
    """Write a document of about ``target_bytes``; return the number of top-level items."""
    items = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('\ufeff<?xml version="1.0" encoding="utf-8"?>\n<STOCK_ITEMS>\n')
        while out.tell() < target_bytes:
            items += 1
            if items % 3 == 0:
                _write_scs_parent(out, items)
            else:
                _write_plain_item(out, items)
        out.write("</STOCK_ITEMS>\n")
    return items


def _common_fields(n: int, code: str, desc: str) -> str:
    return (
        f"<STOCK_ID>{n}</STOCK_ID><STOCK_CODE>{code}</STOCK_CODE>"
        f"<ASSOCIATED_REF>50{n:011d}</ASSOCIATED_REF>"
        f"<STOCK_DESC><![CDATA[{desc}]]></STOCK_DESC>"
        "<LONG_DESC><![CDATA[<p>Soft <b>cotton</b> &amp; elastane blend, machine washable. "
        "Designed in the UK; made to last for years of everyday wear.</p>]]></LONG_DESC>"
        "<WEB_TEASER><![CDATA[Everyday essential]]></WEB_TEASER>"
        f'<BUY_PRICE IS_NET="-1">{n % 50 + 2}.48</BUY_PRICE>'
        f'<SELL_PRICE IS_NET="-1">{n % 80 + 5}.99</SELL_PRICE><SELL_PRICE_WEB>0</SELL_PRICE_WEB>'
        "<IMAGE_FILENAME>?</IMAGE_FILENAME><VAT_RATE>20</VAT_RATE>"
        '<COUNTRY_RATES><COUNTRY_RATE COUNTRY_CODE="GB" COUNTRY_NAME="United Kingdom">20'
        "</COUNTRY_RATE></COUNTRY_RATES>"
        '<STOCK_TTYPE EPOS_DESC="CLO">Clothing</STOCK_TTYPE><STOCK_TTYPE_ID>1</STOCK_TTYPE_ID>'
        '<STOCK_TYPE EPOS_DESC="TOP">Tops</STOCK_TYPE><STOCK_TYPE_ID>12</STOCK_TYPE_ID>'
        "<WEB>-1</WEB><DISCONTINUED>0</DISCONTINUED><DELETED>0</DELETED>"
        "<RUN_TO_ZERO>0</RUN_TO_ZERO><STOCK_CONTROLLED>-1</STOCK_CONTROLLED>"
        "<DROP_SHIP>0</DROP_SHIP><DISCOUNTS_DISABLED>0</DISCOUNTS_DISABLED>"
        "<VAT_RELIEF_QUALIFIED>0</VAT_RELIEF_QUALIFIED><SALES_MULTIPLE>1</SALES_MULTIPLE>"
        "<MAX_DISPLAY_QTY>0</MAX_DISPLAY_QTY><WEIGHT>0.25</WEIGHT>"
        "<META_TITLE></META_TITLE><META_DESCRIPTION></META_DESCRIPTION>"
        "<PURCHASE_MULTIPLE>1</PURCHASE_MULTIPLE><COUNTRY_OF_MANUFACTURE>PRT</COUNTRY_OF_MANUFACTURE>"
        "<LAUNCH_DATE>2024-03-01</LAUNCH_DATE><LAUNCH_TIME>09:00:00</LAUNCH_TIME>"
        '<USER_DEFINED NAME="Material" TYPE="TEXT">Cotton</USER_DEFINED>'
        '<USER_DEFINED NAME="Fit" TYPE="LIST">"Regular","Slim"</USER_DEFINED>'
        '<USER_DEFINED NAME="Care" TYPE="LIST"/>'
        '<USER_DEFINED NAME="Organic" TYPE="YES/NO">-1</USER_DEFINED>'
        f'<BARCODES><BARCODE DESC="EAN">50{n:011d}</BARCODE></BARCODES>'
        "<STOCK_IMAGES><STOCK_IMAGE><IMAGE_NAME>Main</IMAGE_NAME>"
        f"<FILE_NAME>P:\\Images\\Brand\\{code} 1.jpg</FILE_NAME><IMAGE_TYPE>Main</IMAGE_TYPE>"
        "</STOCK_IMAGE></STOCK_IMAGES>"
    )


def _write_plain_item(out: IO[str], n: int) -> None:
    out.write(f"<STOCK_ITEM>{_common_fields(n, f'IT{n:07d}', f'Plain tee {n}')}</STOCK_ITEM>\n")


def _write_scs_parent(out: IO[str], n: int) -> None:
    code = f"SC{n:07d}"
    out.write(f"<STOCK_ITEM>{_common_fields(n, code, f'Hoodie {n}')}<SCS>")
    for size, size_suffix in SIZES:
        out.write(
            f"<STYLE><DESCRIPTION>{size}</DESCRIPTION><SCS_CODE_SUFFIX>{size_suffix}</SCS_CODE_SUFFIX>"
        )
        for colour, colour_suffix in COLOURS:
            child = f"{code}-{size_suffix}-{colour_suffix}"
            out.write(
                f"<STYLE><DESCRIPTION>{colour}</DESCRIPTION>"
                f"<SCS_CODE_SUFFIX>{colour_suffix}</SCS_CODE_SUFFIX><SCS_ITEM>"
                f"<STOCK_ID>{n}{size_suffix}{colour_suffix}</STOCK_ID><STOCK_CODE>{child}</STOCK_CODE>"
                f"<DESCRIPTION>Hoodie {n} / {size} / {colour}</DESCRIPTION>"
                f"<SELL_PRICE>{n % 80 + 5}.99</SELL_PRICE><SELL_PRICE_WEB>0</SELL_PRICE_WEB>"
                "<WEB>-1</WEB><DISCONTINUED>0</DISCONTINUED><DELETED>0</DELETED>"
                "<STOCK_CONTROLLED>-1</STOCK_CONTROLLED><RUN_TO_ZERO>0</RUN_TO_ZERO>"
                f'<BARCODES><BARCODE DESC="EAN">51{n:08d}{len(child)}</BARCODE></BARCODES>'
                "</SCS_ITEM></STYLE>"
            )
        out.write("</STYLE>")
    # Real exports put the headings after the STYLE tree.
    out.write(
        '<HEADING LEVEL="1">Size</HEADING><HEADING LEVEL="2">Colour</HEADING></SCS></STOCK_ITEM>\n'
    )


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB.

    VmHWM belongs to the process image, so it starts afresh at exec. ru_maxrss
    does not: Linux carries the parent's peak over into a spawned child, which
    would charge a test runner's memory to the parser.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parse_and_measure(path: Path) -> dict[str, float]:
    start = time.perf_counter()
    items = children = 0
    for item in iter_stock_items(path):
        items += 1
        if item.scs is not None:
            children += len(item.scs.children)
    elapsed = time.perf_counter() - start
    return {
        "items": items,
        "scs_children": children,
        "seconds": round(elapsed, 2),
        "items_per_second": round(items / elapsed),
        "records_per_second": round((items + children) / elapsed),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200, help="document size in MB (default 200)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--keep", type=Path, help="write the document here and keep it")
    parser.add_argument("--generate-only", action="store_true", help="write, do not parse")
    parser.add_argument("--file", type=Path, help="parse this existing document instead")
    args = parser.parse_args(argv)

    if args.file is not None:
        result = {"document_mb": round(os.path.getsize(args.file) / 1024 / 1024, 1)}
        result.update(parse_and_measure(args.file))
        return report(result, as_json=args.json)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "stock.xml"
        items = write_stock_document(path, int(args.mb * 1024 * 1024))
        result = {"document_mb": round(os.path.getsize(path) / 1024 / 1024, 1)}
        if args.generate_only:
            result["items"] = items
        else:
            result.update(parse_and_measure(path))
    return report(result, as_json=args.json)


def report(result: dict[str, float], *, as_json: bool) -> int:
    if as_json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
