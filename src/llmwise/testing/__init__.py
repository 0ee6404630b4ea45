"""Test your own code against LLMWise offline: pytest fixtures and a scenario API over the sandbox.

With pytest (the plugin loads automatically once llmwise is installed)::

    def test_greets(llmwise_client, llmwise_scenario):
        llmwise_scenario.model("gpt-5.2").replies("Hello!")
        assert my_app.greet(llmwise_client) == "Hello!"
        assert llmwise_scenario.last_request("/chat").model == "gpt-5.2"

Without pytest: ``with sandbox_client() as (client, scenario): ...``. To replay real API traffic
recorded once: ``with cassette("tests/cassettes/x.json", mode="replay") as tape: tape.client()``.
Guide: docs/testing.md.
Names load on first use, so loading the plugin stays cheap in every project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._cassette import Cassette, CassetteError, CassetteMismatchError, cassette
    from ._clients import Transport, async_sandbox_client, sandbox_client
    from ._requests import SentRequest
    from ._scenario import Breaker, ModelScript, Reply, Scenario

__all__ = [
    "Breaker",
    "Cassette",
    "CassetteError",
    "CassetteMismatchError",
    "ModelScript",
    "Reply",
    "Scenario",
    "SentRequest",
    "Transport",
    "async_sandbox_client",
    "cassette",
    "sandbox_client",
]

_LAZY = {
    "Breaker": "._scenario",
    "Cassette": "._cassette",
    "CassetteError": "._cassette",
    "CassetteMismatchError": "._cassette",
    "cassette": "._cassette",
    "ModelScript": "._scenario",
    "Reply": "._scenario",
    "Scenario": "._scenario",
    "SentRequest": "._requests",
    "Transport": "._clients",
    "async_sandbox_client": "._clients",
    "sandbox_client": "._clients",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
