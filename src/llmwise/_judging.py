"""Judge bias controls: position swapping and judge panels (`judge.create(swap_positions=...,
judges=[...])`), as several judge calls aggregated into one `AggregatedJudgeResult`.

LLM judges favour the answer they read first and answers of their own family. Swapping the
positions (each judge also judges the contestants in reverse order) and asking several judges
cancel much of both; the aggregate says whether the calls agreed.

Aggregation, exactly:

1. Each contestant's score is the mean of the scores the calls gave it (calls that gave it none
   are left out of its mean); it is None when no call scored it.
2. Contestants are ranked by mean score, highest first. Ties on the mean score are broken by rank
   agreement: the lower mean of the ranks the calls gave (1 is best; a contestant no call ranked
   comes after those ranked), then the more calls that named it the winner, then the order of
   `contestants` in the request. Contestants without any score come last, in the same order.
3. The aggregate's winner is the first of that ranking (None when no call scored anything and none
   named a winner). `same_winner` says whether every call named the same winner; `agreement` is
   the share of calls that named the aggregate's winner.
4. A call whose verdict came as text (see `JudgeResult.verdict`) contributes no scores or ranks,
   only its winner if it has one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from .types.judge import AggregatedJudgeResult, JudgeResult, JudgeRun, JudgeScore, Verdict, WinnerResponse

__all__ = ["RunPlan", "plan_runs", "aggregate"]


@dataclass
class RunPlan:
    """One judge call to make: its arguments, its judge, whether its contestants are reversed."""

    kwargs: dict[str, Any]
    judge: Any
    swapped: bool


def plan_runs(
    kwargs: dict[str, Any], *, swap_positions: bool, judges: Sequence[str] | None, where: str
) -> list[RunPlan]:
    """The judge calls `judge.create(swap_positions=..., judges=...)` makes, in order: for each judge,
    the contestants as given, then (with `swap_positions`) reversed."""
    if not isinstance(swap_positions, bool):
        raise TypeError(f"{where}(): swap_positions must be a bool, got {swap_positions!r}")
    contestants = kwargs.get("contestants")
    if not isinstance(contestants, (list, tuple)):
        raise TypeError(f"{where}(): contestants must be a list of model ids, got {type(contestants).__name__}")
    if judges is not None:
        if kwargs.get("judge") is not None:
            raise TypeError(f"{where}(): pass judge= (one judge) or judges= (a panel), not both")
        if isinstance(judges, str) or not isinstance(judges, (list, tuple)):
            raise TypeError(f"{where}(): judges must be a list of two or more model ids")
        if any(not isinstance(j, str) or not j for j in judges):
            raise TypeError(f"{where}(): judges must be a list of model ids (strings)")
        if len(judges) < 2 or len(set(judges)) != len(judges):
            raise ValueError(f"{where}(): judges must name two or more distinct models, got {list(judges)!r}")
        panel: list[Any] = list(judges)
    else:
        panel = [kwargs.get("judge")]
    key = kwargs.get("idempotency_key")
    plans: list[RunPlan] = []
    for judge in panel:
        orders = [list(contestants)]
        if swap_positions:
            orders.append(list(reversed(contestants)))
        for swapped, order in enumerate(orders):
            run = {**kwargs, "judge": judge, "contestants": order}
            if isinstance(key, str):
                # One key for every call would have the server replay the first call's answer.
                run["idempotency_key"] = f"{key}-{len(plans) + 1}"
            plans.append(RunPlan(run, judge, bool(swapped)))
    return plans


def _number(value: Any) -> Optional[float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _mean(values: list[float]) -> Optional[float]:
    return sum(values) / len(values) if values else None


def aggregate(plans: Sequence[RunPlan], results: Sequence[Any], *, swap_positions: bool) -> AggregatedJudgeResult:
    """One result from the calls' results (the rules are in the module docstring)."""
    for result in results:
        if not isinstance(result, JudgeResult):
            raise TypeError(
                "swap_positions and judges need parsed results; they cannot be combined with .with_raw_response"
            )
    first = results[0]
    requested = plans[0].kwargs.get("contestants") or []
    order = [m for m in dict.fromkeys(requested) if isinstance(m, str)]
    scores: dict[str, list[float]] = {}
    ranks: dict[str, list[float]] = {}
    winners = [result.winner for result in results]
    named_first = Counter(w for w in winners if w is not None)
    for result in results:
        for score in result.scores:
            model = score.model
            if not isinstance(model, str):
                continue
            if model not in order:
                order.append(model)
            value = _number(score.score)
            if value is not None:
                scores.setdefault(model, []).append(value)
            rank = _number(score.rank)
            if rank is not None:
                ranks.setdefault(model, []).append(rank)
    for winner in named_first:
        if winner not in order:
            order.append(winner)
    position = {model: i for i, model in enumerate(order)}

    def key(model: str) -> tuple[Any, ...]:
        mean = _mean(scores.get(model, []))
        mean_rank = _mean(ranks.get(model, []))
        return (
            mean is None,
            -(mean or 0.0),
            math.inf if mean_rank is None else mean_rank,
            -named_first[model],
            position[model],
        )

    ranking = sorted(order, key=key)
    aggregate_scores = []
    for i, model in enumerate(ranking, 1):
        mean = _mean(scores.get(model, []))
        aggregate_scores.append(JudgeScore(model=model, rank=i, score=None if mean is None else round(mean, 4)))
    winner = ranking[0] if ranking and (scores.get(ranking[0]) or named_first[ranking[0]]) else None

    judges = list(dict.fromkeys(plan.judge for plan in plans if isinstance(plan.judge, str)))
    calls = len(results)
    same_winner = None if any(w is None for w in winners) else len(set(winners)) == 1
    agreement = sum(w == winner for w in winners) / calls if winner is not None else None
    how = []
    if len(judges) > 1:
        how.append(f"a panel of {len(judges)} judges ({', '.join(judges)})")
    if swap_positions:
        how.append("the contestants in both orders")
    overall = f"Mean of {calls} verdicts ({', '.join(how)})"
    if same_winner is not None:
        overall += "; every verdict named the same winner" if same_winner else "; the verdicts named different winners"

    charged = [c for c in (_number(r.credits_charged) for r in results) if c is not None]
    latencies = [v for v in (_number(r.latency_ms) for r in results) if v is not None]
    winner_response = None
    if winner is not None:
        for result in results:
            answer = result.by_model.get(winner)
            if answer is not None:
                winner_response = WinnerResponse(model=winner, content=answer.content)
                break
    return AggregatedJudgeResult(
        verdict=Verdict(winner=winner, scores=aggregate_scores, overall=overall),
        winner_response=winner_response,
        contestants=first.contestants,
        judge=judges[0] if len(judges) == 1 else None,
        credits_charged=_whole(sum(charged)) if charged else None,
        credits_remaining=results[-1].credits_remaining,
        latency_ms=_whole(sum(latencies)) if latencies else None,
        conversation_id=first.conversation_id,
        runs=[
            JudgeRun(
                judge=plan.judge if isinstance(plan.judge, str) else None,
                contestants=[m for m in plan.kwargs.get("contestants") or [] if isinstance(m, str)],
                swapped=plan.swapped,
                result=result,
            )
            for plan, result in zip(plans, results, strict=True)
        ],
        calls=calls,
        judges=judges,
        swap_positions=swap_positions,
        same_winner=same_winner,
        agreement=agreement,
    )


def _whole(value: float) -> float:
    return int(value) if value == int(value) else value
