"""A real HTTP server on 127.0.0.1 that answers with scripted, hand-written responses.

Each test queues what the server does next (answer, drop the connection, stall)
and can read back exactly what the client sent.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/xml; charset=utf-8"
    content_encoding: str = ""
    # "reset": read the request, then drop the connection with a TCP RST.
    # "stall": wait ``delay`` seconds before answering.
    # "cut": declare the full length, send half the body, then close.
    action: str = "answer"
    delay: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class StubServer:
    answers: deque[Answer] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self, body: bytes | str, status: int = 200, **kwargs: object) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.answers.append(Answer(status=status, body=data, **kwargs))  # type: ignore[arg-type]

    def reset(self) -> None:
        self.answers.append(Answer(action="reset"))

    def cut(self, body: bytes | str) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.answers.append(Answer(action="cut", body=data))

    def stall(self, seconds: float, body: bytes = b"") -> None:
        self.answers.append(Answer(action="stall", delay=seconds, body=body))

    @property
    def last(self) -> Received:
        return self.received[-1]


def _handler(stub: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            stub.received.append(Received(self.path, dict(self.headers.items()), body))
            answer = stub.answers.popleft() if stub.answers else Answer(status=599)
            if answer.action == "reset":
                self._reset()
                return
            if answer.action == "stall":
                time.sleep(answer.delay)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            if answer.content_encoding:
                self.send_header("Content-Encoding", answer.content_encoding)
            self.end_headers()
            # The client may have given up already (read-timeout tests).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                if answer.action == "cut":
                    self.wfile.write(answer.body[: len(answer.body) // 2])
                    self.wfile.flush()
                    self._reset()
                else:
                    self.wfile.write(answer.body)

        def _reset(self) -> None:
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # Dropped connections and failed TLS handshakes are what the tests provoke.
        pass


class RunningServer:
    def __init__(self, stub: StubServer, tls: ssl.SSLContext | None = None) -> None:
        self.httpd = _QuietServer(("127.0.0.1", 0), _handler(stub))
        scheme = "http"
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        _host, port = self.httpd.server_address[:2]
        stub.url = f"{scheme}://127.0.0.1:{port}/KhaosKSD.exe/soap/IKosWeb"
        # A short poll interval keeps shutdown (once per test) fast.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> RunningServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
