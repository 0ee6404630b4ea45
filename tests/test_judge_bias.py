"""Judge bias controls against the sandbox, with both clients: `swap_positions=True` (two calls, the
second with the contestants reversed) and `judges=[...]` (a panel), aggregated into one result."""

from __future__ import annotations

from typing import Any

import pytest

from llmwise import BadRequestError
from llmwise._judging import RunPlan, aggregate
from llmwise.types.judge import AggregatedJudgeResult, JudgeResult, Verdict
from support import SandboxEnv

MSG: list[Any] = [{"role": "user", "content": "Which explanation of retries with jitter is best?"}]
CONTESTANTS = ["gpt-5.2", "claude-sonnet-4.5", "gemini-3-flash"]
JUDGE = "claude-haiku-4.5"


def judge_posts(env: SandboxEnv) -> list[dict[str, Any]]:
    return [r.json for r in env.sandbox.requests if r.method == "POST" and r.path == "/judge"]


def single(env: SandboxEnv, **kwargs: Any) -> JudgeResult:
    result: JudgeResult = env.call(env.client.judge.create(contestants=CONTESTANTS, messages=MSG, **kwargs))
    return result


def test_swap_positions_makes_two_calls_in_reverse_order_and_averages(env: SandboxEnv) -> None:
    result = env.call(
        env.client.judge.create(contestants=CONTESTANTS, judge=JUDGE, messages=MSG, swap_positions=True)
    )
    sent = judge_posts(env)
    assert [p["contestants"] for p in sent] == [CONTESTANTS, CONTESTANTS[::-1]]
    assert [p["judge"] for p in sent] == [JUDGE, JUDGE]

    assert isinstance(result, AggregatedJudgeResult) and isinstance(result, JudgeResult)
    assert result.calls == 2 and result.swap_positions and result.judges == [JUDGE] and result.judge == JUDGE
    assert [(run.judge, run.contestants, run.swapped) for run in result.runs] == [
        (JUDGE, CONTESTANTS, False),
        (JUDGE, CONTESTANTS[::-1], True),
    ]
    first, second = (run.result for run in result.runs)
    assert result.verdicts == [first.verdict, second.verdict]
    # The server's settled charges of both calls, added up (at least 1 credit a call).
    assert result.credits_charged == (first.credits_charged or 0) + (second.credits_charged or 0) >= 2
    assert result.credits_remaining == second.credits_remaining

    for model in CONTESTANTS:
        a, b = first.verdict.score_of(model), second.verdict.score_of(model)  # type: ignore[union-attr]
        assert a is not None and b is not None
        score = result.verdict.score_of(model)  # type: ignore[union-attr]
        assert score is not None and score.score == pytest.approx(((a.score or 0) + (b.score or 0)) / 2)
    means = [s.score for s in result.scores]
    assert means == sorted(means, reverse=True)  # type: ignore[type-var]
    assert [s.rank for s in result.scores] == [1, 2, 3] and result.ranking == [s.model for s in result.scores]
    assert result.winner == result.ranking[0]
    # The sandbox's judge scores a contestant the same in any position: both ways agree.
    assert result.same_winner is True and result.agreement == 1.0 and first.winner == second.winner
    assert result.winner_response is not None and result.winner_response.model == result.winner
    assert result.contestants is not None and [c.model for c in result.contestants] == CONTESTANTS
    assert "Mean of 2 verdicts" in (result.verdict.overall or "")  # type: ignore[union-attr]
    # Two judge calls, as the ledger saw them.
    judged = [e for e in env.client.ledger if e.operation == "judge"]
    assert len(judged) == 2 and sum(e.credits_charged or 0 for e in judged) == result.credits_charged


def test_a_panel_of_judges(env: SandboxEnv) -> None:
    judges = ["claude-haiku-4.5", "claude-opus-4.6", "deepseek-v3"]
    result = env.call(env.client.judge.create(contestants=CONTESTANTS, judges=judges, messages=MSG))
    sent = judge_posts(env)
    assert [p["judge"] for p in sent] == judges and all(p["contestants"] == CONTESTANTS for p in sent)
    assert result.calls == 3 and result.judges == judges and result.judge is None and not result.swap_positions
    assert result.credits_charged == sum(run.result.credits_charged or 0 for run in result.runs) >= 3
    assert [run.judge for run in result.runs] == judges
    assert result.verdict.winner == result.winner and "a panel of 3 judges" in result.verdict.overall


def test_a_panel_with_swapped_positions(env: SandboxEnv) -> None:
    judges = ["claude-haiku-4.5", "claude-opus-4.6"]
    result = env.call(
        env.client.judge.create(
            contestants=CONTESTANTS[:2], judges=judges, messages=MSG, swap_positions=True, idempotency_key="batch-7"
        )
    )
    sent = judge_posts(env)
    assert [(p["judge"], p["contestants"]) for p in sent] == [
        (judges[0], CONTESTANTS[:2]),
        (judges[0], CONTESTANTS[1::-1]),
        (judges[1], CONTESTANTS[:2]),
        (judges[1], CONTESTANTS[1::-1]),
    ]
    # One key per call: the same key would have the server replay the first call's answer.
    keys = [r.headers.get("idempotency-key") for r in env.sandbox.requests if r.path == "/judge"]
    assert keys == ["batch-7-1", "batch-7-2", "batch-7-3", "batch-7-4"]
    assert result.calls == 4
    assert result.credits_charged == sum(run.result.credits_charged or 0 for run in result.runs) >= 4


