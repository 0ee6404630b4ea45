"""LLMWise clients bound to a sandbox, in-process or over a loopback server; usable without pytest."""

from __future__ import annotations

import functools
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Literal

from ._scenario import Scenario
from ._waits import RetryWaits

if TYPE_CHECKING:
    import httpx

    from llmwise import AsyncLLMWise, LLMWise
    from llmwise.sandbox import Sandbox, SandboxServer

#: ``"inprocess"``: an httpx transport calls the sandbox directly (no sockets, the default);
#: ``"server"``: a real HTTP server on 127.0.0.1 (real sockets, real connection drops).
Transport = Literal["inprocess", "server"]
TRANSPORTS: tuple[Transport, ...] = ("inprocess", "server")

# Any host works for the in-process transport; this one makes it obvious in error messages.
INPROCESS_BASE_URL = "http://sandbox/api/v1"


def check_transport(value: object) -> Transport:
    """``value`` if it names a transport, else ``ValueError``."""
    for transport in TRANSPORTS:
        if value == transport:
            return transport
    raise ValueError(f"unknown llmwise transport {value!r}: use 'inprocess' or 'server'")


@functools.lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    # httpx builds (and loads CA certificates into) a new SSL context per client: ~40 ms, paid
    # per test otherwise. The loopback server speaks plain HTTP, but keep verification on in
    # case user code reuses the client elsewhere: one verifying context for the whole run.
    import httpx

    return httpx.create_ssl_context()


def open_client(
    sandbox: Sandbox,
    server: SandboxServer | None,
    *,
    max_retries: int | None = None,
    timeout: float | None = None,
) -> tuple[LLMWise, httpx.Client]:
    """A sync client for ``sandbox`` (through ``server`` when given) and the pool to close after."""
    import httpx

    from llmwise import LLMWise

    if server is None:
        http = httpx.Client(transport=sandbox.transport())
        base_url = INPROCESS_BASE_URL
    else:
        http = httpx.Client(verify=_ssl_context())
        base_url = server.base_url
    client = LLMWise(
        sandbox.api_key, base_url=base_url, http_client=http, max_retries=max_retries, timeout=timeout
    )
    return client, http


def open_async_client(
    sandbox: Sandbox,
    server: SandboxServer | None,
    *,
    max_retries: int | None = None,
    timeout: float | None = None,
) -> tuple[AsyncLLMWise, httpx.AsyncClient]:
    """An async client for ``sandbox`` and its pool.

    Over the server, the pool keeps no idle connections: a pytest fixture cannot await
    ``aclose()`` (it may run after the test's event loop is gone), so nothing must be left open
    once each response is closed.
    """
    import httpx

    from llmwise import AsyncLLMWise

    if server is None:
        http = httpx.AsyncClient(transport=sandbox.async_transport())
        base_url = INPROCESS_BASE_URL
    else:
        no_pool = httpx.AsyncHTTPTransport(
            verify=_ssl_context(), limits=httpx.Limits(max_keepalive_connections=0)
        )
        http = httpx.AsyncClient(transport=no_pool)
        base_url = server.base_url
    client = AsyncLLMWise(
        sandbox.api_key, base_url=base_url, http_client=http, max_retries=max_retries, timeout=timeout
    )
    return client, http


def start_server(sandbox: Sandbox) -> SandboxServer:
    """A started loopback server (127.0.0.1, a free port) for ``sandbox``."""
    from llmwise.sandbox import SandboxServer

    return SandboxServer(sandbox, host="127.0.0.1", port=0).start()


def bound_scenario(sandbox: Sandbox, waits: RetryWaits) -> Scenario:
    """A scenario for ``sandbox`` whose ``retry_waits`` reads ``waits``."""
    scenario = Scenario(sandbox)
    scenario._retry_waits = waits
    return scenario


@contextmanager
def sandbox_client(
    *,
    transport: Transport = "inprocess",
    sandbox: Sandbox | None = None,
    sleep_retries: bool = False,
    max_retries: int | None = None,
    timeout: float | None = None,
    strict: bool = False,
) -> Iterator[tuple[LLMWise, Scenario]]:
    """An ``LLMWise`` client bound to a fresh (or the given) sandbox, plus its :class:`Scenario`.

    For tests outside pytest (unittest, scripts)::

        with sandbox_client() as (client, scenario):
            scenario.model("gpt-5.2").replies("Hi!")
            assert client.chat.create(model="gpt-5.2", messages=[...]).content == "Hi!"

    ``transport="server"`` goes through a loopback HTTP server, stopped on exit. While open, SDK
    retry waits are recorded in ``scenario.retry_waits`` and skipped unless ``sleep_retries``;
    ``max_retries`` / ``timeout`` configure the client (default: the SDK's). ``strict=True``
    turns on :meth:`Scenario.strict` and runs :meth:`Scenario.verify` when the block ends
    without an exception.
    """
    from llmwise.sandbox import Sandbox

    transport = check_transport(transport)
    sandbox = sandbox if sandbox is not None else Sandbox()
    server = start_server(sandbox) if transport == "server" else None
    try:
        with RetryWaits(sleep=sleep_retries) as waits:
            client, http = open_client(sandbox, server, max_retries=max_retries, timeout=timeout)
            scenario = bound_scenario(sandbox, waits)
            if strict:
                scenario.strict()
            with http:
                yield client, scenario
            if strict:
                scenario.verify()
    finally:
        if server is not None:
            server.stop()


@asynccontextmanager
async def async_sandbox_client(
    *,
    transport: Transport = "inprocess",
    sandbox: Sandbox | None = None,
    sleep_retries: bool = False,
    max_retries: int | None = None,
    timeout: float | None = None,
    strict: bool = False,
) -> AsyncIterator[tuple[AsyncLLMWise, Scenario]]:
    """The async twin of :func:`sandbox_client`: ``async with async_sandbox_client() as (client, scenario)``."""
    from llmwise.sandbox import Sandbox

    transport = check_transport(transport)
    sandbox = sandbox if sandbox is not None else Sandbox()
    server = start_server(sandbox) if transport == "server" else None
    try:
        with RetryWaits(sleep=sleep_retries) as waits:
            client, http = open_async_client(sandbox, server, max_retries=max_retries, timeout=timeout)
            scenario = bound_scenario(sandbox, waits)
            if strict:
                scenario.strict()
            async with http:
                yield client, scenario
            if strict:
                scenario.verify()
    finally:
        if server is not None:
            server.stop()
