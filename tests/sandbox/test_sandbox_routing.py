"""``routing.strategy`` orders the failover chain (contract §3.1; the readings are in sandbox._mesh)."""

from __future__ import annotations

from typing import Any

import pytest

from llmwise.sandbox import Sandbox

from .helpers import USER, Env

PRIMARY = "gemini-3-flash"
FALLBACKS = ["gpt-5.2", "claude-haiku-4.5", "deepseek-v3"]


def body(strategy: str | None, **extra: Any) -> dict[str, Any]:
    routing: dict[str, Any] = {"fallback": FALLBACKS}
    if strategy is not None:
        routing["strategy"] = strategy
    return {"model": PRIMARY, "messages": USER, "routing": routing, **extra}


def tried(env: Env, strategy: str | None) -> list[str]:
    """The models the request tried, in order (every model but the answering one fails)."""
    found = env.stream_events("/chat", body(strategy))
    return [e["model"] for e in found if e.get("event") == "route" and e["status"] == "trying"]


def fail_all_but(sb: Sandbox, keep: str | None = None, status: int = 503) -> None:
    for model in [PRIMARY, *FALLBACKS]:
        if model != keep:
            sb.set_model(model, fail_status=status)


def test_no_strategy_keeps_the_given_order(env: Env) -> None:
    fail_all_but(env.sb)
    assert tried(env, None) == [PRIMARY, *FALLBACKS]


def test_latency_tries_the_fastest_fallbacks_first(env: Env) -> None:
    sb = env.sb
    fail_all_but(sb)
    sb.set_model("gpt-5.2", fail_status=503, latency=0.003)
    sb.set_model("claude-haiku-4.5", fail_status=503, latency=0.002)
    # deepseek-v3 keeps the sandbox latency (0): fastest. The primary stays first.
    assert tried(env, "latency") == [PRIMARY, "deepseek-v3", "claude-haiku-4.5", "gpt-5.2"]


def test_cost_tries_the_cheapest_fallbacks_first(env: Env) -> None:
    sb = env.sb
    fail_all_but(sb)
    # Same price per token: the cost of this request's answer is its length (deepseek-v3's
    # generated answer has 25-55 words).
    sb.set_model("gpt-5.2", fail_status=503, text="A long answer that costs the most of these two scripts.")
    sb.set_model("claude-haiku-4.5", fail_status=503, text="Short answer.")
    assert tried(env, "cost") == [PRIMARY, "claude-haiku-4.5", "gpt-5.2", "deepseek-v3"]
    # A free model costs nothing, whatever it says.
    sb.add_model("deepseek-free", provider="DeepSeek", is_free=True)
    found = env.stream_events(
        "/chat",
        {"model": PRIMARY, "messages": USER, "routing": {"fallback": [*FALLBACKS, "deepseek-free"], "strategy": "cost"}},
    )
    assert [e["model"] for e in found if e.get("status") == "trying"] == [PRIMARY, "deepseek-free"]
    assert found[-1]["resolved_model"] == "deepseek-free" and found[-1]["cost"] == 0


def test_cost_counts_a_queued_reply_and_never_calls_reply_functions() -> None:
    sb = Sandbox()
    calls: list[int] = []

    def reply(messages: Any) -> str:
        calls.append(1)
        return "Tiny."

    sb.set_model(PRIMARY, fail_status=503)
    sb.set_model("gpt-5.2", text=reply)
    from llmwise.testing import Scenario

    Scenario(sb).model("deepseek-v3").next_reply("Queued.", cost=0.0)
    answer = sb.request("POST", "/chat", json={**body("cost"), "stream": False}).json()
    assert answer["resolved_model"] == "deepseek-v3" and answer["content"] == "Queued."
    assert calls == []  # estimating gpt-5.2 did not run the test's function


def test_round_robin_rotates_the_whole_chain_per_request(env: Env) -> None:
    firsts = [env.stream_events("/chat", body("round-robin"))[-1]["resolved_model"] for _ in range(5)]
    assert firsts == [PRIMARY, *FALLBACKS, PRIMARY]
    # A failing model is passed over as usual; the rotation goes on.
    env.sb.set_model("gpt-5.2", fail_status=503)
    assert tried(env, "round-robin") == ["gpt-5.2", "claude-haiku-4.5"]
    # Another chain has its own rotation.
    other = {"model": "gpt-5.2", "messages": USER, "routing": {"fallback": ["deepseek-v3"], "strategy": "round-robin"}}
    found = env.stream_events("/chat", other)
    assert [e["model"] for e in found if e.get("status") == "trying"] == ["gpt-5.2", "deepseek-v3"]


def test_rate_limit_tries_recently_rate_limited_models_last(env: Env) -> None:
    sb = env.sb
    sb.set_model(PRIMARY, fail_status=429)
    assert tried(env, "rate-limit") == [PRIMARY, "gpt-5.2"]
    # The primary answered 429 a moment ago: the next request goes to a fallback first.
    assert tried(env, "rate-limit") == ["gpt-5.2"]
    sb.set_model("gpt-5.2", fail_status=429)
    assert tried(env, "rate-limit") == ["gpt-5.2", "claude-haiku-4.5"]
    assert tried(env, "rate-limit") == ["claude-haiku-4.5"]  # both rate-limited ones go last
    # Without a strategy the order is as given.
    assert tried(env, None) == [PRIMARY, "gpt-5.2", "claude-haiku-4.5"]
    # After the 60 s rate-limit window they are back in their place (the breaker closed meanwhile).
    sb.set_model(PRIMARY)
    sb.set_model("gpt-5.2")
    sb.advance_clock(60)
    assert tried(env, "rate-limit") == [PRIMARY]


@pytest.mark.parametrize("strategy", ["rate-limit", "latency", "cost", "round-robin"])
def test_every_strategy_is_deterministic(strategy: str) -> None:
    runs = []
    for _ in range(2):
        sb = Sandbox(clock=lambda: 0.0)
        sb.set_model("gpt-5.2", latency=0.002)
        sb.set_model(PRIMARY, fail_status=429)
        runs.append([sb.request("POST", "/chat", json={**body(strategy), "stream": False}).json()["resolved_model"] for _ in range(3)])
    assert runs[0] == runs[1]
