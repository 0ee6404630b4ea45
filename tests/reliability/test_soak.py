"""Soak: many streams through one client leave no connection, response or file descriptor behind.

- 10,000 streamed requests through one client, in-process (for speed), ending every way a stream
  can end: read to the end, `break`, a `with` exit, a broken connection, `text_stream`, a retried 429;
- 500 streams per client over a real loopback server, counting file descriptors and sockets;
- 200 async streams over loopback, each cancelled after its first event while the model is still
  writing, then every connection must be released.

Counts, not durations, are asserted; `wait_until` only turns a hang into a failure.
"""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import logging
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from llmwise import AsyncLLMWise, IncompleteStreamError, LLMWise
from llmwise.sandbox import Sandbox, SandboxServer
from llmwise.types.chat import TextChunkEvent

from .reliability_support import (
    KEY,
    MSG,
    async_wait_until,
    busy_connections,
    fd_count,
    linux_only,
    new_fds,
    open_fds,
    pool_connections,
    tcp_connections,
    wait_until,
)

MODEL = "gpt-5.2"
# A short answer (4 chunks, then the completion frame, `done` and [DONE]) keeps 10,000 streams fast;
# what is soaked is the connection handling, the same for any length.
ANSWER = "Breakers trip after repeated failures and reset after a cool-down period."

linux = pytest.mark.skipif(not linux_only(), reason="counts file descriptors through /proc")


