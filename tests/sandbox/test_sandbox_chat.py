"""Auth, /models, /chat (single, auto, mesh), validation, credits — in-process and over TCP."""

from __future__ import annotations

import re
from typing import Any

import pytest

from llmwise.sandbox import Sandbox, model_text

from .helpers import USER, Env, events

IMAGE_MESSAGES = [
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        ],
    }
]


def chat_body(**extra: Any) -> dict[str, Any]:
    return {"model": "gpt-5.2", "messages": USER, **extra}


# -- auth, headers, routing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sk-openai-style"},
        {"Authorization": "Basic mm_sk_abc"},
        {"Authorization": ""},
    ],
)
def test_missing_or_invalid_key_is_401(env: Env, headers: dict[str, str]) -> None:
    with env.anonymous() as client:
        response = client.post("/chat", json=chat_body(), headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "Missing or invalid API key: send 'Authorization: Bearer mm_sk_...'"
    assert body["detail"] == body["error"]
    assert body["request_id"] == response.headers["x-request-id"]


def test_configured_api_key_is_the_only_one_accepted() -> None:
    sb = Sandbox(api_key="mm_sk_only_this_one")
    with sb.client() as client:
        assert client.get("/models").status_code == 200
        other = client.get("/models", headers={"Authorization": "Bearer mm_sk_another"})
        assert other.status_code == 401


def test_every_response_has_request_id_and_rate_limit_headers(env: Env) -> None:
    for response in (env.client.get("/models"), env.post("/chat", chat_body()), env.client.get("/nope")):
        assert re.fullmatch(r"req_[0-9a-f]{24}", response.headers["x-request-id"])
        assert int(response.headers["x-ratelimit-remaining"]) < int(response.headers["x-ratelimit-limit"])
        assert 0 <= int(response.headers["x-ratelimit-reset"]) <= 60
    assert env.post("/chat", chat_body()).headers["x-ratelimit-limit"] == "90"
    assert env.client.get("/models").headers["x-ratelimit-limit"] == "180"


def test_unknown_path_404_wrong_method_405_bad_json_400(env: Env) -> None:
    assert env.client.get("/does-not-exist").status_code == 404
    wrong = env.client.get("/chat")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "POST"
    bad = env.client.post("/chat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400
    assert "not valid JSON" in bad.json()["error"]
    assert env.client.post("/chat", json=["a", "list"]).status_code == 400


def test_models_lists_catalogue_with_auto(env: Env) -> None:
    response = env.client.get("/models")
    assert response.status_code == 200
    models = response.json()
    assert isinstance(models, list)
    by_id = {m["id"]: m for m in models}
    assert {"gpt-5.2", "claude-sonnet-4.5", "gemini-3-flash", "deepseek-v3", "auto"} <= set(by_id)
    assert by_id["auto"] == {
        "id": "auto",
        "name": "Auto (smart routing)",
        "provider": "LLMWise",
        "vision": True,
        "is_free": False,
    }
    assert all(set(m) == {"id", "name", "provider", "vision", "is_free"} for m in models)
    assert by_id["arcee-trinity-large-preview-free"]["is_free"] is True


# -- single-model chat ----------------------------------------------------------------------------


def test_chat_stream_frames(env: Env) -> None:
    conversation_id = env.post("/conversations", {}).json()["id"]  # unknown ids are a 404
    found = env.stream_events("/chat", chat_body(stream=True, conversation_id=conversation_id))
    chunks = [e for e in found if "event" not in e and not e["done"]]
    assert all(e["model"] == "gpt-5.2" for e in chunks)
    assert "".join(e["delta"] for e in chunks) == model_text("gpt-5.2", USER)
    assert all(len(e["delta"].split()) <= 3 for e in chunks)
    completion = found[len(chunks)]
    assert completion["done"] is True and completion["delta"] == ""
    assert completion["content_length"] == len(model_text("gpt-5.2", USER))
    done = found[-1]
    assert done["event"] == "done"
    assert done["model"] == "gpt-5.2"
    assert done["finish_reason"] == "stop"
    assert done["credits_charged"] == 1 and done["credits_remaining"] == 999
    assert done["completion_tokens"] == len(model_text("gpt-5.2", USER).split())
    assert done["prompt_tokens"] == len(USER[0]["content"].split())
    assert done["mode"] == "chat" and done["byok"] is False
    assert done["conversation_id"] == conversation_id
    assert re.fullmatch(r"req_[0-9a-f]{24}", done["id"])
    assert "resolved_model" not in done


def test_stream_defaults_to_true(env: Env) -> None:
    response = env.post("/chat", chat_body())
    assert response.headers["content-type"] == "text/event-stream"
    assert events(response)[-1] == "[DONE]"


def test_chat_stream_is_incremental(env: Env) -> None:
    with env.client.stream("POST", "/chat", json=chat_body()) as response:
        lines = [line for line in response.iter_lines() if line.startswith("data:")]
    assert lines[-1] == "data: [DONE]"
    assert len(lines) > 3


def test_chat_non_stream_json(env: Env) -> None:
    response = env.post("/chat", chat_body(stream=False))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["id"] == response.headers["x-request-id"]
    assert body["model"] == "gpt-5.2"
    assert body["content"] == model_text("gpt-5.2", USER) == env.sb.model_text("gpt-5.2", USER)
    assert body["finish_reason"] == "stop"
    assert body["mode"] == "chat"
    assert body["credits_charged"] == 1 and body["credits_remaining"] == 999
    assert body["completion_tokens"] == len(body["content"].split())
    assert isinstance(body["latency_ms"], int) and isinstance(body["cost"], float)
    assert env.sb.credits == 999


def test_max_tokens_truncates_with_length_finish(env: Env) -> None:
    body = env.post("/chat", chat_body(stream=False, max_tokens=5)).json()
    assert body["content"] == " ".join(model_text("gpt-5.2", USER).split()[:5])
    assert body["completion_tokens"] == 5
    assert body["finish_reason"] == "length"


def test_content_blocks_use_text_blocks_only() -> None:
    blocks = [
        {"role": "user", "content": [{"type": "text", "text": "How do I add retries to a flaky service?"}]}
    ]
    assert model_text("gpt-5.2", blocks) == model_text("gpt-5.2", USER)
    assert model_text("gpt-5.2", USER).startswith("[gpt-5.2] ")
    assert model_text("gpt-5.2", USER) != model_text("claude-sonnet-4.5", USER)
    assert 20 <= len(model_text("gpt-5.2", USER).split()) <= 60


def test_set_model_text_override(env: Env) -> None:
    env.sb.set_model("gpt-5.2", text="Exactly these seven words, nothing more here.")
    body = env.post("/chat", chat_body(stream=False)).json()
    assert body["content"] == "Exactly these seven words, nothing more here."
    found = env.stream_events("/chat", chat_body())
    deltas = [e["delta"] for e in found if "delta" in e and not e["done"]]
    assert deltas == ["Exactly these seven ", "words, nothing more ", "here."]


# -- auto -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "extra", "expected", "goal"),
    [
        (USER, {}, "gemini-3-flash", "balanced"),
        (
            [{"role": "user", "content": "Fix this Python function please"}],
            {},
            "claude-sonnet-4.5",
            "balanced",
        ),
        ([{"role": "user", "content": "word " * 100}], {}, "gpt-5.2", "balanced"),
        (USER, {"cost_saver": True}, "deepseek-v3", "cost"),
        (USER, {"optimization_goal": "cost"}, "deepseek-v3", "cost"),
        (IMAGE_MESSAGES, {"optimization_goal": "cost"}, "gemini-3-flash", "cost"),
    ],
)
def test_auto_resolves_deterministically(
    env: Env, messages: list[dict[str, Any]], extra: dict[str, Any], expected: str, goal: str
) -> None:
    body = env.post("/chat", {"model": "auto", "messages": messages, "stream": False, **extra}).json()
    assert body["resolved_model"] == expected
    assert body["model"] == expected
    assert body["auto_strategy"] == "heuristic_routing"
    assert body["optimization_goal"] == goal
    assert body["mode"] == "auto"
    assert body["content"] == model_text(expected, messages)


def test_auto_stream_done_has_resolved_model(env: Env) -> None:
    found = env.stream_events("/chat", {"model": "auto", "messages": USER})
    assert found[0]["model"] == "gemini-3-flash"
    done = found[-1]
    assert done["event"] == "done"
    assert done["resolved_model"] == "gemini-3-flash"
    assert done["auto_strategy"] == "heuristic_routing" and done["mode"] == "auto"


def test_auto_with_max_fallbacks_uses_mesh(env: Env) -> None:
    env.sb.policy["max_fallbacks"] = 2
    env.sb.set_model("gemini-3-flash", fail_status=503)
    found = env.stream_events("/chat", {"model": "auto", "messages": USER})
    routes = [(e["model"], e["status"]) for e in found if e.get("event") == "route"]
    assert routes == [
        ("gemini-3-flash", "trying"),
        ("gemini-3-flash", "failed"),
        ("gpt-5.2", "trying"),
        ("gpt-5.2", "ok"),
    ]
    done = found[-1]
    assert done["resolved_model"] == "gpt-5.2" and done["mode"] == "mesh"
    assert done["auto_strategy"] == "heuristic_routing"


# -- model failures in single mode ----------------------------------------------------------------


def test_single_model_failing_at_start_stream(env: Env) -> None:
    env.sb.set_model("gpt-5.2", fail_status=429)
    found = env.stream_events("/chat", chat_body())
    assert found == [
        {
            "event": "error",
            "error": "Upstream provider rate-limited gpt-5.2 (HTTP 429)",
            "status_code": 429,
            "refunded": True,
        }
    ]
    assert env.sb.credits == 1000


def test_single_model_failing_at_start_non_stream(env: Env) -> None:
    env.sb.set_model("gpt-5.2", fail_status=500, fail_message="provider exploded")
    response = env.post("/chat", chat_body(stream=False))
    assert response.status_code == 500
    assert response.json()["error"] == "provider exploded"
    assert response.json()["refunded"] is True
    assert env.sb.credits == 1000


def test_single_model_failing_after_chunks(env: Env) -> None:
    env.sb.set_model("gpt-5.2", fail_status=502, fail_after_chunks=2)
    found = env.stream_events("/chat", chat_body())
    assert [e.get("delta") for e in found[:2]] == list(_first_deltas("gpt-5.2", 2))
    assert found[2]["event"] == "error" and found[2]["status_code"] == 502 and found[2]["refunded"] is True
    assert len(found) == 3
    kinds = [t.kind for t in env.sb.transactions]
    assert kinds == ["charge", "refund"]


def _first_deltas(model: str, n: int) -> list[str]:
    words = model_text(model, USER).split(" ")
    return [" ".join(words[i * 3 : i * 3 + 3]) + " " for i in range(n)]


# -- mesh -----------------------------------------------------------------------------------------


def test_mesh_failover_from_429_primary(env: Env) -> None:
    env.sb.set_model("claude-sonnet-4.5", fail_status=429)
    body = chat_body(model="claude-sonnet-4.5", routing={"fallback": ["gpt-5.2"], "strategy": "rate-limit"})
    found = env.stream_events("/chat", body)
    assert found[0] == {"event": "route", "model": "claude-sonnet-4.5", "status": "trying"}
    assert found[1]["status"] == "failed" and found[1]["status_code"] == 429 and "latency_ms" in found[1]
    assert found[2] == {"event": "route", "model": "gpt-5.2", "status": "trying"}
    chunks = [e for e in found if e.get("event") == "chunk"]
    assert "".join(c["delta"] for c in chunks) == model_text("gpt-5.2", USER)
    assert all(c["model"] == "gpt-5.2" and c["tokens"] >= 1 and "cost" in c for c in chunks)
    assert chunks[-1]["finish_reason"] == "stop"
    assert "finish_reason" not in chunks[0]
    ok = found[3 + len(chunks)]
    assert ok["event"] == "route" and ok["status"] == "ok" and ok["model"] == "gpt-5.2"
    trace = found[-2]
    assert trace["event"] == "trace" and trace["final_model"] == "gpt-5.2" and trace["saved_ms"] == 0
    assert [(a["model"], a["status"]) for a in trace["attempts"]] == [
        ("claude-sonnet-4.5", "failed"),
        ("gpt-5.2", "ok"),
    ]
    assert trace["trace"] == trace["attempts"]
    done = found[-1]
    assert done["event"] == "done" and done["resolved_model"] == "gpt-5.2" and done["mode"] == "mesh"
    assert done["credits_charged"] == 1


def test_mesh_model_failing_mid_stream_then_next(env: Env) -> None:
    env.sb.set_model("claude-sonnet-4.5", fail_status=503, fail_after_chunks=2)
    body = chat_body(model="claude-sonnet-4.5", routing={"fallback": ["gpt-5.2"]})
    found = env.stream_events("/chat", body)
    partial = [e for e in found if e.get("event") == "chunk" and e["model"] == "claude-sonnet-4.5"]
    assert len(partial) == 2
    failed_at = found.index(next(e for e in found if e.get("status") == "failed"))
    assert failed_at == 3  # trying, 2 chunks, failed
    final = [e for e in found if e.get("event") == "chunk" and e["model"] == "gpt-5.2"]
    assert "".join(c["delta"] for c in final) == model_text("gpt-5.2", USER)


def test_mesh_all_fail_is_refunded_terminal_error(env: Env) -> None:
    env.sb.set_model("claude-sonnet-4.5", fail_status=429)
    env.sb.set_model("gpt-5.2", fail_status=503)
    body = chat_body(model="claude-sonnet-4.5", routing={"fallback": ["gpt-5.2"]})
    found = env.stream_events("/chat", body)
    trace, error = found[-2], found[-1]
    assert trace["event"] == "trace" and trace["terminal_error"] == "All fallback models failed"
    assert trace["final_model"] is None
    assert error == {
        "event": "error",
        "error": "All fallback models failed",
        "status_code": 503,
        "refunded": True,
    }
    assert env.sb.credits == 1000
    assert [t.kind for t in env.sb.transactions] == ["charge", "refund"]
    assert env.sb.history[-1].status == "error" and env.sb.history[-1].refunded


def test_mesh_non_stream(env: Env) -> None:
    env.sb.set_model("claude-sonnet-4.5", fail_status=429)
    body = chat_body(model="claude-sonnet-4.5", stream=False, routing={"fallback": ["gpt-5.2"]})
    result = env.post("/chat", body).json()
    assert result["final_model"] == result["resolved_model"] == result["model"] == "gpt-5.2"
    assert result["mode"] == "mesh"
    assert [a["status"] for a in result["trace"]] == ["failed", "ok"]
    assert result["content"] == model_text("gpt-5.2", USER)
    env.sb.set_model("gpt-5.2", fail_status=429)
    failed = env.post("/chat", body)
    assert failed.status_code == 503
    assert failed.json()["refunded"] is True and len(failed.json()["trace"]) == 2


def test_mesh_non_retryable_status_stops_the_chain(env: Env) -> None:
    env.sb.set_model("claude-sonnet-4.5", fail_status=400, fail_message="bad prompt")
    body = chat_body(model="claude-sonnet-4.5", routing={"fallback": ["gpt-5.2"]})
    found = env.stream_events("/chat", body)
    assert not any(e.get("model") == "gpt-5.2" for e in found)
    assert found[-1] == {"event": "error", "error": "bad prompt", "status_code": 400, "refunded": True}


# -- credits --------------------------------------------------------------------------------------


def test_402_when_credits_run_out(env: Env) -> None:
    env.sb.credits = 0
    response = env.post("/chat", chat_body())
    assert response.status_code == 402
    assert response.json()["error"] == "Insufficient credits: this request needs 1 credits, balance is 0"
    env.sb.credits = 3
    assert env.post("/blend", {"models": ["gpt-5.2", "deepseek-v3"], "messages": USER}).status_code == 402
    assert env.post("/compare", {"models": ["gpt-5.2", "deepseek-v3"], "messages": USER}).status_code == 200
    assert env.sb.credits == 1


def test_ledger_and_history_record_requests(env: Env) -> None:
    env.post("/chat", chat_body(stream=False))
    env.post("/compare", {"models": ["gpt-5.2", "deepseek-v3"], "messages": USER, "stream": False})
    assert [t.amount for t in env.sb.transactions] == [-1, -2]
    assert [t.balance_after for t in env.sb.transactions] == [999, 997]
    assert [h.mode for h in env.sb.history] == ["chat", "compare"]
    assert env.sb.history[0].content == model_text("gpt-5.2", USER)
    assert env.sb.history[0].prompt == USER[0]["content"]
    recorded = env.sb.requests
    assert [(r.method, r.path, r.status) for r in recorded] == [
        ("POST", "/chat", 200),
        ("POST", "/compare", 200),
    ]
    assert recorded[0].headers["authorization"] == "REDACTED"
    assert recorded[0].json["model"] == "gpt-5.2" and recorded[0]["json"] == recorded[0].json


# -- validation -----------------------------------------------------------------------------------


def _ten_models() -> list[str]:
    return [
        "gpt-5.2",
        "claude-sonnet-4.5",
        "gemini-3-flash",
        "claude-haiku-4.5",
        "deepseek-v3",
        "llama-4-maverick",
        "mistral-large",
        "grok-3",
        "zai-glm-5",
        "kimi-k2.5",
    ]


VALID_BLEND = {"models": ["gpt-5.2", "deepseek-v3"], "messages": USER}
VALID_JUDGE = {"contestants": ["gpt-5.2", "deepseek-v3"], "judge": "claude-sonnet-4.5", "messages": USER}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/chat", {"messages": USER}, "model"),
        ("/chat", chat_body(model="gpt-99"), "model"),
        ("/chat", chat_body(model=7), "model"),
        ("/chat", {"model": "gpt-5.2"}, "messages"),
        ("/chat", chat_body(messages=[]), "messages"),
        ("/chat", chat_body(messages="hi"), "messages"),
        ("/chat", chat_body(messages=[{"role": "robot", "content": "hi"}]), "messages[0].role"),
        ("/chat", chat_body(messages=[{"role": "user", "content": 5}]), "messages[0].content"),
        (
            "/chat",
            chat_body(messages=[{"role": "user", "content": [{"type": "video"}]}]),
            "messages[0].content[0].type",
        ),
        ("/chat", chat_body(temperature=2.5), "temperature"),
        ("/chat", chat_body(temperature=-0.1), "temperature"),
        ("/chat", chat_body(temperature="hot"), "temperature"),
        ("/chat", chat_body(max_tokens=0), "max_tokens"),
        ("/chat", chat_body(max_tokens=128001), "max_tokens"),
        ("/chat", chat_body(max_tokens=1.5), "max_tokens"),
        ("/chat", chat_body(semantic_top_k=13), "semantic_top_k"),
        ("/chat", chat_body(semantic_top_k=0), "semantic_top_k"),
        ("/chat", chat_body(semantic_min_score=1.5), "semantic_min_score"),
        ("/chat", chat_body(optimization_goal="speed"), "optimization_goal"),
        ("/chat", chat_body(stream="yes"), "stream"),
        ("/chat", chat_body(routing=["gpt-5.2"]), "routing"),
        ("/chat", chat_body(routing={"fallback": ["nope"]}), "routing.fallback[0]"),
        ("/chat", chat_body(routing={"fallback": "gpt-5.2"}), "routing.fallback"),
        ("/chat", chat_body(routing={"fallback": [], "strategy": "fastest"}), "routing.strategy"),
        ("/compare", {"models": ["gpt-5.2"], "messages": USER}, "models"),
        ("/compare", {"models": ["gpt-5.2", "gpt-5.2"], "messages": USER}, "models"),
        ("/compare", {"models": ["gpt-5.2", "auto"], "messages": USER}, "models[1]"),
        ("/compare", {"models": ["gpt-5.2", "unknown-x"], "messages": USER}, "models[1]"),
        ("/compare", {"messages": USER}, "models"),
        ("/compare", {"models": _ten_models(), "messages": USER}, "models"),
        ("/blend", {**VALID_BLEND, "models": ["gpt-5.2"]}, "models"),
        ("/blend", {**VALID_BLEND, "strategy": "majority"}, "strategy"),
        ("/blend", {**VALID_BLEND, "strategy": "self_moa"}, "models"),
        ("/blend", {**VALID_BLEND, "models": ["gpt-5.2"], "strategy": "self_moa", "samples": 9}, "samples"),
        ("/blend", {**VALID_BLEND, "models": ["gpt-5.2"], "strategy": "self_moa", "samples": 1}, "samples"),
        ("/blend", {**VALID_BLEND, "strategy": "moa", "layers": 4}, "layers"),
        ("/blend", {**VALID_BLEND, "strategy": "moa", "layers": 0}, "layers"),
        ("/blend", {**VALID_BLEND, "synthesizer": "nope"}, "synthesizer"),
        ("/blend", {**VALID_BLEND, "models": _ten_models()[:7]}, "models"),
        ("/judge", {**VALID_JUDGE, "contestants": ["gpt-5.2"]}, "contestants"),
        ("/judge", {**VALID_JUDGE, "contestants": _ten_models()[:5]}, "contestants"),
        ("/judge", {**VALID_JUDGE, "contestants": ["gpt-5.2", "gpt-5.2"]}, "contestants"),
        ("/judge", {key: v for key, v in VALID_JUDGE.items() if key != "judge"}, "judge"),
        ("/judge", {**VALID_JUDGE, "judge": "gpt-5.2"}, "judge"),
        ("/judge", {**VALID_JUDGE, "criteria": "accuracy"}, "criteria"),
        ("/judge", {**VALID_JUDGE, "criteria": ["accuracy", 3]}, "criteria"),
    ],
)
def test_validation_errors_name_the_field(env: Env, path: str, body: dict[str, Any], field: str) -> None:
    response = env.post(path, body)
    assert response.status_code == 400, response.text
    message = response.json()["error"]
    assert f"'{field}'" in message, message
    assert env.sb.credits == 1000  # nothing charged


def test_valid_edge_values_are_accepted(env: Env) -> None:
    body = chat_body(
        stream=False,
        temperature=2,
        max_tokens=128000,
        semantic_top_k=12,
        semantic_min_score=0,
        semantic_memory=False,
        optimization_goal="reliability",
        messages=[
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}}],
            },
        ],
    )
    assert env.post("/chat", body).status_code == 200
    nine = {"models": _ten_models()[:9], "messages": USER, "stream": False}
    assert env.post("/compare", nine).status_code == 200
