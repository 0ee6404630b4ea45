"""The default client lets many long-lived streams run at once: no queueing at the connection pool
(issue #13, item 4). httpx's default pool (100 connections) made the 101st stream wait."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest

from llmwise import AsyncLLMWise, LLMWise
from llmwise._base_client import DEFAULT_CONNECTION_LIMITS
from support import KEY, run

STREAMS = 150  # past httpx's default of 100


class HoldingServer:
    """An SSE server on 127.0.0.1 that sends each stream's first event at once and its end only when
    `STREAMS` streams are open together (so fewer connections than that can never finish)."""

    def __init__(self) -> None:
        self.open = 0
        self.most_open = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.all_open = asyncio.Event()
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")),
                0,
            )
            await reader.readexactly(length)
            body = b'data: {"model":"m","delta":"Hi","done":false}\n\n'
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n" + body
            )
            await writer.drain()
            self.open += 1
            self.most_open = max(self.most_open, self.open)
            if self.open >= STREAMS:
                self.all_open.set()
            await asyncio.wait_for(self.all_open.wait(), 30)
            writer.write(b'data: {"event":"done","credits_charged":1}\n\ndata: [DONE]\n\n')
            await writer.drain()
        except (asyncio.TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def __enter__(self) -> HoldingServer:
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()  # its selector and self-pipe: file descriptors other tests count


@pytest.fixture
def server() -> Iterator[HoldingServer]:
    with HoldingServer() as holding:
        yield holding


def test_the_default_pool_allows_1000_connections() -> None:
    assert DEFAULT_CONNECTION_LIMITS.max_connections == 1000
    assert DEFAULT_CONNECTION_LIMITS.max_keepalive_connections == 100
    for client in (LLMWise(KEY), AsyncLLMWise(KEY)):
        pool = client._http._transport._pool  # type: ignore[union-attr]
        assert pool._max_connections == 1000


def test_150_concurrent_streams_are_all_open_at_once(server: HoldingServer) -> None:
    async def main() -> list[str]:
        # A short pool timeout: a stream queued at the pool fails fast instead of hanging.
        timeout = httpx.Timeout(30.0, pool=5.0)
        async with AsyncLLMWise(KEY, base_url=f"http://127.0.0.1:{server.port}", timeout=timeout) as client:

            async def one() -> str:
                stream = client.chat.stream(model="m", messages=[{"role": "user", "content": "Hi"}])
                return (await stream.get_final_completion()).content or ""

            return await asyncio.gather(*(one() for _ in range(STREAMS)))

    texts = run(main())
    assert texts == ["Hi"] * STREAMS
    assert server.most_open == STREAMS
