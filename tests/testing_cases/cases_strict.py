"""Inner tests run by tests/test_testing_plugin.py through pytester (copied in as test_cases_strict.py).

Strict mode catching mistakes: each test below passes its own body, and the outer test checks which
ones strict mode then fails at teardown, and with what message.
"""

from __future__ import annotations

import pytest

import llmwise
from llmwise import LLMWise
from llmwise.testing import Scenario
from llmwise.types.shared import MessageParam

HI: list[MessageParam] = [{"role": "user", "content": "Say hi"}]

pytestmark = pytest.mark.llmwise(strict=True)


def test_unscripted_requests_fail_at_once_and_at_teardown(
    llmwise_client: LLMWise, llmwise_scenario: Scenario
) -> None:
    """ERROR at teardown: the code under test swallowed the errors, strict mode still reports them."""
    with pytest.raises(llmwise.APIStatusError, match=r"nothing scripted for model 'gpt-5\.2'") as caught:
        llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    assert caught.value.status_code == 418
    with pytest.raises(llmwise.ServerStreamError) as streamed, llmwise_client.chat.stream(model="gpt-5.2", messages=HI) as stream:
        stream.get_final_completion()
    assert streamed.value.status_code == 418
    # In a compare, the unscripted model fails alone.
    llmwise_scenario.model("deepseek-v3").replies("Scripted.")
    result = llmwise_client.compare.create(models=["deepseek-v3", "mistral-large"], messages=HI)
    assert {r.model: r.status_code for r in result.responses or []} == {"deepseek-v3": None, "mistral-large": 418}
    with pytest.raises(llmwise.APIStatusError, match="nothing scripted answers GET /models"):
        llmwise_client.models.list()
    assert [r.status for r in llmwise_scenario.requests] == [418, 200, 200, 418]  # 418 is never retried


def test_scripts_never_used_fail_at_teardown(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    """ERROR at teardown: four scripts were never used."""
    llmwise_scenario.model("gpt-5.2").replies("Used.").next_reply("Used once.").next_reply("Never said.")
    llmwise_scenario.model("claude-sonnet-4.5").fails(429)
    llmwise_scenario.rate_limit(retry_after=3, path="/compare")
    llmwise_scenario.next_reply("/credits/balance", json={"credits": 1})
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content == "Used once."


def test_strict_by_a_scenario_call(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    """ERROR at teardown: strict mode turned on by the test itself."""
    llmwise_scenario.strict()
    try:
        llmwise_client.credits.balance()
    except llmwise.APIStatusError:
        pass  # code that degrades gracefully hides the problem; strict mode does not


def test_a_failing_test_is_not_piled_on(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    """FAILED, without a teardown error for its unused scripts."""
    llmwise_scenario.rate_limit(times=2)
    raise AssertionError("the test's own failure")


@pytest.mark.llmwise(strict=False)
def test_the_closest_marker_turns_it_off(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    """PASSED: unscripted calls and unused scripts are fine outside strict mode."""
    llmwise_scenario.rate_limit(times=2, path="/judge")
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content
    assert not llmwise_scenario.is_strict
