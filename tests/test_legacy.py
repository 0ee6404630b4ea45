"""The 0.1 client's API on 1.x: each of its 58 methods, called the 0.1 way against the sandbox, sends
the 0.1 request, returns a result readable the 0.1 way and warns once, naming its replacement."""

from __future__ import annotations

import csv
import inspect
import subprocess
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from llmwise import AsyncLLMWise, LLMWise, LLMWiseError, ServerStreamError
from llmwise._legacy import LEGACY, is_resource, signature
from llmwise.sandbox import Sandbox
from support import KEY, SandboxEnv, run

ROOT = Path(__file__).resolve().parent.parent
SESSION_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJl"
MSG = [{"role": "user", "content": "How do I cache API responses?"}]
TWO = ["gpt-5.2", "gemini-3-flash"]
SUITE = {"name": "Smoke", "cases": [{"prompt": "2+2?"}], "models": ["gpt-5.2"]}

Ctx = dict[str, Any]


def events_of(stream: Any) -> list[Any]:
    """Every event of a sync or async stream (as a 0.1 caller's loop reads them)."""
    if hasattr(stream, "__iter__"):
        return list(stream)

    async def go() -> list[Any]:
        return [event async for event in stream]

    events: list[Any] = run(go())
    return events


def text_of(events: list[Any]) -> str:
    return "".join(event.get("delta") or "" for event in events)


# --- setups: objects the calls work on, made with the typed API -----------------------------------


def a_chat(env: SandboxEnv) -> Ctx:
    answer = env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))
    return {"request_id": answer.id}


def a_conversation(env: SandboxEnv) -> Ctx:
    return {"conv": env.call(env.client.conversations.create()).id}


def a_memory(env: SandboxEnv) -> Ctx:
    a_chat(env)
    return {"memory": env.call(env.client.memory.list()).memories[0].id}


def a_checkout(env: SandboxEnv) -> Ctx:
    return {"session": env.call(env.client.credits.purchase(amount_usd=5)).session_id}


def a_suite(env: SandboxEnv) -> Ctx:
    return {"suite": env.call(env.client.optimization.test_suites.create(**SUITE)).id}


def a_run(env: SandboxEnv) -> Ctx:
    ctx = a_suite(env)
    return {**ctx, "run": env.call(env.client.optimization.test_suites.run(ctx["suite"])).id}


def a_schedule(env: SandboxEnv) -> Ctx:
    ctx = a_suite(env)
    created = env.call(env.client.optimization.regression_schedules.create(suite_id=ctx["suite"]))
    return {**ctx, "schedule": created.id}


def a_provider_key(env: SandboxEnv) -> Ctx:
    env.call(env.client.settings.provider_keys.save({"openai": "sk-legacy-123456"}))
    return {}


def nothing(env: SandboxEnv) -> Ctx:
    return {}


NO_BODY = object()


@dataclass
class Case:
    """One 0.1 call: its arguments, the request it must send, and a check of its result."""

    method: str
    path: str
    """Relative to /api/v1; `{name}` is filled from the setup's context."""
    args: Callable[[Ctx], tuple[Any, ...]] = lambda ctx: ()
    kwargs: Callable[[Ctx], dict[str, Any]] = lambda ctx: {}
    query: dict[str, str] = field(default_factory=dict)
    body: Any = NO_BODY
    check: Callable[[Any, Ctx, SandboxEnv], Any] = lambda result, ctx, env: None
    setup: Callable[[SandboxEnv], Ctx] = nothing
    session: bool = False
    """Call with a dashboard session token (key generation needs one, as in 0.1)."""


