"""Typed answers (issue #16) against scripted replies (httpx.MockTransport), sync and async: the
schema instruction on the wire, reading JSON out of answers, repair turns, the typed error, partial
objects while streaming, and compare / blend side by side."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any, Literal, Optional, Union

import httpx
import pytest
from pydantic import BaseModel, Field, TypeAdapter

import llmwise
from llmwise import AsyncLLMWise, LLMWise, StructuredOutputError
from llmwise._structured import SCHEMA_CLOSE, SCHEMA_OPEN, extract_json
from llmwise.types.chat import TextChunkEvent
from llmwise.types.shared import MessageParam
from llmwise.types.structured import (
    ParsedBlendResult,
    ParsedChatCompletion,
    ParsedCompareResult,
    PartialObjectEvent,
)
from support import KEY, ChunkedBody, Client, mock_client, run, sse


class LineItem(BaseModel):
    description: str
    quantity: int = Field(ge=1)
    unit_price: float


class Invoice(BaseModel):
    number: str
    vendor: str
    issued: datetime.date
    currency: Literal["EUR", "USD"]
    lines: list[LineItem]
    total: float
    notes: Optional[str] = None


GOOD = {
    "number": "INV-2041",
    "vendor": "Acme Tools GmbH",
    "issued": "2026-03-02",
    "currency": "EUR",
    "lines": [{"description": "Torque wrench", "quantity": 2, "unit_price": 49.5}],
    "total": 99.0,
}
GOOD_TEXT = json.dumps(GOOD)
ASK: list[MessageParam] = [{"role": "user", "content": "Extract the invoice: Acme Tools GmbH, INV-2041, ..."}]


class Script:
    """A mock LLMWise: answers each request with the next scripted reply, recording the bodies."""

    def __init__(self, *replies: Any) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0)
        if callable(reply):
            response: httpx.Response = reply(request)
            return response
        body = json.loads(request.content)
        if isinstance(reply, httpx.Response):
            return reply
        return httpx.Response(
            200,
            json={
                "id": f"req_{len(self.requests)}",
                "model": body.get("model"),
                "content": reply,
                "credits_charged": 1,
                "credits_remaining": 100 - len(self.requests),
            },
        )


def client_for(mode: str, script: Script, **kwargs: Any) -> Client:
    return mock_client(mode, script, **kwargs)


def parse(client: Client, **kwargs: Any) -> Any:
    kwargs.setdefault("model", "gpt-5.2")
    kwargs.setdefault("messages", ASK)
    kwargs.setdefault("response_format", Invoice)
    return run(client.chat.parse(**kwargs))


def user_texts(body: dict[str, Any]) -> list[str]:
    return [m["content"] for m in body["messages"] if m["role"] == "user"]


# --- the instruction and reading the answer --------------------------------------------------------


def test_bare_json_is_parsed_and_the_instruction_carries_the_schema(mode: str) -> None:
    script = Script(GOOD_TEXT)
    messages: list[MessageParam] = [
        {"role": "system", "content": "You are a careful bookkeeper."},
        *ASK,
    ]
    sent = json.loads(json.dumps(messages))
    result = parse(client_for(mode, script), messages=messages)
    assert isinstance(result, ParsedChatCompletion)
    assert isinstance(result.parsed, Invoice) and result.parsed.number == "INV-2041"
    assert result.parsed.issued == datetime.date(2026, 3, 2)
    assert result.content == GOOD_TEXT and result.credits_charged == 1 and result.total_credits_charged == 1
    assert [a.ok for a in result.parse_attempts] == [True]
    assert messages == sent  # the caller's list is not changed
    (body,) = script.bodies
    assert body["stream"] is False and body["model"] == "gpt-5.2"
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "system", "user"]  # after the caller's own system message
    instruction = body["messages"][1]["content"]
    schema_text = instruction.split(SCHEMA_OPEN)[1].split(SCHEMA_CLOSE)[0]
    assert json.loads(schema_text) == TypeAdapter(Invoice).json_schema()


@pytest.mark.parametrize(
    "answer",
    [
        f"Here you go:\n```json\n{GOOD_TEXT}\n```\nAnything else?",
        f"```\n{json.dumps(GOOD, indent=2)}\n```",
        f"Sure! The invoice is {GOOD_TEXT} - hope that helps.",
        f"Note: use {{braces}} carefully. {GOOD_TEXT}",
        f"  {GOOD_TEXT}\n\n",
    ],
    ids=["json-fence", "plain-fence", "embedded", "after-braces", "whitespace"],
)
def test_json_is_found_in_the_answer(mode: str, answer: str) -> None:
    result = parse(client_for(mode, Script(answer)))
    assert result.parsed == Invoice.model_validate(GOOD)
    assert result.content == answer and len(result.parse_attempts) == 1


def test_extract_json_cases() -> None:
    assert extract_json("") is None
    assert extract_json("no json here") is None
    assert extract_json("42") == "42"
    assert extract_json('["a", {"b": "]"}] trailing') == '["a", {"b": "]"}]'
    assert extract_json('cut {"a": [1, 2') == '{"a": [1, 2'  # unclosed: reported as invalid JSON
    assert extract_json('```json\n{"a": 1}') == '{"a": 1}'  # an unclosed fence


def test_lists_and_type_adapters(mode: str) -> None:
    items = [{"description": "Bolt", "quantity": 3, "unit_price": 0.2}]
    result = parse(client_for(mode, Script(json.dumps(items))), response_format=list[LineItem])
    assert result.parsed == [LineItem.model_validate(items[0])]

    class Refund(BaseModel):
        kind: Literal["refund"]
        amount: float

    class Charge(BaseModel):
        kind: Literal["charge"]
        amount: float

    adapter: TypeAdapter[Union[Refund, Charge]] = TypeAdapter(Union[Refund, Charge])
    result = parse(client_for(mode, Script('{"kind": "charge", "amount": 3}')), response_format=adapter)
    assert isinstance(result.parsed, Charge) and result.parsed.amount == 3.0


def test_bad_arguments_fail_before_sending(mode: str) -> None:
    script = Script()
    client = client_for(mode, script)
    with pytest.raises(ValueError, match="max_repairs"):
        parse(client, max_repairs=-1)
    with pytest.raises(TypeError, match="response_format"):
        parse(client, response_format=Invoice.model_validate(GOOD))
    with pytest.raises(TypeError, match=r"chat\.parse\(\) got an unexpected keyword argument 'temprature'"):
        parse(client, temprature=0.2)
    assert script.requests == []


# --- repair turns ----------------------------------------------------------------------------------


def test_invalid_json_then_a_repair(mode: str) -> None:
    broken = GOOD_TEXT[:40]
    script = Script(f"Sure: {broken}", GOOD_TEXT)
    result = parse(client_for(mode, script))
    assert result.parsed.vendor == "Acme Tools GmbH"
    first, repair = result.parse_attempts
    assert (first.kind, repair.kind) == ("chat", "repair")
    assert first.content == f"Sure: {broken}" and [i.type for i in first.issues] == ["json_invalid"]
    assert repair.ok and result.total_credits_charged == 2
    assert result.id == "req_2" and result.credits_remaining == 98  # the envelope of the accepted answer
    body = script.bodies[1]
    assert body["model"] == "gpt-5.2"
    assert body["messages"][:2] == script.bodies[0]["messages"]  # instruction included
    assert body["messages"][2] == {"role": "assistant", "content": f"Sure: {broken}"}
    assert "not valid JSON" in body["messages"][3]["content"]


def test_a_schema_violation_then_a_repair(mode: str) -> None:
    secret = "sk-very-secret-value"
    wrong = {**GOOD, "total": secret, "lines": [{"description": "Wrench", "quantity": 0, "unit_price": 1}]}
    wrong.pop("vendor")
    script = Script(json.dumps(wrong), f"```json\n{GOOD_TEXT}\n```")
    client = client_for(mode, script)
    result = parse(client)
    assert result.parsed == Invoice.model_validate(GOOD)
    issues = {(i.path, i.type) for i in result.parse_attempts[0].issues}
    assert issues == {("vendor", "missing"), ("total", "float_parsing"), ("lines[0].quantity", "greater_than_equal")}
    repair_prompt = script.bodies[1]["messages"][-1]["content"]
    assert "- vendor: Field required" in repair_prompt and "lines[0].quantity" in repair_prompt
    assert secret not in repair_prompt  # problems are named, values are not repeated
    for request in script.requests:
        assert KEY not in request.content.decode()  # the SDK's own settings never go into messages


def test_a_model_that_never_complies(mode: str) -> None:
    script = Script("I cannot do that.", "Still no.", '{"number": 7}')
    with pytest.raises(StructuredOutputError) as info:
        parse(client_for(mode, script), max_repairs=2)
    err = info.value
    assert isinstance(err, llmwise.LLMWiseError)
    assert err.raw_text == '{"number": 7}' and err.model == "gpt-5.2"
    assert [i.path for i in err.issues][:2] == ["number", "vendor"]
    assert [a.kind for a in err.attempts] == ["chat", "repair", "repair"]
    assert [a.issues[0].type for a in err.attempts[:2]] == ["json_not_found", "json_not_found"]
    assert err.total_credits_charged == 3 and len(script.requests) == 3
    assert "Invoice" in str(err) and "3 attempts" in str(err)
    assert '{"number": 7}' not in str(err) and KEY not in repr(err)
    # Each repair shows the latest answer only.
    assert script.bodies[2]["messages"][-2] == {"role": "assistant", "content": "Still no."}


def test_no_repairs(mode: str) -> None:
    script = Script("nope")
    with pytest.raises(StructuredOutputError) as info:
        parse(client_for(mode, script), max_repairs=0)
    assert len(info.value.attempts) == 1 and len(script.requests) == 1


def test_an_empty_answer_is_shown_as_such(mode: str) -> None:
    script = Script("", GOOD_TEXT)
    parse(client_for(mode, script))
    assert script.bodies[1]["messages"][-2] == {"role": "assistant", "content": "(an empty answer)"}


def test_repairs_go_to_the_model_that_answered(mode: str) -> None:
    def auto_reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"id": "req_a", "model": "gemini-3-flash", "resolved_model": "gemini-3-flash", "content": "{}",
                  "credits_charged": 1, "credits_remaining": 50},
        )

    script = Script(auto_reply, GOOD_TEXT)
    result = parse(client_for(mode, script), model="auto", cost_saver=True, optimization_goal="cost")
    assert result.parsed.number == "INV-2041"
    first, repair = script.bodies
    assert first["model"] == "auto" and first["cost_saver"] is True
    assert repair["model"] == "gemini-3-flash" and "cost_saver" not in repair and "optimization_goal" not in repair


def test_each_repair_has_its_own_idempotency_key(mode: str) -> None:
    script = Script("no", GOOD_TEXT)
    parse(client_for(mode, script), idempotency_key="invoice-7", temperature=0.1)
    keys = [r.headers["idempotency-key"] for r in script.requests]
    assert keys == ["invoice-7", "invoice-7-repair1"]
    assert script.bodies[1]["temperature"] == 0.1


def test_upstream_errors_are_raised_as_usual(mode: str) -> None:
    script = Script("no", httpx.Response(402, json={"error": "Insufficient credits"}))
    with pytest.raises(llmwise.InsufficientCreditsError):
        parse(client_for(mode, script))


def test_result_serialises(mode: str) -> None:
    result = parse(client_for(mode, Script("no", GOOD_TEXT)))
    data = json.loads(result.to_json())
    assert data["parsed"]["vendor"] == "Acme Tools GmbH"
    assert [a["kind"] for a in data["parse_attempts"]] == ["chat", "repair"]
    assert data["total_credits_charged"] == 2


def test_lenient_envelopes_keep_their_issues(mode: str) -> None:
    def odd(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "r", "model": "gpt-5.2", "content": GOOD_TEXT, "latency_ms": "slow"})

    result = parse(client_for(mode, Script(odd), strict_responses=False))
    assert result.parsed.number == "INV-2041"
    assert [i.path for i in result.response_issues] == ["latency_ms"]


# --- streaming partial objects ---------------------------------------------------------------------


def chat_stream(text: str, *, model: str = "gpt-5.2", size: int = 7) -> Callable[[httpx.Request], httpx.Response]:
    pieces = [text[i : i + size] for i in range(0, len(text), size)]

    def reply(request: httpx.Request) -> httpx.Response:
        frames = [json.dumps({"model": model, "delta": p, "done": False}) for p in pieces]
        frames.append(json.dumps({"event": "done", "id": "req_s", "model": model, "credits_charged": 1, "credits_remaining": 9}))
        frames.append("[DONE]")
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=ChunkedBody(sse(*frames)))

    return reply


def iterate(stream: Any) -> list[Any]:
    if isinstance(stream, llmwise._structured_calls.ParsedChatStream):
        with stream:
            return list(stream)

    async def go() -> list[Any]:
        async with stream:
            return [event async for event in stream]

    events: list[Any] = run(go())
    return events


def test_stream_parse_yields_growing_partial_objects(mode: str) -> None:
    text = f"```json\n{json.dumps(GOOD, indent=1)}\n```"
    script = Script(chat_stream(text))
    client = client_for(mode, script)
    stream = client.chat.stream_parse(model="gpt-5.2", messages=ASK, response_format=Invoice)
    events = iterate(stream)
    partials = [e.partial for e in events if isinstance(e, PartialObjectEvent)]
    assert len(partials) > 5
    assert partials[-1] == GOOD
    assert any(p.get("vendor", "").startswith("Acme") and p["vendor"] != GOOD["vendor"] for p in partials)  # strings grow
    assert all(partials[i] != partials[i + 1] for i in range(len(partials) - 1))  # only changes
    assert "".join(e.delta for e in events if isinstance(e, TextChunkEvent)) == text
    final = run(stream.get_final_completion())
    assert isinstance(final, ParsedChatCompletion) and final.parsed == Invoice.model_validate(GOOD)
    assert [a.kind for a in final.parse_attempts] == ["stream"] and final.total_credits_charged == 1
    assert stream.partial == GOOD and stream.text == text
    (body,) = script.bodies
    assert body["stream"] is True and SCHEMA_OPEN in body["messages"][0]["content"]


def test_stream_parse_partial_stream_and_a_repair(mode: str) -> None:
    script = Script(chat_stream('{"number": "INV-1", "total": "a lot"}'), GOOD_TEXT)
    client = client_for(mode, script)
    stream: Any = client.chat.stream_parse(model="gpt-5.2", messages=ASK, response_format=Invoice)
    if mode == "sync":
        partials = list(stream.partial_stream)
    else:

        async def go() -> list[Any]:
            return [p async for p in stream.partial_stream]

        partials = run(go())
    assert all(isinstance(p, dict) for p in partials) and len(partials) > 2
    assert partials[-1] == {"number": "INV-1", "total": "a lot"}
    final = run(stream.get_final_completion())
    assert final.parsed.number == "INV-2041"
    assert [a.kind for a in final.parse_attempts] == ["stream", "repair"] and final.total_credits_charged == 2
    assert [b["stream"] for b in script.bodies] == [True, False]  # the repair is not streamed
    assert run(stream.get_final_completion()) is final


def test_stream_parse_that_never_complies(mode: str) -> None:
    script = Script(chat_stream("no JSON, sorry"), "still none")
    client = client_for(mode, script)
    stream = client.chat.stream_parse(model="gpt-5.2", messages=ASK, response_format=Invoice)
    with pytest.raises(StructuredOutputError) as first:
        run(stream.get_final_completion())
    with pytest.raises(StructuredOutputError) as again:
        run(stream.get_final_completion())
    assert again.value is first.value and len(script.requests) == 2  # repairs are not sent twice
    assert first.value.raw_text == "still none"


def test_stream_parse_text_stream(mode: str) -> None:
    client = client_for(mode, Script(chat_stream(GOOD_TEXT)))
    stream: Any = client.chat.stream_parse(model="gpt-5.2", messages=ASK, response_format=Invoice)
    if mode == "sync":
        text = "".join(stream.text_stream)
    else:

        async def go() -> str:
            return "".join([t async for t in stream.text_stream])

        text = run(go())
    assert text == GOOD_TEXT
    assert stream.partial == GOOD and stream.chat_stream.text == GOOD_TEXT


# --- compare and blend -----------------------------------------------------------------------------


def compare_reply(contents: dict[str, Any]) -> Callable[[httpx.Request], httpx.Response]:
    def reply(request: httpx.Request) -> httpx.Response:
        responses = []
        for model, content in contents.items():
            if isinstance(content, Exception):
                responses.append({"model": model, "status": "error", "error": str(content), "status_code": 429, "content": ""})
            else:
                responses.append({"model": model, "status": "ok", "content": content, "latency_ms": 10})
        return httpx.Response(
            200,
            json={"id": "req_cmp", "responses": responses, "summary": {"fastest": "gpt-5.2", "longest": "gpt-5.2"},
                  "credits_charged": 2, "credits_remaining": 40},
        )

    return reply


def test_compare_parse_side_by_side(mode: str) -> None:
    contents = {
        "gpt-5.2": f"```json\n{GOOD_TEXT}\n```",
        "claude-sonnet-4.5": '{"number": "INV-2041"}',
        "gemini-3-flash": RuntimeError("Upstream provider rate-limited gemini-3-flash (HTTP 429)"),
        "deepseek-v3": "Sorry, I only write prose.",
    }
    script = Script(compare_reply(contents), GOOD_TEXT, "more prose", httpx.Response(400, json={"error": "bad"}))
    client = client_for(mode, script, max_retries=0)
    result = run(
        client.compare.parse(
            models=list(contents), messages=ASK, response_format=Invoice, max_repairs=2, temperature=0.3
        )
    )
    assert isinstance(result, ParsedCompareResult)
    by = result.by_model
    assert list(by) == list(contents)
    assert by["gpt-5.2"].ok and by["gpt-5.2"].parsed == Invoice.model_validate(GOOD)
    assert [a.kind for a in by["gpt-5.2"].parse_attempts] == ["compare"]
    assert by["claude-sonnet-4.5"].ok and by["claude-sonnet-4.5"].parsed is not None
    assert [a.kind for a in by["claude-sonnet-4.5"].parse_attempts] == ["compare", "repair"]
    assert by["claude-sonnet-4.5"].content == GOOD_TEXT  # the text that was accepted
    gemini = by["gemini-3-flash"]
    assert not gemini.ok and gemini.parsed is None and "rate-limited" in str(gemini.error)
    assert gemini.parse_attempts == []  # failed upstream: nothing to read, no repair
    deepseek = by["deepseek-v3"]
    assert not deepseek.ok and deepseek.parsed is None
    assert str(deepseek.error).startswith("A repair turn failed: Error code: 400")
    assert [a.content for a in deepseek.parse_attempts] == ["Sorry, I only write prose.", "more prose"]
    assert deepseek.issues[0].type == "json_not_found"
    # The comparison (2) plus three repair turns (1 each; the failed one charged nothing).
    assert result.credits_charged == 2 and result.total_credits_charged == 4
    assert result.compare is not None and result.compare.id == "req_cmp"
    compare_body, *repairs = script.bodies
    assert script.requests[0].url.path.endswith("/compare")
    assert SCHEMA_OPEN in compare_body["messages"][0]["content"]
    assert [b["model"] for b in repairs] == ["claude-sonnet-4.5", "deepseek-v3", "deepseek-v3"]
    assert all(r.url.path.endswith("/chat") for r in script.requests[1:])
    assert all(b["temperature"] == 0.3 and "models" not in b for b in repairs)
    assert len(result.parse_attempts) == 5


def blend_reply(content: str) -> Callable[[httpx.Request], httpx.Response]:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"id": "req_b", "content": content, "strategy": "consensus", "synthesizer": "claude-opus-4.6",
                  "source_models": ["gpt-5.2", "gemini-3-flash"], "credits_charged": 4, "credits_remaining": 30},
        )

    return reply


def test_blend_parse_repairs_with_the_synthesizer(mode: str) -> None:
    script = Script(blend_reply("Both sources agree: INV-2041 from Acme."), GOOD_TEXT)
    client = client_for(mode, script)
    result = run(
        client.blend.parse(models=["gpt-5.2", "gemini-3-flash"], strategy="consensus", messages=ASK, response_format=Invoice)
    )
    assert isinstance(result, ParsedBlendResult)
    assert result.parsed == Invoice.model_validate(GOOD)
    assert result.content == GOOD_TEXT and result.strategy == "consensus" and result.credits_remaining == 98
    assert [(a.kind, a.model, a.credits_charged) for a in result.parse_attempts] == [
        ("blend", "claude-opus-4.6", 4),
        ("repair", "claude-opus-4.6", 1),
    ]
    assert result.total_credits_charged == 5
    blend_body, repair = script.bodies
    assert blend_body["strategy"] == "consensus" and SCHEMA_OPEN in blend_body["messages"][0]["content"]
    assert repair["model"] == "claude-opus-4.6" and "strategy" not in repair and "models" not in repair


def test_blend_parse_that_never_complies(mode: str) -> None:
    script = Script(blend_reply("prose"), "prose again")
    client = client_for(mode, script)
    with pytest.raises(StructuredOutputError) as info:
        run(client.blend.parse(models=["gpt-5.2", "gemini-3-flash"], messages=ASK, response_format=Invoice))
    assert info.value.total_credits_charged == 5 and info.value.model == "claude-opus-4.6"


def test_clients_have_the_methods() -> None:
    for cls in (LLMWise, AsyncLLMWise):
        client = cls(KEY, base_url="http://test.local")
        assert callable(client.chat.parse) and callable(client.chat.stream_parse)
        assert callable(client.compare.parse) and callable(client.blend.parse)


def test_stream_parse_follows_failover(mode: str) -> None:
    other = {**GOOD, "number": "INV-9"}
    frames = [
        {"event": "route", "model": "claude-sonnet-4.5", "status": "trying"},
        {"event": "chunk", "model": "claude-sonnet-4.5", "delta": GOOD_TEXT[:30]},
        {"event": "route", "model": "claude-sonnet-4.5", "status": "failed", "status_code": 429},
        {"event": "route", "model": "gpt-5.2", "status": "trying"},
        {"event": "chunk", "model": "gpt-5.2", "delta": json.dumps(other)[:25]},
        {"event": "chunk", "model": "gpt-5.2", "delta": json.dumps(other)[25:], "finish_reason": "stop"},
        {"event": "route", "model": "gpt-5.2", "status": "ok"},
        {"event": "trace", "final_model": "gpt-5.2", "attempts": []},
        {"event": "done", "resolved_model": "gpt-5.2", "credits_charged": 1, "credits_remaining": 9},
    ]

    def reply(request: httpx.Request) -> httpx.Response:
        body = sse(*(json.dumps(f) for f in frames), "[DONE]")
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=ChunkedBody(body))

    script = Script(reply)
    client = client_for(mode, script)
    stream: Any = client.chat.stream_parse(
        model="claude-sonnet-4.5", routing={"fallback": ["gpt-5.2"]}, messages=ASK, response_format=Invoice
    )
    events = iterate(stream)
    partials = [e.partial for e in events if isinstance(e, PartialObjectEvent)]
    assert partials[0]["number"] == "INV-2041" and partials[-1] == other
    final = run(stream.get_final_completion())
    assert final.parsed.number == "INV-9" and final.resolved_model == "gpt-5.2"
    assert len(script.requests) == 1


def test_parse_has_no_raw_response(mode: str) -> None:
    # A parse may make several requests (its repair turns): there is no one response to return.
    client = client_for(mode, Script(GOOD_TEXT))
    views: list[object] = [client.chat.with_raw_response, client.chat.with_streaming_response]
    assert not any(hasattr(view, "parse") or hasattr(view, "stream_parse") for view in views)
    assert not hasattr(client.compare.with_raw_response, "parse")
    assert not hasattr(client.blend.with_raw_response, "parse")
