"""Billing settles the mode's reserve against token usage (contract §6.4): extra charged, unused refunded,
each its own transaction; BYOK requests are not charged (rules: sandbox._billing, sandbox._byok)."""

from __future__ import annotations

from typing import Any

import pytest

from llmwise import LLMWise
from llmwise.sandbox import Sandbox
from llmwise.sandbox._billing import TOKENS_PER_CREDIT, credits_for_tokens
from llmwise.testing import Scenario
from llmwise.types.shared import MessageParam

from .helpers import USER, Env

LONG = " ".join(["word"] * 250)  # 250 completion tokens
PROMPT_TOKENS = len(USER[0]["content"].split())  # 9
HI = [{"role": "user", "content": "Hi"}]
SDK_USER: list[MessageParam] = [{"role": "user", "content": USER[0]["content"]}]


def moves(env: Env, request_id: str) -> list[tuple[str, int]]:
    """The request's transactions, oldest first, as ``GET /credits/transactions`` lists them."""
    listed = env.client.get("/credits/transactions", params={"limit": 500}).json()
    return [(t["type"], t["amount"]) for t in reversed(listed) if t.get("request_id") == request_id]


def test_credits_for_tokens() -> None:
    assert TOKENS_PER_CREDIT == 100
    assert [credits_for_tokens(n) for n in (0, 1, 100, 101, 259)] == [1, 1, 1, 2, 3]


def test_a_short_chat_settles_at_its_reserve(env: Env) -> None:
    body = env.post("/chat", {"model": "gpt-5.2", "messages": USER, "stream": False}).json()
    assert body["credits_charged"] == 1 and body["credits_remaining"] == 999
    assert moves(env, body["id"]) == [("charge", -1)]  # used == reserved: nothing to settle


def test_extra_usage_is_charged_as_a_second_transaction(env: Env) -> None:
    env.sb.set_model("gpt-5.2", text=LONG)
    body = env.post("/chat", {"model": "gpt-5.2", "messages": USER, "stream": False}).json()
    assert body["completion_tokens"] == 250 and body["prompt_tokens"] == PROMPT_TOKENS
    assert body["credits_charged"] == 3 and body["credits_remaining"] == 997  # 259 tokens
    assert moves(env, body["id"]) == [("charge", -1), ("charge", -2)]
    listed = env.client.get("/credits/transactions", params={"limit": 2}).json()
    assert listed[0]["description"] == "chat request: settlement, 2 extra (259 tokens)"
    assert listed[1]["description"] == "chat request: reserve"
    assert listed[0]["balance_after"] == 997 and listed[1]["balance_after"] == 999

    # Streamed: the done event carries the settled total too.
    done = env.stream_events("/chat", {"model": "gpt-5.2", "messages": USER})[-1]
    assert done["event"] == "done" and done["credits_charged"] == 3 and done["credits_remaining"] == 994
    history = env.client.get(f"/history/{done['id']}").json()
    assert history["credits_charged"] == 3


@pytest.mark.parametrize(
    ("path", "body", "reserve"),
    [
        ("/compare", {"models": ["gpt-5.2", "deepseek-v3"]}, 2),
        ("/blend", {"models": ["gpt-5.2", "deepseek-v3"]}, 4),
        ("/judge", {"contestants": ["gpt-5.2", "deepseek-v3"], "judge": "claude-haiku-4.5"}, 5),
    ],
)
def test_unused_reserve_is_refunded_as_a_second_transaction(
    env: Env, path: str, body: dict[str, Any], reserve: int
) -> None:
    found = env.stream_events(path, {**body, "messages": HI})
    done = found[-1]
    charged = done["credits_charged"]
    assert 1 <= charged < reserve
    assert moves(env, done["id"]) == [("charge", -reserve), ("refund", reserve - charged)]
    assert done["credits_remaining"] == env.sb.credits == 1000 - charged
    plain = env.post(path, {**body, "messages": HI, "stream": False}).json()
    assert plain["credits_charged"] == charged  # the same request settles the same way


def test_settlement_counts_the_tokens_of_every_run(env: Env) -> None:
    env.sb.set_model("gpt-5.2", text=LONG)
    env.sb.set_model("deepseek-v3", text=LONG)
    body = env.post(
        "/compare", {"models": ["gpt-5.2", "deepseek-v3"], "messages": USER, "stream": False}
    ).json()
    tokens = 2 * (PROMPT_TOKENS + 250)
    assert body["credits_charged"] == credits_for_tokens(tokens) == 6
    assert moves(env, body["id"]) == [("charge", -2), ("charge", -4)]


def test_a_failover_bills_only_the_model_that_answered(env: Env) -> None:
    env.sb.set_model("claude-sonnet-4.5", text=LONG, fail_status=503, fail_after_chunks=80)
    body = env.post(
        "/chat",
        {"model": "claude-sonnet-4.5", "messages": USER, "routing": {"fallback": ["gpt-5.2"]}, "stream": False},
    ).json()
    assert body["resolved_model"] == "gpt-5.2" and body["credits_charged"] == 1
    assert moves(env, body["id"]) == [("charge", -1)]


