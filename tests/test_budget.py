"""Budgets (`client.budget(max_credits=...)`) against the sandbox, with both clients: a call that
would pass the budget is refused before anything is sent; spent follows the server's charges."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import llmwise
from llmwise import AsyncLLMWise, Budget, BudgetExceededError, LLMWise, LLMWiseError, ServerStreamError
from llmwise.sandbox import Sandbox
from support import KEY, SandboxEnv, run

MSG: list[Any] = [{"role": "user", "content": "How do budgets work?"}]
MODELS = ["gpt-5.2", "claude-sonnet-4.5"]


def chat(env: SandboxEnv, **kwargs: Any) -> Any:
    kwargs.setdefault("model", "gpt-5.2")
    kwargs.setdefault("messages", MSG)
    return env.call(env.client.chat.create(**kwargs))


def posts(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.method == "POST")


def test_refused_before_anything_is_sent(env: SandboxEnv) -> None:
    sb = env.sandbox
    with env.client.budget(max_credits=3) as budget:
        chat(env)
        chat(env)
        sent = posts(sb)
        with pytest.raises(BudgetExceededError) as info:
            env.call(env.client.compare.create(models=MODELS, messages=MSG))  # reserves 2: 2 + 2 > 3
        assert posts(sb) == sent  # nothing on the wire
        chat(env)  # 2 + 1 <= 3: still allowed
        with pytest.raises(BudgetExceededError):
            chat(env)
    err = info.value
    assert isinstance(err, LLMWiseError) and err.budget is budget and err.mode == "compare" and err.reserve == 2
    assert "max_credits=3" in err.message and "nothing was sent" in err.message
    assert (budget.spent, budget.remaining, budget.calls, budget.held) == (3, 0, 3, 0)
    assert posts(sb) == 3


def test_spent_is_what_the_server_charged(env: SandboxEnv) -> None:
    with env.client.budget(max_credits=50) as budget:
        charged = [
            chat(env).credits_charged,
            env.call(env.client.compare.create(models=MODELS, messages=MSG)).credits_charged,
            env.call(env.client.blend.create(models=MODELS, strategy="consensus", messages=MSG)).credits_charged,
            env.call(
                env.client.judge.create(contestants=MODELS, judge="claude-haiku-4.5", messages=MSG)
            ).credits_charged,
        ]
        _events, error, stream = env.stream(model="gpt-5.2", messages=MSG)
        assert error is None
        charged.append(stream.get_final_completion().credits_charged if env.mode == "sync" else None)
    if charged[-1] is None:  # the async stream's final completion, read again from its events
        charged[-1] = next(e for e in _events if e.get("event") == "done").credits_charged
    # What the server settled (the sandbox: 1 credit a 100 tokens, at least 1), never the reserves.
    assert all(isinstance(c, (int, float)) and c >= 1 for c in charged)
    total = sum(c for c in charged if c is not None)
    assert budget.spent == total and budget.calls == 5 and budget.remaining == 50 - total
    assert env.sandbox.credits == 1000 - total


def test_refunds_add_nothing(env: SandboxEnv) -> None:
    sb = env.sandbox
    with env.client.budget(max_credits=10) as budget:
        sb.set_model("gpt-5.2", fail_status=503)
        with pytest.raises(llmwise.InternalServerError):
            chat(env, max_retries=0)  # an HTTP error, refunded
        sb.set_model("gpt-5.2", fail_status=503, fail_after_chunks=2)
        _events, error, _stream = env.stream(model="gpt-5.2", messages=MSG)  # an error frame, refunded
        assert isinstance(error, ServerStreamError) and error.refunded
        sb.set_model("gpt-5.2")
        with pytest.raises(llmwise.BadRequestError):
            chat(env, model="no-such-model")  # refused by the server: nothing charged
    assert budget.spent == 0 and budget.calls == 3 and budget.held == 0
    assert sb.credits == 1000


def test_an_unknown_charge_counts_the_reserve(env: SandboxEnv) -> None:
    # A stream closed before its end: the server's charge is unknown, so the reserve is kept.
    with env.client.budget(max_credits=10) as budget:
        if env.mode == "sync":
            with env.client.chat.stream(model="gpt-5.2", messages=MSG) as stream:
                next(iter(stream))
        else:

            async def go() -> None:
                async with env.client.chat.stream(model="gpt-5.2", messages=MSG) as stream:
                    await stream.__anext__()

            env.call(go())
    assert budget.spent == 1 and budget.held == 0


def test_a_stream_past_the_budget_is_not_cut(env: SandboxEnv) -> None:
    # The reserve says 0.5, the server charges at least 1: the stream runs to its end, and spent
    # passes the max.
    with env.client.budget(max_credits=0.5, reserves={"compare": 0.5}) as budget:
        events, error, stream = env.stream("compare", models=MODELS, messages=MSG)
        assert error is None and all(view.done for view in stream.models.values())
        with pytest.raises(BudgetExceededError):
            chat(env)
    charged = next(e for e in events if e.get("event") == "done").credits_charged
    assert charged >= 1 and budget.spent == charged > budget.max_credits and budget.remaining == 0


def test_reserves_are_overridable_and_documented() -> None:
    assert dict(llmwise.DEFAULT_RESERVES) == {"chat": 1, "compare": 2, "blend": 4, "judge": 5}
    budget = Budget(10, reserves={"judge": 7})
    assert budget.reserves["judge"] == 7 and budget.reserves["chat"] == 1
    with pytest.raises(ValueError, match="unknown mode 'embed'"):
        Budget(10, reserves={"embed": 1})
    for bad in (-1, float("nan"), float("inf"), "10", True):
        with pytest.raises(ValueError):
            Budget(bad)  # type: ignore[arg-type]


def test_nested_budgets_each_count_and_each_must_fit(env: SandboxEnv) -> None:
    with env.client.budget(max_credits=5) as outer:
        chat(env)
        with env.client.budget(max_credits=100) as inner:
            chat(env)
            with pytest.raises(BudgetExceededError) as info:
                env.call(env.client.judge.create(contestants=MODELS, judge="claude-haiku-4.5", messages=MSG))
            assert info.value.budget is outer  # the inner one had room
        chat(env)
    assert (outer.spent, outer.calls) == (3, 3)
    assert (inner.spent, inner.calls) == (1, 1)


def test_a_budget_covers_its_client_and_its_copies_only(env: SandboxEnv) -> None:
    copy = env.client.with_options(timeout=30)
    other_mode = LLMWise if env.mode == "sync" else AsyncLLMWise
    transport = env.sandbox.transport() if env.mode == "sync" else env.sandbox.async_transport()
    http: Any = httpx.Client(transport=transport) if env.mode == "sync" else httpx.AsyncClient(transport=transport)
    other: Any = other_mode(KEY, base_url="http://sandbox", http_client=http)
    with env.client.budget(max_credits=1) as budget:
        env.call(copy.chat.create(model="gpt-5.2", messages=MSG))
        with pytest.raises(BudgetExceededError):
            chat(env)
        env.call(other.chat.create(model="gpt-5.2", messages=MSG))  # another client: not covered
    assert budget.calls == 1 and budget.spent == 1


def test_judge_with_swapped_positions_must_fit_whole(env: SandboxEnv) -> None:
    sb = env.sandbox
    with env.client.budget(max_credits=9), pytest.raises(BudgetExceededError) as info:
        env.call(
            env.client.judge.create(
                contestants=MODELS, judge="claude-haiku-4.5", messages=MSG, swap_positions=True
            )
        )
    assert "2 judge calls reserve 10 credits" in info.value.message
    assert posts(sb) == 0


def test_concurrent_tasks_have_their_own_budgets() -> None:
    sb = Sandbox()

    async def main() -> None:
        async with AsyncLLMWise(
            KEY, base_url="http://sandbox", http_client=httpx.AsyncClient(transport=sb.async_transport())
        ) as client:

            async def task(limit: float, calls: int) -> tuple[Budget, int]:
                refused = 0
                async with client.budget(max_credits=limit) as budget:
                    for _ in range(calls):
                        try:
                            await client.chat.create(model="gpt-5.2", messages=MSG)
                        except BudgetExceededError:
                            refused += 1
                        await asyncio.sleep(0)
                return budget, refused

            (a, refused_a), (b, refused_b) = await asyncio.gather(task(2, 4), task(3, 4))
            assert (a.spent, refused_a) == (2, 2)
            assert (b.spent, refused_b) == (3, 1)

    run(main())
    assert sb.credits == 1000 - 5


def test_a_budget_object_is_not_entered_twice_at_once() -> None:
    budget = Budget(5)
    with budget, pytest.raises(RuntimeError, match="already active"), budget:
        pass
    with budget:  # again, after its block ended: fine
        pass
