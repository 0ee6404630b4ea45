"""/compare, /blend and /judge — in-process and over TCP."""

from __future__ import annotations

from typing import Any

import pytest

from llmwise.sandbox import model_text

from .helpers import USER, Env

TWO = ["gpt-5.2", "deepseek-v3"]
THREE = ["gpt-5.2", "deepseek-v3", "gemini-3-flash"]


def deltas_by_model(found: list[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for event in found:
        if "delta" in event and not event.get("done") and "event" not in event:
            out[event["model"]] = out.get(event["model"], "") + event["delta"]
    return out


# -- compare --------------------------------------------------------------------------------------


def test_compare_zero_latency_alternates_round_robin(env: Env) -> None:
    found = env.stream_events("/compare", {"models": TWO, "messages": USER})
    chunk_models = [e["model"] for e in found if "delta" in e and not e["done"]]
    shortest = min(len(model_text(m, USER).split()) for m in TWO) // 3
    assert chunk_models[: 2 * shortest] == TWO * shortest
    assert deltas_by_model(found) == {m: model_text(m, USER) for m in TWO}
    completions = [e for e in found if e.get("done") is True and "event" not in e]
    assert {c["model"] for c in completions} == set(TWO)
    for completion in completions:
        assert completion["content_length"] == len(model_text(completion["model"], USER))
        assert completion["completion_tokens"] == len(model_text(completion["model"], USER).split())
    summary, done = found[-2], found[-1]
    assert summary["event"] == "summary"
    assert summary["fastest"] == "gpt-5.2"  # every latency is 0: ties go to the first model
    longest = max(TWO, key=lambda m: len(model_text(m, USER)))
    assert summary["longest"] == longest
    assert set(summary["models"]) == set(TWO)
    assert summary["models"]["gpt-5.2"]["status"] == "ok"
    assert summary["models"]["gpt-5.2"]["tokens"] == len(model_text("gpt-5.2", USER).split())
    # Settled against the two answers' tokens (sandbox._billing): here exactly the 2-credit reserve.
    assert done == {
        "event": "done",
        "id": done["id"],
        "credits_charged": 2,
        "credits_remaining": 998,
        "latency_ms": 0,
        "semantic_memory_used": False,
        "semantic_memory_hits": 0,
        "semantic_memories": [],
    }


def test_compare_fast_model_finishes_first(env: Env) -> None:
    env.sb.set_model("gpt-5.2", latency=0.004)
    env.sb.set_model("gemini-3-flash", latency=0.0)
    found = env.stream_events("/compare", {"models": ["gpt-5.2", "gemini-3-flash"], "messages": USER})
    completions = [e["model"] for e in found if e.get("done") is True and "event" not in e]
    assert completions == ["gemini-3-flash", "gpt-5.2"]
    first_chunks = [e["model"] for e in found if "delta" in e and not e["done"]]
    gemini_chunks = len([m for m in first_chunks if m == "gemini-3-flash"])
    assert first_chunks[:gemini_chunks] == ["gemini-3-flash"] * gemini_chunks
    assert found[-2]["fastest"] == "gemini-3-flash"


def test_compare_one_model_failing_midway(env: Env) -> None:
    env.sb.set_model("deepseek-v3", fail_status=503, fail_after_chunks=2)
    found = env.stream_events("/compare", {"models": THREE, "messages": USER})
    failed = [e for e in found if e.get("model") == "deepseek-v3"]
    assert [e.get("delta") is not None for e in failed] == [True, True, False]
    error = failed[-1]
    assert error["done"] is True and error["status_code"] == 503 and "error" in error
    text = deltas_by_model(found)
    assert text["gpt-5.2"] == model_text("gpt-5.2", USER)
    assert text["gemini-3-flash"] == model_text("gemini-3-flash", USER)
    summary = found[-2]
    assert summary["models"]["deepseek-v3"]["status"] == "error"
    assert summary["models"]["deepseek-v3"]["status_code"] == 503
    assert found[-1]["credits_charged"] == 1
    assert env.sb.credits == 999  # a partial failure is not refunded: the answers given are billed


def test_compare_all_failing_is_refunded(env: Env) -> None:
    for model in TWO:
        env.sb.set_model(model, fail_status=500)
    found = env.stream_events("/compare", {"models": TWO, "messages": USER})
    assert [e.get("status_code") for e in found[:2]] == [500, 500]
    assert found[-1] == {"event": "error", "error": "All models failed", "status_code": 502, "refunded": True}
    assert env.sb.credits == 1000
    response = env.post("/compare", {"models": TWO, "messages": USER, "stream": False})
    assert response.status_code == 502
    assert response.json()["refunded"] is True


def test_compare_non_stream(env: Env) -> None:
    env.sb.set_model("deepseek-v3", fail_status=429)
    c1 = env.post("/conversations", {}).json()["id"]  # unknown ids are a 404
    body = env.post(
        "/compare", {"models": THREE, "messages": USER, "stream": False, "conversation_id": c1}
    ).json()
    assert [r["model"] for r in body["responses"]] == THREE
    ok = body["responses"][0]
    assert ok["status"] == "ok" and ok["content"] == model_text("gpt-5.2", USER)
    assert {"latency_ms", "completion_tokens", "prompt_tokens", "cost"} <= set(ok)
    failed = body["responses"][1]
    assert failed["status"] == "error" and failed["status_code"] == 429 and failed["error"]
    assert body["summary"]["fastest"] == "gpt-5.2"
    assert body["credits_charged"] == 1 and body["credits_remaining"] == 999
    assert body["conversation_id"] == c1


# -- blend ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["consensus", "council", "best_of", "chain"])
def test_blend_gather_strategies(env: Env, strategy: str) -> None:
    body = {"models": TWO, "messages": USER, "strategy": strategy, "synthesizer": "claude-sonnet-4.5"}
    found = env.stream_events("/blend", body)
    gather = [e for e in found if e.get("phase") == "gather"]
    assert {e["model"] for e in gather} == set(TWO)
    first = model_text(TWO[0], USER)
    if strategy == "chain":  # sequential: the second step reads the first one's answer
        expected = {TWO[0]: first, TWO[1]: model_text(TWO[1], USER, reading=[(TWO[0], first)])}
    else:
        expected = {m: model_text(m, USER) for m in TWO}
    assert deltas_by_model(gather) == expected
    assert sum(1 for e in gather if e["done"]) == 2
    synthesis = [e for e in found if e.get("phase") == "synthesis"]
    assert synthesis and all(e["model"] == "claude-sonnet-4.5" for e in synthesis)
    assert found.index(synthesis[0]) > max(found.index(e) for e in gather)
    text = "".join(e["delta"] for e in synthesis if not e["done"])
    assert text.startswith("[claude-sonnet-4.5] ")
    done = found[-1]
    assert done["event"] == "done"
    assert done["strategy"] == strategy and done["synthesizer"] == "claude-sonnet-4.5"
    assert done["source_models"] == TWO
    assert done["candidates"] is None and done["layers"] is None
    assert done["content"] == text and done["finish_reason"] == "stop"
    # Settled below the 4-credit reserve: two answers and the synthesis use about 250 tokens.
    assert done["credits_charged"] == 3 and done["credits_remaining"] == 997


def test_blend_strategies_give_different_syntheses(env: Env) -> None:
    contents = {
        strategy: env.post(
            "/blend", {"models": TWO, "messages": USER, "strategy": strategy, "stream": False}
        ).json()["content"]
        for strategy in ("consensus", "council", "best_of", "chain")
    }
    assert len(set(contents.values())) == 4


def test_blend_default_strategy_and_synthesizer(env: Env) -> None:
    done = env.stream_events("/blend", {"models": TWO, "messages": USER})[-1]
    assert done["strategy"] == "consensus"
    assert done["synthesizer"] == "gpt-5.2"


def test_blend_moa_layers(env: Env) -> None:
    body = {"models": TWO, "messages": USER, "strategy": "moa", "layers": 3}
    found = env.stream_events("/blend", body)
    layer_frames = [e for e in found if e.get("phase") == "layer"]
    assert [e["layer"] for e in layer_frames] == sorted(e["layer"] for e in layer_frames)
    assert {e["layer"] for e in layer_frames} == {1, 2, 3}
    previous: list[tuple[str, str]] = []
    for layer in (1, 2, 3):
        frames = [e for e in layer_frames if e["layer"] == layer]
        # Layer k reads every answer of layer k-1.
        reading = previous if layer > 1 else None
        expected = {m: model_text(m, USER, layer=layer, reading=reading) for m in TWO}
        assert deltas_by_model(frames) == expected
        assert sum(1 for e in frames if e["done"]) == 2
        previous = [(m, expected[m]) for m in TWO]
    assert model_text("gpt-5.2", USER, layer=1) == model_text("gpt-5.2", USER)
    done = found[-1]
    assert done["layers"] == 3 and done["candidates"] is None and done["strategy"] == "moa"
    assert env.stream_events("/blend", {**body, "layers": None})[-1]["layers"] == 1


def test_blend_self_moa_samples(env: Env) -> None:
    body = {"models": ["deepseek-v3"], "messages": USER, "strategy": "self_moa", "samples": 4}
    found = env.stream_events("/blend", body)
    samples = [e for e in found if e.get("phase") == "sample"]
    assert {e["sample"] for e in samples} == {1, 2, 3, 4}
    assert all(e["model"] == "deepseek-v3" for e in samples)
    texts = {
        i: "".join(e["delta"] for e in samples if e["sample"] == i and not e["done"]) for i in range(1, 5)
    }
    assert texts == {i: model_text("deepseek-v3", USER, sample=i) for i in range(1, 5)}
    assert len(set(texts.values())) == 4
    done = found[-1]
    assert done["candidates"] == 4 and done["layers"] is None and done["synthesizer"] == "deepseek-v3"
    default = env.stream_events("/blend", {k: v for k, v in body.items() if k != "samples"})[-1]
    assert default["candidates"] == 3


def test_blend_failing_source_is_skipped(env: Env) -> None:
    env.sb.set_model("deepseek-v3", fail_status=503)
    found = env.stream_events("/blend", {"models": THREE, "messages": USER})
    error = next(e for e in found if e.get("model") == "deepseek-v3")
    assert error["status_code"] == 503 and error["done"] is True and error["phase"] == "gather"
    assert found[-1]["event"] == "done"
    result = env.post("/blend", {"models": THREE, "messages": USER, "stream": False}).json()
    assert [s["status"] for s in result["sources"]] == ["ok", "error", "ok"]
    assert result["content"] == found[-1]["content"]


def test_blend_all_sources_fail_is_refunded(env: Env) -> None:
    for model in TWO:
        env.sb.set_model(model, fail_status=429)
    found = env.stream_events("/blend", {"models": TWO, "messages": USER})
    assert found[-1] == {
        "event": "error",
        "error": "All source models failed",
        "status_code": 502,
        "refunded": True,
    }
    assert env.sb.credits == 1000


def test_blend_synthesizer_failing_mid_way_is_refunded(env: Env) -> None:
    env.sb.set_model("claude-sonnet-4.5", fail_status=500, fail_after_chunks=1)
    found = env.stream_events("/blend", {"models": TWO, "messages": USER, "synthesizer": "claude-sonnet-4.5"})
    synthesis = [e for e in found if e.get("phase") == "synthesis"]
    assert len(synthesis) == 2 and synthesis[1]["status_code"] == 500
    assert found[-1]["event"] == "error" and found[-1]["refunded"] is True and found[-1]["status_code"] == 500
    assert env.sb.credits == 1000


def test_blend_non_stream(env: Env) -> None:
    body = {"models": TWO, "messages": USER, "strategy": "moa", "layers": 2, "stream": False}
    result = env.post("/blend", body).json()
    assert result["strategy"] == "moa" and result["layers"] == 2 and result["candidates"] is None
    assert result["source_models"] == TWO and result["synthesizer"] == "gpt-5.2"
    assert [(s["model"], s["layer"]) for s in result["sources"]] == [
        ("gpt-5.2", 1),
        ("deepseek-v3", 1),
        ("gpt-5.2", 2),
        ("deepseek-v3", 2),
    ]
    layer1 = [(m, model_text(m, USER)) for m in TWO]
    assert result["sources"][2]["content"] == model_text("gpt-5.2", USER, layer=2, reading=layer1)
    # Settled above the 4-credit reserve: layer 2 reads layer 1, so its prompts are long; the extra
    # 3 credits are charged on top.
    assert result["credits_charged"] == 7 and result["credits_remaining"] == 993
    streamed = env.stream_events("/blend", {**body, "stream": True})[-1]
    assert streamed["content"] == result["content"]


# -- judge ----------------------------------------------------------------------------------------

JUDGE = {
    "contestants": THREE,
    "judge": "claude-sonnet-4.5",
    "messages": USER,
    "criteria": ["accuracy", "depth"],
}


def test_judge_ranking(env: Env) -> None:
    found = env.stream_events("/judge", JUDGE)
    assert deltas_by_model(found) == {m: model_text(m, USER) for m in THREE}
    verdict, done = found[-2], found[-1]
    assert verdict["event"] == "verdict"
    scores = verdict["scores"]
    assert [s["rank"] for s in scores] == [1, 2, 3]
    assert {s["model"] for s in scores} == set(THREE)
    values = [s["score"] for s in scores]
    assert values == sorted(values, reverse=True)
    assert all(0 <= v <= 10 and round(v, 1) == v for v in values)
    assert all("accuracy, depth" in s["reasoning"] for s in scores)
    assert verdict["winner"] == scores[0]["model"]
    assert verdict["winner"] in verdict["overall"]
    assert done == {
        "event": "done",
        "id": done["id"],
        "judge": "claude-sonnet-4.5",
        "credits_charged": 4,  # settled: 1 of the 5 reserved came back
        "credits_remaining": 996,
        "latency_ms": 0,
        "semantic_memory_used": False,
        "semantic_memory_hits": 0,
        "semantic_memories": [],
    }
    again = env.stream_events("/judge", JUDGE)[-2]
    assert again == verdict  # deterministic
    other = env.stream_events("/judge", {**JUDGE, "criteria": ["brevity"]})[-2]
    assert [s["score"] for s in other["scores"]] != values or other["winner"] != verdict["winner"]


def test_judge_failed_contestant_ranks_last(env: Env) -> None:
    env.sb.set_model("gpt-5.2", fail_status=503)
    verdict = env.stream_events("/judge", JUDGE)[-2]
    last = verdict["scores"][-1]
    assert last["model"] == "gpt-5.2" and last["score"] == 0.0 and last["rank"] == 3
    assert verdict["winner"] != "gpt-5.2"


def test_judge_all_contestants_or_judge_failing_is_refunded(env: Env) -> None:
    env.sb.set_model("claude-sonnet-4.5", fail_status=503)
    found = env.stream_events("/judge", JUDGE)
    assert found[-1]["event"] == "error" and found[-1]["status_code"] == 503 and found[-1]["refunded"] is True
    env.sb.set_model("claude-sonnet-4.5")
    for model in THREE:
        env.sb.set_model(model, fail_status=500)
    found = env.stream_events("/judge", JUDGE)
    assert found[-1] == {
        "event": "error",
        "error": "All contestants failed",
        "status_code": 502,
        "refunded": True,
    }
    assert env.sb.credits == 1000


def test_judge_non_stream(env: Env) -> None:
    result = env.post("/judge", {**JUDGE, "stream": False}).json()
    winner = result["verdict"]["winner"]
    assert result["winner_response"] == {"model": winner, "content": model_text(winner, USER)}
    assert [c["model"] for c in result["contestants"]] == THREE
    assert all(c["status"] == "ok" and "latency_ms" in c and c["content"] for c in result["contestants"])
    assert result["judge"] == "claude-sonnet-4.5"
    assert result["credits_charged"] == 4 and result["credits_remaining"] == 996
    streamed = env.stream_events("/judge", JUDGE)[-2]
    assert {k: v for k, v in streamed.items() if k != "event"} == result["verdict"]