def test_arguments_are_checked_before_anything_is_sent(env: SandboxEnv) -> None:
    create = env.client.judge.create
    with pytest.raises(TypeError, match="not both"):
        env.call(create(contestants=CONTESTANTS, judge=JUDGE, judges=[JUDGE, "deepseek-v3"], messages=MSG))
    with pytest.raises(ValueError, match="two or more distinct"):
        env.call(create(contestants=CONTESTANTS, judges=[JUDGE], messages=MSG))
    with pytest.raises(ValueError, match="two or more distinct"):
        env.call(create(contestants=CONTESTANTS, judges=[JUDGE, JUDGE], messages=MSG))
    with pytest.raises(TypeError, match="stream"):
        env.call(create(contestants=CONTESTANTS, judge=JUDGE, messages=MSG, swap_positions=True, stream=True))
    with pytest.raises(TypeError, match="unexpected keyword argument 'critera'"):
        env.call(create(contestants=CONTESTANTS, judge=JUDGE, messages=MSG, swap_positions=True, critera=["x"]))
    assert judge_posts(env) == []


def test_a_failing_call_raises(env: SandboxEnv) -> None:
    # The second judge is a contestant: the server refuses that call, and the error is raised.
    with pytest.raises(BadRequestError):
        env.call(env.client.judge.create(contestants=CONTESTANTS, judges=[JUDGE, CONTESTANTS[0]], messages=MSG))
    assert len(judge_posts(env)) == 2


def run_of(scores: list[tuple[str, int, float]], winner: str | None = None) -> JudgeResult:
    return JudgeResult.from_api(
        {
            "verdict": {
                "winner": winner if winner is not None else scores[0][0],
                "scores": [{"model": m, "rank": r, "score": s} for m, r, s in scores],
            },
            "credits_charged": 5,
        }
    )


def plans(n: int) -> list[RunPlan]:
    return [RunPlan({"contestants": ["a", "b", "c"], "judge": "j"}, "j", bool(i % 2)) for i in range(n)]


def test_aggregation_ties_go_to_the_better_mean_rank_then_more_wins_then_request_order() -> None:
    # a and b tie on the mean score (7.0); b has the better mean rank (1.0 against 2.0), though the
    # second call named a its winner.
    result = aggregate(
        plans(2),
        [
            run_of([("b", 1, 8.0), ("a", 2, 7.0), ("c", 3, 1.0)]),
            run_of([("b", 1, 6.0), ("a", 2, 7.0), ("c", 3, 1.0)], winner="a"),
        ],
        swap_positions=True,
    )
    assert result.ranking == ["b", "a", "c"] and result.winner == "b"
    assert [s.score for s in result.scores] == [7.0, 7.0, 1.0]
    assert result.same_winner is False and result.agreement == 0.5 and result.credits_charged == 10

    # Same mean score and mean rank: the one more calls named the winner.
    result = aggregate(
        plans(3),
        [
            run_of([("a", 1, 5.0), ("b", 2, 5.0)]),
            run_of([("b", 1, 5.0), ("a", 2, 5.0)]),
            run_of([("a", 1, 5.0), ("b", 1, 5.0)], winner="b"),
        ],
        swap_positions=False,
    )
    assert result.ranking[:2] == ["b", "a"]

    # Everything equal: the order of `contestants` in the request; never scored: last.
    result = aggregate(
        plans(2), [run_of([("b", 1, 5.0), ("a", 1, 5.0)], winner="a"), run_of([("b", 1, 5.0), ("a", 1, 5.0)], winner="b")],
        swap_positions=True,
    )
    assert result.ranking == ["a", "b", "c"] and result.scores[2].score is None


def test_a_verdict_sent_as_text_counts_only_its_winner() -> None:
    text = JudgeResult.from_api({"verdict": "b wins, clearly", "winner_response": {"model": "b", "content": "B"}})
    result = aggregate(plans(2), [run_of([("a", 1, 6.0), ("b", 2, 4.0)]), text], swap_positions=True)
    assert isinstance(result.verdicts[1], str)
    assert result.ranking == ["a", "b", "c"] and [s.score for s in result.scores] == [6.0, 4.0, None]
    assert result.same_winner is False and result.agreement == 0.5
    assert isinstance(result.verdict, Verdict) and result.credits_charged == 5  # the unknown charge is left out


def test_several_calls_have_no_raw_response_and_nothing_is_sent(env: SandboxEnv) -> None:
    several: list[dict[str, Any]] = [{"swap_positions": True, "judge": JUDGE}, {"judges": [JUDGE, "deepseek-v3"]}]
    for kwargs in several:
        with pytest.raises(TypeError, match="no raw response"):
            env.call(env.client.judge.with_raw_response.create(contestants=CONTESTANTS, messages=MSG, **kwargs))
    assert judge_posts(env) == []
