"""0.1 code type-checks against 1.x: every 0.1 method, called as 0.1 code did, under `mypy --strict`
(this file is checked with the rest), with the result types of the typed methods (`assert_type`).
The same code also runs, against the sandbox, with both clients."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from typing_extensions import assert_type

from llmwise import AsyncLLMWise, LLMWise
from llmwise._pagination import AsyncPage, Page
from llmwise.resources.blend import AsyncBlendStream, BlendStream
from llmwise.resources.chat import AsyncChatStream, ChatStream
from llmwise.resources.compare import AsyncCompareStream, CompareStream
from llmwise.resources.judge import AsyncJudgeStream, JudgeStream
from llmwise.sandbox import Sandbox
from llmwise.types.blend import BlendResult
from llmwise.types.chat import ChatCompletion
from llmwise.types.compare import CompareResult
from llmwise.types.conversations import Conversation, ConversationDeleted
from llmwise.types.credits import (
    AutoTopupResult,
    CheckoutConfirmation,
    CheckoutSession,
    CreditBalance,
    CreditPack,
    Transaction,
    Wallet,
)
from llmwise.types.history import HistoryEntry
from llmwise.types.judge import JudgeResult
from llmwise.types.keys import GeneratedKey, KeyInfo, KeyRevoked
from llmwise.types.memory import MemoryCleared, MemoryDeleted, MemoryList, MemorySearchResult
from llmwise.types.models import Model
from llmwise.types.optimization import (
    AlertList,
    EvaluationResult,
    OptimizationPolicy,
    OptimizationReport,
    RegressionSchedule,
    RegressionScheduleList,
    ReplayResult,
    SnapshotList,
    TestRun,
    TestRunList,
    TestSuite,
    TestSuiteList,
    TestTemplateList,
)
from llmwise.types.settings import (
    CopilotAnswer,
    CopilotState,
    PrivacySettings,
    ProviderKeyDeleted,
    ProviderKeyList,
)
from llmwise.types.usage import UsageRecord, UsageSummary
from support import KEY, run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SESSION_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJl"
MESSAGES = [{"role": "user", "content": "Write a haiku about rate limits."}]
SUITE: dict[str, Any] = {"name": "Smoke", "cases": [{"prompt": "2+2?"}], "models": ["gpt-5.2"]}


def sync_0_1_code(client: LLMWise, dashboard: LLMWise) -> None:
    """Every 0.1 method of `LLMWise`, as 0.1 code called it."""
    messages: list[Any] = list(MESSAGES)
    chat = client.chat(model="auto", messages=[{"role": "user", "content": "Hi"}], stream=False)
    assert_type(chat, ChatCompletion)
    print(chat["content"])
    for event in assert_type(
        client.chat_stream(model="gpt-5.2", messages=messages, temperature=0.3), ChatStream
    ):
        if event.get("event") == "done":
            break
    compare = assert_type(
        client.compare(models=["gpt-5.2", "gemini-3-flash"], messages=messages), CompareResult
    )
    assert compare["responses"]
    for ev in assert_type(
        client.compare_stream(models=["gpt-5.2", "gemini-3-flash"], messages=messages), CompareStream
    ):
        assert ev.get("event") in (None, "summary", "done")
    assert_type(
        client.blend(models=["gpt-5.2", "gemini-3-flash"], messages=messages, strategy="moa", layers=1),
        BlendResult,
    )
    assert_type(
        client.blend_stream(models=["gpt-5.2", "gemini-3-flash"], messages=messages), BlendStream
    ).close()
    assert_type(
        client.judge(contestants=["gpt-5.2", "gemini-3-flash"], judge="claude-sonnet-4.5", messages=messages),
        JudgeResult,
    )
    judging = client.judge_stream(
        contestants=["gpt-5.2", "gemini-3-flash"], judge="claude-sonnet-4.5", messages=messages
    )
    assert_type(judging, JudgeStream).close()

    assert len(assert_type(client.models(), list[Model])) > 1
    convo = assert_type(client.create_conversation(), Conversation)
    convo_id = convo["id"]
    assert_type(client.conversations(limit=5), Page[Conversation])
    assert_type(client.get_conversation(convo_id), Conversation)
    assert_type(client.update_conversation(convo_id, title="API smoke room"), Conversation)
    assert_type(client.delete_conversation(convo_id), ConversationDeleted)
    history = assert_type(client.history(limit=10), Page[HistoryEntry])
    print("history entries:", history.get("total", 0))
    assert_type(client.get_history_detail(history["history"][0]["id"]), HistoryEntry)

    assert_type(client.credits_wallet(), Wallet)
    assert_type(client.credits_transactions(limit=5), list[Transaction])
    assert_type(client.credits_packs(), list[CreditPack])
    checkout = assert_type(client.credits_purchase(12.5, utm_source="docs"), CheckoutSession)
    assert_type(client.credits_confirm_checkout(session_id=checkout["session_id"]), CheckoutConfirmation)
    assert_type(client.credits_update_auto_topup(enabled=False), AutoTopupResult)
    assert_type(client.credits_balance(), CreditBalance)
    assert_type(client.usage_summary(days=7), UsageSummary)
    assert_type(client.usage_recent(days=7, limit=5), list[UsageRecord])

    assert_type(client.keys_info(), KeyInfo)
    assert_type(client.memory_list(limit=5), MemoryList)
    found = assert_type(client.memory_search(q="rate limits", top_k=2), MemorySearchResult)
    assert_type(client.memory_delete(found["results"][0]["id"]), MemoryDeleted)
    assert_type(client.memory_clear(), MemoryCleared)

    assert_type(client.optimization_policy(), OptimizationPolicy)
    assert_type(client.optimization_update_policy({"goal": "balanced"}), OptimizationPolicy)
    assert_type(client.optimization_report(days=1), OptimizationReport)
    assert_type(client.optimization_evaluate(), EvaluationResult)
    assert_type(client.optimization_snapshots(limit=5), SnapshotList)
    assert_type(client.optimization_alerts(), AlertList)
    assert_type(client.optimization_replay(days=7, sample_size=20), ReplayResult)
    assert_type(client.optimization_test_templates(), TestTemplateList)
    suite = assert_type(client.optimization_create_test_suite(SUITE), TestSuite)
    assert_type(client.optimization_update_test_suite(suite["id"], {"description": "x"}), TestSuite)
    assert_type(client.optimization_test_suites(), TestSuiteList)
    test_run = assert_type(client.optimization_run_test_suite(suite["id"]), TestRun)
    assert_type(client.optimization_test_runs(limit=5), TestRunList)
    assert_type(client.optimization_test_run_csv(test_run["id"]), str)
    schedule = assert_type(
        client.optimization_create_regression_schedule({"suite_id": suite["id"]}), RegressionSchedule
    )
    assert_type(
        client.optimization_update_regression_schedule(schedule["id"], {"enabled": False}), RegressionSchedule
    )
    assert_type(client.optimization_run_regression_schedule(schedule["id"]), TestRun)
    assert_type(client.optimization_regression_schedules(), RegressionScheduleList)

    assert_type(client.settings_save_keys({"openai": "sk-legacy-123456"}), ProviderKeyList)
    assert_type(client.settings_keys(), ProviderKeyList)
    assert_type(client.settings_delete_key("openai"), ProviderKeyDeleted)
    assert_type(client.settings_privacy(), PrivacySettings)
    assert_type(client.settings_update_privacy(data_training_opt_in=False), PrivacySettings)
    assert_type(client.settings_copilot_state(), CopilotState)
    assert_type(client.settings_update_copilot(goal="cost", checklist={"first_call": True}), CopilotState)
    assert_type(client.settings_ask_copilot(question="How do credits work?"), CopilotAnswer)

    assert_type(client.revoke_api_key(), KeyRevoked)
    assert_type(dashboard.generate_api_key(), GeneratedKey)


async def async_0_1_code(client: AsyncLLMWise, dashboard: AsyncLLMWise) -> None:
    """Every 0.1 method of `AsyncLLMWise`, as 0.1 code called it."""
    messages: list[Any] = list(MESSAGES)
    chat = assert_type(
        await client.chat(model="auto", messages=[{"role": "user", "content": "Hi"}]), ChatCompletion
    )
    print(chat["content"])
    async for event in assert_type(client.chat_stream(model="gpt-5.2", messages=messages), AsyncChatStream):
        if event.get("event") == "done":
            break
    assert_type(await client.compare(models=["gpt-5.2", "gemini-3-flash"], messages=messages), CompareResult)
    async for ev in assert_type(
        client.compare_stream(models=["gpt-5.2", "gemini-3-flash"], messages=messages), AsyncCompareStream
    ):
        assert ev.get("event") in (None, "summary", "done")
    assert_type(await client.blend(models=["gpt-5.2", "gemini-3-flash"], messages=messages), BlendResult)
    await assert_type(
        client.blend_stream(models=["gpt-5.2", "gemini-3-flash"], messages=messages), AsyncBlendStream
    ).aclose()
    assert_type(
        await client.judge(
            contestants=["gpt-5.2", "gemini-3-flash"], judge="claude-sonnet-4.5", messages=messages
        ),
        JudgeResult,
    )
    judging = client.judge_stream(
        contestants=["gpt-5.2", "gemini-3-flash"], judge="claude-sonnet-4.5", messages=messages
    )
    await assert_type(judging, AsyncJudgeStream).aclose()

    assert len(assert_type(await client.models(), list[Model])) > 1
    convo = assert_type(await client.create_conversation(), Conversation)
    convo_id = convo["id"]
    assert_type(await client.conversations(limit=5), AsyncPage[Conversation])
    assert_type(await client.get_conversation(convo_id), Conversation)
    assert_type(await client.update_conversation(convo_id, title="API smoke room"), Conversation)
    assert_type(await client.delete_conversation(convo_id), ConversationDeleted)
    history = assert_type(await client.history(limit=10), AsyncPage[HistoryEntry])
    assert_type(await client.get_history_detail(history["history"][0]["id"]), HistoryEntry)

    assert_type(await client.credits_wallet(), Wallet)
    assert_type(await client.credits_transactions(limit=5), list[Transaction])
    assert_type(await client.credits_packs(), list[CreditPack])
    checkout = assert_type(await client.credits_purchase(pack_id="pack_starter"), CheckoutSession)
    assert_type(
        await client.credits_confirm_checkout(session_id=checkout["session_id"]), CheckoutConfirmation
    )
    assert_type(await client.credits_update_auto_topup(enabled=False, threshold_credits=100), AutoTopupResult)
    assert_type(await client.credits_balance(), CreditBalance)
    assert_type(await client.usage_summary(), UsageSummary)
    assert_type(await client.usage_recent(mode="chat"), list[UsageRecord])

    assert_type(await client.keys_info(), KeyInfo)
    assert_type(await client.memory_list(), MemoryList)
    found = assert_type(await client.memory_search(q="rate limits", min_score=0.1), MemorySearchResult)
    assert_type(await client.memory_delete(found["results"][0]["id"]), MemoryDeleted)
    assert_type(await client.memory_clear(), MemoryCleared)

    assert_type(await client.optimization_policy(), OptimizationPolicy)
    assert_type(await client.optimization_update_policy({"max_fallbacks": 0}), OptimizationPolicy)
    assert_type(await client.optimization_report(goal="cost", use_policy=False), OptimizationReport)
    assert_type(await client.optimization_evaluate(), EvaluationResult)
    assert_type(await client.optimization_snapshots(goal="cost"), SnapshotList)
    assert_type(await client.optimization_alerts(limit=3), AlertList)
    assert_type(await client.optimization_replay(), ReplayResult)
    assert_type(await client.optimization_test_templates(), TestTemplateList)
    suite = assert_type(await client.optimization_create_test_suite(SUITE), TestSuite)
    assert_type(await client.optimization_update_test_suite(suite["id"], {"name": "Renamed"}), TestSuite)
    assert_type(await client.optimization_test_suites(limit=5), TestSuiteList)
    test_run = assert_type(await client.optimization_run_test_suite(suite["id"]), TestRun)
    assert_type(await client.optimization_test_runs(), TestRunList)
    assert_type(await client.optimization_test_run_csv(test_run["id"]), str)
    schedule = assert_type(
        await client.optimization_create_regression_schedule({"suite_id": suite["id"]}), RegressionSchedule
    )
    assert_type(
        await client.optimization_update_regression_schedule(schedule["id"], {"cadence": "weekly"}),
        RegressionSchedule,
    )
    assert_type(await client.optimization_run_regression_schedule(schedule["id"]), TestRun)
    assert_type(await client.optimization_regression_schedules(limit=5), RegressionScheduleList)

    assert_type(await client.settings_save_keys({"anthropic": "sk-ant-legacy-123456"}), ProviderKeyList)
    assert_type(await client.settings_keys(), ProviderKeyList)
    assert_type(await client.settings_delete_key("anthropic"), ProviderKeyDeleted)
    assert_type(await client.settings_privacy(), PrivacySettings)
    assert_type(await client.settings_update_privacy(zero_retention_mode=False), PrivacySettings)
    assert_type(await client.settings_copilot_state(), CopilotState)
    assert_type(await client.settings_update_copilot(onboarded=True), CopilotState)
    assert_type(await client.settings_ask_copilot(question="Why a 402?", path="/dashboard"), CopilotAnswer)

    assert_type(await client.revoke_api_key(), KeyRevoked)
    assert_type(await dashboard.generate_api_key(), GeneratedKey)


def test_sync_0_1_code_runs() -> None:
    sb = Sandbox()
    with httpx.Client(transport=sb.transport()) as http:
        client = LLMWise(KEY, "http://sandbox", http_client=http)
        sync_0_1_code(client, client.with_options(api_key=SESSION_TOKEN))
    assert len({(r.method, r.path.split("/")[1]) for r in sb.requests}) > 20


def test_async_0_1_code_runs() -> None:
    sb = Sandbox()

    async def go() -> None:
        async with httpx.AsyncClient(transport=sb.async_transport()) as http:
            client = AsyncLLMWise(KEY, "http://sandbox", http_client=http)
            await async_0_1_code(client, client.with_options(api_key=SESSION_TOKEN))

    run(go())
    assert len({(r.method, r.path.split("/")[1]) for r in sb.requests}) > 20