def test_a_failed_request_is_refunded_in_full(env: Env) -> None:
    env.sb.set_model("gpt-5.2", fail_status=500)
    response = env.post("/chat", {"model": "gpt-5.2", "messages": USER, "stream": False})
    assert response.status_code == 500 and response.json()["refunded"] is True
    assert moves(env, response.json()["request_id"]) == [("charge", -1), ("refund", 1)]
    assert env.sb.credits == 1000


def test_the_extra_never_takes_the_balance_below_zero(env: Env) -> None:
    env.sb.credits = 2
    env.sb.set_model("gpt-5.2", text=LONG)
    body = env.post("/chat", {"model": "gpt-5.2", "messages": USER, "stream": False}).json()
    assert body["credits_charged"] == 2 and body["credits_remaining"] == 0  # 3 were used
    assert env.post("/chat", {"model": "gpt-5.2", "messages": USER, "stream": False}).status_code == 402


def test_a_scripted_charge_is_the_settled_total(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").next_reply("Paris.", credits_charged=4)
    answer = llmwise_client.chat.create(model="gpt-5.2", messages=SDK_USER)
    assert (answer.credits_charged, answer.credits_remaining) == (4, 996)
    page = llmwise_client.credits.transactions()
    assert [(t.type, t.amount) for t in reversed(page.data)] == [("charge", -1), ("charge", -3)]
    assert page.data[0].description == "chat request: settlement, 3 extra (scripted charge)"


def test_scripted_token_counts_drive_the_settlement(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").next_reply("Paris.", prompt_tokens=300, completion_tokens=200)
    answer = llmwise_client.chat.create(model="gpt-5.2", messages=SDK_USER)
    assert answer.credits_charged == 5 and llmwise_scenario.credits == 995


# -- BYOK -----------------------------------------------------------------------------------------


def test_byok_chat_is_not_charged(env: Env) -> None:
    saved = env.client.put("/settings/keys", json={"keys": {"openai": "sk-test-0123456789"}})
    assert saved.status_code == 200
    env.sb.credits = 0  # BYOK needs no credits at all
    body = env.post("/chat", {"model": "gpt-5.2", "messages": USER, "stream": False}).json()
    assert body["byok"] is True and body["credits_charged"] == 0 and body["credits_remaining"] == 0
    done = env.stream_events("/chat", {"model": "gpt-5.2", "messages": USER})[-1]
    assert done["byok"] is True and done["credits_charged"] == 0
    assert moves(env, body["id"]) == [] and moves(env, done["id"]) == []
    assert env.client.get(f"/history/{body['id']}").json()["credits_charged"] == 0

    # Another provider's model is billed as usual.
    other = env.post("/chat", {"model": "claude-sonnet-4.5", "messages": USER, "stream": False})
    assert other.status_code == 402
    env.sb.credits = 10
    other_body = env.post("/chat", {"model": "claude-sonnet-4.5", "messages": USER, "stream": False}).json()
    assert other_body["byok"] is False and other_body["credits_charged"] == 1

    # Deleting the key ends it.
    assert env.client.delete("/settings/keys/openai").status_code == 200
    again = env.post("/chat", {"model": "gpt-5.2", "messages": USER, "stream": False}).json()
    assert again["byok"] is False and again["credits_charged"] == 1


def test_byok_covers_the_model_that_answered_a_failover(env: Env) -> None:
    env.client.put("/settings/keys", json={"keys": {"OpenAI": "sk-test-0123456789"}})  # any case
    env.sb.set_model("claude-sonnet-4.5", fail_status=429)
    body = env.post(
        "/chat",
        {"model": "claude-sonnet-4.5", "messages": USER, "routing": {"fallback": ["gpt-5.2"]}, "stream": False},
    ).json()
    # The reserve was taken (claude is not covered), then all of it came back.
    assert body["resolved_model"] == "gpt-5.2" and body["byok"] is True and body["credits_charged"] == 0
    assert moves(env, body["id"]) == [("charge", -1), ("refund", 1)]
    assert env.sb.credits == 1000


def test_byok_provider_names_match_loosely() -> None:
    sb = Sandbox()
    sb.request("PUT", "/settings/keys", json={"keys": {"z.ai": "zk-test-0123456789"}})
    body = sb.request("POST", "/chat", json={"model": "zai-glm-5", "messages": USER, "stream": False}).json()
    assert body["byok"] is True and body["credits_charged"] == 0  # catalogue provider "Z.ai"


def test_byok_in_a_users_test(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_client.settings.provider_keys.save({"anthropic": "sk-ant-test-0123456789"})
    llmwise_scenario.out_of_credits()
    answer = llmwise_client.chat.create(model="claude-sonnet-4.5", messages=SDK_USER)
    assert answer.byok is True and answer.credits_charged == 0
    with llmwise_client.chat.stream(model="claude-haiku-4.5", messages=SDK_USER) as stream:
        final = stream.get_final_completion()
    assert final.byok is True and final.credits_charged == 0
