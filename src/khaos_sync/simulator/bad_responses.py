"""The broken answers fault injection sends: each one is a real-world failure shape."""

from __future__ import annotations

from collections.abc import Iterator

from khaos_sync.protocol.soap.envelope import encode_fault

HTML_500 = (
    b"<html><head><title>500 - Internal server error.</title></head><body>"
    b"<h2>500 - Internal server error.</h2><h3>There is a problem with the resource you are"
    b" looking for, and it cannot be displayed.</h3></body></html>"
)

_BOMB_ENTITIES = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
    for n in range(1, 10)
)
_BOMB_DOCTYPE = f"<!DOCTYPE SOAP-ENV:Envelope [{_BOMB_ENTITIES}]>"


def simulated_fault(operation: str) -> bytes:
    """A server-side failure as a Delphi service reports it (a database deadlock)."""
    return encode_fault(
        f"Simulated failure in {operation}: Deadlock found when trying to get lock; "
        "try restarting transaction",
        fault_code="SOAP-ENV:Server",
        exception_class="EDatabaseError",
        exception_inheritance="Exception:TObject",
    )


def malformed(payload: bytes) -> bytes:
    """A response cut in the middle of an element, then garbage: not XML at all."""
    return payload[: max(len(payload) // 2, 40)] + b"<<<\x00 Access violation at address 0040A1B2"


def xml_bomb_envelope(operation: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        + _BOMB_DOCTYPE
        + '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
        + f'<SOAP-ENV:Body><NS1:{operation}Response xmlns:NS1="urn:IKosWebIntf-IKosWeb">'
        + "<return>&lol9;</return>"
        + f"</NS1:{operation}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


def xml_bomb_document() -> str:
    """A KSDXML document (returned as a string) that expands to gigabytes if parsed naively."""
    return (
        '<?xml version="1.0"?>'
        + _BOMB_DOCTYPE.replace("SOAP-ENV:Envelope", "STOCK_ITEMS")
        + ("<STOCK_ITEMS><STOCK_ITEM><STOCK_DESC>&lol9;</STOCK_DESC></STOCK_ITEM></STOCK_ITEMS>")
    )


def oversized_chunks(
    operation: str, size: int, chunk: int = 1 << 20
) -> tuple[int, Iterator[bytes]]:
    """A well-formed envelope of about ``size`` bytes, streamed (never held in memory)."""
    head = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<SOAP-ENV:Body><NS1:{operation}Response xmlns:NS1="urn:IKosWebIntf-IKosWeb">'
        '<return xsi:type="xsd:string">'
    ).encode()
    tail = f"</return></NS1:{operation}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>".encode()
    padding = max(size - len(head) - len(tail), 0)

    def chunks() -> Iterator[bytes]:
        yield head
        block = b"x" * chunk
        remaining = padding
        while remaining > 0:
            yield block[: min(chunk, remaining)]
            remaining -= chunk
        yield tail

    return len(head) + padding + len(tail), chunks()
