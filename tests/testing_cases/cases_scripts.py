"""Inner tests run by tests/test_testing_plugin.py through pytester (copied in as test_cases_scripts.py).

One-call model replies with their own numbers, canned responses, auto's pick, and strict mode when
everything is scripted; the outer test runs this file once per transport. Every test here passes.
"""

from __future__ import annotations

from typing import Any

import pytest

import llmwise
from llmwise import LLMWise
from llmwise.testing import Scenario
from llmwise.types.chat import ChatDoneEvent, RouteEvent, TextChunkEvent
from llmwise.types.shared import MessageParam

HI: list[MessageParam] = [{"role": "user", "content": "Say hi"}]


def stream_events(client: LLMWise, model: str = "gpt-5.2") -> list[Any]:
    with client.chat.stream(model=model, messages=HI) as stream:
        return list(stream)


# -- a model's next reply, with its numbers --------------------------------------------------------


def test_next_reply_streams_its_content_and_puts_its_numbers_on_done(
    llmwise_client: LLMWise, llmwise_scenario: Scenario
) -> None:
    llmwise_scenario.model("gpt-5.2").replies("The usual answer.").next_reply(
        "Exactly this answer, streamed in deltas.",
        prompt_tokens=12,
        completion_tokens=3,
        cost=0.0042,
        credits_charged=2,
    ).next_reply("Cut short.", finish_reason="length")

    events = stream_events(llmwise_client)
    assert [e.delta for e in events if isinstance(e, TextChunkEvent) and e.delta] == [
        "Exactly this answer, ",
        "streamed in deltas.",
    ]
    (done,) = [e for e in events if isinstance(e, ChatDoneEvent)]
    assert (done.prompt_tokens, done.completion_tokens, done.cost) == (12, 3, 0.0042)
    assert (done.credits_charged, done.credits_remaining) == (2, 998)
    assert llmwise_scenario.credits == 998  # the balance moved by the scripted charge

    second = llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    assert (second.content, second.finish_reason, second.credits_charged) == ("Cut short.", "length", 1)
    assert second.completion_tokens == 2  # not scripted: computed as usual

    # The queue is used up: the model's script answers again.
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content == "The usual answer."


