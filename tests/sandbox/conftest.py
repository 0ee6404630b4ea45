"""Fixtures for the sandbox tests: each endpoint test runs in-process and over a real server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from llmwise.sandbox import Sandbox, SandboxServer

from .helpers import AUTH, Env


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


@pytest.fixture(scope="module")
def server_client(server: SandboxServer) -> Iterator[httpx.Client]:
    # One client per module: building an httpx.Client with a real transport costs ~40 ms (TLS setup).
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as client:
        yield client


@pytest.fixture(params=["transport", "server"])
def env(request: pytest.FixtureRequest) -> Iterator[Env]:
    if request.param == "transport":
        sb = Sandbox()
        with httpx.Client(transport=sb.transport(), base_url="http://sandbox/api/v1", headers=AUTH) as client:
            yield Env(sb, client, "transport")
        return
    running: SandboxServer = request.getfixturevalue("server")
    running.sandbox.reset()
    yield Env(running.sandbox, request.getfixturevalue("server_client"), "server")


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox()
