"""Hardening of streams (issue #11): a stream ends at `[DONE]`, one line or event is bounded, an
abandoned stream gives its connection back, and the call's deadline bounds a stream's reading.

Nothing asserts a duration. A hang is caught by a guard far longer than any normal run (a thread
join, `asyncio.wait_for`), and the clients' read timeouts are longer still, so a stream that only
ended because a read timed out fails the test too. Servers listen on 127.0.0.1, port 0.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

import llmwise._base_client as base_client
from llmwise import (
    AsyncLLMWise,
    IncompleteStreamError,
    LLMWise,
    ResponseTooLargeError,
    ServerStreamError,
    StreamTimeoutError,
)
from llmwise._exceptions import DeadlineExceededError, StreamDeadlineExceededError
from llmwise.sandbox import Sandbox, SandboxServer
from llmwise.types.chat import ChatDoneEvent, TextChunkEvent
from llmwise.types.shared import MessageParam
from support import run

from .reliability_support import HANG_GUARD, KEY, async_wait_until, busy_connections

MSG: list[MessageParam] = [{"role": "user", "content": "hi"}]
MODEL = "gpt-5.2"
TEXT = [
    b'data: {"model":"gpt-5.2","delta":"Hel","done":false}\n\n',
    b'data: {"model":"gpt-5.2","delta":"lo","done":false}\n\n',
]
DONE = b'data: {"event":"done","model":"gpt-5.2","credits_charged":1,"credits_remaining":9,"finish_reason":"stop"}\n\n'
END = b"data: [DONE]\n\n"
ERROR = b'data: {"event":"error","error":"All fallback models failed","status_code":503,"refunded":true}\n\n'
KEEP_ALIVE = b": keep-alive\n\n"

# A read timeout no test waits for: a stream that ends only when a read times out is a hang here.
LONG_TIMEOUT = 120.0


# --- a scripted SSE server on 127.0.0.1 ---------------------------------------------------------


class SSEServer:
    """A keep-alive HTTP/1.1 server answering every request with the same chunked SSE body.

    `frames` are sent as chunks, then `after` decides what follows: "end" (the body's last chunk,
    the connection stays open for the next request), "keep-alive" (a comment chunk every few ms,
    never ending the body) or "silent" (nothing, the connection held open). Either way the server
    stops when the test's teardown closes it.
    """

    def __init__(self, frames: list[bytes], after: str = "end") -> None:
        self.frames = frames
        self.after = after
        self.connections = 0
        self.requests = 0
        self.stop = threading.Event()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(32)
        self._clients: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/api/v1"

    def close(self) -> None:
        self.stop.set()
        # Wake the accepting thread (closing a listening socket does not, on Linux).
        with socket.create_connection(self._sock.getsockname(), timeout=HANG_GUARD):
            pass
        self._thread.join(HANG_GUARD)
        self._sock.close()
        for conn in list(self._clients):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            if self.stop.is_set():
                conn.close()
                return
            self.connections += 1
            self._clients.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            while not self.stop.is_set():
                length = 0
                line = reader.readline()
                if not line:
                    return
                while line not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                    line = reader.readline()
                reader.read(length)
                self.requests += 1
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                )
                for frame in self.frames:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(frame), frame))
                if self.after == "end":
                    conn.sendall(b"0\r\n\r\n")
                    continue
                while not self.stop.wait(0.01 if self.after == "keep-alive" else HANG_GUARD):
                    if self.after == "keep-alive":
                        conn.sendall(b"%x\r\n%s\r\n" % (len(KEEP_ALIVE), KEEP_ALIVE))
                return
        except OSError:
            return  # the client went away, or the test is over
        finally:
            reader.close()


@pytest.fixture
def sse_server() -> Iterator[Callable[..., SSEServer]]:
    servers: list[SSEServer] = []

    def make(frames: list[bytes], after: str = "end") -> SSEServer:
        servers.append(SSEServer(frames, after))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def real_client(mode: str, base_url: str, **kwargs: Any) -> Any:
    kwargs.setdefault("timeout", LONG_TIMEOUT)
    kwargs.setdefault("max_retries", 0)
    cls = LLMWise if mode == "sync" else AsyncLLMWise
    return cls(KEY, base_url=base_url, **kwargs)


def close(client: Any) -> None:
    if isinstance(client, LLMWise):
        client.close()
    else:
        run(client.aclose())


def guarded(mode: str, work: Callable[[], Any]) -> Any:
    """Run `work` (a function, or for async a coroutine function) and return its result, failing the
    test if it has not returned within HANG_GUARD seconds: a hang detector, not a speed check."""
    if mode == "async":
        return run(asyncio.wait_for(work(), HANG_GUARD))
    result: list[Any] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed to the test below
            failure.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    assert not thread.is_alive(), "the stream did not end"
    if failure:
        raise failure[0]
    return result[0]


def read_stream(mode: str, client: Any, final: bool = False) -> tuple[list[Any], BaseException | None, Any]:
    """Iterate a chat stream to its end, or call get_final_completion(): (events or [completion],
    error raised or None, stream)."""
    if mode == "sync":

        def work() -> tuple[list[Any], BaseException | None, Any]:
            stream = client.chat.stream(model=MODEL, messages=MSG)
            events: list[Any] = []
            try:
                if final:
                    events.append(stream.get_final_completion())
                else:
                    for event in stream:
                        events.append(event)
            except Exception as exc:
                return events, exc, stream
            return events, None, stream

        result: tuple[list[Any], BaseException | None, Any] = guarded(mode, work)
        return result

    async def awork() -> tuple[list[Any], BaseException | None, Any]:
        stream = client.chat.stream(model=MODEL, messages=MSG)
        events: list[Any] = []
        try:
            if final:
                events.append(await stream.get_final_completion())
            else:
                async for event in stream:
                    events.append(event)
        except Exception as exc:
            return events, exc, stream
        return events, None, stream

    result = guarded(mode, awork)
    return result


# --- 1. a stream ends at [DONE] -----------------------------------------------------------------


@pytest.mark.parametrize("after", ["keep-alive", "silent"])
@pytest.mark.parametrize("final", [False, True], ids=["loop", "get_final_completion"])
def test_a_stream_ends_at_done_while_the_server_holds_the_body_open(
    mode: str, sse_server: Callable[..., SSEServer], after: str, final: bool
) -> None:
    server = sse_server([*TEXT, DONE, END], after=after)
    client = real_client(mode, server.base_url)
    try:
        events, err, stream = read_stream(mode, client, final=final)
        assert err is None, repr(err)
        if final:
            assert events[0].content == "Hello"
            assert events[0].credits_charged == 1
        else:
            assert [type(e) for e in events] == [TextChunkEvent, TextChunkEvent, ChatDoneEvent]
        assert stream.text == "Hello"
        # The connection was given up rather than left waiting on the body's end.
        assert stream.response.is_closed
        assert busy_connections(client) == 0
    finally:
        close(client)


def test_a_stream_ends_at_its_done_event_when_no_done_line_follows(
    mode: str, sse_server: Callable[..., SSEServer]
) -> None:
    # The terminal `done` event, then comments and no `[DONE]`: the stream ends at `done`.
    server = sse_server([*TEXT, DONE], after="keep-alive")
    client = real_client(mode, server.base_url)
    try:
        events, err, stream = read_stream(mode, client)
        assert err is None, repr(err)
        assert [type(e) for e in events] == [TextChunkEvent, TextChunkEvent, ChatDoneEvent]
        assert stream.text == "Hello"
    finally:
        close(client)


@pytest.mark.parametrize("after", ["keep-alive", "silent"])
def test_an_error_event_ends_the_stream_while_the_server_holds_the_body_open(
    mode: str, sse_server: Callable[..., SSEServer], after: str
) -> None:
    server = sse_server([TEXT[0], ERROR, END], after=after)
    client = real_client(mode, server.base_url)
    try:
        events, err, _ = read_stream(mode, client)
        assert isinstance(err, ServerStreamError), repr(err)
        assert err.status_code == 503 and err.partial_text == "Hel"
        assert len(events) == 1
    finally:
        close(client)


@pytest.mark.parametrize("deadline", [None, LONG_TIMEOUT])
def test_streams_whose_body_ends_after_done_share_one_connection(
    mode: str, sse_server: Callable[..., SSEServer], deadline: float | None
) -> None:
    # Ending at [DONE] must not cost the keep-alive connection when the body's end is at hand
    # (with a deadline, the body is read through the transport's deadline wrapper).
    server = sse_server([*TEXT, DONE, END], after="end")
    client = real_client(mode, server.base_url, deadline=deadline)
    try:
        for _ in range(3):
            events, err, stream = read_stream(mode, client)
            assert err is None, repr(err)
            assert len(events) == 3 and stream.text == "Hello"
        assert server.requests == 3
        assert server.connections == 1
    finally:
        close(client)


def test_frames_after_done_that_are_at_hand_are_still_handed_out(mode: str) -> None:
    # In-memory body: everything is at hand; an event the server sent between `done` and `[DONE]`
    # is not lost.
    trace = b'data: {"event":"trace","final_model":"gpt-5.2"}\n\n'
    client = mock_client(mode, lambda request: sse_response([*TEXT, DONE, trace, END]))
    events, err, _ = collect(mode, client)
    assert err is None, repr(err)
    assert [getattr(e, "event", None) for e in events] == [None, None, "done", "trace"]


# --- 3. one line or event of a stream is bounded -------------------------------------------------


class CountingBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body made of `head` then `repeat` copies of `piece`; counts the chunks taken from it."""

    def __init__(self, head: list[bytes], piece: bytes, repeat: int, tail: list[bytes] | None = None) -> None:
        self.head = head
        self.piece = piece
        self.repeat = repeat
        self.tail = tail or []
        self.taken = 0

    def _chunks(self) -> Iterator[bytes]:
        yield from self.head
        for _ in range(self.repeat):
            yield self.piece
        yield from self.tail

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks():
            self.taken += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.__iter__():
            yield chunk


