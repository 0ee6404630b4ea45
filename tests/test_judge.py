"""`client.judge` against the sandbox: contestant views, the verdict, failures, refunds, 400s."""

from __future__ import annotations

from typing import Any

import pytest

from llmwise import BadRequestError, ServerStreamError
from llmwise._streaming.judge import parse_judge_event
from llmwise.types.judge import (
    JudgeDoneEvent,
    JudgeResult,
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
    Verdict,
    VerdictEvent,
)
from llmwise.types.shared import UnknownEvent
from multi_support import MODELS, MSG, Env

pytest_plugins = ["multi_fixtures"]

A, B, C = MODELS
JUDGE = "claude-haiku-4.5"


def judge(env: Env, **kwargs: Any) -> Any:
    kwargs.setdefault("contestants", MODELS)
    kwargs.setdefault("judge", JUDGE)
    kwargs.setdefault("messages", MSG)
    return env.stream("judge", **kwargs)


def test_stream_contestants_then_verdict(server_env: Env) -> None:
    sb = server_env.sb
    out = judge(server_env, criteria=["accuracy", "brevity"])
    assert out.error is None
    assert [type(e) for e in out.events[-2:]] == [VerdictEvent, JudgeDoneEvent]
    assert {type(e) for e in out.events[:-2]} == {ModelChunkEvent, ModelDoneEvent}
    views = out.stream.models
    assert list(views) == MODELS
    assert all(views[m].text == sb.model_text(m, MSG) and views[m].status == "ok" for m in MODELS)

    verdict = out.events[-2]
    assert [s.rank for s in verdict.scores] == [1, 2, 3]
    assert verdict.winner == verdict.ranking[0] == verdict.scores[0].model
    assert sorted(verdict.ranking) == sorted(MODELS)
    assert all(0 <= (s.score or 0) <= 10 and s.reasoning for s in verdict.scores)
    assert [s.score for s in verdict.scores] == sorted((s.score for s in verdict.scores), reverse=True)
    assert "accuracy, brevity" in (verdict.overall or "")

    result: JudgeResult = out.result
    assert result.winner == verdict.winner
    assert isinstance(result.verdict, Verdict) and result.verdict.ranking == verdict.ranking
    assert result.winner_response is not None
    assert result.winner_response.model == result.winner
    assert result.winner_response.content == sb.model_text(verdict.winner or "", MSG)
    assert result.contestants is not None and [c.model for c in result.contestants] == MODELS
    assert result.by_model[B].content == views[B].text
    assert result.judge == JUDGE
    # Settled (sandbox._billing): the 5-credit reserve less what three answers and the verdict did not use.
    assert result.credits_charged == 3 and result.credits_remaining == sb.credits == 997


def test_non_stream_result_equals_stream_result(server_env: Env) -> None:
    streamed: JudgeResult = judge(server_env, criteria=["depth"]).result
    plain = server_env.create("judge", contestants=MODELS, judge=JUDGE, messages=MSG, criteria=["depth"])
    assert isinstance(plain, JudgeResult)
    assert plain.verdict == streamed.verdict
    assert plain.winner == streamed.winner
    assert plain.winner_response == streamed.winner_response
    assert plain.contestants is not None and streamed.contestants is not None
    assert [(c.model, c.content, c.status) for c in plain.contestants] == [
        (c.model, c.content, c.status) for c in streamed.contestants
    ]
    assert plain.judge == JUDGE
    assert plain.credits_charged == streamed.credits_charged == 3 and server_env.sb.credits == 994


def test_a_failing_contestant_is_yielded_and_ranked_last(server_env: Env) -> None:
    sb = server_env.sb
    sb.set_model(A, fail_status=503, fail_after_chunks=1)
    out = judge(server_env)
    assert out.error is None
    failures = [e for e in out.events if isinstance(e, ModelErrorEvent)]
    assert [(e.model, e.status_code) for e in failures] == [(A, 503)]
    verdict = out.result.verdict
    assert verdict is not None and verdict.ranking[-1] == A
    assert verdict.score_of(A).score == 0
    assert out.result.winner != A
    assert out.result.by_model[A].status == "error"
    assert all(out.stream.models[m].status == "ok" for m in (B, C))
    assert sb.credits == 997  # not refunded: settled on the answers that came


