"""A real HTTP/1.1 server around a :class:`~llmwise.sandbox.Sandbox` (stdlib ``http.server``)."""

from __future__ import annotations

import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from ._core import Sandbox
from ._faults import API_PREFIX
from ._http import SandboxRequest, SandboxResponse, dumps, error_body

# HTTP/1.1 request bodies are small JSON documents; refuse anything absurd instead of buffering it.
MAX_BODY_BYTES = 16 * 1024 * 1024
# Chunk-size and trailer lines of a chunked body (http.server caps header lines the same way).
MAX_LINE_BYTES = 64 * 1024
MAX_TRAILER_LINES = 100
#: Seconds a connection may stay silent (no request, or a stalled read or write) before it is closed.
DEFAULT_IDLE_TIMEOUT = 60.0

_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]+")
_TOO_LARGE = f"request body too large (the limit is {MAX_BODY_BYTES // (1024 * 1024)} MiB)"


class _Aborted(Exception):
    """The connection must be dropped now (cut fault, server stopping, client gone)."""


class _BadRequest(Exception):
    """The request cannot be read: answer ``status`` and close the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's listen backlog is 5: beyond that many simultaneous connects, the kernel drops
    # or resets them (clients see `ReadError`), so a hundred concurrent streams would fail.
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], sandbox: Sandbox, verbose: bool, idle_timeout: float | None
    ) -> None:
        self.sandbox = sandbox
        self.verbose = verbose
        self.idle_timeout = idle_timeout
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """Shut down every open client socket (wakes threads blocked in recv/send)."""
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-response are normal for a test server; report only real bugs.
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, _Aborted)) or self.stopping.is_set():
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LLMWiseSandbox/1"
    # Headers and body go out in separate writes; Nagle + delayed ACK would stall each by ~40 ms.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Without a timeout every silent connection would hold a thread forever. It bounds each
        # socket read and write; handle_one_request closes the connection when one times out.
        self.connection.settimeout(self.server.idle_timeout)

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except _BadRequest as exc:
            self._send_plain_error(exc.status, exc.message)
            return
        request = SandboxRequest(
            method=self.command,
            path=self.path,
            headers={k: str(v) for k, v in self.headers.items()},
            body=body,
        )
        response = self.server.sandbox.handle(request)
        try:
            if response.frames is None:
                self._send_body(response)
            else:
                self._send_stream(response)
        except (_Aborted, OSError):
            self._drop()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not (raw.isascii() and raw.isdigit()):
            raise _BadRequest(400, "invalid Content-Length")
        length = int(raw)
        if length > MAX_BODY_BYTES:
            raise _BadRequest(413, _TOO_LARGE)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise _BadRequest(400, "request body shorter than its Content-Length")
        return body

    def _read_chunked(self) -> bytes:
        # Every size is checked before reading: a chunk of -1 bytes would read to the end of the
        # connection, and chunk sizes add up past any limit unless counted as they come.
        body = bytearray()
        while True:
            size_text = self._read_line().split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):
                raise _BadRequest(400, f"malformed chunked body: invalid chunk size {size_text[:20]!r}")
            size = int(size_text, 16)
            if size == 0:
                for _ in range(MAX_TRAILER_LINES):
                    if self._read_line() in (b"\r\n", b"\n"):
                        return bytes(body)
                raise _BadRequest(400, "malformed chunked body: too many trailer lines")
            if len(body) + size > MAX_BODY_BYTES:
                raise _BadRequest(413, _TOO_LARGE)
            data = self.rfile.read(size)
            if len(data) < size:
                raise _BadRequest(400, "malformed chunked body: the connection ended inside a chunk")
            body += data
            if self._read_line() not in (b"\r\n", b"\n"):
                raise _BadRequest(400, "malformed chunked body: a chunk is longer than its size")

    def _read_line(self) -> bytes:
        line = self.rfile.readline(MAX_LINE_BYTES + 1)
        if not line.endswith(b"\n"):
            what = "a line is too long" if len(line) > MAX_LINE_BYTES else "the connection ended early"
            raise _BadRequest(400, f"malformed chunked body: {what}")
        return line

    def _wait(self, delay: float) -> None:
        # Event.wait instead of time.sleep so that stop() interrupts slow models at once.
        if delay > 0 and self.server.stopping.wait(delay):
            raise _Aborted
        if self.server.stopping.is_set():
            raise _Aborted

    def _send_body(self, response: SandboxResponse) -> None:
        self._wait(response.delay)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        self.wfile.flush()

    def _send_stream(self, response: SandboxResponse) -> None:
        assert response.frames is not None
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        for frame in response.frames:
            self._wait(frame.delay)
            if frame.cut:
                raise _Aborted
            if frame.data:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(frame.data), frame.data))
                self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _send_plain_error(self, status: int, message: str) -> None:
        body = dumps(error_body(message, "req_" + "0" * 24))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _drop(self) -> None:
        """Close abruptly: no terminating chunk, so the client sees an incomplete body."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class SandboxServer:
    """A real HTTP/1.1 server for a :class:`Sandbox`, running in a daemon thread.

    ``port=0`` picks a free port. Use as a context manager or call :meth:`start` / :meth:`stop`::

        with SandboxServer() as server:
            httpx.get(server.base_url + "/models", headers={"Authorization": "Bearer mm_sk_test"})

    ``idle_timeout`` (seconds, default 60; ``None``: never) closes a connection that sends no
    request, or stalls a read or write, for that long. Request bodies are limited to 16 MiB (413).
    """

    def __init__(
        self,
        sandbox: Sandbox | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        verbose: bool = False,
        idle_timeout: float | None = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        if idle_timeout is not None and idle_timeout <= 0:
            raise ValueError("idle_timeout must be > 0 (or None for no timeout)")
        self.sandbox = sandbox if sandbox is not None else Sandbox()
        self.host = host
        self._requested_port = port
        self.verbose = verbose
        self.idle_timeout = idle_timeout
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SandboxServer:
        """Bind and start serving (no-op when already running); returns ``self``."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self._requested_port), self.sandbox, self.verbose, self.idle_timeout)
        thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="llmwise-sandbox", daemon=True
        )
        thread.start()
        self._httpd, self._thread = httpd, thread
        return self

    def stop(self) -> None:
        """Stop serving, drop open connections (streams included) and release the port."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._httpd = self._thread = None
        httpd.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        httpd.drop_connections()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def running(self) -> bool:
        """Whether the server is started."""
        return self._httpd is not None

    @property
    def port(self) -> int:
        """The bound port (the real one when started with ``port=0``)."""
        if self._httpd is None:
            raise RuntimeError("SandboxServer is not running; call start() first")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The origin, e.g. ``http://127.0.0.1:8123``."""
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. ``http://127.0.0.1:8123/api/v1``."""
        return self.url + API_PREFIX

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return f"<SandboxServer {where}>"
