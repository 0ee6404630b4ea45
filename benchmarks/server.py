"""A minimal, fast HTTP/1.1 server for the benchmarks (stdlib asyncio only).

It answers four things, from bodies rendered once and cached, so that the server costs the same for
every contender and as little as possible:

- `POST /api/v1/chat`             LLMWise chat: a `ChatCompletion` JSON, or (`"stream": true`) an SSE
                                  stream of text-delta chunks, a `done` event and `data: [DONE]`;
- `POST /v1/chat/completions`     the same answer in OpenAI's shape (`chat.completion` JSON, or
                                  `chat.completion.chunk` SSE events and `data: [DONE]`);
- `GET  /health`                  `ok`;
- anything else                   404.

`max_tokens` in the request body sets the number of text pieces (one SSE event each when streamed);
both shapes carry the same text. Connections are kept alive (HTTP/1.1), streams use chunked transfer
encoding in `CHUNK_BYTES` pieces cut anywhere (so a frame often straddles two network reads, as in
real life) and respect the transport's flow control, so hundreds of concurrent streams are fine.

    python benchmarks/server.py [--port 0]    # prints "PORT <n>" once listening, stops on stdin EOF

`start_in_thread()` runs it inside the current process (used by the smoke test).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

HOST = "127.0.0.1"
MODEL = "bench-model"
CHUNK_BYTES = 16 * 1024
DEFAULT_PIECES = 16
MAX_PIECES = 2_000_000
LLMWISE_PATH = "/api/v1/chat"
OPENAI_PATH = "/v1/chat/completions"

# Words of the generated answer; piece i is WORDS[i % len(WORDS)] (5 to 12 bytes, like real deltas).
WORDS = [
    "The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog, ", "while ",
    "circuit ", "breakers ", "stop ", "calls ", "to ", "a ", "failing ", "service. ",
]


def text_of(pieces: int) -> str:
    """The answer's text for `pieces` pieces (what every contender must end up with)."""
    n = len(WORDS)
    full, rest = divmod(pieces, n)
    return "".join(WORDS) * full + "".join(WORDS[:rest])


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


# --- bodies ----------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def llmwise_json(pieces: int) -> bytes:
    """The non-streamed LLMWise chat answer."""
    return _dumps(
        {
            "id": "req_bench_0001",
            "model": MODEL,
            "content": text_of(pieces),
            "resolved_model": None,
            "finish_reason": "stop",
            "prompt_tokens": 12,
            "completion_tokens": pieces,
            "latency_ms": 1,
            "cost": 0.00012,
            "credits_charged": 1,
            "credits_remaining": 999,
            "mode": "chat",
            "conversation_id": None,
        }
    )


@lru_cache(maxsize=16)
def openai_json(pieces: int) -> bytes:
    """The non-streamed answer in OpenAI's `chat.completion` shape."""
    return _dumps(
        {
            "id": "chatcmpl-bench0001",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text_of(pieces), "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 12, "completion_tokens": pieces, "total_tokens": 12 + pieces},
        }
    )


def _llmwise_events(pieces: int) -> Iterator[bytes]:
    # Rendered by hand (not json.dumps per event) so building a 100,000-event body takes ~50 ms.
    for i in range(pieces):
        yield b'data: {"model":"' + MODEL.encode() + b'","delta":' + _dumps(WORDS[i % len(WORDS)]) + b',"done":false}\n\n'
    yield b"data: " + _dumps(
        {"model": MODEL, "delta": "", "done": True, "latency_ms": 1, "content_length": len(text_of(pieces))}
    ) + b"\n\n"
    yield b"data: " + _dumps(
        {
            "event": "done",
            "id": "req_bench_0001",
            "model": MODEL,
            "finish_reason": "stop",
            "credits_charged": 1,
            "credits_remaining": 999,
            "prompt_tokens": 12,
            "completion_tokens": pieces,
            "latency_ms": 1,
        }
    ) + b"\n\n"
    yield b"data: [DONE]\n\n"


def _openai_events(pieces: int) -> Iterator[bytes]:
    head = b'data: {"id":"chatcmpl-bench0001","object":"chat.completion.chunk","created":1700000000,"model":"' + MODEL.encode() + b'","choices":[{"index":0,"delta":'
    yield head + b'{"role":"assistant","content":""},"finish_reason":null}]}\n\n'
    for i in range(pieces):
        yield head + b'{"content":' + _dumps(WORDS[i % len(WORDS)]) + b'},"finish_reason":null}]}\n\n'
    yield head + b'{},"finish_reason":"stop"}]}\n\n'
    yield b"data: [DONE]\n\n"


def _chunked(body: bytes) -> tuple[bytes, ...]:
    """`body` in chunked transfer encoding, CHUNK_BYTES of payload per chunk, then the last chunk."""
    out = []
    for start in range(0, len(body), CHUNK_BYTES):
        piece = body[start : start + CHUNK_BYTES]
        out.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
    out.append(b"0\r\n\r\n")
    return tuple(out)


