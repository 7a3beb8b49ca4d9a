"""The HTTP side: WSDL, the SOAP endpoint, the control API; fault injection on the way.

Paths follow an IIS-hosted Delphi service: ``/KhaosKSD.exe/wsdl/IKosWeb`` and
``/KhaosKSD.exe/soap/IKosWeb``. Requests are dispatched on the method element
(checked against the SOAPAction header, its namespace and its parameter
names); faults come back as HTTP 500 ``text/xml`` envelopes with Delphi's
detail. Each connection is served by its own thread, with TCP_NODELAY set so
small answers are not held back by Nagle's algorithm.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from khaos_sync.protocol.errors import ProtocolError
from khaos_sync.protocol.soap.envelope import (
    SoapRequestError,
    decode_request,
    encode_fault,
    encode_response,
)
from khaos_sync.protocol.soap.wsdl import wsdl_bytes
from khaos_sync.simulator import bad_responses
from khaos_sync.simulator.control import Control, ControlError, route_control
from khaos_sync.simulator.faults import DEFAULT_OVERSIZED_MB, Decision, FaultPlan
from khaos_sync.simulator.operations import ServiceFault, dispatch
from khaos_sync.simulator.store import Store

WSDL_PATH = "/KhaosKSD.exe/wsdl/IKosWeb"
SOAP_PATH = "/KhaosKSD.exe/soap/IKosWeb"
CONTROL_PREFIX = "/control/"
MAX_REQUEST_BYTES = 256 * 1024 * 1024

log = logging.getLogger("khaos_sync.simulator")
ArrayStyle = Literal["inline", "multiref"]


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        store: Store,
        *,
        faults: FaultPlan,
        control_token: str,
        arrays: ArrayStyle = "inline",
    ) -> None:
        super().__init__(address, SoapRequestHandler)
        self.store = store
        self.faults = faults
        self.control = Control(store, faults)
        self.control_token = control_token
        self.arrays: ArrayStyle = arrays
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._open_lock:
            self._open.add(connection)
        return connection, address

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on every client, as a Khaos that goes down does.

        ``shutdown()`` only stops accepting: without this, a client's kept-alive
        connection would go on being served by its handler thread.
        """
        with self._open_lock:
            connections, self._open = list(self._open), set()
        for connection in connections:
            with contextlib.suppress(OSError):  # already gone
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, refused oversized answers) are normal here.
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.debug("%s hung up", client_address)
        else:
            log.exception("request from %s failed", client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class SoapRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    server: SimulatorServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    # routing -----------------------------------------------------------------

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path.rstrip("/") == WSDL_PATH:
            host = self.headers.get("Host") or self.server.base_url.removeprefix("http://")
            self._send(200, wsdl_bytes(f"http://{host}{SOAP_PATH}"), "text/xml; charset=utf-8")
        elif path.startswith(CONTROL_PREFIX):
            self._control("GET", path)
        elif path in {"/", "/KhaosKSD.exe"}:
            body = f"Khaos Control simulator. WSDL: {WSDL_PATH} SOAP: {SOAP_PATH}\n".encode()
            self._send(200, body, "text/plain; charset=utf-8")
        else:
            self._send(404, b"Not found\n", "text/plain")

    def do_POST(self) -> None:
        path = self.path.split("?")[0]
        if path.rstrip("/") == SOAP_PATH:
            self._soap()
        elif path.startswith(CONTROL_PREFIX):
            self._control("POST", path)
        else:
            self._send(404, b"Not found\n", "text/plain")

    # SOAP ----------------------------------------------------------------------

    def _soap(self) -> None:
        body = self._body()
        if body is None:
            return
        try:
            request = decode_request(body, self.headers.get("SOAPAction"))
        except (SoapRequestError, ProtocolError) as exc:
            self._send_fault(str(exc), "SOAP-ENV:Client", "ERemotableException")
            return
        decision = self.server.faults.decide(request.operation)
        if decision.latency:
            time.sleep(decision.latency)
        if decision.before_processing:
            self._misbehave(decision, request.operation, b"")
            return
        try:
            result = dispatch(self.server.store, request.operation, request.params)
            if (
                decision.kind == "xml-bomb"
                and decision.value == "document"
                and isinstance(result, str)
            ):
                result = bad_responses.xml_bomb_document()
            payload = encode_response(request.operation, result, arrays=self.server.arrays)
        except ServiceFault as fault:
            self._send_fault(str(fault), "SOAP-ENV:Server", fault.exception_class)
            return
        except Exception as exc:  # a bug must still answer like a Delphi server does
            log.exception("%s failed", request.operation)
            self._send_fault(f"Access violation: {exc}", "SOAP-ENV:Server", "EAccessViolation")
            return
        if decision.kind:
            self._misbehave(decision, request.operation, payload)
        else:
            self._send(200, payload, "text/xml; charset=utf-8")

    def _misbehave(self, decision: Decision, operation: str, payload: bytes) -> None:
        kind = decision.kind
        if kind in {"drop-before", "drop-after-commit"}:
            self._drop()
        elif kind == "http500":
            self._send(500, bad_responses.HTML_500, "text/html")
        elif kind == "soap-fault":
            self._send(500, bad_responses.simulated_fault(operation), "text/xml; charset=utf-8")
        elif kind == "malformed-xml":
            self._send(200, bad_responses.malformed(payload), "text/xml; charset=utf-8")
        elif kind == "truncated":
            self._send_truncated(payload)
        elif kind == "oversized":
            self._send_oversized(operation, float(decision.value or DEFAULT_OVERSIZED_MB))
        elif kind == "xml-bomb" and decision.value != "document":
            self._send(200, bad_responses.xml_bomb_envelope(operation), "text/xml; charset=utf-8")
        else:
            self._send(200, payload, "text/xml; charset=utf-8")

    def _send_fault(self, message: str, code: str, exception_class: str) -> None:
        body = encode_fault(message, fault_code=code, exception_class=exception_class)
        self._send(500, body, "text/xml; charset=utf-8")

    # control API ------------------------------------------------------------------

    def _control(self, method: str, path: str) -> None:
        if self.headers.get("Authorization", "") != f"Bearer {self.server.control_token}":
            self._send_json(401, {"error": "missing or wrong bearer token"})
            return
        body = self._body() if method == "POST" else b""
        if body is None:
            return
        try:
            payload = json.loads(body or b"{}")
            result = route_control(
                self.server.control, method, path[len(CONTROL_PREFIX) :], payload
            )
        except (ControlError, ValueError, KeyError, TypeError) as exc:
            self._send_json(400, {"error": str(exc)})
            return
        self._send_json(200, result)

    # wire helpers ------------------------------------------------------------------

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self._send(413, b"Request too large\n", "text/plain")
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, value: Any) -> None:
        body = json.dumps(value, default=str, indent=1).encode()
        self._send(status, body, "application/json")

    def _send_truncated(self, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload[: len(payload) // 2])
        self.wfile.flush()
        self._drop()

    def _send_oversized(self, operation: str, megabytes: float) -> None:
        size, chunks = bad_responses.oversized_chunks(operation, int(megabytes * 1024 * 1024))
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        try:
            for chunk in chunks:
                self.wfile.write(chunk)
        except OSError:
            self.close_connection = True  # the client gave up reading, as it should

    def _drop(self) -> None:
        """Close the socket with a reset and no answer, like a crashed worker process."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
