"""`client.usage` against the sandbox: totals per mode and model, recent requests, paging."""

from __future__ import annotations

from account_support import chat, every_item, msg
from llmwise.types.usage import UsageBucket, UsageRecord, UsageSummary
from support import SandboxEnv


def test_summary(env: SandboxEnv) -> None:
    chat(env, "One")
    chat(env, "Two", model="claude-sonnet-4.5")
    env.call(env.client.compare.create(models=["gpt-5.2", "gemini-3-flash"], messages=msg("Three")))

    summary = env.call(env.client.usage.summary())
    assert env.sandbox.requests[-1].query == {"days": "7"}
    assert isinstance(summary, UsageSummary)
    # Settled credits (sandbox._billing): the short compare comes back to 1 of its 2 reserved.
    assert (summary.days, summary.requests, summary.credits_used) == (7, 3, 3)
    assert summary.by_mode == {
        "chat": UsageBucket(requests=2, credits=2),
        "compare": UsageBucket(requests=1, credits=1),
    }
    assert summary.by_model is not None
    assert summary.by_model["gpt-5.2"] == UsageBucket(requests=2, credits=2)
    assert summary.by_model["claude-sonnet-4.5"] == UsageBucket(requests=1, credits=1)

    env.call(env.client.usage.summary(days=30))
    assert env.sandbox.requests[-1].query == {"days": "30"}


def test_recent(env: SandboxEnv) -> None:
    first = chat(env, "One")
    second = chat(env, "Two", model="claude-sonnet-4.5")
    env.call(env.client.compare.create(models=["gpt-5.2", "gemini-3-flash"], messages=msg("Three")))

    page = env.call(env.client.usage.recent())
    assert env.sandbox.requests[-1].query == {"limit": "20", "offset": "0", "days": "30"}
    assert all(isinstance(r, UsageRecord) for r in page.data)
    assert [r.mode for r in page.data] == ["compare", "chat", "chat"]
    assert [r.id for r in page.data[1:]] == [second.id, first.id]
    assert page.data[1].models == ["claude-sonnet-4.5"] and page.data[1].credits_charged == 1
    assert page.data[0].credits_charged == 1 and page.data[0].status == "ok" and page.data[0].created_at

    chats = env.call(env.client.usage.recent(mode="chat", days=1))
    assert env.sandbox.requests[-1].query == {"limit": "20", "offset": "0", "days": "1", "mode": "chat"}
    assert [r.id for r in chats.data] == [second.id, first.id]


def test_recent_pages(env: SandboxEnv) -> None:
    ids = [chat(env, f"Question {i}").id for i in range(5)]
    page = env.call(env.client.usage.recent(limit=2, mode="chat"))
    assert [r.id for r in every_item(page)] == ids[::-1]
    offsets = [r.query["offset"] for r in env.sandbox.requests if r.path == "/usage/recent"]
    assert offsets == ["0", "2", "4"]
    assert all(r.query["mode"] == "chat" for r in env.sandbox.requests if r.path == "/usage/recent")