@lru_cache(maxsize=16)
def llmwise_sse(pieces: int) -> bytes:
    """The whole LLMWise SSE body for `pieces` text events."""
    return b"".join(_llmwise_events(pieces))


@lru_cache(maxsize=16)
def openai_sse(pieces: int) -> bytes:
    """The whole OpenAI-shaped SSE body for `pieces` text events."""
    return b"".join(_openai_events(pieces))


@lru_cache(maxsize=32)
def _stream_response(shape: str, pieces: int) -> tuple[bytes, ...]:
    body = llmwise_sse(pieces) if shape == "llmwise" else openai_sse(pieces)
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
        b"x-request-id: req_bench_0001\r\ntransfer-encoding: chunked\r\n\r\n"
    )
    return (head, *_chunked(body))


def _plain_response(status: int, body: bytes, content_type: str = "application/json") -> bytes:
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "Error")
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: %s\r\nx-request-id: req_bench_0001\r\ncontent-length: %d\r\n\r\n"
        % (status, reason.encode(), content_type.encode(), len(body))
    ) + body


@lru_cache(maxsize=32)
def _json_response(shape: str, pieces: int) -> bytes:
    return _plain_response(200, llmwise_json(pieces) if shape == "llmwise" else openai_json(pieces))


def respond(method: str, path: str, body: bytes) -> tuple[bytes, ...]:
    """The response to one request, as pieces to write in order (I/O-free, for the tests too)."""
    path = path.split("?", 1)[0]
    if method == "GET" and path == "/health":
        return (_plain_response(200, b"ok", "text/plain"),)
    shape = {LLMWISE_PATH: "llmwise", OPENAI_PATH: "openai"}.get(path)
    if method != "POST" or shape is None:
        return (_plain_response(404, _dumps({"error": f"no route {method} {path}"})),)
    try:
        params = json.loads(body) if body else {}
        pieces = int(params.get("max_tokens") or DEFAULT_PIECES)
        stream = bool(params.get("stream"))
    except (ValueError, TypeError, AttributeError):
        return (_plain_response(400, _dumps({"error": "the body must be a JSON object"})),)
    if not 0 < pieces <= MAX_PIECES:
        return (_plain_response(400, _dumps({"error": f"max_tokens must be 1..{MAX_PIECES}"})),)
    if stream:
        return _stream_response(shape, pieces)
    return (_json_response(shape, pieces),)


# --- the asyncio protocol ----------------------------------------------------------------------------


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: requests in order, one response at a time."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._transport: asyncio.Transport | None = None
        self._out: list[bytes] = []  # pieces of the current response not yet written (reversed)
        self._paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            import socket

            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._out.clear()

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self._pump()

    def data_received(self, data: bytes) -> None:
        self._buf += data
        if not self._out:
            self._serve()

    def _serve(self) -> None:
        # Parse as many complete requests as the buffer holds, but only while no response is
        # being written (HTTP/1.1 answers in order; clients here do not pipeline anyway).
        buf = self._buf
        while not self._out and self._transport is not None:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end]).decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, _version = lines[0].split(" ", 2)
            except ValueError:
                self._transport.close()
                return
            length = 0
            close = False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip() or 0)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            if len(buf) < end + 4 + length:
                return
            body = bytes(buf[end + 4 : end + 4 + length])
            del buf[: end + 4 + length]
            pieces = respond(method, target, body)
            self._out = list(reversed(pieces))
            self._pump()
            if close and self._transport is not None:
                self._transport.close()

    def _pump(self) -> None:
        transport = self._transport
        out = self._out
        while out and not self._paused and transport is not None:
            transport.write(out.pop())
        if not out and self._buf and transport is not None:
            self._serve()


async def serve(host: str = HOST, port: int = 0) -> asyncio.Server:
    """Start listening (port 0: any free port); the caller owns the returned server."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(_Connection, host, port, backlog=1024, reuse_address=True)


def server_port(server: asyncio.Server) -> int:
    """The port a server from `serve()` listens on."""
    port: int = server.sockets[0].getsockname()[1]
    return port


class ThreadedServer:
    """The server on its own event loop in a daemon thread: `with start_in_thread() as srv: srv.url`."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self.port = 0
        self._thread = threading.Thread(target=self._run, name="bench-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the benchmark server did not start")

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://{HOST}:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        server = await serve()
        self.port = server_port(server)
        self._ready.set()
        async with server:
            await self._stop.wait()

    def stop(self) -> None:
        """Stop listening and end the thread."""
        stop = self._stop
        if stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(stop.set)
            self._thread.join(10)

    def __enter__(self) -> ThreadedServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_in_thread() -> ThreadedServer:
    """Run the server in a background thread of this process (for tests; benchmarks use a process)."""
    return ThreadedServer()


async def _main_process(port: int) -> None:
    server = await serve(HOST, port)
    print(f"PORT {server_port(server)}", flush=True)
    loop = asyncio.get_running_loop()
    # Stop when the parent closes our stdin (or dies): no orphan server can outlive the benchmark.
    stdin_closed = loop.run_in_executor(None, sys.stdin.buffer.read)
    async with server:
        await stdin_closed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    asyncio.run(_main_process(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
