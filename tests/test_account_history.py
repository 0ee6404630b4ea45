"""`client.history` against the sandbox: entries recorded by orchestration calls, filters, paging."""

from __future__ import annotations

import pytest

from account_support import chat, every_item, msg
from llmwise import NotFoundError
from llmwise.types.history import HistoryEntry
from support import SandboxEnv


def test_entries_record_each_request(env: SandboxEnv) -> None:
    first = chat(env, "Explain idempotency keys.")
    second = chat(env, "Explain circuit breakers.", model="claude-sonnet-4.5")
    env.call(env.client.compare.create(models=["gpt-5.2", "gemini-3-flash"], messages=msg("Compare queues.")))

    page = env.call(env.client.history.list())
    assert page.total == 3 and all(isinstance(e, HistoryEntry) for e in page.data)
    compare, newer, older = page.data
    assert compare.mode == "compare" and compare.models == ["gpt-5.2", "gemini-3-flash"]
    assert compare.prompt == "Compare queues."
    assert (newer.id, newer.mode, newer.models) == (second.id, "chat", ["claude-sonnet-4.5"])
    assert newer.content == second.content and newer.status == "ok"
    assert older.id == first.id and older.prompt == "Explain idempotency keys."
    assert older.credits_charged == 1 and older.created_at

    detail = env.call(env.client.history.retrieve(first.id))
    assert detail.id == first.id and detail.content == first.content
    assert detail.messages == [{"role": "user", "content": "Explain idempotency keys."}]
    assert detail.responses is not None
    assert [(r.model, r.content, r.status) for r in detail.responses] == [("gpt-5.2", first.content, "ok")]


def test_filters_and_query_defaults(env: SandboxEnv) -> None:
    chat(env, "Tell me about Redis.")
    chat(env, "Tell me about Kafka.")
    env.call(env.client.compare.create(models=["gpt-5.2", "gemini-3-flash"], messages=msg("Redis or Kafka?")))

    env.call(env.client.history.list())
    assert env.sandbox.requests[-1].query == {"limit": "20", "offset": "0"}

    compare_only = env.call(env.client.history.list(mode="compare"))
    assert [e.mode for e in compare_only.data] == ["compare"] and compare_only.total == 1
    redis = env.call(env.client.history.list(search="REDIS"))
    assert [e.prompt for e in redis.data] == ["Redis or Kafka?", "Tell me about Redis."]
    assert env.sandbox.requests[-1].query == {"limit": "20", "offset": "0", "search": "REDIS"}
    both = env.call(env.client.history.list(mode="chat", search="kafka"))
    assert [e.prompt for e in both.data] == ["Tell me about Kafka."]


def test_pages_keep_the_filters(env: SandboxEnv) -> None:
    prompts = [f"Question number {i} about caching." for i in range(5)]
    for prompt in prompts:
        chat(env, prompt)
    chat(env, "Something unrelated.")

    page = env.call(env.client.history.list(limit=2, search="caching"))
    assert page.total == 5 and len(page.data) == 2 and page.has_next_page()
    assert [e.prompt for e in every_item(page)] == prompts[::-1]
    queries = [r.query for r in env.sandbox.requests if r.path == "/history"]
    assert [q["offset"] for q in queries] == ["0", "2", "4"]
    assert all(q["search"] == "caching" and q["limit"] == "2" for q in queries)


def test_unknown_and_bad_request_ids(env: SandboxEnv) -> None:
    with pytest.raises(NotFoundError):
        env.call(env.client.history.retrieve("req_missing"))
    with pytest.raises(NotFoundError):
        env.call(env.client.history.retrieve("req a/b"))
    assert env.sandbox.requests[-1].path == "/history/req%20a%2Fb"
    before = len(env.sandbox.requests)
    for bad in ("", " \t", None):
        with pytest.raises(ValueError, match="request_id"):
            env.call(env.client.history.retrieve(bad))
    assert len(env.sandbox.requests) == before
