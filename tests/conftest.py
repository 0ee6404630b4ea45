"""Fixtures shared by every test."""

from __future__ import annotations

import pytest

import llmwise._base_client as base_client


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