def test_all_contestants_failing_raises_with_refund(server_env: Env) -> None:
    sb = server_env.sb
    for model in (A, B):
        sb.set_model(model, fail_status=502, fail_after_chunks=1)
    out = judge(server_env, contestants=[A, B])
    assert isinstance(out.error, ServerStreamError)
    assert out.error.status_code == 502 and out.error.refunded is True
    for model in (A, B):
        assert f"{model}:\n{out.stream.models[model].text}" in out.error.partial_text
    assert not any(isinstance(e, VerdictEvent) for e in out.events)
    assert sb.credits == 1000


def test_failing_judge_raises_with_refund(server_env: Env) -> None:
    sb = server_env.sb
    sb.set_model(JUDGE, fail_status=429)
    out = judge(server_env)
    assert isinstance(out.error, ServerStreamError)
    assert out.error.status_code == 429 and out.error.refunded is True
    # The contestants had answered in full before the judge failed.
    assert all(out.stream.models[m].text == sb.model_text(m, MSG) for m in MODELS)
    assert sb.credits == 1000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contestants": [A]}, "'contestants' must list 2-4 models, got 1"),
        ({"contestants": [A, B, C, "deepseek-v3", "grok-3"]}, "'contestants' must list 2-4 models, got 5"),
        ({"contestants": [A, A]}, "'contestants' must not repeat a model"),
        ({"judge": B}, "'judge' must not be one of the contestants"),
        ({"judge": "nobody"}, "'judge': unknown model 'nobody'"),
        ({"judge": "auto"}, "'auto' is only supported by /chat"),
        ({"max_tokens": 200000}, "'max_tokens' must be an integer between 1 and 128000"),
    ],
)
def test_constraints_answered_with_400(server_env: Env, changes: dict[str, Any], message: str) -> None:
    kwargs: dict[str, Any] = {"contestants": MODELS, "judge": JUDGE, "messages": MSG, **changes}
    with pytest.raises(BadRequestError) as info:
        server_env.create("judge", **kwargs)
    assert message in info.value.message
    out = server_env.stream("judge", **kwargs)
    assert isinstance(out.error, BadRequestError) and message in out.error.message
    assert server_env.sb.credits == 1000


def test_arguments_checked_before_sending(local_env: Env) -> None:
    with pytest.raises(TypeError, match="missing required keyword argument: 'judge'"):
        local_env.create("judge", contestants=MODELS, messages=MSG)
    with pytest.raises(TypeError, match="'criteria' item 0 must be str"):
        local_env.create("judge", contestants=MODELS, judge=JUDGE, messages=MSG, criteria=[1])
    assert local_env.sb.requests == []


def test_in_process_model_text_stream(local_env: Env) -> None:
    sb = local_env.sb
    out = judge(local_env, contestants=[A, B], text_of=B)
    assert out.error is None
    assert "".join(out.pieces) == sb.model_text(B, MSG)
    assert out.result.by_model[A].content == sb.model_text(A, MSG)
    assert out.result.winner in (A, B)
    assert sb.credits == 1000 - out.result.credits_charged == 998


def test_verdict_scores_are_sorted_by_rank() -> None:
    verdict = Verdict.model_validate(
        {
            "winner": B,
            "scores": [
                {"model": A, "rank": 3, "score": 2.0},
                {"model": C, "score": 1.0},
                {"model": B, "rank": 1, "score": 9.5, "extra": "kept"},
                {"model": "x", "rank": 2, "score": 5.0},
            ],
        }
    )
    assert verdict.ranking == [B, "x", A, C]
    assert verdict.scores is not None and verdict.scores[0].get("extra") == "kept"
    assert verdict.score_of("nobody") is None


def test_parser_never_guesses() -> None:
    event = parse_judge_event({"event": "verdict", "winner": A, "scores": [{"model": A, "rank": 1}], "overall": "o"})
    assert isinstance(event, VerdictEvent) and event.ranking == [A]
    assert isinstance(parse_judge_event({"event": "done", "judge": JUDGE}), JudgeDoneEvent)
    assert isinstance(parse_judge_event({"event": "summary", "fastest": A}), UnknownEvent)
    assert isinstance(parse_judge_event({"model": A, "delta": "d", "done": False}), ModelChunkEvent)
