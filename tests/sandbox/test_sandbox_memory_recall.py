"""Semantic memory recall is reported: which stored memories a request injected (rules: sandbox._memory)."""

from __future__ import annotations

from typing import Any

import pytest

from llmwise import LLMWise
from llmwise.testing import Scenario
from llmwise.types.shared import MessageParam

from .helpers import Env

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]
RELATED = [{"role": "user", "content": "Capital of France, and its population?"}]
UNRELATED = [{"role": "user", "content": "Write a haiku about rate limits."}]
SDK_QUESTION: list[MessageParam] = [{"role": "user", "content": QUESTION[0]["content"]}]
NOTHING = {"semantic_memory_used": False, "semantic_memory_hits": 0, "semantic_memories": []}


def memory_fields(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k.startswith("semantic_memor")}


def chat(env: Env, messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    response = env.post("/chat", {"model": "gpt-5.2", "messages": messages, "stream": False, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_chat_reports_the_memories_it_injected(env: Env) -> None:
    first = chat(env, QUESTION)
    assert memory_fields(first) == NOTHING  # nothing stored yet
    (stored,) = env.client.get("/memory").json()["memories"]
    assert stored["source_request_id"] == first["id"]

    again = chat(env, QUESTION)
    assert memory_fields(again) == {
        "semantic_memory_used": True,
        "semantic_memory_hits": 1,
        "semantic_memories": [{"id": stored["id"], "score": 1.0, "content": stored["content"]}],
    }
    # The score is the one GET /memory/search reports.
    searched = env.client.get("/memory/search", params={"q": RELATED[0]["content"]}).json()["results"]
    related = chat(env, RELATED)
    assert related["semantic_memory_hits"] == 2
    assert [(m["id"], m["score"]) for m in related["semantic_memories"]] == [
        (r["id"], r["score"]) for r in searched[:2]
    ]
    assert all(m["score"] >= 0.5 for m in related["semantic_memories"])
    assert memory_fields(chat(env, UNRELATED)) == NOTHING  # nothing similar enough


def test_stream_done_event_reports_the_memories(env: Env) -> None:
    chat(env, QUESTION)
    done = env.stream_events("/chat", {"model": "gemini-3-flash", "messages": QUESTION})[-1]
    assert done["event"] == "done" and done["semantic_memory_used"] is True and done["semantic_memory_hits"] == 1


def test_request_fields_and_privacy_turn_recall_off_or_narrow_it(env: Env) -> None:
    for _ in range(3):
        chat(env, QUESTION)
    assert chat(env, QUESTION)["semantic_memory_hits"] == 3  # newest first, best score first
    assert chat(env, QUESTION, semantic_top_k=1)["semantic_memory_hits"] == 1
    assert memory_fields(chat(env, QUESTION, semantic_memory=False)) == NOTHING
    assert chat(env, RELATED, semantic_min_score=0.9)["semantic_memory_hits"] == 0
    assert chat(env, RELATED, semantic_min_score=0.1)["semantic_memory_hits"] == 4
    env.client.put("/settings/privacy", json={"zero_retention_mode": True, "purge_existing_data": False})
    assert memory_fields(chat(env, QUESTION)) == NOTHING


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/blend", {"models": ["gpt-5.2", "deepseek-v3"]}),
        ("/compare", {"models": ["gpt-5.2", "deepseek-v3"]}),
        ("/judge", {"contestants": ["gpt-5.2", "deepseek-v3"], "judge": "claude-haiku-4.5"}),
    ],
)
def test_multi_model_modes_report_recall_too(env: Env, path: str, body: dict[str, Any]) -> None:
    chat(env, QUESTION)
    plain = env.post(path, {**body, "messages": QUESTION, "stream": False}).json()
    assert plain["semantic_memory_used"] is True and plain["semantic_memory_hits"] == 1
    done = env.stream_events(path, {**body, "messages": QUESTION})[-1]
    assert done["semantic_memories"] == plain["semantic_memories"]


def test_recall_in_a_users_test(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_client.chat.create(model="gpt-5.2", messages=SDK_QUESTION)
    answer = llmwise_client.chat.create(model="gpt-5.2", messages=SDK_QUESTION)
    assert answer.semantic_memory_used is True and answer.semantic_memory_hits == 1
    with llmwise_client.chat.stream(model="gpt-5.2", messages=SDK_QUESTION) as stream:
        final = stream.get_final_completion()
    assert final.semantic_memory_used is True and final.semantic_memory_hits == 2
    blended = llmwise_client.blend.create(models=["gpt-5.2", "deepseek-v3"], messages=SDK_QUESTION)
    assert blended.semantic_memory_used is True and blended.semantic_memory_hits == 3
    assert [m["score"] for m in blended["semantic_memories"]] == [1.0, 1.0, 1.0]
