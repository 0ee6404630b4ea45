"""`client.blend` against the sandbox: the six strategies, source views, synthesis, failures, 400s."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from llmwise import BadRequestError, LLMWise, ServerStreamError
from llmwise._streaming.blend import parse_blend_event
from llmwise.sandbox import Sandbox
from llmwise.types.blend import (
    BlendChunkEvent,
    BlendDoneEvent,
    BlendModelDoneEvent,
    BlendModelErrorEvent,
    BlendResult,
    source_label,
)
from llmwise.types.shared import ErrorEvent, UnknownEvent
from multi_support import MODELS, MSG, Env
from support import KEY

pytest_plugins = ["multi_fixtures"]

A, B, C = MODELS

# strategy -> (extra arguments, models, expected source labels with their model_text variant)
STRATEGIES: dict[str, tuple[dict[str, Any], list[str], dict[str, tuple[str, dict[str, Any]]]]] = {
    name: ({}, [A, B, C], {m: (m, {}) for m in (A, B, C)}) for name in ("consensus", "council", "best_of", "chain")
}
STRATEGIES["moa"] = (
    {"layers": 3},
    [A, B],
    {f"{m}#layer{k}": (m, {"layer": k}) for k in (1, 2, 3) for m in (A, B)},
)
STRATEGIES["self_moa"] = ({"samples": 4}, [C], {f"{C}#sample{i}": (C, {"sample": i}) for i in range(1, 5)})


# What each strategy's request is charged once settled (sandbox._billing): the tokens of every
# run, 100 a credit; moa's later layers read the earlier ones, so their prompts are long.
SETTLED = {"consensus": 4, "council": 4, "best_of": 4, "chain": 5, "moa": 10, "self_moa": 4}


def expected_texts(sb: Sandbox, strategy: str, expected: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """The source texts, in run order: a chain step reads the step before, a moa layer the layer before."""
    texts: dict[str, str] = {}
    previous: tuple[str, str] | None = None
    layers: dict[int, list[tuple[str, str]]] = {}
    for label, (model, variant) in expected.items():
        layer = variant.get("layer")
        if strategy == "chain" and previous is not None:
            text = sb.model_text(model, MSG, reading=[previous])
        elif layer is not None and layer > 1:
            text = sb.model_text(model, MSG, layer=layer, reading=layers[layer - 1])
        else:
            text = sb.model_text(model, MSG, **variant)
        texts[label] = text
        previous = (model, text)
        if layer is not None:
            layers.setdefault(layer, []).append((model, text))
    return texts


def blend(env: Env, **kwargs: Any) -> Any:
    kwargs.setdefault("models", [A, B])
    kwargs.setdefault("messages", MSG)
    return env.stream("blend", **kwargs)


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_each_strategy_streams_sources_then_synthesis(server_env: Env, strategy: str) -> None:
    sb = server_env.sb
    extra, models, expected = STRATEGIES[strategy]
    out = blend(server_env, models=models, strategy=strategy, **extra)
    assert out.error is None
    views = out.stream.models
    assert sorted(views) == sorted(expected)
    texts = expected_texts(sb, strategy, expected)
    for label, (model, variant) in expected.items():
        view = views[label]
        assert view.model == model and view.done and view.status == "ok"
        assert view.text == texts[label]
        assert view.layer == variant.get("layer") and view.sample == variant.get("sample")
    phases = {e.phase for e in out.events if isinstance(e, BlendChunkEvent) and not e.is_synthesis}
    assert phases == {"moa": {"layer"}, "self_moa": {"sample"}}.get(strategy, {"gather"})

    # The synthesis comes after every source, and is the stream's text.
    first_synthesis = next(i for i, e in enumerate(out.events) if isinstance(e, BlendChunkEvent) and e.is_synthesis)
    assert all(not getattr(e, "is_synthesis", True) for e in out.events[:first_synthesis])
    done = out.events[-1]
    assert isinstance(done, BlendDoneEvent)
    synthesis = out.stream.synthesis
    assert synthesis is not None and synthesis.model == models[0] and synthesis.done
    assert out.stream.text == synthesis.text == done.content

    result: BlendResult = out.result
    assert result.content == done.content
    assert result.strategy == strategy and result.synthesizer == models[0] and result.source_models == models
    assert result.layers == extra.get("layers") and result.candidates == extra.get("samples")
    assert result.sources is not None and [s.label for s in result.sources] == list(expected)
    assert all(result.by_label[label].content == views[label].text for label in expected)
    assert result.finish_reason == "stop"
    # Settled against the tokens of every run (sandbox._billing): above or below the 4 reserved.
    assert result.credits_charged == SETTLED[strategy] and sb.credits == 1000 - SETTLED[strategy]

    plain = server_env.create("blend", models=models, messages=MSG, strategy=strategy, **extra)
    assert isinstance(plain, BlendResult)
    assert plain.content == result.content
    assert plain.sources is not None
    assert [(s.label, s.content, s.status) for s in plain.sources] == [
        (s.label, s.content, s.status) for s in result.sources
    ]
    assert (plain.layers, plain.candidates, plain.synthesizer) == (result.layers, result.candidates, result.synthesizer)
    assert plain.credits_charged == SETTLED[strategy] and sb.credits == 1000 - 2 * SETTLED[strategy]


def test_text_stream_is_the_synthesis(server_env: Env) -> None:
    out = blend(server_env, synthesizer="claude-haiku-4.5", synthesis=True)
    assert out.error is None
    assert len(out.pieces) > 1
    assert "".join(out.pieces) == out.result.content
    assert out.result.synthesizer == "claude-haiku-4.5"
    assert out.stream.synthesis.model == "claude-haiku-4.5"
    # The synthesizer is no source: the source views are the two models.
    assert sorted(out.stream.models) == sorted([A, B])


def test_a_failing_source_is_yielded_and_left_out(server_env: Env) -> None:
    sb = server_env.sb
    sb.set_model(B, fail_status=503, fail_after_chunks=1)
    out = blend(server_env, models=[A, B, C])
    assert out.error is None
    failures = [e for e in out.events if isinstance(e, BlendModelErrorEvent)]
    assert [(e.model, e.status_code, e.phase) for e in failures] == [(B, 503, "gather")]
    assert out.stream.models[B].status == "error"
    assert out.result.by_label[B].status == "error" and out.result.by_label[B].status_code == 503
    assert out.result.content and out.result.credits_charged == 3 and sb.credits == 997


def test_moa_drops_a_failed_source_from_later_layers(server_env: Env) -> None:
    server_env.sb.set_model(B, fail_status=500)
    out = blend(server_env, strategy="moa", layers=2)
    assert out.error is None
    assert sorted(out.stream.models) == sorted([f"{A}#layer1", f"{B}#layer1", f"{A}#layer2"])
    assert out.stream.models[f"{B}#layer1"].text == ""
    assert out.result.layers == 2


def test_all_sources_failing_raises_with_refund(server_env: Env) -> None:
    sb = server_env.sb
    for model in (A, B):
        sb.set_model(model, fail_status=502, fail_after_chunks=1)
    out = blend(server_env)
    assert isinstance(out.error, ServerStreamError)
    assert out.error.status_code == 502 and out.error.refunded is True
    assert "All source models failed" in str(out.error)
    assert out.stream.synthesis is None and out.error.partial_text == ""
    assert sum(isinstance(e, BlendModelErrorEvent) for e in out.events) == 2
    assert sb.credits == 1000


def test_failing_synthesizer_raises_with_its_partial_text(server_env: Env) -> None:
    sb = server_env.sb
    sb.set_model("claude-haiku-4.5", fail_status=500, fail_after_chunks=2)
    out = blend(server_env, synthesizer="claude-haiku-4.5")
    assert isinstance(out.error, ServerStreamError)
    assert out.error.status_code == 500 and out.error.refunded is True
    synthesis = out.stream.synthesis
    assert synthesis is not None and synthesis.status == "error"
    assert out.error.partial_text == synthesis.text == out.stream.text != ""
    # The sources had finished before the synthesis failed.
    assert all(view.status == "ok" for view in out.stream.models.values())
    assert sb.credits == 1000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"models": [A]}, "'models' must list 2-6 models, got 1"),
        ({"models": [A, B, C, "claude-haiku-4.5", "deepseek-v3", "grok-3", "mistral-large"]},
         "'models' must list 2-6 models, got 7"),
        ({"strategy": "self_moa"}, "'models' must list exactly 1 models, got 2"),
        ({"strategy": "self_moa", "models": [A], "samples": 1}, "'samples' must be an integer between 2 and 8"),
        ({"strategy": "self_moa", "models": [A], "samples": 9}, "'samples' must be an integer between 2 and 8"),
        ({"strategy": "moa", "layers": 0}, "'layers' must be an integer between 1 and 3"),
        ({"strategy": "moa", "layers": 4}, "'layers' must be an integer between 1 and 3"),
        ({"strategy": "mixture"}, "'strategy' must be one of consensus, council, best_of, chain, moa, self_moa"),
        ({"synthesizer": "nobody"}, "'synthesizer': unknown model 'nobody'"),
        ({"temperature": -1}, "'temperature' must be a number between 0 and 2"),
    ],
)
def test_constraints_answered_with_400(server_env: Env, changes: dict[str, Any], message: str) -> None:
    kwargs: dict[str, Any] = {"models": [A, B], "messages": MSG, **changes}
    with pytest.raises(BadRequestError) as info:
        server_env.create("blend", **kwargs)
    assert message in info.value.message
    out = server_env.stream("blend", **kwargs)
    assert isinstance(out.error, BadRequestError) and message in out.error.message
    assert server_env.sb.credits == 1000


def test_in_process_self_moa(local_env: Env) -> None:
    sb = local_env.sb
    out = blend(local_env, models=[A], strategy="self_moa", samples=2, max_tokens=4)
    assert out.error is None
    assert [v.tokens for v in out.stream.models.values()] == [4, 4]
    assert out.result.candidates == 2
    plain = local_env.create("blend", models=[A], messages=MSG, strategy="self_moa", samples=2, max_tokens=4)
    assert plain.content == out.result.content
    assert sb.requests[0].json == {
        "models": [A], "messages": MSG, "strategy": "self_moa", "samples": 2, "max_tokens": 4, "stream": True
    }
    assert sb.credits == 998  # two blends of 4-token answers, each settled at 1 of its 4 reserved


def test_parser_and_labels() -> None:
    chunk = parse_blend_event({"model": A, "delta": "x", "done": False, "phase": "layer", "layer": 2})
    assert isinstance(chunk, BlendChunkEvent) and chunk.layer == 2 and not chunk.is_synthesis
    synth = parse_blend_event({"model": A, "delta": "", "done": True, "phase": "synthesis", "latency_ms": 5})
    assert isinstance(synth, BlendModelDoneEvent) and synth.is_synthesis
    failed = parse_blend_event({"model": A, "error": "x", "status_code": 503, "done": True, "sample": 3})
    assert isinstance(failed, BlendModelErrorEvent) and failed.sample == 3
    assert isinstance(parse_blend_event({"event": "done", "content": "c", "layers": None}), BlendDoneEvent)
    assert isinstance(parse_blend_event({"event": "error", "error": "x", "refunded": True}), ErrorEvent)
    assert isinstance(parse_blend_event({"event": "summary"}), UnknownEvent)
    assert isinstance(parse_blend_event({"event": "phase_started", "phase": "synthesis"}), UnknownEvent)
    assert source_label(A) == A
    assert source_label(A, layer=2) == f"{A}#layer2"
    assert source_label(A, sample=5) == f"{A}#sample5"


def test_leaving_text_stream_early_releases_the_connection() -> None:
    sb = Sandbox()
    with httpx.Client(transport=sb.transport()) as http:
        client = LLMWise(KEY, base_url="http://sandbox", http_client=http)
        stream = client.blend.stream(models=[A, B], messages=MSG)
        for _ in stream.text_stream:
            break
        assert stream.response is not None and stream.response.is_closed