def _chat_body(stream: bool, **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-5.2", "messages": MSG, "stream": stream, **extra}


CASES: dict[str, Case] = {
    "chat": Case(
        "POST",
        "/chat",
        kwargs=lambda ctx: {"model": "gpt-5.2", "messages": MSG, "stream": False, "temperature": 0.2},
        body=_chat_body(False, temperature=0.2),
        check=lambda r, ctx, env: (
            r["content"] == env.sandbox.model_text("gpt-5.2", MSG) and r.get("credits_charged") == 1
        ),
    ),
    "chat_stream": Case(
        "POST",
        "/chat",
        kwargs=lambda ctx: {"model": "gpt-5.2", "messages": MSG, "max_tokens": 500},
        body=_chat_body(True, max_tokens=500),
        check=lambda events, ctx, env: (
            text_of(events) == env.sandbox.model_text("gpt-5.2", MSG)
            and events[-1].get("event") == "done"
            and events[-1].get("credits_charged") == 1
            and events[0].get("event") is None
        ),
    ),
    "compare": Case(
        "POST",
        "/compare",
        kwargs=lambda ctx: {"models": TWO, "messages": MSG},
        body={"models": TWO, "messages": MSG, "stream": False},
        check=lambda r, ctx, env: (
            [x["model"] for x in r["responses"]] == TWO
            and r["responses"][0]["content"] == env.sandbox.model_text(TWO[0], MSG)
        ),
    ),
    "compare_stream": Case(
        "POST",
        "/compare",
        kwargs=lambda ctx: {"models": TWO, "messages": MSG, "semantic_memory": False},
        body={"models": TWO, "messages": MSG, "stream": True, "semantic_memory": False},
        check=lambda events, ctx, env: (
            [e.get("event") for e in events][-2:] == ["summary", "done"]
            and "".join(e["delta"] for e in events if e.get("delta") and e["model"] == TWO[1])
            == env.sandbox.model_text(TWO[1], MSG)
        ),
    ),
    "blend": Case(
        "POST",
        "/blend",
        kwargs=lambda ctx: {"models": TWO, "messages": MSG, "strategy": "consensus"},
        body={"models": TWO, "messages": MSG, "stream": False, "strategy": "consensus"},
        check=lambda r, ctx, env: bool(r["content"]) and r.get("strategy") == "consensus",
    ),
    "blend_stream": Case(
        "POST",
        "/blend",
        kwargs=lambda ctx: {"models": TWO, "messages": MSG},
        body={"models": TWO, "messages": MSG, "stream": True},
        check=lambda events, ctx, env: events[-1].get("event") == "done" and bool(events[-1].get("content")),
    ),
    "judge": Case(
        "POST",
        "/judge",
        kwargs=lambda ctx: {"contestants": TWO, "judge": "claude-sonnet-4.5", "messages": MSG},
        body={"contestants": TWO, "judge": "claude-sonnet-4.5", "messages": MSG, "stream": False},
        check=lambda r, ctx, env: r["verdict"]["winner"] in TWO,
    ),
    "judge_stream": Case(
        "POST",
        "/judge",
        kwargs=lambda ctx: {
            "contestants": TWO,
            "judge": "claude-sonnet-4.5",
            "messages": MSG,
            "criteria": ["brevity"],
        },
        body={
            "contestants": TWO,
            "judge": "claude-sonnet-4.5",
            "messages": MSG,
            "stream": True,
            "criteria": ["brevity"],
        },
        check=lambda events, ctx, env: (
            [e.get("event") for e in events][-2:] == ["verdict", "done"] and events[-2]["winner"] in TWO
        ),
    ),
    "models": Case(
        "GET",
        "/models",
        check=lambda r, ctx, env: isinstance(r, list) and "auto" in [m["id"] for m in r],
    ),
    "conversations": Case(
        "GET",
        "/conversations",
        setup=a_conversation,
        kwargs=lambda ctx: {"limit": 5},
        query={"limit": "5", "offset": "0"},
        check=lambda r, ctx, env: (
            [c["id"] for c in r["conversations"]] == [ctx["conv"]] and r.get("total", 0) == 1
        ),
    ),
    "get_conversation": Case(
        "GET",
        "/conversations/{conv}",
        setup=a_conversation,
        args=lambda ctx: (ctx["conv"],),
        check=lambda r, ctx, env: r["id"] == ctx["conv"],
    ),
    "create_conversation": Case(
        "POST", "/conversations", body={}, check=lambda r, ctx, env: r["id"].startswith("conv_")
    ),
    "update_conversation": Case(
        "PATCH",
        "/conversations/{conv}",
        setup=a_conversation,
        args=lambda ctx: (ctx["conv"],),
        kwargs=lambda ctx: {"title": "API smoke room"},
        query={"title": "API smoke room"},
        check=lambda r, ctx, env: r["title"] == "API smoke room",
    ),
    "delete_conversation": Case(
        "DELETE",
        "/conversations/{conv}",
        setup=a_conversation,
        args=lambda ctx: (ctx["conv"],),
        check=lambda r, ctx, env: r.get("deleted") is True,
    ),
    "history": Case(
        "GET",
        "/history",
        setup=a_chat,
        kwargs=lambda ctx: {"limit": 10, "mode": "chat"},
        query={"limit": "10", "offset": "0", "mode": "chat"},
        check=lambda r, ctx, env: r.get("total", 0) == 1 and r["history"][0]["id"] == ctx["request_id"],
    ),
    "get_history_detail": Case(
        "GET",
        "/history/{request_id}",
        setup=a_chat,
        args=lambda ctx: (ctx["request_id"],),
        check=lambda r, ctx, env: r["id"] == ctx["request_id"],
    ),
    "credits_wallet": Case(
        "GET", "/credits/wallet", check=lambda r, ctx, env: r["credits"] == 1000 and "auto_topup" in r
    ),
    "credits_transactions": Case(
        "GET",
        "/credits/transactions",
        setup=a_chat,
        kwargs=lambda ctx: {"limit": 5},
        query={"limit": "5", "offset": "0"},
        check=lambda r, ctx, env: type(r) is list and [t["request_id"] for t in r] == [ctx["request_id"]],
    ),
    "credits_packs": Case(
        "GET", "/credits/packs", check=lambda r, ctx, env: type(r) is list and r[0]["id"] == "pack_starter"
    ),
    "credits_purchase": Case(
        "POST",
        "/credits/purchase",
        args=lambda ctx: (12.5,),
        kwargs=lambda ctx: {"utm_source": "docs"},
        body={"amount_usd": 12.5, "utm_source": "docs"},
        check=lambda r, ctx, env: r["status"] == "pending" and r["session_id"] in r["checkout_url"],
    ),
    "credits_confirm_checkout": Case(
        "POST",
        "/credits/confirm-checkout",
        setup=a_checkout,
        kwargs=lambda ctx: {"session_id": ctx["session"]},
        body="{session}",
        check=lambda r, ctx, env: r["status"] == "completed" and r["credits_added"] == 500,
    ),
    "credits_update_auto_topup": Case(
        "PUT",
        "/credits/auto-topup",
        kwargs=lambda ctx: {"enabled": False},
        body={"enabled": False, "threshold_credits": 300, "amount_usd": 10, "monthly_cap_usd": 200},
        check=lambda r, ctx, env: r["auto_topup"]["enabled"] is False,
    ),
    "usage_summary": Case(
        "GET",
        "/usage/summary",
        setup=a_chat,
        query={"days": "7"},
        check=lambda r, ctx, env: r["requests"] == 1 and r.get("days") == 7,
    ),
    "usage_recent": Case(
        "GET",
        "/usage/recent",
        setup=a_chat,
        kwargs=lambda ctx: {"days": 7, "limit": 5},
        query={"limit": "5", "offset": "0", "days": "7"},
        check=lambda r, ctx, env: type(r) is list and [u["id"] for u in r] == [ctx["request_id"]],
    ),
    "keys_info": Case("GET", "/keys/info", check=lambda r, ctx, env: r["has_key"] is True),
    "revoke_api_key": Case("DELETE", "/keys/revoke", check=lambda r, ctx, env: r["revoked"] is True),
    "memory_list": Case(
        "GET",
        "/memory",
        setup=a_memory,
        query={"limit": "20"},
        check=lambda r, ctx, env: [m["id"] for m in r["memories"]] == [ctx["memory"]],
    ),
    "memory_search": Case(
        "GET",
        "/memory/search",
        setup=a_memory,
        kwargs=lambda ctx: {"q": "cache API responses"},
        query={"q": "cache API responses", "top_k": "4"},
        check=lambda r, ctx, env: r["results"][0]["id"] == ctx["memory"],
    ),
    "memory_delete": Case(
        "DELETE",
        "/memory/{memory}",
        setup=a_memory,
        args=lambda ctx: (ctx["memory"],),
        check=lambda r, ctx, env: r.get("deleted") is True,
    ),
    "memory_clear": Case(
        "DELETE", "/memory", setup=a_memory, check=lambda r, ctx, env: r["deleted"] in (1, True)
    ),
    "optimization_policy": Case(
        "GET", "/optimization/policy", check=lambda r, ctx, env: r["goal"] == "balanced"
    ),
    "optimization_update_policy": Case(
        "PUT",
        "/optimization/policy",
        args=lambda ctx: ({"max_fallbacks": 1, "goal": "cost"},),
        body={"max_fallbacks": 1, "goal": "cost"},
        check=lambda r, ctx, env: (r["max_fallbacks"], r["goal"]) == (1, "cost"),
    ),
    "optimization_report": Case(
        "GET",
        "/optimization/report",
        kwargs=lambda ctx: {"days": 1},
        query={
            "goal": "balanced",
            "days": "1",
            "min_calls_per_model": "3",
            "use_policy": "true",
            "persist_snapshot": "false",
        },
        check=lambda r, ctx, env: r["days"] == 1,
    ),
    "optimization_evaluate": Case(
        "POST", "/optimization/evaluate", body={}, check=lambda r, ctx, env: r["status"] == "ok"
    ),
    "optimization_snapshots": Case(
        "GET",
        "/optimization/snapshots",
        kwargs=lambda ctx: {"goal": "cost"},
        query={"limit": "20", "goal": "cost"},
        check=lambda r, ctx, env: r["snapshots"] == [],
    ),
    "optimization_alerts": Case(
        "GET", "/optimization/alerts", query={"limit": "12"}, check=lambda r, ctx, env: r["alerts"] == []
    ),
    "optimization_replay": Case(
        "POST",
        "/optimization/replay",
        body={"days": 30, "sample_size": 100},
        check=lambda r, ctx, env: r["days"] == 30,
    ),
    "optimization_test_templates": Case(
        "GET", "/optimization/test-templates", check=lambda r, ctx, env: bool(r["templates"][0]["cases"])
    ),
    "optimization_test_suites": Case(
        "GET",
        "/optimization/test-suites",
        setup=a_suite,
        query={"limit": "25"},
        check=lambda r, ctx, env: [s["id"] for s in r["suites"]] == [ctx["suite"]],
    ),
    "optimization_create_test_suite": Case(
        "POST",
        "/optimization/test-suites",
        args=lambda ctx: (SUITE,),
        body=SUITE,
        check=lambda r, ctx, env: r["id"].startswith("suite_") and r["name"] == "Smoke",
    ),
    "optimization_update_test_suite": Case(
        "PUT",
        "/optimization/test-suites/{suite}",
        setup=a_suite,
        args=lambda ctx: (ctx["suite"], {"description": "One prompt"}),
        body={"description": "One prompt"},
        check=lambda r, ctx, env: r["description"] == "One prompt",
    ),
    "optimization_run_test_suite": Case(
        "POST",
        "/optimization/test-suites/{suite}/run",
        setup=a_suite,
        args=lambda ctx: (ctx["suite"],),
        body={},
        check=lambda r, ctx, env: r["status"] == "completed" and r["suite_id"] == ctx["suite"],
    ),
    "optimization_test_runs": Case(
        "GET",
        "/optimization/test-runs",
        setup=a_run,
        query={"limit": "20"},
        check=lambda r, ctx, env: [x["id"] for x in r["runs"]] == [ctx["run"]],
    ),
    "optimization_test_run_csv": Case(
        "GET",
        "/optimization/test-runs/{run}/csv",
        setup=a_run,
        args=lambda ctx: (ctx["run"],),
        check=lambda r, ctx, env: type(r) is str and next(csv.reader(r.splitlines()))[0] == "prompt",
    ),
    "optimization_regression_schedules": Case(
        "GET",
        "/optimization/regression-schedules",
        setup=a_schedule,
        query={"limit": "30"},
        check=lambda r, ctx, env: [s["id"] for s in r["schedules"]] == [ctx["schedule"]],
    ),
    "optimization_create_regression_schedule": Case(
        "POST",
        "/optimization/regression-schedules",
        setup=a_suite,
        args=lambda ctx: ({"suite_id": ctx["suite"], "cadence": "weekly"},),
        body="{schedule_body}",
        check=lambda r, ctx, env: r["suite_id"] == ctx["suite"] and r["cadence"] == "weekly",
    ),
    "optimization_update_regression_schedule": Case(
        "PUT",
        "/optimization/regression-schedules/{schedule}",
        setup=a_schedule,
        args=lambda ctx: (ctx["schedule"], {"enabled": False}),
        body={"enabled": False},
        check=lambda r, ctx, env: r["enabled"] is False,
    ),
    "optimization_run_regression_schedule": Case(
        "POST",
        "/optimization/regression-schedules/{schedule}/run",
        setup=a_schedule,
        args=lambda ctx: (ctx["schedule"],),
        body={},
        check=lambda r, ctx, env: r["schedule_id"] == ctx["schedule"],
    ),
    "credits_balance": Case("GET", "/credits/balance", check=lambda r, ctx, env: r["credits"] == 1000),
    "generate_api_key": Case(
        "POST",
        "/keys/generate",
        body={},
        session=True,
        check=lambda r, ctx, env: r["api_key"].startswith("mm_sk_"),
    ),
    "settings_keys": Case(
        "GET",
        "/settings/keys",
        setup=a_provider_key,
        check=lambda r, ctx, env: [p["provider"] for p in r["providers"]] == ["openai"],
    ),
    "settings_save_keys": Case(
        "PUT",
        "/settings/keys",
        args=lambda ctx: ({"openai": "sk-legacy-123456"},),
        body={"keys": {"openai": "sk-legacy-123456"}},
        check=lambda r, ctx, env: r["providers"][0]["provider"] == "openai",
    ),
    "settings_delete_key": Case(
        "DELETE",
        "/settings/keys/openai",
        setup=a_provider_key,
        args=lambda ctx: ("openai",),
        check=lambda r, ctx, env: r["deleted"] is True,
    ),
    "settings_privacy": Case(
        "GET", "/settings/privacy", check=lambda r, ctx, env: r["zero_retention_mode"] is False
    ),
    "settings_update_privacy": Case(
        "PUT",
        "/settings/privacy",
        kwargs=lambda ctx: {"data_training_opt_in": True},
        # 0.1 sent purge_existing_data=True unless told otherwise: so does its alias.
        body={"data_training_opt_in": True, "purge_existing_data": True},
        check=lambda r, ctx, env: r["data_training_opt_in"] is True,
    ),
    "settings_copilot_state": Case(
        "GET", "/settings/copilot", check=lambda r, ctx, env: r["onboarded"] is False
    ),
    "settings_update_copilot": Case(
        "PUT",
        "/settings/copilot",
        kwargs=lambda ctx: {"onboarded": True, "checklist": {"first_call": True}},
        body={"onboarded": True, "checklist": {"first_call": True}},
        check=lambda r, ctx, env: r["onboarded"] is True and r["checklist"] == {"first_call": True},
    ),
    "settings_ask_copilot": Case(
        "POST",
        "/settings/copilot/ask",
        kwargs=lambda ctx: {"question": "How do credits work?"},
        body={"question": "How do credits work?"},
        check=lambda r, ctx, env: bool(r["answer"]),
    ),
}


def expected_body(case: Case, ctx: Ctx) -> Any:
    if case.body == "{session}":
        return {"session_id": ctx["session"]}
    if case.body == "{schedule_body}":
        return {"suite_id": ctx["suite"], "cadence": "weekly"}
    return case.body


def call_legacy(
    client: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, list[Any]]:
    """`client.<name>(*args, **kwargs)` the 0.1 way, awaited or iterated to its end as 0.1 code would;
    the result (a stream's events) and every warning raised on the way."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = getattr(client, name)(*args, **kwargs)
        if inspect.iscoroutine(value):
            value = run(value)
        if name.endswith("_stream"):
            value = events_of(value)
    return value, list(caught)


def test_the_table_has_the_58_methods_of_the_0_1_client_in_order() -> None:
    # The 0.1 client's methods in source order (contract §11; the contract is outside the repo).
    order = [
        "chat", "chat_stream", "compare", "compare_stream", "blend", "blend_stream", "judge",
        "judge_stream", "models", "conversations", "get_conversation", "create_conversation",
        "update_conversation", "delete_conversation", "history", "get_history_detail", "credits_wallet",
        "credits_transactions", "credits_packs", "credits_purchase", "credits_confirm_checkout",
        "credits_update_auto_topup", "usage_summary", "usage_recent", "keys_info", "revoke_api_key",
        "memory_list", "memory_search", "memory_delete", "memory_clear", "optimization_policy",
        "optimization_update_policy", "optimization_report", "optimization_evaluate",
        "optimization_snapshots", "optimization_alerts", "optimization_replay",
        "optimization_test_templates", "optimization_test_suites", "optimization_create_test_suite",
        "optimization_update_test_suite", "optimization_run_test_suite", "optimization_test_runs",
        "optimization_test_run_csv", "optimization_regression_schedules",
        "optimization_create_regression_schedule", "optimization_update_regression_schedule",
        "optimization_run_regression_schedule", "credits_balance", "generate_api_key", "settings_keys",
        "settings_save_keys", "settings_delete_key", "settings_privacy", "settings_update_privacy",
        "settings_copilot_state", "settings_update_copilot", "settings_ask_copilot",
    ]  # fmt: skip
    assert list(LEGACY) == order and len(order) == 58
    assert set(CASES) == set(LEGACY)


def test_the_table_agrees_with_docs_endpoints_tsv() -> None:
    rows = [line.split("\t") for line in (ROOT / "docs" / "endpoints.tsv").read_text().splitlines()[1:]]
    expected: dict[str, str] = {}
    for _, _, sdk_method, legacy in rows:
        for name in legacy.split(","):
            # A `_stream` name is the same endpoint streamed: `chat.create` -> `chat.stream`.
            expected[name] = (
                sdk_method.replace(".create", ".stream") if name.endswith("_stream") else sdk_method
            )
    assert {name: entry.replacement for name, entry in LEGACY.items()} == expected


@pytest.mark.parametrize("name", list(LEGACY))
def test_each_0_1_method(env: SandboxEnv, name: str) -> None:
    case = CASES[name]
    ctx = case.setup(env)
    client = env.client.with_options(api_key=SESSION_TOKEN) if case.session else env.client
    before = len(env.sandbox.requests)

    kwargs = case.kwargs(ctx)
    if env.mode == "async" and name == "chat":
        del kwargs["stream"]  # the async 0.1 chat() had no `stream` argument
    result, caught = call_legacy(client, name, case.args(ctx), kwargs)

    # Exactly one warning, a DeprecationWarning naming the replacement, pointing at this file.
    owner = "LLMWise" if env.mode == "sync" else "AsyncLLMWise"
    assert [(w.category, str(w.message).split(";")[0]) for w in caught] == [
        (DeprecationWarning, f"{owner}.{name}() is deprecated")
    ]
    assert f"use client.{LEGACY[name].replacement}()" in str(caught[0].message)
    assert caught[0].filename == __file__

    # The 0.1 request, 0.1 defaults included.
    sent = env.sandbox.requests[before:]
    assert len(sent) == 1, [(r.method, r.path) for r in sent]
    request = sent[0]
    assert (request.method, request.path) == (case.method, case.path.format(**ctx))
    assert request.query == case.query
    if case.body is NO_BODY:
        assert request.json is None
    else:
        assert request.json == expected_body(case, ctx)
    assert request.status == 200

    # Read the 0.1 way.
    assert case.check(result, ctx, env), f"{name}: unexpected result {result!r}"


# --- what the table does not show ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["chat", "compare", "blend", "judge"])
def test_stream_true_raises_value_error(mode: str, name: str) -> None:
    sb = Sandbox()
    client = client_for(mode, sb)
    kwargs = dict(CASES[name].kwargs({}), stream=True)
    if mode == "async" and name == "chat":
        # The async 0.1 chat() had no `stream` argument at all.
        with pytest.raises(TypeError, match="unexpected keyword argument 'stream'"):
            client.chat(**kwargs)
    else:
        with pytest.warns(DeprecationWarning), pytest.raises(ValueError) as info:
            getattr(client, name)(**kwargs)
        assert str(info.value) == f"Use {name}_stream(...), not {name}(stream=True)"
    assert sb.requests == []


@pytest.mark.parametrize(
    ("call", "message", "warned"),
    [
        (lambda c: c.credits_balance(1), r"credits_balance\(\): too many positional arguments", 0),
        (lambda c: c.memory_search("cache"), r"memory_search\(\): too many positional arguments", 0),
        (
            lambda c: c.usage_summary(dayz=7),
            r"usage_summary\(\): got an unexpected keyword argument 'dayz'",
            0,
        ),
        (lambda c: c.chat(model="gpt-5.2"), r"chat\(\): missing a required argument: 'messages'", 0),
        (lambda c: c.chat_stream(messages=MSG), r"chat_stream\(\): missing a required argument: 'model'", 0),
        (lambda c: c.get_conversation(), r"get_conversation\(\): missing a required argument", 0),
        # This one binds (it is a 0.1 call, so it warns), then its payload is refused.
        (lambda c: c.optimization_update_policy(payload=[1]), r"payload must be a dict", 1),
    ],
)
def test_wrong_arguments_raise_type_error_before_anything_is_sent(
    mode: str, call: Callable[[Any], Any], message: str, warned: int
) -> None:
    sb = Sandbox()
    client = client_for(mode, sb)
    with warnings.catch_warnings(record=True) as caught, pytest.raises(TypeError, match=message):
        warnings.simplefilter("always")
        call(client)
    assert len(caught) == warned
    assert sb.requests == []


def test_the_0_1_stream_forms(mode: str) -> None:
    sb = Sandbox()
    client = client_for(mode, sb)
    # 0.1 returned a generator: `next()` (sync) and breaking out of the loop work on the stream too.
    stream = silently(lambda: client.chat_stream(model="gpt-5.2", messages=MSG))
    if mode == "sync":
        first = next(stream)
        assert first.get("delta")
        stream.close()
    else:

        async def go() -> Any:
            async for event in stream:
                return event
            return None

        assert run(go()).get("delta")
        run(stream.aclose())
    assert stream.response is not None and stream.response.is_closed


def test_errors_in_a_0_1_stream_raise_typed_errors(mode: str) -> None:
    # 0.1 yielded the error frame as a dict; 1.x raises ServerStreamError (a LLMWiseError), after
    # the events that arrived before it (docs/migration.md).
    sb = Sandbox()
    sb.set_model("gpt-5.2", fail_status=503, fail_after_chunks=2)
    client = client_for(mode, sb)
    stream = silently(lambda: client.chat_stream(model="gpt-5.2", messages=MSG))
    with pytest.raises(ServerStreamError) as info:
        events_of(stream)
    assert isinstance(info.value, LLMWiseError) and info.value.partial_text


def test_resources_are_callable_only_where_0_1_had_a_method(mode: str) -> None:
    client = client_for(mode, Sandbox())
    callable_resources = [name for name in LEGACY if is_resource(name)]
    assert callable_resources == ["chat", "compare", "blend", "judge", "models", "conversations", "history"]
    for name in callable_resources:
        assert callable(getattr(client, name))
    for name in ("credits", "usage", "keys", "memory", "optimization", "settings"):
        assert not callable(getattr(client, name))
    # The aliases are plain methods of the client classes, with the 0.1 name and a pointer to 1.x.
    alias = type(client).credits_balance
    assert alias.__qualname__ == f"{type(client).__name__}.credits_balance"
    assert "client.credits.balance()" in (alias.__doc__ or "")


def test_async_aliases_return_awaitables_and_async_iterables() -> None:
    sb = Sandbox()
    client = client_for("async", sb)
    coroutine = silently(lambda: client.credits_balance())
    assert inspect.iscoroutine(coroutine)
    assert run(coroutine)["credits"] == 1000
    called = silently(lambda: client.models())  # a callable resource, awaited as 0.1's coroutine
    assert inspect.iscoroutine(called)
    assert len(run(called)) > 1
    stream = silently(lambda: client.compare_stream(models=TWO, messages=MSG))
    assert hasattr(stream, "__aiter__") and not inspect.iscoroutine(stream)
    assert events_of(stream)[-1].get("event") == "done"


def test_signatures_match_the_0_1_client() -> None:
    # Spot checks of the table against the 0.1 source (keyword-only markers, defaults).
    assert (
        str(signature(LEGACY["memory_search"].params))
        == "(*, q: 'str', top_k: 'int' = 4, min_score: 'float | None' = None)"
    )
    assert str(signature(LEGACY["credits_purchase"].params)) == (
        "(amount_usd: 'float | None' = None, pack_id: 'str | None' = None, **tracking: 'str')"
    )
    chat = signature(LEGACY["chat"].params).parameters
    assert list(chat)[:3] == ["model", "messages", "stream"] and chat["stream"].default is False
    assert "stream" not in signature(LEGACY["chat"].async_params or "").parameters
    assert signature(LEGACY["optimization_report"].params).parameters["goal"].default == "balanced"


# --- dict-style reading ----------------------------------------------------------------------------


def test_results_read_like_0_1_dicts_and_stay_read_only(env: SandboxEnv) -> None:
    answer = env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))
    assert answer["content"] == answer.content and answer.get("missing", "x") == "x"
    assert "content" in answer and "missing" not in answer
    with pytest.raises(KeyError):
        answer["missing"]
    with pytest.raises(TypeError):
        answer["content"] = "changed"

    env.call(env.client.conversations.create())
    page = env.call(env.client.conversations.list(limit=5))
    assert page["conversations"] == page.data and page["conversations"][0]["id"] == page.data[0].id
    assert page.get("total", 0) == page["total"] == 1 and page.get("nothing") is None
    assert "total" in page and "nothing" not in page and page.data[0] in page
    assert set(page.keys()) >= {"conversations", "total"}
    with pytest.raises(KeyError):
        page["nothing"]
    with pytest.raises(TypeError):
        page["total"] = 2

    # A page the server answered as a bare list has no keys.
    env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))
    transactions = env.call(env.client.credits.transactions())
    assert transactions.keys() == [] and transactions.get("total") is None and "total" not in transactions


def test_a_field_read_from_one_of_two_keys_answers_to_the_one_sent() -> None:
    from llmwise.types.chat import ChatCompletion

    completion = ChatCompletion.model_validate({"content": "x", "trace": [{"model": "gpt-5.2"}]})
    assert completion["trace"][0]["model"] == "gpt-5.2" and completion["attempts"] == completion.attempts
    assert "trace" not in ChatCompletion.model_validate({"content": "x"})


def test_every_event_kind_answers_get_event(env: SandboxEnv) -> None:
    kinds = {}
    events, error, _ = env.stream(model="gpt-5.2", messages=MSG)
    assert error is None
    kinds["chat"] = [e.get("event") for e in events]
    events, error, _ = env.stream(
        model="claude-sonnet-4.5", messages=MSG, routing={"fallback": ["gpt-5.2"], "strategy": "rate-limit"}
    )
    assert error is None
    kinds["failover"] = [e.get("event") for e in events]
    for method, kwargs in (
        ("compare", {"models": TWO}),
        ("blend", {"models": TWO}),
        ("judge", {"contestants": TWO, "judge": "claude-sonnet-4.5"}),
    ):
        events, error, _ = env.stream(method, messages=MSG, **kwargs)
        assert error is None
        kinds[method] = [e.get("event") for e in events]

    # Text chunks have no `event`; the ends say "done"; failover says route/chunk/trace.
    assert set(kinds["chat"]) == {None, "done"} and kinds["chat"][-1] == "done"
    assert set(kinds["failover"]) == {"route", "chunk", "trace", "done"}
    assert kinds["compare"][-2:] == ["summary", "done"] and set(kinds["compare"]) == {None, "summary", "done"}
    assert kinds["blend"][-1] == "done" and set(kinds["blend"]) == {None, "done"}
    assert kinds["judge"][-2:] == ["verdict", "done"] and set(kinds["judge"]) == {None, "verdict", "done"}


# --- the 0.1 constructor --------------------------------------------------------------------------


def client_for(mode: str, sb: Sandbox) -> Any:
    if mode == "sync":
        return LLMWise(KEY, base_url="http://sandbox", http_client=httpx.Client(transport=sb.transport()))
    return AsyncLLMWise(
        KEY, base_url="http://sandbox", http_client=httpx.AsyncClient(transport=sb.async_transport())
    )


def silently(make: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return make()


def http_for(mode: str, sb: Sandbox, **kwargs: Any) -> Any:
    if mode == "sync":
        return httpx.Client(transport=sb.transport(), **kwargs)
    return httpx.AsyncClient(transport=sb.async_transport(), **kwargs)


def test_constructor_forms_of_0_1(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cls: Any = LLMWise if mode == "sync" else AsyncLLMWise
    sb = Sandbox()

    assert cls("mm_sk_...").api_key == "mm_sk_..."
    monkeypatch.setenv("LLMWISE_API_KEY", "mm_sk_from_env")
    monkeypatch.setenv("LLMWISE_BASE_URL", "http://127.0.0.1:9")
    from_env = cls()
    assert (from_env.api_key, from_env.base_url) == ("mm_sk_from_env", "http://127.0.0.1:9/api/v1")

    # The 0.1 keywords, and the same four positionally (0.1 allowed both).
    with pytest.warns(
        DeprecationWarning, match=r"\(client=\.\.\.\) is deprecated; use .*\(http_client=\.\.\.\)"
    ) as caught:
        by_name = cls(api_key=KEY, base_url="http://sandbox", timeout=5.0, client=http_for(mode, sb))
    assert caught[0].filename == __file__
    with pytest.warns(DeprecationWarning):
        by_position = cls(KEY, "http://sandbox", 5.0, http_for(mode, sb))
    for client in (by_name, by_position):
        assert (client.api_key, client.base_url, client.timeout) == (KEY, "http://sandbox/api/v1", 5.0)
        assert run(client.credits.balance()).credits == 1000
    assert sb.requests[-1].headers["authorization"] == "REDACTED"

    # Our keyword names keep working, without a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = cls(KEY, base_url="http://sandbox", timeout=5, max_retries=0, http_client=http_for(mode, sb))
    assert ours.max_retries == 0
    with pytest.raises(TypeError, match="not both"):
        cls(KEY, client=http_for(mode, sb), http_client=http_for(mode, sb))


def test_a_0_1_style_injected_client_supplies_url_and_key(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # 0.1 used a `client=` as it was: a caller configured the base URL and the Authorization header
    # on it and passed no api_key. 1.x reads them from it (before the environment).
    monkeypatch.setenv("LLMWISE_BASE_URL", "http://elsewhere.invalid")
    sb = Sandbox()
    http = http_for(mode, sb, base_url="http://sandbox/api/v1", headers={"Authorization": f"Bearer {KEY}"})
    cls: Any = LLMWise if mode == "sync" else AsyncLLMWise
    with pytest.warns(DeprecationWarning):
        client = cls(client=http)
    assert (client.api_key, client.base_url) == (KEY, "http://sandbox/api/v1")
    assert run(client.keys.info()).has_key is True
    assert sb.requests[-1].path == "/keys/info"
    # Arguments still win over the injected client's configuration.
    with pytest.warns(DeprecationWarning):
        explicit = cls("mm_sk_other", "http://sandbox2", client=http)
    assert (explicit.api_key, explicit.base_url) == ("mm_sk_other", "http://sandbox2/api/v1")


# --- generated files -------------------------------------------------------------------------------


def test_generated_stubs_and_migration_table_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_legacy.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_migration_guide_names_every_0_1_method() -> None:
    guide = (ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
    for name, entry in LEGACY.items():
        assert f"`client.{name}(" in guide, name
        assert f"client.{entry.replacement}(" in guide, entry.replacement
