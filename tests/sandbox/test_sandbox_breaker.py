"""The circuit breaker (contract §3.1, D-mesh: 3 failures -> open 30 s -> half-open probe) on the
sandbox clock: tests move time with ``advance_clock``, never sleep."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from llmwise import LLMWise
from llmwise.sandbox import BreakerState, Sandbox, SandboxServer
from llmwise.testing import Scenario
from llmwise.types.chat import RouteEvent, TraceEvent
from llmwise.types.shared import MessageParam

from .helpers import AUTH, USER, Env

PRIMARY = "claude-sonnet-4.5"
MESH = {"model": PRIMARY, "messages": USER, "routing": {"fallback": ["gpt-5.2"]}}
SDK_USER: list[MessageParam] = [{"role": "user", "content": USER[0]["content"]}]
CONTROL_JSON = {"Content-Type": "application/json"}


@pytest.fixture(params=["transport", "server"])
def frozen(request: pytest.FixtureRequest) -> Iterator[Env]:
    """A sandbox whose time stands still unless a test advances it, in-process and over TCP."""
    sb = Sandbox(clock=lambda: 1000.0)
    if request.param == "transport":
        with httpx.Client(transport=sb.transport(), base_url="http://sandbox/api/v1", headers=AUTH) as client:
            yield Env(sb, client, "transport")
        return
    with SandboxServer(sb) as server, httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as client:
        yield Env(sb, client, "server")


def routes(env: Env, body: dict[str, Any] = MESH) -> list[tuple[str, str, str | None]]:
    return [
        (e["model"], e["status"], e.get("reason"))
        for e in env.stream_events("/chat", body)
        if e.get("event") == "route"
    ]


TRIED = [(PRIMARY, "trying", None), (PRIMARY, "failed", None), ("gpt-5.2", "trying", None), ("gpt-5.2", "ok", None)]
SKIPPED = [(PRIMARY, "skipped", "circuit_open"), ("gpt-5.2", "trying", None), ("gpt-5.2", "ok", None)]


def test_three_failures_open_the_breaker_and_chains_skip_the_model(frozen: Env) -> None:
    frozen.sb.set_model(PRIMARY, fail_status=503)
    assert [routes(frozen) for _ in range(3)] == [TRIED] * 3
    breaker = frozen.sb.breaker(PRIMARY)
    assert (breaker.state, breaker.consecutive_failures, breaker.retry_in, breaker.trips) == ("open", 3, 30.0, 1)

    # Open: the fourth and fifth requests skip the primary without calling it.
    found = frozen.stream_events("/chat", MESH)
    skipped = next(e for e in found if e.get("event") == "route")
    assert skipped == {
        "event": "route",
        "model": PRIMARY,
        "status": "skipped",
        "reason": "circuit_open",
        "retry_in_ms": 30000,
        "latency_ms": 0,
    }
    trace = next(e for e in found if e.get("event") == "trace")
    assert [(a["model"], a["status"]) for a in trace["attempts"]] == [(PRIMARY, "skipped"), ("gpt-5.2", "ok")]
    assert found[-1]["resolved_model"] == "gpt-5.2"
    assert routes(frozen) == SKIPPED
    assert frozen.sb.breaker(PRIMARY).consecutive_failures == 3  # skipped calls are not failures

    # Still open after 29 s; half-open at 30 s: one probe, which fails and re-opens it.
    frozen.sb.advance_clock(29)
    assert routes(frozen) == SKIPPED
    frozen.sb.advance_clock(1)
    assert frozen.sb.breaker(PRIMARY).state == "half_open"
    assert routes(frozen) == [(PRIMARY, "trying", "circuit_half_open"), *TRIED[1:]]
    assert frozen.sb.breaker(PRIMARY).state == "open" and frozen.sb.breaker(PRIMARY).retry_in == 30.0

    # A successful probe closes it.
    frozen.sb.set_model(PRIMARY)
    frozen.sb.advance_clock(30)
    assert routes(frozen) == [(PRIMARY, "trying", "circuit_half_open"), (PRIMARY, "ok", None)]
    assert frozen.sb.breaker(PRIMARY) == BreakerState(PRIMARY, "closed", 0, 0.0, 2, 503)
    assert routes(frozen) == [(PRIMARY, "trying", None), (PRIMARY, "ok", None)]


def test_a_success_resets_the_count_and_other_statuses_do_not_count(frozen: Env) -> None:
    sb = frozen.sb
    sb.set_model(PRIMARY, fail_status=429)
    routes(frozen)
    routes(frozen)
    sb.set_model(PRIMARY)
    routes(frozen)  # success: the count starts again
    sb.set_model(PRIMARY, fail_status=500)
    routes(frozen)
    routes(frozen)
    assert sb.breaker(PRIMARY).state == "closed" and sb.breaker(PRIMARY).consecutive_failures == 2
    # A 400 is the request's problem, not the model's: no failover and no count.
    sb.set_model(PRIMARY, fail_status=400)
    assert frozen.post("/chat", {**MESH, "stream": False}).status_code == 400
    assert sb.breaker(PRIMARY).consecutive_failures == 2


def test_every_endpoint_counts_but_only_chains_skip(frozen: Env) -> None:
    sb = frozen.sb
    sb.set_model(PRIMARY, fail_status=503)
    compare = {"models": [PRIMARY, "gpt-5.2"], "messages": USER, "stream": False}
    for _ in range(3):
        assert frozen.post("/compare", compare).status_code == 200
    assert sb.breaker(PRIMARY).is_open
    # A request naming the model alone still calls it (it has nowhere else to go) ...
    single = frozen.post("/chat", {"model": PRIMARY, "messages": USER, "stream": False})
    assert single.status_code == 503
    # ... while a failover chain skips it.
    assert routes(frozen) == SKIPPED
    # A success anywhere closes the breaker.
    sb.set_model(PRIMARY)
    assert frozen.post("/chat", {"model": PRIMARY, "messages": USER, "stream": False}).status_code == 200
    assert sb.breaker(PRIMARY).state == "closed"


def test_every_model_open_fails_the_request_and_refunds(frozen: Env) -> None:
    sb = frozen.sb
    sb.trip_breaker(PRIMARY)
    sb.trip_breaker("gpt-5.2")
    found = frozen.stream_events("/chat", MESH)
    assert [e["status"] for e in found if e.get("event") == "route"] == ["skipped", "skipped"]
    assert found[-1] == {
        "event": "error",
        "error": "All fallback models failed",
        "status_code": 503,
        "refunded": True,
    }
    assert sb.credits == 1000


def test_breakers_through_the_control_api(frozen: Env) -> None:
    control = frozen.client.base_url.copy_with(path="/_sandbox")
    url = str(control)

    def get(path: str) -> Any:
        response = frozen.client.get(url + path)
        assert response.status_code == 200, response.text
        return response.json()

    def post(path: str, body: Any) -> Any:
        response = frozen.client.post(url + path, json=body, headers=CONTROL_JSON)
        assert response.status_code == 200, response.text
        return response.json()

    assert get("/breakers") == {"failure_threshold": 3, "open_seconds": 30.0, "breakers": []}
    frozen.sb.set_model(PRIMARY, fail_status=429)
    for _ in range(3):
        routes(frozen)
    assert get("/breakers")["breakers"] == [
        {
            "model": PRIMARY,
            "state": "open",
            "consecutive_failures": 3,
            "retry_in": 30.0,
            "trips": 1,
            "last_failure_status": 429,
        }
    ]
    assert get(f"/breakers/{PRIMARY}")["state"] == "open"
    assert get("/breakers/gpt-5.2")["state"] == "closed"

    # Time, over HTTP too.
    assert get("/clock") == {"now": 1000.0, "advanced": 0.0}
    assert post("/clock", {"advance": 30}) == {"ok": True, "now": 1030.0, "advanced": 30.0}
    assert get(f"/breakers/{PRIMARY}")["state"] == "half_open"
    bad = frozen.client.post(url + "/clock", json={"advance": -1}, headers=CONTROL_JSON)
    assert bad.status_code == 400 and "forward" in bad.json()["error"]

    # Trip, reset one, reset all.
    assert post("/breakers/gpt-5.2", {"state": "open"})["state"] == "open"
    assert frozen.client.delete(url + f"/breakers/{PRIMARY}").json()["state"] == "closed"
    assert [b["model"] for b in get("/breakers")["breakers"]] == ["gpt-5.2"]
    assert frozen.client.delete(url + "/breakers").json()["breakers"] == []
    assert post("/breakers/gpt-5.2", {"state": "closed"})["state"] == "closed"
    wrong = frozen.client.post(url + "/breakers/gpt-5.2", json={"state": "ajar"}, headers=CONTROL_JSON)
    assert wrong.status_code == 400
    assert frozen.client.get(url + "/breakers/no-such-model").status_code == 404
    assert "GET /_sandbox/breakers/{model_id}" in get("/")["control_endpoints"]


def test_reset_closes_breakers_but_keeps_the_time() -> None:
    sb = Sandbox(clock=lambda: 5.0)
    sb.trip_breaker("gpt-5.2")
    sb.advance_clock(10)
    sb.reset()
    assert sb.breaker("gpt-5.2").state == "closed" and sb.clock() == 15.0
    with pytest.raises(ValueError, match="unknown model"):
        sb.breaker("auto")
    with pytest.raises(ValueError, match="forward"):
        sb.advance_clock(-1)


def test_the_real_clock_moves_with_advance() -> None:
    sb = Sandbox()
    before = sb.clock()
    sb.advance_clock(3600)
    assert sb.clock() - before >= 3600


def test_scenario_breaker_in_a_users_test(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model(PRIMARY).fails(503)
    routing: Any = {"fallback": ["gpt-5.2"]}
    for _ in range(3):
        llmwise_client.chat.create(model=PRIMARY, messages=SDK_USER, routing=routing)
    breaker = llmwise_scenario.breaker(PRIMARY)
    assert breaker.is_open and breaker.state == "open" and breaker.consecutive_failures == 3
    assert 0 < breaker.retry_in <= 30 and breaker.trips == 1
    assert "open" in repr(breaker)

    with llmwise_client.chat.stream(model=PRIMARY, messages=SDK_USER, routing=routing) as stream:
        events = list(stream)
    route = next(e for e in events if isinstance(e, RouteEvent))
    assert (route.model, route.status, route.reason) == (PRIMARY, "skipped", "circuit_open")
    trace = next(e for e in events if isinstance(e, TraceEvent))
    assert [a.status for a in trace.attempts or []] == ["skipped", "ok"]

    llmwise_scenario.advance_clock(30)
    assert llmwise_scenario.breaker(PRIMARY).state == "half_open"
    breaker.reset()
    assert llmwise_scenario.breaker(PRIMARY).state == "closed" and breaker.consecutive_failures == 0
    breaker.trip()
    assert llmwise_scenario.breaker(PRIMARY).is_open
    llmwise_scenario.reset_breakers()
    assert not llmwise_scenario.breaker(PRIMARY).is_open
    with pytest.raises(ValueError, match="unknown model"):
        llmwise_scenario.breaker("gpt-9")