@pytest.fixture(autouse=True)
def _quiet_logs() -> Iterator[None]:
    # Whatever logging other tests switched on: pytest keeps every record of a test in memory,
    # which would read as objects piling up here.
    loggers = [logging.getLogger(name) for name in ("llmwise", "httpx", "httpcore")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture(autouse=True)
def _hang_guard() -> Iterator[None]:
    # A hang must fail the run, not stall CI: dump every thread's stack and exit after 5 minutes.
    faulthandler.dump_traceback_later(300, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


class CountingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Wraps a response body to count how many bodies were closed."""

    def __init__(self, inner: Any, counter: Counter[str]) -> None:
        self.inner = inner
        self.counter = counter
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.inner

    async def __aiter__(self) -> Any:
        async for chunk in self.inner:
            yield chunk

    def _closed(self) -> None:
        if not self.closed:
            self.closed = True
            self.counter["closed"] += 1

    def close(self) -> None:
        self._closed()
        self.inner.close()

    async def aclose(self) -> None:
        self._closed()
        await self.inner.aclose()


class CountingTransport(httpx.BaseTransport):
    """The sandbox's in-process transport, counting responses opened and closed."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.counter: Counter[str] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not response.is_closed:  # a streamed body (JSON bodies are read in full at once)
            self.counter["opened"] += 1
            response.stream = CountingStream(response.stream, self.counter)
        return response


def _live_objects() -> Counter[str]:
    """Live instances of httpx, httpcore and llmwise classes (not the sandbox's own records)."""
    gc.collect()
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        module = type(obj).__module__
        if module.startswith(("httpx", "httpcore", "llmwise")) and not module.startswith("llmwise.sandbox"):
            counts[type(obj).__qualname__] += 1
    return counts


def _one_stream(client: LLMWise, sandbox: Sandbox, i: int) -> str:
    """Stream once, ending the i-th way; returns how it ended."""
    way = i % 6
    if way == 0:  # read to the end, then the final completion
        stream = client.chat.stream(model=MODEL, messages=MSG)
        for _ in stream:
            pass
        assert stream.get_final_completion().content == ANSWER
    elif way == 1:  # break after the first event
        for event in client.chat.stream(model=MODEL, messages=MSG):
            assert isinstance(event, TextChunkEvent)
            break
    elif way == 2:  # leave a `with` block after the first event
        with client.chat.stream(model=MODEL, messages=MSG) as stream:
            next(iter(stream))
    elif way == 3:  # the connection breaks after two events
        sandbox.cut_stream(after_events=2)
        with pytest.raises(IncompleteStreamError) as info:
            for _ in client.chat.stream(model=MODEL, messages=MSG):
                pass
        assert info.value.partial_text and ANSWER.startswith(info.value.partial_text)
    elif way == 4:  # only the text
        assert "".join(client.chat.stream(model=MODEL, messages=MSG).text_stream) == ANSWER
    else:  # a 429 first: retried (the wait is recorded, not slept), then read to the end
        sandbox.rate_limit(times=1, retry_after=1)
        assert client.chat.stream(model=MODEL, messages=MSG).until_done().text == ANSWER
    return ("full", "break", "with", "cut", "text", "retried")[way]


def test_10000_streams_through_one_client(sleeps: list[float]) -> None:
    sandbox = Sandbox(credits=10**9)
    sandbox.set_model(MODEL, text=ANSWER)
    transport = CountingTransport(sandbox.transport())
    fds_before = fd_count()
    # The ledger is bounded by design (it keeps its latest `ledger_size` calls): smaller than the
    # warm-up here, so that it is full before the growth is measured and must not grow past it.
    client = LLMWise(
        KEY, base_url="http://sandbox", http_client=httpx.Client(transport=transport), ledger_size=500
    )
    total = 10_000
    warm = 600
    ways: Counter[str] = Counter()
    for i in range(warm):
        ways[_one_stream(client, sandbox, i)] += 1
    live_warm = _live_objects()
    for i in range(warm, total):
        ways[_one_stream(client, sandbox, i)] += 1
        if i % 1000 == 0:
            # Bounded as it runs: every response handed out so far has been closed already.
            assert transport.counter["opened"] == transport.counter["closed"]
    live_end = _live_objects()

    retried = ways["retried"]
    assert sum(ways.values()) == total and len(ways) == 6
    assert len(sandbox.requests) == total + retried  # each retried stream was first answered 429
    assert sleeps == [1.0] * retried
    # No leaked connection: every streamed body that was opened has been closed.
    assert transport.counter["opened"] == total
    assert transport.counter["closed"] == total
    # No growth: 9,400 more streams leave no more live httpx/llmwise objects than 600 did.
    grown = {name: live_end[name] - live_warm[name] for name in live_end if live_end[name] > live_warm[name]}
    assert sum(grown.values()) <= 20, f"objects accumulating: {grown}"
    # Every stream was recorded, and the ledger kept only its latest 500.
    assert len(client.ledger) == 500 and client.ledger.dropped == total - 500
    client.close()
    client._http.close()
    if fds_before is not None:  # in-process: no socket, no file, ever
        # At most as many as before: a descriptor an earlier test left to the garbage collector
        # may be closed meanwhile, which is no leak of this one.
        fds_after = fd_count()
        assert fds_after is not None and fds_after <= fds_before


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A server of its own, so that its connections are only this test's."""
    sandbox = Sandbox(credits=10**9)
    sandbox.set_model(MODEL, text=ANSWER)
    with SandboxServer(sandbox) as running:
        yield running


async def _one_async_stream(client: AsyncLLMWise, sandbox: Sandbox, i: int) -> None:
    way = i % 4
    if way == 0:
        stream = client.chat.stream(model=MODEL, messages=MSG)
        async for _ in stream:
            pass
        assert stream.text == ANSWER
    elif way == 1:
        async for _ in client.chat.stream(model=MODEL, messages=MSG):
            break
    elif way == 2:
        async with client.chat.stream(model=MODEL, messages=MSG) as stream:
            await stream.__anext__()
    else:
        sandbox.cut_stream(after_events=2)
        with pytest.raises(IncompleteStreamError):
            async for _ in client.chat.stream(model=MODEL, messages=MSG):
                pass


@linux
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_500_loopback_streams_leak_no_fd(server: SandboxServer, mode: str) -> None:
    count = 500
    # Warm up (imports, lazily created objects) with another client, then measure.
    with LLMWise(KEY, base_url=server.base_url) as warm:
        warm.chat.create(model=MODEL, messages=MSG)
    assert wait_until(lambda: tcp_connections(server.port) == 0)
    gc.collect()
    fds_before = open_fds()
    most_pooled = 0

    if mode == "sync":
        client = LLMWise(KEY, base_url=server.base_url, max_retries=0)
        for i in range(count):
            _one_stream(client, server.sandbox, i % 4)  # full, break, with, cut
            most_pooled = max(most_pooled, len(pool_connections(client)))
        assert busy_connections(client) == 0
        client.close()
    else:

        async def go() -> int:
            most = 0
            async with AsyncLLMWise(KEY, base_url=server.base_url, max_retries=0) as client:
                for i in range(count):
                    await _one_async_stream(client, server.sandbox, i)
                    most = max(most, len(pool_connections(client)))
                assert busy_connections(client) == 0
            return most

        most_pooled = asyncio.run(go())

    assert len(server.sandbox.requests) == count + 1
    # One request at a time: the pool never held more than one connection.
    assert most_pooled == 1
    # Both ends of every connection closed (the server's once it sees the client go), and the
    # process has no descriptor it did not have before.
    assert wait_until(lambda: tcp_connections(server.port) == 0), (
        f"{tcp_connections(server.port)} sockets open"
    )
    gc.collect()
    assert wait_until(lambda: not new_fds(fds_before)), f"leaked: {new_fds(fds_before)}"


@linux
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_streams_read_to_the_end_reuse_one_connection(server: SandboxServer, mode: str) -> None:
    """A stream read to its end gives its connection back: 50 streams, one connection."""
    count = 50

    def info(client: LLMWise | AsyncLLMWise) -> list[str]:
        return [conn.info() for conn in pool_connections(client)]

    if mode == "sync":
        with LLMWise(KEY, base_url=server.base_url) as client:
            for _ in range(count):
                assert client.chat.stream(model=MODEL, messages=MSG).until_done().text == ANSWER
            infos = info(client)
    else:

        async def go() -> list[str]:
            async with AsyncLLMWise(KEY, base_url=server.base_url) as client:
                for _ in range(count):
                    assert (await client.chat.stream(model=MODEL, messages=MSG).until_done()).text == ANSWER
                return info(client)

        infos = asyncio.run(go())
    # e.g. "'http://127.0.0.1:41949', HTTP/1.1, IDLE, Request Count: 50"
    assert len(infos) == 1 and infos[0].endswith(f"HTTP/1.1, IDLE, Request Count: {count}"), infos


@linux
def test_200_async_streams_cancelled_mid_way_release_every_connection() -> None:
    count = 200
    sandbox = Sandbox(credits=10**9)
    # 0.25 s between chunks, ~16 chunks: each stream is mid-way when it is cancelled.
    sandbox.set_model(MODEL, latency=0.25)
    with SandboxServer(sandbox) as server:
        gc.collect()
        fds_before = open_fds()

        async def go() -> None:
            # The SDK's own pool (100 connections): half the streams can only start once cancelled
            # ones have given their connection back.
            async with AsyncLLMWise(KEY, base_url=server.base_url, timeout=20, max_retries=0) as client:
                streams = [client.chat.stream(model=MODEL, messages=MSG) for _ in range(count)]
                first = [asyncio.Event() for _ in range(count)]

                async def consume(i: int) -> None:
                    try:
                        async for _ in streams[i]:
                            first[i].set()
                    finally:
                        first[i].set()  # also when failing before the first event

                tasks = [asyncio.create_task(consume(i)) for i in range(count)]

                async def cancel_after_first_event(i: int) -> None:
                    await first[i].wait()
                    tasks[i].cancel()

                await asyncio.gather(*(cancel_after_first_event(i) for i in range(count)))
                results = await asyncio.gather(*tasks, return_exceptions=True)

                outcomes = Counter(type(r).__name__ for r in results)
                assert outcomes == {"CancelledError": count}, outcomes
                assert all(len(s.text) > 0 for s in streams), "every stream had its first event"
                assert all(s.response is not None and s.response.is_closed for s in streams)
                # Every connection released while the client is still open: none busy in the pool
                # (a connection cancelled mid-body cannot be reused, so it is closed) ...
                assert busy_connections(client) == 0
                assert all(conn.is_closed() for conn in pool_connections(client))
                # ... and none open at the server (it notices at its next write, within a chunk).
                released = await async_wait_until(lambda: tcp_connections(server.port) == 0)
                assert released, f"{tcp_connections(server.port)} sockets still open"
                assert len(sandbox.requests) == count

        asyncio.run(go())
    gc.collect()
    # The event loop's own descriptors went with it; nothing else may remain.
    assert wait_until(lambda: not new_fds(fds_before)), f"leaked: {new_fds(fds_before)}"
