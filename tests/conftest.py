"""Fixtures shared by every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import llmwise._base_client as base_client
from llmwise.sandbox import Sandbox, SandboxServer
from support import SandboxEnv


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Run a test once with `LLMWise` and once with `AsyncLLMWise`."""
    value: str = request.param
    return value


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record retry waits instead of sleeping (tests never depend on timing)."""
    recorded: list[float] = []

    def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(base_client, "_sleep", fake_sleep)
    monkeypatch.setattr(base_client, "_async_sleep", fake_async_sleep)
    return recorded


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMWISE_API_KEY", raising=False)
    monkeypatch.delenv("LLMWISE_BASE_URL", raising=False)
    monkeypatch.delenv("LLMWISE_LOG", raising=False)
    # The project's own suite reads responses strictly, so the sandbox cannot drift from the models
    # unnoticed; the drift suite builds lenient clients explicitly.
    monkeypatch.setenv("LLMWISE_STRICT_RESPONSES", "1")




@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    """One real sandbox server on 127.0.0.1 (a free port) for the whole run."""
    with SandboxServer(Sandbox()) as server:
        yield server


@pytest.fixture(params=["loopback", "inprocess"])
def env(request: pytest.FixtureRequest, mode: str) -> Iterator[SandboxEnv]:
    """A fresh sandbox and a client bound to it: sync or async, over a real socket or in-process."""
    if request.param == "loopback":
        server: SandboxServer = request.getfixturevalue("sandbox_server")
        server.sandbox.reset()
        env = SandboxEnv(mode, server.sandbox, base_url=server.base_url)
    else:
        env = SandboxEnv(mode, Sandbox(), base_url=None)
    yield env
    env.close()
