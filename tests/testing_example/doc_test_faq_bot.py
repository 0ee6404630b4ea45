# test_faq_bot.py
"""faq_bot against the LLMWise sandbox: no network, no API key, no sleeping through retries."""

from __future__ import annotations

import faq_bot

from llmwise import LLMWise
from llmwise.testing import Scenario

QUESTION = "How do I reset my password?"


def test_answers_with_the_primary_model(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("claude-sonnet-4.5").replies("Open Settings, then choose Reset password.")

    result = faq_bot.answer(llmwise_client, QUESTION)

    assert result == faq_bot.Answer("Open Settings, then choose Reset password.", "claude-sonnet-4.5")


def test_fails_over_when_the_primary_is_rate_limited(
    llmwise_client: LLMWise, llmwise_scenario: Scenario
) -> None:
    llmwise_scenario.model("claude-sonnet-4.5").fails(429)
    llmwise_scenario.model("gpt-5.2").replies("Use the reset link on the sign-in page.")

    result = faq_bot.answer(llmwise_client, QUESTION)

    assert result == faq_bot.Answer("Use the reset link on the sign-in page.", "gpt-5.2")


def test_retries_after_a_429(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.rate_limit(times=1, retry_after=2)

    result = faq_bot.answer(llmwise_client, QUESTION)

    assert result.model == "claude-sonnet-4.5"
    assert [r.status for r in llmwise_scenario.requests_to("/chat")] == [429, 200]
    assert llmwise_scenario.retry_waits == [2.0]  # Retry-After was honoured (the wait is skipped)


def test_sends_the_question_and_the_failover_chain(
    llmwise_client: LLMWise, llmwise_scenario: Scenario
) -> None:
    faq_bot.answer(llmwise_client, "  Do you ship to Canada?  ")

    sent = llmwise_scenario.last_request("/chat")
    assert sent.method == "POST"
    assert sent.model == "claude-sonnet-4.5"
    assert sent.json["routing"] == {"fallback": ["gpt-5.2", "gemini-3-flash"], "strategy": "rate-limit"}
    assert sent.messages[-1] == {"role": "user", "content": "Do you ship to Canada?"}
    assert sent.headers["authorization"] == "REDACTED"  # records never hold the API key


def test_degrades_gracefully_without_credits(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.out_of_credits()

    assert faq_bot.answer(llmwise_client, QUESTION) == faq_bot.Answer(faq_bot.OFFLINE, None)
