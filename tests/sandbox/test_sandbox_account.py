"""Account endpoints with state (docs/account-wire.md): conversations, history, credits, usage, API keys,
semantic memory and privacy, plus query defaults and errors — in-process and over a real server."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from llmwise.sandbox import API_ROUTES, Sandbox, model_text

from .helpers import API_KEY, AUTH, USER, Env, events

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl"
SESSION = {"Authorization": f"Bearer {JWT}"}
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
DAY = 86400.0


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def error(response: httpx.Response, status: int, *names: str) -> str:
    assert response.status_code == status, response.text
    message: str = response.json()["error"]
    for name in names:
        assert name in message, message
    return message


def prompt(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def chat(env: Env, text: str = USER[0]["content"], **extra: Any) -> dict[str, Any]:
    body = {"model": "gpt-5.2", "messages": prompt(text), "stream": False, **extra}
    result: dict[str, Any] = ok(env.post("/chat", body))
    return result


# -- conversations --------------------------------------------------------------------------------


def test_conversation_create_list_rename_delete(env: Env) -> None:
    created = ok(env.post("/conversations", {}))
    assert re.fullmatch(r"conv_[0-9a-f]{24}", created["id"])
    assert created["title"] is None and created["message_count"] == 0
    assert ISO.fullmatch(created["created_at"]) and created["updated_at"] == created["created_at"]
    listed = ok(env.client.get("/conversations"))
    assert listed == {"conversations": [created], "total": 1, "limit": 20, "offset": 0}
    assert ok(env.client.get(f"/conversations/{created['id']}")) == {**created, "messages": []}

    renamed = ok(env.client.patch(f"/conversations/{created['id']}", params={"title": "Retry plans"}))
    assert renamed["title"] == "Retry plans" and renamed["id"] == created["id"]
    assert ok(env.client.get("/conversations"))["conversations"][0]["title"] == "Retry plans"
    assert ok(env.client.patch(f"/conversations/{created['id']}"))["title"] == "Retry plans"  # no title: kept
    assert ok(env.client.patch(f"/conversations/{created['id']}?title="))["title"] is None  # empty clears
    error(env.client.patch(f"/conversations/{created['id']}", params={"title": "x" * 201}), 400, "'title'")

    assert ok(env.client.delete(f"/conversations/{created['id']}")) == {"deleted": True, "id": created["id"]}
    for response in (
        env.client.get(f"/conversations/{created['id']}"),
        env.client.delete(f"/conversations/{created['id']}"),
        env.client.patch(f"/conversations/{created['id']}", params={"title": "x"}),
    ):
        error(response, 404, created["id"])
    assert ok(env.client.get("/conversations"))["total"] == 0


def test_conversations_newest_first_with_pages(env: Env) -> None:
    ids = [ok(env.post("/conversations", {"title": f"t{i}"}))["id"] for i in range(3)]
    first = ok(env.client.get("/conversations", params={"limit": 2}))
    assert [c["id"] for c in first["conversations"]] == ids[:0:-1]
    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    rest = ok(env.client.get("/conversations", params={"limit": 2, "offset": 2}))
    assert [c["id"] for c in rest["conversations"]] == [ids[0]] and rest["conversations"][0]["title"] == "t0"


def test_requests_append_to_their_conversation(env: Env) -> None:
    conv = ok(env.post("/conversations", {}))["id"]
    reply = chat(env, "First question", conversation_id=conv)
    assert reply["conversation_id"] == conv
    streamed = env.stream_events(
        "/chat", {"model": "claude-sonnet-4.5", "messages": prompt("Second"), "conversation_id": conv}
    )
    assert streamed[-1]["conversation_id"] == conv
    models = ["gpt-5.2", "gemini-3-flash"]
    ok(
        env.post(
            "/compare",
            {"models": models, "messages": prompt("Third"), "stream": False, "conversation_id": conv},
        )
    )
    env.sb.set_model("deepseek-v3", fail_status=500)
    failed = env.post(
        "/chat",
        {"model": "deepseek-v3", "messages": prompt("Lost"), "stream": False, "conversation_id": conv},
    )
    assert failed.status_code == 500  # a failed request appends nothing

    detail = ok(env.client.get(f"/conversations/{conv}"))
    assert detail["message_count"] == 7
    simple = [(m["role"], m.get("model"), m["content"]) for m in detail["messages"]]
    assert simple == [
        ("user", None, "First question"),
        ("assistant", "gpt-5.2", model_text("gpt-5.2", prompt("First question"))),
        ("user", None, "Second"),
        ("assistant", "claude-sonnet-4.5", model_text("claude-sonnet-4.5", prompt("Second"))),
        ("user", None, "Third"),
        ("assistant", "gpt-5.2", model_text("gpt-5.2", prompt("Third"))),
        ("assistant", "gemini-3-flash", model_text("gemini-3-flash", prompt("Third"))),
    ]
    assert all(ISO.fullmatch(m["created_at"]) for m in detail["messages"])
    assert detail["updated_at"] >= detail["created_at"]


@pytest.mark.parametrize(
    "path,body",
    [
        ("/chat", {"model": "gpt-5.2"}),
        ("/compare", {"models": ["gpt-5.2", "gemini-3-flash"]}),
        ("/blend", {"models": ["gpt-5.2", "gemini-3-flash"]}),
        ("/judge", {"contestants": ["gpt-5.2", "gemini-3-flash"], "judge": "claude-sonnet-4.5"}),
    ],
)
def test_unknown_conversation_is_404_before_any_charge(env: Env, path: str, body: dict[str, Any]) -> None:
    response = env.post(path, {**body, "messages": USER, "conversation_id": "conv_missing"})
    error(response, 404, "conv_missing")
    assert env.sb.credits == 1000 and env.sb.history == [] and env.sb.transactions == []


# -- history --------------------------------------------------------------------------------------

HISTORY_KEYS = {
    "id",
    "mode",
    "models",
    "prompt",
    "content",
    "status",
    "credits_charged",
    "latency_ms",
    "created_at",
}


def test_history_lists_every_orchestration_request(env: Env) -> None:
    conv = ok(env.post("/conversations", {}))["id"]
    ids = [
        chat(env, "Plain chat about Kubernetes", conversation_id=conv)["id"],
        chat(env, "Auto routed", model="auto")["id"],
        chat(env, "Mesh routed", routing={"fallback": ["claude-sonnet-4.5"]})["id"],
        ok(
            env.post(
                "/compare", {"models": ["gpt-5.2", "deepseek-v3"], "messages": prompt("c"), "stream": False}
            )
        )["id"],
        ok(
            env.post(
                "/blend", {"models": ["gpt-5.2", "deepseek-v3"], "messages": prompt("b"), "stream": False}
            )
        )["id"],
    ]
    judge_events = env.stream_events(
        "/judge",
        {"contestants": ["gpt-5.2", "deepseek-v3"], "judge": "claude-haiku-4.5", "messages": prompt("j")},
    )
    ids.append(judge_events[-1]["id"])

    page = ok(env.client.get("/history"))
    assert (page["total"], page["limit"], page["offset"]) == (6, 20, 0)
    history = page["history"]
    assert [h["id"] for h in history] == ids[::-1]
    assert [h["mode"] for h in history] == ["judge", "blend", "compare", "mesh", "auto", "chat"]
    # Settled totals (sandbox._billing): judge and blend reserve 5 and 4, compare 2, and get back
    # what their tokens did not use.
    assert [h["credits_charged"] for h in history] == [2, 2, 1, 1, 1, 1]
    first = history[-1]
    assert set(first) == HISTORY_KEYS | {"conversation_id"} and first["conversation_id"] == conv
    assert first["models"] == ["gpt-5.2"] and first["status"] == "ok"
    assert first["prompt"] == "Plain chat about Kubernetes"
    assert first["content"] == model_text("gpt-5.2", prompt("Plain chat about Kubernetes"))
    assert all(set(h) == HISTORY_KEYS for h in history[:-1])
    assert history[2]["content"] is None and history[2]["models"] == ["gpt-5.2", "deepseek-v3"]
    assert all(ISO.fullmatch(h["created_at"]) for h in history)

    only_chat = ok(env.client.get("/history", params={"mode": "chat"}))
    assert only_chat["total"] == 1 and only_chat["history"][0]["id"] == ids[0]
    assert ok(env.client.get("/history?mode="))["total"] == 6  # empty filter = no filter
    found = ok(env.client.get("/history", params={"search": "KUBERNETES"}))
    assert [h["id"] for h in found["history"]] == [ids[0]]
    by_content = ok(env.client.get("/history", params={"search": "[GEMINI-3-FLASH]"}))  # auto's answer
    assert [h["id"] for h in by_content["history"]] == [ids[1]]
    paged = ok(env.client.get("/history", params={"limit": 2, "offset": 3}))
    assert [h["id"] for h in paged["history"]] == ids[2:0:-1] and paged["total"] == 6
    error(env.client.get("/history", params={"mode": "party"}), 400, "'mode'")


def test_history_detail_and_failures(env: Env) -> None:
    reply = ok(
        env.post(
            "/compare",
            {"models": ["gpt-5.2", "deepseek-v3"], "messages": prompt("Compare me"), "stream": False},
        )
    )
    detail = ok(env.client.get(f"/history/{reply['id']}"))
    assert detail["messages"] == prompt("Compare me")
    assert detail["responses"] == [
        {"model": "gpt-5.2", "content": model_text("gpt-5.2", prompt("Compare me")), "status": "ok"},
        {"model": "deepseek-v3", "content": model_text("deepseek-v3", prompt("Compare me")), "status": "ok"},
    ]
    env.sb.set_model("gpt-5.2", fail_status=503)
    failed = env.post("/chat", {"model": "gpt-5.2", "messages": prompt("Down"), "stream": False})
    request_id = failed.headers["x-request-id"]
    entry = ok(env.client.get(f"/history/{request_id}"))
    assert entry["status"] == "error" and entry["credits_charged"] == 0 and entry["content"] is None
    assert entry["responses"] == [{"model": "gpt-5.2", "content": "", "status": "error"}]
    error(env.client.get("/history/req_missing"), 404, "req_missing")


# -- credits --------------------------------------------------------------------------------------


def test_balance_wallet_and_packs(env: Env) -> None:
    assert ok(env.client.get("/credits/balance")) == {
        "credits": 1000,
        "paid_credits": 0,
        "free_credits": 1000,
    }
    assert ok(env.client.get("/credits/wallet")) == {
        "credits": 1000,
        "paid_credits": 0,
        "free_credits": 1000,
        "has_payment_method": False,
        "lifetime_purchased_usd": 0,
        "auto_topup": {"enabled": False, "threshold_credits": 300, "amount_usd": 10, "monthly_cap_usd": 200},
    }
    assert ok(env.client.get("/credits/packs")) == [
        {"id": "pack_starter", "name": "Starter", "credits": 500, "price_usd": 5.0},
        {"id": "pack_builder", "name": "Builder", "credits": 2000, "price_usd": 20.0},
        {"id": "pack_scale", "name": "Scale", "credits": 10000, "price_usd": 100.0},
    ]


def test_transactions_record_every_charge_and_refund(env: Env) -> None:
    reply = chat(env)
    env.sb.set_model("gemini-3-flash", fail_status=503)
    env.post("/chat", {"model": "gemini-3-flash", "messages": USER, "stream": False})
    stream = env.stream_events("/compare", {"models": ["gpt-5.2", "deepseek-v3"], "messages": USER})
    compare_id = stream[-1]["id"]
    failed_id = env.sb.history[1].id

    transactions = ok(env.client.get("/credits/transactions"))
    assert isinstance(transactions, list)
    view = [
        (t["type"], t["amount"], t["balance_after"], t.get("request_id"), t.get("mode")) for t in transactions
    ]
    assert view == [
        ("charge", -2, 997, compare_id, "compare"),
        ("refund", 1, 999, failed_id, "chat"),
        ("charge", -1, 998, failed_id, "chat"),
        ("charge", -1, 999, reply["id"], "chat"),
    ]
    assert all(
        re.fullmatch(r"txn_[0-9a-f]{24}", t["id"]) and ISO.fullmatch(t["created_at"]) for t in transactions
    )
    assert all(t["description"] for t in transactions)
    env.sb.credits = 50  # a balance set by the test is an adjustment, with neither request_id nor mode
    adjustment = ok(env.client.get("/credits/transactions", params={"limit": 1}))[0]
    assert adjustment["type"] == "adjustment" and adjustment["amount"] == 50 - 997
    assert "request_id" not in adjustment and "mode" not in adjustment
    assert [t["id"] for t in ok(env.client.get("/credits/transactions", params={"offset": 1}))] == [
        t["id"] for t in transactions
    ]


def test_purchase_confirm_and_auto_topup(env: Env) -> None:
    error(env.client.put("/credits/auto-topup", json={"enabled": True}), 400, "payment method")
    session = ok(env.post("/credits/purchase", {"pack_id": "pack_builder", "utm_source": "docs"}))
    assert re.fullmatch(r"cs_[0-9a-f]{24}", session["session_id"])
    assert session["checkout_url"].endswith(session["session_id"])
    assert (session["amount_usd"], session["credits"], session["status"]) == (20, 2000, "pending")
    assert env.sb.credits == 1000  # nothing until the checkout completes

    confirmed = ok(env.post("/credits/confirm-checkout", {"session_id": session["session_id"]}))
    assert confirmed == {
        "session_id": session["session_id"],
        "status": "completed",
        "credits_added": 2000,
        "credits": 3000,
    }
    again = ok(env.post("/credits/confirm-checkout", {"session_id": session["session_id"]}))
    assert again["credits_added"] == 0 and again["credits"] == 3000
    purchase = ok(env.client.get("/credits/transactions"))[0]
    assert (purchase["type"], purchase["amount"], purchase["balance_after"]) == ("purchase", 2000, 3000)
    wallet = ok(env.client.get("/credits/wallet"))
    assert wallet["has_payment_method"] is True and wallet["lifetime_purchased_usd"] == 20
    chat(env)  # free credits are spent first
    assert ok(env.client.get("/credits/balance")) == {
        "credits": 2999,
        "paid_credits": 2000,
        "free_credits": 999,
    }

    custom = ok(env.post("/credits/purchase", {"amount_usd": 12.5}))
    assert (custom["amount_usd"], custom["credits"]) == (12.5, 1250)

    topup = ok(
        env.client.put(
            "/credits/auto-topup",
            json={"enabled": True, "threshold_credits": 2999, "amount_usd": 10, "monthly_cap_usd": 15},
        )
    )
    assert topup == {
        "auto_topup": {"enabled": True, "threshold_credits": 2999, "amount_usd": 10, "monthly_cap_usd": 15}
    }
    reply = chat(env)  # 2999 -> 2998 is under the threshold: $10 = 1000 credits are bought
    assert reply["credits_remaining"] == 3998 and env.sb.credits == 3998
    latest = ok(env.client.get("/credits/transactions", params={"limit": 2}))
    assert [(t["type"], t["amount"]) for t in latest] == [("purchase", 1000), ("charge", -1)]
    assert "auto top-up" in latest[0]["description"]
    env.sb.credits = 100
    chat(env)  # the monthly cap ($15) leaves no room for another $10
    assert env.sb.credits == 99
    assert ok(env.client.get("/credits/wallet"))["lifetime_purchased_usd"] == 30
    disabled = ok(env.client.put("/credits/auto-topup", json={"enabled": False}))["auto_topup"]
    assert disabled == {"enabled": False, "threshold_credits": 2999, "amount_usd": 10, "monthly_cap_usd": 15}


@pytest.mark.parametrize(
    "path,body,status,names",
    [
        ("/credits/purchase", {}, 400, ("amount_usd", "pack_id")),
        ("/credits/purchase", {"amount_usd": 2}, 400, ("'amount_usd'",)),
        ("/credits/purchase", {"amount_usd": 10001}, 400, ("'amount_usd'",)),
        ("/credits/purchase", {"amount_usd": "5"}, 400, ("'amount_usd'",)),
        ("/credits/purchase", {"pack_id": "pack_huge"}, 404, ("pack_huge",)),
        ("/credits/purchase", {"pack_id": "pack_starter", "amount_usd": 7}, 400, ("'amount_usd'",)),
        ("/credits/purchase", {"amount_usd": 5, "campaign": 3}, 400, ("'campaign'",)),
        ("/credits/confirm-checkout", {}, 400, ("'session_id'",)),
        ("/credits/confirm-checkout", {"session_id": "cs_nope"}, 404, ("cs_nope",)),
    ],
)
def test_purchase_errors(
    env: Env, path: str, body: dict[str, Any], status: int, names: tuple[str, ...]
) -> None:
    error(env.post(path, body), status, *names)


def test_auto_topup_validation(env: Env) -> None:
    for body, name in [
        ({}, "'enabled'"),
        ({"enabled": "yes"}, "'enabled'"),
        ({"enabled": False, "threshold_credits": -1}, "'threshold_credits'"),
        ({"enabled": False, "amount_usd": 1}, "'amount_usd'"),
        ({"enabled": False, "amount_usd": 50, "monthly_cap_usd": 20}, "'monthly_cap_usd'"),
    ]:
        error(env.client.put("/credits/auto-topup", json=body), 400, name)
    assert ok(env.client.put("/credits/auto-topup", json={"enabled": False, "threshold_credits": 0}))


# -- usage ----------------------------------------------------------------------------------------


def test_usage_summary_and_recent(env: Env) -> None:
    first = chat(env)
    chat(env, model="auto")
    ok(env.post("/compare", {"models": ["gpt-5.2", "deepseek-v3"], "messages": USER, "stream": False}))
    env.sb.set_model("gpt-5.2", fail_status=503)
    env.post("/chat", {"model": "gpt-5.2", "messages": USER, "stream": False})

    summary = ok(env.client.get("/usage/summary"))
    assert summary == {
        "days": 7,
        "requests": 4,
        "credits_used": 4,
        "by_mode": {
            "chat": {"requests": 2, "credits": 1},
            "auto": {"requests": 1, "credits": 1},
            "compare": {"requests": 1, "credits": 2},
        },
        "by_model": {
            "gpt-5.2": {"requests": 3, "credits": 3},
            "gemini-3-flash": {"requests": 1, "credits": 1},
            "deepseek-v3": {"requests": 1, "credits": 2},
        },
    }
    recent = ok(env.client.get("/usage/recent"))
    assert [r["mode"] for r in recent] == ["chat", "compare", "auto", "chat"]
    assert recent[0] == {
        "id": env.sb.history[-1].id,
        "mode": "chat",
        "models": ["gpt-5.2"],
        "credits_charged": 0,
        "latency_ms": 0,
        "status": "error",
        "created_at": recent[0]["created_at"],
    }
    assert [r["mode"] for r in ok(env.client.get("/usage/recent", params={"mode": "chat"}))] == [
        "chat",
        "chat",
    ]
    assert [r["mode"] for r in ok(env.client.get("/usage/recent", params={"limit": 1, "offset": 1}))] == [
        "compare"
    ]

    env.sb.state.history[0].created_at -= 10 * DAY  # the first chat was 10 days ago
    assert ok(env.client.get("/usage/summary"))["requests"] == 3
    month = ok(env.client.get("/usage/summary", params={"days": 30}))
    assert month["requests"] == 4 and month["days"] == 30
    assert first["id"] in [r["id"] for r in ok(env.client.get("/usage/recent"))]
    assert first["id"] not in [r["id"] for r in ok(env.client.get("/usage/recent", params={"days": 5}))]
    assert ok(env.client.get("/history"))["total"] == 4  # history has no time window


# -- API keys -------------------------------------------------------------------------------------


def test_key_generation_replaces_and_revoke_disables(env: Env) -> None:
    info = ok(env.client.get("/keys/info"))
    assert info["has_key"] is True and info["key_prefix"] == API_KEY[:10]
    assert ISO.fullmatch(info["created_at"]) and ISO.fullmatch(info["last_used_at"])
    forbidden = env.post("/keys/generate", {})
    error(forbidden, 403, "session token")

    with env.anonymous() as anonymous:
        generated = ok(anonymous.post("/keys/generate", json={}, headers=SESSION))
        key = generated["api_key"]
        assert re.fullmatch(r"mm_sk_[0-9a-f]{64}", key)
        assert generated["key_prefix"] == key[:10] and ISO.fullmatch(generated["created_at"])
        new_auth = {"Authorization": f"Bearer {key}"}
        error(anonymous.get("/models", headers=AUTH), 401)  # the previous key stopped working
        error(anonymous.get("/models", headers={"Authorization": "Bearer mm_sk_other"}), 401)
        assert ok(anonymous.get("/keys/info", headers=SESSION))["last_used_at"] is None
        assert ok(
            anonymous.post(
                "/chat", json={"model": "gpt-5.2", "messages": USER, "stream": False}, headers=new_auth
            )
        )
        info = ok(anonymous.get("/keys/info", headers=new_auth))
        assert info["has_key"] is True and info["key_prefix"] == key[:10]
        assert info["created_at"] == generated["created_at"] and ISO.fullmatch(info["last_used_at"])

        second = ok(anonymous.post("/keys/generate", headers=SESSION))["api_key"]  # no body counts as {}
        assert second != key
        error(anonymous.get("/models", headers=new_auth), 401)
        second_auth = {"Authorization": f"Bearer {second}"}
        assert ok(anonymous.delete("/keys/revoke", headers=second_auth)) == {"revoked": True}
        error(anonymous.get("/models", headers=second_auth), 401)
        error(anonymous.get("/models", headers=AUTH), 401)
        assert ok(anonymous.get("/keys/info", headers=SESSION)) == {
            "has_key": False,
            "key_prefix": None,
            "created_at": None,
            "last_used_at": None,
        }
        # Session tokens work on every endpoint, also after a revoke.
        assert ok(
            anonymous.post(
                "/chat", json={"model": "gpt-5.2", "messages": USER, "stream": False}, headers=SESSION
            )
        )
        third = ok(anonymous.post("/keys/generate", json={}, headers=SESSION))["api_key"]
        assert ok(anonymous.get("/credits/balance", headers={"Authorization": f"Bearer {third}"}))
        assert env.sb.api_key == third


def test_configured_key_until_a_key_is_generated() -> None:
    sb = Sandbox(api_key="mm_sk_configured")
    with sb.client() as client:
        info = ok(client.get("/keys/info"))
        assert info["has_key"] is True and info["key_prefix"] == "mm_sk_conf"
        error(client.get("/models", headers={"Authorization": "Bearer mm_sk_other"}), 401)
        assert ok(client.get("/models", headers=SESSION))
        assert ok(client.get("/models", headers={"Authorization": "Bearer eyJx"}))
        error(client.get("/models", headers={"Authorization": "Bearer eyJ"}), 401)
        new_key = ok(client.post("/keys/generate", json={}, headers=SESSION))["api_key"]
        error(client.get("/models"), 401)
        assert sb.api_key == new_key
        assert ok(client.get("/models", headers={"Authorization": f"Bearer {new_key}"}))
    sb.reset()  # back to the configured key
    assert sb.api_key == "mm_sk_configured"
    assert sb.request("GET", "/models").status == 200
    assert sb.request("GET", "/models", api_key=new_key).status == 401


# -- semantic memory ------------------------------------------------------------------------------

MEMORY_KEYS = {"id", "content", "source_request_id", "created_at"}


def test_chat_stores_memories_that_list_and_search_find(env: Env) -> None:
    conv = ok(env.post("/conversations", {}))["id"]
    pods = chat(env, "Kubernetes pod restarts", conversation_id=conv)
    index = chat(env, "Postgres index tuning", model="auto")
    billing = env.stream_events(
        "/chat", {"model": "deepseek-v3", "messages": prompt("Invoice for Kubernetes")}
    )
    chat(env, "Kubernetes secret", semantic_memory=False)  # opted out
    ok(
        env.post(
            "/compare",
            {"models": ["gpt-5.2", "deepseek-v3"], "messages": prompt("Kubernetes"), "stream": False},
        )
    )
    env.sb.set_model("mistral-large", fail_status=503)
    env.post("/chat", {"model": "mistral-large", "messages": prompt("Kubernetes down"), "stream": False})

    listed = ok(env.client.get("/memory"))
    assert listed["enabled"] is True and listed["total"] == 3
    memories = listed["memories"]
    assert [m["source_request_id"] for m in memories] == [billing[-1]["id"], index["id"], pods["id"]]
    oldest = memories[-1]
    assert set(oldest) == MEMORY_KEYS | {"conversation_id"} and oldest["conversation_id"] == conv
    assert oldest["content"] == f"Q: Kubernetes pod restarts\nA: {pods['content']}"
    assert re.fullmatch(r"mem_[0-9a-f]{24}", oldest["id"]) and ISO.fullmatch(oldest["created_at"])
    assert memories[1]["content"] == f"Q: Postgres index tuning\nA: {index['content']}"
    assert set(memories[0]) == MEMORY_KEYS
    assert [m["id"] for m in ok(env.client.get("/memory", params={"limit": 1}))["memories"]] == [
        memories[0]["id"]
    ]

    found = ok(env.client.get("/memory/search", params={"q": "kubernetes pod"}))
    assert found["query"] == "kubernetes pod" and found["enabled"] is True
    assert [(r["id"], r["score"]) for r in found["results"]] == [
        (oldest["id"], 1.0),
        (memories[0]["id"], 0.5),
    ]
    assert set(found["results"][0]) == MEMORY_KEYS | {"conversation_id", "score"}
    strict = ok(env.client.get("/memory/search", params={"q": "kubernetes pod", "min_score": 0.75}))
    assert [r["id"] for r in strict["results"]] == [oldest["id"]]
    one = ok(env.client.get("/memory/search", params={"q": "kubernetes postgres", "top_k": 1}))
    assert [(r["id"], r["score"]) for r in one["results"]] == [(memories[0]["id"], 0.5)]  # ties: newest first
    assert ok(env.client.get("/memory/search", params={"q": "zebra"}))["results"] == []
    error(env.client.get("/memory/search"), 400, "'q'")
    error(env.client.get("/memory/search", params={"q": "x", "min_score": 2}), 400, "'min_score'")

    assert ok(env.client.delete(f"/memory/{oldest['id']}")) == {"deleted": True, "id": oldest["id"]}
    error(env.client.delete(f"/memory/{oldest['id']}"), 404, oldest["id"])
    assert ok(env.client.delete("/memory")) == {"deleted": 2}
    assert ok(env.client.get("/memory")) == {"memories": [], "total": 0, "enabled": True}


def test_memory_search_default_top_k_is_4(env: Env) -> None:
    for i in range(5):
        chat(env, f"Kubernetes question {i}")
    results = ok(env.client.get("/memory/search", params={"q": "kubernetes"}))["results"]
    assert len(results) == 4 and all(r["score"] == 1.0 for r in results)
    assert [r["content"].splitlines()[0] for r in results] == [
        f"Q: Kubernetes question {i}" for i in (4, 3, 2, 1)
    ]


# -- privacy --------------------------------------------------------------------------------------


def test_zero_retention_disables_memory_and_purge_reports_counts(env: Env) -> None:
    assert ok(env.client.get("/settings/privacy")) == {
        "zero_retention_mode": False,
        "data_training_opt_in": False,
    }
    conv = ok(env.post("/conversations", {}))["id"]
    ok(env.client.patch(f"/conversations/{conv}", params={"title": "Secret project"}))
    ok(env.post("/conversations", {}))  # untitled and empty: nothing to scrub
    chat(env, "Kubernetes pod restarts", conversation_id=conv)
    chat(env, "Postgres index tuning")
    opted_in = ok(
        env.client.put("/settings/privacy", json={"data_training_opt_in": True, "purge_existing_data": True})
    )
    assert opted_in == {
        "zero_retention_mode": False,
        "data_training_opt_in": True,
        "purged": {"memories": 0, "conversations_scrubbed": 0, "requests_redacted": 0},
    }  # no purge without zero-retention

    purged = ok(
        env.client.put("/settings/privacy", json={"zero_retention_mode": True, "purge_existing_data": True})
    )
    assert purged == {
        "zero_retention_mode": True,
        "data_training_opt_in": False,  # forced off
        "purged": {"memories": 2, "conversations_scrubbed": 1, "requests_redacted": 2},
    }
    assert ok(env.client.get("/memory")) == {"memories": [], "total": 0, "enabled": False}
    assert ok(env.client.get("/memory/search", params={"q": "kubernetes"})) == {
        "query": "kubernetes",
        "enabled": False,
        "results": [],
    }
    history = ok(env.client.get("/history"))["history"]
    assert [(h["prompt"], h["content"]) for h in history] == [("[redacted]", "[redacted]")] * 2
    assert history[0]["credits_charged"] == 1  # billing metadata is kept
    detail = ok(env.client.get(f"/conversations/{conv}"))
    assert detail["title"] is None and {m["content"] for m in detail["messages"]} == {"[redacted]"}

    reply = chat(env, "Kubernetes again", conversation_id=conv)  # nothing is retained now
    assert reply["content"] == model_text("gpt-5.2", prompt("Kubernetes again"))
    assert ok(env.client.get(f"/conversations/{conv}"))["message_count"] == 2
    assert ok(env.client.get(f"/history/{reply['id']}"))["prompt"] == "[redacted]"
    assert ok(env.client.get("/memory"))["total"] == 0
    error(
        env.client.put(
            "/settings/privacy", json={"data_training_opt_in": True, "purge_existing_data": "yes"}
        ),
        400,
        "'purge_existing_data'",
    )
    again = ok(
        env.client.put("/settings/privacy", json={"data_training_opt_in": True, "purge_existing_data": True})
    )
    assert again["data_training_opt_in"] is False and again["purged"]["requests_redacted"] == 0

    off = ok(env.client.put("/settings/privacy", json={"zero_retention_mode": False}))
    assert off["zero_retention_mode"] is False and off["purged"]["memories"] == 0
    chat(env, "Kubernetes later")
    assert ok(env.client.get("/memory"))["total"] == 1 and ok(env.client.get("/memory"))["enabled"] is True


def test_zero_retention_without_purge_hides_memories(env: Env) -> None:
    chat(env, "Kubernetes pod restarts")
    result = ok(env.client.put("/settings/privacy", json={"zero_retention_mode": True}))
    assert result["purged"] == {"memories": 0, "conversations_scrubbed": 0, "requests_redacted": 0}
    assert ok(env.client.get("/memory"))["total"] == 0
    assert ok(env.client.get("/history"))["history"][0]["prompt"] == "Kubernetes pod restarts"
    ok(env.client.put("/settings/privacy", json={"zero_retention_mode": False}))
    assert ok(env.client.get("/memory"))["total"] == 1


# -- query parameter defaults and errors ----------------------------------------------------------


def test_documented_list_defaults(env: Env) -> None:
    for i in range(21):
        chat(env, f"Question {i}")
        ok(env.post("/conversations", {}))
    for i in range(30):
        env.sb.credits = 1000 + i
    assert len(ok(env.client.get("/credits/transactions"))) == 50
    assert len(ok(env.client.get("/conversations"))["conversations"]) == 20
    history = ok(env.client.get("/history"))
    assert len(history["history"]) == 20 and history["total"] == 21
    assert len(ok(env.client.get("/usage/recent"))) == 20
    memory = ok(env.client.get("/memory"))
    assert len(memory["memories"]) == 20 and memory["total"] == 21


BAD_QUERIES = [
    ("/conversations", "limit", "abc"),
    ("/conversations", "limit", "0"),
    ("/conversations", "offset", "-1"),
    ("/history", "limit", "501"),
    ("/history", "offset", "x"),
    ("/history", "mode", "solo"),
    ("/credits/transactions", "limit", "0"),
    ("/credits/transactions", "offset", "1.5"),
    ("/usage/summary", "days", "0"),
    ("/usage/summary", "days", "week"),
    ("/usage/recent", "limit", "abc"),
    ("/usage/recent", "offset", "-3"),
    ("/usage/recent", "days", "0"),
    ("/usage/recent", "mode", "all"),
    ("/memory", "limit", "abc"),
    ("/memory/search?q=x", "top_k", "0"),
    ("/memory/search?q=x", "min_score", "high"),
]


def test_bad_query_values_are_400_naming_the_parameter(env: Env) -> None:
    for path, name, value in BAD_QUERIES:
        separator = "&" if "?" in path else "?"
        response = env.client.get(f"{path}{separator}{name}={value}")
        error(response, 400, f"'{name}'")


# -- every account endpoint -----------------------------------------------------------------------

ORCHESTRATION = {"/models", "/chat", "/compare", "/blend", "/judge"}


def test_every_account_endpoint_answers_and_non_get_answers_an_object(env: Env) -> None:
    conv = ok(env.post("/conversations", {}))["id"]
    reply = chat(env, "Kubernetes")
    memory_id = ok(env.client.get("/memory"))["memories"][0]["id"]
    suite = ok(env.post("/optimization/test-suites", {"name": "s", "cases": [{"prompt": "hi"}]}))["id"]
    run = ok(env.post(f"/optimization/test-suites/{suite}/run", {}))["id"]
    schedule = ok(env.post("/optimization/regression-schedules", {"suite_id": suite}))["id"]
    ok(env.client.put("/settings/keys", json={"keys": {"openai": "sk-test-0123456789"}}))
    session = ok(env.post("/credits/purchase", {"amount_usd": 5}))["session_id"]
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/conversations", {}),
        ("GET", f"/conversations/{conv}", {}),
        ("POST", "/conversations", {"json": {}}),
        ("PATCH", f"/conversations/{conv}?title=t", {}),
        ("GET", "/history", {}),
        ("GET", f"/history/{reply['id']}", {}),
        ("GET", "/credits/balance", {}),
        ("GET", "/credits/wallet", {}),
        ("GET", "/credits/transactions", {}),
        ("GET", "/credits/packs", {}),
        ("POST", "/credits/purchase", {"json": {"pack_id": "pack_starter"}}),
        ("POST", "/credits/confirm-checkout", {"json": {"session_id": session}}),
        ("PUT", "/credits/auto-topup", {"json": {"enabled": True}}),
        ("GET", "/usage/summary", {}),
        ("GET", "/usage/recent", {}),
        ("GET", "/keys/info", {}),
        ("GET", "/memory", {}),
        ("GET", "/memory/search?q=kubernetes", {}),
        ("DELETE", f"/memory/{memory_id}", {}),
        ("DELETE", "/memory", {}),
        ("GET", "/optimization/policy", {}),
        ("PUT", "/optimization/policy", {"json": {"max_fallbacks": 1}}),
        ("GET", "/optimization/report", {}),
        ("POST", "/optimization/evaluate", {"json": {}}),
        ("GET", "/optimization/snapshots", {}),
        ("GET", "/optimization/alerts", {}),
        ("POST", "/optimization/replay", {"json": {"days": 30, "sample_size": 100}}),
        ("GET", "/optimization/test-templates", {}),
        ("GET", "/optimization/test-suites", {}),
        ("POST", "/optimization/test-suites", {"json": {"name": "t", "cases": [{"prompt": "p"}]}}),
        ("PUT", f"/optimization/test-suites/{suite}", {"json": {"name": "renamed"}}),
        ("POST", f"/optimization/test-suites/{suite}/run", {"json": {}}),
        ("GET", "/optimization/test-runs", {}),
        ("GET", f"/optimization/test-runs/{run}/csv", {}),
        ("GET", "/optimization/regression-schedules", {}),
        ("POST", "/optimization/regression-schedules", {"json": {"suite_id": suite}}),
        ("PUT", f"/optimization/regression-schedules/{schedule}", {"json": {"enabled": False}}),
        ("POST", f"/optimization/regression-schedules/{schedule}/run", {"json": {}}),
        ("GET", "/settings/keys", {}),
        ("PUT", "/settings/keys", {"json": {"keys": {"anthropic": "sk-ant-0123456789"}}}),
        ("DELETE", "/settings/keys/openai", {}),
        ("GET", "/settings/privacy", {}),
        ("PUT", "/settings/privacy", {"json": {"data_training_opt_in": True}}),
        ("GET", "/settings/copilot", {}),
        ("PUT", "/settings/copilot", {"json": {"onboarded": True}}),
        ("POST", "/settings/copilot/ask", {"json": {"question": "How do credits work?"}}),
        ("DELETE", f"/conversations/{conv}", {}),
        ("POST", "/keys/generate", {"json": {}, "headers": SESSION}),
        ("DELETE", "/keys/revoke", {"headers": SESSION}),
    ]
    patterns = set()
    for method, path, kwargs in calls:
        response = env.client.request(method, path, **kwargs)
        assert response.status_code == 200, (method, path, response.text)
        if path.endswith("/csv"):
            assert response.headers["content-type"].startswith("text/csv")
        else:
            body = response.json()
            assert method == "GET" or isinstance(body, dict), (method, path, body)
        match = env.sb.routes.match(method, path.partition("?")[0])
        assert match.route is not None
        patterns.add((method, match.route.pattern))
    account_routes = {(r.method, r.pattern) for r in API_ROUTES if r.pattern not in ORCHESTRATION}
    assert patterns == account_routes and len(patterns) == 49


def test_empty_object_endpoints_accept_a_missing_body(env: Env) -> None:
    assert ok(env.client.post("/conversations"))["id"].startswith("conv_")
    assert ok(env.client.post("/optimization/evaluate"))["status"] == "ok"
    assert ok(env.client.post("/optimization/replay"))["days"] == 30
    error(env.client.post("/conversations", json=["x"]), 400, "JSON object")


def test_stream_still_works_with_hooks(env: Env) -> None:
    conv = ok(env.post("/conversations", {}))["id"]
    response = env.post("/chat", {"model": "gpt-5.2", "messages": USER, "conversation_id": conv})
    found = events(response)
    assert found[-1] == "[DONE]" and found[-2]["event"] == "done"
    assert ok(env.client.get(f"/conversations/{conv}"))["message_count"] == 2


def test_timestamps_are_utc_now(env: Env) -> None:
    created = ok(env.post("/conversations", {}))["created_at"]
    parsed = datetime.strptime(created, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert abs(parsed.timestamp() - time.time()) < 60