def test_next_reply_comes_before_a_failure_script(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").fails(503).next_reply("Once more with feeling.")
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content == "Once more with feeling."
    with pytest.raises(llmwise.InternalServerError):
        llmwise_client.chat.create(model="gpt-5.2", messages=HI)


def test_next_reply_in_a_compare(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gemini-3-flash").next_reply("Scripted side.", completion_tokens=40, cost=0.25)
    result = llmwise_client.compare.create(models=["gpt-5.2", "gemini-3-flash"], messages=HI)
    entries = {r.model: r for r in result.responses or []}
    gemini = entries["gemini-3-flash"]
    assert (gemini.content, gemini.completion_tokens, gemini.cost) == ("Scripted side.", 40, 0.25)
    assert entries["gpt-5.2"].content != "Scripted side."


# -- canned responses ------------------------------------------------------------------------------


def test_next_reply_with_a_json_body(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.next_reply("/credits/balance", json={"credits": 5, "paid_credits": 2, "free_credits": 3})
    llmwise_scenario.next_reply("/models", method="GET", status=400, json={"error": "Try again on Tuesday"})

    balance = llmwise_client.credits.balance()
    assert (balance.credits, balance.paid_credits, balance.free_credits) == (5, 2, 3)
    with pytest.raises(llmwise.BadRequestError, match="Try again on Tuesday"):
        llmwise_client.models.list()

    # Used up: the sandbox answers again.
    assert llmwise_client.credits.balance().credits == 1000
    assert llmwise_client.models.list()
    assert [r.status for r in llmwise_scenario.requests] == [200, 400, 200, 200]


def test_next_reply_with_stream_events(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.next_reply(
        "/chat",
        events=[
            {"model": "gpt-5.2", "delta": "Hand ", "done": False},
            {"model": "gpt-5.2", "delta": "made.", "done": False},
            {"event": "done", "id": "req_canned", "model": "gpt-5.2", "credits_charged": 9, "credits_remaining": 1},
        ],
    )
    with llmwise_client.chat.stream(model="gpt-5.2", messages=HI) as stream:
        completion = stream.get_final_completion()
    assert (completion.content, completion.credits_charged, completion.credits_remaining) == ("Hand made.", 9, 1)
    assert llmwise_scenario.credits == 1000  # the endpoint did not run: nothing was charged
    assert llmwise_scenario.sandbox.history == []


def test_next_reply_takes_a_body_or_events() -> None:
    scenario = Scenario()
    one_of = r"takes one of json=\.\.\. \(a body\) and events="
    with pytest.raises(TypeError, match=one_of):
        scenario.next_reply("/chat")
    with pytest.raises(TypeError, match=one_of):
        scenario.next_reply("/chat", json={}, events=[])
    with pytest.raises(ValueError, match="status"):
        scenario.next_reply("/chat", json={}, status=99)
    with pytest.raises(ValueError, match="cost"):
        scenario.model("gpt-5.2").next_reply("x", cost=-1)
    with pytest.raises(ValueError, match="credits_charged"):
        scenario.model("gpt-5.2").next_reply("x", credits_charged=1.5)  # type: ignore[arg-type]


# -- what auto resolves to -------------------------------------------------------------------------


def test_auto_resolves_to(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.auto_resolves_to("deepseek-v3").model("deepseek-v3").replies("Cheap and cheerful.")
    answer = llmwise_client.chat.create(model="auto", messages=HI)
    assert (answer.resolved_model, answer.content) == ("deepseek-v3", "Cheap and cheerful.")
    assert llmwise_client.chat.create(model="auto", cost_saver=True, messages=HI).resolved_model == "deepseek-v3"

    # With auto failover, it heads the chain.
    llmwise_scenario.auto_fallbacks(1).model("deepseek-v3").fails(429)
    tried = [e.model for e in stream_events(llmwise_client, "auto") if isinstance(e, RouteEvent) and e.status == "trying"]
    assert tried[0] == "deepseek-v3" and len(tried) == 2

    llmwise_scenario.auto_fallbacks(0).auto_resolves_to(None)  # back to the heuristics
    assert llmwise_client.chat.create(model="auto", messages=HI).resolved_model == "gemini-3-flash"
    with pytest.raises(ValueError, match="not 'auto'"):
        llmwise_scenario.auto_resolves_to("auto")
    with pytest.raises(ValueError, match="unknown model 'gpt-7'"):
        llmwise_scenario.auto_resolves_to("gpt-7")


# -- strict mode, everything scripted --------------------------------------------------------------


@pytest.mark.llmwise(strict=True)
def test_strict_mode_passes_when_everything_is_scripted_and_used(
    llmwise_client: LLMWise, llmwise_scenario: Scenario
) -> None:
    assert llmwise_scenario.is_strict
    llmwise_scenario.model("gpt-5.2").replies("Scripted.")
    llmwise_scenario.rate_limit(times=1, retry_after=0)
    llmwise_scenario.next_reply("/credits/balance", json={"credits": 3})
    llmwise_scenario.allow("/models", method="GET").allow("/history")  # allowing is no expectation

    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content == "Scripted."
    assert llmwise_client.credits.balance().credits == 3
    assert llmwise_client.models.list()
    assert [r.status for r in llmwise_scenario.requests] == [429, 200, 200, 200]
    assert llmwise_scenario.problems() == []


def test_strict_mode_follows_the_models_that_answer(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.strict()
    llmwise_scenario.model("claude-sonnet-4.5").fails(429)
    llmwise_scenario.model("gpt-5.2").replies("Backup here.")
    # gemini-3-flash is in the chain but never asked: it needs no script.
    answer = llmwise_client.chat.create(
        model="claude-sonnet-4.5", routing={"fallback": ["gpt-5.2", "gemini-3-flash"]}, messages=HI
    )
    assert answer.content == "Backup here."

    # A cut stream covers its request: the frames before the cut need no model script.
    llmwise_scenario.cut_stream(after_events=1)
    with pytest.raises(llmwise.IncompleteStreamError):
        stream_events(llmwise_client, "deepseek-v3")

    # reset() forgets the scripts but keeps strict mode.
    llmwise_scenario.reset()
    assert llmwise_scenario.is_strict and llmwise_scenario.problems() == []