def sse_response(chunks: list[bytes] | httpx.SyncByteStream) -> httpx.Response:
    stream = chunks if isinstance(chunks, httpx.SyncByteStream) else CountingBody(chunks, b"", 0)
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)


def mock_client(mode: str, handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> Any:
    transport = httpx.MockTransport(handler)
    kwargs.setdefault("max_retries", 0)
    if mode == "sync":
        return LLMWise(KEY, base_url="http://test.local", http_client=httpx.Client(transport=transport), **kwargs)
    return AsyncLLMWise(
        KEY, base_url="http://test.local", http_client=httpx.AsyncClient(transport=transport), **kwargs
    )


def collect(mode: str, client: Any, **kwargs: Any) -> tuple[list[Any], BaseException | None, Any]:
    kwargs.setdefault("model", MODEL)
    kwargs.setdefault("messages", MSG)
    if mode == "sync":
        stream = client.chat.stream(**kwargs)
        events: list[Any] = []
        try:
            for event in stream:
                events.append(event)
        except Exception as exc:
            return events, exc, stream
        return events, None, stream

    async def go() -> tuple[list[Any], BaseException | None, Any]:
        stream = client.chat.stream(**kwargs)
        events: list[Any] = []
        try:
            async for event in stream:
                events.append(event)
        except Exception as exc:
            return events, exc, stream
        return events, None, stream

    result: tuple[list[Any], BaseException | None, Any] = run(go())
    return result


LIMIT = 4096


@pytest.mark.parametrize(
    ("what", "piece"),
    [
        ("a line without an end", b"x" * 1000),  # `data: xxxx...` that never ends
        ("an event of many lines", b"data: " + b"y" * 994 + b"\n"),  # lines, never a blank one
    ],
)
def test_an_oversized_line_or_event_stops_the_stream(mode: str, what: str, piece: bytes) -> None:
    # 1000 chunks of 1000 bytes: read whole, this would be a megabyte; the limit is 4 KiB.
    head = [*TEXT, b"data: " if what.startswith("a line") else b""]
    body = CountingBody(head, piece, 1000, [b"\n\n", DONE, END])
    client = mock_client(mode, lambda request: sse_response(body), max_event_bytes=LIMIT)
    events, err, stream = collect(mode, client)
    assert isinstance(err, ResponseTooLargeError), repr(err)
    assert "max_event_bytes" in str(err) and f"{LIMIT:,}" in str(err)
    assert err.limit == LIMIT
    # What arrived before it was handed out, and is on the error and on the stream.
    assert [e.delta for e in events] == ["Hel", "lo"]
    assert err.partial_text == "Hello" == stream.text
    # The body was read no further than the limit (and a chunk) past the oversized frame's start.
    assert body.taken <= len(head) + LIMIT // len(piece) + 2
    assert stream.response.is_closed


def test_a_first_event_over_the_limit_is_not_retried(mode: str) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return sse_response([b"data: " + b"z" * (LIMIT + 1) + b"\n\n", DONE, END])

    client = mock_client(mode, handler, max_event_bytes=LIMIT, max_retries=2)
    events, err, _ = collect(mode, client)
    assert isinstance(err, ResponseTooLargeError), repr(err)
    assert events == [] and err.partial_text == ""
    assert len(requests) == 1


def test_frames_up_to_the_limit_pass(mode: str) -> None:
    # A frame just under the limit, split across chunks, is an ordinary event.
    delta = "w" * (LIMIT - 100)
    frame = b'data: {"model":"gpt-5.2","delta":"%s","done":false}\n\n' % delta.encode()
    chunks = [frame[i : i + 700] for i in range(0, len(frame), 700)]
    client = mock_client(mode, lambda request: sse_response([*chunks, DONE, END]), max_event_bytes=LIMIT)
    _, err, stream = collect(mode, client)
    assert err is None, repr(err)
    assert stream.text == delta


# --- 7. an abandoned stream gives its connection back --------------------------------------------


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    sandbox = Sandbox(credits=10**9)
    sandbox.set_model(MODEL, latency=0.05)  # several chunks: a stream is mid-body when dropped
    with SandboxServer(sandbox) as server:
        yield server


@pytest.fixture
def no_gc() -> Iterator[None]:
    # Only reference counting frees objects here: a stream kept alive by a reference cycle keeps
    # its connection until the collector runs, which is what this must not need.
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@pytest.mark.usefixtures("no_gc")
@pytest.mark.parametrize("how", ["next", "next-iter"])
def test_abandoned_streams_release_their_connections(mode: str, sandbox_server: SandboxServer, how: str) -> None:
    # 12 streams abandoned after their first event, on a pool of 10 connections: the 11th and 12th
    # only get a connection if the earlier ones gave theirs back.
    limits = httpx.Limits(max_connections=10)
    timeout = httpx.Timeout(LONG_TIMEOUT, pool=HANG_GUARD / 3)
    if mode == "sync":
        client: Any = LLMWise(
            KEY, base_url=sandbox_server.base_url, max_retries=0,
            http_client=httpx.Client(limits=limits, timeout=timeout),
        )
        try:
            for _ in range(12):
                stream = client.chat.stream(model=MODEL, messages=MSG)
                first = next(stream) if how == "next" else next(iter(stream))
                assert isinstance(first, TextChunkEvent)
                del stream
                # Released at once, by reference counting alone.
                assert busy_connections(client) == 0
            assert client.chat.create(model=MODEL, messages=MSG).content
        finally:
            client.close()
        return

    async def go() -> None:
        client = AsyncLLMWise(
            KEY, base_url=sandbox_server.base_url, max_retries=0,
            http_client=httpx.AsyncClient(limits=limits, timeout=timeout),
        )
        try:
            for _ in range(12):
                stream = client.chat.stream(model=MODEL, messages=MSG)
                first = await (stream.__anext__() if how == "next" else stream.__aiter__().__anext__())
                assert isinstance(first, TextChunkEvent)
                del stream
            # The event loop closes a dropped stream's body (an async generator's finalizer runs
            # there): by the time a call needs the connection, it is free.
            assert (await client.chat.create(model=MODEL, messages=MSG)).content
            assert await async_wait_until(lambda: busy_connections(client) == 0)
        finally:
            await client.aclose()

    guarded(mode, go)


def test_next_then_iteration_reads_the_whole_stream(mode: str) -> None:
    # `next(stream)` and then `for event in stream` go on from the same place.
    client = mock_client(mode, lambda request: sse_response([*TEXT, DONE, END]))
    if mode == "sync":
        stream = client.chat.stream(model=MODEL, messages=MSG)
        events = [next(stream)]
        events += list(stream)
    else:

        async def go() -> list[Any]:
            stream = client.chat.stream(model=MODEL, messages=MSG)
            events = [await stream.__anext__()]
            events += [event async for event in stream]
            return events

        events = run(go())
    assert [type(e) for e in events] == [TextChunkEvent, TextChunkEvent, ChatDoneEvent]


# --- 8. the call's deadline bounds a stream's reading ---------------------------------------------


class FakeClock:
    """The transport's deadline clock, moved only by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(base_client, "_clock", fake)
    return fake


class ScriptedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Yields `chunks`; a callable among them is called (to move the clock or raise) instead."""

    def __init__(self, chunks: list[Any]) -> None:
        self.chunks = chunks
        self.taken = 0

    def __iter__(self) -> Iterator[bytes]:
        for item in self.chunks:
            if callable(item):
                item()
                continue
            self.taken += 1
            yield item

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.__iter__():
            yield chunk


def test_data_arriving_after_the_deadline_raises_with_the_partial_text(mode: str, clock: FakeClock) -> None:
    def later() -> None:
        clock.now += 10

    body = ScriptedBody([TEXT[0], later, TEXT[1], DONE, END])
    client = mock_client(mode, lambda request: sse_response(body))
    events, err, stream = collect(mode, client, deadline=5)
    assert isinstance(err, StreamDeadlineExceededError), repr(err)
    assert isinstance(err, DeadlineExceededError) and isinstance(err, IncompleteStreamError)
    assert err.partial_text == "Hel" == stream.text
    assert isinstance(err.__cause__, DeadlineExceededError)
    assert "deadline" in str(err)
    assert len(events) == 1


def test_no_read_is_made_once_the_deadline_has_passed(mode: str, clock: FakeClock) -> None:
    body = ScriptedBody([TEXT[0], TEXT[1], DONE, END])
    client = mock_client(mode, lambda request: sse_response(body))
    if mode == "sync":
        stream = client.chat.stream(model=MODEL, messages=MSG, deadline=5)
        events = [next(stream)]
        clock.now += 10  # the deadline passes while the caller holds the first event
        with pytest.raises(StreamDeadlineExceededError) as info:
            next(stream)
    else:

        async def go() -> tuple[list[Any], Any]:
            stream = client.chat.stream(model=MODEL, messages=MSG, deadline=5)
            events = [await stream.__anext__()]
            clock.now += 10
            with pytest.raises(StreamDeadlineExceededError) as info:
                await stream.__anext__()
            return events, info

        events, info = run(go())
    assert len(events) == 1
    assert info.value.partial_text == "Hel"
    assert body.taken == 1  # nothing more was read from the network


def test_a_read_timeout_past_the_deadline_is_the_deadline(mode: str, clock: FakeClock) -> None:
    def time_out() -> None:
        clock.now += 10
        raise httpx.ReadTimeout("timed out")

    client = mock_client(mode, lambda request: sse_response(ScriptedBody([TEXT[0], time_out])))
    _, err, _ = collect(mode, client, deadline=5)
    assert isinstance(err, StreamDeadlineExceededError), repr(err)
    assert err.partial_text == "Hel"
    assert isinstance(err.__cause__, httpx.ReadTimeout)


def test_a_read_timeout_before_the_deadline_stays_a_timeout(mode: str, clock: FakeClock) -> None:
    def time_out() -> None:
        raise httpx.ReadTimeout("timed out")

    client = mock_client(mode, lambda request: sse_response(ScriptedBody([TEXT[0], time_out])))
    _, err, _ = collect(mode, client, deadline=5)
    assert isinstance(err, StreamTimeoutError) and not isinstance(err, DeadlineExceededError), repr(err)
    assert err.partial_text == "Hel"


def test_a_deadline_stops_a_stream_the_server_holds_open(mode: str, sse_server: Callable[..., SSEServer]) -> None:
    # A real socket: the first event, then nothing. The read waits at most the time left (the
    # deadline leaves the first event ample time to arrive).
    server = sse_server([TEXT[0]], after="silent")
    client = real_client(mode, server.base_url, deadline=2.0)
    try:
        events, err, _ = read_stream(mode, client)
        assert isinstance(err, StreamDeadlineExceededError), repr(err)
        assert err.partial_text == "Hel"
        assert len(events) == 1
    finally:
        close(client)
