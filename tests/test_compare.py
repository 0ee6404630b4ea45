"""`client.compare` against the sandbox: per-model views, interleaving, failures, refunds, 400s."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from llmwise import BadRequestError, InternalServerError, ServerStreamError
from llmwise._streaming.compare import parse_compare_event
from llmwise.types.compare import (
    CompareDoneEvent,
    CompareResult,
    CompareSummaryEvent,
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
)
from llmwise.types.shared import ErrorEvent, UnknownEvent
from multi_support import MODELS, MSG, Env
from support import ChunkedBody, collect_stream, mock_client, sse

pytest_plugins = ["multi_fixtures"]

A, B, C = MODELS


def compare(env: Env, **kwargs: Any) -> Any:
    kwargs.setdefault("models", MODELS)
    kwargs.setdefault("messages", MSG)
    return env.stream("compare", **kwargs)


def test_stream_views_equal_model_text(server_env: Env) -> None:
    sb = server_env.sb
    out = compare(server_env)
    assert out.error is None
    kinds = [type(e) for e in out.events]
    assert kinds[-2:] == [CompareSummaryEvent, CompareDoneEvent]
    assert set(kinds[:-2]) == {ModelChunkEvent, ModelDoneEvent}
    views = out.stream.models
    assert list(views) == MODELS
    for model in MODELS:
        view = views[model]
        assert view.text == sb.model_text(model, MSG)
        assert view.done and view.status == "ok" and view.error is None
        assert view.content_length == len(view.text)
        assert view.tokens == len(view.text.split())

    result: CompareResult = out.result
    assert result.responses is not None
    assert [r.model for r in result.responses] == MODELS
    assert all(r.ok and r.content == sb.model_text(r.model or "", MSG) for r in result.responses)
    assert result.by_model[B].content == views[B].text
    assert result.id is not None and result.id == out.stream.request_id
    assert result.summary is not None
    stats = result.summary.models
    assert stats is not None and set(stats) == set(MODELS)
    assert result.summary.longest == max(MODELS, key=lambda m: len(views[m].text))
    assert all(stats[m].content_length == len(views[m].text) for m in MODELS)
    assert result.credits_charged == 2
    assert result.credits_remaining == sb.credits == 998


def test_non_stream_result_equals_stream_result(server_env: Env) -> None:
    streamed: CompareResult = compare(server_env).result
    plain = server_env.create("compare", models=MODELS, messages=MSG)
    assert isinstance(plain, CompareResult)
    assert plain.responses is not None and streamed.responses is not None
    assert [(r.model, r.content, r.status) for r in plain.responses] == [
        (r.model, r.content, r.status) for r in streamed.responses
    ]
    assert plain.summary == streamed.summary
    assert plain.credits_charged == 2
    assert plain.credits_remaining == server_env.sb.credits == 996
    # Only the JSON answer carries per-model usage and cost; unknown fields are kept.
    assert plain.responses[0].prompt_tokens is not None and plain.responses[0].cost is not None
    assert "latency_ms" in plain.to_dict()


def test_faster_model_finishes_first(server_env: Env) -> None:
    sb = server_env.sb
    sb.set_model(A, latency=0.02, text="slow and steady wins nothing here today")
    sb.set_model(B, latency=0.0)
    out = compare(server_env, models=[A, B])
    assert out.error is None
    order = [(type(e).__name__, e.model) for e in out.events if isinstance(e, (ModelChunkEvent, ModelDoneEvent))]
    assert order.index(("ModelDoneEvent", B)) < order.index(("ModelChunkEvent", A))
    assert order.index(("ModelDoneEvent", B)) < order.index(("ModelDoneEvent", A))
    assert out.result.summary.fastest == B
    # The result keeps the request's order, not the order of finishing.
    assert [r.model for r in out.result.responses] == [A, B]
    assert out.stream.models[A].text == "slow and steady wins nothing here today"


def test_one_model_failing_does_not_end_the_others(server_env: Env) -> None:
    sb = server_env.sb
    sb.set_model(B, fail_status=503, fail_after_chunks=2)
    out = compare(server_env)
    assert out.error is None
    failures = [e for e in out.events if isinstance(e, ModelErrorEvent)]
    assert [(e.model, e.status_code) for e in failures] == [(B, 503)]
    assert failures[0].error
    views = out.stream.models
    full_b = sb.model_text(B, MSG)
    assert views[B].status == "error" and views[B].status_code == 503
    assert views[B].text and full_b.startswith(views[B].text) and views[B].text != full_b
    for model in (A, C):
        assert views[model].status == "ok" and views[model].text == sb.model_text(model, MSG)
    failed = out.result.by_model[B]
    assert not failed.ok and failed.status == "error" and failed.status_code == 503
    assert out.result.summary.models[B].status == "error"
    assert out.result.summary.fastest in (A, C)
    # A partial failure is not refunded: the answers that came are billed (settled at 1 credit).
    assert out.result.credits_charged == 1 and sb.credits == 999


def test_all_models_failing_raises_with_refund(server_env: Env) -> None:
    sb = server_env.sb
    for model in MODELS:
        sb.set_model(model, fail_status=502, fail_after_chunks=1)
    out = compare(server_env)
    error = out.error
    assert isinstance(error, ServerStreamError)
    assert error.status_code == 502 and error.refunded is True
    assert "All models failed" in str(error)
    # Each model's first chunk arrived before it failed; the partial text has them all, by model.
    for model in MODELS:
        first = out.stream.models[model].text
        assert first and sb.model_text(model, MSG).startswith(first)
        assert f"{model}:\n{first}" in error.partial_text
    assert sum(isinstance(e, ModelErrorEvent) for e in out.events) == 3
    assert sb.credits == 1000


def test_all_models_failing_non_stream(server_env: Env) -> None:
    for model in MODELS:
        server_env.sb.set_model(model, fail_status=500)
    with pytest.raises(InternalServerError) as info:
        server_env.create("compare", models=MODELS, messages=MSG, max_retries=0)
    assert info.value.status_code == 502
    assert info.value.body["refunded"] is True
    assert server_env.sb.credits == 1000


def test_model_text_stream_follows_one_model(server_env: Env) -> None:
    sb = server_env.sb
    sb.set_model(A, latency=0.0)
    sb.set_model(B, latency=0.01, text="second model answers in four chunks of three words each, done")
    out = compare(server_env, models=[A, B], text_of=B)
    assert out.error is None
    assert "".join(out.pieces) == sb.model_text(B, MSG)
    assert len(out.pieces) > 1
    # Reading only B's text still read A's events: A finished first, its view is complete.
    assert out.stream.models[A].done
    assert out.result.by_model[A].content == sb.model_text(A, MSG)


def test_model_text_stream_replays_text_already_handed_out(server_env: Env) -> None:
    sb = server_env.sb
    # Zero latency: frames alternate A, B, C, A, ...; four events hand out A's first two chunks.
    out = compare(server_env, skip=4, text_of=A)
    assert out.error is None
    handed = "".join(e.delta for e in out.events[:4] if e.model == A)
    assert out.pieces[0] == handed
    assert "".join(out.pieces) == sb.model_text(A, MSG)
    # The events after the text stream are the rest of the stream: nothing is read twice.
    assert isinstance(out.events[-1], CompareDoneEvent)


def test_model_text_stream_of_a_failing_model_stops_at_its_error(server_env: Env) -> None:
    sb = server_env.sb
    sb.set_model(C, fail_status=429, fail_after_chunks=1)
    out = compare(server_env, text_of=C)
    assert out.error is None
    assert "".join(out.pieces) == out.stream.models[C].text
    assert out.result.by_model[C].status_code == 429


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"models": [A]}, "'models' must list 2-9 models, got 1"),
        ({"models": [*MODELS, "claude-haiku-4.5", "deepseek-v3", "llama-4-maverick", "mistral-large",
                     "grok-3", "zai-glm-5", "kimi-k2.5"]}, "'models' must list 2-9 models, got 10"),
        ({"models": [A, A]}, "'models' must not repeat a model"),
        ({"models": [A, "no-such-model"]}, "unknown model 'no-such-model'"),
        ({"models": [A, "auto"]}, "'auto' is only supported by /chat"),
        ({"temperature": 2.5}, "'temperature' must be a number between 0 and 2"),
        ({"max_tokens": 0}, "'max_tokens' must be an integer between 1 and 128000"),
        ({"semantic_top_k": 13}, "'semantic_top_k' must be an integer between 1 and 12"),
        ({"semantic_min_score": 1.5}, "'semantic_min_score' must be a number between 0 and 1"),
        ({"messages": []}, "'messages' must be a non-empty list"),
    ],
)
def test_constraints_answered_with_400(server_env: Env, changes: dict[str, Any], message: str) -> None:
    kwargs: dict[str, Any] = {"models": MODELS, "messages": MSG, **changes}
    with pytest.raises(BadRequestError) as info:
        server_env.create("compare", **kwargs)
    assert message in info.value.message
    out = server_env.stream("compare", **kwargs)
    assert isinstance(out.error, BadRequestError) and message in out.error.message
    assert server_env.sb.credits == 1000


def test_arguments_checked_before_sending(local_env: Env) -> None:
    with pytest.raises(TypeError, match="Did you mean 'models'"):
        local_env.create("compare", modles=MODELS, messages=MSG)
    with pytest.raises(TypeError, match="'models' must be list"):
        local_env.create("compare", models="gpt-5.2", messages=MSG)
    with pytest.raises(TypeError, match="missing required keyword argument: 'models'"):
        local_env.create("compare", messages=MSG)
    assert local_env.sb.requests == []


def test_in_process_stream_and_create(local_env: Env) -> None:
    sb = local_env.sb
    out = compare(local_env, max_tokens=5)
    assert out.error is None
    for model in MODELS:
        assert out.stream.models[model].tokens == 5
    plain = local_env.create("compare", models=MODELS, messages=MSG, max_tokens=5)
    assert [r.content for r in plain.responses] == [r.content for r in out.result.responses]
    assert sb.credits == 998  # two compares of 5-word answers, each settled at 1 credit
    body = sb.requests[0].json
    assert body == {"models": MODELS, "messages": MSG, "max_tokens": 5, "stream": True}


def test_unknown_events_are_kept_and_malformed_frames_skipped(local_env: Env) -> None:
    sb = local_env.sb
    sb.unknown_event(after_events=2, path="/compare")
    out = compare(local_env)
    assert out.error is None
    unknown = [e for e in out.events if isinstance(e, UnknownEvent)]
    assert len(unknown) == 1 and unknown[0].raw["event"] == "sandbox_mystery"
    assert all(out.stream.models[m].text == sb.model_text(m, MSG) for m in MODELS)

    sb.malformed_frame(after_events=4, path="/compare")
    out = compare(local_env)
    assert out.error is None
    assert out.stream.skipped_frames == ["{not json"]
    assert all(out.stream.models[m].text == sb.model_text(m, MSG) for m in MODELS)


def test_parser_never_guesses() -> None:
    def kind(payload: dict[str, Any]) -> type:
        return type(parse_compare_event(payload))

    assert kind({"model": A, "delta": "hi", "done": False}) is ModelChunkEvent
    assert kind({"model": A, "delta": "", "done": True, "latency_ms": 3}) is ModelDoneEvent
    assert kind({"model": A, "error": "boom", "status_code": 500, "done": True}) is ModelErrorEvent
    assert kind({"error": "All models failed", "status_code": 502, "refunded": True}) is ErrorEvent
    assert kind({"event": "error", "error": "x"}) is ErrorEvent
    assert kind({"event": "summary", "fastest": A}) is CompareSummaryEvent
    assert kind({"event": "done", "credits_charged": 2}) is CompareDoneEvent
    assert kind({"event": "verdict", "winner": A}) is UnknownEvent
    assert kind({"delta": "no model"}) is ModelChunkEvent  # continues the view of the frame before
    assert kind({"model": A}) is UnknownEvent
    # Error frames are errors whatever their kind's spelling; a model's own failure is not fatal.
    assert kind({"event": "ERROR", "error": {"message": "x"}}) is ErrorEvent
    assert kind({"event": "model_failed", "error": "x"}) is ErrorEvent
    assert kind({"event": "model_failed", "model": A, "error": "x"}) is ModelErrorEvent
    assert kind({"event": "error", "model": A, "error": "x"}) is ErrorEvent
    assert kind({"event": "done", "error": "x"}) is ErrorEvent
    assert kind({"event": "done", "error": None, "credits_charged": 2}) is CompareDoneEvent
    assert kind({"event": "summary", "error": "x"}) is CompareSummaryEvent
    # An unknown kind with text is text; without, it is unknown.
    assert kind({"event": "partial", "model": A, "delta": "x"}) is ModelChunkEvent
    assert kind({"event": "partial", "model": A, "delta": 5}) is UnknownEvent
    assert kind({"model": A, "delta": 5}) is ModelChunkEvent  # a chunk whose delta does not fit
    summary = parse_compare_event({"event": "summary", "models": {A: {"tokens": 3, "novel": 1}}, "extra": True})
    assert isinstance(summary, CompareSummaryEvent)
    assert summary.models is not None and summary.models[A].tokens == 3 and summary.models[A].get("novel") == 1 and summary.get("extra") is True


def test_frames_that_do_not_fit_their_type_are_kept_as_events(mode: str) -> None:
    frames = sse(
        '{"model":"gpt-5.2","delta":"Hi","done":false}',
        '{"event":7}',
        '{"event":"summary","models":"not a map"}',
        '{"model":"gpt-5.2","delta":"","done":true}',
        '{"event":"done","id":"req_1","credits_charged":2}',
        "[DONE]",
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=ChunkedBody(frames))

    client = mock_client(mode, handler, strict_responses=False)
    events, error, stream = collect_stream(client, "compare", models=[A, B], messages=MSG)
    assert error is None
    assert stream.skipped_frames == []
    assert [type(e) for e in events] == [
        ModelChunkEvent, UnknownEvent, CompareSummaryEvent, ModelDoneEvent, CompareDoneEvent
    ]
    odd, summary = events[1], events[2]
    assert odd.get("event") == 7 and [i.path for i in odd.response_issues] == ["event"]
    assert summary.get("models") == "not a map" and [i.path for i in summary.response_issues] == ["models"]
    assert stream.models[A].text == "Hi"
