"""The pure core: requests, route tables, the state extension point, catalogue and limits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from llmwise.sandbox import (
    API_ROUTES,
    RequestContext,
    RouteTable,
    Sandbox,
    SandboxRequest,
    SandboxResponse,
    model_text,
)
from llmwise.sandbox._http import ApiError, json_response

from .helpers import USER

CHAT = {"model": "gpt-5.2", "messages": USER}


def test_request_splits_query_and_lowercases_headers() -> None:
    request = SandboxRequest("get", "/api/v1/history?limit=5&mode=chat", headers={"X-Thing": "1"})
    assert (request.method, request.path) == ("GET", "/api/v1/history")
    assert request.query == {"limit": "5", "mode": "chat"}
    assert request.headers == {"x-thing": "1"}


def test_model_text_is_deterministic_and_prompt_dependent() -> None:
    first = model_text("gpt-5.2", USER)
    assert first == model_text("gpt-5.2", [{"role": "system", "content": "x"}, *USER])
    assert first != model_text("gpt-5.2", [{"role": "user", "content": "something else"}])
    later = [*USER, {"role": "assistant", "content": "ok"}, {"role": "user", "content": "and then?"}]
    assert model_text("gpt-5.2", later) == model_text("gpt-5.2", [{"role": "user", "content": "and then?"}])
    assert model_text("gpt-5.2", USER, sample=1) != first


def test_route_table_matches_params_and_methods() -> None:
    table = RouteTable()

    def handler(ctx: RequestContext) -> SandboxResponse:
        return json_response(ctx.params)

    table.add("GET", "/conversations/{conversation_id}", handler)
    table.add("DELETE", "/conversations/{conversation_id}", handler)
    match = table.match("GET", "/conversations/conv%201")
    assert match.route is not None and match.params == {"conversation_id": "conv 1"}
    wrong = table.match("POST", "/conversations/c1")
    assert wrong.route is None and wrong.allowed == ("GET", "DELETE")
    missing = table.match("GET", "/conversations")
    assert missing.route is None and missing.allowed == ()
    assert {r.pattern for r in API_ROUTES} >= {"/models", "/chat", "/compare", "/blend", "/judge"}


class Conversations:
    """What an account module might keep per sandbox."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}


def test_extension_point_routes_and_state_components() -> None:
    sb = Sandbox()

    def create(ctx: RequestContext) -> SandboxResponse:
        store = ctx.state.component(Conversations)
        title = ctx.json_object().get("title", "untitled")
        store.items[f"conv_{len(store.items) + 1}"] = title
        return json_response({"id": f"conv_{len(store.items)}", "title": title})

    def get(ctx: RequestContext) -> SandboxResponse:
        store = ctx.state.component(Conversations)
        if ctx.params["conversation_id"] not in store.items:
            raise ApiError(404, "Conversation not found")
        return json_response({"id": ctx.params["conversation_id"], "credits": ctx.state.ledger.balance})

    sb.routes.add("POST", "/conversations", create)
    sb.routes.add("GET", "/conversations/{conversation_id}", get)
    assert sb.request("POST", "/conversations", json={"title": "t"}).json() == {"id": "conv_1", "title": "t"}
    assert sb.request("GET", "/conversations/conv_1").json()["credits"] == 1000
    missing = sb.request("GET", "/conversations/conv_9")
    assert missing.status == 404 and missing.json()["error"] == "Conversation not found"
    assert sb.request("GET", "/conversations/conv_1", api_key="nope").status == 401  # auth still applies
    sb.reset()
    assert sb.request("GET", "/conversations/conv_1").status == 404  # components are dropped by reset
    other = Sandbox().request("POST", "/conversations", json={"title": "t"}).json()
    assert other["id"] != "conv_1"  # other sandboxes keep the built-in route


def test_handler_bug_becomes_500() -> None:
    sb = Sandbox()

    def broken(ctx: RequestContext) -> SandboxResponse:
        raise RuntimeError("oops")

    sb.routes.add("GET", "/broken", broken)
    response = sb.request("GET", "/broken")
    assert response.status == 500 and "RuntimeError: oops" in response.json()["error"]


def test_add_model_and_custom_catalogue() -> None:
    sb = Sandbox()
    with pytest.raises(ValueError, match="add_model"):
        sb.set_model("gpt-5.4", latency=0.1)
    sb.add_model("gpt-5.4", "GPT-5.4", provider="OpenAI")
    assert any(m["id"] == "gpt-5.4" for m in sb.request("GET", "/models").json())
    reply = sb.request("POST", "/chat", json={**CHAT, "model": "gpt-5.4", "stream": False}).json()
    assert reply["content"] == model_text("gpt-5.4", USER)
    small = Sandbox(catalogue=[{"id": "tiny-1", "name": "Tiny", "provider": "Acme"}])
    assert [m["id"] for m in small.request("GET", "/models").json()] == ["tiny-1", "auto"]
    assert (
        small.request("POST", "/chat", json={**CHAT, "model": "auto", "stream": False}).json()["model"]
        == "tiny-1"
    )


def test_enforced_rate_limits() -> None:
    sb = Sandbox(enforce_rate_limits=True)
    statuses = [sb.request("POST", "/judge", json={}).status for _ in range(31)]
    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429
    limited = sb.request("POST", "/judge", json={})
    assert limited.header("x-ratelimit-remaining") == "0"
    assert int(limited.header("retry-after") or 0) >= 1
    assert sb.request("GET", "/models").status == 200  # other buckets are separate


def test_credits_setter_and_transactions() -> None:
    sb = Sandbox(credits=10)
    sb.credits = 4
    assert sb.credits == 4
    sb.request("POST", "/chat", json=CHAT)
    assert [(t.kind, t.amount, t.balance_after) for t in sb.transactions] == [
        ("adjustment", -6, 4),
        ("charge", -1, 3),
    ]
    sb.reset()
    assert sb.credits == 10 and sb.transactions == []


def test_importing_the_package_is_light() -> None:
    code = (
        "import sys, llmwise.sandbox as s; "
        "print('http.server' in sys.modules, 'llmwise.sandbox._transport' in sys.modules, 'trio' in sys.modules)"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert result.stdout.split() == ["False", "False", "False"], result.stderr
