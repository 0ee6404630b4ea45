"""Fixtures of the compare, blend and judge tests, loaded with `pytest_plugins = ["multi_fixtures"]`.

`server_env` reaches the real loopback `SandboxServer` of the run (reset before each test);
`local_env` a fresh in-process `Sandbox`. Both follow the `mode` fixture, so every test runs with
`LLMWise` and with `AsyncLLMWise`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from llmwise import LLMWise
from llmwise.sandbox import Sandbox, SandboxServer
from multi_support import Env
from support import KEY


@pytest.fixture(scope="module")
def server_sync_client(sandbox_server: SandboxServer) -> Iterator[LLMWise]:
    """A sync client of the shared server, kept for the module (building one costs ~40 ms)."""
    with LLMWise(KEY, base_url=sandbox_server.base_url) as client:
        yield client


@pytest.fixture
def server_env(sandbox_server: SandboxServer, server_sync_client: LLMWise, mode: str) -> Env:
    """The shared loopback server (conftest's `sandbox_server`), reset, called with the client of `mode`."""
    sandbox_server.sandbox.reset()
    shared = server_sync_client if mode == "sync" else None
    return Env(sandbox_server.sandbox, mode, sandbox_server.base_url, shared)


@pytest.fixture
def local_env(mode: str) -> Env:
    """A fresh in-process sandbox, called with the client of `mode`."""
    return Env(Sandbox(), mode, None)
